// getFacts: everything the evidence in a case says about one resource, merged over its bundles —
// configuration from the most recently collected bundle, activity summed over all of them (the
// same file added twice is stored once, so it is not counted twice). Part of the case read model:
// the evidence stage writes these facts, investigate, remediate and the workflow read them here.
import type { Db } from '../db/case-db'
import { type Activity, emptyActivity, mergeActivity } from '../semantics/activity'
import { bucketPlace } from './coverage-query'
import { accountOfResource, accountResource, ec2Arn, evidenceKeyOf, parseArn } from '../semantics/ids'
import { publicAclGrants, s3Encryption, type InstanceItem, type SecurityGroupItem, type AzureStorageAccount } from '../semantics/inventory-items'
import { iso } from '../semantics/time'
import type {
  ActivityFact,
  AdminFlowFact,
  Certainty,
  ServedPortFact,
  CoverageSource,
  Dependency,
  EncryptionFact,
  EnvironmentFact,
  ExposureFact,
  OwnerFact,
  ResourceFacts
} from '../../shared/evidence'

/**
 * Inbound flows to one port other than 22/3389 that the interface serves (or, for protocols
 * without ports, to the protocol): what an all-traffic or port-range rule also carries. The fact
 * the flow-log reader (main/evidence/vpc-flow-logs.ts) stores per interface; getFacts turns its
 * epoch days and seconds into dates (ServedPortFact).
 */
export type ServedPort = Omit<ServedPortFact, 'days' | 'first' | 'last'> & {
  /** UTC days (epoch day numbers) with a session */
  days: number[]
  first: number
  last: number
}

interface FactRow {
  facet: string
  value: unknown
  evidence: string[]
  bundle: string
}

function rowsOf(db: Db, keys: readonly string[]): FactRow[] {
  if (!keys.length) return []
  const rows = db
    .prepare(
      `SELECT f.facet, f.value, f.evidence, f.bundle_id FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id
       WHERE f.resource_id IN (${keys.map(() => '?').join(',')}) ORDER BY b.collected_at, b.seq, f.id`
    )
    .all(...keys) as Array<{ facet: string; value: string; evidence: string; bundle_id: string }>
  const out: FactRow[] = []
  for (const r of rows) {
    const v = JSON.parse(r.value) as unknown
    const merged = (v as { merged?: unknown[] })?.merged
    const ev = JSON.parse(r.evidence) as string[]
    for (const x of Array.isArray(merged) ? merged : [v]) out.push({ facet: r.facet, value: x, evidence: ev, bundle: r.bundle_id })
  }
  return out
}

const t = (s: number | null | undefined): string | null => (s === null || s === undefined || !Number.isFinite(s) ? null : iso(s))

const ENV_KEYS = ['environment', 'env', 'stage', 'environment-name', 'env-name', 'tier']
const OWNER_KEYS = ['owner', 'team', 'owner-team', 'ownerteam', 'contact', 'costcenter', 'cost-center', 'cost_center', 'business-unit']

/** prod / staging / dev / test from the words people actually use in tags and names. */
export function normaliseEnvironment(v: string): string {
  const s = v.trim().toLowerCase()
  if (/^(prod|production|prd|live|prod-\w+)$/.test(s)) return 'prod'
  if (/^(staging|stage|stg|preprod|pre-prod|uat)$/.test(s)) return 'staging'
  if (/^(dev|development|develop|sandbox|sbx)$/.test(s)) return 'dev'
  if (/^(test|testing|qa|tst|int|integration)$/.test(s)) return 'test'
  return s
}

/** A naming pattern: an environment word as a token of the name (`payments-prod-logs`, `dev.assets`). */
export function environmentFromName(name: string): string | null {
  const tokens = name.toLowerCase().split(/[^a-z0-9]+/)
  for (const [env, words] of [
    ['prod', ['prod', 'production', 'prd']],
    ['staging', ['staging', 'stage', 'stg', 'preprod']],
    ['dev', ['dev', 'development', 'sandbox']],
    ['test', ['test', 'qa', 'tst']]
  ] as const) {
    if (tokens.some((x) => (words as readonly string[]).includes(x))) return env
  }
  return null
}

function tagValue(tags: Record<string, string>, keys: readonly string[]): [string, string] | null {
  for (const [k, v] of Object.entries(tags)) if (keys.includes(k.toLowerCase()) && v.trim()) return [k, v]
  return null
}

export interface FactsOptions {
  /** account → environment, when the caller has its own map (default: the case's, set with setAccountEnvironment) */
  accountEnvironments?: Record<string, string>
}

