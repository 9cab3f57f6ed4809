// The inventory files of an evidence bundle (EVIDENCE_BUNDLE.md), loaded and shape-checked for the
// control evaluators: the configuration AWS and Azure report, in their own formats.
//
// The bundle itself is opened by the bundle reader (./bundle.ts `readBundle`, the evidence stage's too): the
// manifest, the safety of every path (relative, inside the bundle, links included), and the size and
// SHA-256 of every listed file — a tampered or truncated bundle is refused (exit 2), naming the
// file. A file on disk that the manifest does not list is not evidence (nothing vouches for it): it
// is ignored, and the reader says so in its notes.
//
// What this module adds, for the evaluators:
// - Strict shapes (zod, the exact AWS CLI / ARM field names) that keep apart what a tolerant reader
//   may merge: a missing key ("not collected", UNKNOWN) and `null` ("S3 says there is none").
//   main/semantics/inventory-items.ts reads the same files tolerantly for enrichment facts, folding both to
//   null, which is right there and wrong here.
// - A missing file is *no evidence*, never "nothing there": evaluators answer UNKNOWN.
// - A corrupt file (bad JSON, wrong shape) does not stop the rest: it is reported with its path and
//   place (line and column, or the JSON path), and what depended on it is UNKNOWN. Within a file,
//   one malformed element (one bucket, one instance) spoils only itself.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { LastmileError } from '../errors'
import { readBundle, type BundleFile } from './bundle'
import { DEFAULT_LIMITS } from './limits'
import { parseCredentialReport, type CredentialReportRow } from './credential-report'
import { decodeText, parseJson } from './json-text'
import { AzureBlobContainer, AzureList, AzureNsg, blobContainersAccountName, listItems } from './inventory-azure'
import { AzureKeyVault, AzureSqlServer } from './inventory-azure-data'
import { IamAuthorization, IamVirtualMfaDevices } from './inventory-iam'
import { KmsKey, LambdaFunction, OpenSearchDomain, RESOURCE_POLICY_FILES, SnsTopic, SqsQueue } from './inventory-resource-policies'
import { AksClusterDoc, EksClusterDoc } from './kubernetes-api'
import { SubnetDoc } from './inventory-ec2-network'
import { CLOUDFRONT_LIST_FILE, CloudFrontListFile, CloudFrontSummary } from './inventory-cloudfront'
import { ClassicLoadBalancer, Elbv2LoadBalancer } from './load-balancer'

// ---- results -------------------------------------------------------------------------------------

export type FileState<T> = { state: 'absent'; rel: string } | { state: 'invalid'; rel: string; error: string } | { state: 'ok'; rel: string; value: T }

/** One element of a list in a file, e.g. one bucket: valid, or the reason it is not. */
export type Item<T> = { ok: true; pointer: string; value: T } | { ok: false; pointer: string; error: string; /** the element's own id/name when readable */ name: string | null }

export interface AwsAccountInventory {
  account: string
  /** Regions the manifest's scope names for this account ([] when it names none) */
  scopeRegions: string[]
  /** what the collector says it could not fetch for this account (manifest.json `gaps`) */
  gaps: CollectionGap[]
  s3Buckets: FileState<Array<Item<S3Bucket>>>
  s3Account: FileState<S3Account>
  ec2Instances: FileState<Array<Item<Ec2Instance> & { ownerId?: string }>>
  securityGroups: FileState<Array<Item<SecurityGroup>>>
  credentialReport: FileState<Array<Item<CredentialReportRow>>>
  ebsEncryption: FileState<Array<Item<EbsRegionSetting>>>
  ecsTasks: FileState<Array<Item<EcsTask>>>
  eksPods: FileState<Array<Item<EksPod>>>
  ecrImages: FileState<Array<Item<EcrImage>>>
  rdsInstances: FileState<Array<Item<RdsInstance>>>
  /** GetAccountAuthorizationDetails (main/semantics/inventory-iam.ts) */
  iamAuthorization: FileState<IamAuthorization>
  /** ListVirtualMFADevices (main/semantics/inventory-iam.ts) */
  iamVirtualMfaDevices: FileState<IamVirtualMfaDevices>
  /** inventory/lambda-functions.json (./inventory-resource-policies.ts) */
  lambdaFunctions: FileState<Array<Item<LambdaFunction>>>
  sqsQueues: FileState<Array<Item<SqsQueue>>>
  snsTopics: FileState<Array<Item<SnsTopic>>>
  kmsKeys: FileState<Array<Item<KmsKey>>>
  /** inventory/subnets.json, DescribeSubnets items with "Region" (./inventory-ec2-network.ts) */
  subnets: FileState<Array<Item<SubnetDoc>>>
  /** inventory/eks-clusters.json, DescribeCluster per cluster (./kubernetes-api.ts) */
  eksClusters: FileState<Array<Item<EksClusterDoc>>>
  /** inventory/load-balancers.json's elbv2 "LoadBalancers" with their Listeners and Attributes (./load-balancer.ts); absent without the key */
  elbv2LoadBalancers: FileState<Array<Item<Elbv2LoadBalancer>>>
  /** inventory/opensearch-domains.json, DescribeDomains (./inventory-resource-policies.ts) */
  opensearchDomains: FileState<Array<Item<OpenSearchDomain>>>
  /** inventory/cloudfront-distributions.json, ListDistributions (./inventory-cloudfront.ts) */
  cloudFrontDistributions: FileState<Array<Item<CloudFrontSummary>>>
  /** the same file's Classic "LoadBalancerDescriptions"; absent without the key */
  classicLoadBalancers: FileState<Array<Item<ClassicLoadBalancer>>>
}

