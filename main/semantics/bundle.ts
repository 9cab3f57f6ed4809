// Reading an evidence bundle folder (EVIDENCE_BUNDLE.md): the manifest, the safety of every path
// in it, the SHA-256 of every file, and what kind of evidence each file is.
import { createHash } from 'node:crypto'
import { createReadStream, promises as fsp, realpathSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { z } from 'zod'
import { LastmileError, fsReason } from '../errors'
import { locateJsonError } from './json-text'
import { readRegularFile } from '../services/input-files'

export const MANIFEST = 'manifest.json'
export const MANIFEST_FORMAT = 'lastmile-evidence-bundle'

const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')

/**
 * A part `evidence collect` could not fetch: a coverage gap, recorded in the manifest. `problem` is
 * for people; `operation` (the API call that failed, e.g. "GetBucketPolicy") and `region` (where it
 * was called) are for programs, so that no reader has to parse the sentence. Both are optional:
 * bundles written before they existed, and gaps that are not a failed call (a source this collector
 * does not read), have neither.
 */
const collectionGapSchema = z
  .object({
    source: z.string(),
    scope: z.string(),
    resource: z.string().optional(),
    operation: z.string().optional(),
    region: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    problem: z.string()
  })
  .passthrough()
export type CollectionGap = z.infer<typeof collectionGapSchema>

const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(1),
    collectedAt: z.string(),
    collector: z.object({ tool: z.string(), version: z.string().optional(), operator: z.string().optional() }).passthrough(),
    window: z.object({ from: z.string(), to: z.string() }).optional(),
    scopes: z
      .array(
        z
          .object({
            provider: z.string(),
            account: z.string().optional(),
            subscription: z.string().optional(),
            regions: z.array(z.string()).optional()
          })
          .passthrough()
      )
      .optional(),
    files: z.array(z.object({ path: z.string(), sha256: sha256Hex, bytes: z.number().int().nonnegative() }).passthrough()),
    /** Lastmile's addition: parts a collector could not fetch (recorded as coverage gaps). */
    gaps: z.array(collectionGapSchema).optional()
  })
  .passthrough()
export type Manifest = z.infer<typeof manifestSchema>

type EvidenceKind =
  | 'aws.cloudtrail'
  | 'aws.cloudtrail-digest'
  | 'aws.cloudtrail-lookup'
  | 'aws.cloudtrail-query'
  | 'aws.trails'
  | 'aws.s3-access-logs'
  | 'aws.vpc-flow-logs'
  | 'aws.elb-access-logs'
  | 'aws.cloudwatch-metrics'
  | 'aws.inventory.s3-buckets'
  | 'aws.inventory.s3-account'
  | 'aws.inventory.ec2-instances'
  | 'aws.inventory.security-groups'
  | 'aws.inventory.network-interfaces'
  | 'aws.inventory.iam-credential-report'
  | 'aws.inventory.ebs-encryption'
  | 'aws.inventory.ecs-tasks'
  | 'aws.inventory.eks-pods'
  | 'aws.inventory.eks-clusters'
  | 'aws.inventory.rds-instances'
  | 'aws.inventory.iam-authorization'
  | 'aws.inventory.iam-virtual-mfa-devices'
  | 'aws.inventory.ecr-images'
  | 'aws.inventory.cloudfront-distributions'
  | 'aws.inventory.load-balancers'
  | 'aws.inventory.lambda-functions'
  | 'aws.inventory.sqs-queues'
  | 'aws.inventory.sns-topics'
  | 'aws.inventory.kms-keys'
  | 'aws.inventory.opensearch-domains'
  | 'aws.opensearch-audit'
  | 'aws.inventory.route-tables'
  | 'aws.inventory.subnets'
  | 'aws.inventory.auto-scaling-groups'
  | 'aws.inventory.launch-configurations'
  | 'aws.inventory.launch-template-versions'
  | 'aws.inventory.cloudfront-configs'
  | 'aws.cloudfront-logs'
  | 'azure.activity-log'
  | 'azure.storage-accounts'
  | 'azure.storage-logs'
  | 'azure.blob-containers'
  | 'azure.network-security-groups'
  | 'azure.aks-clusters'
  | 'azure.nsg-flow-logs'
  | 'azure.sql-servers'
  | 'azure.sql-audit-logs'
  | 'azure.key-vaults'
  | 'azure.keyvault-logs'
  | 'kubernetes.rbac'
  | 'kubernetes.audit'
  | 'kubernetes.workloads'
  | 'kubernetes.metrics'
  | 'kubernetes.capacity'
  | 'kubernetes.stats'
  | 'kubernetes.images'
  | 'azure.entra'
  | 'iac.terraform-state'
  | 'unknown'

