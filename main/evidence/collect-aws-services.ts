// The parts of `evidence collect --provider aws` beyond CloudTrail, EC2 and S3: who the profile is
// (STS), the account-level S3 public access block (S3 Control), the IAM credential report,
// CloudWatch MetadataNoToken metrics, what runs where (ECS tasks, EKS clusters, ECR images) and who
// fronts what (CloudFront, load balancers). Each writes its file in the shape the bundle readers
// accept (main/semantics/inventory-items.ts, main/semantics/inventory.ts) — the AWS API's own output — and
// each call that fails becomes a coverage gap with the operation and region, never a crash.
// Paging uses the SDK paginators (NextToken / Marker); throttling is retried, with backoff and a
// bounded number of attempts, by the clients themselves (clients.ts: adaptive retry mode).
import { paginateGetMetricData, type MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import { GetDistributionConfigCommand, paginateListDistributions, type DistributionSummary } from '@aws-sdk/client-cloudfront'
import { DescribeImageScanFindingsCommand, paginateDescribeImages, paginateDescribeRepositories, type ImageDetail } from '@aws-sdk/client-ecr'
import { DescribeTasksCommand, paginateListClusters as paginateEcsClusters, paginateListTasks, type Task } from '@aws-sdk/client-ecs'
import { DescribeClusterCommand, paginateListClusters as paginateEksClusters, type Cluster } from '@aws-sdk/client-eks'
import { paginateDescribeDBInstances, type DBInstance } from '@aws-sdk/client-rds'
import type { NetworkInterface } from '@aws-sdk/client-ec2'
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand,
  paginateDescribeLoadBalancers as paginateDescribeClassic
} from '@aws-sdk/client-elastic-load-balancing'
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam'
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { BundleWriter } from './bundle-writer'
import type { AwsClients } from './clients'
import { ec2Arn } from '../semantics/ids'

/** A gap as the collector records it (bundle.ts collectionGapSchema, less the scope). */
export interface GapInput {
  source: string
  problem: string
  /** the API operation that failed, e.g. "GetBucketPolicy" */
  operation?: string
  /** the region the call was made in */
  region?: string
  resource?: string
  from?: string
  to?: string
}
type Gap = (g: GapInput) => void

/** The error as one line: the AWS error name and message, never a stack. */
export function why(e: unknown): string {
  const err = e as { name?: string; message?: string; Code?: string }
  return `${err.name ?? err.Code ?? 'Error'}: ${err.message ?? String(e)}`
}

export const errName = (e: unknown): string => (e as { name?: string; Code?: string }).name ?? (e as { Code?: string }).Code ?? ''

export const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms))

export interface ServiceContext {
  w: BundleWriter
  clients: AwsClients
  regions: string[]
  /** aws/<account> */
  base: string
  account: string | null
  from: Date
  to: Date
  gap: Gap
  progress: (message: string) => void
  /** waits between credential report checks (tests pass a fast one) */
  sleep: (ms: number) => Promise<void>
  /** how many times to ask for the credential report before giving up */
  reportPolls: number
  /** DescribeImageScanFindings calls at most (images whose DescribeImages entry has no summary) */
  maxScanLookups: number
}

// --- who the profile is --------------------------------------------------------------------

/** The account id of the profile (GetCallerIdentity needs no permission); null and why otherwise. */
export async function callerAccount(c: AwsClients): Promise<{ account: string | null; error: string | null }> {
  try {
    const r = await c.sts.send(new GetCallerIdentityCommand({}))
    return { account: r.Account ?? null, error: r.Account ? null : 'GetCallerIdentity: no account in the answer' }
  } catch (e) {
    return { account: null, error: `GetCallerIdentity: ${why(e)}` }
  }
}

// --- S3 account-level public access block (S3 Control) ------------------------------------------

