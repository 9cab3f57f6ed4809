// `evidence collect --provider aws`: gather a bundle through a local profile with read-only calls
// only (every client carries the guard), on a connected machine, so the bundle can travel to the
// air-gapped one. What cannot be fetched — access denied, throttled past the clients' bounded
// retries, a source this collector does not read — is written into the manifest as a coverage gap
// (with the failed operation and its region), never a crash. CloudTrail, EC2 and S3 are here; the
// other services are in collect-aws-services.ts.
import { writeTerraformStates, type TerraformStateCopy } from './collect-terraform'
import { type CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail'
import {
  type EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand,
  paginateDescribeFlowLogs,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  type NetworkInterface,
  paginateDescribeSecurityGroups
} from '@aws-sdk/client-ec2'
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  type S3Client
} from '@aws-sdk/client-s3'
import type { Readable } from 'node:stream'
import { BundleWriter } from './bundle-writer'
import type { QueryDocument } from './cloudtrail-answers'
import { askAthena, askLake, type CloudTrailSourceChoice, sourceLabel, storeAsTrail } from './collect-cloudtrail-query'
import type { Manifest } from '../semantics/bundle'
import type { AwsClients } from './clients'
import {
  accountPublicAccessBlock,
  callerAccount,
  cloudFrontDistributions,
  credentialReport,
  ecrImages,
  ecsTasks,
  eksClusters,
  rdsInstances,
  errName,
  type GapInput,
  loadBalancers,
  metadataNoTokenMetrics,
  type CloudFrontLogTarget,
  type ServiceContext,
  sleep,
  why
} from './collect-aws-services'
import { iamAuthorization, virtualMfaDevices } from './collect-iam'
import { resourcePolicies } from './collect-resource-policies'
import { vpcNetwork } from './collect-ec2-network'
import { ec2Launchers } from './collect-ec2-launchers'
import { auditLogTargets, cloudFrontLogFiles, DEFAULT_MAX_LOG_BYTES, elbAccessLogFiles, elbLogTargets, openSearchAuditLogs, type UsageLogContext } from './collect-usage-logs'

export interface CollectAwsOptions {
  out: string
  clients: AwsClients
  /** regions to collect (CloudTrail per region, EC2 inventory per region) */
  regions: string[]
  /** the account, when known; otherwise read from the inventory (security group owner, trail ARN) */
  account?: string
  days: number
  now: Date
  operator?: string
  version?: string
  profile?: string
  /** LookupEvents pages per region (50 events each); Event history is slow (2 calls/s) */
  maxLookupPages?: number
  /** objects counted per bucket before the count is reported as unknown */
  maxObjectCount?: number
  /** times the IAM credential report is asked for before it is a gap (default 10, about a minute) */
  reportPolls?: number
  /** DescribeImageScanFindings calls at most (default 1000) */
  maxScanLookups?: number
  /** bytes of usage logs copied at most per resource and log source (load balancer, distribution, domain); default 1 GiB */
  maxLogBytes?: number
  /**
   * Where CloudTrail comes from: the trails' log files (default), or the answers of CloudTrail Lake
   * or Athena to the CloudTrail questions (collect-cloudtrail-query.ts), nothing downloaded
   */
  cloudTrailSource?: CloudTrailSourceChoice
  /** Terraform states the user gave (--terraform-state), read and redacted before the run (collect-terraform.ts) */
  terraformStates?: readonly TerraformStateCopy[]
  /** how long one Lake or Athena query may run (default 30 minutes) */
  maxQueryWaitMs?: number
  /** tests: the wait between credential report checks and query status checks */
  sleep?: (ms: number) => Promise<void>
  onProgress?: (message: string) => void
}

export interface CollectResult {
  out: string
  manifest: Manifest
  files: number
  bytes: number
  gaps: number
  /** where CloudTrail came from, in words (the collect summary) */
  cloudTrail: string
}

const DAY = 86400_000

/** yyyy/mm/dd and yyyy-mm-dd of every day in the window, newest last. */
function daysOf(from: Date, to: Date): Array<{ slash: string; dash: string }> {
  const out: Array<{ slash: string; dash: string }> = []
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += DAY) {
    const d = new Date(t).toISOString().slice(0, 10)
    out.push({ dash: d, slash: d.replace(/-/g, '/') })
  }
  return out
}

