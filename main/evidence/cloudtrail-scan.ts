// What a CloudTrail scan keeps from each record: the coverage of the log stream itself (first and
// last time, active hours, per account and region) and the facts the playbooks need (S3 requests
// per bucket with the plain-HTTP inference of FORMATS.md B1, IMDSv1 credential use, who created a
// resource, trail configuration changes), plus bounded timeline drafts. Everything here merges
// across files, worker threads and bundles.
import type { TrailChange as TrailChangeFact } from '../semantics/facets'
import * as activity from '../semantics/activity'
import type { Activity } from '../semantics/activity'
import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import * as records from './cloudtrail-records'
import type { RecordAt } from './cloudtrail-records'
import { DraftBucket, type TimelineDraft } from './drafts'
import { type Captures, Interner, type SelectiveScanner } from './json-scan'
import type { EvidenceLimits } from '../semantics/limits'
import { openDecoded, readWhole } from './source-stream'
import { ec2Arn, s3BucketArn } from '../semantics/ids'
import * as time from '../semantics/time'
import * as calls from './cloudtrail-calls'
import type { ResourceCalls } from './cloudtrail-calls'

// What every record uses, bound once here: run from the sources (tsx: the CLI, the bench, the
// tests) each use of an imported name is a getter call on the other module's exports, which in
// record() — too big for those calls to be inlined — cost about a tenth of a scan.
const { CT, cloudTrailScanner, readCloudTrailRecords } = records
const { dayOf, hourOf, isoSecondsAt } = time
const { countRequest, emptyActivity, mergeActivity } = activity
const { calledResource, countCall, mergeCalls } = calls

export type CloudTrailSource = 'aws.cloudtrail' | 'aws.cloudtrail-lookup'

/** The log stream of one account and region: what coverage is computed from. */
export interface StreamCoverage {
  account: string
  region: string
  records: number
  first: number | null
  last: number | null
  /** epoch hours holding at least one record */
  hours: Set<number>
  /** indexes into CloudTrailScan.paths (numbers, not paths: thousands of files × hundreds of buckets) */
  files: Set<number>
}

export interface DayCount {
  requests: number
  reads: number
  writes: number
  nonTls: number
  anonymous: number
}

/** S3 requests to one bucket seen in CloudTrail. */
export interface BucketTrailActivity {
  bucket: string
  regions: Set<string>
  accounts: Set<string>
  /** S3 data events (object-level: GetObject, PutObject, …) */
  data: Activity
  /** management events on the bucket (GetBucketAcl, PutBucketPolicy, …) */
  management: Activity
  /** data events meeting every condition of FORMATS.md B1 for a plain-HTTP candidate: inferred, not proven */
  nonTlsInferred: number
  nonTlsLast: number | null
  anonymous: number
  anonymousLast: number | null
  byDay: Map<number, DayCount>
  files: Set<number>
}

/** Calls made with instance-role credentials, by IMDS version (userIdentity.sessionContext.ec2RoleDelivery). */
interface RoleDelivery {
  instanceId: string
  account: string
  region: string
  roles: Set<string>
  v1: number
  v2: number
  v1Last: number | null
  v2Last: number | null
  files: Set<number>
}

interface Creation {
  resource: string
  time: number
  principal: string
  eventName: string
  file: string
  place: string
}

/** A change to a trail as seen (an element of the `account.trail-changes.*` facets). */
type TrailChange = TrailChangeFact & { file: string }

export interface FileOutcome {
  file: string
  records: number
  first: number | null
  last: number | null
  problem: FileProblem | null
}

export interface CloudTrailScan {
  source: CloudTrailSource
  files: FileOutcome[]
  /** the files' bundle paths, indexed by the numbers in the `files` sets below */
  paths: string[]
  streams: Map<string, StreamCoverage>
  buckets: Map<string, BucketTrailActivity>
  roleDelivery: Map<string, RoleDelivery>
  creations: Map<string, Creation>
  trailChanges: TrailChange[]
  drafts: DraftBucket
  /** calls on Lambda functions, SQS queues, SNS topics and KMS keys, by resource ARN (./cloudtrail-calls.ts) */
  calls: Map<string, ResourceCalls>
}

