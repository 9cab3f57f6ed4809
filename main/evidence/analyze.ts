// Reads every file of a verified bundle with the reader for its kind and turns what they say into
// rows: coverage per source and resource, facts per resource, dependency links, timeline drafts.
// Nothing here touches the case; the store writes the result in one transaction.
import { readAccessLogFile, emptyAccessLogScan, type AccessLogScan } from './s3-access-logs'
import { parseBlobContainers, parseNetworkSecurityGroups } from '../semantics/inventory-azure'
import { emptyNsgFlowScan, readNsgFlowLogFile } from './nsg-flow-logs'
import { callersFacet, emptyCallerScan, readCallerLogFile } from './azure-resource-logs'
import { parseKeyVaults, parseSqlServers } from '../semantics/inventory-azure-data'
import {
  emptyEntraLogScan,
  entraUserFacts,
  mergeEntraLogScans,
  parseAzureRoleAssignments,
  parseDirectoryRoleAssignments,
  parseEntraUsers,
  readDirectoryAudits,
  readSignIns,
  type EntraDocuments
} from '../semantics/inventory-entra'
import {
  emptyEscalationAuditScan,
  emptyServicePrincipalSignInScan,
  escalationFacts,
  mergeEscalationAudits,
  mergeServicePrincipalSignIns,
  parseEntraAppRoleAssignments,
  parseEntraApplications,
  parseEntraGroups,
  parseEntraServicePrincipals,
  readEscalationAudits,
  readServicePrincipalSignIns,
  type EscalationDocuments
} from '../semantics/inventory-entra-apps'
import { emptyAzureActivityScan, emptyStorageLogScan, readActivityLogFile, readStorageLogFile } from './azure-logs'
import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import { IamAuthorization, IamVirtualMfaDevices } from '../semantics/inventory-iam'
import { ITEMISED_PORTS } from '../semantics/port-sets'
import type { BundleFile, VerifiedBundle } from '../semantics/bundle'
import { type CancelSignal, stopIfCancelled } from './cancel'
import { scanCloudTrailFiles } from './cloudtrail-pool'
import { CloudTrailAggregator, type CloudTrailScan, type FileOutcome } from './cloudtrail-scan'
import { parseQueryDocument, scanFromAnswers, storeLabel } from './cloudtrail-answers'
import { type CoverageDetail, emptyDetail, hoursToRuns, mergeRuns } from '../semantics/coverage'
import { obj, requireArray, str } from '../semantics/cloud-output'
import { readDocumentText, readJsonDocument } from './documents'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'
import { scanCloudFrontLog } from '../semantics/cloudfront-logs'
import { CloudFrontConfigsFile } from '../semantics/inventory-cloudfront'
import { parseRbac, scanAudit } from '../semantics/kubernetes-rbac'
import { parseTerraformState } from '../semantics/terraform-state'
import { parseWorkloads } from '../semantics/kubernetes-workloads'
import { parseCapacity, parseRangeQuery, parseStatsSummary } from '../semantics/kubernetes-usage'
import { parseImages } from '../semantics/kubernetes-images'
import { parseAksClusters } from '../semantics/kubernetes-api'
import type { TimelineDraft } from './drafts'
import { accountResource, ec2Arn, eniKey, parseArn, s3BucketArn, streamKey, subscriptionId } from '../semantics/ids'
import {
  type CredentialReportFact,
  type Fronting,
  type InstanceItem,
  type MetricSeries,
  type RunningImage,
  type SecurityGroupItem,
  type NetworkInterfaceItem,
  type S3BucketItem,
  ebsEncryption,
  openToInternet,
  parseCloudFront,
  readCredentialReport,
  parseEcrImages,
  parseEcsTasks,
  parseEksClusters,
  parseRdsInstances,
  type RdsInstanceItem,
  parseEksPods,
  parseInstances,
  parseLoadBalancers,
  parseMetrics,
  parseS3Account,
  parseS3Buckets,
  parseSecurityGroups,
  parseNetworkInterfaces,
  parseStorageAccounts,
  publicAclGrants,
  publicPolicyStatements,
  type EcrImage,
  type AzureStorageAccount
} from '../semantics/inventory-items'
import type { AdminFlow, FacetMap, FacetName, PeerFlow } from '../semantics/facets'
import type { EvidenceLimits } from '../semantics/limits'
import { parseTrails, type TrailItem } from '../semantics/trail-selectors'
import { hourOf, isoDay, parseTime } from '../semantics/time'
import { emptyFlowLogScan, readFlowLogFile, type FlowLogScan } from './vpc-flow-logs'
import { elbAccessFacet, emptyElbAccessLogScan, readElbAccessLogFile, type ElbAccessLogScan } from './elb-access-logs'
import { ClassicLoadBalancer, Elbv2LoadBalancer, classicConfig, classicRegion, elbArnOf, elbv2Config } from '../semantics/load-balancer'
import { parseResourcePolicyFile } from '../semantics/inventory-resource-policies'
import { parseRouteTables, parseSubnets, routeTableArn, subnetArn } from '../semantics/inventory-ec2-network'
import {
  autoScalingGroupKey,
  launchConfigurationKey,
  launchTemplateKey,
  parseAutoScalingGroups,
  parseLaunchConfigurations,
  parseLaunchTemplateVersions
} from '../semantics/inventory-ec2-launchers'
import type { PolicyService } from '../semantics/iam-policy'
import { callersOf } from './cloudtrail-calls'
import { scanDomainAudit, type DomainAudit } from '../semantics/opensearch-audit'

const RESOURCE_POLICY_KINDS: Record<string, PolicyService> = {
  'aws.inventory.lambda-functions': 'lambda',
  'aws.inventory.sqs-queues': 'sqs',
  'aws.inventory.sns-topics': 'sns',
  'aws.inventory.kms-keys': 'kms',
  'aws.inventory.opensearch-domains': 'opensearch'
}

interface FileResult {
  status: 'read' | 'problem' | 'ignored'
  place: string | null
  problem: string | null
  records: number
  first: number | null
  last: number | null
}

interface CoverageRow {
  source: string
  resourceId: string
  first: number | null
  last: number | null
  records: number
  detail: CoverageDetail
}

interface FactRow {
  resourceId: string
  facet: FacetName
  value: unknown
  /** bundle paths */
  evidence: string[]
}

interface LinkRow {
  kind: string
  from: string
  to: string
  detail: string
  evidence: string[]
}

export interface BundleAnalysis {
  files: Map<string, FileResult>
  coverage: CoverageRow[]
  facts: FactRow[]
  links: LinkRow[]
  drafts: TimelineDraft[]
}

export interface AnalyzeOptions {
  limits: EvidenceLimits
  /** bundle paths whose bytes are already in the case (read then, not again) */
  skip?: ReadonlySet<string>
  /** CloudTrail worker threads (default: one per core; 0: this thread) */
  threads?: number
  onProgress?: (message: string) => void
  /** stop between files and phases when set: nothing was written yet, so nothing is undone */
  signal?: CancelSignal
}

/** The Azure inventory documents (storage-accounts.json first: the others name its accounts). */
const AZURE_DOCUMENTS = new Set(['azure.storage-accounts', 'azure.blob-containers', 'azure.network-security-groups', 'azure.aks-clusters', 'azure.sql-servers', 'azure.key-vaults'])