interface Classified {
  kind: EvidenceKind
  provider: 'aws' | 'azure' | null
  /** AWS account id or Azure subscription id from the path */
  scope: string | null
  /** s3-access-logs/<bucket>/…: the bucket the folder is named for */
  bucket: string | null
}

const INVENTORY: Record<string, EvidenceKind> = {
  's3-buckets.json': 'aws.inventory.s3-buckets',
  's3-account.json': 'aws.inventory.s3-account',
  'ec2-instances.json': 'aws.inventory.ec2-instances',
  'security-groups.json': 'aws.inventory.security-groups',
  // Added to v1 (docs/evidence-bundle.md): DescribeNetworkInterfaces output ({"NetworkInterfaces":[…]}),
  // every interface of the account's Regions — those of Lambda functions, RDS databases, load
  // balancers and VPC endpoints too, which ec2-instances.json does not list — with its groups.
  'network-interfaces.json': 'aws.inventory.network-interfaces',
  'iam-credential-report.csv': 'aws.inventory.iam-credential-report',
  'ebs-encryption.json': 'aws.inventory.ebs-encryption',
  'ecs-tasks.json': 'aws.inventory.ecs-tasks',
  'eks-pods.json': 'aws.inventory.eks-pods',
  // Not in EVIDENCE_BUNDLE.md v1: what the EKS API says about the clusters (DescribeCluster), written
  // by `evidence collect`, which cannot list pods (they come from each cluster's Kubernetes API).
  'eks-clusters.json': 'aws.inventory.eks-clusters',
  'ecr-images.json': 'aws.inventory.ecr-images',
  // Added to v1 (docs/evidence-bundle.md): DescribeDBInstances, with each instance's network
  // interfaces
  'rds-instances.json': 'aws.inventory.rds-instances',
  'cloudfront-distributions.json': 'aws.inventory.cloudfront-distributions',
  'load-balancers.json': 'aws.inventory.load-balancers',
  // Added to v1 (docs/evidence-bundle.md): GetAccountAuthorizationDetails output, pages merged
  'iam-authorization.json': 'aws.inventory.iam-authorization',
  // Added to v1 (docs/evidence-bundle.md): ListVirtualMFADevices output, pages merged (whose MFA is a virtual device: the root user's, IAM.6)
  'iam-virtual-mfa-devices.json': 'aws.inventory.iam-virtual-mfa-devices',
  // Added to v1 (docs/evidence-bundle.md): resources whose access is a resource policy, each with
  // its policy document (main/semantics/inventory-resource-policies.ts)
  'lambda-functions.json': 'aws.inventory.lambda-functions',
  'sqs-queues.json': 'aws.inventory.sqs-queues',
  'sns-topics.json': 'aws.inventory.sns-topics',
  'kms-keys.json': 'aws.inventory.kms-keys',
  // Added to v1 (docs/evidence-bundle.md): OpenSearch/Elasticsearch domains with their access policy (DescribeDomains)
  'opensearch-domains.json': 'aws.inventory.opensearch-domains',
  // Added to v1 (docs/evidence-bundle.md): DescribeRouteTables and DescribeSubnets, each item with the
  // Region it was listed in (main/semantics/inventory-ec2-network.ts)
  'route-tables.json': 'aws.inventory.route-tables',
  'subnets.json': 'aws.inventory.subnets',
  // Added to v1 (docs/evidence-bundle.md): DescribeAutoScalingGroups, DescribeLaunchConfigurations and
  // DescribeLaunchTemplateVersions, each item with "Region", UserData left out (main/semantics/inventory-ec2-launchers.ts)
  'auto-scaling-groups.json': 'aws.inventory.auto-scaling-groups',
  'launch-configurations.json': 'aws.inventory.launch-configurations',
  'launch-template-versions.json': 'aws.inventory.launch-template-versions',
  // Added to v1 (docs/evidence-bundle.md): GetDistributionConfig per distribution, with its ETag
  // (main/semantics/inventory-cloudfront.ts)
  'cloudfront-distribution-configs.json': 'aws.inventory.cloudfront-configs'
}