/** inventory/s3-account.json: {"publicAccessBlock": <configuration> | null}; no file when unknown. */
export async function accountPublicAccessBlock(x: ServiceContext, stsError: string | null): Promise<void> {
  const region = await x.clients.s3Control.config.region()
  if (!x.account) {
    x.gap({
      source: 'aws.inventory',
      operation: 'GetPublicAccessBlock',
      region,
      problem: `GetPublicAccessBlock: the account-level S3 public access block needs the account id, which is unknown${stsError ? ` (${stsError})` : ''}`
    })
    return
  }
  x.progress('S3 Control: account-level public access block')
  try {
    const r = await x.clients.s3Control.send(new GetAccountPublicAccessBlockCommand({ AccountId: x.account }))
    x.w.writeJson(`${x.base}/inventory/s3-account.json`, { publicAccessBlock: r.PublicAccessBlockConfiguration ?? null })
  } catch (e) {
    // "Not configured" is a fact (null: every setting off), not a gap.
    if (errName(e) === 'NoSuchPublicAccessBlockConfiguration') x.w.writeJson(`${x.base}/inventory/s3-account.json`, { publicAccessBlock: null })
    else x.gap({ source: 'aws.inventory', operation: 'GetPublicAccessBlock', region, problem: `GetPublicAccessBlock: ${why(e)} (the account-level setting, through S3 Control)` })
  }
}

// --- IAM credential report -----------------------------------------------------------------

const REPORT_NOT_READY = new Set(['CredentialReportNotReadyException', 'ReportInProgress', 'CredentialReportNotPresentException', 'ReportNotPresent'])

/**
 * inventory/iam-credential-report.csv, as downloaded (the decoded Content). GenerateCredentialReport
 * answers COMPLETE at once when IAM holds a report under four hours old; otherwise it is asked again,
 * with growing waits, up to `reportPolls` times (about a minute by default), then it is a gap.
 */
export async function credentialReport(x: ServiceContext): Promise<void> {
  const iam = x.clients.iam
  const region = await iam.config.region()
  const gap = (operation: string, problem: string): void => x.gap({ source: 'aws.iam.credential-report', operation, region, problem: `${operation}: ${problem}` })
  x.progress('IAM: credential report')
  let waited = 0
  for (let attempt = 1; attempt <= x.reportPolls; attempt++) {
    let state: string | undefined
    try {
      state = (await iam.send(new GenerateCredentialReportCommand({}))).State
    } catch (e) {
      gap('GenerateCredentialReport', why(e))
      return
    }
    if (state === 'COMPLETE') {
      try {
        const r = await iam.send(new GetCredentialReportCommand({}))
        if (!r.Content?.length) {
          gap('GetCredentialReport', 'the answer holds no report')
          return
        }
        x.w.writeBuffer(`${x.base}/inventory/iam-credential-report.csv`, Buffer.from(r.Content))
        return
      } catch (e) {
        // Generated a moment ago but not served yet: ask again below.
        if (!REPORT_NOT_READY.has(errName(e))) {
          gap('GetCredentialReport', why(e))
          return
        }
      }
    }
    if (attempt === x.reportPolls) break
    const ms = Math.min(1000 * 2 ** (attempt - 1), 8000)
    waited += ms
    await x.sleep(ms)
  }
  gap('GenerateCredentialReport', `the report was not ready after ${x.reportPolls} checks over ${Math.round(waited / 1000)} s; run evidence collect again later`)
}

// --- CloudWatch: MetadataNoToken per instance -----------------------------------------------

/** GetMetricData takes at most 500 queries per call. */
const QUERIES_PER_CALL = 500

/**
 * cloudwatch/metrics.json: the Sum of AWS/EC2 MetadataNoToken (IMDSv1 calls) per instance over the
 * window. Five-minute data is kept 63 days, hourly data 455 days, so the period follows the window.
 */
