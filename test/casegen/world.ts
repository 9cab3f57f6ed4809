// A deterministic builder of cloud evidence and scanner exports, for the playbooks' test fixtures
// (playbooks/fixtures/<id>/) and the demo case (resources/demo/). Everything is written in the
// clouds' and tools' own formats (EVIDENCE_BUNDLE.md, FORMATS.md): CloudTrail deliveries, S3
// server access logs, VPC flow logs, GetMetricData results, inventories, Azure storage logs; ASFF,
// Prowler JSON-OCSF and Trivy JSON. No randomness and no clock: ids come from a hash of what they
// identify, so the same specification always gives the same bytes (the fixture test checks that the
// files on disk are exactly what this code generates).
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

export const WINDOW = { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' }
export const COLLECTED_AT = '2026-11-20T10:00:00Z'
const DAY = 86_400_000
const START = Date.parse(WINDOW.from)

/** The instant `days` days (and `hours` hours) into the window, as CloudTrail writes times. */
export function at(days: number, hours = 0, minutes = 0): string {
  return new Date(START + days * DAY + hours * 3_600_000 + minutes * 60_000).toISOString().replace('.000Z', 'Z')
}

export const hex = (seed: string, n: number): string => createHash('sha256').update(seed).digest('hex').slice(0, n)
export const uuidOf = (seed: string): string => {
  const h = hex(seed, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}
export const digestOf = (seed: string): string => `sha256:${hex(`image:${seed}`, 64)}`
export const gz = (s: string): Buffer => gzipSync(Buffer.from(s, 'utf8'), { level: 9 })

export type Json = Record<string, unknown>

// ---- CloudTrail ---------------------------------------------------------------------------------

export interface Principal {
  kind: 'role' | 'user' | 'service' | 'anonymous' | 'instance'
  account: string
  name: string
  /** instance role sessions: the instance id and how the credentials were delivered */
  instance?: string
  delivery?: '1.0' | '2.0'
  accessKeyId?: string
}

export const role = (account: string, name: string): Principal => ({ kind: 'role', account, name })
export const user = (account: string, name: string, accessKeyId?: string): Principal => ({ kind: 'user', account, name, accessKeyId })

function identity(p: Principal, time: string): Json {
  switch (p.kind) {
    case 'anonymous':
      return { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' }
    case 'service':
      return { type: 'AWSService', invokedBy: p.name }
    case 'user':
      return {
        type: 'IAMUser',
        principalId: `AIDA${hex(`uid:${p.account}:${p.name}`, 16).toUpperCase()}`,
        arn: `arn:aws:iam::${p.account}:user/${p.name}`,
        accountId: p.account,
        accessKeyId: p.accessKeyId ?? `AKIA${hex(`key:${p.account}:${p.name}`, 16).toUpperCase()}`,
        userName: p.name
      }
    case 'role':
    case 'instance': {
      const session = p.kind === 'instance' ? p.instance! : `${p.name}-session`
      const roleId = `AROA${hex(`role:${p.account}:${p.name}`, 17).toUpperCase()}`
      const ctx: Json = {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${p.account}:role/${p.name}`, accountId: p.account, userName: p.name },
        attributes: { creationDate: time, mfaAuthenticated: 'false' }
      }
      if (p.kind === 'instance') ctx.ec2RoleDelivery = p.delivery ?? '2.0'
      return {
        type: 'AssumedRole',
        principalId: `${roleId}:${session}`,
        arn: `arn:aws:sts::${p.account}:assumed-role/${p.name}/${session}`,
        accountId: p.account,
        accessKeyId: `ASIA${hex(`sts:${p.account}:${p.name}:${session}`, 16).toUpperCase()}`,
        sessionContext: ctx
      }
    }
  }
}

export interface ManagementEvent {
  time: string
  account: string
  region: string
  source: string
  name: string
  who: Principal
  readOnly?: boolean
  requestParameters?: Json | null
  responseElements?: Json | null
  errorCode?: string
}

export function managementRecord(e: ManagementEvent): Json {
  const r: Json = {
    eventVersion: '1.10',
    userIdentity: identity(e.who, e.time),
    eventTime: e.time,
    eventSource: e.source,
    eventName: e.name,
    awsRegion: e.region,
    sourceIPAddress: e.who.kind === 'service' ? e.who.name : e.who.kind === 'instance' ? '10.20.1.15' : '198.51.100.10',
    userAgent: e.who.kind === 'instance' ? 'aws-sdk-go-v2/1.30.3 os/linux' : 'aws-cli/2.17.20 md/command#' + e.name,
    requestParameters: e.requestParameters ?? null,
    responseElements: e.responseElements ?? null,
    requestID: uuidOf(`req:${e.account}:${e.region}:${e.time}:${e.name}`),
    eventID: uuidOf(`evt:${e.account}:${e.region}:${e.time}:${e.name}:${JSON.stringify(e.requestParameters ?? null)}`),
    readOnly: e.readOnly ?? /^(Get|List|Describe|Lookup|Head)/.test(e.name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: e.account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${e.source.split('.')[0]}.${e.region}.amazonaws.com` }
  }
  if (e.errorCode) {
    r.errorCode = e.errorCode
    r.errorMessage = `${e.errorCode} for ${e.name}`
  }
  return r
}

export interface S3DataEvent {
  time: string
  account: string
  region: string
  bucket: string
  name?: string
  key?: string
  who: Principal
  /**
   * tls (default): TLS details; plain: no tlsDetails and no cipher suite (a plain-HTTP candidate);
   * console: made through the console, which CloudTrail logs with only the host header (FORMATS.md B1)
   */
  transport?: 'tls' | 'plain' | 'console'
  /** S3 refused the request (AccessDenied) */
  errorCode?: string
}

export function s3DataRecord(e: S3DataEvent): Json {
  const name = e.name ?? 'GetObject'
  const key = e.key ?? 'data/part-0000.json'
  const plain = e.transport === 'plain' || e.transport === 'console'
  const r: Json = {
    eventVersion: '1.10',
    userIdentity: identity(e.who, e.time),
    eventTime: e.time,
    eventSource: 's3.amazonaws.com',
    eventName: name,
    awsRegion: e.region,
    sourceIPAddress: e.who.kind === 'anonymous' ? '203.0.113.77' : e.who.account !== e.account ? '192.0.2.45' : '10.20.3.41',
    userAgent: plain ? '[aws-sdk-java/1.11.30 Linux/3.10]' : '[aws-sdk-java/2.25.60 Linux/5.10 OpenJDK_64-Bit_Server_VM/17]',
    requestParameters: { bucketName: e.bucket, Host: `${e.bucket}.s3.${e.region}.amazonaws.com`, key },
    responseElements: null,
    additionalEventData: plain
      ? { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 0, bytesTransferredOut: 2048 }
      : { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 0, bytesTransferredOut: 2048 },
    requestID: hex(`s3req:${e.bucket}:${e.time}:${key}`, 16).toUpperCase(),
    eventID: uuidOf(`s3evt:${e.bucket}:${e.time}:${name}:${key}`),
    readOnly: /^(Get|Head|List)/.test(name),
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${e.bucket}/${key}` },
      { accountId: e.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${e.bucket}` }
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: e.account,
    eventCategory: 'Data'
  }
  if (!plain) r.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${e.bucket}.s3.${e.region}.amazonaws.com` }
  if (e.transport === 'console') {
    r.userAgent = '[AWS Console S3, aws-internal/3 aws-sdk-java/1.12.772]'
    r.tlsDetails = { clientProvidedHostHeader: 's3.console.aws.amazon.com' }
    r.sessionCredentialFromConsole = 'true'
  }
  if (e.errorCode) {
    r.errorCode = e.errorCode
    r.errorMessage = e.errorCode === 'AccessDenied' ? 'Access Denied' : e.errorCode
    r.additionalEventData = { ...(r.additionalEventData as Json), bytesTransferredOut: 0 }
  }
  return r
}

// ---- S3 server access logs ----------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** One server access log line in the documented field order (FORMATS.md B3). */
export function accessLogLine(o: {
  bucket: string
  owner: string
  time: string
  op?: string
  key?: string
  requester: string
  ip: string
  http?: boolean
  status?: number
  error?: string
  agent?: string
}): string {
  const d = new Date(o.time)
  const p = (n: number): string => String(n).padStart(2, '0')
  const t = `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`
  const op = o.op ?? 'REST.GET.OBJECT'
  const key = o.key ?? 'exports/daily.csv'
  const method = op.split('.')[1] ?? 'GET'
  const cipher = o.http ? '-' : 'ECDHE-RSA-AES128-GCM-SHA256'
  const tls = o.http ? '-' : 'TLSv1.2'
  const host = `${o.bucket}.s3.us-east-1.amazonaws.com`
  return [
    hex(`owner:${o.owner}`, 64),
    o.bucket,
    t,
    o.ip,
    o.requester,
    hex(`alreq:${o.bucket}:${o.time}:${key}`, 16).toUpperCase(),
    op,
    key,
    `"${method} /${key} HTTP/1.1"`,
    String(o.status ?? 200),
    o.error ?? '-',
    '18324',
    '18324',
    '41',
    '12',
    '"-"',
    `"${o.agent ?? 'aws-sdk-java/1.11.30 Linux/3.10'}"`,
    '-',
    Buffer.from(hex(`host:${o.time}`, 48), 'hex').toString('base64'),
    'SigV4',
    cipher,
    'AuthHeader',
    host,
    tls,
    '-',
    '-'
  ].join(' ')
}

// ---- VPC flow logs (custom format with tcp-flags) -----------------------------------------------

export const FLOW_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction'

export function flowLine(o: {
  account: string
  eni: string
  src: string
  dst: string
  srcPort: number
  dstPort: number
  packets: number
  bytes: number
  start: string
  action?: string
  flags: number
}): string {
  const s = Math.floor(Date.parse(o.start) / 1000)
  return `5 ${o.account} ${o.eni} ${o.src} ${o.dst} ${o.srcPort} ${o.dstPort} 6 ${o.packets} ${o.bytes} ${s} ${s + 60} ${o.action ?? 'ACCEPT'} OK ${o.flags} ingress`
}

export function noDataLine(account: string, eni: string, start: string): string {
  const s = Math.floor(Date.parse(start) / 1000)
  return `5 ${account} ${eni} - - - - - - - ${s} ${s + 60} - NODATA - -`
}

// ---- the world ----------------------------------------------------------------------------------

export interface Bucket {
  name: string
  region: string
  tags: Record<string, string>
  policy: Json | null
  publicAccessBlock: Json | null
  acl: Json | null
  objectCount: number
  website: boolean
  /** the trail records its S3 data events */
  dataEvents: boolean
  creationDate: string
}

export interface Instance {
  id: string
  region: string
  name: string
  tags: Record<string, string>
  httpTokens: 'optional' | 'required'
  hopLimit: number
  profile: string | null
  groups: string[]
  eni: string
  privateIp: string
  publicIp: string | null
  state?: string
  /** the instance's (and its interface's) subnet and VPC; the render's defaults when absent */
  subnet?: string
  vpc?: string
  /** the public address is an Elastic IP of the account (Association.IpOwnerId the account), not one EC2 assigned at launch ("amazon") */
  elasticIp?: boolean
}

export interface SecurityGroup {
  id: string
  region: string
  name: string
  vpc: string
  tags: Record<string, string>
  permissions: Json[]
  /** IpPermissionsEgress; the default (all traffic to 0.0.0.0/0, as EC2 creates a group) when absent */
  egress?: Json[]
}

export interface Expected {
  control: string
  resource: string
  /** for settings of an account that exist once per Region */
  region?: string
  verdict: 'SAFE' | 'RISKY' | 'UNSAFE' | 'UNSCORED'
  /** step answers that must hold (a subset) */
  steps?: Record<string, 'yes' | 'no' | 'unknown'>
  /** text each of these steps' explanations must contain */
  explains?: Record<string, string>
  why: string
  /** text a step's explanation must contain (step id → text) */
  says?: Record<string, string>
  /** text a step's explanation must not contain: what a wrong explanation said */
  never?: Record<string, string>
}

export interface AccountWorld {
  account: string
  alias: string
  environment: string
  regions: Set<string>
  buckets: Bucket[]
  accountPab: Json | null
  instances: Instance[]
  securityGroups: SecurityGroup[]
  ebs: Record<string, { EbsEncryptionByDefault: boolean; KmsKeyId: string | null }>
  credentialReport: string[]
  ecsTasks: Json[]
  eksPods: Json[]
  ecrImages: Json[]
  /** DescribeDBInstances items (with the Lastmile-added NetworkInterfaces), inventory/rds-instances.json */
  rdsInstances: Json[]
  cloudfront: Json[]
  /** DescribeNetworkInterfaces items beside the instances' own (written only with the 'enis' inventory) */
  networkInterfaces: Json[]
  /** inventories written even when empty (an empty list is evidence: "there is none") */
  inventories: Set<'cloudfront' | 'ecs' | 'eks' | 'ecr' | 'enis' | 'asgs'>
  /** CloudTrail records by region (management events and S3 data events) */
  trail: Map<string, Json[]>
  /** Regions in the bundle's scope whose CloudTrail files were not collected */
  trailNotCollected: Set<string>
  accessLogs: Map<string, string[]>
  flows: string[]
  metrics: Json[]
  /** ListFunctions items with the Lastmile-added policy and urlConfig, inventory/lambda-functions.json */
  lambdaFunctions: Json[]
  /** function ARNs whose Invoke data events the account's trail records (basic selector DataResources) */
  lambdaDataEvents: string[]
  /** GetAccountAuthorizationDetails output, inventory/iam-authorization.json (null: not collected) */
  iamAuthorization: Json | null
  /** ListVirtualMFADevices items, inventory/iam-virtual-mfa-devices.json (null: not collected) */
  virtualMfaDevices: Json[] | null
  /** GetQueueAttributes-bearing queues, inventory/sqs-queues.json; GetTopicAttributes-bearing topics, inventory/sns-topics.json */
  sqsQueues: Json[]
  snsTopics: Json[]
  /** advanced event selectors of data events: when any, the trail is written with advanced selectors (management events, then these) */
  dataEventSelectors: Json[]
  /** elbv2 DescribeLoadBalancers items with their TargetGroups and TargetHealthDescriptions, inventory/load-balancers.json (null: not collected) */
  loadBalancers: Json[] | null
  /** DescribeCluster `cluster` objects (eksCluster), inventory/eks-clusters.json (written when not empty) */
  eksClusters: Json[]
  /** {KeyId, KeyArn, KeyMetadata, Policy} keys, inventory/kms-keys.json (written when not empty) */
  kmsKeys: Json[]
  /** event sources the trail leaves out of its management events (ExcludeManagementEventSources; an eventSource NotEquals when advanced) */
  excludedManagementSources: string[]
  /** load balancer access log lines (albLogLine) by "<region> <elb field>", elb-access-logs/… one gzip file a month */
  elbAccessLogs: Map<string, string[]>
  /** DescribeDomains DomainStatus items (opensearchDomain), inventory/opensearch-domains.json (written when not empty) */
  opensearchDomains: Json[]
  /** audit documents by domain name (opensearchAudit), opensearch-audit/<domain>/audit.jsonl: CloudWatch Logs events, one a line */
  opensearchAudit: Map<string, Json[]>
  /** DescribeRouteTables / DescribeSubnets items with "Region" (inventory/route-tables.json, subnets.json; written when not empty) */
  routeTables: Json[]
  subnets: Json[]
  /** DescribeAutoScalingGroups / DescribeLaunchConfigurations / DescribeLaunchTemplateVersions items with "Region" (inventory/auto-scaling-groups.json and its two companions, written together when a group is given) */
  autoScalingGroups: Json[]
  launchConfigurations: Json[]
  launchTemplateVersions: Json[]
  /** GetDistributionConfig answers ({Id, ARN, ETag, DistributionConfig}), inventory/cloudfront-distribution-configs.json (written when not empty) */
  cloudfrontConfigs: Json[]
  /** CloudFront standard log lines (cloudFrontLogLine) by distribution id, cloudfront-logs/<id>/… */
  cloudfrontLogs: Map<string, string[]>
  /** Classic DescribeLoadBalancers items (clbLoadBalancer), inventory/load-balancers.json "LoadBalancerDescriptions" (null: not collected) */
  classicLoadBalancers: Json[] | null
}

export interface AzureWorld {
  subscription: string
  storageAccounts: Json[]
  storageLogs: string[]
  activity: Json[]
  /** ARM container list items by storage account name, blob-containers/<name>.json (an account without an entry: not listed) */
  blobContainers: Map<string, Json[]>
  /** ARM network security group list items, network-security-groups.json (written when not empty) */
  nsgs: Json[]
  /** NSG flow log records (nsgFlowRecord) by NSG id, nsg-flow-logs/… */
  nsgFlows: Map<string, Json[]>
  /** Microsoft Graph lists by file name under entra/ (users.json, directory-role-assignments.json, sign-ins.json, directory-audits.json); a file without an entry: not collected */
  entra: Map<string, Json[]>
  /** ARM role assignment list items, role-assignments.json (null: not collected) */
  roleAssignments: Json[] | null
  /** ARM managed cluster list items (aksCluster), aks-clusters.json (written when not empty) */
  aksClusters: Json[]
  /** ARM SQL server list items with firewallRules / virtualNetworkRules beside (sqlServer), sql-servers.json (written when not empty) */
  sqlServers: Json[]
  /** SQL audit records (sqlAuditRecord) by server id, sql-audit-logs/… */
  sqlAudit: Map<string, Json[]>
  /** ARM key vault list items (keyVault), key-vaults.json (written when not empty) */
  keyVaults: Json[]
  /** Key Vault AuditEvent records (vaultAuditRecord) by vault id, keyvault-logs/… */
  vaultLogs: Map<string, Json[]>
}

export interface Findings {
  asff: Json[]
  prowler: Json[]
  trivy: Array<{ name: string; report: Json }>
  /** Wiz issues export rows (column → cell), written as wiz-issues.csv */
  wiz: Array<Record<string, string>>
  /** Defender for Cloud recommendation rows (defenderRecommendation), written as defender-recommendations.csv */
  defender: Array<Record<string, string>>
}

/** A Kubernetes cluster's evidence: kubernetes/<name>/rbac.json and its audit lines (kubernetes/<name>/audit/). */
export interface ClusterWorld {
  name: string
  /** roles, cluster roles and bindings (k8sRole, k8sBinding) */
  rbac: Json[]
  /** AKS diagnostic records of category kube-audit, one JSON a line (kubeAudit) */
  audit: string[]
  /** pods, controllers and service accounts (k8sWorkload, k8sServiceAccount): workloads.json when any */
  workloads: Json[]
  /** containers' use (promSeries), metrics/cpu.json and metrics/memory.json as Prometheus range-query answers, when any */
  metrics?: { cpu: Json[]; memory: Json[] }
  /** nodes, resource quotas and limit ranges (k8sNode, k8sResourceQuota, k8sLimitRange): capacity.json when any */
  capacity?: Json[]
  /** each node's kubelet Summary API (kubeletSummary), stats/<node>.json */
  stats?: Json[]
  /** images.json's entries when any: { image, config } (k8sImage) */
  images: Json[]
}

export class World {
  readonly accounts = new Map<string, AccountWorld>()
  readonly azure = new Map<string, AzureWorld>()
  readonly findings: Findings = { asff: [], prowler: [], trivy: [], wiz: [], defender: [] }
  readonly expected: Expected[] = []
  readonly kubernetes = new Map<string, ClusterWorld>()
  /** Terraform states by file name, iac/terraform-state/<name> (terraformShowJson, terraformStateV4) */
  readonly terraformStates = new Map<string, Json>()

  cluster(name: string): ClusterWorld {
    let c = this.kubernetes.get(name)
    if (!c) this.kubernetes.set(name, (c = { name, rbac: [], audit: [], workloads: [], images: [] }))
    return c
  }

  account(account: string, alias = `acct-${account}`, environment = 'prod'): AccountWorld {
    let a = this.accounts.get(account)
    if (!a) {
      a = {
        account,
        alias,
        environment,
        regions: new Set(),
        buckets: [],
        accountPab: null,
        instances: [],
        securityGroups: [],
        ebs: {},
        credentialReport: [],
        ecsTasks: [],
        eksPods: [],
        ecrImages: [],
        rdsInstances: [],
        cloudfront: [],
        networkInterfaces: [],
        inventories: new Set(),
        trail: new Map(),
        trailNotCollected: new Set(),
        accessLogs: new Map(),
        flows: [],
        metrics: [],
        lambdaFunctions: [],
        lambdaDataEvents: [],
        iamAuthorization: null,
        virtualMfaDevices: null,
        sqsQueues: [],
        snsTopics: [],
        dataEventSelectors: [],
        loadBalancers: null,
        eksClusters: [],
        kmsKeys: [],
        excludedManagementSources: [],
        elbAccessLogs: new Map(),
        opensearchDomains: [],
        opensearchAudit: new Map(),
        routeTables: [],
        subnets: [],
        autoScalingGroups: [],
        launchConfigurations: [],
        launchTemplateVersions: [],
        cloudfrontConfigs: [],
        cloudfrontLogs: new Map(),
        classicLoadBalancers: null
      }
      this.accounts.set(account, a)
    }
    return a
  }

  subscription(id: string): AzureWorld {
    let z = this.azure.get(id)
    if (!z)
      this.azure.set(
        id,
        (z = {
          subscription: id,
          storageAccounts: [],
          storageLogs: [],
          activity: [],
          blobContainers: new Map(),
          nsgs: [],
          nsgFlows: new Map(),
          entra: new Map(),
          roleAssignments: null,
          aksClusters: [],
          sqlServers: [],
          sqlAudit: new Map(),
          keyVaults: [],
          vaultLogs: new Map()
        })
      )
    return z
  }

  ct(account: string, region: string, record: Json): void {
    const a = this.account(account)
    a.regions.add(region)
    const list = a.trail.get(region) ?? []
    list.push(record)
    a.trail.set(region, list)
  }

  expect(e: Expected): void {
    this.expected.push(e)
  }
}

// ---- finding exports ----------------------------------------------------------------------------

const SEVERITY_IDS: Record<string, number> = { Informational: 1, Low: 2, Medium: 3, High: 4, Critical: 5 }

/** A Security Hub control finding (ASFF, consolidated control findings). */
export function asffControl(o: {
  account: string
  region: string
  control: string
  title: string
  severity: string
  resourceType: string
  resourceId: string
  tags?: Record<string, string>
  details?: Json
}): Json {
  const id = `arn:aws:securityhub:${o.region}:${o.account}:security-control/${o.control}/finding/${uuidOf(`sh:${o.control}:${o.resourceId}:${o.region}`)}`
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${o.region}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: o.region,
    GeneratorId: `security-control/${o.control}`,
    AwsAccountId: o.account,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    FirstObservedAt: '2026-09-02T08:14:07.512Z',
    LastObservedAt: '2026-11-19T22:41:55.093Z',
    CreatedAt: '2026-09-02T08:14:07.512Z',
    UpdatedAt: '2026-11-19T22:41:55.093Z',
    Severity: { Label: o.severity.toUpperCase(), Normalized: { Low: 1, Medium: 40, High: 70, Critical: 90 }[o.severity] ?? 40, Original: o.severity.toUpperCase() },
    Title: o.title,
    Description: `This control checks ${o.title.toLowerCase()}.`,
    Remediation: {
      Recommendation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: `https://docs.aws.amazon.com/console/securityhub/${o.control}/remediation`
      }
    },
    ProductFields: {
      'aws/securityhub/ProductName': 'Security Hub',
      'aws/securityhub/CompanyName': 'AWS',
      'Resources:0/Id': o.resourceId,
      'aws/securityhub/FindingId': id
    },
    Resources: [{ Type: o.resourceType, Id: o.resourceId, Partition: 'aws', Region: o.region, ...(o.tags ? { Tags: o.tags } : {}), ...(o.details ? { Details: o.details } : {}) }],
    Compliance: { Status: 'FAILED', SecurityControlId: o.control, AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }] },
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    FindingProviderFields: {
      Severity: { Label: o.severity.toUpperCase(), Original: o.severity.toUpperCase() },
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards']
    }
  }
}