export function getFacts(db: Db, resourceId: string, opts: FactsOptions = {}): ResourceFacts {
  const key = evidenceKeyOf(resourceId)
  const arn = parseArn(key)
  const rows = rowsOf(db, [key])
  const latest = new Map<string, FactRow>()
  for (const r of rows) latest.set(r.facet, r)
  const all = (facet: string): FactRow[] => rows.filter((r) => r.facet === facet)
  const evidence = new Set<string>(rows.flatMap((r) => r.evidence))

  const type = typeOf(key)
  const s3cfg = latest.get('s3.config')?.value as (Record<string, unknown> & { tags: Record<string, string> }) | undefined
  const ec2cfg = latest.get('ec2.config')?.value as (Omit<InstanceItem, 'file'> & { region: string }) | undefined
  const sgcfg = latest.get('sg.config')?.value as (Omit<SecurityGroupItem, 'file'> & { openToInternet: Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidr: string }> }) | undefined
  const azcfg = latest.get('azure.storage.config')?.value as Omit<AzureStorageAccount, 'file'> | undefined
  const tags: Record<string, string> = (s3cfg?.tags ?? ec2cfg?.tags ?? sgcfg?.tags ?? azcfg?.tags ?? {}) as Record<string, string>
  const cfgEvidence = (facet: string): string[] => latest.get(facet)?.evidence ?? []

  const place = type === 'aws.s3.bucket' ? bucketPlace(db, key) : null
  const account =
    place?.account ?? ec2cfg?.account ?? sgcfg?.account ?? (arn?.account ? arn.account : null) ?? accountOfResource(key) ?? (key.startsWith('/subscriptions/') ? key.split('/')[2] : null)
  const region = place?.region ?? ec2cfg?.region ?? (arn?.region ? arn.region : null) ?? azcfg?.location ?? null
  const name = arn ? (arn.service === 's3' ? arn.resource : arn.resource.split('/').pop() ?? null) : key.startsWith('/subscriptions/') ? key.split('/').pop() ?? null : key

  // --- environment ---------------------------------------------------------------------------
  const accountEnvs = opts.accountEnvironments ?? Object.fromEntries((db.prepare('SELECT account, environment FROM evidence_account_environments').all() as Array<{ account: string; environment: string }>).map((r) => [r.account, r.environment]))
  let environment: EnvironmentFact
  const envTag = tagValue(tags, ENV_KEYS)
  const cfgFacet = s3cfg ? 's3.config' : ec2cfg ? 'ec2.config' : sgcfg ? 'sg.config' : 'azure.storage.config'
  if (envTag) environment = { value: normaliseEnvironment(envTag[1]), basis: 'tag', detail: `tag ${envTag[0]}=${envTag[1]}`, evidence: cfgEvidence(cfgFacet) }
  else if (account && accountEnvs[account]) environment = { value: normaliseEnvironment(accountEnvs[account]), basis: 'account-map', detail: `account ${account} is mapped to ${accountEnvs[account]}`, evidence: [] }
  else {
    const fromName = [name, tags.Name].filter((x): x is string => !!x).map(environmentFromName).find((x) => x !== null) ?? null
    environment = fromName ? { value: fromName, basis: 'name-pattern', detail: `the name "${tags.Name ?? name}" reads as ${fromName}`, evidence: [] } : { value: null, basis: 'none', detail: 'no environment tag, account mapping or telling name', evidence: [] }
  }

  // --- owner ---------------------------------------------------------------------------------
  let owner: OwnerFact
  const ownerTag = tagValue(tags, OWNER_KEYS)
  const creator = all('creator').sort((a, b) => ((a.value as { time: number }).time ?? 0) - ((b.value as { time: number }).time ?? 0))[0]
  if (ownerTag) owner = { value: ownerTag[1], basis: 'tag', detail: `tag ${ownerTag[0]}=${ownerTag[1]}`, certainty: 'proven', evidence: cfgEvidence(cfgFacet) }
  else if (creator) {
    const c = creator.value as { principal: string; time: number; eventName: string; source: string; place: string; earliestWriteOnly?: boolean }
    owner = {
      value: c.principal,
      basis: 'creator',
      detail: c.earliestWriteOnly
        ? `earliest write in the evidence: ${c.eventName} by ${c.principal} at ${t(c.time)} (may be an update, not the creation)`
        : `${c.eventName} by ${c.principal} at ${t(c.time)} (${c.source}, ${c.place})`,
      certainty: c.earliestWriteOnly ? 'inferred' : 'proven',
      evidence: creator.evidence
    }
  } else owner = { value: null, basis: 'none', detail: 'no owner tag, and no creation event in the evidence', certainty: 'inferred', evidence: [] }

  // --- activity ------------------------------------------------------------------------------
  const activity: ActivityFact[] = []
  const mergedActivity = (facet: string): { activity: Activity; extra: Record<string, unknown>; evidence: string[] } | null => {
    const list = all(facet)
    if (!list.length) return null
    const a = emptyActivity()
    const extra: Record<string, unknown> = {}
    const ev = new Set<string>()
    for (const r of list) {
      const v = r.value as { activity: Activity } & Record<string, unknown>
      mergeActivity(a, v.activity, 1000)
      r.evidence.forEach((e) => ev.add(e))
      for (const [k, x] of Object.entries(v)) {
        if (k === 'activity') continue
        if (typeof x === 'number') {
          // counters add up; *Last times take the latest
          extra[k] = /Last$/.test(k) ? Math.max((extra[k] as number) ?? -Infinity, x) : ((extra[k] as number) ?? 0) + x
        } else if (x && typeof x === 'object' && !Array.isArray(x)) {
          const into = (extra[k] as Record<string, number>) ?? {}
          for (const [kk, n] of Object.entries(x as Record<string, number>)) into[kk] = (into[kk] ?? 0) + n
          extra[k] = into
        } else if (Array.isArray(x)) extra[k] = [...new Set([...((extra[k] as unknown[]) ?? []), ...x])]
        else if (!(k in extra)) extra[k] = x
      }
    }
    return { activity: a, extra, evidence: [...ev] }
  }
  const toFact = (source: CoverageSource, certainty: Certainty, m: { activity: Activity; evidence: string[] }): ActivityFact => ({
    source,
    certainty,
    requests: m.activity.requests,
    reads: m.activity.reads,
    writes: m.activity.writes,
    errors: m.activity.errors,
    principals: m.activity.principals,
    principalsTruncated: m.activity.principalsTruncated,
    first: t(m.activity.first),
    lastAccess: t(m.activity.last),
    lastRead: t(m.activity.lastRead),
    lastWrite: t(m.activity.lastWrite),
    evidence: m.evidence
  })
  const acc = mergedActivity('activity.aws.s3-access-logs')
  const ctData = mergedActivity('activity.aws.cloudtrail.s3-data')
  // Event history (LookupEvents) repeats the trail's management events: used only without a trail.
  const ctMgmtTrail = mergedActivity('activity.aws.cloudtrail.s3-management')
  const ctMgmt = ctMgmtTrail ?? mergedActivity('activity.aws.cloudtrail-lookup.s3-management')
  const ctMgmtSource: CoverageSource = ctMgmtTrail ? 'aws.cloudtrail' : 'aws.cloudtrail-lookup'
  const azLogs = mergedActivity('activity.azure.storage-logs')
  if (acc) activity.push(toFact('aws.s3-access-logs', 'proven', acc))
  if (ctData) activity.push(toFact('aws.cloudtrail.s3-data', 'proven', ctData))
  if (ctMgmt) activity.push(toFact(ctMgmtSource, 'proven', ctMgmt))
  if (azLogs) activity.push(toFact('azure.storage-logs', 'proven', azLogs))
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0)
  const tn = (x: unknown): string | null => (typeof x === 'number' && Number.isFinite(x) ? iso(x) : null)

  // --- dependencies --------------------------------------------------------------------------
  const linkRows = db
    .prepare(
      `SELECT kind, from_id, to_id, detail, evidence FROM evidence_links WHERE (from_id = ? OR to_id = ?) AND kind NOT IN ('interface-of-instance', 'interface-uses-security-group')`
    )
    .all(key, key) as Array<{ kind: string; from_id: string; to_id: string; detail: string; evidence: string }>
  const seenDep = new Set<string>()
  const dependencies: Dependency[] = []
  for (const l of linkRows) {
    const other = l.from_id === key ? l.to_id : l.from_id
    const k = `${l.kind}\n${other}`
    if (seenDep.has(k)) continue
    seenDep.add(k)
    const ev = JSON.parse(l.evidence) as string[]
    ev.forEach((e) => evidence.add(e))
    dependencies.push({ kind: l.kind as Dependency['kind'], resourceId: other, detail: l.detail, evidence: ev })
  }

  // --- exposure and encryption ---------------------------------------------------------------
  let exposure: ExposureFact = { public: null, reasons: ['no configuration in evidence'], evidence: [] }
  let encryption: EncryptionFact = { encrypted: null, detail: 'no configuration in evidence', evidence: [] }
  const facts: ResourceFacts = {
    resourceId: key,
    type,
    name,
    account,
    region,
    bundles: [...new Set(rows.map((r) => r.bundle))],
    tags,
    environment,
    owner,
    activity,
    exposure,
    encryption,
    dependencies,
    evidence: []
  }

  if (type === 'aws.s3.bucket') {
    const acctPab = account ? (latestValue(db, accountResource(account), 'account.s3-pab') as { publicAccessBlock: Record<string, boolean> | null } | null) : null
    if (s3cfg) {
      const pab = (s3cfg.publicAccessBlock as Record<string, boolean> | null) ?? null
      const apab = acctPab?.publicAccessBlock ?? null
      const on = (k: string): boolean => pab?.[k] === true || apab?.[k] === true
      const reasons: string[] = []
      const policyPublic = (s3cfg.policyPublic as string[]) ?? []
      const aclPublic = publicAclGrants(s3cfg.acl)
      // No key: the collector could not read that part (a gap in the manifest says why).
      const unread = [!('policy' in s3cfg) ? 'the bucket policy' : '', !('acl' in s3cfg) ? 'the ACL' : ''].filter(Boolean)
      let isPublic = false
      if (policyPublic.length) {
        if (on('RestrictPublicBuckets')) reasons.push(`public policy (${policyPublic.join('; ')}) is neutralised by RestrictPublicBuckets`)
        else {
          isPublic = true
          reasons.push(`public by policy: ${policyPublic.join('; ')}`)
        }
      }
      if (aclPublic.length) {
        if (on('IgnorePublicAcls')) reasons.push(`public ACL grants (${aclPublic.join('; ')}) are ignored (IgnorePublicAcls)`)
        else {
          isPublic = true
          reasons.push(`public by ACL: ${aclPublic.join('; ')}`)
        }
      }
      const allFour = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].every(on)
      if (!allFour) reasons.push(pab || apab ? 'public access block is only partly on (bucket and account)' : 'no public access block on the bucket or the account: a public policy or ACL would take effect')
      if (s3cfg.website === true) reasons.push('static website hosting is on')
      if (!isPublic && !unread.length && !policyPublic.length && !aclPublic.length) reasons.unshift('no bucket policy statement or ACL grant allows everyone')
      if (allFour) reasons.push('public access block fully on (bucket or account)')
      if (s3cfg.policyError) reasons.push(String(s3cfg.policyError))
      if (unread.length) reasons.push(`${unread.join(' and ')} could not be collected`)
      // Unknown unless public already, or the full public access block makes policy and ACL moot.
      const exposed: boolean | null = isPublic ? true : unread.length && !allFour ? null : false
      exposure = { public: exposed, reasons, evidence: [...cfgEvidence('s3.config'), ...(acctPab ? latestEvidence(db, accountResource(account!), 'account.s3-pab') : [])] }
      const enc = s3Encryption(s3cfg.encryption)
      encryption = { ...enc, evidence: cfgEvidence('s3.config') }
    }
    const a = acc?.extra
    const c = ctData?.extra
    facts.s3 = {
      region,
      objectCount: (s3cfg?.objectCount as number | null) ?? null,
      website: (s3cfg?.website as boolean | null) ?? null,
      policy: (s3cfg?.policy as string | null) ?? null,
      publicAccessBlock: (s3cfg?.publicAccessBlock as Record<string, boolean> | null) ?? null,
      accountPublicAccessBlock: acctPab?.publicAccessBlock ?? null,
      versioning: (s3cfg?.versioning as string | null) ?? null,
      logging: (s3cfg?.logging as { targetBucket: string; targetPrefix: string } | null) ?? null,
      accessLogs:
        acc && a
          ? {
              ...toFact('aws.s3-access-logs', 'proven', acc),
              plainHttpCertainty: 'proven' as const,
              plainHttp: num(a.http),
              plainHttpLast: tn(a.httpLast),
              anonymous: num(a.anonymous),
              anonymousLast: tn(a.anonymousLast),
              tlsUnknown: num(a.tlsUnknown),
              tlsVersions: (a.tlsVersions as Record<string, number>) ?? {}
            }
          : null,
      cloudTrailData:
        ctData && c
          ? { ...toFact('aws.cloudtrail.s3-data', 'proven', ctData), nonTlsCertainty: 'inferred' as const, nonTlsInferred: num(c.nonTlsInferred), nonTlsLast: tn(c.nonTlsLast), anonymous: num(c.anonymous), anonymousLast: tn(c.anonymousLast) }
          : null,
      cloudTrailManagement: ctMgmt ? toFact(ctMgmtSource, 'proven', ctMgmt) : null
    }
  }

  if (type === 'aws.ec2.instance') {
    const id = arn!.resource.split('/').pop()!
    // Role credentials from IMDS work against every Region's endpoint, and CloudTrail logs a call
    // in the Region called: the evidence stage keys those calls by that Region's instance ARN.
    const elsewhere = (
      db
        .prepare("SELECT DISTINCT resource_id FROM evidence_facts WHERE facet = 'imds.role-delivery' AND resource_id LIKE ? AND resource_id <> ?")
        .all(`arn:${arn!.partition}:ec2:%:${arn!.account}:instance/${id}`, key) as Array<{ resource_id: string }>
    )
      .map((r) => r.resource_id)
      .filter((r) => r.endsWith(`:instance/${id}`))
    const rd = [...all('imds.role-delivery').map((r) => ({ ...r, region: arn!.region })), ...elsewhere.flatMap((k) => rowsOf(db, [k]).filter((r) => r.facet === 'imds.role-delivery').map((r) => ({ ...r, region: parseArn(k)!.region })))]
    const metric = all('metric.MetadataNoToken')
    const roles = new Set<string>()
    let v1 = 0
    let v2 = 0
    let v1Last: number | null = null
    let v2Last: number | null = null
    const byRegion = new Map<string, { v1: number; v2: number; v1Last: number; v2Last: number }>()
    for (const r of rd) {
      const v = r.value as { v1: number; v2: number; v1Last: number | null; v2Last: number | null; roles: string[] }
      v1 += v.v1
      v2 += v.v2
      v1Last = Math.max(v1Last ?? -Infinity, v.v1Last ?? -Infinity)
      v2Last = Math.max(v2Last ?? -Infinity, v.v2Last ?? -Infinity)
      v.roles.forEach((x) => roles.add(x))
      const g = byRegion.get(r.region) ?? { v1: 0, v2: 0, v1Last: -Infinity, v2Last: -Infinity }
      g.v1 += v.v1
      g.v2 += v.v2
      g.v1Last = Math.max(g.v1Last, v.v1Last ?? -Infinity)
      g.v2Last = Math.max(g.v2Last, v.v2Last ?? -Infinity)
      byRegion.set(r.region, g)
    }
    // Metric points from several bundles may overlap: count each timestamp once.
    const points = new Map<number, number>()
    let datapoints = 0
    let mFirst: number | null = null
    let mLast: number | null = null
    for (const r of metric) {
      const v = r.value as { nonzero: Array<[number, number]>; datapoints: number; first: number | null; last: number | null }
      for (const [ts, val] of v.nonzero) points.set(ts, val)
      datapoints = Math.max(datapoints, v.datapoints)
      if (v.first !== null) mFirst = Math.min(mFirst ?? Infinity, v.first)
      if (v.last !== null) mLast = Math.max(mLast ?? -Infinity, v.last)
    }
    const nz = [...points.keys()]
    if (ec2cfg) {
      const reasons: string[] = []
      const sgOpen = (ec2cfg.securityGroups ?? []).flatMap((g) => {
        const sg = latestValue(db, ec2Arn(ec2cfg.region, ec2cfg.account, 'security-group', g), 'sg.config') as { openToInternet: Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidr: string }> } | null
        return (sg?.openToInternet ?? []).map((o) => `${g} allows ${o.protocol === '-1' ? 'all traffic' : `${o.protocol}/${o.fromPort}-${o.toPort}`} from ${o.cidr}`)
      })
      if (ec2cfg.publicIp) reasons.push(`public IP ${ec2cfg.publicIp}`)
      reasons.push(...sgOpen)
      exposure = { public: !!ec2cfg.publicIp && sgOpen.length > 0, reasons: reasons.length ? reasons : ['no public IP'], evidence: cfgEvidence('ec2.config') }
      const ebs = account ? (latestValue(db, accountResource(account), 'account.ebs-encryption') as { regions: Record<string, { enabled: boolean }> } | null) : null
      const r = ebs?.regions?.[ec2cfg.region]
      encryption = r ? { encrypted: null, detail: `EBS encryption by default is ${r.enabled ? 'on' : 'off'} in ${ec2cfg.region} (volumes themselves are not in evidence)`, evidence: latestEvidence(db, accountResource(account!), 'account.ebs-encryption') } : encryption
    }
    facts.ec2 = {
      instanceId: id,
      state: ec2cfg?.state ?? null,
      httpTokens: ec2cfg?.httpTokens ?? null,
      hopLimit: ec2cfg?.hopLimit ?? null,
      httpEndpoint: ec2cfg?.httpEndpoint ?? null,
      instanceProfileArn: ec2cfg?.instanceProfileArn ?? null,
      roles: [...roles],
      securityGroups: ec2cfg?.securityGroups ?? [],
      publicIp: ec2cfg?.publicIp ?? null,
      metadataNoToken: metric.length
        ? { sum: [...points.values()].reduce((x, y) => x + y, 0), datapoints, first: t(mFirst), last: t(mLast), lastNonZero: nz.length ? iso(Math.max(...nz)) : null, evidence: [...new Set(metric.flatMap((m) => m.evidence))] }
        : null,
      roleDelivery: rd.length
        ? {
            v1,
            v2,
            v1Last: t(Number.isFinite(v1Last) ? v1Last : null),
            v2Last: t(Number.isFinite(v2Last) ? v2Last : null),
            byRegion: [...byRegion]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([region, g]) => ({ region, v1: g.v1, v2: g.v2, v1Last: t(Number.isFinite(g.v1Last) ? g.v1Last : null), v2Last: t(Number.isFinite(g.v2Last) ? g.v2Last : null) })),
            evidence: [...new Set(rd.flatMap((x) => x.evidence))]
          }
        : null
    }
  }

  if (type === 'aws.ec2.security-group') {
    const groupId = arn!.resource.split('/').pop()!
    const enis = (db.prepare("SELECT DISTINCT from_id FROM evidence_links WHERE kind = 'interface-uses-security-group' AND to_id = ?").all(key) as Array<{ from_id: string }>).map((r) => r.from_id)
    const instances = (db.prepare("SELECT DISTINCT from_id FROM evidence_links WHERE kind = 'instance-uses-security-group' AND to_id = ?").all(key) as Array<{ from_id: string }>).map((r) => r.from_id)
    const flows = new Map<string, AdminFlowFact & { f: number; l: number }>()
    const overflow = { flows: 0, sessions: 0, synOnly: 0 }
    const flowEvidence = new Set<string>()
    for (const r of rowsOf(db, enis).filter((x) => x.facet === 'flows.admin')) {
      const v = r.value as { flows: Array<{ eni: string; port: number; src: string; flows: number; packets: number; bytes: number; synOnly: number; sessions: number; first: number; last: number; tcpFlags: boolean }>; overflow: typeof overflow | null }
      r.evidence.forEach((e) => flowEvidence.add(e))
      for (const f of v.flows) {
        const k = `${f.eni}|${f.port}|${f.src}`
        const p = flows.get(k)
        if (!p) flows.set(k, { ...f, first: iso(f.first), last: iso(f.last), f: f.first, l: f.last })
        else {
          p.flows += f.flows
          p.packets += f.packets
          p.bytes += f.bytes
          p.synOnly += f.synOnly
          p.sessions += f.sessions
          p.f = Math.min(p.f, f.first)
          p.l = Math.max(p.l, f.last)
          p.first = iso(p.f)
          p.last = iso(p.l)
          p.tcpFlags = p.tcpFlags || f.tcpFlags
        }
      }
      if (v.overflow) {
        overflow.flows += v.overflow.flows
        overflow.sessions += v.overflow.sessions
        overflow.synOnly += v.overflow.synOnly
      }
    }
    const served = new Map<string, ServedPortFact & { f: number; l: number; d: Set<string> }>()
    const incomplete: Array<{ eni: string; why: string }> = []
    const flowEnis = new Set<string>()
    const dayText = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10)
    for (const eniKey of enis) {
      const eniName = eniKey.split(':')[2] ?? eniKey
      const rows = rowsOf(db, [eniKey])
      if (!rows.some((r) => r.facet === 'flows.interface')) continue
      flowEnis.add(eniName)
      const servedRows = rows.filter((r) => r.facet === 'flows.served')
      if (!servedRows.length) incomplete.push({ eni: eniName, why: 'its flow logs were read by an earlier version of Lastmile that did not list other ports; add the bundle again' })
      for (const r of servedRows) {
        const v = r.value as { ports: ServedPort[]; overflow: { flows: number; sessions: number } | null; directionUnknown: boolean }
        r.evidence.forEach((e) => flowEvidence.add(e))
        if (v.directionUnknown) incomplete.push({ eni: eniName, why: 'its flow log has no flow-direction field, so the ports it serves cannot be told from its own connections out' })
        if (v.overflow && v.overflow.sessions > 0) incomplete.push({ eni: eniName, why: `more than ${v.ports.length} distinct ports carried traffic; ${v.overflow.sessions} sessions to further ports were counted, not itemised` })
        for (const p of v.ports) {
          const k = `${p.eni}|${p.protocol}|${p.port}`
          const have = served.get(k)
          if (!have) {
            served.set(k, { ...p, days: [], first: iso(p.first), last: iso(p.last), f: p.first, l: p.last, d: new Set(p.days.map(dayText)) })
            continue
          }
          have.sessions += p.sessions
          have.probes += p.probes
          have.sources = Math.max(have.sources, p.sources)
          have.ipv4 ||= p.ipv4
          have.ipv6 ||= p.ipv6
          p.days.forEach((d) => have.d.add(dayText(d)))
          if (p.sessions > 0) {
            have.f = have.sessions === p.sessions ? p.first : Math.min(have.f, p.first)
            have.l = Math.max(have.l, p.last)
            have.first = iso(have.f)
            have.last = iso(have.l)
          }
        }
      }
    }
    flowEvidence.forEach((e) => evidence.add(e))
    const open = sgcfg?.openToInternet ?? []
    if (sgcfg) exposure = { public: open.length > 0, reasons: open.length ? open.map((o) => `ingress ${o.protocol === '-1' ? 'all traffic' : `${o.protocol} ${o.fromPort}-${o.toPort}`} from ${o.cidr}`) : ['no ingress from 0.0.0.0/0 or ::/0'], evidence: cfgEvidence('sg.config') }
    facts.securityGroup = {
      groupId,
      vpcId: sgcfg?.vpcId ?? null,
      openToInternet: open,
      enis: enis.map((e) => e.split(':')[2]),
      instances,
      adminFlows: [...flows.values()].map(({ f: _f, l: _l, ...x }) => x),
      adminFlowsOverflow: overflow,
      servedPorts: [...served.values()].map(({ f: _f, l: _l, d, ...x }) => ({ ...x, days: [...d].sort() })),
      servedIncomplete: incomplete,
      flowEnis: [...flowEnis].sort(),
      flowEvidence: [...flowEvidence]
    }
  }

  const report = latest.get('iam.credential-report')?.value as
    | { user: string; createdAt: string | null; passwordEnabled: boolean | null; passwordLastUsed: string | null; mfaActive: boolean | null; keys: NonNullable<ResourceFacts['iamUser']>['accessKeys'] }
    | undefined
  if (report) {
    facts.iamUser = {
      user: report.user,
      createdAt: report.createdAt,
      passwordEnabled: report.passwordEnabled,
      passwordLastUsed: report.passwordLastUsed,
      mfaActive: report.mfaActive,
      accessKeys: report.keys,
      evidence: cfgEvidence('iam.credential-report')
    }
  }

  if (type === 'container.image') {
    const ecr = latest.get('image.ecr')?.value as { repositories: string[]; tags: string[]; pushedAt: string | null; lastRecordedPull: string | null } | undefined
    facts.image = {
      digest: key,
      repositories: ecr?.repositories ?? [],
      tags: ecr?.tags ?? [],
      pushedAt: ecr?.pushedAt ?? null,
      lastRecordedPull: ecr?.lastRecordedPull ?? null,
      running: dependencies
        .filter((d) => d.kind === 'task-runs-image' || d.kind === 'pod-runs-image')
        .map((d) => ({ kind: d.kind === 'task-runs-image' ? ('ecs-task' as const) : ('eks-pod' as const), id: d.resourceId, cluster: / in (\S+)/.exec(d.detail)?.[1] ?? null, detail: d.detail })),
      evidence: [...cfgEvidence('image.ecr'), ...dependencies.flatMap((d) => d.evidence)]
    }
  }

  if (type === 'azure.storage.account') {
    if (azcfg) {
      const reasons: string[] = []
      if (azcfg.allowBlobPublicAccess === true) reasons.push('allowBlobPublicAccess is on')
      if (azcfg.publicNetworkAccess !== 'Disabled' && azcfg.networkDefaultAction !== 'Deny') reasons.push('reachable from all networks (network default action Allow)')
      exposure = { public: azcfg.allowBlobPublicAccess === true, reasons: reasons.length ? reasons : ['no public blob access, network restricted'], evidence: cfgEvidence('azure.storage.config') }
      encryption = { ...azcfg.encryption, evidence: cfgEvidence('azure.storage.config') }
    }
    const x = azLogs?.extra
    facts.azureStorage = {
      supportsHttpsTrafficOnly: azcfg?.supportsHttpsTrafficOnly ?? null,
      minimumTlsVersion: azcfg?.minimumTlsVersion ?? null,
      allowBlobPublicAccess: azcfg?.allowBlobPublicAccess ?? null,
      publicNetworkAccess: azcfg?.publicNetworkAccess ?? null,
      logs:
        azLogs && x
          ? {
              ...toFact('azure.storage-logs', 'proven', azLogs),
              http: num(x.http),
              httpLast: tn(x.httpLast),
              oldTls: num(x.oldTls),
              oldTlsLast: tn(x.oldTlsLast),
              anonymous: num(x.anonymous),
              tlsVersions: (x.tlsVersions as Record<string, number>) ?? {},
              protocols: (x.protocols as Record<string, number>) ?? {}
            }
          : null
    }
  }

  if (type === 'aws.account' && account) {
    const ebs = latest.get('account.ebs-encryption')?.value as { regions: Record<string, { enabled: boolean; kmsKeyId: string | null }> } | undefined
    const pab = latest.get('account.s3-pab')?.value as { publicAccessBlock: Record<string, boolean> | null } | undefined
    facts.awsAccount = { account, ebsEncryptionByDefault: ebs?.regions ?? {}, s3PublicAccessBlock: pab?.publicAccessBlock ?? null }
    if (ebs) {
      const off = Object.entries(ebs.regions).filter(([, v]) => !v.enabled).map(([r]) => r)
      encryption = { encrypted: off.length === 0, detail: off.length ? `EBS encryption by default is off in ${off.join(', ')}` : 'EBS encryption by default is on in every region in evidence', evidence: cfgEvidence('account.ebs-encryption') }
    }
  }

  facts.exposure = exposure
  facts.encryption = encryption
  facts.evidence = [...evidence]
  return facts
}

