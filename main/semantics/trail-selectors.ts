// trails.json and the question every S3 safety step depends on: did a trail record the S3 data
// events of this bucket, reads and writes, and since when? Basic event selectors (DataResources)
// and advanced event selectors (field selectors) are both evaluated here.
import type { TrailConfig } from './facets'
import { BadEvidence } from './bad-evidence'
import { arr, bool, type Json, obj, pick, requireArray, str } from './cloud-output'
import { iso } from './time'
import type { S3DataRecording, TrailRecording } from '../../shared/evidence'

/** One trail as read (an element of the `account.trails` facet). */
export type TrailItem = TrailConfig & { file: string }

function selectorsOf(t: Json): { basic: Json[] | null; advanced: Json[] | null } {
  // "eventSelectors" may be the GetEventSelectors response or just its array.
  const es = pick(t, 'eventSelectors', 'EventSelectors')
  const as = pick(t, 'advancedEventSelectors', 'AdvancedEventSelectors')
  const esObj = obj(es)
  const basic = Array.isArray(es) ? es : esObj && Array.isArray(esObj.EventSelectors) ? esObj.EventSelectors : null
  const advanced = Array.isArray(as) ? as : esObj && Array.isArray(esObj.AdvancedEventSelectors) ? esObj.AdvancedEventSelectors : null
  return {
    basic: basic ? (basic.map(obj).filter(Boolean) as Json[]) : null,
    advanced: advanced ? (advanced.map(obj).filter(Boolean) as Json[]) : null
  }
}

export function parseTrails(doc: unknown, file: string, account: string): TrailItem[] {
  return requireArray(doc, file, 'trails', 'trailList').map((x, i) => {
    const t = obj(x)
    const name = str(pick(t, 'Name', 'name'))
    if (!t || !name) throw new BadEvidence(file, `trails[${i}]`, 'a trail without Name')
    const arn = str(t.TrailARN) ?? `arn:aws:cloudtrail:${str(t.HomeRegion) ?? 'unknown'}:${account}:trail/${name}`
    const status = obj(pick(t, 'status', 'Status'))
    const { basic, advanced } = selectorsOf(t)
    return {
      file,
      name,
      arn,
      account: arn.split(':')[4] || account,
      homeRegion: str(t.HomeRegion),
      multiRegion: bool(t.IsMultiRegionTrail) === true,
      organization: bool(t.IsOrganizationTrail) === true,
      s3Bucket: str(t.S3BucketName),
      s3KeyPrefix: str(t.S3KeyPrefix),
      basic,
      advanced,
      isLogging: bool(status?.IsLogging),
      startLogging: str(status?.StartLoggingTime),
      stopLogging: str(status?.StopLoggingTime)
    }
  })
}

type Level = 'all' | 'some' | 'none'
const rank: Record<Level, number> = { none: 0, some: 1, all: 2 }
const maxL = (a: Level, b: Level): Level => (rank[a] >= rank[b] ? a : b)
const minL = (a: Level, b: Level): Level => (rank[a] <= rank[b] ? a : b)

/** arn:aws-cn:… / arn:aws-us-gov:… compare as arn:aws:… (one partition per trail anyway). */
const normArn = (s: string): string => s.replace(/^arn:aws[a-z-]*:/, 'arn:aws:')

/** Basic selectors: DataResources of type AWS::S3::Object, per ReadWriteType. */
function evalBasic(selectors: Json[], bucket: string): { reads: Level; writes: Level; why: string[] } {
  const prefix = `arn:aws:s3:::${bucket}/`
  let reads: Level = 'none'
  let writes: Level = 'none'
  const why: string[] = []
  for (const sel of selectors) {
    const rw = str(sel.ReadWriteType) ?? 'All'
    let level: Level = 'none'
    const under: string[] = []
    for (const dr of arr(sel.DataResources)) {
      const d = obj(dr)
      if (str(d?.Type) !== 'AWS::S3::Object') continue
      for (const raw of arr(d?.Values)) {
        const v = normArn(String(raw))
        if (v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || v === prefix || v === `arn:aws:s3:::${bucket}`) level = 'all'
        else if (v.startsWith(prefix)) {
          level = maxL(level, 'some')
          under.push(v.slice(prefix.length))
        }
      }
    }
    if (level === 'none') continue
    const what = rw === 'ReadOnly' ? 'reads only' : rw === 'WriteOnly' ? 'writes only' : 'reads and writes'
    why.push(`basic selector (${rw}) records ${what} of ${level === 'all' ? 'every object' : `objects under ${under.map((u) => `"${u}"`).join(', ')} only`}`)
    if (rw === 'All' || rw === 'ReadOnly') reads = maxL(reads, level)
    if (rw === 'All' || rw === 'WriteOnly') writes = maxL(writes, level)
  }
  return { reads, writes, why }
}

