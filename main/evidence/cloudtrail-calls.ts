// Who called a resource whose access is a resource policy (a Lambda function, SQS queue, SNS topic
// or KMS key): the CloudTrail events naming it in `resources`, counted by caller and by whether the
// caller is of the resource's own account, of another account, an AWS service, or anonymous. What
// a fix that removes a public statement takes away is exactly what the callers from outside used.
//
// The events: Lambda Invoke (a data event), SQS SendMessage/ReceiveMessage/DeleteMessage and SNS
// Publish (data events, when a trail selects them), KMS Decrypt/Encrypt/GenerateDataKey… and the
// management calls on each (management events). CloudTrail puts the resource's ARN in `resources`
// for each of them; a qualified Lambda ARN (…:function:name:alias) counts for the function.
import type { ResourceCaller } from '../semantics/facets'
import type { Captures } from './json-scan'
import * as records from './cloudtrail-records'

// bound once (see cloudtrail-scan.ts: an imported name is a getter call per use when run from the sources)
const { CT } = records

/** The event sources whose resources are counted here. */
const SOURCES: ReadonlyArray<readonly [string, RegExp]> = [
  ['lambda.amazonaws.com', /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+)(?::[^:]+)?$/],
  ['sqs.amazonaws.com', /^(arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[^:/]+)$/],
  ['sns.amazonaws.com', /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[^:/]+)$/],
  ['kms.amazonaws.com', /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[^:/]+)$/]
]

const MAX_CALLERS = 50
const MAX_ACTIONS = 10

interface CallerCount extends Omit<ResourceCaller, 'actions'> {
  actions: Set<string>
}

/** The calls on one resource, mergeable across files, workers and bundles. */
export interface ResourceCalls {
  arn: string
  account: string
  events: number
  dataEvents: number
  callers: Map<string, CallerCount>
  truncated: boolean
  /** indexes into CloudTrailScan.paths */
  files: Set<number>
}

/** The resource ARN a record of one of the four services names, or null (another service, or no ARN in `resources`). */
export function calledResource(cap: Captures): string | null {
  for (const [source, re] of SOURCES) {
    if (!cap.is(CT.eventSource, source)) continue
    for (const arn of cap.strs(CT.resArns)) {
      const m = re.exec(arn)
      if (m) return m[1]
    }
    return null
  }
  return null
}

/**
 * Count one call. `principal` is how the scan names the caller (issuer ARN of a role session, the
 * user's ARN, the invoking service, "anonymous"); `callerAccount` is userIdentity.accountId.
 */
export function countCall(
  calls: Map<string, ResourceCalls>,
  arn: string,
  o: { principal: string; callerAccount: string | null; service: boolean; time: number; data: boolean; error: boolean; eventName: string; file: number }
): void {
  const owner = arn.split(':')[4]
  let r = calls.get(arn)
  if (!r) calls.set(arn, (r = { arn, account: owner, events: 0, dataEvents: 0, callers: new Map(), truncated: false, files: new Set() }))
  r.events++
  if (o.data) r.dataEvents++
  r.files.add(o.file)
  const kind: ResourceCaller['kind'] =
    o.principal === 'anonymous' ? 'anonymous' : o.service ? 'service' : o.callerAccount && o.callerAccount !== owner ? 'other-account' : 'account'
  let c = r.callers.get(o.principal)
  if (!c) {
    if (r.callers.size >= MAX_CALLERS && kind === 'account') {
      // the outside callers are what a verdict names: an own-account caller past the cap is counted, not listed
      r.truncated = true
      return
    }
    r.callers.set(
      o.principal,
      (c = {
        principal: o.principal,
        account: kind === 'service' || kind === 'anonymous' ? null : o.callerAccount,
        kind,
        events: 0,
        errors: 0,
        first: o.time,
        last: o.time,
        actions: new Set()
      })
    )
  }
  c.events++
  if (o.error) c.errors++
  c.first = Math.min(c.first, o.time)
  c.last = Math.max(c.last, o.time)
  if (c.actions.size < MAX_ACTIONS) c.actions.add(o.eventName)
}

/** Merge `b` into `a`, `remap` renumbering b's file indexes. */
export function mergeCalls(a: Map<string, ResourceCalls>, b: Map<string, ResourceCalls>, remap: readonly number[]): void {
  for (const [arn, s] of b) {
    const files = new Set([...s.files].map((n) => remap[n]))
    const t = a.get(arn)
    if (!t) {
      a.set(arn, { ...s, files })
      continue
    }
    t.events += s.events
    t.dataEvents += s.dataEvents
    t.truncated ||= s.truncated
    for (const f of files) t.files.add(f)
    for (const [p, c] of s.callers) {
      const x = t.callers.get(p)
      if (!x) {
        t.callers.set(p, c)
        continue
      }
      x.events += c.events
      x.errors += c.errors
      x.first = Math.min(x.first, c.first)
      x.last = Math.max(x.last, c.last)
      for (const n of c.actions) if (x.actions.size < MAX_ACTIONS) x.actions.add(n)
    }
  }
}

/** The callers as the facet stores them: outside callers first, then by events. */
export function callersOf(r: ResourceCalls): { callers: ResourceCaller[]; truncated: boolean } {
  const order = { anonymous: 0, 'other-account': 1, service: 2, account: 3 }
  const callers = [...r.callers.values()]
    .map((c) => ({ ...c, actions: [...c.actions].sort() }))
    .sort((x, y) => order[x.kind] - order[y.kind] || y.events - x.events || (x.principal < y.principal ? -1 : 1))
  return { callers, truncated: r.truncated }
}