/** An Inspector vulnerability on an ECR image, as Security Hub carries it (ASFF). */
export function asffInspectorImage(o: {
  account: string
  region: string
  repository: string
  digest: string
  cve: string
  pkg: string
  version: string
  fixed: string | null
  manager: string
  severity: string
}): Json {
  const id = `arn:aws:inspector2:${o.region}:${o.account}:finding/${hex(`insp:${o.digest}:${o.cve}:${o.pkg}`, 32)}`
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${o.region}::product/aws/inspector`,
    ProductName: 'Inspector',
    CompanyName: 'Amazon',
    Region: o.region,
    GeneratorId: 'AWSInspector',
    AwsAccountId: o.account,
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    FirstObservedAt: '2026-10-03T11:02:19Z',
    LastObservedAt: '2026-11-19T06:30:02Z',
    CreatedAt: '2026-10-03T11:02:19Z',
    UpdatedAt: '2026-11-19T06:30:02Z',
    Severity: { Label: o.severity.toUpperCase(), Normalized: o.severity === 'High' ? 70 : 40 },
    Title: `${o.cve} - ${o.pkg}`,
    Description: `${o.cve} affects ${o.pkg} ${o.version}.`,
    Remediation: { Recommendation: { Text: o.fixed ? `Upgrade ${o.pkg} to ${o.fixed}.` : 'None provided' } },
    ProductFields: {
      'aws/inspector/FindingStatus': 'ACTIVE',
      'aws/inspector/inspectorScore': '7.5',
      'aws/securityhub/ProductName': 'Inspector',
      'aws/securityhub/CompanyName': 'Amazon'
    },
    Resources: [
      {
        Type: 'AwsEcrContainerImage',
        Id: `arn:aws:ecr:${o.region}:${o.account}:repository/${o.repository}/${o.digest}`,
        Partition: 'aws',
        Region: o.region,
        Details: {
          AwsEcrContainerImage: {
            RegistryId: o.account,
            RepositoryName: o.repository,
            Architecture: 'amd64',
            ImageDigest: o.digest,
            ImageTags: ['2026.09.30'],
            ImagePublishedAt: '2026-09-30T12:00:00Z'
          }
        }
      }
    ],
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    Vulnerabilities: [
      {
        Id: o.cve,
        VulnerablePackages: [
          {
            Name: o.pkg,
            Version: o.version,
            Epoch: '0',
            PackageManager: o.manager,
            ...(o.fixed ? { FixedInVersion: o.fixed } : {}),
            Remediation: o.fixed ? `yum update ${o.pkg}` : 'None'
          }
        ],
        Cvss: [{ Version: '3.1', BaseScore: 7.5, BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', Source: 'NVD' }],
        Vendor: { Name: 'NVD', Url: `https://nvd.nist.gov/vuln/detail/${o.cve}`, VendorSeverity: o.severity.toUpperCase() },
        ReferenceUrls: [`https://nvd.nist.gov/vuln/detail/${o.cve}`],
        FixAvailable: o.fixed ? 'YES' : 'NO'
      }
    ],
    FindingProviderFields: { Severity: { Label: o.severity.toUpperCase() }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'] }
  }
}

/** A Prowler JSON-OCSF finding (Detection Finding, class 2004), as `prowler -M json-ocsf` writes it. */
export function prowlerFinding(o: {
  provider: 'aws' | 'azure'
  account: string
  region: string
  check: string
  title: string
  severity: 'Low' | 'Medium' | 'High' | 'Critical'
  service: string
  resourceType: string
  resourceUid: string
  resourceName: string
  detail: string
  labels?: string[]
}): Json {
  return {
    message: o.detail,
    metadata: {
      event_code: o.check,
      product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.4.0' },
      profiles: ['cloud', 'datetime'],
      tenant_uid: '',
      version: '1.4.0'
    },
    severity_id: SEVERITY_IDS[o.severity],
    severity: o.severity,
    status: 'New',
    status_code: 'FAIL',
    status_detail: o.detail,
    status_id: 1,
    unmapped: { related_url: '', categories: [], depends_on: [], related_to: [], additional_urls: [], notes: '', compliance: {} },
    activity_name: 'Create',
    activity_id: 1,
    finding_info: {
      created_time: 1763545200,
      created_time_dt: '2026-11-19T09:40:00.000000',
      desc: o.title,
      product_uid: 'prowler',
      title: o.title,
      types: [],
      uid: `prowler-${o.provider}-${o.check}-${o.account}-${o.region}-${o.resourceName}`
    },
    resources: [
      {
        cloud_partition: o.provider === 'aws' ? 'aws' : 'AzureCloud',
        region: o.region,
        data: { details: '', metadata: { name: o.resourceName } },
        group: { name: o.service },
        labels: o.labels ?? [],
        name: o.resourceName,
        type: o.resourceType,
        uid: o.resourceUid
      }
    ],
    category_name: 'Findings',
    category_uid: 2,
    class_name: 'Detection Finding',
    class_uid: 2004,
    cloud: {
      account: { name: '', type: o.provider === 'aws' ? 'AWS Account' : 'Azure AD Account', type_id: o.provider === 'aws' ? 10 : 99, uid: o.account, labels: [] },
      org: { name: '', uid: '' },
      provider: o.provider,
      region: o.region
    },
    remediation: { desc: 'See the check documentation.', references: [] },
    risk_details: o.title,
    time: 1763545200,
    time_dt: '2026-11-19T09:40:00.000000',
    type_uid: 200401,
    type_name: 'Detection Finding: Create'
  }
}

export interface TrivyVuln {
  id: string
  pkg: string
  installed: string
  fixed: string | null
  severity: string
  title: string
}

/** `trivy image -f json` for one image (SchemaVersion 2). */
export function trivyReport(o: {
  repository: string
  digest: string
  tag: string
  os: { family: string; name: string }
  osVulns: TrivyVuln[]
  langVulns: Array<TrivyVuln & { target: string; type: string }>
}): Json {
  const vuln = (v: TrivyVuln, cls: string): Json => ({
    VulnerabilityID: v.id,
    PkgID: `${v.pkg}@${v.installed}`,
    PkgName: v.pkg,
    InstalledVersion: v.installed,
    ...(v.fixed ? { FixedVersion: v.fixed } : {}),
    Status: v.fixed ? 'fixed' : 'affected',
    Layer: { DiffID: `sha256:${hex(`layer:${o.digest}:${cls}`, 64)}` },
    SeveritySource: cls === 'os-pkgs' ? o.os.family : 'ghsa',
    PrimaryURL: `https://avd.aquasec.com/nvd/${v.id.toLowerCase()}`,
    Title: v.title,
    Description: v.title,
    Severity: v.severity
  })
  const results: Json[] = []
  if (o.osVulns.length)
    results.push({
      Target: `${o.repository}:${o.tag} (${o.os.family} ${o.os.name})`,
      Class: 'os-pkgs',
      Type: o.os.family,
      Vulnerabilities: o.osVulns.map((v) => vuln(v, 'os-pkgs'))
    })
  const byTarget = new Map<string, Array<TrivyVuln & { target: string; type: string }>>()
  for (const v of o.langVulns) byTarget.set(v.target, [...(byTarget.get(v.target) ?? []), v])
  for (const [target, list] of byTarget) results.push({ Target: target, Class: 'lang-pkgs', Type: list[0].type, Vulnerabilities: list.map((v) => vuln(v, 'lang-pkgs')) })
  return {
    SchemaVersion: 2,
    CreatedAt: '2026-11-19T05:12:44.301922+00:00',
    ArtifactName: `${o.repository}@${o.digest}`,
    ArtifactType: 'container_image',
    Metadata: {
      OS: { Family: o.os.family, Name: o.os.name },
      ImageID: `sha256:${hex(`config:${o.digest}`, 64)}`,
      DiffIDs: [`sha256:${hex(`layer:${o.digest}:os-pkgs`, 64)}`, `sha256:${hex(`layer:${o.digest}:lang-pkgs`, 64)}`],
      RepoTags: [`${o.repository}:${o.tag}`],
      RepoDigests: [`${o.repository}@${o.digest}`],
      ImageConfig: { architecture: 'amd64', os: 'linux' }
    },
    Results: results
  }
}