const list = (v: unknown): string[] => arr(v).map(String)

/** Advanced selectors: each is an AND of field conditions; selectors are ORed. */
function evalAdvanced(selectors: Json[], bucket: string): { reads: Level; writes: Level; why: string[] } {
  const prefix = `arn:aws:s3:::${bucket}/`
  let reads: Level = 'none'
  let writes: Level = 'none'
  const why: string[] = []
  for (const sel of selectors) {
    const name = str(sel.Name) ?? 'unnamed'
    let level: Level = 'all'
    let r = true
    let w = true
    let excluded = false
    const limits: string[] = []
    for (const fs of arr(sel.FieldSelectors)) {
      const f = obj(fs)
      if (!f) continue
      const field = str(f.Field) ?? ''
      const eq = list(f.Equals)
      const ne = list(f.NotEquals)
      const sw = list(f.StartsWith).map(normArn)
      const nsw = list(f.NotStartsWith).map(normArn)
      const ew = list(f.EndsWith)
      const new_ = list(f.NotEndsWith)
      if (field === 'eventCategory') {
        if ((eq.length && !eq.includes('Data')) || ne.includes('Data')) excluded = true
      } else if (field === 'resources.type') {
        if ((eq.length && !eq.includes('AWS::S3::Object')) || ne.includes('AWS::S3::Object')) excluded = true
      } else if (field === 'eventSource') {
        if ((eq.length && !eq.includes('s3.amazonaws.com')) || ne.includes('s3.amazonaws.com')) excluded = true
      } else if (field === 'readOnly') {
        if (eq.length === 1) {
          r = eq[0] === 'true'
          w = eq[0] === 'false'
        }
        if (ne.length === 1) {
          r = ne[0] !== 'true'
          w = ne[0] !== 'false'
        }
      } else if (field === 'resources.ARN') {
        let pos: Level = eq.length || sw.length || ew.length ? 'none' : 'all'
        if (sw.some((s) => prefix.startsWith(s))) pos = 'all'
        else if (sw.some((s) => s.startsWith(prefix)) || eq.map(normArn).some((e) => e.startsWith(prefix)) || ew.length) pos = maxL(pos, 'some')
        if (nsw.some((s) => prefix.startsWith(s))) pos = 'none'
        else if (nsw.some((s) => s.startsWith(prefix)) || ne.map(normArn).some((e) => e.startsWith(prefix)) || new_.length) pos = minL(pos, 'some')
        level = minL(level, pos)
        if (pos === 'some') limits.push('only some objects (resources.ARN)')
      } else if (eq.length || ne.length || sw.length || nsw.length || ew.length || new_.length) {
        // eventName, userIdentity.arn, vpcEndpointId, …: the selector then records only part of
        // the bucket's events.
        level = minL(level, 'some')
        limits.push(`only some events (${field})`)
      }
    }
    if (excluded || level === 'none') continue
    why.push(`advanced selector "${name}" records ${r && w ? 'reads and writes' : r ? 'reads' : 'writes'}${limits.length ? `, ${limits.join(', ')}` : ''}`)
    if (r) reads = maxL(reads, level)
    if (w) writes = maxL(writes, level)
  }
  return { reads, writes, why }
}

export interface TrailChangeSeen {
  trail: string
  time: number
  eventName: string
}

function trailMatches(change: string, t: TrailConfig): boolean {
  return change === t.arn || change.endsWith(`:trail/${t.name}`) || change === t.name
}