/** A part a collector could not fetch, as `lastmile evidence collect` records it in the manifest. */
export interface CollectionGap {
  /** index in manifest.json `gaps`, for the evidence reference */
  index: number
  source: string
  resource: string | null
  /** the API operation that failed ("GetBucketPolicy"); null when the gap is not a failed call */
  operation: string | null
  /** the region the call was made in; null when the gap does not say */
  region: string | null
  problem: string
}

/** An AWS region name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5… */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
/** An AWS API operation name as the collector writes it: a read verb, then the rest. */
const OPERATION = /^(?:Get|List|Describe|Head|Lookup|Generate)[A-Za-z0-9]+$/

/**
 * The operation and region of a manifest gap. Bundles from this collector carry them as fields;
 * bundles written before those fields existed only say them at the start of the problem text —
 * "GetBucketPolicy b: …", "DescribeInstances in eu-west-1: …", "ListBuckets: …" — which is read
 * here, once, so that nothing downstream parses sentences. A field present wins over the text.
 */
export function gapCall(g: { operation?: unknown; region?: unknown; problem: string }): { operation: string | null; region: string | null } {
  const field = (v: unknown, re: RegExp): string | null => (typeof v === 'string' && re.test(v) ? v : null)
  const m = /^([A-Za-z0-9]+)(?: in ([a-z0-9-]+))?(?::| )/.exec(g.problem)
  const textOp = m && OPERATION.test(m[1]) ? m[1] : null
  const textRegion = textOp && m?.[2] && AWS_REGION.test(m[2]) ? m[2] : null
  return { operation: field(g.operation, OPERATION) ?? textOp, region: field(g.region, AWS_REGION) ?? textRegion }
}

export interface AzureSubscriptionInventory {
  subscription: string
  storageAccounts: FileState<Array<Item<AzureStorageAccount>>>
  /** added: blob-containers/<account name>.json by account name (./inventory-azure.ts); an account without a file: not listed */
  blobContainers: Map<string, FileState<Array<Item<AzureBlobContainer>>>>
  /** added: network-security-groups.json (./inventory-azure.ts) */
  networkSecurityGroups: FileState<Array<Item<AzureNsg>>>
  /** added: the Entra configuration files (entra/<file>.json, not the logs) and role-assignments.json by bundle path, as read; parsed where used (./inventory-entra.ts, ./inventory-entra-apps.ts) */
  entra: Map<string, FileState<unknown>>
  /** added: aks-clusters.json (./kubernetes-api.ts) */
  aksClusters: FileState<Array<Item<AksClusterDoc>>>
  /** added: sql-servers.json and key-vaults.json (./inventory-azure-data.ts) */
  sqlServers: FileState<Array<Item<AzureSqlServer>>>
  keyVaults: FileState<Array<Item<AzureKeyVault>>>
}

export interface LoadedBundle {
  /** the folder as the user named it */
  dir: string
  collectedAt: string
  aws: AwsAccountInventory[]
  azure: AzureSubscriptionInventory[]
  /** ignored or unchecked files, one line each */
  notes: string[]
}

// ---- shapes (exact AWS CLI / ARM field names) ----------------------------------------------------

/**
 * A PublicAccessBlockConfiguration. `aws s3api get-public-access-block` wraps it as
 * `{"PublicAccessBlockConfiguration": {...}}`; the bundle format stores the configuration itself.
 * Both are accepted. A setting left out is off (the API's default), which can only make a result
 * stricter.
 */