// ---- IAM: the root user and console sign-ins (appended for aws.iam.root-access-key and aws.iam.console-mfa) ----

/** A call by the root user: with its access key (`key`, AKIA…) or, without one, in a console session (ASIA…). */
export function rootCallRecord(o: { time: string; account: string; region: string; source: string; name: string; ip: string; key?: string; readOnly?: boolean }): Json {
  const r = managementRecord({ time: o.time, account: o.account, region: o.region, source: o.source, name: o.name, who: user(o.account, 'root'), readOnly: o.readOnly })
  r.userIdentity = {
    type: 'Root',
    principalId: o.account,
    arn: `arn:aws:iam::${o.account}:root`,
    accountId: o.account,
    accessKeyId: o.key ?? `ASIA${hex(`console:${o.account}:${o.time}`, 16).toUpperCase()}`,
    ...(o.key ? {} : { sessionContext: { attributes: { creationDate: o.time, mfaAuthenticated: 'true' } } })
  }
  r.sourceIPAddress = o.ip
  r.userAgent = o.key ? 'Boto3/1.26.137 Python/3.8.10 Linux/5.15.0 Botocore/1.29.137' : 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)'
  if (!o.key) r.sessionCredentialFromConsole = 'true'
  return r
}

/** A ConsoleLogin event (signin.amazonaws.com): the root user (`user` '<root>') or an IAM user, with or without MFA. */
export function consoleLoginRecord(o: { time: string; account: string; region: string; user: string; ip: string; mfa: boolean; success?: boolean }): Json {
  const root = o.user === '<root>'
  const name = o.user.split('/').pop()!
  return {
    eventVersion: '1.09',
    userIdentity: root
      ? { type: 'Root', principalId: o.account, arn: `arn:aws:iam::${o.account}:root`, accountId: o.account, accessKeyId: '' }
      : {
          type: 'IAMUser',
          principalId: `AIDA${hex(`uid:${o.account}:${name}`, 16).toUpperCase()}`,
          arn: `arn:aws:iam::${o.account}:user/${o.user}`,
          accountId: o.account,
          accessKeyId: '',
          userName: name
        },
    eventTime: o.time,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: o.region,
    sourceIPAddress: o.ip,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    requestParameters: null,
    responseElements: { ConsoleLogin: o.success === false ? 'Failure' : 'Success' },
    ...(o.success === false ? { errorMessage: 'Failed authentication' } : {}),
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: o.mfa ? 'Yes' : 'No' },
    eventID: uuidOf(`login:${o.account}:${o.user}:${o.time}`),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: o.account,
    eventCategory: 'Management'
  }
}

export const CREDENTIAL_REPORT_COLUMNS = 22

/** One row of the IAM credential report (the columns of REPORT_HEADER in pieces.ts), every cell given as IAM writes it. */
export function credentialReportRow(o: {
  user: string
  arn: string
  created: string
  password: 'true' | 'false' | 'not_supported'
  passwordUsed?: string
  passwordChanged?: string
  mfa: boolean
  keys?: Array<{ active: boolean; rotated: string; used?: string; region?: string; service?: string } | null>
}): string {
  const key = (k: { active: boolean; rotated: string; used?: string; region?: string; service?: string } | null | undefined) =>
    k ? [String(k.active), k.rotated, k.used ?? 'N/A', k.used ? (k.region ?? 'us-east-1') : 'N/A', k.used ? (k.service ?? 's3') : 'N/A'] : ['false', 'N/A', 'N/A', 'N/A', 'N/A']
  const pw = o.password === 'true'
  const cells = [
    o.user,
    o.arn,
    o.created,
    o.password,
    o.passwordUsed ?? (pw ? 'no_information' : 'N/A'),
    o.passwordChanged ?? (pw ? o.created : o.password === 'not_supported' ? 'not_supported' : 'N/A'),
    o.password === 'not_supported' ? 'not_supported' : 'N/A',
    String(o.mfa),
    ...key(o.keys?.[0]),
    ...key(o.keys?.[1]),
    'false',
    'N/A',
    'false',
    'N/A'
  ]
  if (cells.length !== CREDENTIAL_REPORT_COLUMNS) throw new Error(`credentialReportRow: ${cells.length} cells`)
  return cells.join(',')
}

// ---- Azure storage accounts and their resource logs ------------------------------------------------

/** One storage account as the ARM list gives it (storage-accounts.json). `allowBlobPublicAccess` null: the property left out. */
export function azureStorageAccount(
  id: string,
  name: string,
  o: { https: boolean; tls: string; tags: Record<string, string>; kind?: string; allowBlobPublicAccess?: boolean | null }
): Json {
  return {
    id,
    name,
    type: 'Microsoft.Storage/storageAccounts',
    location: 'westeurope',
    kind: o.kind ?? 'StorageV2',
    sku: { name: 'Standard_ZRS', tier: 'Standard' },
    tags: o.tags,
    properties: {
      supportsHttpsTrafficOnly: o.https,
      minimumTlsVersion: o.tls,
      ...(o.allowBlobPublicAccess === null ? {} : { allowBlobPublicAccess: o.allowBlobPublicAccess ?? false }),
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
      encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } } },
      creationTime: '2023-04-17T09:30:12.4411235Z',
      primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/`, file: `https://${name}.file.core.windows.net/` }
    }
  }
}

/** One item of the ARM blob container list (blob-containers/<account>.json) of the account with ARM id `account`. */
export function blobContainer(account: string, name: string, publicAccess: 'None' | 'Blob' | 'Container'): Json {
  return {
    id: `${account}/blobServices/default/containers/${name}`,
    name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    etag: `"0x8DC${hex(`etag:${account}:${name}`, 12).toUpperCase()}"`,
    properties: {
      publicAccess,
      leaseStatus: 'Unlocked',
      leaseState: 'Available',
      hasImmutabilityPolicy: false,
      hasLegalHold: false,
      lastModifiedTime: '2024-02-11T08:14:03.0000000Z'
    }
  }
}

/**
 * One storage resource log record (StorageRead, FORMATS.md B5) of account `name` (ARM id `id`), as a
 * diagnostic setting writes it: an OAuth caller by default; `anonymous` for an anonymous request
 * (identity type Anonymous, no requester), with its container/object path, caller address and status.
 */
export function storageLog(
  id: string,
  name: string,
  time: string,
  o: {
    protocol: 'HTTPS' | 'HTTP' | 'SMB' | 'NFS'
    tls?: string | null
    op?: string
    who?: string
    anonymous?: boolean
    path?: string
    ip?: string
    status?: number
    website?: boolean
  }
): string {
  const file = o.protocol === 'SMB' || o.protocol === 'NFS'
  const service = file ? 'file' : 'blob'
  return JSON.stringify({
    time,
    resourceId: `${id}/${file ? 'fileServices' : 'blobServices'}/default`,
    category: 'StorageRead',
    operationName: o.op ?? (file ? 'Read' : 'GetBlob'),
    operationVersion: '2021-08-06',
    schemaVersion: '1.0',
    statusCode: o.status ?? 200,
    statusText: (o.status ?? 200) < 400 ? 'Success' : 'AnonymousAuthorizationError',
    durationMs: 12,
    callerIpAddress: `${o.ip ?? `10.40.2.${parseInt(hex(time, 2), 16) % 200}`}:${49152 + (parseInt(hex(time, 3), 16) % 1000)}`,
    correlationId: uuidLike(`${name}:${time}`),
    identity: o.anonymous
      ? { type: 'Anonymous' }
      : {
          type: 'OAuth',
          tokenHash: `key1(${hex(`tok:${name}`, 64).toUpperCase()})`,
          requester: { objectId: uuidLike(`obj:${o.who ?? name}`), upn: o.who ?? `svc-${name}@acme.example` }
        },
    location: 'westeurope',
    properties: {
      accountName: name,
      userAgentHeader: o.protocol === 'HTTP' ? 'Azure-Storage/9.3.2 (.NET CLR 4.0.30319.42000; Win32NT 6.3.9600.0)' : 'azsdk-net-Storage.Blobs/12.19.1',
      serviceType: service,
      objectKey: `/${name}/${o.path ?? 'data/report.csv'}`,
      ...(o.tls ? { tlsVersion: o.tls } : {})
    },
    // the static website endpoint serves $web's blobs at the root: https://<account>.z6.web.core.windows.net/index.html
    uri: o.website
      ? `https://${name}.z6.web.core.windows.net/${(o.path ?? '').replace(/^\$web\//, '')}`
      : `${o.protocol === 'HTTP' ? 'http' : 'https'}://${name}.${service}.core.windows.net:${o.protocol === 'HTTP' ? 80 : 443}/${o.path ?? 'data/report.csv'}`,
    protocol: o.protocol,
    resourceType: `Microsoft.Storage/storageAccounts/${file ? 'fileServices' : 'blobServices'}`
  })
}

const uuidLike = (s: string): string => {
  const h = hex(s, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// ---- Lambda -------------------------------------------------------------------------------------

/** A Lambda Invoke data event as the function owner's trail records it (resources name the function). */
export function lambdaInvokeRecord(e: { time: string; account: string; region: string; functionArn: string; who: Principal; errorCode?: string }): Json {
  const r: Json = {
    eventVersion: '1.09',
    userIdentity: identity(e.who, e.time),
    eventTime: e.time,
    eventSource: 'lambda.amazonaws.com',
    eventName: 'Invoke',
    awsRegion: e.region,
    sourceIPAddress: e.who.kind === 'service' ? e.who.name : e.who.account !== e.account ? '192.0.2.45' : '10.20.3.41',
    userAgent: e.who.kind === 'service' ? e.who.name : 'aws-sdk-java/2.25.60 Linux/5.10',
    requestParameters: { functionName: e.functionArn, invocationType: 'RequestResponse' },
    responseElements: null,
    requestID: uuidOf(`lreq:${e.functionArn}:${e.time}`),
    eventID: uuidOf(`levt:${e.functionArn}:${e.time}`),
    readOnly: false,
    resources: [{ accountId: e.account, type: 'AWS::Lambda::Function', ARN: e.functionArn }],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: e.account,
    eventCategory: 'Data',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `lambda.${e.region}.amazonaws.com` }
  }
  if (e.who.kind !== 'service' && e.who.account !== e.account) r.sharedEventID = uuidOf(`lshared:${e.functionArn}:${e.time}`)
  if (e.errorCode) {
    r.errorCode = e.errorCode
    r.errorMessage = `${e.errorCode} for Invoke`
  }
  return r
}

// ---- Inspector package vulnerabilities on EC2 instances (appended for software.package.vulnerable) ----

/** An Inspector package vulnerability on an EC2 instance, as Security Hub carries it (ASFF): the image's record on another resource. */
export function asffInspectorInstance(o: {
  account: string
  region: string
  instance: string
  cve: string
  pkg: string
  /** version and release as installed ("1.0.2k" and "24.amzn2.0.6"), epoch 0 unless given */
  version: string
  release?: string
  epoch?: string
  fixed: string | null
  /** OS for a distribution package, else the ecosystem: JAR, NPM, PYTHONPKG, … */
  manager: string
  severity: string
  exploit: boolean
}): Json {
  const r = asffInspectorImage({ ...o, repository: '', digest: o.instance })
  r.Resources = [
    {
      Type: 'AwsEc2Instance',
      Id: `arn:aws:ec2:${o.region}:${o.account}:instance/${o.instance}`,
      Partition: 'aws',
      Region: o.region,
      Details: { AwsEc2Instance: { Type: 't3.medium', ImageId: 'ami-0abcdef1234567890' } }
    }
  ]
  const v = (r.Vulnerabilities as Json[])[0]
  const p = (v.VulnerablePackages as Json[])[0]
  p.Epoch = o.epoch ?? '0'
  if (o.release) p.Release = o.release
  p.Remediation = o.fixed ? `Upgrade ${o.pkg} to ${o.fixed}` : 'None'
  v.ExploitAvailable = o.exploit ? 'YES' : 'NO'
  return r
}

// ---- Azure network security groups and their flow logs ---------------------------------------------

/** One inbound security rule of an NSG as the ARM list gives it. */
export function nsgRule(o: { name: string; priority: number; source: string | string[]; ports: string | string[]; protocol?: string; access?: 'Allow' | 'Deny' }): Json {
  const src = Array.isArray(o.source) ? o.source : [o.source]
  const ports = Array.isArray(o.ports) ? o.ports : [o.ports]
  return {
    name: o.name,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: {
      provisioningState: 'Succeeded',
      protocol: o.protocol ?? 'Tcp',
      sourcePortRange: '*',
      ...(ports.length === 1 ? { destinationPortRange: ports[0] } : {}),
      ...(src.length === 1 ? { sourceAddressPrefix: src[0] } : {}),
      destinationAddressPrefix: '*',
      access: o.access ?? 'Allow',
      priority: o.priority,
      direction: 'Inbound',
      sourcePortRanges: [],
      destinationPortRanges: ports.length === 1 ? [] : ports,
      sourceAddressPrefixes: src.length === 1 ? [] : src,
      destinationAddressPrefixes: []
    }
  }
}

/** One network security group of the ARM list (network-security-groups.json). `nics`/`subnets` null: the property left out. */
export function nsg(o: { id: string; rules: Json[]; nics: string[] | null; subnets: string[] | null; tags?: Record<string, string> }): Json {
  const name = o.id.split('/').pop()!
  return {
    id: o.id,
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    tags: o.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      securityRules: o.rules.map((r) => ({ ...r, id: `${o.id}/securityRules/${(r as { name: string }).name}` })),
      defaultSecurityRules: [],
      ...(o.nics ? { networkInterfaces: o.nics.map((id) => ({ id })) } : {}),
      ...(o.subnets ? { subnets: o.subnets.map((id) => ({ id })) } : {})
    }
  }
}

/**
 * One NSG flow log record (version 2) of `nsgId`, as Network Watcher writes it: flow tuples grouped by
 * the rule that decided them ("UserRule_<name>", "DefaultRule_<name>"), each
 * "time,src,dst,srcPort,dstPort,T|U,I|O,A|D,B|C|E,packets→,bytes→,packets←,bytes←".
 */