export function emptyScan(source: CloudTrailSource, limits: EvidenceLimits): CloudTrailScan {
  return {
    source,
    files: [],
    paths: [],
    streams: new Map(),
    buckets: new Map(),
    roleDelivery: new Map(),
    creations: new Map(),
    trailChanges: [],
    drafts: new DraftBucket(limits.maxEventsPerResource),
    calls: new Map()
  }
}

/** A bucket not yet seen: nothing counted. */
export function emptyBucketActivity(bucket: string): BucketTrailActivity {
  return {
    bucket,
    regions: new Set(),
    accounts: new Set(),
    data: emptyActivity(),
    management: emptyActivity(),
    nonTlsInferred: 0,
    nonTlsLast: null,
    anonymous: 0,
    anonymousLast: null,
    byDay: new Map(),
    files: new Set()
  }
}

/**
 * Files up to this size once decompressed are inflated in one call instead of streamed. Never more
 * than limits.maxRecordBytes, so that the stream's "a single value is larger than …" refusal cannot
 * be met by a file read whole.
 */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024

const S3 = 's3.amazonaws.com'
const TRAIL_CONFIG_EVENTS = new Set(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'PutEventSelectors', 'StartLogging', 'StopLogging'])

/**
 * Anonymous S3 requests are logged with userIdentity.type AWSAccount and accountId
 * ANONYMOUS_PRINCIPAL (no principalId); "anonymous" is accepted too, as some exports lower-case it.
 */
function isAnonymous(cap: Captures): boolean {
  if (!cap.is(CT.uiType, 'AWSAccount')) return false
  const acct = cap.str(CT.uiAccountId)
  if (acct !== null && /^anonymous(_principal)?$/i.test(acct)) return true
  const pid = cap.str(CT.uiPrincipalId)
  return pid === null || pid === ''
}

/**
 * FORMATS.md B1: CloudTrail does not document that a missing tlsDetails means HTTP (S3 calls by
 * AWS services carry no tlsDetails yet negotiated TLS, and console-proxied calls carry none), so a
 * data event is only a *candidate* when all of these hold. Confirm with server access logs.
 */
function isNonTlsCandidate(cap: Captures): boolean {
  if (cap.has(CT.tlsDetails) && cap.has(CT.tlsVersion)) return false
  const cs = cap.str(CT.cipherSuite) ?? cap.str(CT.cipherSuiteLower)
  if (cs !== null && cs !== '') return false
  if (cap.is(CT.uiType, 'AWSService')) return false
  if (cap.bool(CT.consoleSession) === true) return false
  return true
}

function bucketOf(cap: Captures): string | null {
  const b = cap.str(CT.reqBucket)
  if (b) return b
  for (const arn of cap.strs(CT.resArns)) {
    const m = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn)
    if (m) return m[1]
  }
  return null
}

function readFlag(cap: Captures): boolean | null {
  const ro = cap.bool(CT.readOnly)
  if (ro !== null) return ro
  const name = cap.str(CT.eventName) ?? ''
  return /^(Get|List|Head|Describe|Lookup)/.test(name) ? true : null
}

export class CloudTrailAggregator {
  readonly scan: CloudTrailScan
  private readonly scanner: SelectiveScanner = cloudTrailScanner()

  constructor(
    readonly source: CloudTrailSource,
    private readonly limits: EvidenceLimits
  ) {
    this.scan = emptyScan(source, limits)
  }

  /** Read one CloudTrail log file (gzipped or not) into the scan; a bad file becomes a FileOutcome problem. */
  async addFile(abs: string, file: string): Promise<FileOutcome> {
    const outcome: FileOutcome = { file, records: 0, first: null, last: null, problem: null }
    try {
      // A delivered CloudTrail file (a few MB) is inflated whole; a bigger or broken one is streamed.
      const whole = await readWhole(abs, this.limits, Math.min(this.limits.maxRecordBytes, WHOLE_FILE_BYTES))
      const chunks = whole ? [whole] : (await openDecoded(abs, file, this.limits)).chunks
      const r = await readCloudTrailRecords(chunks, file, this.scanner, this.limits, (cap, at) => this.record(cap, at, file, outcome))
      if (!r.sawRecords) throw new BadEvidence(file, '', 'not a CloudTrail log file (no "Records" array)')
    } catch (e) {
      outcome.problem = problemOf(e, file)
    }
    this.scan.files.push(outcome)
    return outcome
  }