/** azure/<subscription>/entra/<file> (main/semantics/inventory-entra.ts) */
const ENTRA_FILES = new Set([
  'users.json',
  'directory-role-assignments.json',
  'sign-ins.json',
  'directory-audits.json',
  // Added to v1 (docs/evidence-bundle.md): applications, service principals, their app role assignments, admin groups and service principal sign-ins (main/semantics/inventory-entra-apps.ts)
  'applications.json',
  'service-principals.json',
  'app-role-assignments.json',
  'groups.json',
  'service-principal-sign-ins.json'
])

/** What a bundle path holds, from the layout in EVIDENCE_BUNDLE.md. */
function classify(path: string): Classified {
  const p = path.split('/')
  const none: Classified = { kind: 'unknown', provider: null, scope: null, bucket: null }
  if (p[0] === 'aws' && p.length >= 3) {
    const scope = p[1]
    const base = { provider: 'aws' as const, scope, bucket: null }
    const rest = p.slice(2)
    if (rest[0] === 'cloudtrail' && rest.length >= 2) {
      if (rest.includes('CloudTrail-Digest')) return { ...base, kind: 'aws.cloudtrail-digest' }
      return /\.json(\.gz)?$/i.test(path) ? { ...base, kind: 'aws.cloudtrail' } : { ...base, kind: 'unknown' }
    }
    if (rest[0] === 'cloudtrail-lookup' && rest.length === 2 && /\.json(\.gz)?$/i.test(path)) return { ...base, kind: 'aws.cloudtrail-lookup' }
    // Added to v1 (docs/evidence-bundle.md): the answers of CloudTrail Lake or Athena to the CloudTrail questions
    if (rest[0] === 'cloudtrail-query' && rest.length === 2 && /\.json$/i.test(path)) return { ...base, kind: 'aws.cloudtrail-query' }
    if (rest.length === 1 && rest[0] === 'trails.json') return { ...base, kind: 'aws.trails' }
    if (rest[0] === 's3-access-logs' && rest.length >= 3) return { ...base, kind: 'aws.s3-access-logs', bucket: rest[1] }
    if (rest[0] === 'vpc-flow-logs' && rest.length >= 2) return { ...base, kind: 'aws.vpc-flow-logs' }
    // Added to v1 (docs/evidence-bundle.md): load balancer access logs as delivered, any sub-folder layout (main/evidence/elb-access-logs.ts)
    if (rest[0] === 'elb-access-logs' && rest.length >= 2 && /\.log(\.gz)?$/i.test(path)) return { ...base, kind: 'aws.elb-access-logs' }
    // Added to v1 (docs/evidence-bundle.md): CloudFront standard logs as delivered, cloudfront-logs/<distribution id>/… (main/semantics/cloudfront-logs.ts)
    if (rest[0] === 'cloudfront-logs' && rest.length >= 3) return { ...base, kind: 'aws.cloudfront-logs' }
    if (rest[0] === 'cloudwatch' && rest[1] === 'metrics.json' && rest.length === 2) return { ...base, kind: 'aws.cloudwatch-metrics' }
    if (rest[0] === 'inventory' && rest.length === 2 && INVENTORY[rest[1]]) return { ...base, kind: INVENTORY[rest[1]] }
    // Added to v1 (docs/evidence-bundle.md): an OpenSearch domain's audit log (CloudWatch Logs events), opensearch-audit/<domain>/…
    if (rest[0] === 'opensearch-audit' && rest.length >= 3 && /\.(json|jsonl|log)$/i.test(path)) return { ...base, kind: 'aws.opensearch-audit' }
    return { ...base, kind: 'unknown' }
  }
  if (p[0] === 'azure' && p.length >= 3) {
    const base = { provider: 'azure' as const, scope: p[1], bucket: null }
    const rest = p.slice(2)
    if (rest[0] === 'activity-log' && rest.length >= 2) return { ...base, kind: 'azure.activity-log' }
    if (rest.length === 1 && rest[0] === 'storage-accounts.json') return { ...base, kind: 'azure.storage-accounts' }
    if (rest[0] === 'storage-logs' && rest.length >= 2) return { ...base, kind: 'azure.storage-logs' }
    // Added to v1 (docs/evidence-bundle.md): each storage account's blob containers, one file per account
    if (rest[0] === 'blob-containers' && rest.length === 2 && /\.json$/.test(rest[1])) return { ...base, kind: 'azure.blob-containers' }
    // Added to v1 (docs/evidence-bundle.md): the network security groups (ARM list) and their flow logs, as delivered
    if (rest.length === 1 && rest[0] === 'network-security-groups.json') return { ...base, kind: 'azure.network-security-groups' }
    if (rest[0] === 'nsg-flow-logs' && rest.length >= 2) return { ...base, kind: 'azure.nsg-flow-logs' }
    // Added to v1 (docs/evidence-bundle.md): the AKS managed clusters (ARM list), main/semantics/kubernetes-api.ts
    if (rest.length === 1 && rest[0] === 'aks-clusters.json') return { ...base, kind: 'azure.aks-clusters' }
    // Added to v1 (docs/evidence-bundle.md): SQL servers and key vaults (main/semantics/inventory-azure-data.ts), and their audit logs as delivered
    if (rest.length === 1 && rest[0] === 'sql-servers.json') return { ...base, kind: 'azure.sql-servers' }
    if (rest[0] === 'sql-audit-logs' && rest.length >= 2) return { ...base, kind: 'azure.sql-audit-logs' }
    if (rest.length === 1 && rest[0] === 'key-vaults.json') return { ...base, kind: 'azure.key-vaults' }
    if (rest[0] === 'keyvault-logs' && rest.length >= 2) return { ...base, kind: 'azure.keyvault-logs' }
    // Added to v1 (docs/evidence-bundle.md): Microsoft Graph (Entra ID) users, directory roles and logs, and Azure RBAC role assignments
    if ((rest[0] === 'entra' && rest.length === 2 && ENTRA_FILES.has(rest[1])) || (rest.length === 1 && rest[0] === 'role-assignments.json'))
      return { ...base, kind: 'azure.entra' }
    return { ...base, kind: 'unknown' }
  }
  // Added to v1 (docs/evidence-bundle.md): a Kubernetes cluster's RBAC objects and its audit events
  // (main/semantics/kubernetes-rbac.ts), kubernetes/<cluster>/rbac.json and kubernetes/<cluster>/audit/…
  if (p[0] === 'kubernetes' && p.length >= 3) {
    const base = { provider: null, scope: p[1], bucket: null }
    if (p.length === 3 && p[2] === 'rbac.json') return { ...base, kind: 'kubernetes.rbac' }
    if (p[2] === 'audit' && p.length >= 4 && /\.(json|jsonl|log)$/i.test(path)) return { ...base, kind: 'kubernetes.audit' }
    // added: its workloads and service accounts (main/semantics/kubernetes-workloads.ts)
    if (p.length === 3 && p[2] === 'workloads.json') return { ...base, kind: 'kubernetes.workloads' }
    // added: its containers' CPU and memory use (Prometheus range-query answers, metrics/cpu*.json and
    // metrics/memory*.json) and its nodes, quotas and limit ranges (main/semantics/kubernetes-usage.ts)
    if (p.length === 4 && p[2] === 'metrics' && /^(cpu|memory)[^/]*\.json$/.test(p[3])) return { ...base, kind: 'kubernetes.metrics' }
    if (p.length === 3 && p[2] === 'capacity.json') return { ...base, kind: 'kubernetes.capacity' }
    // added: each node's kubelet Summary API, stats/<node>.json (the containers' writable layers)
    if (p.length === 4 && p[2] === 'stats' && p[3].endsWith('.json')) return { ...base, kind: 'kubernetes.stats' }
    // added: the configuration (USER) of the images its containers run (main/semantics/kubernetes-images.ts)
    if (p.length === 3 && p[2] === 'images.json') return { ...base, kind: 'kubernetes.images' }
    return { ...base, kind: 'unknown' }
  }
  // Added to v1 (docs/evidence-bundle.md): what a Terraform configuration deployed, by resource address
  // (main/semantics/terraform-state.ts), iac/terraform-state/<name>.json (or .tfstate)
  if (p[0] === 'iac' && p[1] === 'terraform-state' && p.length === 3 && /\.(json|tfstate)$/i.test(path))
    return { kind: 'iac.terraform-state', provider: null, scope: p[2], bucket: null }
  return none
}

