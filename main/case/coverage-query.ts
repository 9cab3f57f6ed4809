// getCoverage: what one source covered for one resource, over every bundle in the case. The
// resource is named as the other stages name it (bucket ARN, instance ARN, …); this module finds
// the log streams that stand for it (a bucket's CloudTrail region, an instance's interfaces).
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
import { LastmileError } from '../errors'
import { type CoverageDetail, emptyDetail, gapsOf, mergeDetails } from '../semantics/coverage'
import { accountOfResource, accountResource, evidenceKeyOf, parseArn, streamKey, subscriptionId } from '../semantics/ids'
import { evaluateTrail, s3DataRecording, type TrailChangeSeen } from '../semantics/trail-selectors'
import { iso, parseTime } from '../semantics/time'
import { COVERAGE_SOURCES, type Coverage, type CoverageGap, type CoverageSource, type FileProblemRef } from '../../shared/evidence'
import { latestFacet, facetValues } from './facets'
import type { FacetMap, FacetName, TrailConfig } from '../semantics/facets'

interface Row {
  bundle_id: string
  resource_id: string
  first_time: string | null
  last_time: string | null
  records: number
  detail: string
}

interface StoredDetail extends Omit<CoverageDetail, 'problems'> {
  problems: Array<{ file: string; place: string; problem: string; evidence: string | null }>
}

const SILENCE: Record<string, string> = {
  'aws.cloudtrail': 'a trail delivers management events all day, so a silence this long means logging was off or files are missing',
  'aws.cloudtrail-lookup': 'Event history holds management events only; no events, or pages missing',
  'aws.s3-access-logs': 'access logs are delivered only when there are requests: no requests, or logs missing (absence is not proof)',
  'aws.vpc-flow-logs': 'flow logs write NODATA records for idle interfaces, so silence means no log was delivered',
  'aws.cloudwatch.metadata-no-token': 'EC2 publishes metrics only while an instance runs: stopped, or data missing',
  'azure.activity-log': 'no control-plane operations, or logs missing',
  'azure.storage-logs': 'no requests, or logs missing (absence is not proof)',
  'azure.nsg-flow-logs': 'NSG flow logs are written only for hours with flows (an NSG open to the internet sees scans every hour): no traffic, or logs missing',
  'azure.sql-audit-logs': 'the SQL audit log is written only for audited events: no connections, or auditing off or logs missing',
  'azure.keyvault-logs': 'the AuditEvent log is written only for requests: no requests, or the diagnostic setting off or logs missing'
}

export interface CoverageOptions {
  /** the window to judge coverage against; default: the union of the contributing bundles' windows */
  window?: { from: string; to: string }
}

function rowsFor(db: Db, source: string, keys: readonly string[]): Row[] {
  if (!keys.length) return []
  const q = keptStatement(
    db,
    `SELECT bundle_id, resource_id, first_time, last_time, records, detail FROM evidence_coverage WHERE source = ? AND resource_id IN (${keys.map(() => '?').join(',')})`
  )
  return q.all(source, ...keys) as Row[]
}

/** Every stored value of `facet` (of every resource), oldest bundle first; a merged row gives each of its values. */
function allFacts<K extends FacetName>(db: Db, facet: K): Array<{ resource_id: string; value: FacetMap[K]; collected_at: string }> {
  const rows = keptStatement(
    db,
    'SELECT f.resource_id, f.value, b.collected_at FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id WHERE f.facet = ? ORDER BY b.collected_at, b.seq'
  ).all(facet) as Array<{ resource_id: string; value: string; collected_at: string }>
  return rows.flatMap((r) => facetValues(r.value).map((value) => ({ resource_id: r.resource_id, value: value as FacetMap[K], collected_at: r.collected_at })))
}

/** Where a bucket lives, from its inventory entry or the CloudTrail data events that named it. */
export function bucketPlace(db: Db, bucketId: string): { region: string | null; account: string | null } {
  const cfg = latestFacet(db, bucketId, 's3.config')?.value
  const ct = latestFacet(db, bucketId, 'activity.aws.cloudtrail.s3-data')?.value
  return {
    region: cfg?.region ?? (ct && ct.regions.length === 1 ? ct.regions[0] : null),
    account: cfg?.account ?? (ct && ct.accounts.length === 1 ? ct.accounts[0] : null)
  }
}