const PublicAccessBlock = z.preprocess(
  (v) => (v && typeof v === 'object' && 'PublicAccessBlockConfiguration' in v ? (v as Record<string, unknown>).PublicAccessBlockConfiguration : v),
  z.object({
    BlockPublicAcls: z.boolean().optional(),
    IgnorePublicAcls: z.boolean().optional(),
    BlockPublicPolicy: z.boolean().optional(),
    RestrictPublicBuckets: z.boolean().optional()
  })
)
export type PublicAccessBlock = z.infer<typeof PublicAccessBlock>

const Acl = z.object({
  Owner: z.unknown().optional(),
  Grants: z.array(
    z.object({
      Grantee: z.object({
        Type: z.string(),
        URI: z.string().optional(),
        ID: z.string().optional(),
        DisplayName: z.string().optional(),
        EmailAddress: z.string().optional()
      }),
      Permission: z.string()
    })
  )
})

/**
 * One bucket of s3-buckets.json. For `policy`, `publicAccessBlock` and `acl` a missing key means the
 * collector did not record it (unknown) while `null` means S3 said there is none (NoSuchBucketPolicy,
 * NoSuchPublicAccessBlockConfiguration) — the evaluators keep the two apart.
 */
const S3Bucket = z.object({
  name: z.string().min(1),
  region: z.string().nullable().optional(),
  policy: z.string().nullable().optional(),
  publicAccessBlock: PublicAccessBlock.nullable().optional(),
  acl: Acl.nullable().optional(),
  /** GetBucketLogging's LoggingEnabled: null = logging off, absent = not collected */
  logging: z
    .object({ TargetBucket: z.string().min(1), TargetPrefix: z.string().optional() })
    .nullable()
    .optional()
})
export type S3Bucket = z.infer<typeof S3Bucket>

const S3Account = z.object({ publicAccessBlock: PublicAccessBlock.nullable() })
export type S3Account = z.infer<typeof S3Account>

const Ec2Instance = z.object({
  InstanceId: z.string().min(1),
  State: z.object({ Name: z.string() }).optional(),
  Placement: z.object({ AvailabilityZone: z.string().optional() }).optional(),
  MetadataOptions: z.object({ State: z.string().optional(), HttpTokens: z.string().optional(), HttpEndpoint: z.string().optional() }).optional(),
  /** DescribeInstances leaves it out when the instance has no public IPv4 address */
  PublicIpAddress: z.string().optional(),
  NetworkInterfaces: z
    .array(z.object({ NetworkInterfaceId: z.string().optional(), Association: z.object({ PublicIp: z.string().optional(), IpOwnerId: z.string().optional() }).optional() }))
    .optional()
})
export type Ec2Instance = z.infer<typeof Ec2Instance>

const IpPermission = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: z.array(z.object({ CidrIp: z.string(), Description: z.string().optional() })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string(), Description: z.string().optional() })).optional(),
  PrefixListIds: z.array(z.object({ PrefixListId: z.string(), Description: z.string().optional() })).optional(),
  UserIdGroupPairs: z.array(z.object({ GroupId: z.string().optional(), UserId: z.string().optional() })).optional()
})
export type IpPermission = z.infer<typeof IpPermission>

const SecurityGroup = z.object({
  GroupId: z.string().min(1),
  GroupName: z.string().optional(),
  OwnerId: z.string().optional(),
  VpcId: z.string().optional(),
  SecurityGroupArn: z.string().optional(),
  /** not AWS's: `lastmile evidence collect` adds the Region it listed the group in */
  Region: z.string().optional(),
  IpPermissions: z.array(IpPermission),
  /** absent when the file does not have it: the outbound rules are then unknown */
  IpPermissionsEgress: z.array(IpPermission).optional()
})
export type SecurityGroup = z.infer<typeof SecurityGroup>

/** `aws ec2 get-ebs-encryption-by-default` output, per Region. */
const EbsRegionSetting = z.object({
  EbsEncryptionByDefault: z.boolean(),
  KmsKeyId: z.string().nullable().optional(),
  SseType: z.string().optional()
})
export type EbsRegionSetting = z.infer<typeof EbsRegionSetting> & { region: string }

const EcsTask = z.object({
  taskArn: z.string().min(1),
  clusterArn: z.string().optional(),
  lastStatus: z.string().optional(),
  containers: z.array(z.object({ name: z.string().optional(), image: z.string().optional(), imageDigest: z.string().optional(), lastStatus: z.string().optional() })).optional()
})
export type EcsTask = z.infer<typeof EcsTask>

const ContainerStatus = z.object({ name: z.string().optional(), image: z.string().optional(), imageID: z.string().optional() })
/** One pod of `kubectl get pods -A -o json`. */
const EksPod = z.object({
  metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }),
  status: z
    .object({
      phase: z.string().optional(),
      containerStatuses: z.array(ContainerStatus).optional(),
      initContainerStatuses: z.array(ContainerStatus).optional()
    })
    .optional()
})
export type EksPod = z.infer<typeof EksPod>