type GapOf = (source: string, problem: string, extra?: Omit<GapInput, 'source' | 'problem'>) => void

/** One collection run: what its phases share — the options, the writer, the window, the account. */
interface Run {
  o: CollectAwsOptions
  w: BundleWriter
  from: Date
  to: Date
  /** the window's days, for the log prefixes */
  days: Array<{ slash: string; dash: string }>
  /** the account, once known: from the options, STS, then the inventory */
  account: string | null
  gap: GapOf
  progress: (message: string) => void
}

/** The folder every file is filed under: aws/<account>, or aws/unknown. */
function baseOf(r: Run): string {
  return `aws/${r.account ?? 'unknown'}`
}

export async function collectAws(o: CollectAwsOptions): Promise<CollectResult> {
  const w = new BundleWriter(o.out)
  const to = o.now
  const from = new Date(to.getTime() - o.days * DAY)
  const progress = o.onProgress ?? (() => undefined)
  const r: Run = {
    o,
    w,
    from,
    to,
    days: daysOf(from, to),
    account: o.account ?? null,
    gap: (source, problem, extra = {}) => {
      w.gap({ source, scope: r.account ?? 'unknown', problem, ...extra })
      progress(`gap: ${source}: ${problem}`)
    },
    progress
  }

  const stsError = await profileAccount(r)
  const ec2 = await ec2Inventory(r)
  const trails = await cloudTrailTrails(r)
  // Asked before anything else is fetched: a failed query stops the run before it costs more.
  const query = await askCloudTrail(r)
  if (query?.engine === 'cloudtrail-lake') {
    trails.trails.push(storeAsTrail(query.store))
    trails.listed ||= 1
  }
  const lookup = await eventHistory(r)

  // Everything below is filed under the account, now known (or "unknown").
  const base = baseOf(r)
  for (const p of lookup) w.writeJson(`${base}/cloudtrail-lookup/${p.region}-${String(p.n).padStart(4, '0')}.json`, { Events: p.events })
  // No DescribeTrails answer at all: no trails.json — an empty list would say "no trail records anything".
  if (trails.listed) w.writeJson(`${base}/trails.json`, { trails: trails.trails })
  w.writeJson(`${base}/inventory/ec2-instances.json`, { Reservations: ec2.instances })
  w.writeJson(`${base}/inventory/security-groups.json`, { SecurityGroups: ec2.groups })
  // only a whole list: "no interface uses this group" is read from it
  if (ec2.interfaces) w.writeJson(`${base}/inventory/network-interfaces.json`, { NetworkInterfaces: ec2.interfaces })
  if (Object.keys(ec2.ebs).length) w.writeJson(`${base}/inventory/ebs-encryption.json`, { regions: ec2.ebs })

  const usage = await otherServices(r, stsError, ec2)
  const source = o.cloudTrailSource ?? { kind: 'files' }
  if (query) w.writeJson(`${base}/cloudtrail-query/${query.engine === 'cloudtrail-lake' ? 'lake' : 'athena'}.json`, query)
  else await cloudTrailLogFiles(r, trails.trails)
  await s3Buckets(r)
  await flowLogFiles(r, ec2.flowLogs)
  await usageLogs(r, usage)
  writeTerraformStates(w, o.terraformStates)

  const manifest = w.finish({
    collectedAt: to.toISOString(),
    collector: {
      tool: 'lastmile',
      version: o.version ?? '0',
      operator: o.operator ?? 'unknown',
      ...(o.profile ? { profile: o.profile } : {}),
      cloudTrailSource: query?.engine === 'cloudtrail-lake' ? `lake:${String(query.store.EventDataStoreArn)}` : sourceLabel(source)
    },
    window: { from: from.toISOString(), to: to.toISOString() },
    scopes: [{ provider: 'aws', account: r.account ?? 'unknown', regions: o.regions }]
  })
  const cloudTrail = query
    ? `CloudTrail from ${query.engine === 'cloudtrail-lake' ? `CloudTrail Lake event data store ${String(query.store.EventDataStoreArn)}` : `Athena table ${sourceLabel(source).slice('athena:'.length)}`} (${Object.values(query.answers).reduce((n, a) => n + a.rows.length, 0)} grouped rows, no log file downloaded)`
    : "CloudTrail from the trails' log files in S3"
  return { out: o.out, manifest, files: manifest.files.length, bytes: manifest.files.reduce((n, f) => n + f.bytes, 0), gaps: manifest.gaps?.length ?? 0, cloudTrail }
}

