// getFacts: everything the evidence in a case says about one resource, merged over its bundles —
// configuration from the most recently collected bundle, activity summed over all of them (the
// same file added twice is stored once, so it is not counted twice). One function per family of
// facts: identity (account, Region, name), environment, owner, activity, dependencies, then the
// resource type's own section (S3, EC2, security group, IAM user, image, Azure storage, account).
// Part of the case read model: the evidence stage writes these facts, investigate, remediate and
// the workflow read them here.
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
import type { AzureStorageConfigFacet, Ec2ConfigFacet, FacetMap, FacetName, S3ConfigFacet, SgConfigFacet } from '../semantics/facets'
import { type Activity, emptyActivity, mergeActivity } from '../semantics/activity'
import { accountOfResource, accountResource, ec2Arn, evidenceKeyOf, parseArn } from '../semantics/ids'
import { publicAclGrants, s3Encryption } from '../semantics/inventory-items'
import { iso } from '../semantics/time'
import { PRIVATE_RANGES } from '../semantics/cidr'
import { ADMIN_PORTS, itemisedOnEvery } from '../semantics/port-sets'
import type {
  ActivityFact,
  AdminFlowFact,
  PortFlowsOverflow,
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
import { bucketPlace } from './coverage-query'
import { facetValues, latestFacet } from './facets'

interface FactRow {
  facet: string
  value: unknown
  evidence: string[]
  bundle: string
}

function rowsOf(db: Db, keys: readonly string[]): FactRow[] {
  if (!keys.length) return []
  const rows = keptStatement(
    db,
    `SELECT f.facet, f.value, f.evidence, f.bundle_id FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id
     WHERE f.resource_id IN (${keys.map(() => '?').join(',')}) ORDER BY b.collected_at, b.seq, f.id`
  ).all(...keys) as Array<{ facet: string; value: string; evidence: string; bundle_id: string }>
  const out: FactRow[] = []
  for (const r of rows) {
    const ev = JSON.parse(r.evidence) as string[]
    for (const x of facetValues(r.value)) out.push({ facet: r.facet, value: x, evidence: ev, bundle: r.bundle_id })
  }
  return out
}

/** Rows of one facet, their values typed by its name. */
type Rows<K extends FacetName> = Array<FactRow & { value: FacetMap[K] }>

const ofFacet = <K extends FacetName>(rows: readonly FactRow[], facet: K): Rows<K> => rows.filter((r) => r.facet === facet) as Rows<K>

/** The facets stored for one resource, oldest bundle first. */
class ResourceRows {
  private readonly newest = new Map<string, FactRow>()

  constructor(readonly rows: FactRow[]) {
    for (const r of rows) this.newest.set(r.facet, r)
  }

  /** the value of the most recently collected bundle (of a merged row, the later file) */
  latest<K extends FacetName>(facet: K): FacetMap[K] | undefined {
    return this.newest.get(facet)?.value as FacetMap[K] | undefined
  }

  /** the evidence of that value; [] when there is none */
  evidenceOf(facet: FacetName): string[] {
    return this.newest.get(facet)?.evidence ?? []
  }

  all<K extends FacetName>(facet: K): Rows<K> {
    return ofFacet(this.rows, facet)
  }
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

/** The configuration facets a resource may have: at most one applies to a resource. */
interface Configs {
  s3: S3ConfigFacet | undefined
  ec2: Ec2ConfigFacet | undefined
  sg: SgConfigFacet | undefined
  azure: AzureStorageConfigFacet | undefined
  /** the facet the tags were read from, for their evidence */
  facet: 's3.config' | 'ec2.config' | 'sg.config' | 'azure.storage.config'
  tags: Record<string, string>
}

/** A family of facts merged from one activity facet over every bundle. */
interface MergedActivity {
  activity: Activity
  /** the facet's other fields, summed (counters), maxed (*Last times), united (lists) */
  extra: Record<string, unknown>
  evidence: string[]
}

interface Activities {
  list: ActivityFact[]
  accessLogs: MergedActivity | null
  ctData: MergedActivity | null
  ctMgmt: MergedActivity | null
  ctMgmtSource: CoverageSource
  azureLogs: MergedActivity | null
}

/** What every type's section reads. */
interface Subject {
  db: Db
  key: string
  arn: ReturnType<typeof parseArn>
  rows: ResourceRows
  cfg: Configs
  account: string | null
  region: string | null
  activity: Activities
  dependencies: Dependency[]
  /** every evidence file the facts stand on (a section adds the ones it reads beyond the resource's rows) */
  evidence: Set<string>
}

/** A type's section of the facts, and the exposure and encryption it concludes (when it does). */
interface Section {
  exposure?: ExposureFact
  encryption?: EncryptionFact
}

export function getFacts(db: Db, resourceId: string, opts: FactsOptions = {}): ResourceFacts {
  const key = evidenceKeyOf(resourceId)
  const arn = parseArn(key)
  const rows = new ResourceRows(rowsOf(db, [key]))
  const evidence = new Set<string>(rows.rows.flatMap((r) => r.evidence))
  const type = typeOf(key)
  const cfg = configsOf(rows)
  const { account, region, name } = identityOf(db, key, type, arn, cfg)
  const accountEnvs = opts.accountEnvironments ?? caseAccountEnvironments(db)
  const environment = environmentOf(cfg, rows, account, name, accountEnvs)
  const owner = ownerOf(cfg, rows)
  const activity = activitiesOf(rows)
  const dependencies = dependenciesOf(db, key, evidence)

  let exposure: ExposureFact = { public: null, reasons: ['no configuration in evidence'], evidence: [] }
  let encryption: EncryptionFact = { encrypted: null, detail: 'no configuration in evidence', evidence: [] }
  const facts: ResourceFacts = {
    resourceId: key,
    type,
    name,
    account,
    region,
    bundles: [...new Set(rows.rows.map((r) => r.bundle))],
    tags: cfg.tags,
    environment,
    owner,
    activity: activity.list,
    exposure,
    encryption,
    dependencies,
    evidence: []
  }
  const s: Subject = { db, key, arn, rows, cfg, account, region, activity, dependencies, evidence }
  const conclude = (x: Section): void => {
    if (x.exposure) exposure = x.exposure
    if (x.encryption) encryption = x.encryption
  }

  if (type === 'aws.s3.bucket') conclude(s3Section(s, facts))
  if (type === 'aws.ec2.instance') conclude(ec2Section(s, facts))
  if (type === 'aws.ec2.security-group') conclude(securityGroupSection(s, facts))
  iamUserSection(s, facts)
  if (type === 'container.image') imageSection(s, facts)
  if (type === 'azure.storage.account') conclude(azureStorageSection(s, facts))
  if (type === 'aws.account' && account) conclude(awsAccountSection(s, facts, account))

  facts.exposure = exposure
  facts.encryption = encryption
  facts.evidence = [...evidence]
  return facts
}

function configsOf(rows: ResourceRows): Configs {
  const s3 = rows.latest('s3.config')
  const ec2 = rows.latest('ec2.config')
  const sg = rows.latest('sg.config')
  const azure = rows.latest('azure.storage.config')
  return {
    s3,
    ec2,
    sg,
    azure,
    facet: s3 ? 's3.config' : ec2 ? 'ec2.config' : sg ? 'sg.config' : 'azure.storage.config',
    tags: s3?.tags ?? ec2?.tags ?? sg?.tags ?? azure?.tags ?? {}
  }
}

/** The resource's account, Region and name: from its configuration, else its id. */
function identityOf(
  db: Db,
  key: string,
  type: string | null,
  arn: ReturnType<typeof parseArn>,
  cfg: Configs
): { account: string | null; region: string | null; name: string | null } {
  const place = type === 'aws.s3.bucket' ? bucketPlace(db, key) : null
  const account =
    place?.account ??
    cfg.ec2?.account ??
    cfg.sg?.account ??
    (arn?.account ? arn.account : null) ??
    accountOfResource(key) ??
    (key.startsWith('/subscriptions/') ? key.split('/')[2] : null)
  const region = place?.region ?? cfg.ec2?.region ?? (arn?.region ? arn.region : null) ?? cfg.azure?.location ?? null
  const name = arn ? (arn.service === 's3' ? arn.resource : (arn.resource.split('/').pop() ?? null)) : key.startsWith('/subscriptions/') ? (key.split('/').pop() ?? null) : key
  return { account, region, name }
}

function caseAccountEnvironments(db: Db): Record<string, string> {
  return Object.fromEntries(
    (keptStatement(db, 'SELECT account, environment FROM evidence_account_environments').all() as Array<{ account: string; environment: string }>).map((r) => [
      r.account,
      r.environment
    ])
  )
}

/** Environment: a tag, else the account's mapping, else a telling name. */
function environmentOf(cfg: Configs, rows: ResourceRows, account: string | null, name: string | null, accountEnvs: Record<string, string>): EnvironmentFact {
  const { tags } = cfg
  const envTag = tagValue(tags, ENV_KEYS)
  if (envTag) return { value: normaliseEnvironment(envTag[1]), basis: 'tag', detail: `tag ${envTag[0]}=${envTag[1]}`, evidence: rows.evidenceOf(cfg.facet) }
  if (account && accountEnvs[account])
    return { value: normaliseEnvironment(accountEnvs[account]), basis: 'account-map', detail: `account ${account} is mapped to ${accountEnvs[account]}`, evidence: [] }
  const fromName =
    [name, tags.Name]
      .filter((x): x is string => !!x)
      .map(environmentFromName)
      .find((x) => x !== null) ?? null
  return fromName
    ? { value: fromName, basis: 'name-pattern', detail: `the name "${tags.Name ?? name}" reads as ${fromName}`, evidence: [] }
    : { value: null, basis: 'none', detail: 'no environment tag, account mapping or telling name', evidence: [] }
}

/** Owner: a tag, else whoever created it (or wrote to it first) in the evidence. */
function ownerOf(cfg: Configs, rows: ResourceRows): OwnerFact {
  const ownerTag = tagValue(cfg.tags, OWNER_KEYS)
  if (ownerTag) return { value: ownerTag[1], basis: 'tag', detail: `tag ${ownerTag[0]}=${ownerTag[1]}`, certainty: 'proven', evidence: rows.evidenceOf(cfg.facet) }
  const creator = rows.all('creator').sort((a, b) => (a.value.time ?? 0) - (b.value.time ?? 0))[0]
  if (!creator) return { value: null, basis: 'none', detail: 'no owner tag, and no creation event in the evidence', certainty: 'inferred', evidence: [] }
  const c = creator.value
  return {
    value: c.principal,
    basis: 'creator',
    detail: c.earliestWriteOnly
      ? `earliest write in the evidence: ${c.eventName} by ${c.principal} at ${t(c.time)} (may be an update, not the creation)`
      : `${c.eventName} by ${c.principal} at ${t(c.time)} (${c.source}, ${c.place})`,
    certainty: c.earliestWriteOnly ? 'inferred' : 'proven',
    evidence: creator.evidence
  }
}

type ActivityFacet = 'activity.aws.s3-access-logs' | `activity.${'aws.cloudtrail' | 'aws.cloudtrail-lookup'}.${'s3-data' | 's3-management'}` | 'activity.azure.storage-logs'

/** One activity facet over every bundle: counters add up, *Last times take the latest, lists unite. */
function mergedActivity(rows: ResourceRows, facet: ActivityFacet): MergedActivity | null {
  const list = rows.all(facet)
  if (!list.length) return null
  const a = emptyActivity()
  const extra: Record<string, unknown> = {}
  const ev = new Set<string>()
  for (const r of list) {
    const v = r.value
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

function toFact(source: CoverageSource, certainty: Certainty, m: { activity: Activity; evidence: string[] }): ActivityFact {
  return {
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
  }
}

/** Requests to the resource, per source. */
function activitiesOf(rows: ResourceRows): Activities {
  const accessLogs = mergedActivity(rows, 'activity.aws.s3-access-logs')
  const ctData = mergedActivity(rows, 'activity.aws.cloudtrail.s3-data')
  // Event history (LookupEvents) repeats the trail's management events: used only without a trail.
  const ctMgmtTrail = mergedActivity(rows, 'activity.aws.cloudtrail.s3-management')
  const ctMgmt = ctMgmtTrail ?? mergedActivity(rows, 'activity.aws.cloudtrail-lookup.s3-management')
  const ctMgmtSource: CoverageSource = ctMgmtTrail ? 'aws.cloudtrail' : 'aws.cloudtrail-lookup'
  const azureLogs = mergedActivity(rows, 'activity.azure.storage-logs')
  const list: ActivityFact[] = []
  if (accessLogs) list.push(toFact('aws.s3-access-logs', 'proven', accessLogs))
  if (ctData) list.push(toFact('aws.cloudtrail.s3-data', 'proven', ctData))
  if (ctMgmt) list.push(toFact(ctMgmtSource, 'proven', ctMgmt))
  if (azureLogs) list.push(toFact('azure.storage-logs', 'proven', azureLogs))
  return { list, accessLogs, ctData, ctMgmt, ctMgmtSource, azureLogs }
}

const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0)
const tn = (x: unknown): string | null => (typeof x === 'number' && Number.isFinite(x) ? iso(x) : null)

/** What the resource depends on and what depends on it (links between network interfaces and groups aside). */
function dependenciesOf(db: Db, key: string, evidence: Set<string>): Dependency[] {
  const linkRows = keptStatement(
    db,
    `SELECT kind, from_id, to_id, detail, evidence FROM evidence_links WHERE (from_id = ? OR to_id = ?) AND kind NOT IN ('interface-of-instance', 'interface-uses-security-group')`
  ).all(key, key) as Array<{ kind: string; from_id: string; to_id: string; detail: string; evidence: string }>
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
  return dependencies
}

// --- S3 ------------------------------------------------------------------------------------------

function s3Section(s: Subject, facts: ResourceFacts): Section {
  const { db, account, rows } = s
  const s3cfg = s.cfg.s3
  const acctPab = account ? latestFacet(db, accountResource(account), 'account.s3-pab') : null
  const out: Section = {}
  if (s3cfg) Object.assign(out, s3Exposure(s3cfg, acctPab, rows))
  const acc = s.activity.accessLogs
  const ctData = s.activity.ctData
  const a = acc?.extra
  const c = ctData?.extra
  facts.s3 = {
    region: s.region,
    objectCount: s3cfg?.objectCount ?? null,
    website: s3cfg?.website ?? null,
    policy: s3cfg?.policy ?? null,
    publicAccessBlock: s3cfg?.publicAccessBlock ?? null,
    accountPublicAccessBlock: acctPab?.value.publicAccessBlock ?? null,
    versioning: s3cfg?.versioning ?? null,
    logging: s3cfg?.logging ?? null,
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
        ? {
            ...toFact('aws.cloudtrail.s3-data', 'proven', ctData),
            nonTlsCertainty: 'inferred' as const,
            nonTlsInferred: num(c.nonTlsInferred),
            nonTlsLast: tn(c.nonTlsLast),
            anonymous: num(c.anonymous),
            anonymousLast: tn(c.anonymousLast)
          }
        : null,
    cloudTrailManagement: s.activity.ctMgmt ? toFact(s.activity.ctMgmtSource, 'proven', s.activity.ctMgmt) : null
  }
  return out
}

/** Is the bucket public, by policy or ACL, given its own and its account's public access block? */
function s3Exposure(s3cfg: S3ConfigFacet, acctPab: { value: FacetMap['account.s3-pab']; evidence: string[] } | null, rows: ResourceRows): Required<Section> {
  const pab = s3cfg.publicAccessBlock ?? null
  const apab = acctPab?.value.publicAccessBlock ?? null
  const on = (k: string): boolean => pab?.[k] === true || apab?.[k] === true
  const reasons: string[] = []
  const policyPublic = s3cfg.policyPublic ?? []
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
  if (!allFour)
    reasons.push(
      pab || apab ? 'public access block is only partly on (bucket and account)' : 'no public access block on the bucket or the account: a public policy or ACL would take effect'
    )
  if (s3cfg.website === true) reasons.push('static website hosting is on')
  if (!isPublic && !unread.length && !policyPublic.length && !aclPublic.length) reasons.unshift('no bucket policy statement or ACL grant allows everyone')
  if (allFour) reasons.push('public access block fully on (bucket or account)')
  if (s3cfg.policyError) reasons.push(s3cfg.policyError)
  if (unread.length) reasons.push(`${unread.join(' and ')} could not be collected`)
  // Unknown unless public already, or the full public access block makes policy and ACL moot.
  const exposed: boolean | null = isPublic ? true : unread.length && !allFour ? null : false
  return {
    exposure: { public: exposed, reasons, evidence: [...rows.evidenceOf('s3.config'), ...(acctPab ? acctPab.evidence : [])] },
    encryption: { ...s3Encryption(s3cfg.encryption), evidence: rows.evidenceOf('s3.config') }
  }
}

// --- EC2 instance --------------------------------------------------------------------------------

/** Calls with the instance's role credentials by IMDS version, over every Region they were made in. */
function roleDeliveryOf(s: Subject, id: string): { roles: Set<string>; value: NonNullable<ResourceFacts['ec2']>['roleDelivery'] } {
  const { db, key } = s
  const arn = s.arn!
  // Role credentials from IMDS work against every Region's endpoint, and CloudTrail logs a call
  // in the Region called: the evidence stage keys those calls by that Region's instance ARN.
  const elsewhere = (
    keptStatement(db, "SELECT DISTINCT resource_id FROM evidence_facts WHERE facet = 'imds.role-delivery' AND resource_id LIKE ? AND resource_id <> ?").all(
      `arn:${arn.partition}:ec2:%:${arn.account}:instance/${id}`,
      key
    ) as Array<{ resource_id: string }>
  )
    .map((r) => r.resource_id)
    .filter((r) => r.endsWith(`:instance/${id}`))
  const rd = [
    ...s.rows.all('imds.role-delivery').map((r) => ({ ...r, region: arn.region })),
    ...elsewhere.flatMap((k) => ofFacet(rowsOf(db, [k]), 'imds.role-delivery').map((r) => ({ ...r, region: parseArn(k)!.region })))
  ]
  const roles = new Set<string>()
  let v1 = 0
  let v2 = 0
  let v1Last: number | null = null
  let v2Last: number | null = null
  const byRegion = new Map<string, { v1: number; v2: number; v1Last: number; v2Last: number }>()
  for (const r of rd) {
    const v = r.value
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
  return {
    roles,
    value: rd.length
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

/** IMDSv1 (no-token) metadata calls from CloudWatch; points from several bundles may overlap: each timestamp counts once. */
function metadataNoTokenOf(rows: ResourceRows): NonNullable<ResourceFacts['ec2']>['metadataNoToken'] {
  const metric = rows.all('metric.MetadataNoToken')
  const points = new Map<number, number>()
  let datapoints = 0
  let mFirst: number | null = null
  let mLast: number | null = null
  for (const r of metric) {
    const v = r.value
    for (const [ts, val] of v.nonzero) points.set(ts, val)
    datapoints = Math.max(datapoints, v.datapoints)
    if (v.first !== null) mFirst = Math.min(mFirst ?? Infinity, v.first)
    if (v.last !== null) mLast = Math.max(mLast ?? -Infinity, v.last)
  }
  const nz = [...points.keys()]
  return metric.length
    ? {
        sum: [...points.values()].reduce((x, y) => x + y, 0),
        datapoints,
        first: t(mFirst),
        last: t(mLast),
        lastNonZero: nz.length ? iso(Math.max(...nz)) : null,
        evidence: [...new Set(metric.flatMap((m) => m.evidence))]
      }
    : null
}

function ec2Section(s: Subject, facts: ResourceFacts): Section {
  const { db, account, rows } = s
  const ec2cfg = s.cfg.ec2
  const id = s.arn!.resource.split('/').pop()!
  const roleDelivery = roleDeliveryOf(s, id)
  const metadataNoToken = metadataNoTokenOf(rows)
  const out: Section = {}
  if (ec2cfg) {
    const reasons: string[] = []
    const sgOpen = (ec2cfg.securityGroups ?? []).flatMap((g) => {
      const sg = latestFacet(db, ec2Arn(ec2cfg.region, ec2cfg.account, 'security-group', g), 'sg.config')?.value
      return (sg?.openToInternet ?? []).map((o) => `${g} allows ${o.protocol === '-1' ? 'all traffic' : `${o.protocol}/${o.fromPort}-${o.toPort}`} from ${o.cidr}`)
    })
    if (ec2cfg.publicIp) reasons.push(`public IP ${ec2cfg.publicIp}`)
    reasons.push(...sgOpen)
    out.exposure = { public: !!ec2cfg.publicIp && sgOpen.length > 0, reasons: reasons.length ? reasons : ['no public IP'], evidence: rows.evidenceOf('ec2.config') }
    const ebs = account ? latestFacet(db, accountResource(account), 'account.ebs-encryption') : null
    const r = ebs?.value.regions?.[ec2cfg.region]
    if (r)
      out.encryption = {
        encrypted: null,
        detail: `EBS encryption by default is ${r.enabled ? 'on' : 'off'} in ${ec2cfg.region} (volumes themselves are not in evidence)`,
        evidence: ebs!.evidence
      }
  }
  facts.ec2 = {
    instanceId: id,
    state: ec2cfg?.state ?? null,
    httpTokens: ec2cfg?.httpTokens ?? null,
    hopLimit: ec2cfg?.hopLimit ?? null,
    httpEndpoint: ec2cfg?.httpEndpoint ?? null,
    instanceProfileArn: ec2cfg?.instanceProfileArn ?? null,
    roles: [...roleDelivery.roles],
    securityGroups: ec2cfg?.securityGroups ?? [],
    publicIp: ec2cfg?.publicIp ?? null,
    metadataNoToken,
    roleDelivery: roleDelivery.value
  }
  return out
}

// --- security group ------------------------------------------------------------------------------

/** Inbound admin-port flows on the group's interfaces, merged per interface, port and source. */
function adminFlowsOf(
  db: Db,
  enis: string[],
  flowEvidence: Set<string>
): { flows: AdminFlowFact[]; overflow: { flows: number; sessions: number; synOnly: number }; portOverflow: PortFlowsOverflow[] } {
  const flows = new Map<string, AdminFlowFact & { f: number; l: number }>()
  const overflow = { flows: 0, sessions: 0, synOnly: 0 }
  const portOverflow = new Map<number, PortFlowsOverflow>()
  for (const r of ofFacet(rowsOf(db, enis), 'flows.admin')) {
    const v = r.value
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
    for (const o of v.portOverflow ?? []) {
      const p = portOverflow.get(o.port) ?? { port: o.port, flows: 0, sessions: 0, synOnly: 0 }
      p.flows += o.flows
      p.sessions += o.sessions
      p.synOnly += o.synOnly
      portOverflow.set(o.port, p)
    }
  }
  return { flows: [...flows.values()].map(({ f: _f, l: _l, ...x }) => x), overflow, portOverflow: [...portOverflow.values()].sort((a, b) => a.port - b.port) }
}

/**
 * The TCP ports whose sources every flow-logged interface of the group has itemised: an interface
 * read by an earlier version itemised the admin ports only, so a port outside that list is not
 * itemised for the group (a question about it cannot be answered from these facts).
 */
function itemisedPortsOf(db: Db, enis: string[]): number[] {
  return itemisedOnEvery(ofFacet(rowsOf(db, enis), 'flows.interface').map((r) => r.value.itemisedPorts))
}

/** The other ports the group's interfaces serve, and the interfaces whose list cannot be complete. */
function servedPortsOf(db: Db, enis: string[], flowEvidence: Set<string>): { ports: ServedPortFact[]; incomplete: Array<{ eni: string; why: string }>; flowEnis: string[] } {
  const served = new Map<string, ServedPortFact & { f: number; l: number; d: Set<string> }>()
  const incomplete: Array<{ eni: string; why: string }> = []
  const flowEnis = new Set<string>()
  const dayText = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10)
  for (const eniKey of enis) {
    const eniName = eniKey.split(':')[2] ?? eniKey
    const rows = rowsOf(db, [eniKey])
    if (!rows.some((r) => r.facet === 'flows.interface')) continue
    flowEnis.add(eniName)
    const servedRows = ofFacet(rows, 'flows.served')
    if (!servedRows.length) incomplete.push({ eni: eniName, why: 'its flow logs were read by an earlier version of Lastmile that did not list other ports; add the bundle again' })
    for (const r of servedRows) {
      const v = r.value
      r.evidence.forEach((e) => flowEvidence.add(e))
      if (v.directionUnknown) incomplete.push({ eni: eniName, why: 'its flow log has no flow-direction field, so the ports it serves cannot be told from its own connections out' })
      if (v.overflow && v.overflow.sessions > 0)
        incomplete.push({
          eni: eniName,
          why: `more than ${v.ports.length} distinct ports carried traffic; ${v.overflow.sessions} sessions to further ports were counted, not itemised`
        })
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
        // public sessions add up; counted only when every reading counted them
        have.publicSessions = have.publicSessions === undefined || p.publicSessions === undefined ? undefined : have.publicSessions + p.publicSessions
        have.publicSources = have.publicSources === undefined || p.publicSources === undefined ? undefined : [...new Set([...have.publicSources, ...p.publicSources])]
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
  return { ports: [...served.values()].map(({ f: _f, l: _l, d, ...x }) => ({ ...x, days: [...d].sort() })), incomplete, flowEnis: [...flowEnis].sort() }
}

function securityGroupSection(s: Subject, facts: ResourceFacts): Section {
  const { db, key } = s
  const sgcfg = s.cfg.sg
  const groupId = s.arn!.resource.split('/').pop()!
  const enis = (
    keptStatement(db, "SELECT DISTINCT from_id FROM evidence_links WHERE kind = 'interface-uses-security-group' AND to_id = ?").all(key) as Array<{ from_id: string }>
  ).map((r) => r.from_id)
  const instances = (
    keptStatement(db, "SELECT DISTINCT from_id FROM evidence_links WHERE kind = 'instance-uses-security-group' AND to_id = ?").all(key) as Array<{ from_id: string }>
  ).map((r) => r.from_id)
  const flowEvidence = new Set<string>()
  const admin = adminFlowsOf(db, enis, flowEvidence)
  const served = servedPortsOf(db, enis, flowEvidence)
  const itemisedPorts = itemisedPortsOf(db, enis)
  flowEvidence.forEach((e) => s.evidence.add(e))
  const open = sgcfg?.openToInternet ?? []
  const out: Section = {}
  if (sgcfg)
    out.exposure = {
      public: open.length > 0,
      reasons: open.length
        ? open.map((o) => `ingress ${o.protocol === '-1' ? 'all traffic' : `${o.protocol} ${o.fromPort}-${o.toPort}`} from ${o.cidr}`)
        : ['no ingress from 0.0.0.0/0 or ::/0'],
      evidence: s.rows.evidenceOf('sg.config')
    }
  facts.securityGroup = {
    groupId,
    vpcId: sgcfg?.vpcId ?? null,
    openToInternet: open,
    enis: enis.map((e) => e.split(':')[2]),
    instances,
    adminFlows: admin.flows,
    adminFlowsOverflow: admin.overflow,
    portFlowsOverflow: admin.portOverflow,
    itemisedPorts,
    servedPorts: served.ports,
    servedIncomplete: served.incomplete,
    flowEnis: served.flowEnis,
    flowEvidence: [...flowEvidence]
  }
  return out
}

// --- the other types -----------------------------------------------------------------------------

function iamUserSection(s: Subject, facts: ResourceFacts): void {
  const report = s.rows.latest('iam.credential-report')
  if (!report) return
  facts.iamUser = {
    user: report.user,
    createdAt: report.createdAt,
    passwordEnabled: report.passwordEnabled,
    passwordLastUsed: report.passwordLastUsed,
    // a facet stored before the column was kept has none: unknown, never a date
    passwordLastChanged: report.passwordLastChanged ?? null,
    mfaActive: report.mfaActive,
    accessKeys: report.keys,
    evidence: s.rows.evidenceOf('iam.credential-report')
  }
}

function imageSection(s: Subject, facts: ResourceFacts): void {
  const ecr = s.rows.latest('image.ecr')
  const { dependencies } = s
  facts.image = {
    digest: s.key,
    repositories: ecr?.repositories ?? [],
    tags: ecr?.tags ?? [],
    pushedAt: ecr?.pushedAt ?? null,
    lastRecordedPull: ecr?.lastRecordedPull ?? null,
    running: dependencies
      .filter((d) => d.kind === 'task-runs-image' || d.kind === 'pod-runs-image')
      .map((d) => ({
        kind: d.kind === 'task-runs-image' ? ('ecs-task' as const) : ('eks-pod' as const),
        id: d.resourceId,
        cluster: / in (\S+)/.exec(d.detail)?.[1] ?? null,
        detail: d.detail
      })),
    evidence: [...s.rows.evidenceOf('image.ecr'), ...dependencies.flatMap((d) => d.evidence)]
  }
}

function azureStorageSection(s: Subject, facts: ResourceFacts): Section {
  const azcfg = s.cfg.azure
  const out: Section = {}
  if (azcfg) {
    const reasons: string[] = []
    if (azcfg.allowBlobPublicAccess === true) reasons.push('allowBlobPublicAccess is on')
    if (azcfg.publicNetworkAccess !== 'Disabled' && azcfg.networkDefaultAction !== 'Deny') reasons.push('reachable from all networks (network default action Allow)')
    out.exposure = {
      public: azcfg.allowBlobPublicAccess === true,
      reasons: reasons.length ? reasons : ['no public blob access, network restricted'],
      evidence: s.rows.evidenceOf('azure.storage.config')
    }
    out.encryption = { ...azcfg.encryption, evidence: s.rows.evidenceOf('azure.storage.config') }
  }
  const azLogs = s.activity.azureLogs
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
            protocols: (x.protocols as Record<string, number>) ?? {},
            // absent from facts of earlier versions: null (unknown), not 0
            blobRequests: typeof x.blobRequests === 'number' ? x.blobRequests : null,
            anonymousOk: typeof x.anonymousOk === 'number' ? x.anonymousOk : null,
            anonymousOkLast: tn(x.anonymousOkLast),
            anonymousContainers: (x.anonymousContainers as Record<string, number>) ?? {},
            anonymousReaders: (x.anonymousReaders as string[]) ?? []
          }
        : null
  }
  return out
}

function awsAccountSection(s: Subject, facts: ResourceFacts, account: string): Section {
  const ebs = s.rows.latest('account.ebs-encryption')
  const pab = s.rows.latest('account.s3-pab')
  facts.awsAccount = { account, ebsEncryptionByDefault: ebs?.regions ?? {}, s3PublicAccessBlock: pab?.publicAccessBlock ?? null }
  if (!ebs) return {}
  const off = Object.entries(ebs.regions)
    .filter(([, v]) => !v.enabled)
    .map(([r]) => r)
  return {
    encryption: {
      encrypted: off.length === 0,
      detail: off.length ? `EBS encryption by default is off in ${off.join(', ')}` : 'EBS encryption by default is on in every region in evidence',
      evidence: s.rows.evidenceOf('account.ebs-encryption')
    }
  }
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
export { PRIVATE_RANGES }

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

/** Flows to `ports` past the source caps (the admin ports' shared one, each other port's own): counted, sources unknown. */
function overflowOn(facts: ResourceFacts, ports: readonly number[]): { flows: number; sessions: number; synOnly: number } {
  const sg = facts.securityGroup
  const out = { flows: 0, sessions: 0, synOnly: 0 }
  if (!sg) return out
  const parts = [...(ADMIN_PORTS.some((a) => ports.includes(a.port)) ? [sg.adminFlowsOverflow] : []), ...(sg.portFlowsOverflow ?? []).filter((o) => ports.includes(o.port))]
  for (const o of parts) {
    out.flows += o.flows
    out.sessions += o.sessions
    out.synOnly += o.synOnly
  }
  return out
}

/**
 * Inbound flows to itemised ports (the admin ports, 22/3389, by default) from sources outside `allowed` (default: private
 * ranges), split into full sessions and SYN-only attempts — what the security-group playbook asks.
 */
export function adminFlowsOutside(facts: ResourceFacts, allowed: readonly string[] = PRIVATE_RANGES, ports: readonly number[] = ADMIN_PORTS.map((p) => p.port)) {
  const flows = (facts.securityGroup?.adminFlows ?? []).filter((f) => ports.includes(f.port) && !allowed.some((c) => inCidr(f.src, c)))
  return {
    flows,
    sessions: flows.reduce((n, f) => n + f.sessions, 0),
    synOnly: flows.reduce((n, f) => n + f.synOnly, 0),
    sources: [...new Set(flows.filter((f) => f.sessions > 0).map((f) => f.src))],
    lastSession:
      flows
        .filter((f) => f.sessions > 0)
        .map((f) => f.last)
        .sort()
        .pop() ?? null,
    /** flows to these ports past the source caps: counted, not itemised, so their sources are unknown */
    uncheckable: overflowOn(facts, ports)
  }
}