/** The CloudTrail streams (account/region) that would log events about a resource. */
function streamsOf(db: Db, key: string): { keys: string[]; accounts: string[]; notes: string[] } {
  if (key.startsWith('aws-stream:')) return { keys: [key], accounts: [key.split(':')[1]], notes: [] }
  const acct = accountOfResource(key)
  if (acct) {
    const rows = keptStatement(db, 'SELECT DISTINCT resource_id FROM evidence_coverage WHERE resource_id LIKE ?').all(`aws-stream:${acct}:%`) as Array<{ resource_id: string }>
    return { keys: rows.map((r) => r.resource_id), accounts: [acct], notes: [] }
  }
  const arn = parseArn(key)
  if (arn?.service === 's3') {
    const p = bucketPlace(db, key)
    if (!p.region || !p.account) {
      return {
        keys: [],
        accounts: p.account ? [p.account] : [],
        notes: [`the bucket's ${!p.region ? 'region' : 'account'} is not in evidence (add s3-buckets.json): its CloudTrail stream cannot be chosen`]
      }
    }
    return { keys: [streamKey(p.account, p.region)], accounts: [p.account], notes: [] }
  }
  if (arn?.service === 'iam') return { keys: [streamKey(arn.account, 'us-east-1')], accounts: [arn.account], notes: ['IAM is global: its events are logged in us-east-1'] }
  if (arn && arn.region && arn.account) return { keys: [streamKey(arn.account, arn.region)], accounts: [arn.account], notes: [] }
  return { keys: [], accounts: [], notes: [`${key}: not an AWS resource this source logs`] }
}

function interfacesOf(db: Db, key: string): string[] {
  if (key.startsWith('eni:')) return [key]
  const direct = keptStatement(db, "SELECT DISTINCT from_id FROM evidence_links WHERE to_id = ? AND kind IN ('interface-of-instance', 'interface-uses-security-group')").all(
    key
  ) as Array<{ from_id: string }>
  return direct.map((r) => r.from_id)
}

function accountOf(key: string): string | null {
  const a = accountOfResource(key)
  if (a) return a
  if (key.startsWith('eni:') || key.startsWith('aws-stream:')) return key.split(':')[1]
  return parseArn(key)?.account || null
}

function bundleWindows(db: Db, bundles: readonly string[]): { from: number; to: number } | null {
  const rows = (
    bundles.length
      ? db.prepare(`SELECT window_from, window_to FROM evidence_bundles WHERE id IN (${bundles.map(() => '?').join(',')})`).all(...bundles)
      : db.prepare('SELECT window_from, window_to FROM evidence_bundles').all()
  ) as Array<{ window_from: string | null; window_to: string | null }>
  let from = Infinity
  let to = -Infinity
  for (const r of rows) {
    const f = r.window_from ? parseTime(r.window_from) : NaN
    const t = r.window_to ? parseTime(r.window_to) : NaN
    if (Number.isFinite(f)) from = Math.min(from, f)
    if (Number.isFinite(t)) to = Math.max(to, t)
  }
  return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null
}

function merge(rows: Row[]): { detail: CoverageDetail & { problems: StoredDetail['problems'] }; first: string | null; last: string | null; records: number } {
  let detail = emptyDetail() as CoverageDetail & { problems: StoredDetail['problems'] }
  let first: string | null = null
  let last: string | null = null
  let records = 0
  for (const r of rows) {
    detail = mergeDetails(detail, JSON.parse(r.detail) as CoverageDetail) as typeof detail
    if (r.first_time && (!first || r.first_time < first)) first = r.first_time
    if (r.last_time && (!last || r.last_time > last)) last = r.last_time
    records += r.records
  }
  return { detail, first, last, records }
}

function problemRefs(d: { problems: StoredDetail['problems'] }): FileProblemRef[] {
  return d.problems.map((p) => ({ evidence: p.evidence ?? '', path: p.file, place: p.place, problem: p.problem }))
}

/**
 * What `source` covered for `resourceId`. `state` is `covered` only when the whole window holds
 * records without a gap longer than a day, with no unreadable file and nothing the collector
 * missed; `none` when the case holds no evidence of this source for it.
 */