/** The CloudTrail questions asked of CloudTrail Lake or Athena, when the run was told to; null: read the log files. */
async function askCloudTrail(r: Run): Promise<QueryDocument | null> {
  const c = r.o.cloudTrailSource
  if (!c || c.kind === 'files') return null
  // the days the log files would be copied for: from the first day's midnight (UTC)
  const window = { from: new Date(Date.UTC(r.from.getUTCFullYear(), r.from.getUTCMonth(), r.from.getUTCDate())).toISOString(), to: r.to.toISOString() }
  const ask = { window, progress: r.progress, sleep: r.o.sleep ?? sleep, maxWaitMs: r.o.maxQueryWaitMs }
  if (c.kind === 'lake') return askLake(r.o.clients.cloudTrail, r.o.regions[0], c.eventDataStore, ask)
  return askAthena(r.o.clients.athena(r.o.regions[0]), c, ask)
}

/** Who the profile is: the account every file is filed under. Returns why STS could not say, or null. */
async function profileAccount(r: Run): Promise<string | null> {
  if (r.account) return null
  r.progress('STS: the account of the profile')
  const who = await callerAccount(r.o.clients)
  r.account = who.account
  // Not a gap: the account is also read from the inventory below; only if it stays unknown does
  // it cost evidence, and the parts that need it say so with this reason.
  if (who.error) r.progress(`${who.error}; the account is read from the inventory instead`)
  return who.error
}

interface Ec2Inventory {
  instances: unknown[]
  groups: unknown[]
  /** every interface of every Region (DescribeNetworkInterfaces); null when a Region could not be listed */
  interfaces: unknown[] | null
  /** the same interfaces by Region; a Region that could not be listed has none */
  interfacesByRegion: Map<string, NetworkInterface[]>
  instancesByRegion: Map<string, string[]>
  ebs: Record<string, { EbsEncryptionByDefault: boolean; KmsKeyId: string | null }>
  /** flow logs delivered to S3 (the others are gaps) */
  flowLogs: Array<{ region: string; destination: string }>
}

/** EC2 inventory first: it names the account (every VPC has a default security group). */
async function ec2Inventory(r: Run): Promise<Ec2Inventory> {
  const inv: Ec2Inventory = { instances: [], groups: [], interfaces: [], interfacesByRegion: new Map(), instancesByRegion: new Map(), ebs: {}, flowLogs: [] }
  const { gap } = r
  for (const region of r.o.regions) {
    const ec2: EC2Client = r.o.clients.ec2(region)
    r.progress(`EC2 ${region}: instances, security groups, network interfaces, EBS default encryption, flow logs`)
    try {
      for await (const page of paginateDescribeInstances({ client: ec2 }, {})) {
        for (const res of page.Reservations ?? []) {
          inv.instances.push(res)
          for (const i of res.Instances ?? []) if (i.InstanceId) inv.instancesByRegion.set(region, [...(inv.instancesByRegion.get(region) ?? []), i.InstanceId])
        }
      }
    } catch (e) {
      gap('aws.inventory', `DescribeInstances in ${region}: ${why(e)}`, { operation: 'DescribeInstances', region })
    }
    try {
      for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, {})) {
        for (const g of page.SecurityGroups ?? []) {
          r.account ??= g.OwnerId ?? null
          // DescribeSecurityGroups does not say the region; the reader needs it for the ARN.
          inv.groups.push({ ...g, Region: region })
        }
      }
    } catch (e) {
      gap('aws.inventory', `DescribeSecurityGroups in ${region}: ${why(e)}`, { operation: 'DescribeSecurityGroups', region })
    }
    try {
      const found: NetworkInterface[] = []
      for await (const page of paginateDescribeNetworkInterfaces({ client: ec2 }, {})) found.push(...(page.NetworkInterfaces ?? []))
      inv.interfaces?.push(...found)
      inv.interfacesByRegion.set(region, found)
    } catch (e) {
      // a list missing a Region would say "nothing there uses the group" of what is there: none at all
      inv.interfaces = null
      gap('aws.inventory', `DescribeNetworkInterfaces in ${region}: ${why(e)}; network-interfaces.json is not written`, { operation: 'DescribeNetworkInterfaces', region })
    }
    try {
      const enc = await ec2.send(new GetEbsEncryptionByDefaultCommand({}))
      const key = await ec2.send(new GetEbsDefaultKmsKeyIdCommand({})).catch(() => ({ KmsKeyId: undefined }))
      inv.ebs[region] = { EbsEncryptionByDefault: enc.EbsEncryptionByDefault === true, KmsKeyId: key.KmsKeyId ?? null }
    } catch (e) {
      gap('aws.inventory', `GetEbsEncryptionByDefault in ${region}: ${why(e)}`, { operation: 'GetEbsEncryptionByDefault', region })
    }
    try {
      for await (const page of paginateDescribeFlowLogs({ client: ec2 }, {})) {
        for (const f of page.FlowLogs ?? []) {
          if (f.LogDestinationType === 's3' && f.LogDestination) inv.flowLogs.push({ region, destination: f.LogDestination })
          else
            gap('aws.vpc-flow-logs', `flow log ${f.FlowLogId} delivers to ${f.LogDestinationType ?? 'CloudWatch Logs'}, which this collector does not read`, {
              resource: f.ResourceId,
              region
            })
        }
      }
    } catch (e) {
      gap('aws.vpc-flow-logs', `DescribeFlowLogs in ${region}: ${why(e)}`, { operation: 'DescribeFlowLogs', region })
    }
  }
  return inv
}