/**
 * A manifest path must be relative and stay inside the bundle: no absolute path, no drive letter,
 * no backslash (it means a separator on Windows and a character here), no `..`, `.` or empty
 * segment. Returns the reason it is refused, or null.
 */
export function unsafePathReason(p: string): string | null {
  if (p.length === 0) return 'an empty path'
  if (p.includes('\0')) return 'a NUL character in the path'
  if (p.includes('\\')) return 'a backslash in the path (bundle paths use /)'
  if (p.startsWith('/') || isAbsolute(p) || /^[A-Za-z]:/.test(p)) return 'an absolute path'
  const segs = p.split('/')
  if (segs.includes('..')) return 'a ".." segment (it would leave the bundle)'
  if (segs.some((s) => s === '' || s === '.')) return 'an empty or "." segment'
  if (p === MANIFEST) return 'the manifest listing itself'
  return null
}

export interface BundleFile extends Classified {
  path: string
  abs: string
  sha256: string
  bytes: number
}

export interface VerifiedBundle {
  root: string
  manifest: Manifest
  manifestText: string
  manifestSha256: string
  files: BundleFile[]
  /** things the reader ignored, said out loud (EVIDENCE_BUNDLE.md: "ignore unknown files (and say so)") */
  notes: string[]
}

/** A manifest is a list of files: far below this, while a link to /dev/zero or a disk image is far above. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024

/**
 * The manifest is checked like the files it lists: a link must stay inside the bundle, it must be
 * a regular file (a FIFO would block the read forever), and it has a size limit.
 */