export function nsgFlowRecord(nsgId: string, time: string, mac: string, flows: Array<{ rule: string; tuples: string[] }>): Json {
  return {
    time,
    systemId: uuidLike(`system:${nsgId}`),
    macAddress: mac,
    category: 'NetworkSecurityGroupFlowEvent',
    resourceId: nsgId.toUpperCase(),
    operationName: 'NetworkSecurityGroupFlowEvents',
    properties: { Version: 2, flows: flows.map((f) => ({ rule: f.rule, flows: [{ mac, flowTuples: f.tuples }] })) }
  }
}

// ---- SQS, SNS, KMS: a call naming the resource in `resources` ------------------------------------

/** A call on an SQS queue, SNS topic or KMS key as the resource owner's trail records it (data events for SQS/SNS messages). */
export function resourceCallRecord(e: {
  time: string
  account: string
  region: string
  source: 'sqs.amazonaws.com' | 'sns.amazonaws.com' | 'kms.amazonaws.com'
  name: string
  type: 'AWS::SQS::Queue' | 'AWS::SNS::Topic' | 'AWS::KMS::Key'
  arn: string
  who: Principal
  data: boolean
  requestParameters?: Json
}): Json {
  return {
    eventVersion: '1.09',
    userIdentity: identity(e.who, e.time),
    eventTime: e.time,
    eventSource: e.source,
    eventName: e.name,
    awsRegion: e.region,
    sourceIPAddress: e.who.kind === 'service' ? e.who.name : e.who.account !== e.account ? '192.0.2.45' : '10.20.3.41',
    userAgent: e.who.kind === 'service' ? e.who.name : 'aws-sdk-java/2.25.60 Linux/5.10',
    requestParameters: e.requestParameters ?? null,
    responseElements: null,
    requestID: uuidOf(`rreq:${e.arn}:${e.time}:${e.name}`),
    eventID: uuidOf(`revt:${e.arn}:${e.time}:${e.name}`),
    readOnly: /^(Get|List|Describe|Receive|Decrypt)/.test(e.name),
    resources: [{ accountId: e.account, type: e.type, ARN: e.arn }],
    eventType: 'AwsApiCall',
    managementEvent: !e.data,
    recipientAccountId: e.account,
    eventCategory: e.data ? 'Data' : 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${e.source.split('.')[0]}.${e.region}.amazonaws.com` }
  }
}

// ---- Kubernetes RBAC, audit events and Wiz issues -----------------------------------------------

export interface K8sRule {
  apiGroups?: string[]
  resources: string[]
  verbs: string[]
}

/** A Role (namespace given) or ClusterRole as `kubectl get -o json` lists it. */
export function k8sRole(name: string, namespace: string | null, rules: K8sRule[]): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'Role' : 'ClusterRole',
    metadata: { name, ...(namespace ? { namespace } : {}), uid: uuidOf(`role:${namespace}:${name}`), resourceVersion: '4711', creationTimestamp: '2025-03-02T10:00:00Z' },
    rules: rules.map((r) => ({ apiGroups: r.apiGroups ?? [''], resources: r.resources, verbs: r.verbs }))
  }
}

/** A RoleBinding (namespace given) or ClusterRoleBinding of a role to subjects (ServiceAccount ns/name, or User name). */
export function k8sBinding(
  name: string,
  namespace: string | null,
  role: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Array<{ sa: string } | { user: string } | { group: string }>
): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}), uid: uuidOf(`binding:${namespace}:${name}`), resourceVersion: '4712', creationTimestamp: '2025-03-02T10:00:00Z' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name: role.name },
    subjects: subjects.map((s) =>
      'sa' in s
        ? { kind: 'ServiceAccount', namespace: s.sa.split('/')[0], name: s.sa.split('/')[1] }
        : 'user' in s
          ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: s.user }
          : { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: s.group }
    )
  }
}

/** One audit.k8s.io/v1 Event at stage ResponseComplete, as an AKS diagnostic record of category kube-audit (the event in properties.log). */
export function kubeAudit(
  cluster: string,
  e: { time: string; user: string; verb: string; resource: string; namespace?: string; name?: string; subresource?: string; code?: number; groups?: string[]; ip?: string }
): string {
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: uuidOf(`audit:${cluster}:${e.time}:${e.user}:${e.verb}:${e.resource}:${e.name ?? ''}`),
    stage: 'ResponseComplete',
    requestURI: `/api/v1/${e.namespace ? `namespaces/${e.namespace}/` : ''}${e.resource}${e.name && e.verb !== 'create' ? `/${e.name}` : ''}${e.subresource ? `/${e.subresource}` : ''}`,
    verb: e.verb,
    user: {
      username: e.user,
      groups:
        e.groups ??
        (e.user.startsWith('system:serviceaccount:')
          ? ['system:serviceaccounts', `system:serviceaccounts:${e.user.split(':')[2]}`, 'system:authenticated']
          : ['system:authenticated'])
    },
    sourceIPs: [e.ip ?? '10.224.0.4'],
    objectRef: {
      resource: e.resource,
      ...(e.namespace ? { namespace: e.namespace } : {}),
      ...(e.name ? { name: e.name } : {}),
      ...(e.subresource ? { subresource: e.subresource } : {}),
      apiVersion: 'v1'
    },
    responseStatus: { metadata: {}, code: e.code ?? (e.verb === 'create' ? 201 : 200) },
    requestReceivedTimestamp: e.time.replace('Z', '.000000Z'),
    stageTimestamp: e.time.replace('Z', '.004211Z'),
    annotations: { 'authorization.k8s.io/decision': (e.code ?? 200) === 403 ? 'forbid' : 'allow' }
  }
  return JSON.stringify({
    time: e.time,
    resourceId: `/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-AKS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/${cluster.toUpperCase().slice(0, 24)}`,
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: JSON.stringify(event), stream: 'stdout', pod: 'kube-apiserver-7d9c6b5f4-x2x9q', containerID: hex(`apiserver:${cluster}`, 64) }
  })
}

/** The columns of a Wiz issues export (Issues → Export to CSV), in its order. */
export const WIZ_ISSUE_COLUMNS = [
  'Created At',
  'Title',
  'Severity',
  'Status',
  'Description',
  'Resource Type',
  'Resource external ID',
  'Subscription ID',
  'Control ID',
  'Resource Name',
  'Resource Region',
  'Resource Platform',
  'Resource original JSON',
  'Issue ID',
  'Resource Tags',
  'Kubernetes Cluster',
  'Kubernetes Namespace'
] as const

/** A Wiz issue on a Kubernetes subject (a ServiceAccount or a User), as the issues export gives it. */
export function wizSubjectIssue(o: {
  control: string
  title: string
  subscription: string
  clusterId: string
  clusterName: string
  subject: { sa: string } | { user: string }
  created: string
}): Record<string, string> {
  const sa = 'sa' in o.subject ? o.subject.sa.split('/') : null
  const name = sa ? sa[1] : (o.subject as { user: string }).user
  const id = sa ? `k8s/serviceaccount/${o.clusterId}/${sa[0]}/${sa[1]}` : `k8s/user/${o.clusterId}/${name}`
  return {
    'Created At': o.created,
    Title: o.title,
    Severity: 'INFORMATIONAL',
    Status: 'OPEN',
    Description: '#### Description\nThis account is assigned a permission it may not need.',
    'Resource Type': sa ? 'ServiceAccount' : 'User',
    'Resource external ID': id,
    'Subscription ID': o.subscription,
    'Control ID': o.control,
    'Resource Name': name,
    'Resource Region': '',
    'Resource Platform': 'Kubernetes',
    'Resource original JSON': JSON.stringify(sa ? { metadata: { name, namespace: sa[0] } } : { kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io', namespace: '' }),
    'Issue ID': uuidOf(`wiz:${o.control}:${id}`),
    'Resource Tags': '{}',
    'Kubernetes Cluster': sa ? `${o.subscription}::${o.clusterName}` : '',
    'Kubernetes Namespace': sa ? sa[0] : ''
  }
}

// ---- Entra ID (Microsoft Graph) and Azure RBAC, Wiz Issues ---------------------------------------

/** A Graph user as `GET /v1.0/users?$select=id,userPrincipalName,displayName,userType,externalUserState,accountEnabled,createdDateTime,signInActivity` lists it. */
export function entraUser(o: {
  id: string
  upn: string
  name: string
  guest: boolean
  enabled?: boolean
  /** signInActivity (Entra ID P1): undefined = not licensed (no signInActivity) */
  lastSignIn?: { interactive: string | null; nonInteractive: string | null }
}): Json {
  return {
    id: o.id,
    userPrincipalName: o.upn,
    displayName: o.name,
    userType: o.guest ? 'Guest' : 'Member',
    externalUserState: o.guest ? 'Accepted' : null,
    accountEnabled: o.enabled ?? true,
    createdDateTime: '2024-03-11T09:12:40Z',
    ...(o.lastSignIn
      ? {
          signInActivity: {
            lastSignInDateTime: o.lastSignIn.interactive,
            lastSignInRequestId: o.lastSignIn.interactive ? uuidOf(`si:${o.id}`) : null,
            lastNonInteractiveSignInDateTime: o.lastSignIn.nonInteractive,
            lastNonInteractiveSignInRequestId: o.lastSignIn.nonInteractive ? uuidOf(`nsi:${o.id}`) : null
          }
        }
      : {})
  }
}

/** Built-in directory roles (roleTemplateId = roleDefinitionId for built-ins). */
export const DIRECTORY_ROLES = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7'
} as const

/** A directory role assignment as `GET /v1.0/roleManagement/directory/roleAssignments?$expand=roleDefinition` lists it. */
export function directoryRoleAssignment(principalId: string, role: keyof typeof DIRECTORY_ROLES): Json {
  const def = DIRECTORY_ROLES[role]
  return {
    id: `${hex(`dra:${principalId}:${role}`, 22)}-1`,
    principalId,
    roleDefinitionId: def,
    directoryScopeId: '/',
    roleDefinition: { id: def, displayName: role, isBuiltIn: true, isPrivileged: true, templateId: def }
  }
}

/** An ARM role assignment (GET /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01). */
export function azureRoleAssignment(subscription: string, principalId: string, role: 'Owner' | 'Contributor', scope = `/subscriptions/${subscription}`): Json {
  const def = role === 'Owner' ? '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' : 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  const name = uuidOf(`ra:${principalId}:${role}:${scope}`)
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${def}`,
      principalId,
      principalType: 'User',
      scope,
      createdOn: '2024-03-11T09:20:00.0000000Z'
    }
  }
}

/** A sign-in as `GET /v1.0/auditLogs/signIns` lists it. */
export function entraSignIn(o: { time: string; userId: string; upn: string; app: string; ok?: boolean; ip?: string }): Json {
  return {
    id: uuidOf(`signin:${o.userId}:${o.time}`),
    createdDateTime: o.time,
    userDisplayName: o.upn.split('@')[0],
    userPrincipalName: o.upn,
    userId: o.userId,
    appDisplayName: o.app,
    ipAddress: o.ip ?? '203.0.113.10',
    clientAppUsed: 'Browser',
    isInteractive: true,
    status: o.ok === false ? { errorCode: 50126, failureReason: 'Invalid username or password.' } : { errorCode: 0, failureReason: null }
  }
}

/** A directory audit record as `GET /v1.0/auditLogs/directoryAudits` lists it (initiated by a user, or by an app when `by` is a string). */
export function directoryAudit(o: { time: string; activity: string; category: string; by: { id: string; upn: string } | string; target?: string }): Json {
  return {
    id: `Directory_${hex(`audit:${o.time}:${o.activity}`, 20)}`,
    category: o.category,
    activityDateTime: o.time,
    activityDisplayName: o.activity,
    loggedByService: 'Core Directory',
    operationType: o.activity.split(' ')[0],
    result: 'success',
    initiatedBy:
      typeof o.by === 'string'
        ? { user: null, app: { displayName: o.by, servicePrincipalId: uuidOf(`app:${o.by}`) } }
        : { user: { id: o.by.id, userPrincipalName: o.by.upn }, app: null },
    targetResources: o.target ? [{ id: uuidOf(`t:${o.target}`), displayName: o.target, type: 'User' }] : []
  }
}

/** A Wiz "Azure guest user has high privileges" Issue on an Entra user (the row as the Issues export gives it). */
export function wizGuestIssue(user: Json): Record<string, string> {
  const id = user.id as string
  return {
    'Created At': '2026-11-02T12:39:23Z',
    Title: 'Azure guest user has high privileges',
    Severity: 'LOW',
    Status: 'OPEN',
    Description: 'This user account is a guest user in Azure AD and is assigned high permissions in the environment.',
    'Resource Type': 'Microsoft.AzureActiveDirectory/User',
    'Resource external ID': id,
    'Control ID': '6f34c36b-d040-4809-b8ef-727cc22b6706',
    'Resource Name': user.displayName as string,
    'Resource Platform': 'Azure',
    'Resource original JSON': JSON.stringify({ id, userType: user.userType, userPrincipalName: user.userPrincipalName, accountEnabled: user.accountEnabled }),
    'Issue ID': uuidOf(`wiz-issue:${id}`),
    'Resource Tags': '{}'
  }
}

// ---- Wiz issues on an AKS cluster and on a pod (Kubernetes workload hardening) -----------------

/** A Wiz issue reported on an AKS cluster (Resource Type Microsoft.ContainerService/ManagedClusters; the external id is Wiz's id of the cluster). */
export function wizClusterIssue(o: {
  control: string
  title: string
  subscription: string
  clusterId: string
  clusterName: string
  resourceGroup: string
  created: string
}): Record<string, string> {
  const arm = `/subscriptions/${o.subscription}/resourcegroups/${o.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${o.clusterName}`
  return {
    'Created At': o.created,
    Title: o.title,
    Severity: 'INFORMATIONAL',
    Status: 'OPEN',
    Description: `#### Description\nThis cluster: ${o.title}.`,
    'Resource Type': 'Microsoft.ContainerService/ManagedClusters',
    'Resource external ID': o.clusterId,
    'Subscription ID': o.subscription,
    'Control ID': o.control,
    'Resource Name': o.clusterName,
    'Resource Region': 'eastus',
    'Resource Platform': 'Azure',
    'Resource original JSON': JSON.stringify({
      id: arm,
      name: o.clusterName,
      type: 'Microsoft.ContainerService/ManagedClusters',
      location: 'eastus',
      properties: { enableRBAC: true }
    }),
    'Issue ID': uuidOf(`wiz:${o.control}:${o.clusterId}`),
    'Resource Tags': '{}',
    'Kubernetes Cluster': '',
    'Kubernetes Namespace': ''
  }
}

// ---- Entra ID applications, service principals, app role assignments, groups (escalation path) ----

/** A directory object reference as `$expand=owners` or `/members` lists it. */
export function entraRef(o: { id: string; name: string; type: 'user' | 'servicePrincipal' | 'group' }): Json {
  return { '@odata.type': `#microsoft.graph.${o.type}`, id: o.id, displayName: o.name, ...(o.type === 'user' ? { userPrincipalName: o.name } : {}) }
}

/** An application (app registration) as `GET /v1.0/applications?$expand=owners` lists it. */
export function entraApplication(o: { id: string; appId: string; name: string; owners: Json[]; secrets?: number }): Json {
  return {
    id: o.id,
    appId: o.appId,
    displayName: o.name,
    signInAudience: 'AzureADMyOrg',
    createdDateTime: '2024-02-01T10:00:00Z',
    passwordCredentials: Array.from({ length: o.secrets ?? 1 }, (_, i) => ({
      keyId: uuidOf(`secret:${o.id}:${i}`),
      displayName: `secret ${i + 1}`,
      startDateTime: '2026-01-10T00:00:00Z',
      endDateTime: '2027-01-10T00:00:00Z',
      hint: 'abc',
      secretText: null
    })),
    keyCredentials: [],
    owners: o.owners
  }
}