/** CloudTrail's trails, each with its event selectors and status; `listed`: regions that answered DescribeTrails. */
async function cloudTrailTrails(r: Run): Promise<{ trails: Array<Record<string, unknown>>; listed: number }> {
  const trails: Array<Record<string, unknown>> = []
  const seenTrails = new Set<string>()
  let listed = 0
  const { gap } = r
  for (const region of r.o.regions) {
    const ct: CloudTrailClient = r.o.clients.cloudTrail(region)
    r.progress(`CloudTrail ${region}: trails and event selectors`)
    try {
      const res = await ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }))
      listed++
      for (const t of res.trailList ?? []) {
        if (!t.TrailARN || seenTrails.has(t.TrailARN)) continue
        seenTrails.add(t.TrailARN)
        r.account ??= t.TrailARN.split(':')[4] || null
        // A trail's selectors and status are read in its home region.
        const home = r.o.clients.cloudTrail(t.HomeRegion ?? region)
        const item: Record<string, unknown> = { ...t }
        try {
          const s = await home.send(new GetEventSelectorsCommand({ TrailName: t.TrailARN }))
          item.eventSelectors = s.EventSelectors ?? null
          item.advancedEventSelectors = s.AdvancedEventSelectors ?? null
        } catch (e) {
          gap('aws.cloudtrail.s3-data', `GetEventSelectors ${t.Name}: ${why(e)}`, { operation: 'GetEventSelectors', region: t.HomeRegion ?? region })
        }
        try {
          item.status = await home.send(new GetTrailStatusCommand({ Name: t.TrailARN }))
        } catch (e) {
          gap('aws.cloudtrail', `GetTrailStatus ${t.Name}: ${why(e)}`, { operation: 'GetTrailStatus', region: t.HomeRegion ?? region })
        }
        trails.push(item)
      }
    } catch (e) {
      gap('aws.cloudtrail', `DescribeTrails in ${region}: ${why(e)}`, { operation: 'DescribeTrails', region })
    }
  }
  return { trails, listed }
}

/**
 * CloudTrail's Event history (LookupEvents), page by page. The pages are held until the account
 * is known (their path names it): at most maxLookupPages × 50 events a region.
 */
async function eventHistory(r: Run): Promise<Array<{ region: string; n: number; events: unknown[] }>> {
  const maxPages = r.o.maxLookupPages ?? 200
  const pages: Array<{ region: string; n: number; events: unknown[] }> = []
  for (const region of r.o.regions) {
    r.progress(`CloudTrail ${region}: Event history (LookupEvents)`)
    let n = 0
    try {
      for await (const page of paginateLookupEvents({ client: r.o.clients.cloudTrail(region), pageSize: 50 }, { StartTime: r.from, EndTime: r.to })) {
        n++
        pages.push({ region, n, events: page.Events ?? [] })
        if (n >= maxPages) {
          r.gap('aws.cloudtrail-lookup', `stopped after ${maxPages} pages of Event history in ${region}; older events not collected`, {
            operation: 'LookupEvents',
            region,
            resource: `aws-stream:${r.account ?? 'unknown'}:${region}`
          })
          break
        }
      }
    } catch (e) {
      r.gap('aws.cloudtrail-lookup', `LookupEvents in ${region}: ${why(e)}`, { operation: 'LookupEvents', region, resource: `aws-stream:${r.account ?? 'unknown'}:${region}` })
    }
  }
  return pages
}