/** Everything a bundle says, as rows. Unreadable files become problems and gaps, never a throw. */
export async function analyzeBundle(bundle: VerifiedBundle, opts: AnalyzeOptions): Promise<BundleAnalysis> {
  const { limits } = opts
  const stop = (): void => stopIfCancelled(opts.signal, `${bundle.root}: cancelled while reading the bundle; nothing was added to the case`)
  const a = new Analysis(bundle, limits)
  const todo = bundle.files.filter((f) => !opts.skip?.has(f.path))
  for (const f of bundle.files) {
    if (f.kind === 'unknown' || f.kind === 'aws.cloudtrail-digest') a.result(f.path, { status: 'ignored', place: null, problem: null, records: 0, first: null, last: null })
  }
  const byKind = (k: string): BundleFile[] => todo.filter((f) => f.kind === k)

  // Inventories first: the logs' resources are resolved against them. Within them, what others
  // resolve against comes first (a CloudFront origin naming an instance's public DNS name, a
  // metric naming an instance), whatever the order of the paths.
  const FIRST: readonly string[] = [
    'aws.inventory.ec2-instances',
    'aws.inventory.security-groups',
    'aws.inventory.network-interfaces',
    'aws.inventory.s3-buckets',
    'azure.storage-accounts'
  ]
  const rank = (k: string): number => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length)
  const documents = todo.filter((f) => f.kind.startsWith('aws.inventory.') || f.kind === 'aws.trails' || f.kind === 'aws.cloudwatch-metrics' || AZURE_DOCUMENTS.has(f.kind))
  for (const f of documents.map((d, i) => ({ d, i })).sort((x, y) => rank(x.d.kind) - rank(y.d.kind) || x.i - y.i)) {
    stop()
    await a.document(f.d)
  }

  const ct = byKind('aws.cloudtrail')
  if (ct.length) {
    opts.onProgress?.(`CloudTrail: scanning ${ct.length} files`)
    const scan = await scanCloudTrailFiles(
      ct.map((f) => ({ abs: f.abs, file: f.path })),
      { source: 'aws.cloudtrail', limits, threads: opts.threads, signal: opts.signal, onFile: (_f, _r, done, total) => opts.onProgress?.(`CloudTrail: ${done}/${total} files`) }
    ).catch((e: unknown) => {
      stop() // a cancel in the pool is said as the bundle's
      throw e
    })
    a.cloudTrail(scan)
  }
  for (const f of byKind('aws.cloudtrail-query')) {
    stop()
    await a.queryFile(f)
  }
  const lookup = byKind('aws.cloudtrail-lookup')
  if (lookup.length) {
    const agg = new CloudTrailAggregator('aws.cloudtrail-lookup', limits)
    for (const f of lookup) {
      stop()
      await a.lookupFile(agg, f)
    }
    a.cloudTrail(agg.scan)
  }
  const access = emptyAccessLogScan(limits)
  if (byKind('aws.s3-access-logs').length) opts.onProgress?.('S3 access logs')
  for (const f of byKind('aws.s3-access-logs')) {
    stop()
    await readAccessLogFile(access, f.abs, f.path, limits, f.bucket)
  }
  a.accessLogs(access)
  const flows = emptyFlowLogScan(limits)
  if (byKind('aws.vpc-flow-logs').length) opts.onProgress?.('VPC flow logs')
  for (const f of byKind('aws.vpc-flow-logs')) {
    stop()
    await readFlowLogFile(flows, f.abs, f.path, limits)
  }
  a.flowLogs(flows)
  const elbLogs = emptyElbAccessLogScan()
  if (byKind('aws.elb-access-logs').length) opts.onProgress?.('Load balancer access logs')
  for (const f of byKind('aws.elb-access-logs')) {
    stop()
    await readElbAccessLogFile(elbLogs, f.abs, f.path, limits, f.scope ?? 'unknown')
  }
  a.elbAccessLogs(elbLogs)
  const activity = emptyAzureActivityScan(limits)
  for (const f of byKind('azure.activity-log')) {
    stop()
    await readActivityLogFile(activity, f.abs, f.path, limits, f.scope ?? '')
  }
  a.azureActivity(activity)
  const storage = emptyStorageLogScan(limits)
  for (const f of byKind('azure.storage-logs')) {
    stop()
    await readStorageLogFile(storage, f.abs, f.path, limits)
  }
  a.storageLogs(storage)
  const nsgFlows = emptyNsgFlowScan(limits)
  if (byKind('azure.nsg-flow-logs').length) opts.onProgress?.('NSG flow logs')
  for (const f of byKind('azure.nsg-flow-logs')) {
    stop()
    await readNsgFlowLogFile(nsgFlows, f.abs, f.path, limits)
  }
  a.nsgFlowLogs(nsgFlows)
  for (const [kind, what] of [
    ['azure.sql-audit-logs', 'SQL audit logs'],
    ['azure.keyvault-logs', 'Key Vault logs']
  ] as const) {
    const callers = emptyCallerScan(kind, limits)
    if (byKind(kind).length) opts.onProgress?.(what)
    for (const f of byKind(kind)) {
      stop()
      await readCallerLogFile(callers, f.abs, f.path, limits)
    }
    a.callerLogs(callers)
  }
  for (const f of byKind('aws.cloudfront-logs')) {
    stop()
    await a.cloudFrontLog(f)
  }
  for (const f of [
    ...byKind('kubernetes.rbac'),
    ...byKind('kubernetes.audit'),
    ...byKind('kubernetes.workloads'),
    ...byKind('kubernetes.metrics'),
    ...byKind('kubernetes.capacity'),
    ...byKind('kubernetes.stats'),
    ...byKind('kubernetes.images')
  ]) {
    stop()
    await a.kubernetes(f)
  }
  for (const f of byKind('iac.terraform-state')) {
    stop()
    await a.terraformState(f)
  }
  for (const f of byKind('aws.opensearch-audit')) {
    stop()
    await a.opensearchAudit(f)
  }
  stop()
  const entra = byKind('azure.entra')
  if (entra.length) await a.entra(entra)
  a.finish()
  return a.output()
}

class Analysis {
  readonly files = new Map<string, FileResult>()
  readonly coverage = new Map<string, CoverageRow>()
  readonly facts: FactRow[] = []
  readonly links = new Map<string, LinkRow>()
  readonly drafts: TimelineDraft[] = []
  readonly collectedAt: number
  readonly window: { from: number; to: number } | null

  // inventory, for resolving what the logs name
  readonly instances = new Map<string, InstanceItem>() // by instance id
  readonly enis = new Map<string, { instance: InstanceItem; groups: string[] }>() // by eni id
  readonly sgRegion = new Map<string, string>() // sg id → region
  readonly users = new Map<string, CredentialReportFact>() // by account/name
  readonly bucketRegion = new Map<string, string>()
  readonly trails: TrailItem[] = []
  readonly regionsByAccount = new Map<string, string[]>()
  readonly azureAccounts = new Map<string, string>() // storage account name → id

  constructor(
    readonly bundle: VerifiedBundle,
    readonly limits: EvidenceLimits
  ) {
    this.collectedAt = parseTime(bundle.manifest.collectedAt)
    const w = bundle.manifest.window
    const from = w ? parseTime(w.from) : NaN
    const to = w ? parseTime(w.to) : NaN
    this.window = Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null
    for (const s of bundle.manifest.scopes ?? []) {
      if (s.account && s.regions) this.regionsByAccount.set(s.account, s.regions)
    }
  }

  result(path: string, r: FileResult): void {
    this.files.set(path, r)
  }

  private ok(path: string, records: number, first: number | null = null, last: number | null = null): void {
    this.files.set(path, { status: 'read', place: null, problem: null, records, first, last })
  }

