// The evidence service's public types (main/evidence): what `getFacts` and `getCoverage` return
// to the investigate stage and the renderer, and the evidence timeline. Every fact names the
// evidence files it came from (evidence file ids, see `EvidenceItem` in model.ts) and says whether
// it is proven or only inferred. Types only: no Node built-ins, no Electron, no DOM.

import type { Actor, ChosenPath } from './model'

/** proven: the source documents the fact; inferred: a rule of ours reads it from indirect signs */
export type Certainty = 'proven' | 'inferred'

export type CoverageSource =
  /** CloudTrail management events from a trail's log files, per account and region */
  | 'aws.cloudtrail'
  /** S3 data events for one bucket: the trail's log stream AND its event selectors */
  | 'aws.cloudtrail.s3-data'
  /** LookupEvents (Event history): management events only, 90 days, per region */
  | 'aws.cloudtrail-lookup'
  | 'aws.s3-access-logs'
  | 'aws.vpc-flow-logs'
  | 'aws.cloudwatch.metadata-no-token'
  | 'aws.iam.credential-report'
  | 'aws.inventory'
  | 'azure.activity-log'
  | 'azure.storage-logs'
  | 'azure.inventory'
  /** NSG flow logs (Network Watcher), per network security group */
  | 'azure.nsg-flow-logs'
  /** added: a Kubernetes cluster's RBAC objects (kubernetes/<cluster>/rbac.json) */
  | 'kubernetes.rbac'
  /** added: a Kubernetes cluster's API server audit events (kubernetes/<cluster>/audit/) */
  | 'kubernetes.audit'
  /** added: Terraform states (iac/terraform-state/<name>.json), where an IaC finding's deployed twin is found */
  | 'iac.terraform-state'
  /** added: a Kubernetes cluster's workloads and service accounts (kubernetes/<cluster>/workloads.json) */
  | 'kubernetes.workloads'
  /** added: a Kubernetes cluster's containers' CPU and memory use (kubernetes/<cluster>/metrics/: Prometheus range-query answers) */
  | 'kubernetes.metrics'
  /** added: a Kubernetes cluster's nodes' allocatable CPU and memory, its quotas and limit ranges (kubernetes/<cluster>/capacity.json) */
  | 'kubernetes.capacity'
  /** added: each node's kubelet Summary API (kubernetes/<cluster>/stats/<node>.json): the containers' writable layers */
  | 'kubernetes.stats'
  /** added: the configured user of the images a Kubernetes cluster's containers run (kubernetes/<cluster>/images.json) */
  | 'kubernetes.images'
  /** added: an Azure SQL server's audit log (SQLSecurityAuditEvents), per server */
  | 'azure.sql-audit-logs'
  /** added: a key vault's AuditEvent log, per vault */
  | 'azure.keyvault-logs'
  /** added: a load balancer's access logs (aws/<account>/elb-access-logs/), per load balancer */
  | 'aws.elb-access-logs'
  /** added: an OpenSearch domain's audit log (aws/<account>/opensearch-audit/<domain>/), the record of its HTTP API */
  | 'aws.opensearch.audit'
  /** added: CloudFront standard logs of a distribution (aws/<account>/cloudfront-logs/<distribution id>/) */
  | 'aws.cloudfront-logs'

export const COVERAGE_SOURCES: readonly CoverageSource[] = [
  'aws.cloudtrail',
  'aws.cloudtrail.s3-data',
  'aws.cloudtrail-lookup',
  'aws.s3-access-logs',
  'aws.vpc-flow-logs',
  'aws.cloudwatch.metadata-no-token',
  'aws.iam.credential-report',
  'aws.inventory',
  'azure.activity-log',
  'azure.storage-logs',
  'azure.inventory',
  'azure.nsg-flow-logs',
  'kubernetes.rbac',
  'kubernetes.audit',
  'iac.terraform-state',
  'kubernetes.workloads',
  'kubernetes.metrics',
  'kubernetes.capacity',
  'kubernetes.stats',
  'kubernetes.images',
  'azure.sql-audit-logs',
  'azure.keyvault-logs',
  'aws.elb-access-logs',
  'aws.opensearch.audit',
  'aws.cloudfront-logs'
]

type GapReason =
  /** no record for more than a day between two records (logging off, files missing — or no traffic) */
  | 'no-records'
  /** the window starts more than a day before the first record */
  | 'before-first-record'
  /** the window ends more than a day after the last record */
  | 'after-last-record'
  /** VPC flow log SKIPDATA: AWS dropped records */
  | 'skipped-by-source'
  /** a file of this source could not be read (named in `problems`) */
  | 'corrupt-file'
  /** `evidence collect` could not fetch this part (recorded in the manifest) */
  | 'collection-failed'
  /** the trail's event selectors did not record these events over this span */
  | 'not-recorded'