/** A service principal as `GET /v1.0/servicePrincipals?$expand=owners` lists it. */
export function entraServicePrincipal(o: { id: string; appId: string; name: string; owners?: Json[]; type?: string }): Json {
  return {
    id: o.id,
    appId: o.appId,
    displayName: o.name,
    appDisplayName: o.name,
    servicePrincipalType: o.type ?? 'Application',
    accountEnabled: true,
    passwordCredentials: [],
    keyCredentials: [],
    owners: o.owners ?? []
  }
}

/** An app role assignment as `GET /v1.0/servicePrincipals/{id}/appRoleAssignments` lists it (the id: base64url of the principal id and a seed, as Graph's look). */
export function entraAppRoleAssignment(o: { principalId: string; principalName: string; resourceId: string; resourceName: string; appRoleId: string }): Json {
  const id = Buffer.from(hex(`ara:${o.principalId}:${o.appRoleId}`, 32), 'hex').toString('base64url')
  return {
    id,
    deletedDateTime: null,
    appRoleId: o.appRoleId,
    createdDateTime: '2024-02-01T10:05:00Z',
    principalDisplayName: o.principalName,
    principalId: o.principalId,
    principalType: 'ServicePrincipal',
    resourceDisplayName: o.resourceName,
    resourceId: o.resourceId
  }
}

/** A group as `GET /v1.0/groups?$expand=owners` lists it, with its `/members`. */
export function entraGroup(o: { id: string; name: string; roleAssignable: boolean; owners?: Json[]; members?: Json[] }): Json {
  return {
    id: o.id,
    displayName: o.name,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
    isAssignableToRole: o.roleAssignable,
    owners: o.owners ?? [],
    members: o.members ?? []
  }
}

/** A service principal's sign-in as `GET /beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal')` lists it. */
export function servicePrincipalSignIn(o: { time: string; servicePrincipalId: string; appId: string; name: string; resource?: string }): Json {
  return {
    id: uuidOf(`spsignin:${o.servicePrincipalId}:${o.time}`),
    createdDateTime: o.time,
    appId: o.appId,
    appDisplayName: o.name,
    servicePrincipalId: o.servicePrincipalId,
    servicePrincipalName: o.name,
    resourceDisplayName: o.resource ?? 'Microsoft Graph',
    signInEventTypes: ['servicePrincipal'],
    ipAddress: '203.0.113.50',
    status: { errorCode: 0, failureReason: null }
  }
}

/** A directory audit record with the targets named (id, name, type), initiated by a user or by an app (its service principal). */
export function directoryAuditOn(o: {
  time: string
  activity: string
  category: string
  by: { user: { id: string; upn: string } } | { app: { servicePrincipalId: string; name: string } }
  targets: Array<{ id: string; name: string; type: string }>
}): Json {
  return {
    id: `Directory_${hex(`audit-on:${o.time}:${o.activity}:${o.targets.map((t) => t.id).join(',')}`, 20)}`,
    category: o.category,
    activityDateTime: o.time,
    activityDisplayName: o.activity,
    loggedByService: 'Core Directory',
    operationType: o.activity.split(' ')[0],
    result: 'success',
    initiatedBy:
      'user' in o.by
        ? { user: { id: o.by.user.id, userPrincipalName: o.by.user.upn }, app: null }
        : { user: null, app: { displayName: o.by.app.name, servicePrincipalId: o.by.app.servicePrincipalId } },
    targetResources: o.targets.map((t) => ({ id: t.id, displayName: t.name, type: t.type }))
  }
}

/** A Wiz "can impersonate an application with permission to add members to a group with admin privileges" Issue on a user or a service principal. */
export function wizEscalationIssue(p: { id: string; name: string; kind: 'user' | 'servicePrincipal' }): Record<string, string> {
  return {
    'Created At': '2026-11-02T02:13:24Z',
    Title:
      'Microsoft Entra ID (AAD) user/service account can impersonate an application with permission to add members to a group with admin privileges at the subscription/management group level',
    Severity: 'MEDIUM',
    Status: 'OPEN',
    Description: 'This user/service account can impersonate an Microsoft Entra ID application by creating application secret/certificate.',
    'Resource Type': p.kind === 'user' ? 'Microsoft.AzureActiveDirectory/User' : 'ServicePrincipal/Application',
    'Resource external ID': p.id,
    'Control ID': 'd9c7e062-b82a-4326-b031-2a38e9e92874',
    'Resource Name': p.name,
    'Resource Platform': 'Azure',
    'Resource original JSON': JSON.stringify(
      p.kind === 'user'
        ? { id: p.id, userPrincipalName: p.name, '@odata.type': '#microsoft.graph.user' }
        : { id: p.id, displayName: p.name, '@odata.type': '#microsoft.graph.servicePrincipal' }
    ),
    'Issue ID': uuidOf(`wiz-escalation:${p.id}`),
    'Resource Tags': '{}'
  }
}

// ---- IaC: Terraform states and Trivy config scans (appended for the IaC twin, main/controls/iac-twin.ts) ----

/** A deployed resource instance as a Terraform state records it (address with its module path and index). */
export interface TfResource {
  /** module.db.aws_db_instance.this, aws_instance.web[0] */
  address: string
  type: string
  name: string
  index?: number | string
  values: Json
}

const moduleOfAddress = (r: TfResource): string => {
  const at = r.address.lastIndexOf(`${r.type}.${r.name}`)
  return at > 0 ? r.address.slice(0, at - 1) : ''
}

/** `terraform show -json` of a state: root module resources, and child_modules nested by module path. */
export function terraformShowJson(resources: TfResource[]): Json {
  const res = (r: TfResource): Json => ({
    address: r.address,
    mode: 'managed',
    type: r.type,
    name: r.name,
    ...(r.index !== undefined ? { index: r.index } : {}),
    provider_name: 'registry.terraform.io/hashicorp/aws',
    schema_version: 0,
    values: r.values,
    sensitive_values: {}
  })
  const build = (path: string): Json => {
    const own = resources.filter((r) => moduleOfAddress(r) === path)
    // every module path and its ancestors (module.a.module.b is a child of module.a)
    const all = new Set(resources.map(moduleOfAddress).flatMap((m) => m.split('.module.').map((_, i, parts) => parts.slice(0, i + 1).join('.module.'))))
    const children = [...all].filter((m) => m && m.startsWith(path ? `${path}.module.` : 'module.') && !m.slice(path ? path.length + 1 : 0).includes('.module.')).sort()
    return {
      ...(path ? { address: path } : {}),
      ...(own.length ? { resources: own.map(res) } : {}),
      ...(children.length ? { child_modules: children.map(build) } : {})
    }
  }
  return { format_version: '1.0', terraform_version: '1.9.8', values: { root_module: build('') } }
}

/** A raw state file (`terraform state pull`, version 4): one entry per resource, its instances with index_key and attributes. */
export function terraformStateV4(resources: TfResource[], serial = 7): Json {
  const by = new Map<string, TfResource[]>()
  for (const r of resources) {
    const k = `${moduleOfAddress(r)}|${r.type}|${r.name}`
    by.set(k, [...(by.get(k) ?? []), r])
  }
  return {
    version: 4,
    terraform_version: '1.9.8',
    serial,
    lineage: uuidOf(`lineage:${resources.map((r) => r.address).join(',')}`),
    outputs: {},
    resources: [...by].map(([k, rs]) => {
      const [module, type, name] = k.split('|')
      return {
        ...(module ? { module } : {}),
        mode: 'managed',
        type,
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: rs.map((r) => ({ ...(r.index !== undefined ? { index_key: r.index } : {}), schema_version: 0, attributes: r.values, sensitive_attributes: [] }))
      }
    }),
    check_results: null
  }
}

/** `trivy config -f json` (SchemaVersion 2) of a directory: its misconfigurations by file, each with the Terraform address Trivy names. */
export function trivyConfigReport(o: {
  artifact: string
  results: Array<{ target: string; misconfigs: Array<{ id: string; avdid: string; title: string; severity: string; resource: string; line: number; message?: string }> }>
}): Json {
  return {
    SchemaVersion: 2,
    CreatedAt: '2026-11-19T06:02:11.448120+00:00',
    ArtifactName: o.artifact,
    ArtifactType: 'filesystem',
    Results: o.results.map((r) => ({
      Target: r.target,
      Class: 'config',
      Type: 'terraform',
      MisconfSummary: { Successes: 0, Failures: r.misconfigs.length },
      Misconfigurations: r.misconfigs.map((m) => ({
        Type: 'Terraform Security Check',
        ID: m.id,
        AVDID: m.avdid,
        Title: m.title,
        Message: m.message ?? m.title,
        Namespace: `builtin.aws.${m.avdid.toLowerCase()}`,
        Resolution: 'See the check',
        Severity: m.severity,
        PrimaryURL: `https://avd.aquasec.com/misconfig/${m.avdid.toLowerCase()}`,
        Status: 'FAIL',
        CauseMetadata: { Resource: m.resource, Provider: 'AWS', StartLine: m.line, EndLine: m.line + 12 }
      }))
    }))
  }
}

export interface K8sContainerSpec {
  name: string
  image: string
  privileged?: boolean
  /** securityContext.capabilities.add */
  add?: string[]
  allowPrivilegeEscalation?: boolean
  /** securityContext.capabilities.drop */
  drop?: string[]
  runAsUser?: number
  runAsNonRoot?: boolean
  /** securityContext.seccompProfile.type */
  seccomp?: string
  /** ports[].containerPort (TCP) */
  ports?: number[]
  /** the container's resources (requests, limits); {} as the API server stores a container that sets none */
  resources?: Json
  /** securityContext.readOnlyRootFilesystem */
  readOnlyRootFilesystem?: boolean
}

/**
 * A workload as `kubectl get … -o json` lists it, with what runs it: a Deployment with its ReplicaSet
 * and pods, a DaemonSet or StatefulSet with its pods (owner references as the controllers set them).
 */
export function k8sWorkload(
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet',
  namespace: string,
  name: string,
  o: {
    containers: K8sContainerSpec[]
    replicas?: number
    pods?: number
    serviceAccount?: string
    automount?: boolean
    labels?: Record<string, string>
    hostNetwork?: boolean
    /** the pod's securityContext (runAsUser, runAsNonRoot, seccompProfile …) */
    securityContext?: Json
  }
): Json[] {
  const labels = { 'app.kubernetes.io/name': name, ...(o.labels ?? {}) }
  const meta = (k: string, n: string, owner: { kind: string; name: string } | null, extra: Json = {}): Json => ({
    name: n,
    namespace,
    uid: uuidOf(`k8s:${k}:${namespace}:${n}`),
    resourceVersion: '812345',
    creationTimestamp: '2026-06-01T08:00:00Z',
    labels,
    ...(owner
      ? {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: uuidOf(`k8s:${owner.kind}:${namespace}:${owner.name}`), controller: true, blockOwnerDeletion: true }
          ]
        }
      : {}),
    ...extra
  })
  const spec: Json = {
    ...(o.serviceAccount ? { serviceAccountName: o.serviceAccount, serviceAccount: o.serviceAccount } : {}),
    ...(o.automount !== undefined ? { automountServiceAccountToken: o.automount } : {}),
    ...(o.hostNetwork ? { hostNetwork: true } : {}),
    ...(o.securityContext ? { securityContext: o.securityContext } : {}),
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    containers: o.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: 'IfNotPresent',
      resources: c.resources ?? {},
      ...(c.ports ? { ports: c.ports.map((containerPort) => ({ containerPort, protocol: 'TCP' })) } : {}),
      ...(c.privileged !== undefined ||
      c.add ||
      c.drop ||
      c.allowPrivilegeEscalation !== undefined ||
      c.runAsUser !== undefined ||
      c.runAsNonRoot !== undefined ||
      c.seccomp ||
      c.readOnlyRootFilesystem !== undefined
        ? {
            securityContext: {
              ...(c.privileged !== undefined ? { privileged: c.privileged } : {}),
              ...(c.allowPrivilegeEscalation !== undefined ? { allowPrivilegeEscalation: c.allowPrivilegeEscalation } : {}),
              ...(c.add || c.drop ? { capabilities: { ...(c.add ? { add: c.add } : {}), ...(c.drop ? { drop: c.drop } : {}) } } : {}),
              ...(c.runAsUser !== undefined ? { runAsUser: c.runAsUser } : {}),
              ...(c.runAsNonRoot !== undefined ? { runAsNonRoot: c.runAsNonRoot } : {}),
              ...(c.seccomp ? { seccompProfile: { type: c.seccomp } } : {}),
              ...(c.readOnlyRootFilesystem !== undefined ? { readOnlyRootFilesystem: c.readOnlyRootFilesystem } : {})
            }
          }
        : {})
    }))
  }
  const replicas = kind === 'DaemonSet' ? undefined : (o.replicas ?? 1)
  const pods = o.pods ?? replicas ?? 2
  const top: Json = {
    apiVersion: 'apps/v1',
    kind,
    metadata: meta(kind, name, null, { generation: 3 }),
    spec: { ...(replicas !== undefined ? { replicas } : {}), selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: { metadata: { labels }, spec } },
    status: kind === 'DaemonSet' ? { desiredNumberScheduled: pods, numberReady: pods } : { replicas: pods, readyReplicas: pods }
  }
  const out: Json[] = [top]
  let owner: { kind: string; name: string } = { kind, name }
  if (kind === 'Deployment') {
    const rs = `${name}-${hex(`rs:${namespace}:${name}`, 10)}`
    out.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('ReplicaSet', rs, owner),
      spec: { replicas, template: { metadata: { labels }, spec } },
      status: { replicas: pods }
    })
    owner = { kind: 'ReplicaSet', name: rs }
  }
  for (let i = 0; i < pods; i++) {
    const pod = kind === 'StatefulSet' ? `${name}-${i}` : `${owner.name}-${hex(`pod:${namespace}:${name}:${i}`, 5)}`
    out.push({ apiVersion: 'v1', kind: 'Pod', metadata: meta('Pod', pod, owner), spec: { ...spec, nodeName: `aks-nodepool1-31045-vmss00000${i}` }, status: { phase: 'Running' } })
  }
  return out
}