  /** One record of a LookupEvents response (the CloudTrailEvent string), as bytes. */
  addLookupRecord(json: Buffer, file: string, place: string, outcome: FileOutcome): void {
    this.scanner.n = json.length
    const e = this.scanner.scanRecord(json, this.scanner.ws(json, 0), json.length)
    this.record(this.scanner.cap, { index: outcome.records, offset: 0, start: 0, end: e }, file, outcome, place)
  }

  // Per-record caches: consecutive records of a file mostly share account and region.
  private lastFile = ''
  private lastStreamAccount = ''
  private lastStreamRegion = ''
  private lastStream: StreamCoverage | null = null
  private lastHour = -1
  // Strings that recur across records (accounts, Regions, role ARNs), found by their bytes.
  private readonly strings = new Interner(100_000)
  private intern(cap: Captures, slot: number): string | null {
    return this.strings.str(cap, slot)
  }
  // Bucket names, each with where its sets were last updated from and its day's counts.
  private readonly bucketNames = new Interner<BucketSeen>(100_000)
  private readonly bucketSeen = new Map<string, BucketSeen>()

  private principal(cap: Captures): string {
    if (isAnonymous(cap)) return 'anonymous'
    return (
      this.intern(cap, CT.issuerArn) ??
      this.intern(cap, CT.uiArn) ??
      (cap.is(CT.uiType, 'AWSService') ? cap.str(CT.uiInvokedBy) : null) ??
      cap.str(CT.uiPrincipalId) ??
      cap.str(CT.uiAccountId) ??
      'unknown'
    )
  }

  private pathIndex = new Map<string, number>()
  private fileNo(file: string): number {
    let n = this.pathIndex.get(file)
    if (n === undefined) {
      n = this.scan.paths.length
      this.scan.paths.push(file)
      this.pathIndex.set(file, n)
    }
    return n
  }

  private record(cap: Captures, at: RecordAt, file: string, outcome: FileOutcome, place?: string): void {
    const scan = this.scan
    const limits = this.limits
    outcome.records++
    const ts = cap.kind[CT.eventTime] === 1 ? isoSecondsAt(cap.buf, cap.start[CT.eventTime] + 1, cap.end[CT.eventTime] - 1) : NaN
    if (!Number.isFinite(ts)) {
      // A record without a time cannot be placed in the window: it is not counted as coverage.
      return
    }
    if (outcome.first === null || ts < outcome.first) outcome.first = ts
    if (outcome.last === null || ts > outcome.last) outcome.last = ts

    const account = (cap.has(CT.recipientAccountId) ? this.intern(cap, CT.recipientAccountId) : this.intern(cap, CT.uiAccountId)) ?? 'unknown'
    const region = this.intern(cap, CT.awsRegion) ?? 'unknown'
    let stream = this.lastStream
    if (stream === null || account !== this.lastStreamAccount || region !== this.lastStreamRegion || file !== this.lastFile) {
      const sk = `${account}/${region}`
      stream = scan.streams.get(sk) ?? null
      if (!stream) scan.streams.set(sk, (stream = { account, region, records: 0, first: null, last: null, hours: new Set(), files: new Set() }))
      stream.files.add(this.fileNo(file))
      this.lastStream = stream
      this.lastStreamAccount = account
      this.lastStreamRegion = region
      this.lastFile = file
      this.lastHour = -1
    }
    stream.records++
    if (stream.first === null || ts < stream.first) stream.first = ts
    if (stream.last === null || ts > stream.last) stream.last = ts
    const hour = hourOf(ts)
    if (hour !== this.lastHour) {
      stream.hours.add(hour)
      this.lastHour = hour
    }