export interface CoverageGap {
  from: string
  to: string
  reason: GapReason
  detail: string
}

export interface FileProblemRef {
  /** evidence file id */
  evidence: string
  path: string
  place: string
  problem: string
}

/** Whether a trail's event selectors record S3 data events for a bucket (basic or advanced selectors). */
export interface TrailRecording {
  trail: string
  selectors: 'basic' | 'advanced' | 'none'
  reads: 'all' | 'some' | 'none'
  writes: 'all' | 'some' | 'none'
  /** the trail covers the bucket's region and account (multi-region / organisation trail) */
  inScope: boolean | 'unknown'
  isLogging: boolean | null
  /** from when the selectors are known to have been as they are (start of logging or last change seen) */
  since: string | null
  /** until when (logging stopped), or null when still recording */
  until: string | null
  explanation: string
}

export interface S3DataRecording {
  /** all: every read and write of every object; some: part of them; none; unknown: no trail configuration in evidence */
  recorded: 'all' | 'some' | 'none' | 'unknown'
  reads: 'all' | 'some' | 'none' | 'unknown'
  writes: 'all' | 'some' | 'none' | 'unknown'
  trails: TrailRecording[]
  /** span over which recording as above is established, when known */
  since: string | null
  until: string | null
  explanation: string
}

/**
 * What one source actually covered for one resource. `state` is the answer the investigate stage
 * needs first: `covered` only when the whole window is covered without gaps or unreadable files;
 * `none` when there is no evidence at all (never read that as "nothing happened").
 */
export interface Coverage {
  source: CoverageSource
  resourceId: string
  state: 'covered' | 'partial' | 'none'
  window: { from: string; to: string } | null
  first: string | null
  last: string | null
  records: number
  files: number
  gaps: CoverageGap[]
  problems: FileProblemRef[]
  /** for aws.cloudtrail.s3-data */
  recording?: S3DataRecording
  /** evidence file ids this coverage was computed from */
  evidence: string[]
  notes: string[]
}

export interface ActivityFact {
  source: CoverageSource
  certainty: Certainty
  requests: number
  reads: number
  writes: number
  errors: number
  principals: string[]
  /** the principal list (and so its length) is a lower bound */
  principalsTruncated: boolean
  first: string | null
  lastAccess: string | null
  lastRead: string | null
  lastWrite: string | null
  evidence: string[]
}

export interface EnvironmentFact {
  value: 'prod' | 'staging' | 'dev' | 'test' | string | null
  basis: 'tag' | 'account-map' | 'name-pattern' | 'none'
  detail: string
  evidence: string[]
}

export interface OwnerFact {
  value: string | null
  basis: 'tag' | 'creator' | 'none'
  detail: string
  certainty: Certainty
  evidence: string[]
}

export interface ExposureFact {
  /** null: unknown (no configuration in evidence) */
  public: boolean | null
  reasons: string[]
  evidence: string[]
}

export interface EncryptionFact {
  encrypted: boolean | null
  detail: string
  evidence: string[]
}

export interface Dependency {
  kind: 'instance-uses-security-group' | 'instance-uses-instance-profile' | 'task-runs-image' | 'pod-runs-image' | 'cloudfront-fronts' | 'load-balancer-fronts'
  /** the other end */
  resourceId: string
  detail: string
  evidence: string[]
}

interface S3Facts {
  region: string | null
  objectCount: number | null
  website: boolean | null
  policy: string | null
  publicAccessBlock: Record<string, boolean> | null
  accountPublicAccessBlock: Record<string, boolean> | null
  versioning: string | null
  logging: { targetBucket: string; targetPrefix: string } | null
  /** proven plain-HTTP requests from server access logs (cipher "-" and TLS version "-") */
  accessLogs:
    | (ActivityFact & {
        plainHttpCertainty: 'proven'
        plainHttp: number
        plainHttpLast: string | null
        anonymous: number
        anonymousLast: string | null
        tlsUnknown: number
        tlsVersions: Record<string, number>
      })
    | null
  /** S3 data events from CloudTrail; non-TLS is *inferred* (FORMATS.md B1) */
  cloudTrailData: (ActivityFact & { nonTlsCertainty: 'inferred'; nonTlsInferred: number; nonTlsLast: string | null; anonymous: number; anonymousLast: string | null }) | null
  cloudTrailManagement: ActivityFact | null
}