const AwsTime = z.union([z.string(), z.number()])
/** One `imageDetails` element of `aws ecr describe-images`. */
/**
 * One DB instance as DescribeDBInstances gives it (inventory/rds-instances.json, `{"DBInstances":
 * [...]}`), the fields the RDS controls read. `NetworkInterfaces` is not DescribeDBInstances': it is
 * the instance's elastic network interfaces (DescribeNetworkInterfaces, requester amazon-rds), whose
 * ids name the instance's VPC flow logs; absent when not collected.
 */
export const RdsInstance = z.object({
  DBInstanceIdentifier: z.string().min(1),
  DBInstanceArn: z.string().optional(),
  Engine: z.string().optional(),
  DBInstanceStatus: z.string().optional(),
  PubliclyAccessible: z.boolean().optional(),
  Endpoint: z.object({ Address: z.string().optional(), Port: z.number().int().optional(), HostedZoneId: z.string().optional() }).optional(),
  AvailabilityZone: z.string().optional(),
  DBSubnetGroup: z
    .object({
      DBSubnetGroupName: z.string().optional(),
      VpcId: z.string().optional(),
      Subnets: z.array(z.object({ SubnetIdentifier: z.string().optional() })).optional()
    })
    .optional(),
  VpcSecurityGroups: z.array(z.object({ VpcSecurityGroupId: z.string(), Status: z.string().optional() })).optional(),
  TagList: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional(),
  NetworkInterfaces: z.array(z.object({ NetworkInterfaceId: z.string().min(1), PrivateIpAddress: z.string().optional() })).optional(),
  StorageEncrypted: z.boolean().optional(),
  KmsKeyId: z.string().optional(),
  DBClusterIdentifier: z.string().optional()
})
export type RdsInstance = z.infer<typeof RdsInstance>

const EcrImage = z.object({
  registryId: z.string().optional(),
  repositoryName: z.string().optional(),
  imageDigest: z.string().min(1),
  imageTags: z.array(z.string()).optional(),
  imageScanStatus: z.object({ status: z.string().optional(), description: z.string().optional() }).optional(),
  imageScanFindingsSummary: z
    .object({
      imageScanCompletedAt: AwsTime.optional(),
      vulnerabilitySourceUpdatedAt: AwsTime.optional(),
      findingSeverityCounts: z.record(z.string(), z.number().int().min(0)).optional()
    })
    .optional()
})
export type EcrImage = z.infer<typeof EcrImage>

/**
 * One storage account: the ARM list shape (`properties.supportsHttpsTrafficOnly`) or the flattened
 * one `az storage account list` prints (`enableHttpsTrafficOnly`), normalised.
 */
const AzureStorageAccountRaw = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  properties: z
    .object({
      supportsHttpsTrafficOnly: z.boolean().nullable().optional(),
      minimumTlsVersion: z.string().nullable().optional(),
      allowBlobPublicAccess: z.boolean().nullable().optional()
    })
    .optional(),
  enableHttpsTrafficOnly: z.boolean().nullable().optional(),
  minimumTlsVersion: z.string().nullable().optional(),
  allowBlobPublicAccess: z.boolean().nullable().optional()
})
export interface AzureStorageAccount {
  id: string
  name: string | null
  /** undefined: the property is not in the file */
  supportsHttpsTrafficOnly: boolean | undefined
  minimumTlsVersion: string | undefined
  /** undefined: the property is not in the file */
  allowBlobPublicAccess: boolean | undefined
}

// ---- reading -------------------------------------------------------------------------------------

export const INVENTORY_FILES = {
  s3Buckets: 's3-buckets.json',
  s3Account: 's3-account.json',
  ec2Instances: 'ec2-instances.json',
  securityGroups: 'security-groups.json',
  credentialReport: 'iam-credential-report.csv',
  ebsEncryption: 'ebs-encryption.json',
  ecsTasks: 'ecs-tasks.json',
  eksPods: 'eks-pods.json',
  ecrImages: 'ecr-images.json',
  rdsInstances: 'rds-instances.json',
  iamAuthorization: 'iam-authorization.json',
  iamVirtualMfaDevices: 'iam-virtual-mfa-devices.json',
  lambdaFunctions: RESOURCE_POLICY_FILES.lambdaFunctions.file,
  sqsQueues: RESOURCE_POLICY_FILES.sqsQueues.file,
  snsTopics: RESOURCE_POLICY_FILES.snsTopics.file,
  kmsKeys: RESOURCE_POLICY_FILES.kmsKeys.file,
  eksClusters: 'eks-clusters.json',
  subnets: 'subnets.json',
  loadBalancers: 'load-balancers.json',
  opensearchDomains: RESOURCE_POLICY_FILES.opensearchDomains.file,
  cloudFrontDistributions: CLOUDFRONT_LIST_FILE
} as const
const AZURE_FILES = { storageAccounts: 'storage-accounts.json' } as const