/** Does `trail` record the S3 data events of `bucket`, and over what span? */
export function evaluateTrail(t: TrailConfig, bucket: { name: string; region: string | null; account: string | null }, changes: readonly TrailChangeSeen[]): TrailRecording {
  const ev =
    t.advanced && t.advanced.length
      ? evalAdvanced(t.advanced, bucket.name)
      : t.basic
        ? evalBasic(t.basic, bucket.name)
        : { reads: 'none' as Level, writes: 'none' as Level, why: [] }
  const regionOk: boolean | 'unknown' = t.multiRegion ? true : bucket.region === null || t.homeRegion === null ? 'unknown' : t.homeRegion === bucket.region
  const accountOk: boolean | 'unknown' = t.organization ? true : bucket.account === null ? 'unknown' : t.account === bucket.account
  const inScope: boolean | 'unknown' = regionOk === false || accountOk === false ? false : regionOk === true && accountOk === true ? true : 'unknown'
  // Selectors are known as of collection; they may have changed during the window. The latest
  // change (or start of logging) seen bounds from when they are known to have applied.
  const mine = changes.filter((c) => trailMatches(c.trail, t) && c.eventName !== 'StopLogging' && c.eventName !== 'DeleteTrail')
  const lastChange = mine.length ? Math.max(...mine.map((c) => c.time)) : null
  const start = t.startLogging ? Math.floor(Date.parse(t.startLogging) / 1000) : null
  const sinceSec = [lastChange, start].filter((x): x is number => x !== null && Number.isFinite(x))
  const since = sinceSec.length ? iso(Math.max(...sinceSec)) : null
  const until = t.isLogging === false ? (t.stopLogging ?? null) : null
  const parts: string[] = []
  if (ev.why.length) parts.push(...ev.why)
  else parts.push(t.basic || t.advanced ? 'no selector records S3 object events for this bucket' : 'no event selectors in evidence for this trail')
  if (inScope === false)
    parts.push(
      regionOk === false ? `the trail is single-region (${t.homeRegion}) and the bucket is in ${bucket.region}` : `the trail belongs to account ${t.account}, not ${bucket.account}`
    )
  if (t.isLogging === false) parts.push(`logging was stopped${t.stopLogging ? ` at ${t.stopLogging}` : ''}`)
  if (lastChange !== null) parts.push(`selectors or logging last changed at ${iso(lastChange)}`)
  return {
    trail: t.arn,
    selectors: t.advanced && t.advanced.length ? 'advanced' : t.basic ? 'basic' : 'none',
    reads: inScope === false ? 'none' : ev.reads,
    writes: inScope === false ? 'none' : ev.writes,
    inScope,
    isLogging: t.isLogging,
    since,
    until,
    explanation: parts.join('; ')
  }
}

/** What a level of recording leaves out, for one side (reads or writes). */
function side(what: 'reads' | 'writes', l: Level): string {
  return l === 'all' ? `${what} of every object are recorded` : l === 'some' ? `${what} are recorded for part of the objects or events only` : `${what} are not recorded`
}

/** The union over every trail: the best recording any trail gives the bucket. */
export function s3DataRecording(trails: readonly TrailRecording[], anyTrailConfig: boolean): S3DataRecording {
  if (!anyTrailConfig) {
    return {
      recorded: 'unknown',
      reads: 'unknown',
      writes: 'unknown',
      trails: [],
      since: null,
      until: null,
      explanation: 'no trails.json in evidence: whether S3 data events were recorded is unknown'
    }
  }
  let reads: Level = 'none'
  let writes: Level = 'none'
  const useful = trails.filter((t) => (t.reads !== 'none' || t.writes !== 'none') && t.isLogging !== false)
  for (const t of useful) {
    reads = maxL(reads, t.reads)
    writes = maxL(writes, t.writes)
  }
  const stopped = trails.filter((t) => (t.reads !== 'none' || t.writes !== 'none') && t.isLogging === false)
  const recorded: Level = reads === 'all' && writes === 'all' ? 'all' : reads === 'none' && writes === 'none' ? 'none' : 'some'
  const sinces = useful.map((t) => t.since).filter((s): s is string => s !== null)
  const since = useful.length && sinces.length === useful.length ? sinces.sort()[0] : null
  const explanation =
    recorded === 'none'
      ? trails.length
        ? `no logging trail records this bucket's S3 data events${stopped.length ? ` (a trail that did was stopped: ${stopped.map((t) => t.until ?? 'time unknown').join(', ')})` : ''}`
        : 'no trail in evidence'
      : recorded === 'all'
        ? `all S3 data events recorded by ${useful.map((t) => t.trail.split('/').pop()).join(', ')}`
        : `only part of the bucket's S3 data events are recorded — ${side('reads', reads)}, ${side('writes', writes)} (${useful.map((t) => `${t.trail.split('/').pop()}: ${t.explanation}`).join('; ')})`
  return { recorded, reads, writes, trails: [...trails], since, until: null, explanation }
}

// ---- data events of other resource types (Lambda functions, SQS queues, SNS topics) --------------

/** The data-event resource types a trail may select besides S3 objects. */
export type DataResourceType = 'AWS::Lambda::Function' | 'AWS::SQS::Queue' | 'AWS::SNS::Topic'