interface Ec2Facts {
  instanceId: string
  state: string | null
  httpTokens: string | null
  hopLimit: number | null
  httpEndpoint: string | null
  instanceProfileArn: string | null
  /** role ARNs seen using this instance's credentials in CloudTrail */
  roles: string[]
  securityGroups: string[]
  publicIp: string | null
  metadataNoToken: { sum: number; datapoints: number; first: string | null; last: string | null; lastNonZero: string | null; evidence: string[] } | null
  /** CloudTrail calls with credentials delivered over IMDSv1 (ec2RoleDelivery 1.0) vs 2.0 */
  roleDelivery: {
    v1: number
    v2: number
    v1Last: string | null
    v2Last: string | null
    /** per Region the calls were made in (the credentials work against any Region's endpoint) */
    byRegion: Array<{ region: string; v1: number; v2: number; v1Last: string | null; v2Last: string | null }>
    evidence: string[]
  } | null
}

/**
 * Inbound TCP flows to an itemised port (an admin port, or another port of a named set) from one
 * source address (see `adminFlowsOutside`).
 */
export interface AdminFlowFact {
  eni: string
  port: number
  src: string
  flows: number
  sessions: number
  synOnly: number
  packets: number
  bytes: number
  first: string
  last: string
  tcpFlags: boolean
}

/** Flows to one itemised port past its per-interface source cap: counted, sources not itemised. */
export interface PortFlowsOverflow {
  port: number
  flows: number
  sessions: number
  synOnly: number
}

/** Inbound flows to one port other than 22/3389 of one interface (main/evidence/vpc-flow-logs.ts). */
export interface ServedPortFact {
  eni: string
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP) */
  protocol: number
  /** -1 for protocols without ports */
  port: number
  sessions: number
  probes: number
  /** distinct sources (a lower bound when several bundles are merged) */
  sources: number
  ipv4: boolean
  ipv6: boolean
  /** days with a session, as YYYY-MM-DD */
  days: string[]
  first: string
  last: string
  /** sessions from outside private space, and up to 50 of their sources; absent when read by an earlier version (unknown, not none) */
  publicSessions?: number
  publicSources?: string[]
}

interface SecurityGroupFacts {
  groupId: string
  vpcId: string | null
  /** ingress rules open to 0.0.0.0/0 or ::/0 */
  openToInternet: Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidr: string }>
  enis: string[]
  instances: string[]
  adminFlows: AdminFlowFact[]
  /** admin-port flows beyond the per-interface source cap, counted but not itemised */
  adminFlowsOverflow: { flows: number; sessions: number; synOnly: number }
  /** flows to another itemised port beyond that port's source cap, counted but not itemised */
  portFlowsOverflow: PortFlowsOverflow[]
  /**
   * the TCP ports whose inbound sources adminFlows itemises on every flow-logged interface of the
   * group (interfaces read by an earlier version: 22 and 3389 only)
   */
  itemisedPorts: number[]
  /** inbound flows to other ports (and portless protocols) on the group's interfaces */
  servedPorts: ServedPortFact[]
  /**
   * interfaces whose other ports cannot all be listed: flows without a flow-direction field, or
   * more distinct ports than the scan itemises
   */
  servedIncomplete: Array<{ eni: string; why: string }>
  /** interfaces with flow-log records at all (the others have no flow log in evidence) */
  flowEnis: string[]
  flowEvidence: string[]
}

export interface IamUserFacts {
  user: string
  createdAt: string | null
  passwordEnabled: boolean | null
  passwordLastUsed: string | null
  /** when the console password was set (credential report password_last_changed); null when N/A or unknown */
  passwordLastChanged: string | null
  mfaActive: boolean | null
  accessKeys: Array<{ slot: 1 | 2; active: boolean; lastRotated: string | null; lastUsed: string | null; lastUsedRegion: string | null; lastUsedService: string | null }>
  evidence: string[]
}

interface ImageFacts {
  digest: string
  repositories: string[]
  tags: string[]
  pushedAt: string | null
  lastRecordedPull: string | null
  running: Array<{ kind: 'ecs-task' | 'eks-pod'; id: string; cluster: string | null; detail: string }>
  evidence: string[]
}

interface AzureStorageFacts {
  supportsHttpsTrafficOnly: boolean | null
  minimumTlsVersion: string | null
  allowBlobPublicAccess: boolean | null
  publicNetworkAccess: string | null
  logs:
    | (ActivityFact & {
        http: number
        httpLast: string | null
        oldTls: number
        oldTlsLast: string | null
        anonymous: number
        tlsVersions: Record<string, number>
        protocols: Record<string, number>
        /** blob-service requests; null when the facts predate it (unknown) */
        blobRequests: number | null
        /** successful anonymous blob requests (not the static website's); null when the facts predate it */
        anonymousOk: number | null
        anonymousOkLast: string | null
        /** successful anonymous blob requests by container */
        anonymousContainers: Record<string, number>
        /** up to 50 per bundle of "container/object from address" */
        anonymousReaders: string[]
      })
    | null
}