const ACCOUNT_ID = /^\d{12}$/
const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** RFC 6901 JSON pointer of a path, for `file#/buckets/3` evidence references. */
export function pointer(path: ReadonlyArray<string | number | symbol>): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

/** A zod path for people: `buckets[3].name`. */
function dotted(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p)
  return out
}

function describeIssue(issue: z.core.$ZodIssue, base: ReadonlyArray<PropertyKey> = []): string {
  const path = dotted([...base, ...issue.path])
  let what = issue.message
  if (issue.code === 'invalid_type') {
    const m = /received (\w+)/.exec(issue.message)
    what = m?.[1] === 'undefined' ? `missing (expected ${issue.expected})` : `expected ${issue.expected}${m ? `, found ${m[1]}` : ''}`
  } else what = what.replace(/^Invalid input: /, '')
  return path ? `${path}: ${what}` : what
}

/** The verified files of a bundle, read for the evaluators. */
class BundleReader {
  readonly notes: string[]
  private readonly byPath: Map<string, BundleFile>
  private constructor(
    readonly dir: string,
    readonly collectedAt: string,
    readonly scopes: Array<{ provider: string; account?: string; subscription?: string; regions?: string[] }>,
    readonly gaps: Array<CollectionGap & { scope: string }>,
    readonly files: BundleFile[],
    notes: string[]
  ) {
    this.notes = [...notes]
    this.byPath = new Map(files.map((f) => [f.path, f]))
  }

  static async open(dir: string): Promise<BundleReader> {
    const b = await readBundle(dir)
    // Every age is measured from collectedAt, so it must be a real instant, with its zone.
    const at = z.iso.datetime({ offset: true }).safeParse(b.manifest.collectedAt)
    if (!at.success) {
      throw new LastmileError('bad-input', `${join(dir, 'manifest.json')}: collectedAt: "${b.manifest.collectedAt}" is not an ISO 8601 date and time with a zone`)
    }
    const collectedAt = new Date(b.manifest.collectedAt).toISOString().replace('.000Z', 'Z')
    const gaps = (b.manifest.gaps ?? []).map((g, index) => ({ index, source: g.source, scope: g.scope, resource: g.resource ?? null, ...gapCall(g), problem: g.problem }))
    return new BundleReader(dir, collectedAt, b.manifest.scopes ?? [], gaps, b.files, b.notes)
  }

  /**
   * The bytes of a verified bundle file: null when the manifest does not list it (no evidence), a
   * string saying why when it is too large to be an inventory document.
   */
  async read(rel: string): Promise<Buffer | null | string> {
    const f = this.byPath.get(rel)
    if (!f) return null
    if (f.bytes > DEFAULT_LIMITS.maxDocumentBytes) return `${f.bytes} bytes, more than the ${DEFAULT_LIMITS.maxDocumentBytes} an inventory document may have`
    const buf = await readFile(f.abs)
    // The file was hashed when the bundle was opened; parse exactly those bytes, nothing swapped in since.
    if (createHash('sha256').update(buf).digest('hex') !== f.sha256) {
      throw new LastmileError('bad-input', `${join(this.dir, rel)}: changed while it was being read; evaluate the bundle again`)
    }
    return buf
  }

  /** Read a JSON document and check its top-level shape. */
  async json<T>(rel: string, schema: z.ZodType<T>): Promise<FileState<T>> {
    const buf = await this.read(rel)
    if (buf === null) return { state: 'absent', rel }
    if (typeof buf === 'string') return this.invalid(rel, buf)
    const parsed = parseJson(decodeText(buf))
    if (!parsed.ok) return this.invalid(rel, parsed.error)
    const r = schema.safeParse(parsed.value)
    if (!r.success) return this.invalid(rel, describeIssue(r.error.issues[0]))
    return { state: 'ok', rel, value: r.data }
  }

  invalid<T>(rel: string, error: string): FileState<T> {
    this.notes.push(`${rel}: ${error} — what depends on it is UNKNOWN`)
    return { state: 'invalid', rel, error }
  }
}