/** An image's entry of images.json: its OCI image configuration as `crane config` prints it, with its USER (omitted: the image sets none). */
export function k8sImage(image: string, user?: string): Json {
  return {
    image,
    config: {
      architecture: 'amd64',
      os: 'linux',
      created: '2026-05-20T10:00:00Z',
      config: { ...(user !== undefined ? { User: user } : {}), Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '/app' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${hex(`layer:${image}`, 64)}`] }
    }
  }
}

/** A ServiceAccount as `kubectl get serviceaccounts -o json` lists it. */
export function k8sServiceAccount(namespace: string, name: string, automount?: boolean): Json {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, uid: uuidOf(`k8s:sa:${namespace}:${name}`), resourceVersion: '4710', creationTimestamp: '2026-06-01T08:00:00Z' },
    ...(automount !== undefined ? { automountServiceAccountToken: automount } : {})
  }
}

/** A Wiz issue on a pod (Resource Type Pod, external id k8s/pod/<cluster>/<namespace>/<pod>). */
export function wizPodIssue(o: {
  control: string
  title: string
  subscription: string
  clusterId: string
  clusterName: string
  namespace: string
  pod: string
  created: string
}): Record<string, string> {
  const id = `k8s/pod/${o.clusterId}/${o.namespace}/${o.pod}`
  return {
    'Created At': o.created,
    Title: o.title,
    Severity: 'HIGH',
    Status: 'OPEN',
    Description: `This rule is part of the Kubernetes Pod Security Standards (PSS) baseline policies: ${o.title}.`,
    'Resource Type': 'Pod',
    'Resource external ID': id,
    'Subscription ID': o.subscription,
    'Control ID': o.control,
    'Resource Name': o.pod,
    'Resource Region': '',
    'Resource Platform': 'Kubernetes',
    'Resource original JSON': JSON.stringify({ metadata: { name: o.pod, namespace: o.namespace } }),
    'Issue ID': uuidOf(`wiz:${o.control}:${id}`),
    'Resource Tags': '{}',
    'Kubernetes Cluster': `${o.subscription}::${o.clusterName}`,
    'Kubernetes Namespace': o.namespace
  }
}

// ---- GuardDuty threat findings (aws.guardduty.*) --------------------------------------------------

/** A flow-log record in either direction, any protocol (FLOW_HEADER's fields). */
export function flowRecord(o: {
  account: string
  eni: string
  src: string
  dst: string
  srcPort: number
  dstPort: number
  protocol?: number
  packets: number
  bytes: number
  start: string
  flags: number
  direction: 'ingress' | 'egress'
}): string {
  const s = Math.floor(Date.parse(o.start) / 1000)
  return `5 ${o.account} ${o.eni} ${o.src} ${o.dst} ${o.srcPort} ${o.dstPort} ${o.protocol ?? 6} ${o.packets} ${o.bytes} ${s} ${s + 60} ACCEPT OK ${o.flags} ${o.direction}`
}

/**
 * A GuardDuty finding as Security Hub carries it (ASFF): GuardDuty's `service` object flattened into
 * ProductFields keys under aws/guardduty/service/, as the real exports have it
 * (test/fixtures/ingest/real/awssecurityhub/guardduty.json). `type` is the ASFF type path
 * (TTPs/Discovery/Recon:EC2-Portscan); `fields` are the service keys without the prefix.
 */
export function asffGuardDuty(o: {
  account: string
  region: string
  type: string
  title: string
  severity: number
  resource: Json
  fields: Record<string, string>
  count: number
  firstSeen: string
  lastSeen: string
}): Json {
  const detector = hex(`gd-detector:${o.account}:${o.region}`, 32)
  const id = `arn:aws:guardduty:${o.region}:${o.account}:detector/${detector}/finding/${hex(`gd:${o.type}:${JSON.stringify(o.resource.Id)}`, 32)}`
  const label = o.severity >= 7 ? 'HIGH' : o.severity >= 4 ? 'MEDIUM' : 'LOW'
  const fields: Record<string, string> = {
    'aws/guardduty/service/serviceName': 'guardduty',
    'aws/guardduty/service/detectorId': detector,
    'aws/guardduty/service/archived': 'false',
    'aws/guardduty/service/count': String(o.count),
    'aws/guardduty/service/eventFirstSeen': o.firstSeen,
    'aws/guardduty/service/eventLastSeen': o.lastSeen,
    ...Object.fromEntries(Object.entries(o.fields).map(([k, v]) => [`aws/guardduty/service/${k}`, v])),
    'aws/securityhub/FindingId': `arn:aws:securityhub:${o.region}::product/aws/guardduty/${id}`,
    'aws/securityhub/ProductName': 'GuardDuty',
    'aws/securityhub/CompanyName': 'Amazon'
  }
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${o.region}::product/aws/guardduty`,
    ProductName: 'GuardDuty',
    CompanyName: 'Amazon',
    Region: o.region,
    GeneratorId: `arn:aws:guardduty:${o.region}:${o.account}:detector/${detector}`,
    AwsAccountId: o.account,
    Types: [o.type],
    FirstObservedAt: o.firstSeen,
    LastObservedAt: o.lastSeen,
    CreatedAt: o.firstSeen,
    UpdatedAt: o.lastSeen,
    Severity: { Product: o.severity, Label: label, Normalized: Math.round(o.severity * 10) },
    Title: o.title,
    Description: o.title,
    SourceUrl: `https://${o.region}.console.aws.amazon.com/guardduty/home?region=${o.region}#/findings?macros=current&fId=${id.split('/').pop()}`,
    ProductFields: fields,
    Resources: [{ Partition: 'aws', Region: o.region, ...o.resource }],
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: { Label: label }, Types: [o.type] },
    Sample: false
  }
}

// ---- Wiz issues on a blob container (azure.storage.public-blob-access) ------------------------------

/** A Wiz issue on a blob container (Resource Type Microsoft.Storage/storageAccounts/blobServices/containers), its copy of the container as ARM lists it. */
export function wizContainerIssue(o: { control: string; title: string; subscription: string; container: Json; created: string }): Record<string, string> {
  const id = String(o.container.id)
  return {
    'Created At': o.created,
    Title: o.title,
    Severity: 'MEDIUM',
    Status: 'OPEN',
    Description: '#### Description\nThis blob container allows anonymous (public) read access.',
    'Resource Type': 'Microsoft.Storage/storageAccounts/blobServices/containers',
    // Wiz exports the ARM id lower-cased
    'Resource external ID': id.toLowerCase(),
    'Subscription ID': o.subscription,
    'Control ID': o.control,
    'Resource Name': String(o.container.name),
    'Resource Region': 'westeurope',
    'Resource Platform': 'Azure',
    'Resource original JSON': JSON.stringify(o.container),
    'Issue ID': uuidOf(`wiz:${o.control}:${id.toLowerCase()}`),
    'Resource Tags': '{}',
    'Kubernetes Cluster': '',
    'Kubernetes Namespace': ''
  }
}

// ---- EKS and AKS clusters, their API servers' audit events, and Wiz issues on a cluster ----------------

/** A DescribeCluster `cluster`, with the endpoint access and control-plane logging the public-endpoint playbook reads. */
export function eksCluster(o: {
  account: string
  region: string
  name: string
  vpc: string
  publicAccess: boolean
  privateAccess: boolean
  cidrs?: string[]
  audit: boolean
  tags?: Record<string, string>
}): Json {
  const id = hex(`eks:${o.account}:${o.name}`, 32).toUpperCase()
  return {
    name: o.name,
    arn: `arn:aws:eks:${o.region}:${o.account}:cluster/${o.name}`,
    createdAt: '2025-04-14T09:12:33.000Z',
    version: '1.30',
    endpoint: `https://${id}.gr7.${o.region}.eks.amazonaws.com`,
    roleArn: `arn:aws:iam::${o.account}:role/${o.name}-cluster`,
    resourcesVpcConfig: {
      subnetIds: ['subnet-0e1a0000000000001', 'subnet-0e1a0000000000002'],
      securityGroupIds: [],
      clusterSecurityGroupId: `sg-0e${hex(`eks-sg:${o.name}`, 15)}`,
      vpcId: o.vpc,
      endpointPublicAccess: o.publicAccess,
      endpointPrivateAccess: o.privateAccess,
      publicAccessCidrs: o.cidrs ?? ['0.0.0.0/0']
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    logging: {
      clusterLogging: [
        { types: o.audit ? ['api', 'audit', 'authenticator'] : ['api', 'authenticator'], enabled: true },
        { types: o.audit ? ['controllerManager', 'scheduler'] : ['audit', 'controllerManager', 'scheduler'], enabled: false }
      ]
    },
    status: 'ACTIVE',
    platformVersion: 'eks.8',
    tags: o.tags ?? {}
  }
}

/** An EKS API server audit event as the kube-apiserver-audit log stream holds it (the event itself, one a line), from `ip`. */
export function eksAudit(cluster: string, e: Parameters<typeof kubeAudit>[1] & { ip: string }): string {
  const record = JSON.parse(kubeAudit(cluster, e)) as { properties: { log: string } }
  return record.properties.log
}

/** An ARM managed cluster, with the API server access profile the public-endpoint playbook reads (ranges: authorizedIPRanges). */
export function aksCluster(o: {
  subscription: string
  group: string
  name: string
  location: string
  ranges?: string[]
  privateCluster?: boolean
  tags?: Record<string, string>
}): Json {
  return {
    id: `/subscriptions/${o.subscription}/resourcegroups/${o.group}/providers/Microsoft.ContainerService/managedClusters/${o.name}`,
    name: o.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: o.location,
    tags: o.tags ?? {},
    sku: { name: 'Base', tier: 'Standard' },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.30.4',
      dnsPrefix: `${o.name}-dns`,
      fqdn: `${o.name.toLowerCase()}-dns-${hex(`aks:${o.name}`, 8)}.hcp.${o.location}.azmk8s.io`,
      enableRBAC: true,
      networkProfile: { networkPlugin: 'azure', loadBalancerSku: 'standard', outboundType: 'loadBalancer' },
      apiServerAccessProfile: { enablePrivateCluster: o.privateCluster ?? false, ...(o.ranges?.length ? { authorizedIPRanges: o.ranges } : {}) }
    }
  }
}

// ---- Azure SQL servers, key vaults, their audit logs; Defender for Cloud recommendations ----------

/** A private endpoint connection as ARM lists it on a server or vault. */
function privateEndpointConnection(owner: string, endpoint: string, status: string): Json {
  return {
    id: `${owner}/privateEndpointConnections/${endpoint.split('/').pop()}-${uuidLike(`pec:${owner}:${endpoint}`).slice(0, 8)}`,
    properties: {
      privateEndpoint: { id: endpoint },
      privateLinkServiceConnectionState: { status, description: 'Auto-approved', actionsRequired: 'None' },
      provisioningState: 'Ready'
    }
  }
}

/**
 * One Azure SQL logical server as sql-servers.json holds it: the ARM list item with `firewallRules`
 * and `virtualNetworkRules` (the ARM lists of its rules) beside. `publicNetworkAccess` undefined: left out.
 */
export function sqlServer(o: {
  id: string
  publicNetworkAccess?: 'Enabled' | 'Disabled'
  firewall: Array<{ name: string; start: string; end: string }>
  vnetRules?: Array<{ name: string; subnet: string }>
  privateEndpoints?: string[]
  tags?: Record<string, string>
}): Json {
  const name = o.id.split('/').pop()!
  return {
    id: o.id,
    name,
    type: 'Microsoft.Sql/servers',
    location: 'westeurope',
    kind: 'v12.0',
    tags: o.tags ?? {},
    properties: {
      administratorLogin: 'sqladmin',
      version: '12.0',
      state: 'Ready',
      fullyQualifiedDomainName: `${name}.database.windows.net`,
      minimalTlsVersion: '1.2',
      ...(o.publicNetworkAccess ? { publicNetworkAccess: o.publicNetworkAccess } : {}),
      restrictOutboundNetworkAccess: 'Disabled',
      privateEndpointConnections: (o.privateEndpoints ?? []).map((pe) => privateEndpointConnection(o.id, pe, 'Approved'))
    },
    firewallRules: o.firewall.map((r) => ({
      id: `${o.id}/firewallRules/${r.name}`,
      name: r.name,
      type: 'Microsoft.Sql/servers/firewallRules',
      properties: { startIpAddress: r.start, endIpAddress: r.end }
    })),
    virtualNetworkRules: (o.vnetRules ?? []).map((r) => ({
      id: `${o.id}/virtualNetworkRules/${r.name}`,
      name: r.name,
      type: 'Microsoft.Sql/servers/virtualNetworkRules',
      properties: { virtualNetworkSubnetId: r.subnet, ignoreMissingVnetServiceEndpoint: false, state: 'Ready' }
    }))
  }
}

/**
 * One SQL audit record as the audit diagnostic setting (category SQLSecurityAuditEvents) writes it to
 * storage: the database's resource id upper-cased, the audit fields (Microsoft's "SQL Database audit
 * log format") under properties.
 */
export function sqlAuditRecord(o: { server: string; database?: string; time: string; client: string; principal: string; app: string; succeeded?: boolean; action?: string }): Json {
  const ok = o.succeeded ?? true
  const action = o.action ?? (ok ? 'DATABASE AUTHENTICATION SUCCEEDED' : 'DATABASE AUTHENTICATION FAILED')
  return {
    originalEventTimestamp: o.time,
    category: 'SQLSecurityAuditEvents',
    operationName: 'AuditEvent',
    resourceId: `${o.server}/databases/${o.database ?? 'shop'}`.toUpperCase(),
    time: o.time,
    properties: {
      event_time: o.time,
      action_id: action === 'DATABASE AUTHENTICATION SUCCEEDED' ? 'DBAS' : action === 'DATABASE AUTHENTICATION FAILED' ? 'DBAF' : 'BCM',
      action_name: action,
      succeeded: String(ok),
      session_id: 61,
      server_principal_name: o.principal,
      database_name: o.database ?? 'shop',
      client_ip: o.client,
      application_name: o.app,
      server_instance_name: o.server.split('/').pop(),
      is_server_level_audit: 'true',
      audit_schema_version: 1
    }
  }
}

/** One key vault as key-vaults.json holds it (Vaults - List By Subscription). `acls` null: no networkAcls. */
export function keyVault(o: {
  id: string
  publicNetworkAccess?: 'Enabled' | 'Disabled'
  acls: { defaultAction: 'Allow' | 'Deny'; bypass: 'AzureServices' | 'None'; ipRules?: string[]; subnets?: string[] } | null
  privateEndpoints?: string[]
  tags?: Record<string, string>
}): Json {
  const name = o.id.split('/').pop()!
  return {
    id: o.id,
    name,
    type: 'Microsoft.KeyVault/vaults',
    location: 'westeurope',
    tags: o.tags ?? {},
    properties: {
      sku: { family: 'A', name: 'standard' },
      tenantId: uuidLike(`tenant:${o.id.split('/')[2]}`),
      vaultUri: `https://${name}.vault.azure.net/`,
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      ...(o.publicNetworkAccess ? { publicNetworkAccess: o.publicNetworkAccess } : {}),
      ...(o.acls
        ? {
            networkAcls: {
              defaultAction: o.acls.defaultAction,
              bypass: o.acls.bypass,
              ipRules: (o.acls.ipRules ?? []).map((value) => ({ value })),
              virtualNetworkRules: (o.acls.subnets ?? []).map((id) => ({ id, ignoreMissingVnetServiceEndpoint: false }))
            }
          }
        : {}),
      privateEndpointConnections: (o.privateEndpoints ?? []).map((pe) => privateEndpointConnection(o.id, pe, 'Approved'))
    }
  }
}

/** One Key Vault AuditEvent record as its diagnostic setting writes it (Microsoft's "Azure Key Vault logging"). */
export function vaultAuditRecord(o: {
  vault: string
  time: string
  caller: string
  operation: string
  upn?: string
  appId?: string
  status?: number
  trustedService?: string
  clientInfo?: string
}): Json {
  const status = o.status ?? 200
  return {
    time: o.time,
    resourceId: o.vault.toUpperCase(),
    operationName: o.operation,
    operationVersion: '7.4',
    category: 'AuditEvent',
    resultType: status < 400 ? 'Success' : 'Forbidden',
    resultSignature: status < 400 ? 'OK' : 'Forbidden',
    resultDescription: '',
    durationMs: '12',
    callerIpAddress: o.caller,
    correlationId: uuidLike(`corr:${o.vault}:${o.time}:${o.caller}`),
    identity: {
      claim: {
        'http://schemas.microsoft.com/identity/claims/objectidentifier': uuidLike(`oid:${o.upn ?? o.appId ?? o.caller}`),
        ...(o.upn ? { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': o.upn } : {}),
        ...(o.appId ? { appid: o.appId } : {})
      }
    },
    properties: {
      id: `https://${o.vault.split('/').pop()}.vault.azure.net/secrets/app-secret`,
      clientInfo: o.clientInfo ?? 'azsdk-net-Security.KeyVault.Secrets/4.5.0',
      httpStatusCode: status,
      requestUri: `https://${o.vault.split('/').pop()}.vault.azure.net/secrets/app-secret?api-version=7.4`,
      ...(o.trustedService ? { trustedService: o.trustedService } : {})
    }
  }
}

/** The columns of Defender for Cloud's recommendations CSV ("Download CSV report"), in its order. */
export const DEFENDER_COLUMNS = [
  'exportedTimestamp',
  'subscriptionId',
  'subscriptionName',
  'resourceGroup',
  'resourceType',
  'resourceName',
  'resourceId',
  'recommendationId',
  'recommendationName',
  'recommendationDisplayName',
  'description',
  'remediationSteps',
  'severity',
  'state',
  'notApplicableReason',
  'firstEvaluationDate',
  'statusChangeDate',
  'controls',
  'azurePortalRecommendationLink',
  'nativeCloudAccountId'
] as const

/** One unhealthy Defender for Cloud recommendation row on an Azure resource. */
export function defenderRecommendation(o: { resourceId: string; key: string; title: string; severity: 'High' | 'Medium' | 'Low'; time: string }): Record<string, string> {
  const p = o.resourceId.split('/')
  return {
    exportedTimestamp: o.time,
    subscriptionId: p[2],
    subscriptionName: 'Production',
    resourceGroup: p[4].toLowerCase(),
    resourceType: p[p.length - 2].toLowerCase(),
    resourceName: p[p.length - 1],
    resourceId: o.resourceId.toLowerCase(),
    recommendationId: `${o.resourceId.toLowerCase()}/providers/Microsoft.Security/assessments/${o.key}`,
    recommendationName: o.key,
    recommendationDisplayName: o.title,
    description: o.title,
    remediationSteps: '',
    severity: o.severity,
    state: 'Unhealthy',
    notApplicableReason: '',
    firstEvaluationDate: o.time,
    statusChangeDate: o.time,
    controls: 'Restrict unauthorized network access',
    azurePortalRecommendationLink: `https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/${o.key}`,
    nativeCloudAccountId: ''
  }
}

// ---- load balancers (aws.elbv2.http-redirect, aws.elb.tls-listeners) ------------------------------

/** An Application Load Balancer's ARN and its access logs' `elb` field (app/<name>/<id>). */
export function albIds(account: string, region: string, name: string): { arn: string; elb: string; id: string } {
  const id = hex(`alb:${account}:${region}:${name}`, 16)
  return { arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${name}/${id}`, elb: `app/${name}/${id}`, id }
}

/** One DescribeListeners item (with the Lastmile-added Rules from DescribeRules unless `rules` is null). */
export function albListener(o: {
  account: string
  region: string
  lb: string
  port: number
  protocol: 'HTTP' | 'HTTPS'
  actions: Json[]
  certificate?: string
  /** rules besides the default one (DescribeRules also lists the default); null: not collected */
  rules?: Json[] | null
}): Json {
  const ids = albIds(o.account, o.region, o.lb)
  const arn = `arn:aws:elasticloadbalancing:${o.region}:${o.account}:listener/app/${o.lb}/${ids.id}/${hex(`listener:${ids.arn}:${o.port}`, 16)}`
  const defaultActions = o.actions.map((a, i) => ({ ...a, Order: i + 1 }))
  const rules =
    o.rules === null
      ? null
      : [
          ...(o.rules ?? []),
          { RuleArn: `${arn.replace(':listener/', ':listener-rule/')}/${hex(`default:${arn}`, 16)}`, Priority: 'default', Conditions: [], Actions: defaultActions, IsDefault: true }
        ]
  return {
    ListenerArn: arn,
    LoadBalancerArn: ids.arn,
    Port: o.port,
    Protocol: o.protocol,
    ...(o.protocol === 'HTTPS' ? { Certificates: o.certificate ? [{ CertificateArn: o.certificate }] : [], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } : {}),
    DefaultActions: defaultActions,
    ...(rules ? { Rules: rules } : {})
  }
}

export const forwardTo = (account: string, region: string, group: string): Json => ({
  Type: 'forward',
  TargetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${group}/${hex(`tg:${account}:${group}`, 16)}`
})
export const redirectToHttps = (): Json => ({
  Type: 'redirect',
  RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' }
})

/** A DescribeLoadBalancers item of an Application Load Balancer with its Listeners and Attributes (null: not collected). */
export function albLoadBalancer(o: { account: string; region: string; name: string; listeners: Json[] | null; accessLogs: boolean | null; scheme?: string }): Json {
  const ids = albIds(o.account, o.region, o.name)
  return {
    LoadBalancerArn: ids.arn,
    DNSName: `${o.name}-${parseInt(ids.id.slice(0, 8), 16)}.${o.region}.elb.amazonaws.com`,
    CanonicalHostedZoneId: 'Z32O12XQLNTSW2',
    CreatedTime: '2024-03-11T09:21:44.120Z',
    LoadBalancerName: o.name,
    Scheme: o.scheme ?? 'internet-facing',
    VpcId: 'vpc-0a1b2c3d4e5f60718',
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: [
      { ZoneName: `${o.region}a`, SubnetId: 'subnet-0a1b2c3d4e5f60001' },
      { ZoneName: `${o.region}b`, SubnetId: 'subnet-0a1b2c3d4e5f60002' }
    ],
    SecurityGroups: ['sg-0a1b2c3d4e5f60099'],
    IpAddressType: 'ipv4',
    ...(o.listeners ? { Listeners: o.listeners } : {}),
    ...(o.accessLogs === null
      ? {}
      : {
          Attributes: [
            { Key: 'access_logs.s3.enabled', Value: String(o.accessLogs) },
            { Key: 'access_logs.s3.bucket', Value: o.accessLogs ? `acme-elb-logs-${o.account}` : '' },
            { Key: 'access_logs.s3.prefix', Value: o.accessLogs ? o.name : '' },
            { Key: 'deletion_protection.enabled', Value: 'true' },
            { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'false' }
          ]
        })
  }
}

/** One Application Load Balancer access log line (AWS's documented field order). */
export function albLogLine(o: {
  account: string
  region: string
  lb: string
  time: string
  /** http, https, h2, ws, wss */
  type: string
  method: string
  path: string
  agent: string
  client: string
  status?: number
}): string {
  const ids = albIds(o.account, o.region, o.lb)
  const tls = o.type === 'https' || o.type === 'h2' || o.type === 'wss'
  const scheme = o.type === 'ws' ? 'http' : o.type === 'wss' ? 'https' : tls ? 'https' : 'http'
  const port = tls ? 443 : 80
  const t = o.time.replace('Z', '.000000Z')
  const tg = `arn:aws:elasticloadbalancing:${o.region}:${o.account}:targetgroup/web/${hex(`tg:${o.account}:web`, 16)}`
  const status = o.status ?? 200
  return [
    o.type,
    t,
    ids.elb,
    `${o.client}:${40000 + (parseInt(hex(o.time + o.client, 4), 16) % 20000)}`,
    '10.0.1.20:8080',
    '0.000',
    '0.004',
    '0.000',
    String(status),
    String(status),
    '312',
    '1840',
    `"${o.method} ${scheme}://shop.example.com:${port}${o.path} HTTP/1.1"`,
    `"${o.agent.replace(/"/g, '\\"')}"`,
    tls ? 'ECDHE-RSA-AES128-GCM-SHA256' : '-',
    tls ? 'TLSv1.2' : '-',
    tg,
    `"Root=1-${hex(o.time, 8)}-${hex(o.time + o.path, 24)}"`,
    '"shop.example.com"',
    tls ? `"arn:aws:acm:${o.region}:${o.account}:certificate/${uuidOf(`cert:${o.lb}`)}"` : '"-"',
    '0',
    t,
    '"forward"',
    '"-"',
    '"-"',
    '"10.0.1.20:8080"',
    `"${status}"`,
    '"-"',
    '"-"',
    `TID_${hex(o.time + o.client, 32)}`
  ].join(' ')
}

// ---- OpenSearch Service domains (aws.opensearch.public-access-policy) -------------------------------

/** One DescribeDomains DomainStatus: a public endpoint unless `vpc` is given; fine-grained access control and its audit log publishing as given. */
export function opensearchDomain(o: {
  account: string
  region: string
  name: string
  policy: Json | null
  vpc?: string
  fgac?: { internalUserDatabase: boolean; anonymousAuth?: boolean } | null
  auditLogs?: boolean
}): Json {
  const arn = `arn:aws:es:${o.region}:${o.account}:domain/${o.name}`
  const host = `${o.name}-${hex(`os:${arn}`, 26)}.${o.region}.es.amazonaws.com`
  return {
    DomainId: `${o.account}/${o.name}`,
    DomainName: o.name,
    ARN: arn,
    Created: true,
    Deleted: false,
    ...(o.vpc ? { Endpoints: { vpc: `vpc-${host}` } } : { Endpoint: `search-${host}` }),
    Processing: false,
    EngineVersion: 'OpenSearch_2.13',
    ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 2, DedicatedMasterEnabled: false, ZoneAwarenessEnabled: false },
    AccessPolicies: o.policy === null ? '' : JSON.stringify(o.policy),
    ...(o.vpc ? { VPCOptions: { VPCId: o.vpc, SubnetIds: ['subnet-0a1b2c3d'], AvailabilityZones: [`${o.region}a`], SecurityGroupIds: ['sg-0search'] } } : {}),
    EncryptionAtRestOptions: { Enabled: true },
    NodeToNodeEncryptionOptions: { Enabled: true },
    DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
    AdvancedSecurityOptions: o.fgac
      ? { Enabled: true, InternalUserDatabaseEnabled: o.fgac.internalUserDatabase, AnonymousAuthEnabled: o.fgac.anonymousAuth ?? false }
      : { Enabled: false, InternalUserDatabaseEnabled: false, AnonymousAuthEnabled: false },
    LogPublishingOptions: o.auditLogs
      ? { AUDIT_LOGS: { CloudWatchLogsLogGroupArn: `arn:aws:logs:${o.region}:${o.account}:log-group:/aws/OpenSearchService/domains/${o.name}/audit-logs`, Enabled: true } }
      : {}
  }
}

/** One audit log document of an OpenSearch Service domain (format version 4, as the service publishes it to CloudWatch Logs), wrapped as a CloudWatch Logs event. */
export function opensearchAuditEvent(o: {
  account: string
  domain: string
  time: string
  category: 'AUTHENTICATED' | 'GRANTED_PRIVILEGES' | 'FAILED_LOGIN' | 'MISSING_PRIVILEGES'
  address: string
  user: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
}): Json {
  const doc = {
    audit_cluster_name: `${o.account}:${o.domain}`,
    audit_node_name: `${hex(`node:${o.domain}`, 32)}`,
    audit_rest_request_method: o.method,
    audit_category: o.category,
    audit_request_origin: 'REST',
    audit_node_id: hex(`nodeid:${o.domain}`, 22),
    audit_request_layer: 'REST',
    audit_rest_request_path: o.path,
    '@timestamp': o.time,
    audit_request_effective_user_is_admin: false,
    audit_format_version: 4,
    audit_request_remote_address: o.address,
    audit_node_host_address: '10.212.0.5',
    audit_rest_request_headers: { Host: ['localhost'], 'Content-Type': ['application/json'] },
    audit_request_effective_user: o.user
  }
  return { timestamp: Date.parse(o.time), message: JSON.stringify(doc), logStreamName: `${hex(`stream:${o.domain}`, 32)}`, eventId: hex(`ev:${o.domain}:${o.time}:${o.user}`, 56) }
}

// ---- VPC subnets and route tables (appended for aws.ec2.instance-public-ip and aws.ec2.subnet-auto-public-ip) ----

/** A DescribeRouteTables item as `evidence collect` writes it (with "Region"): the local route, then 0.0.0.0/0 to `internet` (igw-…, nat-…) when given. */
export function routeTable(o: { account: string; region: string; id: string; vpc: string; main?: boolean; subnets?: string[]; internet?: string; blackhole?: boolean }): Json {
  const target = !o.internet ? null : o.internet.startsWith('nat-') ? { NatGatewayId: o.internet } : { GatewayId: o.internet }
  return {
    RouteTableId: o.id,
    VpcId: o.vpc,
    OwnerId: o.account,
    Associations: [
      ...(o.main ? [{ Main: true, RouteTableAssociationId: `rtbassoc-0${hex(`rta:${o.id}:main`, 16)}`, RouteTableId: o.id, AssociationState: { State: 'associated' } }] : []),
      ...(o.subnets ?? []).map((s) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-0${hex(`rta:${o.id}:${s}`, 16)}`,
        RouteTableId: o.id,
        SubnetId: s,
        AssociationState: { State: 'associated' }
      }))
    ],
    Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      ...(target ? [{ DestinationCidrBlock: '0.0.0.0/0', ...target, Origin: 'CreateRoute', State: o.blackhole ? 'blackhole' : 'active' }] : [])
    ],
    Tags: [],
    Region: o.region
  }
}

/** A DescribeSubnets item as `evidence collect` writes it (with "Region"). */
export function subnet(o: { account: string; region: string; id: string; vpc: string; cidr: string; zone?: string; mapPublicIp: boolean; name?: string }): Json {
  return {
    SubnetId: o.id,
    VpcId: o.vpc,
    CidrBlock: o.cidr,
    AvailabilityZone: o.zone ?? `${o.region}a`,
    AvailableIpAddressCount: 240,
    MapPublicIpOnLaunch: o.mapPublicIp,
    DefaultForAz: false,
    State: 'available',
    OwnerId: o.account,
    SubnetArn: `arn:aws:ec2:${o.region}:${o.account}:subnet/${o.id}`,
    Tags: o.name ? [{ Key: 'Name', Value: o.name }] : [],
    Region: o.region
  }
}

// ---- Auto Scaling groups and what they launch with (appended for aws.ec2.subnet-auto-public-ip) ----

/** A DescribeAutoScalingGroups item as `evidence collect` writes it (with "Region"): on a launch template (id, version) or a launch configuration. */
export function autoScalingGroup(o: {
  account: string
  region: string
  name: string
  subnets: string[]
  template?: { id: string; version: string }
  configuration?: string
  min: number
  max: number
  instances?: string[]
  nodegroup?: string
}): Json {
  return {
    AutoScalingGroupName: o.name,
    AutoScalingGroupARN: `arn:aws:autoscaling:${o.region}:${o.account}:autoScalingGroup:${uuidOf(`asg:${o.name}`)}:autoScalingGroupName/${o.name}`,
    ...(o.template ? { LaunchTemplate: { LaunchTemplateId: o.template.id, Version: o.template.version } } : {}),
    ...(o.configuration ? { LaunchConfigurationName: o.configuration } : {}),
    MinSize: o.min,
    MaxSize: o.max,
    DesiredCapacity: o.instances?.length ?? o.min,
    DefaultCooldown: 300,
    AvailabilityZones: [`${o.region}a`],
    HealthCheckType: 'EC2',
    Instances: (o.instances ?? []).map((id) => ({ InstanceId: id, AvailabilityZone: `${o.region}a`, LifecycleState: 'InService', HealthStatus: 'Healthy' })),
    VPCZoneIdentifier: o.subnets.join(','),
    Tags: o.nodegroup ? [{ ResourceId: o.name, ResourceType: 'auto-scaling-group', Key: 'eks:nodegroup-name', Value: o.nodegroup, PropagateAtLaunch: true }] : [],
    Region: o.region
  }
}

/** A DescribeLaunchTemplateVersions item as `evidence collect` writes it (with "Region", without UserData); `publicIp` undefined: the primary interface leaves AssociatePublicIpAddress unset. */
export function launchTemplateVersion(o: { region: string; id: string; name: string; version: number; isDefault: boolean; publicIp?: boolean; groups: string[] }): Json {
  return {
    LaunchTemplateId: o.id,
    LaunchTemplateName: o.name,
    VersionNumber: o.version,
    DefaultVersion: o.isDefault,
    CreateTime: '2026-06-01T09:00:00.000Z',
    LaunchTemplateData: {
      ImageId: `ami-0${hex(`ami:${o.name}`, 16)}`,
      InstanceType: 't3.medium',
      NetworkInterfaces: [{ DeviceIndex: 0, ...(o.publicIp === undefined ? {} : { AssociatePublicIpAddress: o.publicIp }), Groups: o.groups, DeleteOnTermination: true }]
    },
    Region: o.region
  }
}

/** A DescribeLaunchConfigurations item as `evidence collect` writes it (with "Region", without UserData). */
export function launchConfiguration(o: { account: string; region: string; name: string; publicIp?: boolean; groups?: string[] }): Json {
  return {
    LaunchConfigurationName: o.name,
    LaunchConfigurationARN: `arn:aws:autoscaling:${o.region}:${o.account}:launchConfiguration:${uuidOf(`lc:${o.name}`)}:launchConfigurationName/${o.name}`,
    ImageId: `ami-0${hex(`ami:${o.name}`, 16)}`,
    InstanceType: 't3.small',
    ...(o.publicIp === undefined ? {} : { AssociatePublicIpAddress: o.publicIp }),
    SecurityGroups: o.groups ?? [],
    CreatedTime: '2025-03-01T09:00:00.000Z',
    Region: o.region
  }
}

// ---- CloudFront distributions and their standard logs (aws.cloudfront.viewer-https) ----------------

export interface CloudFrontBehaviourSpec {
  /** the ordered behaviour's PathPattern; omitted: the default behaviour */
  path?: string
  policy: 'allow-all' | 'https-only' | 'redirect-to-https'
  /** AllowedMethods (default GET, HEAD) */
  methods?: string[]
}

/**
 * A distribution as ListDistributions summarises it (push it to `cloudfront`) and as
 * GetDistributionConfig answers (push `config` to `cloudfrontConfigs`): the behaviours (ordered ones,
 * then the default), aliases, the viewer certificate (an ACM ARN or CloudFront's default) and logging.
 */
export function cloudFrontDistribution(o: {
  account: string
  id: string
  origin: string
  behaviours: CloudFrontBehaviourSpec[]
  aliases?: string[]
  acmCertificate?: string
  logging?: { bucket: string; prefix: string } | null
  comment?: string
}): { summary: Json; config: Json } {
  const methods = (m?: string[]) => {
    const items = m ?? ['GET', 'HEAD']
    return { Quantity: items.length, Items: items, CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } }
  }
  const behaviour = (b: CloudFrontBehaviourSpec) => ({
    ...(b.path ? { PathPattern: b.path } : {}),
    TargetOriginId: 'origin',
    ViewerProtocolPolicy: b.policy,
    AllowedMethods: methods(b.methods),
    Compress: true,
    CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6'
  })
  const def = o.behaviours.find((b) => !b.path)!
  const ordered = o.behaviours.filter((b) => b.path)
  const aliases = o.aliases ?? []
  const cert = o.acmCertificate
    ? { ACMCertificateArn: o.acmCertificate, SSLSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021', Certificate: o.acmCertificate, CertificateSource: 'acm' }
    : { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' }
  const common = {
    Aliases: aliases.length ? { Quantity: aliases.length, Items: aliases } : { Quantity: 0 },
    Origins: {
      Quantity: 1,
      Items: [{ Id: 'origin', DomainName: o.origin, OriginPath: '', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }]
    },
    DefaultCacheBehavior: behaviour(def),
    CacheBehaviors: ordered.length ? { Quantity: ordered.length, Items: ordered.map(behaviour) } : { Quantity: 0 },
    Comment: o.comment ?? '',
    PriceClass: 'PriceClass_100',
    Enabled: true,
    ViewerCertificate: cert,
    HttpVersion: 'http2',
    IsIPV6Enabled: true
  }
  const arn = `arn:aws:cloudfront::${o.account}:distribution/${o.id}`
  return {
    summary: { Id: o.id, ARN: arn, Status: 'Deployed', LastModifiedTime: '2026-03-02T09:14:00Z', DomainName: `d${hex(`cf:${o.id}`, 13)}.cloudfront.net`, ...common },
    config: {
      Id: o.id,
      ARN: arn,
      ETag: `E${hex(`etag:${o.id}`, 13).toUpperCase()}`,
      DistributionConfig: {
        CallerReference: `lastmile-${o.id}`,
        DefaultRootObject: 'index.html',
        ...common,
        Logging: o.logging
          ? { Enabled: true, IncludeCookies: false, Bucket: `${o.logging.bucket}.s3.amazonaws.com`, Prefix: o.logging.prefix }
          : { Enabled: false, IncludeCookies: false, Bucket: '', Prefix: '' }
      }
    }
  }
}

/** The #Fields line of CloudFront standard logs (the 33 fields, in AWS's order). */
export const CLOUDFRONT_LOG_FIELDS =
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end'

/** One request line of a standard log: tab-separated, the user agent URL-encoded as CloudFront writes it. */
export function cloudFrontLogLine(o: {
  time: string
  ip: string
  method?: string
  host: string
  path: string
  protocol: 'http' | 'https'
  agent: string
  status?: number
}): string {
  const method = o.method ?? 'GET'
  const status = o.status ?? 200
  const https = o.protocol === 'https'
  return [
    o.time.slice(0, 10),
    o.time.slice(11, 19),
    'FRA56-P1',
    '5120',
    o.ip,
    method,
    `d${hex(`host:${o.host}`, 13)}.cloudfront.net`,
    o.path,
    String(status),
    '-',
    encodeURIComponent(o.agent),
    '-',
    '-',
    status < 400 ? 'Hit' : 'Error',
    hex(`req:${o.time}:${o.path}:${o.ip}`, 40),
    o.host,
    o.protocol,
    '210',
    '0.012',
    '-',
    https ? 'TLSv1.3' : '-',
    https ? 'TLS_AES_128_GCM_SHA256' : '-',
    status < 400 ? 'Hit' : 'Error',
    'HTTP/1.1',
    '-',
    '-',
    '51234',
    '0.012',
    status < 400 ? 'Hit' : 'Error',
    'text/html',
    '5120',
    '-',
    '-'
  ].join('\t')
}

/** A Classic Load Balancer's DescribeLoadBalancers item with its Attributes (null: not collected). */
export function clbLoadBalancer(o: {
  account: string
  region: string
  name: string
  listeners: Array<{ protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'SSL'; port: number; instanceProtocol: string; instancePort: number; certificate?: string; policies?: string[] }>
  accessLogs: boolean | null
}): Json {
  return {
    LoadBalancerName: o.name,
    DNSName: `${o.name}-${parseInt(hex(`clb:${o.account}:${o.name}`, 8), 16)}.${o.region}.elb.amazonaws.com`,
    CanonicalHostedZoneNameID: 'Z32O12XQLNTSW2',
    ListenerDescriptions: o.listeners.map((l) => ({
      Listener: {
        Protocol: l.protocol,
        LoadBalancerPort: l.port,
        InstanceProtocol: l.instanceProtocol,
        InstancePort: l.instancePort,
        ...(l.certificate ? { SSLCertificateId: l.certificate } : {})
      },
      PolicyNames: l.policies ?? []
    })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: [`${o.region}a`, `${o.region}b`],
    Subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    VPCId: 'vpc-0a1b2c3d4e5f60718',
    Instances: [{ InstanceId: `i-0${hex(`clb-i:${o.name}`, 16)}` }],
    HealthCheck: { Target: `HTTP:${o.listeners[0]?.instancePort ?? 80}/health`, Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
    SourceSecurityGroup: { OwnerAlias: o.account, GroupName: `${o.name}-elb` },
    SecurityGroups: ['sg-0a1b2c3d4e5f60098'],
    CreatedTime: '2019-06-03T14:02:11.480Z',
    Scheme: 'internet-facing',
    ...(o.accessLogs === null
      ? {}
      : {
          Attributes: {
            CrossZoneLoadBalancing: { Enabled: true },
            AccessLog: o.accessLogs ? { Enabled: true, S3BucketName: `acme-elb-logs-${o.account}`, EmitInterval: 60, S3BucketPrefix: o.name } : { Enabled: false },
            ConnectionDraining: { Enabled: true, Timeout: 300 },
            ConnectionSettings: { IdleTimeout: 60 }
          }
        })
  }
}

/** One Classic Load Balancer access log line: an HTTP(S) request, or a TCP/SSL connection (no request line). */
export function clbLogLine(o: {
  lb: string
  time: string
  scheme: 'http' | 'https' | 'tcp' | 'ssl'
  method?: string
  path?: string
  port: number
  agent?: string
  client: string
}): string {
  const tls = o.scheme === 'https' || o.scheme === 'ssl'
  const web = o.scheme === 'http' || o.scheme === 'https'
  const t = o.time.replace('Z', '.000000Z')
  return [
    t,
    o.lb,
    `${o.client}:${40000 + (parseInt(hex(o.time + o.client, 4), 16) % 20000)}`,
    '10.0.1.30:8080',
    '0.000043',
    '0.001048',
    '0.000057',
    web ? '200' : '-',
    web ? '200' : '-',
    '120',
    '932',
    web ? `"${o.method ?? 'GET'} ${o.scheme}://legacy.example.com:${o.port}${o.path ?? '/'} HTTP/1.1"` : '"- - - "',
    web && o.agent ? `"${o.agent}"` : '"-"',
    tls ? 'ECDHE-RSA-AES128-GCM-SHA256' : '-',
    tls ? 'TLSv1.2' : '-'
  ].join(' ')
}

/** One check of `trivy k8s` on an object (Kubernetes Security Check, status FAIL). */
export interface TrivyK8sCheck {
  /** the short id Trivy releases before 0.4x print (KSV001), or the current one (KSV-0001) */
  id: string
  title: string
  message: string
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'
}

/**
 * `trivy k8s --report all -f json` of a cluster (ClusterName, Resources): each object's misconfigurations
 * under a Result of Class config, Target <Kind>/<name>. Lastmile names each object k8s:<cluster>/<namespace>/<Kind>/<name>.
 */
export function trivyK8sReport(o: { cluster: string; resources: Array<{ namespace: string; kind: string; name: string; checks: TrivyK8sCheck[] }> }): Json {
  const avd = (id: string): string => `AVD-KSV-${id.replace(/^KSV-?/, '').padStart(4, '0')}`
  return {
    ClusterName: o.cluster,
    Resources: o.resources.map((r) => ({
      Namespace: r.namespace,
      Kind: r.kind,
      Name: r.name,
      Results: [
        {
          Target: `${r.kind}/${r.name}`,
          Class: 'config',
          Type: 'kubernetes',
          MisconfSummary: { Successes: 0, Failures: r.checks.length },
          Misconfigurations: r.checks.map((c) => ({
            Type: 'Kubernetes Security Check',
            ID: c.id,
            AVDID: avd(c.id),
            Title: c.title,
            Description: c.title,
            Message: c.message,
            Namespace: `builtin.kubernetes.${c.id.replace('-', '').replace(/^KSV0(\d{3})$/, 'KSV$1')}`,
            Resolution: c.message,
            Severity: c.severity,
            PrimaryURL: `https://avd.aquasec.com/misconfig/${avd(c.id).slice(4).toLowerCase()}`,
            Status: 'FAIL',
            CauseMetadata: { Provider: 'Kubernetes', Service: 'general', StartLine: 120, EndLine: 131 }
          }))
        }
      ]
    }))
  }
}