interface AccountFacts {
  account: string
  ebsEncryptionByDefault: Record<string, { enabled: boolean; kmsKeyId: string | null }>
  s3PublicAccessBlock: Record<string, boolean> | null
}

/**
 * Everything the evidence says about one resource, merged over every bundle in the case:
 * configuration from the most recently collected bundle that has it, activity summed over all.
 */
export interface ResourceFacts {
  resourceId: string
  type: string | null
  name: string | null
  account: string | null
  region: string | null
  /** evidence bundles that mention the resource */
  bundles: string[]
  tags: Record<string, string>
  environment: EnvironmentFact
  owner: OwnerFact
  activity: ActivityFact[]
  exposure: ExposureFact
  encryption: EncryptionFact
  dependencies: Dependency[]
  s3?: S3Facts
  ec2?: Ec2Facts
  securityGroup?: SecurityGroupFacts
  iamUser?: IamUserFacts
  image?: ImageFacts
  azureStorage?: AzureStorageFacts
  awsAccount?: AccountFacts
  /** evidence file ids behind any of the above */
  evidence: string[]
}

/** One event of the evidence timeline (CLI.md `timeline --json`). */
export interface TimelineEvent {
  id: number
  time: string
  source: string
  actor: string
  action: string
  resource: string
  summary: string
  /** the evidence file id */
  evidence: string
  /** path of that file inside its bundle, and the place in it */
  path: string
  place: string
  kind: 'event' | 'daily-summary'
}

/** `evidence.add`: what was added, and what could not be read (recorded as coverage gaps). */
export interface EvidenceAddResult {
  bundleId: string
  files: number
  bytes: number
  /** bytes kept in the case; the rest are kept as SHA-256 + the facts drawn from them */
  storedBytes: number
  coverage: number
  facts: number
  events: number
  unreadable: Array<{ path: string; place: string | null; problem: string }>
  /** what the reader ignored, said out loud (unknown files, digests, files not in the manifest) */
  notes: string[]
}

export interface EvidenceBundleSummary {
  id: string
  collectedAt: string
  collector: unknown
  window: { from: string; to: string } | null
  files: number
  bytes: number
  storedBytes: number
  addedAt: string
  source: string
}

export interface EvidenceFileSummary {
  id: string
  kind: string
  path: string
  sha256: string
  bytes: number
  addedAt: string
  bundle: string
  /** blob (bytes in the case), hash-only, or duplicate (same bytes added before) */
  stored: string
  /** read, problem (unreadable in part: a coverage gap) or ignored */
  status: string
  problem: string | null
}

export interface EvidenceListing {
  bundles: EvidenceBundleSummary[]
  files: EvidenceFileSummary[]
}

export interface AwsProfile {
  name: string
  kind: 'static-keys' | 'assume-role' | 'sso' | 'credential-process' | 'web-identity' | 'config-only'
  region: string | null
  /** assume-role: the role and where its source credentials come from */
  roleArn: string | null
  sourceProfile: string | null
  /** sso: where to sign in and which account/role */
  ssoSession: string | null
  ssoStartUrl: string | null
  ssoAccountId: string | null
  ssoRoleName: string | null
  /** files that define the profile */
  files: string[]
}

export interface AzureProfile {
  /** the subscription id (what `--profile` takes for Azure), or `default` for DefaultAzureCredential */
  name: string
  kind: 'azure-cli' | 'environment' | 'default-chain'
  subscriptionId: string | null
  subscriptionName: string | null
  tenantId: string | null
  user: string | null
  isDefault: boolean
}

export interface EvidenceProfiles {
  aws: AwsProfile[]
  azure: AzureProfile[]
}

/** One account (or Azure subscription) a person mapped to an environment. */
export interface AccountEnvironmentMapping {
  account: string
  /** prod, staging, dev, test… */
  environment: string
  setAt: string
  /** who set it, as the audit trail names them */
  setBy: Actor
  /** findings of the case on this account's resources */
  findings: number
}

/** An account seen in the case's findings that has no environment yet: what is left to map. */
export interface UnmappedAccount {
  account: string
  provider: string
  findings: number
}

/** `evidence.accountEnvironments`: the account → environment map and what it does not cover. */
export interface AccountEnvironmentMap {
  /** sorted by account */
  mappings: AccountEnvironmentMapping[]
  /** mappable accounts (12-digit AWS ids, Azure subscription ids) without a mapping, most findings first */
  unmapped: UnmappedAccount[]
}

export interface EvidenceCollectResult {
  out: string
  /** the bundle written, to add to the case (evidence.add); absent when cancelled */
  bundle?: ChosenPath
  files: number
  /** parts that could not be collected, recorded in the manifest as coverage gaps */
  gaps: number
  /** the user cancelled: what was written is removed, nothing is kept */
  cancelled?: true
}