/** Validate each element of a list on its own, so that one bad element spoils only itself. */
function items<T>(list: readonly unknown[], schema: z.ZodType<T>, base: ReadonlyArray<string | number>, nameKey: string): Array<Item<T>> {
  return list.map((raw, i) => {
    const path = [...base, i]
    const r = schema.safeParse(raw)
    if (r.success) return { ok: true as const, pointer: pointer(path), value: r.data }
    const name = raw && typeof raw === 'object' && typeof (raw as Record<string, unknown>)[nameKey] === 'string' ? ((raw as Record<string, unknown>)[nameKey] as string) : null
    return { ok: false as const, pointer: pointer(path), error: describeIssue(r.error.issues[0], path), name }
  })
}

function mapOk<A, B>(f: FileState<A>, fn: (a: A) => B): FileState<B> {
  return f.state === 'ok' ? { state: 'ok', rel: f.rel, value: fn(f.value) } : f
}

const listOf = (key: string) => z.object({ [key]: z.array(z.unknown()) }) as z.ZodType<Record<string, unknown[]>>

async function loadAwsAccount(b: BundleReader, account: string, scopeRegions: string[]): Promise<AwsAccountInventory> {
  const rel = (f: string) => `aws/${account}/inventory/${f}`
  const s3Buckets = mapOk(await b.json(rel(INVENTORY_FILES.s3Buckets), listOf('buckets')), (v) => items(v.buckets, S3Bucket, ['buckets'], 'name'))
  const s3Account = await b.json(rel(INVENTORY_FILES.s3Account), S3Account)

  const rawInstances = await b.json(
    rel(INVENTORY_FILES.ec2Instances),
    z.object({ Reservations: z.array(z.object({ OwnerId: z.string().optional(), Instances: z.array(z.unknown()) })) })
  )
  const ec2Instances = mapOk(rawInstances, (v) =>
    v.Reservations.flatMap((r, i) => items(r.Instances, Ec2Instance, ['Reservations', i, 'Instances'], 'InstanceId').map((it) => ({ ...it, ownerId: r.OwnerId })))
  )
  const securityGroups = mapOk(await b.json(rel(INVENTORY_FILES.securityGroups), listOf('SecurityGroups')), (v) =>
    items(v.SecurityGroups, SecurityGroup, ['SecurityGroups'], 'GroupId')
  )

  let credentialReport: FileState<Array<Item<CredentialReportRow>>>
  const reportRel = rel(INVENTORY_FILES.credentialReport)
  const reportBuf = await b.read(reportRel)
  if (reportBuf === null) credentialReport = { state: 'absent', rel: reportRel }
  else if (typeof reportBuf === 'string') credentialReport = b.invalid(reportRel, reportBuf)
  else {
    const parsed = parseCredentialReport(decodeText(reportBuf))
    credentialReport = parsed.ok ? { state: 'ok', rel: reportRel, value: parsed.rows } : b.invalid(reportRel, parsed.error)
  }

  const ebsEncryption = mapOk(await b.json(rel(INVENTORY_FILES.ebsEncryption), z.object({ regions: z.record(z.string(), z.unknown()) })), (v) =>
    Object.keys(v.regions)
      .sort()
      .map((region): Item<EbsRegionSetting> => {
        const path = ['regions', region]
        const r = EbsRegionSetting.safeParse(v.regions[region])
        return r.success
          ? { ok: true, pointer: pointer(path), value: { ...r.data, region } }
          : { ok: false, pointer: pointer(path), error: describeIssue(r.error.issues[0], path), name: region }
      })
  )
  const ecsTasks = mapOk(await b.json(rel(INVENTORY_FILES.ecsTasks), listOf('tasks')), (v) => items(v.tasks, EcsTask, ['tasks'], 'taskArn'))
  const eksPods = mapOk(await b.json(rel(INVENTORY_FILES.eksPods), listOf('items')), (v) => items(v.items, EksPod, ['items'], 'name'))
  const ecrImages = mapOk(await b.json(rel(INVENTORY_FILES.ecrImages), listOf('imageDetails')), (v) => items(v.imageDetails, EcrImage, ['imageDetails'], 'imageDigest'))
  const rdsInstances = mapOk(await b.json(rel(INVENTORY_FILES.rdsInstances), listOf('DBInstances')), (v) =>
    items(v.DBInstances, RdsInstance, ['DBInstances'], 'DBInstanceIdentifier')
  )
  const iamAuthorization = await b.json(rel(INVENTORY_FILES.iamAuthorization), IamAuthorization)
  const iamVirtualMfaDevices = await b.json(rel(INVENTORY_FILES.iamVirtualMfaDevices), IamVirtualMfaDevices)
  const lambdaFunctions = mapOk(await b.json(rel(INVENTORY_FILES.lambdaFunctions), listOf('Functions')), (v) => items(v.Functions, LambdaFunction, ['Functions'], 'FunctionName'))
  const sqsQueues = mapOk(await b.json(rel(INVENTORY_FILES.sqsQueues), listOf('Queues')), (v) => items(v.Queues, SqsQueue, ['Queues'], 'QueueUrl'))
  const snsTopics = mapOk(await b.json(rel(INVENTORY_FILES.snsTopics), listOf('Topics')), (v) => items(v.Topics, SnsTopic, ['Topics'], 'TopicArn'))
  const kmsKeys = mapOk(await b.json(rel(INVENTORY_FILES.kmsKeys), listOf('Keys')), (v) => items(v.Keys, KmsKey, ['Keys'], 'KeyId'))
  const eksClusters = mapOk(await b.json(rel(INVENTORY_FILES.eksClusters), listOf('clusters')), (v) => items(v.clusters, EksClusterDoc, ['clusters'], 'arn'))
  const subnets = mapOk(await b.json(rel(INVENTORY_FILES.subnets), listOf('Subnets')), (v) => items(v.Subnets, SubnetDoc, ['Subnets'], 'SubnetId'))
  // one file holds both generations ("LoadBalancers" elbv2, "LoadBalancerDescriptions" Classic): a file without the key has no elbv2 list
  const lbFile = await b.json(
    rel(INVENTORY_FILES.loadBalancers),
    z.object({ LoadBalancers: z.array(z.unknown()).optional(), LoadBalancerDescriptions: z.array(z.unknown()).optional() }).passthrough()
  )
  const elbv2LoadBalancers: AwsAccountInventory['elbv2LoadBalancers'] =
    lbFile.state === 'ok' && !lbFile.value.LoadBalancers
      ? { state: 'absent', rel: lbFile.rel }
      : mapOk(lbFile, (v) => items(v.LoadBalancers ?? [], Elbv2LoadBalancer, ['LoadBalancers'], 'LoadBalancerArn'))
  const opensearchDomains = mapOk(await b.json(rel(INVENTORY_FILES.opensearchDomains), listOf('DomainStatusList')), (v) =>
    items(v.DomainStatusList, OpenSearchDomain, ['DomainStatusList'], 'DomainName')
  )
  const cloudFrontDistributions = mapOk(await b.json(rel(INVENTORY_FILES.cloudFrontDistributions), CloudFrontListFile), (v) =>
    'Distributions' in v
      ? items(v.Distributions as unknown[], CloudFrontSummary, ['Distributions'], 'ARN')
      : items((v as { DistributionList: { Items?: unknown[] | null } }).DistributionList.Items ?? [], CloudFrontSummary, ['DistributionList', 'Items'], 'ARN')
  )
  const classicLoadBalancers: AwsAccountInventory['classicLoadBalancers'] =
    lbFile.state === 'ok' && !lbFile.value.LoadBalancerDescriptions
      ? { state: 'absent', rel: lbFile.rel }
      : mapOk(lbFile, (v) => items(v.LoadBalancerDescriptions ?? [], ClassicLoadBalancer, ['LoadBalancerDescriptions'], 'LoadBalancerName'))
  const gaps = b.gaps.filter((g) => g.scope === account).map(({ scope: _scope, ...g }) => g)
  return {
    account,
    scopeRegions,
    gaps,
    s3Buckets,
    s3Account,
    ec2Instances,
    securityGroups,
    credentialReport,
    ebsEncryption,
    ecsTasks,
    eksPods,
    ecrImages,
    rdsInstances,
    iamAuthorization,
    iamVirtualMfaDevices,
    lambdaFunctions,
    sqsQueues,
    snsTopics,
    kmsKeys,
    eksClusters,
    subnets,
    elbv2LoadBalancers,
    opensearchDomains,
    cloudFrontDistributions,
    classicLoadBalancers
  }
}