    const read = readFlag(cap)
    const error = cap.has(CT.errorCode)
    if (cap.is(CT.eventSource, S3)) {
      const known = this.bucketNames.entry(cap, CT.reqBucket)
      let seen = known !== null ? known.data : null
      if (seen === null) {
        const name = known !== null ? known.str : cap.has(CT.reqBucket) ? cap.str(CT.reqBucket) : bucketOf(cap)
        if (name === null || name === '') return
        seen = this.bucketSeen.get(name) ?? null
        if (!seen) {
          let b = scan.buckets.get(name)
          if (!b) scan.buckets.set(name, (b = emptyBucketActivity(name)))
          this.bucketSeen.set(name, (seen = { b, file: '', region: '', account: '', day: -1, dc: null }))
        }
        if (known !== null) known.data = seen
      }
      const b = seen.b
      // Records of a file mostly share region and account: the sets are only touched on a change.
      if (seen.file !== file || seen.region !== region || seen.account !== account) {
        b.regions.add(region)
        b.accounts.add(account)
        b.files.add(this.fileNo(file))
        seen.file = file
        seen.region = region
        seen.account = account
      }
      const bucket = b.bucket
      const principal = this.principal(cap)
      const mgmt = cap.bool(CT.managementEvent)
      const isData = mgmt === false || cap.is(CT.eventCategory, 'Data')
      if (isData) {
        countRequest(b.data, ts, read, error, principal, limits.maxPrincipals)
        const day = dayOf(ts)
        let dc = seen.dc
        if (day !== seen.day || dc === null) {
          dc = b.byDay.get(day) ?? null
          if (!dc) b.byDay.set(day, (dc = { requests: 0, reads: 0, writes: 0, nonTls: 0, anonymous: 0 }))
          seen.day = day
          seen.dc = dc
        }
        dc.requests++
        if (read === true) dc.reads++
        else if (read === false) dc.writes++
        const nonTls = isNonTlsCandidate(cap)
        const anon = principal === 'anonymous'
        if (nonTls) {
          b.nonTlsInferred++
          dc.nonTls++
          if (b.nonTlsLast === null || ts > b.nonTlsLast) b.nonTlsLast = ts
        }
        if (anon) {
          b.anonymous++
          dc.anonymous++
          if (b.anonymousLast === null || ts > b.anonymousLast) b.anonymousLast = ts
        }
        if (nonTls || anon) {
          const eventName = cap.str(CT.eventName) ?? ''
          const what = [nonTls ? 'no TLS details (plain HTTP inferred, not proven)' : '', anon ? 'anonymous' : ''].filter(Boolean).join(', ')
          scan.drafts.add(
            draft(this.source, ts, principal, eventName, s3BucketArn(bucket, region), `${eventName} on s3://${bucket}: ${what}`, file, placeOf(at, place), raw(cap, at))
          )
        }
      } else {
        countRequest(b.management, ts, read, error, principal, limits.maxPrincipals)
        if (read === false) {
          const eventName = cap.str(CT.eventName) ?? ''
          const resource = s3BucketArn(bucket, region)
          scan.drafts.add(
            draft(this.source, ts, principal, eventName, resource, `${eventName} on bucket ${bucket}${error ? ' (failed)' : ''}`, file, placeOf(at, place), raw(cap, at))
          )
          if (eventName === 'CreateBucket' && !error) this.created(resource, ts, principal, eventName, file, placeOf(at, place))
        }
      }
      return
    }
    const eventName = cap.str(CT.eventName) ?? ''

    const called = calledResource(cap)
    if (called !== null) {
      const mgmt = cap.bool(CT.managementEvent)
      countCall(scan.calls, called, {
        principal: this.principal(cap),
        callerAccount: cap.str(CT.uiAccountId),
        service: cap.is(CT.uiType, 'AWSService'),
        time: ts,
        data: mgmt === false || cap.is(CT.eventCategory, 'Data'),
        error,
        eventName,
        file: this.fileNo(file)
      })
    }