// ---- Kubernetes resource use (appended for kubernetes.container.resources) ------------------------

/**
 * One container's series as Prometheus's range query answers it (a sample each step, [unix seconds, "value"]),
 * from `from` to `to`, its value at each step given by `value` (null: no sample, a gap).
 */
export function promSeries(o: {
  namespace: string
  pod: string
  container: string
  from: string
  to: string
  /** the query's step in hours (1 by default; fixtures use 6 to stay small) */
  stepHours?: number
  value: (step: number) => number | null
}): Json {
  const values: Array<[number, string]> = []
  const start = Date.parse(o.from) / 1000
  const end = Date.parse(o.to) / 1000
  for (let t = start, h = 0; t < end; t += 3600 * (o.stepHours ?? 1), h++) {
    const v = o.value(h)
    if (v !== null) values.push([t, String(+v.toPrecision(6))])
  }
  return { metric: { namespace: o.namespace, pod: o.pod, container: o.container }, values }
}

/** A node as `kubectl get nodes -o json` lists it, with its allocatable CPU and memory. */
export function k8sNode(name: string, cpu: string, memory: string, o: { unschedulable?: boolean } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: uuidOf(`k8s:node:${name}`), labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: { ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: { cpu, memory, pods: '110' }, allocatable: { cpu, memory, pods: '110' } }
  }
}