/** The other services (collect-aws-services.ts): account settings, credentials, metrics, workloads, fronting. */
/** What the usage logs are copied from, once the inventory has said where they are. */
interface UsageLogSources {
  cloudFront: CloudFrontLogTarget[]
  loadBalancers: Awaited<ReturnType<typeof loadBalancers>>
  domains: Awaited<ReturnType<typeof resourcePolicies>>
}

/** Load balancer access logs, CloudFront standard logs and OpenSearch audit logs of the window (collect-usage-logs.ts). */
async function usageLogs(r: Run, u: UsageLogSources): Promise<void> {
  const x: UsageLogContext = {
    w: r.w,
    clients: r.o.clients,
    base: baseOf(r),
    account: r.account,
    from: r.from,
    to: r.to,
    maxBytes: r.o.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES,
    gap: ({ source, problem, ...extra }) => r.gap(source, problem, extra),
    progress: r.progress
  }
  await elbAccessLogFiles(x, elbLogTargets(u.loadBalancers.elbv2, u.loadBalancers.classic, r.account))
  await cloudFrontLogFiles(x, u.cloudFront)
  await openSearchAuditLogs(x, auditLogTargets(u.domains))
}

async function otherServices(r: Run, stsError: string | null, ec2: Ec2Inventory): Promise<UsageLogSources> {
  const x: ServiceContext = {
    w: r.w,
    clients: r.o.clients,
    regions: r.o.regions,
    base: baseOf(r),
    account: r.account,
    from: r.from,
    to: r.to,
    gap: ({ source, problem, ...extra }) => r.gap(source, problem, extra),
    progress: r.progress,
    sleep: r.o.sleep ?? sleep,
    reportPolls: r.o.reportPolls ?? 10,
    maxScanLookups: r.o.maxScanLookups ?? 1000
  }
  await accountPublicAccessBlock(x, stsError)
  await credentialReport(x)
  await iamAuthorization(x)
  await virtualMfaDevices(x)
  await metadataNoTokenMetrics(x, ec2.instancesByRegion, r.o.days)
  await ecsTasks(x)
  await eksClusters(x)
  await rdsInstances(x, ec2.interfacesByRegion)
  await ecrImages(x)
  const cloudFront = await cloudFrontDistributions(x)
  const lbs = await loadBalancers(x)
  const domains = await resourcePolicies(x)
  await vpcNetwork(x)
  await ec2Launchers(x)
  return { cloudFront, loadBalancers: lbs, domains }
}

/** CloudTrail log files, exactly as delivered, from each trail's bucket. */
async function cloudTrailLogFiles(r: Run, trails: Array<Record<string, unknown>>): Promise<void> {
  const s3 = r.o.clients.s3
  const { account, gap } = r
  for (const t of trails) {
    const bucket = t.S3BucketName as string | undefined
    if (!bucket) continue
    const prefix = t.S3KeyPrefix ? `${t.S3KeyPrefix as string}/` : ''
    r.progress(`CloudTrail logs of ${t.Name as string} from s3://${bucket}/${prefix}`)
    try {
      // Organisation trails deliver under AWSLogs/<org-id>/<account>/…; plain ones under
      // AWSLogs/<account>/…. Only this account's logs are read, one day prefix at a time, so a
      // bucket holding an organisation's years of logs is never listed whole.
      if (!account) {
        gap('aws.cloudtrail', `the account is unknown, so the log files of trail ${t.Name as string} cannot be located`)
        continue
      }
      const orgs = await organisationIds(s3, bucket, `${prefix}AWSLogs/`)
      const accountRoots = [`${prefix}AWSLogs/${account}/`, ...orgs.map((org) => `${prefix}AWSLogs/${org}/${account}/`)]
      for (const root of accountRoots) {
        for (const region of r.o.regions) {
          for (const d of r.days) {
            await copyPrefix(s3, r.w, bucket, `${root}CloudTrail/${region}/${d.slash}/`, (key) => `${baseOf(r)}/cloudtrail/${key}`, gap, 'aws.cloudtrail')
          }
        }
      }
    } catch (e) {
      gap('aws.cloudtrail', `reading the log files of trail ${t.Name as string} from s3://${bucket}: ${why(e)}`)
    }
  }
}