export interface ResourceRecording {
  /** all: every data event of the resource; some: part of them (some events, read or write only); none */
  level: Level
  /** the trails that record it, when level is not none */
  trails: string[]
  /** in one sentence, for the step's explanation */
  explanation: string
}

/** Basic selectors: DataResources of the type, by ARN (Lambda: `arn:aws:lambda` for every function). */
function basicResource(selectors: Json[], type: DataResourceType, arn: string): { level: Level; why: string[] } {
  let level: Level = 'none'
  const why: string[] = []
  const service = type.split('::')[1].toLowerCase()
  for (const sel of selectors) {
    const rw = str(sel.ReadWriteType) ?? 'All'
    for (const dr of arr(sel.DataResources)) {
      const d = obj(dr)
      if (str(d?.Type) !== type) continue
      for (const raw of arr(d?.Values)) {
        const v = normArn(String(raw))
        const all = v === `arn:aws:${service}` || v === normArn(arn) || normArn(arn).startsWith(v.endsWith(':') ? v : `${v}:`)
        if (!all) continue
        const l: Level = rw === 'All' ? 'all' : 'some'
        if (rank[l] > rank[level]) level = l
        why.push(`basic selector (${rw}) records ${type} data events${v === normArn(arn) ? ' of this resource' : ` under ${v}`}`)
      }
    }
  }
  return { level, why }
}

/** Advanced selectors: a selector of eventCategory Data and this resources.type whose ARN conditions take the resource in. */
function advancedResource(selectors: Json[], type: DataResourceType, arn: string): { level: Level; why: string[] } {
  let level: Level = 'none'
  const why: string[] = []
  const a = normArn(arn)
  for (const sel of selectors) {
    const name = str(sel.Name) ?? 'unnamed'
    let data = false
    let typed = false
    let l: Level = 'all'
    const limits: string[] = []
    for (const fs of arr(sel.FieldSelectors)) {
      const f = obj(fs)
      if (!f) continue
      const field = str(f.Field) ?? ''
      const eq = list(f.Equals)
      const ne = list(f.NotEquals)
      if (field === 'eventCategory') data = eq.includes('Data') && !ne.includes('Data')
      else if (field === 'resources.type') typed = eq.includes(type) && !ne.includes(type)
      else if (field === 'resources.ARN') {
        const sw = list(f.StartsWith).map(normArn)
        const nsw = list(f.NotStartsWith).map(normArn)
        const takes =
          (eq.length || sw.length ? eq.map(normArn).includes(a) || sw.some((s) => a.startsWith(s)) : true) && !ne.map(normArn).includes(a) && !nsw.some((s) => a.startsWith(s))
        if (!takes) l = 'none'
        if (list(f.EndsWith).length || list(f.NotEndsWith).length) {
          l = minL(l, 'some')
          limits.push('resources.ARN EndsWith')
        }
      } else if (eq.length || ne.length || list(f.StartsWith).length || list(f.NotStartsWith).length) {
        l = minL(l, 'some')
        limits.push(`only some events (${field})`)
      }
    }
    if (!data || !typed || l === 'none') continue
    level = maxL(level, l)
    why.push(`advanced selector "${name}" records ${type} data events${limits.length ? `, ${limits.join(', ')}` : ''}`)
  }
  return { level, why }
}

/**
 * Do the account's logging trails record the data events (Lambda Invoke, SQS SendMessage…, SNS
 * Publish) of one resource? The best of every trail in scope for its account and Region. Selectors
 * are known as of collection; a change during the window shows in the trail changes, which the
 * step compares with its window.
 */
export function resourceDataRecording(trails: readonly TrailConfig[], type: DataResourceType, resource: { arn: string; account: string; region: string }): ResourceRecording {
  let level: Level = 'none'
  const by: string[] = []
  const why: string[] = []
  for (const t of trails) {
    if (t.isLogging === false) continue
    if (!t.organization && t.account !== resource.account) continue
    if (!t.multiRegion && t.homeRegion !== null && t.homeRegion !== resource.region) continue
    const ev =
      t.advanced && t.advanced.length
        ? advancedResource(t.advanced, type, resource.arn)
        : t.basic
          ? basicResource(t.basic, type, resource.arn)
          : { level: 'none' as Level, why: [] }
    if (ev.level === 'none') continue
    level = maxL(level, ev.level)
    by.push(t.arn)
    why.push(`${t.name}: ${ev.why.join('; ')}`)
  }
  const explanation =
    level === 'none'
      ? trails.length
        ? `no logging trail of the account records ${type} data events for ${resource.arn}`
        : 'no trail in the evidence'
      : level === 'all'
        ? `${type} data events of ${resource.arn} are recorded (${why.join('; ')})`
        : `only part of the ${type} data events of ${resource.arn} are recorded (${why.join('; ')})`
  return { level, trails: by, explanation }
}