/** A ResourceQuota with its hard and used figures (status as the quota controller writes it). */
export function k8sResourceQuota(namespace: string, name: string, hard: Record<string, string>, used: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace, uid: uuidOf(`k8s:quota:${namespace}:${name}`) }, spec: { hard }, status: { hard, used } }
}

/** A LimitRange with one type Container entry. */
export function k8sLimitRange(namespace: string, name: string, container: Record<string, Record<string, string>>): Json {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name, namespace, uid: uuidOf(`k8s:limitrange:${namespace}:${name}`) },
    spec: { limits: [{ type: 'Container', ...container }] }
  }
}

/** A node's kubelet Summary API (`kubectl get --raw /api/v1/nodes/<node>/proxy/stats/summary`): its pods' containers with the bytes of their writable layers. */
export function kubeletSummary(node: string, pods: Array<{ namespace: string; pod: string; containers: Array<{ name: string; usedBytes: number; startTime?: string }> }>): Json {
  return {
    node: { nodeName: node, startTime: '2026-10-02T06:00:00Z' },
    pods: pods.map((p) => ({
      podRef: { name: p.pod, namespace: p.namespace, uid: uuidOf(`k8s:pod:${p.namespace}:${p.pod}`) },
      startTime: '2026-11-12T07:30:00Z',
      containers: p.containers.map((c) => ({
        name: c.name,
        startTime: c.startTime ?? '2026-11-12T07:30:04Z',
        rootfs: { time: '2026-11-20T09:58:00Z', availableBytes: 96e9, capacityBytes: 129e9, usedBytes: c.usedBytes, inodesUsed: Math.ceil(c.usedBytes / 4096) }
      }))
    }))
  }
}

/**
 * Add users, groups, roles and managed policies to an account's inventory/iam-authorization.json: scenarios
 * that share an account in the demo each bring their own principals, and one must not replace another's.
 */
export function addIamAuthorization(a: AccountWorld, part: { UserDetailList?: Json[]; GroupDetailList?: Json[]; RoleDetailList?: Json[]; Policies?: Json[] }): void {
  const cur = (a.iamAuthorization ?? { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }) as Record<string, Json[]>
  a.iamAuthorization = {
    UserDetailList: [...cur.UserDetailList, ...(part.UserDetailList ?? [])],
    GroupDetailList: [...cur.GroupDetailList, ...(part.GroupDetailList ?? [])],
    RoleDetailList: [...cur.RoleDetailList, ...(part.RoleDetailList ?? [])],
    Policies: [...cur.Policies, ...(part.Policies ?? [])]
  }
}