/** The S3 inventory (s3-buckets.json), and each bucket's server access logs. */
async function s3Buckets(r: Run): Promise<void> {
  const s3 = r.o.clients.s3
  const { gap } = r
  const base = baseOf(r)
  const buckets: unknown[] = []
  try {
    const list = await s3.send(new ListBucketsCommand({}))
    for (const b of list.Buckets ?? []) {
      if (!b.Name) continue
      r.progress(`S3 bucket ${b.Name}`)
      const inv = await bucketInventory(s3, b.Name, b.CreationDate, r.o.maxObjectCount ?? 10_000, (p, extra) =>
        gap('aws.inventory', p, { resource: `arn:aws:s3:::${b.Name}`, ...extra })
      )
      buckets.push(inv)
      const logging = inv.logging as { TargetBucket?: string; TargetPrefix?: string } | null | undefined
      if (logging?.TargetBucket) {
        const target = logging.TargetBucket
        const tp = logging.TargetPrefix ?? ''
        for (const d of r.days) {
          // simple keys: <prefix>YYYY-MM-DD-HH-MM-SS-<id>; partitioned: <prefix><acct>/<region>/<bucket>/YYYY/MM/DD/…
          await copyPrefix(
            s3,
            r.w,
            target,
            `${tp}${d.dash}-`,
            (key) => `${base}/s3-access-logs/${b.Name}/${key.slice(tp.length)}`,
            gap,
            'aws.s3-access-logs',
            `arn:aws:s3:::${b.Name}`
          )
          for (const region of r.o.regions) {
            await copyPrefix(
              s3,
              r.w,
              target,
              `${tp}${r.account ?? ''}/${region}/${b.Name}/${d.slash}/`,
              (key) => `${base}/s3-access-logs/${b.Name}/${key.slice(tp.length)}`,
              gap,
              'aws.s3-access-logs',
              `arn:aws:s3:::${b.Name}`
            )
          }
        }
      }
    }
  } catch (e) {
    gap('aws.inventory', `ListBuckets: ${why(e)}`, { operation: 'ListBuckets', region: await s3.config.region() })
  }
  r.w.writeJson(`${base}/inventory/s3-buckets.json`, { buckets })
}

/** VPC flow logs delivered to S3. */
async function flowLogFiles(r: Run, flowLogs: Array<{ region: string; destination: string }>): Promise<void> {
  for (const f of flowLogs) {
    const m = /^arn:[^:]+:s3:::([^/]+)\/?(.*)$/.exec(f.destination)
    if (!m) continue
    const [, bucket, p] = m
    const prefix = p ? `${p.replace(/\/$/, '')}/` : ''
    for (const d of r.days) {
      await copyPrefix(
        r.o.clients.s3,
        r.w,
        bucket,
        `${prefix}AWSLogs/${r.account ?? ''}/vpcflowlogs/${f.region}/${d.slash}/`,
        (key) => `${baseOf(r)}/vpc-flow-logs/${key}`,
        r.gap,
        'aws.vpc-flow-logs'
      )
    }
  }
}

/**
 * The organisation ids under AWSLogs/ (o-…), found by asking for the first keys after each one:
 * one listing page per organisation, whatever the size of the bucket. (StartAfter rather than a
 * delimiter listing, and a full page rather than MaxKeys 1: s3rver, which the tests use, neither
 * lists common prefixes of nested keys nor survives a truncated page on OpenSSL 3.)
 */