export async function metadataNoTokenMetrics(x: ServiceContext, instancesByRegion: Map<string, string[]>, days: number): Promise<void> {
  const period = days <= 63 ? 300 : 3600
  const metrics: unknown[] = []
  let answered = 0
  for (const region of x.regions) {
    const ids = [...new Set(instancesByRegion.get(region) ?? [])]
    if (!ids.length) continue
    x.progress(`CloudWatch ${region}: MetadataNoToken of ${ids.length} instance(s)`)
    const cw = x.clients.cloudWatch(region)
    for (let i = 0; i < ids.length; i += QUERIES_PER_CALL) {
      const chunk = ids.slice(i, i + QUERIES_PER_CALL)
      const queries: MetricDataQuery[] = chunk.map((id, k) => ({
        Id: `m${k}`,
        ReturnData: true,
        MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'MetadataNoToken', Dimensions: [{ Name: 'InstanceId', Value: id }] }, Period: period, Stat: 'Sum' }
      }))
      const got = new Map<string, { timestamps: string[]; values: number[]; status: string | undefined; message: string | undefined }>()
      const resource = (id: string): string => ec2Arn(region, x.account ?? 'unknown', 'instance', id)
      try {
        for await (const page of paginateGetMetricData({ client: cw }, { MetricDataQueries: queries, StartTime: x.from, EndTime: x.to, ScanBy: 'TimestampAscending' })) {
          for (const r of page.MetricDataResults ?? []) {
            if (!r.Id) continue
            let g = got.get(r.Id)
            if (!g) got.set(r.Id, (g = { timestamps: [], values: [], status: undefined, message: undefined }))
            const ts = r.Timestamps ?? []
            const vs = r.Values ?? []
            for (let k = 0; k < Math.min(ts.length, vs.length); k++) {
              g.timestamps.push(new Date(ts[k]).toISOString())
              g.values.push(vs[k])
            }
            g.status = r.StatusCode
            g.message = r.Messages?.map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ') || g.message
          }
        }
      } catch (e) {
        for (const id of chunk)
          x.gap({ source: 'aws.cloudwatch.metadata-no-token', operation: 'GetMetricData', region, resource: resource(id), problem: `GetMetricData in ${region}: ${why(e)}` })
        continue
      }
      answered++
      chunk.forEach((id, k) => {
        const g = got.get(`m${k}`)
        if (!g || (g.status !== 'Complete' && g.status !== 'PartialData')) {
          x.gap({
            source: 'aws.cloudwatch.metadata-no-token',
            operation: 'GetMetricData',
            region,
            resource: resource(id),
            problem: `GetMetricData in ${region}: MetadataNoToken of ${id}: ${g ? `status ${g.status ?? 'none'}${g.message ? ` (${g.message})` : ''}` : 'no result in the answer'}`
          })
          return
        }
        if (g.status === 'PartialData') {
          x.gap({
            source: 'aws.cloudwatch.metadata-no-token',
            operation: 'GetMetricData',
            region,
            resource: resource(id),
            problem: `GetMetricData in ${region}: MetadataNoToken of ${id}: CloudWatch returned partial data`
          })
        }
        metrics.push({ namespace: 'AWS/EC2', name: 'MetadataNoToken', dimensions: { InstanceId: id }, region, stat: 'Sum', period, timestamps: g.timestamps, values: g.values })
      })
    }
  }
  if (answered) x.w.writeJson(`${x.base}/cloudwatch/metrics.json`, { metrics })
}

// --- what runs where ---------------------------------------------------------------------------

/** DescribeTasks takes at most 100 tasks per call. */
const TASKS_PER_CALL = 100