function latestValue(db: Db, resourceId: string, facet: string): unknown {
  const r = db
    .prepare('SELECT f.value FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id WHERE f.resource_id = ? AND f.facet = ? ORDER BY b.collected_at DESC, b.seq DESC LIMIT 1')
    .get(resourceId, facet) as { value: string } | undefined
  return r ? JSON.parse(r.value) : null
}

function latestEvidence(db: Db, resourceId: string, facet: string): string[] {
  const r = db
    .prepare('SELECT f.evidence FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id WHERE f.resource_id = ? AND f.facet = ? ORDER BY b.collected_at DESC, b.seq DESC LIMIT 1')
    .get(resourceId, facet) as { evidence: string } | undefined
  return r ? (JSON.parse(r.evidence) as string[]) : []
}

/** The resource type from its canonical id, in the ingest stage's words. */
export function typeOf(key: string): string | null {
  if (/^sha256:[0-9a-f]{64}$/.test(key)) return 'container.image'
  if (/^AWS::::Account:\d{12}$/.test(key)) return 'aws.account'
  if (/\/providers\/microsoft\.storage\/storageaccounts\/[^/]+$/.test(key)) return 'azure.storage.account'
  if (key.startsWith('/subscriptions/')) return 'azure.resource'
  const a = parseArn(key)
  if (!a) return null
  if (a.service === 's3') return a.resource.includes('/') ? 'aws.s3.object' : 'aws.s3.bucket'
  const kind = a.resource.split(/[/:]/)[0]
  return `aws.${a.service}.${kind}`
}