async function organisationIds(s3: S3Client, bucket: string, root: string): Promise<string[]> {
  const out: string[] = []
  let after = `${root}o-`
  for (let i = 0; i < 20; i++) {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${root}o-`, StartAfter: after }))
    const key = r.Contents?.[0]?.Key
    const m = key ? /^(o-[a-z0-9]+)\//.exec(key.slice(root.length)) : null
    if (!m) break
    out.push(m[1])
    // '0' sorts right after '/': the next key past every key of this organisation
    after = `${root}${m[1]}0`
  }
  return out
}

/** Copy every object under a prefix into the bundle, as delivered (no decompression). */
async function copyPrefix(
  s3: S3Client,
  w: BundleWriter,
  bucket: string,
  prefix: string,
  dest: (key: string) => string,
  gap: GapOf,
  source: string,
  resource?: string
): Promise<void> {
  try {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || obj.Key.includes('/CloudTrail-Digest/')) continue
        const rel = dest(obj.Key)
        if (w.has(rel)) continue
        try {
          const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key }))
          await w.writeStream(rel, r.Body as Readable)
        } catch (e) {
          gap(source, `GetObject s3://${bucket}/${obj.Key}: ${why(e)}`, { operation: 'GetObject', ...(resource ? { resource } : {}) })
        }
      }
    }
  } catch (e) {
    if (errName(e) === 'NoSuchBucket') gap(source, `ListObjectsV2 s3://${bucket}: the bucket does not exist`, { operation: 'ListObjectsV2', ...(resource ? { resource } : {}) })
    else gap(source, `ListObjectsV2 s3://${bucket}/${prefix}: ${why(e)}`, { operation: 'ListObjectsV2', ...(resource ? { resource } : {}) })
  }
}

/**
 * One bucket as s3-buckets.json describes it. A part S3 answered "not configured" for is a fact
 * (null; {} for tags, false for website). A part that could not be read (access denied, throttled,
 * not implemented) has no key at all — the readers' "not collected", UNKNOWN — and a gap naming
 * the operation and the region. Never a placeholder: a `"policy": null` left after a failed
 * GetBucketPolicy would read as "the bucket has no policy".
 */
async function bucketInventory(
  s3: S3Client,
  name: string,
  created: Date | undefined,
  maxCount: number,
  gap: (problem: string, extra: { operation: string; region?: string }) => void
): Promise<Record<string, unknown>> {
  const b: Record<string, unknown> = { name, creationDate: created ? created.toISOString() : null }
  const absent: Record<string, { errors: string[]; value: unknown }> = {
    policy: { errors: ['NoSuchBucketPolicy'], value: null },
    publicAccessBlock: { errors: ['NoSuchPublicAccessBlockConfiguration'], value: null },
    encryption: { errors: ['ServerSideEncryptionConfigurationNotFoundError'], value: null },
    tags: { errors: ['NoSuchTagSet'], value: {} },
    website: { errors: ['NoSuchWebsiteConfiguration'], value: false }
  }
  const part = async (field: string, op: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      b[field] = await fn()
    } catch (e) {
      const none = absent[field]
      if (none?.errors.includes(errName(e))) b[field] = none.value
      // the region is the bucket's once GetBucketLocation has told it: the calls go there
      else gap(`${op} ${name}: ${why(e)}`, { operation: op, ...(typeof b.region === 'string' ? { region: b.region } : {}) })
    }
  }
  await part('region', 'GetBucketLocation', async () => (await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint || 'us-east-1')
  await part('policy', 'GetBucketPolicy', async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy ?? null)
  await part('publicAccessBlock', 'GetPublicAccessBlock', async () => (await s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration ?? null)
  await part('encryption', 'GetBucketEncryption', async () => {
    const r = await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))
    return { ServerSideEncryptionConfiguration: r.ServerSideEncryptionConfiguration }
  })
  await part('versioning', 'GetBucketVersioning', async () => (await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status ?? 'Unversioned')
  await part('logging', 'GetBucketLogging', async () => (await s3.send(new GetBucketLoggingCommand({ Bucket: name }))).LoggingEnabled ?? null)
  await part('acl', 'GetBucketAcl', async () => {
    const r = await s3.send(new GetBucketAclCommand({ Bucket: name }))
    return { Owner: r.Owner, Grants: r.Grants }
  })
  await part('tags', 'GetBucketTagging', async () => Object.fromEntries(((await s3.send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet ?? []).map((t) => [t.Key, t.Value])))
  await part('website', 'GetBucketWebsite', async () => {
    await s3.send(new GetBucketWebsiteCommand({ Bucket: name }))
    return true
  })
  await part('objectCount', 'ListObjectsV2', async () => {
    let n = 0
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: name })) {
      n += page.KeyCount ?? page.Contents?.length ?? 0
      if (n > maxCount) return null
    }
    return n
  })
  return b
}