    // Calls made with instance-role credentials tell which IMDS version handed them out.
    const delivery = cap.str(CT.roleDelivery)
    if (delivery !== null) {
      const pid = cap.str(CT.uiPrincipalId) ?? ''
      const session = pid.slice(pid.indexOf(':') + 1)
      if (/^i-[0-9a-f]+$/.test(session)) {
        const key = `${account}/${region}/${session}`
        let rd = scan.roleDelivery.get(key)
        if (!rd) scan.roleDelivery.set(key, (rd = { instanceId: session, account, region, roles: new Set(), v1: 0, v2: 0, v1Last: null, v2Last: null, files: new Set() }))
        const role = cap.str(CT.issuerArn)
        if (role) rd.roles.add(role)
        rd.files.add(this.fileNo(file))
        if (delivery === '1.0') {
          rd.v1++
          if (rd.v1Last === null || ts > rd.v1Last) rd.v1Last = ts
          scan.drafts.add(
            draft(
              this.source,
              ts,
              role ?? pid,
              eventName,
              ec2Arn(region, account, 'instance', session),
              `${eventName} with instance-role credentials fetched over IMDSv1`,
              file,
              placeOf(at, place),
              raw(cap, at)
            )
          )
        } else {
          rd.v2++
          if (rd.v2Last === null || ts > rd.v2Last) rd.v2Last = ts
        }
      }
    }

    if (read === true) return
    // Management writes worth a place on the timeline of the resource they touch.
    const principal = this.principal(cap)
    const source = cap.str(CT.eventSource) ?? ''
    const failed = error ? ` (failed: ${cap.str(CT.errorCode)})` : ''
    if (source === 'ec2.amazonaws.com') {
      const ids = new Set([...cap.strs(CT.reqInstanceIds), ...cap.strs(CT.respInstanceIds)])
      const one = cap.str(CT.reqInstanceId)
      if (one) ids.add(one)
      for (const id of ids) {
        const r = ec2Arn(region, account, 'instance', id)
        scan.drafts.add(draft(this.source, ts, principal, eventName, r, `${eventName} on ${id}${failed}`, file, placeOf(at, place), raw(cap, at)))
        if (eventName === 'RunInstances' && !error) this.created(r, ts, principal, eventName, file, placeOf(at, place))
      }
      const sg = cap.str(CT.reqGroupId) ?? cap.str(CT.respGroupId)
      if (sg && /^sg-/.test(sg)) {
        const r = ec2Arn(region, account, 'security-group', sg)
        scan.drafts.add(draft(this.source, ts, principal, eventName, r, `${eventName} on ${sg}${failed}`, file, placeOf(at, place), raw(cap, at)))
        if (eventName === 'CreateSecurityGroup' && !error) this.created(r, ts, principal, eventName, file, placeOf(at, place))
      }
    } else if (source === 'iam.amazonaws.com') {
      const user = cap.str(CT.reqUserName)
      if (user) {
        // The user's path is not in the event; resolve.ts maps this to the credential report's ARN.
        const r = `arn:aws:iam::${account}:user/${user}`
        scan.drafts.add(draft(this.source, ts, principal, eventName, r, `${eventName} for IAM user ${user}${failed}`, file, placeOf(at, place), raw(cap, at)))
        if (eventName === 'CreateUser' && !error) this.created(r, ts, principal, eventName, file, placeOf(at, place))
      }
    } else if (source === 'cloudtrail.amazonaws.com' && TRAIL_CONFIG_EVENTS.has(eventName)) {
      const name = cap.str(CT.reqName) ?? cap.str(CT.reqTrailName) ?? ''
      const trail = name.startsWith('arn:') ? name : `arn:aws:cloudtrail:${region}:${account}:trail/${name}`
      scan.trailChanges.push({ trail, account, region, time: ts, eventName, principal, file, place: placeOf(at, place) })
      scan.drafts.add(draft(this.source, ts, principal, eventName, trail, `${eventName} on trail ${name}${failed}`, file, placeOf(at, place), raw(cap, at)))
    }
  }