async function loadAzureSubscription(b: BundleReader, subscription: string): Promise<AzureSubscriptionInventory> {
  const dir = `azure/${subscription}`
  // ARM list output is {"value":[…]}; `az storage account list` prints the bare array.
  const raw = await b.json(`${dir}/${AZURE_FILES.storageAccounts}`, z.union([z.object({ value: z.array(z.unknown()) }), z.array(z.unknown())]))
  const storageAccounts = mapOk(raw, (v) => {
    const [list, base] = Array.isArray(v) ? [v, [] as string[]] : [v.value, ['value']]
    return items(list, AzureStorageAccountRaw, base, 'id').map((it): Item<AzureStorageAccount> => {
      if (!it.ok) return it
      const a = it.value
      return {
        ok: true,
        pointer: it.pointer,
        value: {
          id: a.id,
          name: a.name ?? null,
          supportsHttpsTrafficOnly: a.properties?.supportsHttpsTrafficOnly ?? a.enableHttpsTrafficOnly ?? undefined,
          minimumTlsVersion: a.properties?.minimumTlsVersion ?? a.minimumTlsVersion ?? undefined,
          allowBlobPublicAccess: a.properties?.allowBlobPublicAccess ?? a.allowBlobPublicAccess ?? undefined
        }
      }
    })
  })
  const blobContainers = new Map<string, FileState<Array<Item<AzureBlobContainer>>>>()
  for (const f of b.files) {
    if (!f.path.startsWith(`${dir}/blob-containers/`)) continue
    const name = blobContainersAccountName(f.path)
    if (!name) continue
    const raw = await b.json(f.path, AzureList)
    blobContainers.set(
      name,
      mapOk(raw, (v) => {
        const [list, base] = listItems(v)
        return items(list, AzureBlobContainer, base, 'name')
      })
    )
  }
  const networkSecurityGroups = mapOk(await b.json(`${dir}/network-security-groups.json`, AzureList), (v) => {
    const [list, base] = listItems(v)
    return items(list, AzureNsg, base, 'id')
  })
  const entra = new Map<string, FileState<unknown>>()
  // the configuration files only: the logs (sign-ins, directory audits) are the evidence stage's, not the evaluators'
  for (const f of b.files)
    if ((f.path.startsWith(`${dir}/entra/`) && !/sign-ins\.json$|directory-audits\.json$/.test(f.path)) || f.path === `${dir}/role-assignments.json`)
      entra.set(f.path, await b.json(f.path, z.unknown()))
  const aksClusters = mapOk(await b.json(`${dir}/aks-clusters.json`, AzureList), (v) => {
    const [list, base] = listItems(v)
    return items(list, AksClusterDoc, base, 'id')
  })
  const sqlServers = mapOk(await b.json(`${dir}/sql-servers.json`, AzureList), (v) => {
    const [list, base] = listItems(v)
    return items(list, AzureSqlServer, base, 'id')
  })
  const keyVaults = mapOk(await b.json(`${dir}/key-vaults.json`, AzureList), (v) => {
    const [list, base] = listItems(v)
    return items(list, AzureKeyVault, base, 'id')
  })
  return { subscription, storageAccounts, blobContainers, networkSecurityGroups, entra, aksClusters, sqlServers, keyVaults }
}