// ---- management read events of one service (KMS Decrypt, Encrypt, GenerateDataKey…) -------------

/** Basic selectors: IncludeManagementEvents (default true), ReadWriteType taking reads, the source not in ExcludeManagementEventSources. */
function basicManagementReads(selectors: Json[], source: string): { level: Level; why: string[] } {
  let level: Level = 'none'
  const why: string[] = []
  for (const sel of selectors) {
    if (bool(sel.IncludeManagementEvents) === false) continue
    const rw = str(sel.ReadWriteType) ?? 'All'
    if (rw === 'WriteOnly') continue
    if (list(sel.ExcludeManagementEventSources).includes(source)) continue
    level = 'all'
    why.push(`basic selector (${rw}) records management read events`)
  }
  return { level, why }
}

/** Advanced selectors: eventCategory Management, readOnly not only false, eventSource not leaving the source out. */
function advancedManagementReads(selectors: Json[], source: string): { level: Level; why: string[] } {
  let level: Level = 'none'
  const why: string[] = []
  for (const sel of selectors) {
    const name = str(sel.Name) ?? 'unnamed'
    let mgmt = false
    let reads = true
    let l: Level = 'all'
    const limits: string[] = []
    for (const fs of arr(sel.FieldSelectors)) {
      const f = obj(fs)
      if (!f) continue
      const field = str(f.Field) ?? ''
      const eq = list(f.Equals)
      const ne = list(f.NotEquals)
      if (field === 'eventCategory') mgmt = eq.includes('Management') && !ne.includes('Management')
      else if (field === 'readOnly') reads = !(eq.length === 1 && eq[0] === 'false') && !(ne.length === 1 && ne[0] === 'true')
      else if (field === 'eventSource') {
        if ((eq.length && !eq.includes(source)) || ne.includes(source)) l = 'none'
      } else if (eq.length || ne.length || list(f.StartsWith).length || list(f.NotStartsWith).length || list(f.EndsWith).length || list(f.NotEndsWith).length) {
        l = minL(l, 'some')
        limits.push(`only some events (${field})`)
      }
    }
    if (!mgmt || !reads || l === 'none') continue
    level = maxL(level, l)
    why.push(`advanced selector "${name}" records management read events${limits.length ? `, ${limits.join(', ')}` : ''}`)
  }
  return { level, why }
}

/**
 * Do the account's logging trails record the management read events of one service (`source`,
 * e.g. kms.amazonaws.com: Decrypt, Encrypt, GenerateDataKey… are management read events) in the
 * resource's Region? A trail can leave them out: ReadWriteType WriteOnly, a readOnly "false"
 * selector, or the source excluded (ExcludeManagementEventSources, an eventSource NotEquals), which
 * AWS offers precisely for KMS's volume. A trail whose selectors are not in the evidence proves nothing.
 */
export function managementReadRecording(trails: readonly TrailConfig[], source: string, resource: { account: string; region: string }): ResourceRecording {
  let level: Level = 'none'
  const by: string[] = []
  const why: string[] = []
  const unread: string[] = []
  for (const t of trails) {
    if (t.isLogging === false) continue
    if (!t.organization && t.account !== resource.account) continue
    if (!t.multiRegion && t.homeRegion !== null && t.homeRegion !== resource.region) continue
    if (!(t.advanced && t.advanced.length) && !t.basic) {
      unread.push(t.name)
      continue
    }
    const ev = t.advanced && t.advanced.length ? advancedManagementReads(t.advanced, source) : basicManagementReads(t.basic!, source)
    if (ev.level === 'none') continue
    level = maxL(level, ev.level)
    by.push(t.arn)
    why.push(`${t.name}: ${ev.why.join('; ')}`)
  }
  const notRead = unread.length ? ` (the event selectors of ${unread.join(', ')} are not in the evidence)` : ''
  const explanation =
    level === 'none'
      ? trails.length
        ? `no logging trail of ${resource.account} records the management read events of ${source} in ${resource.region}${notRead}`
        : 'no trail in the evidence'
      : level === 'all'
        ? `the management read events of ${source} are recorded (${why.join('; ')})`
        : `only part of the management read events of ${source} are recorded (${why.join('; ')})${notRead}`
  return { level, trails: by, explanation }
}