  private created(resource: string, ts: number, principal: string, eventName: string, file: string, place: string): void {
    const prev = this.scan.creations.get(resource)
    if (!prev || ts < prev.time) this.scan.creations.set(resource, { resource, time: ts, principal, eventName, file, place })
  }
}

interface BucketSeen {
  b: BucketTrailActivity
  file: string
  region: string
  account: string
  day: number
  dc: DayCount | null
}

/** Where a record is, in messages and evidence links (made only when one is written). */
function placeOf(at: RecordAt, place: string | undefined): string {
  return place ?? `record ${at.index + 1}`
}

function raw(cap: Captures, at: RecordAt): string {
  return cap.buf.toString('utf8', at.start, at.end)
}

function draft(source: string, time: number, actor: string, action: string, resource: string, summary: string, file: string, place: string, raw: string): TimelineDraft {
  return { time, source, actor, action, resource, summary, file, place, raw }
}

/** Merge `b` into `a` (both from the same source). */
export function mergeScans(a: CloudTrailScan, b: CloudTrailScan, limits: EvidenceLimits): CloudTrailScan {
  a.files.push(...b.files)
  // b's file numbers, renumbered into a's table
  const index = new Map(a.paths.map((p, i) => [p, i]))
  const remap = b.paths.map((p) => {
    let n = index.get(p)
    if (n === undefined) {
      n = a.paths.length
      a.paths.push(p)
      index.set(p, n)
    }
    return n
  })
  const renumber = (x: { files: Set<number> }): void => {
    x.files = new Set([...x.files].map((n) => remap[n]))
  }
  for (const s of b.streams.values()) renumber(s)
  for (const s of b.buckets.values()) renumber(s)
  for (const s of b.roleDelivery.values()) renumber(s)
  for (const [k, s] of b.streams) {
    const t = a.streams.get(k)
    if (!t) {
      a.streams.set(k, s)
      continue
    }
    t.records += s.records
    t.first = t.first === null ? s.first : s.first === null ? t.first : Math.min(t.first, s.first)
    t.last = t.last === null ? s.last : s.last === null ? t.last : Math.max(t.last, s.last)
    for (const h of s.hours) t.hours.add(h)
    for (const f of s.files) t.files.add(f)
  }
  for (const [k, s] of b.buckets) {
    const t = a.buckets.get(k)
    if (!t) {
      a.buckets.set(k, s)
      continue
    }
    for (const r of s.regions) t.regions.add(r)
    for (const r of s.accounts) t.accounts.add(r)
    for (const f of s.files) t.files.add(f)
    mergeActivity(t.data, s.data, limits.maxPrincipals)
    mergeActivity(t.management, s.management, limits.maxPrincipals)
    t.nonTlsInferred += s.nonTlsInferred
    t.nonTlsLast = maxOf(t.nonTlsLast, s.nonTlsLast)
    t.anonymous += s.anonymous
    t.anonymousLast = maxOf(t.anonymousLast, s.anonymousLast)
    for (const [d, c] of s.byDay) {
      const x = t.byDay.get(d)
      if (!x) t.byDay.set(d, c)
      else {
        x.requests += c.requests
        x.reads += c.reads
        x.writes += c.writes
        x.nonTls += c.nonTls
        x.anonymous += c.anonymous
      }
    }
  }
  for (const [k, s] of b.roleDelivery) {
    const t = a.roleDelivery.get(k)
    if (!t) {
      a.roleDelivery.set(k, s)
      continue
    }
    for (const r of s.roles) t.roles.add(r)
    for (const f of s.files) t.files.add(f)
    t.v1 += s.v1
    t.v2 += s.v2
    t.v1Last = maxOf(t.v1Last, s.v1Last)
    t.v2Last = maxOf(t.v2Last, s.v2Last)
  }
  for (const [k, c] of b.creations) {
    const t = a.creations.get(k)
    if (!t || c.time < t.time) a.creations.set(k, c)
  }
  a.trailChanges.push(...b.trailChanges)
  a.drafts.addAll(b.drafts)
  mergeCalls(a.calls, b.calls, remap)
  return a
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b)
}