/** inventory/ecs-tasks.json: {"tasks":[DescribeTasks task…]} — the running tasks, with image digests. */
export async function ecsTasks(x: ServiceContext): Promise<void> {
  const tasks: Task[] = []
  let listed = 0
  for (const region of x.regions) {
    const ecs = x.clients.ecs(region)
    x.progress(`ECS ${region}: clusters and running tasks`)
    const clusters: string[] = []
    try {
      for await (const page of paginateEcsClusters({ client: ecs }, {})) clusters.push(...(page.clusterArns ?? []))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'ListClusters', region, problem: `ListClusters in ${region}: ${why(e)} (ECS)` })
      continue
    }
    listed++
    for (const cluster of clusters) {
      const arns: string[] = []
      try {
        for await (const page of paginateListTasks({ client: ecs }, { cluster, desiredStatus: 'RUNNING' })) arns.push(...(page.taskArns ?? []))
      } catch (e) {
        x.gap({ source: 'aws.inventory', operation: 'ListTasks', region, resource: cluster, problem: `ListTasks ${cluster}: ${why(e)}` })
        continue
      }
      for (let i = 0; i < arns.length; i += TASKS_PER_CALL) {
        try {
          const r = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + TASKS_PER_CALL) }))
          tasks.push(...(r.tasks ?? []))
          for (const f of r.failures ?? []) {
            x.gap({
              source: 'aws.inventory',
              operation: 'DescribeTasks',
              region,
              resource: f.arn ?? cluster,
              problem: `DescribeTasks ${f.arn ?? cluster}: ${f.reason ?? 'failed'}${f.detail ? ` (${f.detail})` : ''}`
            })
          }
        } catch (e) {
          x.gap({ source: 'aws.inventory', operation: 'DescribeTasks', region, resource: cluster, problem: `DescribeTasks ${cluster}: ${why(e)}` })
        }
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/ecs-tasks.json`, { tasks })
}

/**
 * inventory/eks-clusters.json: {"clusters":[DescribeCluster cluster…]}. The pods (and so the image
 * digests that run) are not in the EKS API but in each cluster's Kubernetes API, which this collector
 * does not call: each cluster gets a gap saying so, and eks-pods.json is not written — an empty one
 * would read as "no pods run".
 */
export async function eksClusters(x: ServiceContext): Promise<void> {
  const clusters: Cluster[] = []
  let listed = 0
  for (const region of x.regions) {
    const eks = x.clients.eks(region)
    x.progress(`EKS ${region}: clusters`)
    const names: string[] = []
    try {
      for await (const page of paginateEksClusters({ client: eks }, {})) names.push(...(page.clusters ?? []))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'ListClusters', region, problem: `ListClusters in ${region}: ${why(e)} (EKS)` })
      continue
    }
    listed++
    for (const name of names) {
      let arn = `arn:aws:eks:${region}:${x.account ?? 'unknown'}:cluster/${name}`
      try {
        const c = (await eks.send(new DescribeClusterCommand({ name }))).cluster
        if (c) {
          clusters.push(c)
          arn = c.arn ?? arn
        }
      } catch (e) {
        x.gap({ source: 'aws.inventory', operation: 'DescribeCluster', region, resource: arn, problem: `DescribeCluster ${name}: ${why(e)}` })
      }
      x.gap({
        source: 'aws.inventory',
        region,
        resource: arn,
        problem:
          `EKS cluster ${name}: its pods were not collected: which images run comes from the cluster's Kubernetes API ` +
          `(kubectl get pods -A -o json), not from the EKS API, and evidence collect does not call Kubernetes; ` +
          'save that output as inventory/eks-pods.json to add it'
      })
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/eks-clusters.json`, { clusters })
}

/**
 * inventory/rds-instances.json: {"DBInstances":[DescribeDBInstances item + "NetworkInterfaces"]}
 * (docs/evidence-bundle.md). DescribeDBInstances does not name an instance's network interfaces,
 * which its VPC flow logs are recorded under: RDS's own interfaces (requester-id amazon-rds, from the
 * EC2 inventory's DescribeNetworkInterfaces, not listed a second time) are
 * matched to an instance by its subnets and security groups; where several instances share them the
 * match is ambiguous, and the instance gets no interfaces and a gap (who connected stays unknown,
 * never "nobody").
 */
export async function rdsInstances(x: ServiceContext, interfacesByRegion: ReadonlyMap<string, NetworkInterface[]>): Promise<void> {
  const instances: Array<DBInstance & { NetworkInterfaces?: Array<{ NetworkInterfaceId?: string; PrivateIpAddress?: string }> }> = []
  let listed = 0
  for (const region of x.regions) {
    x.progress(`RDS ${region}: instances`)
    const found: DBInstance[] = []
    try {
      for await (const page of paginateDescribeDBInstances({ client: x.clients.rds(region) }, {})) found.push(...(page.DBInstances ?? []))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeDBInstances', region, problem: `DescribeDBInstances in ${region}: ${why(e)} (RDS)` })
      continue
    }
    listed++
    if (found.length === 0) continue
    // RDS's own interfaces (requester-id amazon-rds), from the EC2 inventory's listing of the Region
    const listedEnis = interfacesByRegion.get(region)
    const enis = listedEnis ? listedEnis.filter((n) => n.RequesterId === 'amazon-rds') : null
    if (enis === null) {
      x.gap({
        source: 'aws.inventory',
        operation: 'DescribeNetworkInterfaces',
        region,
        problem: `RDS ${region}: the Region's network interfaces were not listed: RDS instances' interfaces unknown`
      })
    }
    const key = (subnet: string | undefined, groups: Array<string | undefined>): string => `${subnet ?? ''}|${[...groups].sort().join(',')}`
    for (const db of found) {
      const groups = (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId)
      const subnets = new Set((db.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier))
      const mine = (enis ?? []).filter(
        (n) =>
          subnets.has(n.SubnetId) &&
          key(
            n.SubnetId,
            (n.Groups ?? []).map((g) => g.GroupId)
          ) === key(n.SubnetId, groups)
      )
      // another instance in the same subnets with the same groups could own any of these interfaces
      const twins = found.filter(
        (o) =>
          o !== db &&
          key(
            '',
            (o.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId)
          ) === key('', groups) &&
          (o.DBSubnetGroup?.Subnets ?? []).some((s) => subnets.has(s.SubnetIdentifier))
      )
      const arn = db.DBInstanceArn ?? `arn:aws:rds:${region}:${x.account ?? 'unknown'}:db:${db.DBInstanceIdentifier ?? 'unknown'}`
      if (enis !== null && mine.length > 0 && twins.length === 0) {
        instances.push({ ...db, NetworkInterfaces: mine.map((n) => ({ NetworkInterfaceId: n.NetworkInterfaceId, PrivateIpAddress: n.PrivateIpAddress })) })
        continue
      }
      instances.push(db)
      if (enis !== null) {
        x.gap({
          source: 'aws.inventory',
          region,
          resource: arn,
          problem:
            twins.length > 0
              ? `RDS instance ${db.DBInstanceIdentifier}: its network interfaces cannot be told from those of ${twins.map((t) => t.DBInstanceIdentifier).join(', ')} (same subnets and security groups): who connected to it is unknown`
              : `RDS instance ${db.DBInstanceIdentifier}: no RDS network interface in its subnets with its security groups: who connected to it is unknown`
        })
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/rds-instances.json`, { DBInstances: instances })
}