export function getCoverage(db: Db, source: CoverageSource, resourceId: string, opts: CoverageOptions = {}): Coverage {
  if (!COVERAGE_SOURCES.includes(source)) throw new LastmileError('bad-input', `${source}: not an evidence source (one of ${COVERAGE_SOURCES.join(', ')})`)
  const key = evidenceKeyOf(resourceId)
  const notes: string[] = []
  let rows: Row[] = []
  let perInterface: Array<{ eni: string; rows: Row[] }> | null = null
  let sourceForRows: string = source
  const acct = accountOf(key)
  const sub = key.startsWith('/subscriptions/') ? subscriptionId(key.split('/')[2]) : null

  switch (source) {
    case 'aws.cloudtrail':
    case 'aws.cloudtrail-lookup':
    case 'aws.cloudtrail.s3-data': {
      if (source === 'aws.cloudtrail.s3-data') sourceForRows = 'aws.cloudtrail'
      const s = streamsOf(db, key)
      notes.push(...s.notes)
      rows = rowsFor(db, sourceForRows, [...s.keys, ...s.accounts.map(accountResource)])
      break
    }
    case 'aws.vpc-flow-logs': {
      const enis = interfacesOf(db, key)
      perInterface = enis.map((e) => ({ eni: e, rows: rowsFor(db, source, [e]) }))
      rows = [...perInterface.flatMap((p) => p.rows), ...(acct ? rowsFor(db, source, [accountResource(acct)]) : [])]
      if (!enis.length) notes.push('no network interface of this resource is in evidence (add ec2-instances.json)')
      break
    }
    case 'aws.iam.credential-report':
    case 'aws.inventory':
      rows = acct ? rowsFor(db, source, [accountResource(acct)]) : []
      break
    case 'azure.activity-log':
    case 'azure.inventory':
      rows = sub ? rowsFor(db, source, [sub]) : []
      break
    case 'azure.storage-logs':
    case 'azure.nsg-flow-logs':
    case 'azure.sql-audit-logs':
    case 'azure.keyvault-logs':
      rows = rowsFor(db, source, sub ? [key, sub] : [key])
      break
    default:
      rows = rowsFor(db, source, [key])
  }

  const bundles = [...new Set(rows.map((r) => r.bundle_id))]
  const w = opts.window ? { from: parseTime(opts.window.from), to: parseTime(opts.window.to) } : bundleWindows(db, bundles)
  if (opts.window && (!Number.isFinite(w!.from) || !Number.isFinite(w!.to))) throw new LastmileError('bad-input', `window ${opts.window.from} … ${opts.window.to}: not ISO times`)
  const window = w && Number.isFinite(w.from) && Number.isFinite(w.to) ? w : null
  const silence = SILENCE[sourceForRows] ?? 'no records'
  const m = merge(rows)
  let gaps: CoverageGap[] = []
  if (perInterface) {
    // Every interface must be covered: an attacker's session on the one interface without a flow
    // log is exactly the one that matters.
    for (const p of perInterface) {
      const mm = merge(p.rows)
      if (!p.rows.length)
        gaps.push({
          from: window ? iso(window.from) : '',
          to: window ? iso(window.to) : '',
          reason: 'no-records',
          detail: `${p.eni.split(':')[2]}: no flow log records for this interface`
        })
      else gaps.push(...gapsOf(mm.detail, window, silence).map((g) => ({ ...g, detail: `${p.eni.split(':')[2]}: ${g.detail}` })))
    }
    const acctRows = rows.filter((r) => r.resource_id.startsWith('AWS::::Account:'))
    gaps.push(...gapsOf(merge(acctRows).detail, null, silence))
  } else gaps = gapsOf(m.detail, window, silence)

  const evidence = [...new Set(m.detail.files)]
  const problems = problemRefs(m.detail)
  const cov: Coverage = {
    source,
    resourceId: key,
    state: 'none',
    window: window ? { from: iso(window.from), to: iso(window.to) } : null,
    first: m.first,
    last: m.last,
    records: m.records,
    files: evidence.length,
    gaps,
    problems,
    evidence,
    notes: [...notes, ...m.detail.notes]
  }
  if (source === 'aws.cloudtrail.s3-data') recordingOf(db, key, cov, window)
  cov.state = cov.records === 0 && cov.files === 0 ? 'none' : cov.gaps.length || cov.problems.length ? 'partial' : 'covered'
  if (cov.recording) {
    if (cov.recording.recorded === 'none') cov.state = 'none'
    else if (cov.recording.recorded !== 'all' && cov.state === 'covered') cov.state = 'partial'
  }
  return cov
}

/** Fold the trails' event selectors into S3 data-event coverage of a bucket. */
function recordingOf(db: Db, bucketId: string, cov: Coverage, window: { from: number; to: number } | null): void {
  const arn = parseArn(bucketId)
  if (arn?.service !== 's3' || arn.resource.includes('/')) {
    cov.notes.push('S3 data-event coverage is asked of a bucket ARN')
    return
  }
  const place = bucketPlace(db, bucketId)
  // Latest trails.json per account (organisation trails live in the management account).
  const latest = new Map<string, TrailConfig[]>()
  for (const f of allFacts(db, 'account.trails')) latest.set(f.resource_id, f.value.trails)
  const changes: TrailChangeSeen[] = []
  for (const facet of ['account.trail-changes.aws.cloudtrail', 'account.trail-changes.aws.cloudtrail-lookup'] as const) {
    for (const f of allFacts(db, facet)) changes.push(...f.value.changes)
  }
  const trails = [...latest.values()].flat()
  const recs = trails.map((t) => evaluateTrail(t, { name: arn.resource, region: place.region, account: place.account }, changes))
  const recording = s3DataRecording(recs, latest.size > 0)
  cov.recording = recording
  if (recording.recorded === 'none' || recording.recorded === 'unknown') {
    cov.gaps.push({ from: window ? iso(window.from) : '', to: window ? iso(window.to) : '', reason: 'not-recorded', detail: recording.explanation })
    return
  }
  if (recording.since && window && parseTime(recording.since) > window.from) {
    cov.gaps.push({
      from: iso(window.from),
      to: recording.since,
      reason: 'not-recorded',
      detail: `event selectors are known only from ${recording.since} (logging started or selectors changed then)`
    })
  }
  if (recording.since === null) cov.notes.push('no selector change seen in the management events in evidence: the selectors are assumed unchanged over the window')
  if (recording.recorded === 'some') cov.notes.push(`only part of the bucket's S3 data events are recorded (reads: ${recording.reads}, writes: ${recording.writes})`)
  cov.gaps.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
}