// --- admin-port flows against approved ranges ----------------------------------------------------

/** RFC 1918, CGNAT, loopback and link-local, IPv6 ULA and link-local: not "the internet". */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128']

function ipToBigInt(ip: string): { v: bigint; bits: number } | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const p = ip.split('.').map(Number)
    if (p.some((x) => x > 255)) return null
    return { v: BigInt(((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3]), bits: 32 }
  }
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::')
    const h = head ? head.split(':') : []
    const tl = tail !== undefined ? (tail ? tail.split(':') : []) : []
    const parts = tail !== undefined ? [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl] : h
    if (parts.length !== 8 || parts.some((x) => !/^[0-9a-f]{1,4}$/i.test(x))) return null
    return { v: parts.reduce((acc, x) => (acc << 16n) + BigInt(parseInt(x, 16)), 0n), bits: 128 }
  }
  return null
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, lenS] = cidr.split('/')
  const a = ipToBigInt(ip)
  const b = ipToBigInt(base)
  if (!a || !b || a.bits !== b.bits) return false
  const len = lenS === undefined ? b.bits : Number(lenS)
  const shift = BigInt(b.bits - len)
  return a.v >> shift === b.v >> shift
}

/**
 * Inbound admin-port flows (22/3389 by default) from sources outside `allowed` (default: private
 * ranges), split into full sessions and SYN-only attempts — what the security-group playbook asks.
 */
export function adminFlowsOutside(facts: ResourceFacts, allowed: readonly string[] = PRIVATE_RANGES, ports: readonly number[] = [22, 3389]) {
  const flows = (facts.securityGroup?.adminFlows ?? []).filter((f) => ports.includes(f.port) && !allowed.some((c) => inCidr(f.src, c)))
  return {
    flows,
    sessions: flows.reduce((n, f) => n + f.sessions, 0),
    synOnly: flows.reduce((n, f) => n + f.synOnly, 0),
    sources: [...new Set(flows.filter((f) => f.sessions > 0).map((f) => f.src))],
    lastSession: flows.filter((f) => f.sessions > 0).map((f) => f.last).sort().pop() ?? null,
    /** flows past the per-interface source cap: counted, not itemised, so their sources are unknown */
    uncheckable: facts.securityGroup?.adminFlowsOverflow ?? { flows: 0, sessions: 0, synOnly: 0 }
  }
}
