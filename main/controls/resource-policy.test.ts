// The resource-policy kit's "who used it" answer over a stub of the evidence: callers judged
// against what the fix leaves, and what keeps "nobody" from being said.
import { describe, expect, it } from 'vitest'
import type { Coverage } from '../../shared/evidence'
import type { EvidenceView, StepContext } from './step'
import { accountCallersOutcome, outsideCallersOutcome, type PolicyServiceSpec } from './resource-policy'
import { readResourcePolicy } from '../semantics/iam-policy'

const A = '111122223333'
const Q = `arn:aws:sqs:us-east-1:${A}:q`
const SPEC: PolicyServiceSpec = { service: 'sqs', noun: 'SQS queue', file: 'sqs-queues.json', dataType: null, actionOf: (e) => `sqs:${e}` }
const policy = JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q }] })
const covered = { state: 'covered', evidence: [], gaps: [], problems: [], notes: [], records: 10, files: 1, window: null } as unknown as Coverage

function ctx(o: { callers?: unknown[]; files?: Array<{ kind: string; path: string }>; policy?: string }): StepContext {
  const text = o.policy ?? policy
  const read = readResourcePolicy('sqs', text)
  const facts: Record<string, unknown> = {
    'resource-policy.config': {
      service: 'sqs',
      account: A,
      region: 'us-east-1',
      arn: Q,
      name: 'q',
      policy: text,
      policyError: null,
      public: read.ok ? read.public.map((g) => ({ index: g.index, sid: g.sid, why: g.why })) : [],
      detail: {}
    },
    'activity.aws.cloudtrail.calls': o.callers ? { events: o.callers.length, dataEvents: 0, callers: o.callers, callersTruncated: false } : undefined
  }
  const ev = {
    config: (_id: string, facet: string) => (facts[facet] ? { value: facts[facet], evidence: [] } : null),
    coverage: () => covered,
    files: () => o.files ?? []
  } as unknown as EvidenceView
  return { finding: { resource: { id: Q, name: 'q' } } as StepContext['finding'], window: { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' }, ev }
}

const partner = {
  principal: 'arn:aws:iam::444455556666:role/p',
  account: '444455556666',
  kind: 'other-account',
  events: 3,
  errors: 0,
  first: 1790000000,
  last: 1790000000,
  actions: ['SendMessage']
}

describe('outsideCallersOutcome', () => {
  it('names a caller of another account the fix cuts off (yes), and says no when CloudTrail covers the window and nobody outside used it', () => {
    expect(outsideCallersOutcome(ctx({ callers: [partner] }), SPEC)).toMatchObject({ answer: 'yes', explanation: expect.stringContaining('444455556666:role/p') })
    expect(outsideCallersOutcome(ctx({ callers: [] }), SPEC)).toMatchObject({ answer: 'no' })
  })
  it('a caller whose every call was refused did not use the grant', () => {
    expect(outsideCallersOutcome(ctx({ callers: [{ ...partner, errors: 3 }] }), SPEC)).toMatchObject({ answer: 'no' })
  })
  it('CloudTrail as Lake/Athena answers holds no callers: unknown, never "nobody"', () => {
    const o = outsideCallersOutcome(ctx({ callers: [], files: [{ kind: 'aws.cloudtrail-query', path: `aws/${A}/cloudtrail-query/lake.json` }] }), SPEC)
    expect(o).toMatchObject({ answer: 'unknown', explanation: expect.stringContaining('query answers') })
  })
})

describe('accountCallersOutcome', () => {
  const own = (role: string, action: string) => ({ ...partner, principal: `arn:aws:iam::${A}:role/${role}`, account: A, kind: 'account', actions: [action] })
  const withStatements = (...st: unknown[]) => JSON.stringify({ Statement: [...st, { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q }] })
  const byAccount = withStatements({ Sid: 'Account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sqs:*', Resource: Q })
  const KEY_LIKE: PolicyServiceSpec = { ...SPEC, policyOnly: 'only the resource policy grants it' }

  it('a caller kept only by a statement naming the account, for an action the public statement allowed, keeps it only through its IAM policies', () => {
    const c = ctx({ callers: [own('worker', 'SendMessage')], policy: byAccount })
    expect(accountCallersOutcome(c, SPEC)).toMatchObject({ answer: 'yes', certainty: 'inferred', explanation: expect.stringContaining('delegates to its IAM policies') })
    // where the resource policy is the only grant (KMS), that is not known either way
    expect(accountCallersOutcome(c, KEY_LIKE)).toMatchObject({ answer: 'unknown', explanation: expect.stringContaining('delegates to its IAM policies') })
  })
  it('a caller named by its ARN, or using an action the public statement never allowed, is kept', () => {
    const named = withStatements({ Sid: 'Worker', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/worker` }, Action: 'sqs:*', Resource: Q })
    expect(accountCallersOutcome(ctx({ callers: [own('worker', 'SendMessage')], policy: named }), KEY_LIKE)).toMatchObject({ answer: 'no' })
    expect(accountCallersOutcome(ctx({ callers: [own('worker', 'ReceiveMessage')], policy: byAccount }), SPEC)).toMatchObject({ answer: 'no' })
  })
  it('where the resource policy is the only grant, a caller no remaining statement allows is cut off (proven)', () => {
    const other = withStatements({ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/admin` }, Action: 'sqs:*', Resource: Q })
    expect(accountCallersOutcome(ctx({ callers: [own('worker', 'SendMessage')], policy: other }), KEY_LIKE)).toMatchObject({
      answer: 'yes',
      certainty: 'proven',
      explanation: expect.stringContaining('cuts it off')
    })
  })
  it('management read events as the record: without trails.json "nobody" is unknown', () => {
    const o = outsideCallersOutcome(ctx({ callers: [] }), { ...SPEC, managementReads: 'kms.amazonaws.com' })
    expect(o).toMatchObject({ answer: 'unknown', explanation: expect.stringContaining('management read events of kms.amazonaws.com') })
  })
})