  /**
   * A Kubernetes cluster's rbac.json or audit file: read by its playbook's steps from the file
   * (main/semantics/kubernetes-rbac.ts); checked here so a bad file is said when the bundle is added.
   */
  async kubernetes(f: BundleFile): Promise<void> {
    try {
      const text = await readDocumentText(f.abs, f.path, this.limits)
      if (f.kind === 'kubernetes.rbac') {
        const r = parseRbac(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        this.ok(f.path, r.value.roles.length + r.value.bindings.length)
        return
      }
      if (f.kind === 'kubernetes.metrics') {
        const r = parseRangeQuery(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        let first: number | null = null
        let last: number | null = null
        for (const s of r.value)
          for (const [t] of s.samples) {
            if (first === null || t * 1000 < first) first = t * 1000
            if (last === null || t * 1000 > last) last = t * 1000
          }
        this.ok(f.path, r.value.length, first, last)
        return
      }
      if (f.kind === 'kubernetes.stats') {
        const r = parseStatsSummary(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        this.ok(f.path, r.value.length)
        return
      }
      if (f.kind === 'kubernetes.capacity') {
        const r = parseCapacity(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        this.ok(f.path, r.value.nodes.length + r.value.quotas.length + r.value.limitRanges.length)
        return
      }
      if (f.kind === 'kubernetes.images') {
        const r = parseImages(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        this.ok(f.path, r.value.size)
        return
      }
      if (f.kind === 'kubernetes.workloads') {
        const r = parseWorkloads(text, f.path)
        if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
        this.ok(f.path, r.value.workloads.length + r.value.serviceAccounts.size)
        return
      }
      const scan = scanAudit(text, f.path)
      let first: number | null = null
      let last: number | null = null
      for (const e of scan.events) {
        const t = Date.parse(e.stageTimestamp)
        if (Number.isNaN(t)) continue
        if (first === null || t < first) first = t
        if (last === null || t > last) last = t
      }
      if (scan.problems.length)
        this.bad(
          { file: f.path, place: '', problem: `${scan.problems.length} unreadable line(s), the first ${scan.problems[0].slice(f.path.length + 2)}` },
          scan.events.length,
          first,
          last
        )
      else this.ok(f.path, scan.events.length, first, last)
    } catch (e) {
      this.bad(problemOf(e, f.path))
    }
  }

  /**
   * An OpenSearch domain's audit log file (opensearch-audit/<domain>/…): read by the OpenSearch
   * playbook's steps from the file (main/semantics/opensearch-audit.ts); checked here so a bad line
   * is a problem when the bundle is added, with the span of time it holds.
   */
  async opensearchAudit(f: BundleFile): Promise<void> {
    try {
      const scan: DomainAudit = { requests: [], days: new Set(), problems: [], unread: [], files: [] }
      scanDomainAudit(await readDocumentText(f.abs, f.path, this.limits), f.path, scan)
      const times = scan.requests.map((r) => r.time)
      const first = times.length ? Math.min(...times) : null
      const last = times.length ? Math.max(...times) : null
      if (scan.problems.length)
        this.bad(
          { file: f.path, place: '', problem: `${scan.problems.length} unreadable line(s), the first ${scan.problems[0].slice(f.path.length + 1)}` },
          scan.requests.length,
          first,
          last
        )
      else this.ok(f.path, scan.requests.length, first, last)
    } catch (e) {
      this.bad(problemOf(e, f.path))
    }
  }

  /**
   * A CloudFront standard log file (cloudfront-logs/<distribution id>/…): read by the viewer-protocol
   * playbook's steps from the file (main/semantics/cloudfront-logs.ts); read here line by line, as a
   * stream, so a bad file is said when the bundle is added and the file's span is known.
   */
  async cloudFrontLog(f: BundleFile): Promise<void> {
    try {
      const d = await openDecoded(f.abs, f.path, this.limits)
      let first: number | null = null
      let last: number | null = null
      let records = 0
      const problems: string[] = []
      let header = ''
      await forEachLine(d.chunks, f.path, this.limits, (line) => {
        // one line at a time through the same reader as the steps: the #Fields line first, then requests
        if (line.startsWith('#')) {
          header += `${line}\n`
          return
        }
        problems.push(
          ...scanCloudFrontLog(`${header}${line}`, f.path, (r) => {
            records++
            const t = Date.parse(`${r.day}T${r.time}Z`)
            if (Number.isNaN(t)) return
            if (first === null || t < first) first = t
            if (last === null || t > last) last = t
          })
        )
      })
      if (problems.length)
        this.bad({ file: f.path, place: '', problem: `${problems.length} unreadable line(s), the first ${problems[0].slice(f.path.length + 2)}` }, records, first, last)
      else this.ok(f.path, records, first, last)
    } catch (e) {
      this.bad(problemOf(e, f.path))
    }
  }

  /**
   * A Terraform state (iac/terraform-state/<name>.json): read by the IaC twin step from the file
   * (main/controls/iac-twin.ts); checked here so a bad file is said when the bundle is added.
   */
  async terraformState(f: BundleFile): Promise<void> {
    try {
      const r = parseTerraformState(await readDocumentText(f.abs, f.path, this.limits), f.path)
      if (!r.ok) throw new BadEvidence(f.path, '', r.why.slice(f.path.length + 2))
      this.ok(f.path, r.value.resources.length)
    } catch (e) {
      this.bad(problemOf(e, f.path))
    }
  }

  private bad(p: FileProblem, records = 0, first: number | null = null, last: number | null = null): void {
    this.files.set(p.file, { status: 'problem', place: p.place || null, problem: p.problem, records, first, last })
  }

  /** One facet of a resource, in the shape main/semantics/facets.ts declares for it. */
  fact<K extends FacetName>(resourceId: string, facet: K, value: FacetMap[K], evidence: Iterable<string>): void {
    this.facts.push({ resourceId, facet, value, evidence: [...new Set(evidence)] })
  }

  link(kind: string, from: string, to: string, detail: string, evidence: string): void {
    const k = `${kind}\n${from}\n${to}`
    const prev = this.links.get(k)
    if (prev) {
      if (!prev.evidence.includes(evidence)) prev.evidence.push(evidence)
    } else this.links.set(k, { kind, from, to, detail, evidence: [evidence] })
  }

  cov(source: string, resourceId: string): CoverageRow {
    const k = `${source}\n${resourceId}`
    let row = this.coverage.get(k)
    if (!row) this.coverage.set(k, (row = { source, resourceId, first: null, last: null, records: 0, detail: emptyDetail() }))
    return row
  }

  private span(row: CoverageRow, first: number | null, last: number | null, records: number, hours: Iterable<number>, files: Iterable<string>): void {
    if (first !== null) row.first = row.first === null ? first : Math.min(row.first, first)
    if (last !== null) row.last = row.last === null ? last : Math.max(row.last, last)
    row.records += records
    row.detail.runs = mergeRuns(row.detail.runs, hoursToRuns(hours))
    row.detail.files = [...new Set([...row.detail.files, ...files])]
  }

  private draft(d: Omit<TimelineDraft, 'raw'> & { raw?: string | null }): void {
    this.drafts.push({ raw: null, ...d })
  }

  /** One region to file an AWS resource under when the document does not say (single-region scope). */
  private soleRegion(account: string): string | null {
    const r = this.regionsByAccount.get(account)
    return r && r.length === 1 ? r[0] : null
  }

  // --- documents ------------------------------------------------------------------------------

  async document(f: BundleFile): Promise<void> {
    const account = f.scope ?? 'unknown'
    try {
      if (f.kind === 'aws.inventory.iam-credential-report') {
        const rows = readCredentialReport(await readDocumentText(f.abs, f.path, this.limits), f.path)
        this.credentialReport(rows, f, account)
        this.ok(f.path, rows.length)
        return
      }
      const value = await readJsonDocument(f.abs, f.path, this.limits)
      let n = 0
      switch (f.kind) {
        case 'aws.inventory.s3-buckets':
          n = this.s3Buckets(parseS3Buckets(value, f.path, account), f)
          break
        case 'aws.inventory.s3-account': {
          this.fact(accountResource(account), 'account.s3-pab', { publicAccessBlock: parseS3Account(value) }, [f.path])
          n = 1
          break
        }
        case 'aws.inventory.ec2-instances':
          n = this.ec2(parseInstances(value, f.path, account), f)
          break
        case 'aws.inventory.security-groups':
          n = this.securityGroups(parseSecurityGroups(value, f.path, account), f)
          break
        case 'aws.inventory.network-interfaces':
          n = this.networkInterfaces(parseNetworkInterfaces(value, f.path, account), f)
          break
        case 'aws.inventory.ebs-encryption': {
          const regions = ebsEncryption(value, f.path)
          this.fact(accountResource(account), 'account.ebs-encryption', { regions }, [f.path])
          n = Object.keys(regions).length
          break
        }
        case 'aws.inventory.ecs-tasks':
          n = this.running(parseEcsTasks(value, f.path), f)
          break
        case 'aws.inventory.eks-pods':
          n = this.running(parseEksPods(value, f.path), f)
          break
        case 'aws.inventory.eks-clusters':
          for (const c of parseEksClusters(value, f.path)) {
            const { file: _f, ...config } = c
            this.fact(c.arn, 'eks.cluster', config, [f.path])
            n++
          }
          break
        case 'aws.inventory.rds-instances':
          n = this.rds(parseRdsInstances(value, f.path, account), f)
          break
        case 'aws.inventory.route-tables':
          for (const t of parseRouteTables(value, f.path, account, this.soleRegion(account))) {
            this.fact(routeTableArn(t.region, t.account, t.id), 'ec2.route-table', t, [f.path])
            n++
          }
          break
        case 'aws.inventory.subnets':
          for (const t of parseSubnets(value, f.path, account, this.soleRegion(account))) {
            this.fact(subnetArn(t.region, t.account, t.id), 'ec2.subnet', t, [f.path])
            n++
          }
          break
        case 'aws.inventory.auto-scaling-groups':
          for (const g of parseAutoScalingGroups(value, f.path, account, this.soleRegion(account))) {
            this.fact(autoScalingGroupKey(g.region, g.account, g.name), 'autoscaling.group', g, [f.path])
            n++
          }
          break
        case 'aws.inventory.launch-configurations':
          for (const c of parseLaunchConfigurations(value, f.path, account, this.soleRegion(account))) {
            this.fact(launchConfigurationKey(c.region, c.account, c.name), 'autoscaling.launch-configuration', c, [f.path])
            n++
          }
          break
        case 'aws.inventory.launch-template-versions':
          for (const t of parseLaunchTemplateVersions(value, f.path, account, this.soleRegion(account))) {
            this.fact(launchTemplateKey(t.region, t.account, t.id), 'ec2.launch-template', t, [f.path])
            n += t.versions.length
          }
          break
        case 'aws.inventory.iam-authorization': {
          // read by the IAM policy steps from the file itself; checked here so a bad file is a coverage problem
          const r = IamAuthorization.safeParse(value)
          if (!r.success) throw new BadEvidence(f.path, r.error.issues[0].path.join('.'), `not GetAccountAuthorizationDetails output: ${r.error.issues[0].message}`)
          n = r.data.Policies.length
          break
        }
        case 'aws.inventory.iam-virtual-mfa-devices': {
          // read by aws.iam.root-hardware-mfa from the file itself; checked here so a bad file is a coverage problem
          const r = IamVirtualMfaDevices.safeParse(value)
          if (!r.success) throw new BadEvidence(f.path, r.error.issues[0].path.join('.'), `not ListVirtualMFADevices output: ${r.error.issues[0].message}`)
          n = r.data.VirtualMFADevices.length
          break
        }
        case 'aws.inventory.ecr-images':
          n = this.ecr(parseEcrImages(value, f.path))
          break
        case 'aws.inventory.cloudfront-configs': {
          // read by the viewer-protocol playbook from the file itself; checked here so a bad file is a coverage problem
          const r = CloudFrontConfigsFile.safeParse(value)
          if (!r.success) throw new BadEvidence(f.path, r.error.issues[0].path.join('.'), `not GetDistributionConfig output: ${r.error.issues[0].message}`)
          n = r.data.Distributions.length
          break
        }
        case 'aws.inventory.cloudfront-distributions':
          n = this.fronting(parseCloudFront(value, f.path), account)
          break
        case 'aws.inventory.load-balancers':
          n = this.fronting(parseLoadBalancers(value, f.path), account)
          this.elbv2(value, f)
          this.elbClassic(value, f, account)
          break
        case 'aws.inventory.lambda-functions':
        case 'aws.inventory.sqs-queues':
        case 'aws.inventory.sns-topics':
        case 'aws.inventory.kms-keys':
        case 'aws.inventory.opensearch-domains':
          n = this.resourcePolicies(RESOURCE_POLICY_KINDS[f.kind], value, f)
          break
        case 'aws.trails': {
          const trails = parseTrails(value, f.path, account)
          this.trails.push(...trails)
          this.fact(accountResource(account), 'account.trails', { trails: trails.map(({ file: _f, ...t }) => t) }, [f.path])
          n = trails.length
          break
        }
        case 'aws.cloudwatch-metrics':
          n = this.metrics(parseMetrics(value, f.path), f)
          break
        case 'azure.storage-accounts':
          n = this.storageAccounts(parseStorageAccounts(value, f.path))
          break
        case 'azure.network-security-groups':
          for (const g of parseNetworkSecurityGroups(value, f.path)) {
            const { file: _f, ...config } = g
            this.fact(g.id, 'azure.nsg.config', config, [f.path])
            n++
          }
          break
        case 'azure.sql-servers':
          for (const s of parseSqlServers(value, f.path)) {
            const { file: _f, ...config } = s
            this.fact(s.id, 'azure.sql.config', config, [f.path])
            n++
          }
          break
        case 'azure.key-vaults':
          for (const v of parseKeyVaults(value, f.path)) {
            const { file: _f, ...config } = v
            this.fact(v.id, 'azure.keyvault.config', config, [f.path])
            n++
          }
          break
        case 'azure.aks-clusters':
          for (const c of parseAksClusters(value, f.path)) {
            this.fact(c.id, 'aks.cluster', c, [f.path])
            n++
          }
          break
        case 'azure.blob-containers': {
          const { account: id, ...facet } = parseBlobContainers(value, f.path, (name) => this.azureAccounts.get(name) ?? null)
          this.fact(id, 'azure.storage.containers', facet, [f.path])
          n = facet.containers.length
          break
        }
      }
      this.ok(f.path, n)
      this.inventoryCoverage(f, null)
    } catch (e) {
      const p = problemOf(e, f.path)
      this.bad(p)
      this.inventoryCoverage(f, p)
    }
  }

  /** The Entra ID (Graph) and Azure RBAC files, read together into one `azure.entra.user` facet per user (../semantics/inventory-entra.ts). */
  async entra(files: BundleFile[]): Promise<void> {
    const d: EntraDocuments = { users: null, directoryRoles: null, azureRoles: null, signIns: null, audits: null }
    // the application escalation path's files (../semantics/inventory-entra-apps.ts)
    const e: Omit<EscalationDocuments, 'users' | 'directoryRoles' | 'azureRoles'> = {
      applications: null,
      servicePrincipals: null,
      appRoleAssignments: null,
      groups: null,
      audits: null,
      spSignIns: null
    }
    const read: string[] = []
    const union = <T extends { id: string }>(a: T[] | null, b: T[]): T[] => [...(a ?? []), ...b.filter((x) => !a?.some((y) => y.id === x.id))]
    for (const f of files) {
      try {
        const doc = await readJsonDocument(f.abs, f.path, this.limits)
        let n: number
        if (f.path.endsWith('/entra/users.json')) n = (d.users = union(d.users, parseEntraUsers(doc, f.path))).length
        else if (f.path.endsWith('/entra/applications.json')) n = (e.applications = union(e.applications, parseEntraApplications(doc, f.path))).length
        else if (f.path.endsWith('/entra/service-principals.json')) n = (e.servicePrincipals = union(e.servicePrincipals, parseEntraServicePrincipals(doc, f.path))).length
        else if (f.path.endsWith('/entra/app-role-assignments.json')) n = (e.appRoleAssignments = union(e.appRoleAssignments, parseEntraAppRoleAssignments(doc, f.path))).length
        else if (f.path.endsWith('/entra/groups.json')) n = (e.groups = union(e.groups, parseEntraGroups(doc, f.path))).length
        else if (f.path.endsWith('/entra/service-principal-sign-ins.json')) {
          const scan = emptyServicePrincipalSignInScan()
          n = readServicePrincipalSignIns(scan, doc, f.path)
          e.spSignIns = mergeServicePrincipalSignIns(e.spSignIns, scan)
        } else if (f.path.endsWith('/entra/directory-role-assignments.json')) n = (d.directoryRoles = union(d.directoryRoles, parseDirectoryRoleAssignments(doc, f.path))).length
        else if (f.path.endsWith('/role-assignments.json')) n = (d.azureRoles = union(d.azureRoles, parseAzureRoleAssignments(doc, f.path))).length
        else {
          // read whole or not at all: a file refused halfway adds no day and no record
          const scan = emptyEntraLogScan()
          const signIns = f.path.endsWith('/entra/sign-ins.json')
          n = signIns ? readSignIns(scan, doc, f.path) : readDirectoryAudits(scan, doc, f.path)
          if (!signIns) {
            const ops = emptyEscalationAuditScan()
            readEscalationAudits(ops, doc, f.path)
            e.audits = mergeEscalationAudits(e.audits, ops)
          }
          if (signIns) d.signIns = mergeEntraLogScans(d.signIns, scan)
          else d.audits = mergeEntraLogScans(d.audits, scan)
        }
        this.ok(f.path, n)
        this.inventoryCoverage(f, null)
        read.push(f.path)
      } catch (e) {
        const p = problemOf(e, f.path)
        this.bad(p)
        this.inventoryCoverage(f, p)
      }
    }
    for (const [id, facet] of entraUserFacts(d)) this.fact(id, 'azure.entra.user', facet, read)
    for (const [id, facet] of escalationFacts({ ...e, users: d.users, directoryRoles: d.directoryRoles, azureRoles: d.azureRoles }))
      this.fact(id, 'azure.entra.escalation', facet, read)
  }

  private inventoryCoverage(f: BundleFile, p: FileProblem | null): void {
    const source = f.provider === 'azure' ? 'azure.inventory' : 'aws.inventory'
    const scope = f.provider === 'azure' ? subscriptionId(f.scope ?? 'unknown') : accountResource(f.scope ?? 'unknown')
    const row = this.cov(source, scope)
    if (p) row.detail.problems.push(p)
    else {
      row.records++
      row.detail.notes.push(`${f.kind.replace(/^aws\.inventory\.|^azure\./, '')} present`)
    }
    row.detail.files.push(f.path)
    if (Number.isFinite(this.collectedAt)) {
      row.first = row.last = this.collectedAt
      row.detail.runs = hoursToRuns([hourOf(this.collectedAt)])
    }
  }

  private s3Buckets(items: S3BucketItem[], f: BundleFile): number {
    for (const b of items) {
      const id = s3BucketArn(b.name, b.region)
      if (b.region) this.bucketRegion.set(b.name, b.region)
      const pol = publicPolicyStatements(b.policy)
      const { file: _f, ...config } = b
      // A part the collector could not read stays without a key (unknown), and so do the
      // conclusions drawn from it: no "policyPublic: []" for a policy nobody saw.
      this.fact(
        id,
        's3.config',
        {
          ...config,
          ...(b.policy === undefined ? {} : { policyPublic: pol.statements, policyError: pol.error }),
          ...(b.acl === undefined ? {} : { aclPublic: publicAclGrants(b.acl) })
        },
        [f.path]
      )
      const t = b.creationDate ? parseTime(b.creationDate) : NaN
      if (Number.isFinite(t)) {
        this.draft({
          time: t,
          source: 'aws.inventory',
          actor: 'unknown',
          action: 'CreateBucket',
          resource: id,
          summary: `bucket ${b.name} created (inventory creation date)`,
          file: f.path,
          place: `bucket ${b.name}`
        })
      }
    }
    return items.length
  }

  /** Functions, queues, topics, keys: one `resource-policy.config` fact each; an element that cannot be read is a problem of the file. */
  private resourcePolicies(service: PolicyService, value: unknown, f: BundleFile): number {
    const { items, problems } = parseResourcePolicyFile(service, value, f.path)
    for (const r of items) this.fact(r.arn, 'resource-policy.config', r, [f.path])
    if (problems.length) throw new BadEvidence(f.path, '', `${problems.length} element(s) could not be read (${problems.slice(0, 3).join('; ')}); the ${items.length} others were`)
    return items.length
  }

  private rds(items: RdsInstanceItem[], f: BundleFile): number {
    for (const d of items) {
      const region = d.region ?? this.soleRegion(d.account) ?? 'unknown'
      const arn = d.arn ?? `arn:aws:rds:${region}:${d.account}:db:${d.identifier}`
      const { file: _f, ...config } = d
      this.fact(arn, 'rds.config', { ...config, region, arn }, [f.path])
      for (const g of d.securityGroups)
        this.link('instance-uses-security-group', arn, ec2Arn(region, d.account, 'security-group', g), `DB instance ${d.identifier} is in ${g}`, f.path)
      for (const e of d.enis ?? []) {
        this.link('interface-of-instance', eniKey(d.account, e.id), arn, `${e.id} is an interface of DB instance ${d.identifier}`, f.path)
        for (const g of d.securityGroups)
          this.link('interface-uses-security-group', eniKey(d.account, e.id), ec2Arn(region, d.account, 'security-group', g), `${e.id} is in ${g}`, f.path)
      }
    }
    return items.length
  }

  private ec2(items: InstanceItem[], f: BundleFile): number {
    for (const i of items) {
      const region = i.region ?? this.soleRegion(i.account) ?? 'unknown'
      const id = ec2Arn(region, i.account, 'instance', i.instanceId)
      this.instances.set(i.instanceId, { ...i, region })
      const { file: _f, ...config } = i
      this.fact(id, 'ec2.config', { ...config, region }, [f.path])
      for (const g of i.securityGroups) {
        this.sgRegion.set(g, region)
        this.link('instance-uses-security-group', id, ec2Arn(region, i.account, 'security-group', g), `instance ${i.instanceId} is in ${g}`, f.path)
      }
      if (i.instanceProfileArn) this.link('instance-uses-instance-profile', id, i.instanceProfileArn, `instance ${i.instanceId} runs with ${i.instanceProfileArn}`, f.path)
      for (const e of i.enis) {
        this.enis.set(e.id, { instance: { ...i, region }, groups: e.groups })
        this.link('interface-of-instance', eniKey(i.account, e.id), id, `${e.id} is attached to ${i.instanceId}`, f.path)
        for (const g of e.groups) this.link('interface-uses-security-group', eniKey(i.account, e.id), ec2Arn(region, i.account, 'security-group', g), `${e.id} is in ${g}`, f.path)
      }
      const t = i.launchTime ? parseTime(i.launchTime) : NaN
      if (Number.isFinite(t)) {
        this.draft({
          time: t,
          source: 'aws.inventory',
          actor: 'unknown',
          action: 'LaunchInstance',
          resource: id,
          summary: `instance ${i.instanceId} launched (${i.state ?? 'state unknown'} at collection)`,
          file: f.path,
          place: `instance ${i.instanceId}`
        })
      }
    }
    return items.length
  }

  /** Every interface with its groups: those of Lambda, RDS, load balancers and endpoints too. */
  private networkInterfaces(items: NetworkInterfaceItem[], f: BundleFile): number {
    for (const n of items) {
      const region = n.region ?? this.soleRegion(n.account) ?? 'unknown'
      const key = eniKey(n.account, n.eni)
      const { file: _f, ...config } = n
      this.fact(key, 'eni.config', { ...config, region }, [f.path])
      const what = n.instanceId ?? n.description ?? n.type ?? 'an interface'
      for (const g of n.groups)
        this.link('interface-uses-security-group', key, ec2Arn(this.sgRegion.get(g) ?? region, n.account, 'security-group', g), `${n.eni} (${what}) is in ${g}`, f.path)
      if (n.instanceId && !this.enis.has(n.eni))
        this.link('interface-of-instance', key, ec2Arn(region, n.account, 'instance', n.instanceId), `${n.eni} is attached to ${n.instanceId}`, f.path)
    }
    return items.length
  }

  private securityGroups(items: SecurityGroupItem[], f: BundleFile): number {
    for (const g of items) {
      const region = g.region ?? this.sgRegion.get(g.groupId) ?? this.soleRegion(g.account) ?? 'unknown'
      this.sgRegion.set(g.groupId, region)
      const id = g.arn ?? ec2Arn(region, g.account, 'security-group', g.groupId)
      const { file: _f, ...config } = g
      this.fact(id, 'sg.config', { ...config, region, openToInternet: openToInternet(g) }, [f.path])
    }
    return items.length
  }

  private credentialReport(rows: CredentialReportFact[], f: BundleFile, account: string): void {
    for (const r of rows) {
      const acct = parseArn(r.arn)?.account || account
      this.users.set(`${acct}/${r.user}`, r)
      const { file: _f, ...row } = r
      this.fact(r.arn, 'iam.credential-report', row, [f.path])
      const ev = (when: string | null, action: string, summary: string): void => {
        const t = when ? parseTime(when) : NaN
        if (Number.isFinite(t)) this.draft({ time: t, source: 'aws.iam.credential-report', actor: r.user, action, resource: r.arn, summary, file: f.path, place: `line ${r.line}` })
      }
      ev(r.createdAt, 'CreateUser', `IAM user ${r.user} created`)
      ev(r.passwordLastUsed, 'PasswordUsed', `console password of ${r.user} last used`)
      for (const k of r.keys) {
        ev(k.lastRotated, 'AccessKeyRotated', `access key ${k.slot} of ${r.user} created or rotated`)
        ev(
          k.lastUsed,
          'AccessKeyUsed',
          `access key ${k.slot} of ${r.user} last used${k.lastUsedService ? ` (${k.lastUsedService}${k.lastUsedRegion ? `, ${k.lastUsedRegion}` : ''})` : ''}`
        )
      }
    }
    const row = this.cov('aws.iam.credential-report', accountResource(account))
    row.records += rows.length
    row.detail.files.push(f.path)
    row.detail.notes.push('the credential report records last use per credential, not each use')
    if (Number.isFinite(this.collectedAt)) {
      row.first = row.last = this.collectedAt
      row.detail.runs = hoursToRuns([hourOf(this.collectedAt)])
    }
  }

  private running(items: RunningImage[], f: BundleFile): number {
    for (const r of items) {
      this.link(
        r.kind === 'ecs-task' ? 'task-runs-image' : 'pod-runs-image',
        r.id,
        r.digest,
        `${r.kind} ${r.id}${r.cluster ? ` in ${r.cluster}` : ''} runs ${r.image ?? r.digest}${r.status ? ` (${r.status})` : ''}`,
        f.path
      )
    }
    return items.length
  }

  private ecr(items: EcrImage[]): number {
    const by = new Map<string, EcrImage[]>()
    for (const i of items) by.set(i.digest, [...(by.get(i.digest) ?? []), i])
    for (const [digest, list] of by) {
      this.fact(
        digest,
        'image.ecr',
        {
          repositories: [...new Set(list.map((i) => i.repository).filter((r): r is string => !!r))],
          tags: [...new Set(list.flatMap((i) => i.tags))],
          pushedAt:
            list
              .map((i) => i.pushedAt)
              .filter(Boolean)
              .sort()[0] ?? null,
          lastRecordedPull:
            list
              .map((i) => i.lastRecordedPull)
              .filter(Boolean)
              .sort()
              .pop() ?? null
        },
        list.map((i) => i.file)
      )
      for (const i of list) {
        const t = i.lastRecordedPull ? parseTime(i.lastRecordedPull) : NaN
        if (Number.isFinite(t))
          this.draft({
            time: t,
            source: 'aws.inventory',
            actor: 'unknown',
            action: 'ImagePulled',
            resource: digest,
            summary: `last recorded pull of ${i.repository ?? 'image'}`,
            file: i.file,
            place: digest
          })
      }
    }
    return items.length
  }

  private fronting(items: Fronting[], account: string): number {
    for (const x of items) {
      const kind = x.kind === 'cloudfront' ? 'cloudfront-fronts' : 'load-balancer-fronts'
      for (const b of x.buckets) this.link(kind, x.id, s3BucketArn(b, this.bucketRegion.get(b)), `${x.id} (${x.domain ?? 'no domain'}) serves bucket ${b}`, x.file)
      for (const i of x.instances) {
        const inst = this.instances.get(i)
        const region = inst?.region ?? parseArn(x.id)?.region ?? this.soleRegion(account) ?? 'unknown'
        this.link(kind, x.id, ec2Arn(region, inst?.account ?? account, 'instance', i), `${x.id} (${x.scheme ?? 'scheme unknown'}) sends traffic to ${i}`, x.file)
      }
      // Custom origins pointing at an instance's public name or address.
      for (const d of x.originDomains) {
        for (const inst of this.instances.values()) {
          if (inst.publicDns === d || inst.publicIp === d) {
            this.link(
              kind,
              x.id,
              ec2Arn(inst.region ?? 'unknown', inst.account, 'instance', inst.instanceId),
              `${x.id} uses ${d} (instance ${inst.instanceId}) as an origin`,
              x.file
            )
          }
        }
      }
    }
    return items.length
  }

  private metrics(series: MetricSeries[], f: BundleFile): number {
    const account = f.scope ?? 'unknown'
    for (const m of series) {
      const name = m.name
      if (m.namespace !== 'AWS/EC2' || (name !== 'MetadataNoToken' && name !== 'MetadataNoTokenRejected')) continue
      const iid = m.dimensions.InstanceId
      if (!iid) continue
      const inst = this.instances.get(iid)
      const region = m.region ?? inst?.region ?? this.soleRegion(account) ?? 'unknown'
      const id = ec2Arn(region, inst?.account ?? account, 'instance', iid)
      const nonzero = m.points.filter(([, v]) => v > 0)
      const times = m.points.map(([t]) => t)
      const period = m.period ?? 300
      this.fact(
        id,
        `metric.${name}`,
        { stat: m.stat, period, datapoints: m.points.length, first: times.length ? Math.min(...times) : null, last: times.length ? Math.max(...times) + period : null, nonzero },
        [f.path]
      )
      if (name === 'MetadataNoToken') {
        const row = this.cov('aws.cloudwatch.metadata-no-token', id)
        const hours = new Set<number>()
        for (const t of times) for (let h = hourOf(t); h <= hourOf(t + period - 1); h++) hours.add(h)
        this.span(row, times.length ? Math.min(...times) : null, times.length ? Math.max(...times) + period : null, m.points.length, hours, [f.path])
        row.detail.notes.push('EC2 publishes metrics only while an instance runs: a gap may be a stopped instance')
        for (const [t, v] of nonzero.slice(-this.limits.maxEventsPerResource)) {
          this.draft({
            time: t,
            source: 'aws.cloudwatch.metadata-no-token',
            actor: iid,
            action: 'MetadataNoToken',
            resource: id,
            summary: `${v} IMDSv1 (no-token) metadata call(s) in ${period / 60} min`,
            file: f.path,
            place: m.place
          })
        }
      }
    }
    return series.length
  }

  private storageAccounts(items: AzureStorageAccount[]): number {
    for (const s of items) {
      if (s.name) this.azureAccounts.set(s.name.toLowerCase(), s.id)
      const { file, ...config } = s
      this.fact(s.id, 'azure.storage.config', config, [file])
      const t = s.creationTime ? parseTime(s.creationTime) : NaN
      if (Number.isFinite(t))
        this.draft({
          time: t,
          source: 'azure.inventory',
          actor: 'unknown',
          action: 'CreateStorageAccount',
          resource: s.id,
          summary: `storage account ${s.name ?? s.id} created`,
          file,
          place: s.name ?? s.id
        })
    }
    return items.length
  }

  // --- logs -----------------------------------------------------------------------------------

  async lookupFile(agg: CloudTrailAggregator, f: BundleFile): Promise<void> {
    const outcome: FileOutcome = { file: f.path, records: 0, first: null, last: null, problem: null }
    try {
      const doc = await readJsonDocument(f.abs, f.path, this.limits)
      const events = requireArray(doc, f.path, 'Events')
      const bad: string[] = []
      events.forEach((e, i) => {
        const s = str(obj(e)?.CloudTrailEvent)
        if (!s) {
          bad.push(`Events[${i}]: no CloudTrailEvent string`)
          return
        }
        try {
          agg.addLookupRecord(Buffer.from(s, 'utf8'), f.path, `Events[${i}]`, outcome)
        } catch (err) {
          bad.push(`Events[${i}]: CloudTrailEvent is not a JSON record (${(err as Error).message})`)
        }
      })
      if (bad.length) outcome.problem = { file: f.path, place: bad.slice(0, 5).join('; '), problem: `${bad.length} event(s) could not be read` }
    } catch (e) {
      outcome.problem = problemOf(e, f.path)
    }
    agg.scan.files.push(outcome)
  }

  /**
   * The answers of CloudTrail Lake or Athena (cloudtrail-answers.ts): the same scan as the log
   * files would give, so the same facts and coverage, with the store they came from in the notes.
   */
  async queryFile(f: BundleFile): Promise<void> {
    try {
      const doc = parseQueryDocument(await readJsonDocument(f.abs, f.path, this.limits), f.path)
      const scan = scanFromAnswers(doc, f.path, this.limits)
      this.cloudTrail(scan)
      const ids = Object.entries(doc.answers)
        .map(([q, a]) => `${q} ${a.queryId}`)
        .join(', ')
      const store = doc.store
      const config =
        doc.engine === 'cloudtrail-lake'
          ? [
              store.MultiRegionEnabled === false ? 'single-Region' : store.MultiRegionEnabled === true ? 'multi-Region' : null,
              store.OrganizationEnabled === true ? 'organization' : null,
              typeof store.RetentionPeriod === 'number' ? `keeps ${store.RetentionPeriod} days` : null
            ].filter(Boolean)
          : []
      for (const s of scan.streams.values()) {
        this.cov('aws.cloudtrail', streamKey(s.account, s.region)).detail.notes.push(
          `from ${storeLabel(doc)}${config.length ? ` (${config.join(', ')})` : ''}: the counts of queries ${ids}, over ${doc.window.from} – ${doc.window.to}; individual events are not in the bundle`
        )
      }
    } catch (e) {
      const p = problemOf(e, f.path)
      this.bad(p)
      this.cov('aws.cloudtrail', accountResource(f.scope ?? 'unknown')).detail.problems.push(p)
    }
  }

  cloudTrail(scan: CloudTrailScan): void {
    const source = scan.source
    for (const o of scan.files) {
      if (o.problem) this.bad(o.problem, o.records, o.first, o.last)
      else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const s of scan.streams.values()) {
      this.span(
        this.cov(source, streamKey(s.account, s.region)),
        s.first,
        s.last,
        s.records,
        s.hours,
        [...s.files].map((n) => scan.paths[n])
      )
    }
    for (const o of scan.files) {
      if (!o.problem) continue
      // A file that could not be read is a gap in the stream its path names (AWSLogs/…/<acct>/CloudTrail/<region>/…).
      const m = /(?:^|\/)(\d{12})\/CloudTrail\/([a-z0-9-]+)\//.exec(o.file)
      const scope = /^aws\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
      this.cov(source, m ? streamKey(m[1], m[2]) : accountResource(scope)).detail.problems.push(o.problem)
    }
    const label = source === 'aws.cloudtrail' ? 'aws.cloudtrail' : 'aws.cloudtrail-lookup'
    for (const b of scan.buckets.values()) {
      const region = this.bucketRegion.get(b.bucket) ?? (b.regions.size === 1 ? [...b.regions][0] : null)
      const id = s3BucketArn(b.bucket, region)
      const files = [...b.files].map((n) => scan.paths[n])
      if (b.data.requests) {
        this.fact(
          id,
          `activity.${label}.s3-data`,
          {
            activity: b.data,
            nonTlsInferred: b.nonTlsInferred,
            nonTlsLast: b.nonTlsLast,
            anonymous: b.anonymous,
            anonymousLast: b.anonymousLast,
            regions: [...b.regions],
            accounts: [...b.accounts]
          },
          files
        )
        for (const [day, c] of b.byDay) {
          this.draft({
            time: day * 86400,
            source: label,
            actor: `${b.data.principals.length}${b.data.principalsTruncated ? '+' : ''} principals`,
            action: 'S3 data events',
            resource: id,
            summary: `${isoDay(day)}: ${c.requests} S3 data events (${c.reads} reads, ${c.writes} writes)${c.nonTls ? `, ${c.nonTls} without TLS details (plain HTTP inferred)` : ''}${c.anonymous ? `, ${c.anonymous} anonymous` : ''}`,
            file: files[0],
            place: 'daily summary'
          })
        }
      }
      if (b.management.requests) this.fact(id, `activity.${label}.s3-management`, { activity: b.management }, files)
      if (!this.bucketRegion.has(b.bucket) && region) this.bucketRegion.set(b.bucket, region)
    }
    for (const r of scan.roleDelivery.values()) {
      this.fact(
        ec2Arn(r.region, r.account, 'instance', r.instanceId),
        'imds.role-delivery',
        { v1: r.v1, v2: r.v2, v1Last: r.v1Last, v2Last: r.v2Last, roles: [...r.roles] },
        [...r.files].map((n) => scan.paths[n])
      )
    }
    for (const c of scan.calls.values()) {
      const { callers, truncated } = callersOf(c)
      this.fact(
        c.arn,
        `activity.${label}.calls`,
        { events: c.events, dataEvents: c.dataEvents, callers, callersTruncated: truncated },
        [...c.files].map((n) => scan.paths[n])
      )
    }
    for (const c of scan.creations.values()) {
      this.fact(this.resolveUser(c.resource), 'creator', { principal: c.principal, time: c.time, eventName: c.eventName, source, place: c.place }, [c.file])
    }
    if (scan.trailChanges.length) {
      const byAccount = new Map<string, typeof scan.trailChanges>()
      for (const t of scan.trailChanges) byAccount.set(t.account, [...(byAccount.get(t.account) ?? []), t])
      for (const [acct, list] of byAccount) {
        this.fact(
          accountResource(acct),
          `account.trail-changes.${label}`,
          { changes: list.map(({ file: _f, ...c }) => c) },
          list.map((c) => c.file)
        )
      }
    }
    for (const d of scan.drafts.all()) this.drafts.push({ ...d, resource: this.resolveUser(d.resource) })
    for (const [key, n] of scan.drafts.dropped) {
      const [src, resource] = key.split('\n')
      this.cov(src, this.resolveUser(resource)).detail.notes.push(
        `${n} further timeline events were left out (only the ${this.limits.maxEventsPerResource} most recent are kept; daily summaries count all)`
      )
    }
  }

  /** arn:aws:iam::<acct>:user/<name> from CloudTrail has no path; the credential report's ARN does. */
  private resolveUser(resource: string): string {
    const m = /^arn:[^:]+:iam::(\d{12}):user\/([^/]+)$/.exec(resource)
    if (!m) return resource
    return this.users.get(`${m[1]}/${m[2]}`)?.arn ?? resource
  }

  accessLogs(scan: AccessLogScan): void {
    for (const o of scan.files) {
      if (o.problem) this.bad(o.problem, o.records, o.first, o.last)
      else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const b of scan.buckets.values()) {
      const id = s3BucketArn(b.bucket, this.bucketRegion.get(b.bucket))
      const files = [...b.files]
      this.span(this.cov('aws.s3-access-logs', id), b.activity.first, b.activity.last, b.activity.requests + b.internal, b.hours, files)
      this.fact(
        id,
        'activity.aws.s3-access-logs',
        {
          activity: b.activity,
          http: b.http,
          httpLast: b.httpLast,
          tlsUnknown: b.tlsUnknown,
          anonymous: b.anonymous,
          anonymousLast: b.anonymousLast,
          internal: b.internal,
          tlsVersions: b.tlsVersions
        },
        files
      )
      for (const [day, c] of b.byDay) {
        this.draft({
          time: day * 86400,
          source: 'aws.s3-access-logs',
          actor: `${b.activity.principals.length}${b.activity.principalsTruncated ? '+' : ''} principals`,
          action: 'S3 requests',
          resource: id,
          summary: `${isoDay(day)}: ${c.requests} requests (${c.reads} reads, ${c.writes} writes)${c.http ? `, ${c.http} over plain HTTP (proven)` : ''}${c.anonymous ? `, ${c.anonymous} anonymous` : ''}`,
          file: files[0],
          place: 'daily summary'
        })
      }
    }
    // A log file that could not be read at all is a gap for the bucket its folder names.
    for (const o of scan.files) {
      if (!o.problem) continue
      const m = /^aws\/[^/]+\/s3-access-logs\/([^/]+)\//.exec(o.file)
      if (m) this.cov('aws.s3-access-logs', s3BucketArn(m[1], this.bucketRegion.get(m[1]))).detail.problems.push(o.problem)
    }
    this.drafts.push(...scan.drafts.all())
  }

  /** each elbv2 load balancer's listeners and access-log attributes (an element that is not one is left to the evaluator to name) */
  private elbv2(value: unknown, f: BundleFile): void {
    for (const x of Array.isArray(obj(value)?.LoadBalancers) ? (obj(value)!.LoadBalancers as unknown[]) : []) {
      const r = Elbv2LoadBalancer.safeParse(x)
      if (r.success) this.fact(r.data.LoadBalancerArn, 'elbv2.config', elbv2Config(r.data), [f.path])
    }
  }

  /** each Classic Load Balancer's listeners and access-log attribute, named by the ARN its name, Region and account give */
  private elbClassic(value: unknown, f: BundleFile, account: string): void {
    for (const x of Array.isArray(obj(value)?.LoadBalancerDescriptions) ? (obj(value)!.LoadBalancerDescriptions as unknown[]) : []) {
      const r = ClassicLoadBalancer.safeParse(x)
      const region = r.success ? (classicRegion(r.data) ?? this.soleRegion(account)) : null
      if (r.success && region) this.fact(elbArnOf(r.data.LoadBalancerName, account, region), 'elb.config', classicConfig(r.data), [f.path])
    }
  }

  elbAccessLogs(scan: ElbAccessLogScan): void {
    for (const o of scan.files) {
      if (o.problem) this.bad(o.problem, o.records, o.first, o.last)
      else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const b of scan.lbs.values()) {
      const { facet, hours, files } = elbAccessFacet(b)
      this.span(this.cov('aws.elb-access-logs', b.arn), facet.first, facet.last, facet.requests, hours, files)
      this.fact(b.arn, 'activity.aws.elb-access-logs', facet, files)
    }
  }

  flowLogs(scan: FlowLogScan): void {
    for (const o of scan.files) {
      if (o.problem) this.bad(o.problem, o.records, o.first, o.last)
      else this.ok(o.file, o.records, o.first, o.last)
      if (o.problem) {
        const acct = /^aws\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
        this.cov('aws.vpc-flow-logs', accountResource(acct)).detail.problems.push(o.problem)
      }
    }
    const adminByEni = new Map<string, AdminFlow[]>()
    for (const a of scan.admin.values()) adminByEni.set(a.eni, [...(adminByEni.get(a.eni) ?? []), a])
    const servedByEni = new Map<string, Array<FlowLogScan['served'] extends Map<string, infer V> ? V : never>>()
    for (const p of scan.served.values()) servedByEni.set(p.eni, [...(servedByEni.get(p.eni) ?? []), p])
    const peersByEni = new Map<string, PeerFlow[]>()
    for (const p of scan.peers.values()) {
      const list = peersByEni.get(p.eni)
      if (list) list.push(p)
      else peersByEni.set(p.eni, [p])
    }
    for (const e of scan.enis.values()) {
      const key = eniKey(e.account, e.eni)
      const row = this.cov('aws.vpc-flow-logs', key)
      this.span(row, e.first, e.last, e.records, e.hours, e.files)
      row.detail.skipped.push(...e.skipped)
      const { hours: _h, files: _f, skipped: _s, ...totals } = e
      this.fact(key, 'flows.interface', { ...totals, itemisedPorts: [...ITEMISED_PORTS] }, e.files)
      const admin = adminByEni.get(e.eni) ?? []
      const overflow = scan.adminOverflow.get(e.eni) ?? null
      const portOverflow = ITEMISED_PORTS.flatMap((port) => {
        const o = scan.adminOverflow.get(`${e.eni}|${port}`)
        return o ? [{ port, ...o }] : []
      })
      if (admin.length || overflow || portOverflow.length) this.fact(key, 'flows.admin', { flows: admin, overflow, ...(portOverflow.length ? { portOverflow } : {}) }, e.files)
      const served = (servedByEni.get(e.eni) ?? []).map(({ seen, daySet, ...p }) => ({ ...p, sources: seen.size, days: [...daySet].sort((a, b) => a - b) }))
      this.fact(key, 'flows.served', { ports: served, overflow: scan.servedOverflow.get(e.eni) ?? null, directionUnknown: scan.servedUnknown.has(e.eni) }, e.files)
      this.fact(
        key,
        'flows.peers',
        { peers: peersByEni.get(e.eni) ?? [], overflow: scan.peersOverflow.get(e.eni) ?? null, directionUnknown: scan.peersUnknown.has(e.eni) },
        e.files
      )
      // An interface named only by a custom format's instance-id still links to its instance.
      const known = this.enis.get(e.eni)
      if (!known && e.instanceId) {
        const inst = this.instances.get(e.instanceId)
        if (inst)
          this.link(
            'interface-of-instance',
            key,
            ec2Arn(inst.region ?? 'unknown', inst.account, 'instance', inst.instanceId),
            `${e.eni} carries traffic of ${e.instanceId} (flow log instance-id)`,
            [...e.files][0]
          )
      }
    }
    // Accepted admin-port sessions belong on the timelines of the instance and its groups too.
    for (const d of scan.drafts.all()) {
      const eni = d.resource.split(':')[2]
      const known = this.enis.get(eni)
      this.drafts.push(d)
      if (known) {
        const inst = known.instance
        this.drafts.push({ ...d, resource: ec2Arn(inst.region ?? 'unknown', inst.account, 'instance', inst.instanceId) })
        for (const g of known.groups) this.drafts.push({ ...d, resource: ec2Arn(inst.region ?? 'unknown', inst.account, 'security-group', g) })
      }
    }
  }

  azureActivity(scan: ReturnType<typeof emptyAzureActivityScan>): void {
    for (const o of scan.files) {
      if (o.problem) {
        this.bad(o.problem, o.records, o.first, o.last)
        const sub = /^azure\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
        this.cov('azure.activity-log', subscriptionId(sub)).detail.problems.push(o.problem)
      } else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const s of scan.streams.values()) this.span(this.cov('azure.activity-log', subscriptionId(s.subscription)), s.first, s.last, s.records, s.hours, s.files)
    for (const r of scan.resources.values()) {
      const files = new Set<string>()
      if (r.earliestWrite) files.add(r.earliestWrite.file)
      const earliestWrite = r.earliestWrite ? (({ file: _f, ...w }) => w)(r.earliestWrite) : null
      this.fact(
        r.resourceId,
        'azure.activity',
        { writes: r.writes, lastWrite: r.lastWrite, callers: [...r.callers], earliestWrite },
        files.size ? files : scan.files.map((f) => f.file)
      )
      if (r.earliestWrite) {
        this.fact(
          r.resourceId,
          'creator',
          {
            principal: r.earliestWrite.caller,
            time: r.earliestWrite.time,
            eventName: r.earliestWrite.operation,
            source: 'azure.activity-log',
            place: r.earliestWrite.place,
            earliestWriteOnly: true
          },
          [r.earliestWrite.file]
        )
      }
    }
    this.drafts.push(...scan.drafts.all())
  }

  storageLogs(scan: ReturnType<typeof emptyStorageLogScan>): void {
    for (const o of scan.files) {
      if (o.problem) {
        this.bad(o.problem, o.records, o.first, o.last)
        const sub = /^azure\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
        this.cov('azure.storage-logs', subscriptionId(sub)).detail.problems.push(o.problem)
      } else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const a of scan.accounts.values()) {
      const files = [...a.files]
      this.span(this.cov('azure.storage-logs', a.account), a.activity.first, a.activity.last, a.activity.requests, a.hours, files)
      this.fact(
        a.account,
        'activity.azure.storage-logs',
        {
          activity: a.activity,
          http: a.http,
          httpLast: a.httpLast,
          oldTls: a.oldTls,
          oldTlsLast: a.oldTlsLast,
          anonymous: a.anonymous,
          tlsVersions: a.tlsVersions,
          protocols: a.protocols,
          blobRequests: a.blobRequests,
          anonymousOk: a.anonymousOk,
          anonymousOkLast: a.anonymousOkLast,
          anonymousContainers: a.anonymousContainers,
          anonymousReaders: a.anonymousReaders
        },
        files
      )
      for (const [day, c] of a.byDay) {
        this.draft({
          time: day * 86400,
          source: 'azure.storage-logs',
          actor: `${a.activity.principals.length}${a.activity.principalsTruncated ? '+' : ''} principals`,
          action: 'storage requests',
          resource: a.account,
          summary: `${isoDay(day)}: ${c.requests} requests (${c.reads} reads, ${c.writes} writes)${c.http ? `, ${c.http} over HTTP` : ''}${c.oldTls ? `, ${c.oldTls} with TLS < 1.2` : ''}${c.anonymous ? `, ${c.anonymous} anonymous` : ''}`,
          file: files[0],
          place: 'daily summary'
        })
      }
    }
    this.drafts.push(...scan.drafts.all())
  }

  nsgFlowLogs(scan: ReturnType<typeof emptyNsgFlowScan>): void {
    for (const o of scan.files) {
      if (o.problem) {
        this.bad(o.problem, o.records, o.first, o.last)
        const sub = /^azure\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
        this.cov('azure.nsg-flow-logs', subscriptionId(sub)).detail.problems.push(o.problem)
      } else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const s of scan.nsgs.values()) {
      const files = [...s.files]
      this.span(this.cov('azure.nsg-flow-logs', s.nsg), s.first, s.last, s.records, s.hours, files)
      const rules = [...s.ports.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.port - b.port || (a.protocol < b.protocol ? -1 : 1)))
      this.fact(s.nsg, 'azure.nsg.flows', { rules, overflow: s.overflow }, files)
    }
    this.drafts.push(...scan.drafts.all())
  }

  /** SQL audit or Key Vault AuditEvent logs: coverage of their source per server or vault, and its callers. */
  callerLogs(scan: ReturnType<typeof emptyCallerScan>): void {
    for (const o of scan.files) {
      if (o.problem) {
        this.bad(o.problem, o.records, o.first, o.last)
        const sub = /^azure\/([^/]+)\//.exec(o.file)?.[1] ?? 'unknown'
        this.cov(scan.source, subscriptionId(sub)).detail.problems.push(o.problem)
      } else this.ok(o.file, o.records, o.first, o.last)
    }
    for (const s of scan.resources.values()) {
      const files = [...s.files]
      this.span(this.cov(scan.source, s.resource), s.first, s.last, s.records, s.hours, files)
      this.fact(s.resource, 'azure.callers', callersFacet(s), files)
    }
    this.drafts.push(...scan.drafts.all())
  }

  /** Collection gaps recorded in the manifest become coverage gaps of their source. */
  finish(): void {
    for (const g of this.bundle.manifest.gaps ?? []) {
      const scope = /^\/subscriptions\//i.test(g.scope) ? g.scope.toLowerCase() : /^\d{12}$/.test(g.scope) ? accountResource(g.scope) : g.scope
      this.cov(g.source, g.resource ?? scope).detail.collectionGaps.push({ from: g.from ?? null, to: g.to ?? null, problem: g.problem })
    }
  }

  output(): BundleAnalysis {
    return { files: this.files, coverage: [...this.coverage.values()], facts: this.facts, links: [...this.links.values()], drafts: this.drafts }
  }
}