const SCANNED = new Set(['COMPLETE', 'ACTIVE'])

/**
 * inventory/ecr-images.json: {"imageDetails":[DescribeImages imageDetail…]}. An image scanned but
 * without `imageScanFindingsSummary` in DescribeImages (enhanced scanning) gets the summary of
 * DescribeImageScanFindings (severity counts, completion time), one call per such image, bounded.
 */
export async function ecrImages(x: ServiceContext): Promise<void> {
  const images: ImageDetail[] = []
  let listed = 0
  let lookups = 0
  let skipped = 0
  for (const region of x.regions) {
    const ecr = x.clients.ecr(region)
    x.progress(`ECR ${region}: repositories and images`)
    const repos: Array<{ name: string; registryId?: string; arn?: string }> = []
    try {
      for await (const page of paginateDescribeRepositories({ client: ecr }, {})) {
        for (const r of page.repositories ?? []) if (r.repositoryName) repos.push({ name: r.repositoryName, registryId: r.registryId, arn: r.repositoryArn })
      }
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeRepositories', region, problem: `DescribeRepositories in ${region}: ${why(e)}` })
      continue
    }
    listed++
    for (const repo of repos) {
      const mine: ImageDetail[] = []
      try {
        for await (const page of paginateDescribeImages({ client: ecr }, { repositoryName: repo.name, registryId: repo.registryId })) mine.push(...(page.imageDetails ?? []))
      } catch (e) {
        x.gap({ source: 'aws.inventory', operation: 'DescribeImages', region, resource: repo.arn, problem: `DescribeImages ${repo.name}: ${why(e)}` })
        continue
      }
      for (const img of mine) {
        images.push(img)
        if (img.imageScanFindingsSummary || !img.imageDigest || !SCANNED.has(img.imageScanStatus?.status ?? '')) continue
        if (lookups >= x.maxScanLookups) {
          skipped++
          continue
        }
        lookups++
        try {
          const r = await ecr.send(
            new DescribeImageScanFindingsCommand({ repositoryName: repo.name, registryId: repo.registryId, imageId: { imageDigest: img.imageDigest }, maxResults: 1 })
          )
          if (r.imageScanStatus) img.imageScanStatus = r.imageScanStatus
          const f = r.imageScanFindings
          if (f)
            img.imageScanFindingsSummary = {
              imageScanCompletedAt: f.imageScanCompletedAt,
              vulnerabilitySourceUpdatedAt: f.vulnerabilitySourceUpdatedAt,
              findingSeverityCounts: f.findingSeverityCounts ?? {}
            }
        } catch (e) {
          // No scan of this image is a fact DescribeImages already gives (no summary), not a gap.
          if (errName(e) !== 'ScanNotFoundException') {
            x.gap({
              source: 'aws.inventory',
              operation: 'DescribeImageScanFindings',
              region,
              resource: `${repo.name}@${img.imageDigest}`,
              problem: `DescribeImageScanFindings ${repo.name}@${img.imageDigest}: ${why(e)}`
            })
          }
        }
      }
    }
  }
  if (skipped) {
    x.gap({
      source: 'aws.inventory',
      operation: 'DescribeImageScanFindings',
      problem: `DescribeImageScanFindings: stopped after ${x.maxScanLookups} images; the scan summaries of ${skipped} more are not collected`
    })
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/ecr-images.json`, { imageDetails: images })
}

// --- who fronts what -----------------------------------------------------------------------------

/** Where a distribution's standard logs are delivered (its DistributionConfig's Logging, when enabled). */
export interface CloudFrontLogTarget {
  distribution: string
  bucket: string
  prefix: string
}

/**
 * inventory/cloudfront-distributions.json: ListDistributions output, every page's Items together; and
 * inventory/cloudfront-distribution-configs.json: GetDistributionConfig of each (the whole configuration
 * with its Logging and the ETag an update names). Returns where the logging ones deliver their
 * standard logs, which the run then copies (collect-aws.ts).
 */
export async function cloudFrontDistributions(x: ServiceContext): Promise<CloudFrontLogTarget[]> {
  const region = await x.clients.cloudFront.config.region()
  x.progress('CloudFront: distributions')
  const items: DistributionSummary[] = []
  try {
    for await (const page of paginateListDistributions({ client: x.clients.cloudFront }, {})) items.push(...(page.DistributionList?.Items ?? []))
  } catch (e) {
    x.gap({ source: 'aws.inventory', operation: 'ListDistributions', region, problem: `ListDistributions: ${why(e)}` })
    return []
  }
  x.w.writeJson(`${x.base}/inventory/cloudfront-distributions.json`, { DistributionList: { Quantity: items.length, IsTruncated: false, Items: items } })
  const configs: unknown[] = []
  const targets: CloudFrontLogTarget[] = []
  for (const d of items) {
    if (!d.Id) continue
    try {
      const r = await x.clients.cloudFront.send(new GetDistributionConfigCommand({ Id: d.Id }))
      configs.push({ Id: d.Id, ARN: d.ARN, ETag: r.ETag, DistributionConfig: r.DistributionConfig })
      const l = r.DistributionConfig?.Logging
      // Logging.Bucket is the bucket's S3 domain name (<bucket>.s3.amazonaws.com)
      if (l?.Enabled && l.Bucket) targets.push({ distribution: d.Id, bucket: l.Bucket.replace(/\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/, ''), prefix: l.Prefix ?? '' })
    } catch (e) {
      // left out of the file: its logging and ETag are unknown, never "logging off"
      x.gap({ source: 'aws.inventory', operation: 'GetDistributionConfig', region, resource: d.ARN, problem: `GetDistributionConfig ${d.Id}: ${why(e)}` })
    }
  }
  if (items.length) x.w.writeJson(`${x.base}/inventory/cloudfront-distribution-configs.json`, { Distributions: configs })
  return targets
}

/**
 * inventory/load-balancers.json: {"LoadBalancers":[DescribeLoadBalancers item + "TargetGroups":
 * [DescribeTargetGroups item + "TargetHealthDescriptions" from DescribeTargetHealth] + "Listeners":
 * [DescribeListeners item + "Rules" from DescribeRules (HTTP listeners)] + "Attributes" from
 * DescribeLoadBalancerAttributes]}. A part that cannot be read has no key (unknown) and a gap.
 */
/** An elbv2 load balancer's listeners (the HTTP ones with their rules) and its attributes (access logs), for the HTTP-listener controls. */
async function listenersOf(x: ServiceContext, elb: ReturnType<ServiceContext['clients']['elbv2']>, region: string, lb: Record<string, unknown>): Promise<void> {
  const arn = lb.LoadBalancerArn as string | undefined
  if (!arn) return
  const listeners: Array<Record<string, unknown> & { ListenerArn?: string; Protocol?: string }> = []
  try {
    for await (const page of paginateDescribeListeners({ client: elb }, { LoadBalancerArn: arn })) listeners.push(...(page.Listeners ?? []).map((l) => ({ ...l })))
    for (const l of listeners) {
      if (l.Protocol !== 'HTTP' || !l.ListenerArn) continue
      const rules: unknown[] = []
      try {
        for await (const page of paginateDescribeRules({ client: elb }, { ListenerArn: l.ListenerArn })) rules.push(...(page.Rules ?? []))
        l.Rules = rules
      } catch (e) {
        x.gap({ source: 'aws.inventory', operation: 'DescribeRules', region, resource: l.ListenerArn, problem: `DescribeRules ${l.ListenerArn}: ${why(e)}` })
      }
    }
    lb.Listeners = listeners
  } catch (e) {
    x.gap({ source: 'aws.inventory', operation: 'DescribeListeners', region, resource: arn, problem: `DescribeListeners ${arn}: ${why(e)}` })
  }
  try {
    lb.Attributes = (await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }))).Attributes ?? []
  } catch (e) {
    x.gap({ source: 'aws.inventory', operation: 'DescribeLoadBalancerAttributes', region, resource: arn, problem: `DescribeLoadBalancerAttributes ${arn}: ${why(e)}` })
  }
}

/** Writes load-balancers.json; returns both generations' items (with their Attributes), for their access logs. */
export async function loadBalancers(x: ServiceContext): Promise<{ elbv2: Array<Record<string, unknown>>; classic: Array<Record<string, unknown>> }> {
  const lbs: Array<Record<string, unknown>> = []
  let listed = 0
  for (const region of x.regions) {
    const elb = x.clients.elbv2(region)
    x.progress(`Elastic Load Balancing ${region}: load balancers and targets`)
    const mine: Array<Record<string, unknown>> = []
    try {
      for await (const page of paginateDescribeLoadBalancers({ client: elb }, {})) mine.push(...(page.LoadBalancers ?? []).map((lb) => ({ ...lb })))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeLoadBalancers', region, problem: `DescribeLoadBalancers in ${region}: ${why(e)}` })
      continue
    }
    listed++
    for (const lb of mine) {
      lbs.push(lb)
      const arn = lb.LoadBalancerArn as string | undefined
      if (!arn) continue
      const groups: Array<Record<string, unknown> & { TargetGroupArn?: string }> = []
      try {
        for await (const page of paginateDescribeTargetGroups({ client: elb }, { LoadBalancerArn: arn })) groups.push(...(page.TargetGroups ?? []).map((tg) => ({ ...tg })))
      } catch (e) {
        // Without its target groups the load balancer's targets are unknown: no key, and a gap.
        x.gap({ source: 'aws.inventory', operation: 'DescribeTargetGroups', region, resource: arn, problem: `DescribeTargetGroups ${arn}: ${why(e)}` })
        continue
      }
      for (const tg of groups) {
        const tgArn = tg.TargetGroupArn ?? arn
        try {
          tg.TargetHealthDescriptions = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? []
        } catch (e) {
          x.gap({ source: 'aws.inventory', operation: 'DescribeTargetHealth', region, resource: tgArn, problem: `DescribeTargetHealth ${tgArn}: ${why(e)}` })
        }
      }
      lb.TargetGroups = groups
    }
    for (const lb of mine) await listenersOf(x, elb, region, lb)
  }
  const classic = await classicLoadBalancers(x)
  // each generation's key only when its listing worked: a missing key is "not collected", never "none"
  if (listed || classic)
    x.w.writeJson(`${x.base}/inventory/load-balancers.json`, { ...(listed ? { LoadBalancers: lbs } : {}), ...(classic ? { LoadBalancerDescriptions: classic } : {}) })
  return { elbv2: lbs, classic: classic ?? [] }
}

/**
 * The Classic Load Balancers (DescribeLoadBalancers items, with their ListenerDescriptions), each with
 * "Attributes" (DescribeLoadBalancerAttributes' LoadBalancerAttributes: AccessLog). Null when no
 * Region could be listed.
 */
async function classicLoadBalancers(x: ServiceContext): Promise<Array<Record<string, unknown>> | null> {
  const out: Array<Record<string, unknown>> = []
  let listed = 0
  for (const region of x.regions) {
    const elb = x.clients.elb(region)
    x.progress(`Elastic Load Balancing ${region}: Classic Load Balancers`)
    const mine: Array<Record<string, unknown>> = []
    try {
      for await (const page of paginateDescribeClassic({ client: elb }, {})) mine.push(...(page.LoadBalancerDescriptions ?? []).map((lb) => ({ ...lb })))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeLoadBalancers', region, problem: `DescribeLoadBalancers in ${region}: ${why(e)} (Classic)` })
      continue
    }
    listed++
    for (const lb of mine) {
      const name = lb.LoadBalancerName as string
      try {
        lb.Attributes = (await elb.send(new DescribeClassicAttributesCommand({ LoadBalancerName: name }))).LoadBalancerAttributes ?? {}
      } catch (e) {
        x.gap({
          source: 'aws.inventory',
          operation: 'DescribeLoadBalancerAttributes',
          region,
          resource: name,
          problem: `DescribeLoadBalancerAttributes ${name}: ${why(e)} (Classic)`
        })
      }
      out.push(lb)
    }
  }
  return listed ? out : null
}