/**
 * Load what the evaluators read from a bundle. Throws LastmileError('bad-input') when the folder is
 * not a bundle, its manifest is malformed, or a file fails its integrity check; every other problem
 * becomes a note and a FileState the evaluators turn into UNKNOWN.
 */
export async function loadBundle(dir: string): Promise<LoadedBundle> {
  const b = await BundleReader.open(dir)
  const awsScopes = new Map<string, string[]>()
  const subscriptions = new Map<string, string>()
  for (const s of b.scopes) {
    if (s.provider === 'aws' && s.account && ACCOUNT_ID.test(s.account)) {
      awsScopes.set(s.account, [...new Set([...(awsScopes.get(s.account) ?? []), ...(s.regions ?? [])])].sort())
    } else if (s.provider === 'azure') {
      const id = s.subscription ?? s.account
      if (id && SUBSCRIPTION_ID.test(id)) subscriptions.set(id.toLowerCase(), id)
    }
  }
  const accounts = new Set(awsScopes.keys())
  const ignored = new Set<string>()
  for (const f of b.files) {
    if (f.provider === 'aws' && f.scope !== null) {
      if (ACCOUNT_ID.test(f.scope)) accounts.add(f.scope)
      else ignored.add(`aws/${f.scope}: not a 12-digit AWS account id — its files are ignored`)
    } else if (f.provider === 'azure' && f.scope !== null) {
      // the folder name as the collector wrote it (its files are found by it); the id compares lower-cased
      if (SUBSCRIPTION_ID.test(f.scope)) subscriptions.set(f.scope.toLowerCase(), f.scope)
      else ignored.add(`azure/${f.scope}: not an Azure subscription id — its files are ignored`)
    }
  }
  b.notes.push(...[...ignored].sort())
  const aws: AwsAccountInventory[] = []
  for (const account of [...accounts].sort()) aws.push(await loadAwsAccount(b, account, awsScopes.get(account) ?? []))
  const azure: AzureSubscriptionInventory[] = []
  for (const [key, folder] of [...subscriptions].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))) {
    const inv = await loadAzureSubscription(b, folder)
    azure.push({ ...inv, subscription: key })
  }
  return { dir, collectedAt: b.collectedAt, aws, azure, notes: [...new Set(b.notes)] }
}