function readManifest(dir: string, rootReal: string): string {
  const shown = join(dir, MANIFEST)
  let real: string
  try {
    real = realpathSync(join(rootReal, MANIFEST))
  } catch (e) {
    refuse(`${shown}: cannot read the manifest: ${fsReason(e)}; an evidence bundle needs one`)
  }
  const rel = relative(rootReal, real)
  if (rel.startsWith('..') || isAbsolute(rel) || rel === '') refuse(`${shown}: refused: a link leaving the bundle (it points to ${real})`)
  return readRegularFile(real, shown, 'a manifest', MAX_MANIFEST_BYTES).toString('utf8')
}

function refuse(message: string): never {
  throw new LastmileError('bad-input', message)
}

export async function sha256File(abs: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256')
  let bytes = 0
  for await (const c of createReadStream(abs, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    h.update(c)
    bytes += c.length
  }
  return { sha256: h.digest('hex'), bytes }
}

/**
 * Read and check a bundle: the manifest is valid, every path is safe and inside the bundle (links
 * are followed and must land inside), and every file has the size and SHA-256 the manifest says.
 * Any mismatch refuses the whole bundle, naming the file: a tampered or truncated bundle is not
 * evidence.
 */
export async function readBundle(dir: string, onProgress?: (done: number, total: number, path: string) => void): Promise<VerifiedBundle> {
  let rootReal: string
  try {
    const st = await fsp.stat(dir)
    if (!st.isDirectory()) refuse(`${dir}: not a folder (an evidence bundle is a folder with a manifest.json)`)
    rootReal = await fsp.realpath(dir)
  } catch (e) {
    if (e instanceof LastmileError) throw e
    refuse(`${dir}: cannot open the evidence bundle: ${fsReason(e)}`)
  }
  const manifestText = readManifest(dir, rootReal)
  let raw: unknown
  try {
    raw = JSON.parse(manifestText)
  } catch {
    // JSON.parse quotes the text it choked on: never echo a file's content (the "manifest" may be
    // a link to a secret), only the place.
    const { line, column } = locateJsonError(manifestText) ?? { line: 1, column: 1 }
    refuse(`${join(dir, MANIFEST)}: bad JSON at line ${line}, column ${column}`)
  }
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    refuse(`${join(dir, MANIFEST)}: ${i.path.length ? i.path.join('.') : 'the manifest'}: ${i.message}`)
  }
  const manifest = parsed.data
  const notes: string[] = []
  const seen = new Set<string>()
  const files: BundleFile[] = []
  let n = 0
  for (const f of manifest.files) {
    const why = unsafePathReason(f.path)
    if (why) refuse(`${join(dir, MANIFEST)}: files: "${f.path}": refused: ${why}`)
    if (seen.has(f.path)) refuse(`${join(dir, MANIFEST)}: files: "${f.path}" is listed twice`)
    seen.add(f.path)
    const abs = join(rootReal, f.path)
    let real: string
    try {
      real = await fsp.realpath(abs)
    } catch (e) {
      refuse(
        `${join(dir, f.path)}: listed in the manifest but ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${(e as Error).message})`}; the bundle is incomplete and is refused`
      )
    }
    const rel = relative(rootReal, real)
    if (rel.startsWith('..') || isAbsolute(rel) || rel === '') refuse(`${join(dir, f.path)}: refused: a link leaving the bundle (it points to ${real})`)
    const st = await fsp.stat(real)
    if (!st.isFile()) refuse(`${join(dir, f.path)}: refused: not a regular file`)
    if (st.size !== f.bytes) {
      refuse(`${join(dir, f.path)}: ${st.size} bytes where the manifest says ${f.bytes}: the file was changed or truncated; the bundle is refused`)
    }
    const h = await sha256File(real)
    if (h.sha256 !== f.sha256.toLowerCase()) {
      refuse(`${join(dir, f.path)}: SHA-256 ${h.sha256} does not match the manifest (${f.sha256.toLowerCase()}): the file was changed in transit; the bundle is refused`)
    }
    const c = classify(f.path)
    if (c.kind === 'unknown') notes.push(`${f.path}: ignored: not a file Lastmile knows (EVIDENCE_BUNDLE.md lists the known ones)`)
    if (c.kind === 'aws.cloudtrail-digest') notes.push(`${f.path}: ignored: a CloudTrail digest file (its hash chain is not checked by this version)`)
    files.push({ ...c, path: f.path, abs: real, sha256: h.sha256, bytes: h.bytes })
    onProgress?.(++n, manifest.files.length, f.path)
  }
  // Files on disk the manifest does not list are not evidence (nothing vouches for them): say so.
  const extra: string[] = []
  await walk(rootReal, '', async (rel) => {
    if (rel !== MANIFEST && !seen.has(rel)) extra.push(rel)
  })
  for (const e of extra.slice(0, 50)) notes.push(`${e}: ignored: present in the folder but not listed in the manifest`)
  if (extra.length > 50) notes.push(`… and ${extra.length - 50} more files not listed in the manifest (ignored)`)
  const manifestSha256 = createHash('sha256').update(manifestText, 'utf8').digest('hex')
  return { root: rootReal, manifest, manifestText, manifestSha256, files, notes }
}

async function walk(root: string, rel: string, visit: (rel: string) => Promise<void>): Promise<void> {
  const entries = await fsp.readdir(join(root, rel), { withFileTypes: true })
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) await walk(root, r, visit)
    else await visit(r.split(sep).join('/'))
  }
}
