// CloudFront distributions as the viewer-protocol playbook (playbooks/aws.cloudfront.viewer-https)
// reads them: inventory/cloudfront-distributions.json (ListDistributions, every page's Items; the
// summaries carry each cache behaviour's ViewerProtocolPolicy, the aliases and the viewer
// certificate) and inventory/cloudfront-distribution-configs.json (GetDistributionConfig per
// distribution: the whole DistributionConfig with its Logging, and the ETag an update must name).
// The two share the field names of what is read here, so one schema reads a behaviour of either.
import { z } from 'zod'
import type { EvidenceFileSummary } from '../../shared/evidence'

const Items = <T extends z.ZodTypeAny>(item: T) => z.object({ Quantity: z.number().optional(), Items: z.array(item).nullable().optional() }).passthrough()

export const CloudFrontBehaviour = z
  .object({
    PathPattern: z.string().optional(),
    TargetOriginId: z.string().optional(),
    ViewerProtocolPolicy: z.enum(['allow-all', 'https-only', 'redirect-to-https']),
    AllowedMethods: Items(z.string()).optional()
  })
  .passthrough()

export const CloudFrontViewerCertificate = z
  .object({
    CloudFrontDefaultCertificate: z.boolean().optional(),
    ACMCertificateArn: z.string().optional(),
    IAMCertificateId: z.string().optional(),
    SSLSupportMethod: z.string().optional(),
    MinimumProtocolVersion: z.string().optional(),
    CertificateSource: z.string().optional()
  })
  .passthrough()

/** What a DistributionSummary and a DistributionConfig have in common, as far as this playbook reads them. */
export const CloudFrontDistributionShape = z
  .object({
    Aliases: Items(z.string()).optional(),
    DefaultCacheBehavior: CloudFrontBehaviour,
    CacheBehaviors: Items(CloudFrontBehaviour.extend({ PathPattern: z.string() })).optional(),
    ViewerCertificate: CloudFrontViewerCertificate.optional(),
    Logging: z.object({ Enabled: z.boolean(), IncludeCookies: z.boolean().optional(), Bucket: z.string(), Prefix: z.string() }).passthrough().optional()
  })
  .passthrough()

export const CloudFrontSummary = CloudFrontDistributionShape.extend({ Id: z.string(), ARN: z.string(), DomainName: z.string().optional() })
export type CloudFrontSummary = z.infer<typeof CloudFrontSummary>

/** inventory/cloudfront-distribution-configs.json */
export const CloudFrontConfigsFile = z
  .object({
    Distributions: z.array(z.object({ Id: z.string(), ARN: z.string(), ETag: z.string(), DistributionConfig: CloudFrontDistributionShape }).passthrough())
  })
  .passthrough()
export type CloudFrontConfigsFile = z.infer<typeof CloudFrontConfigsFile>

/** inventory/cloudfront-distributions.json: ListDistributions' DistributionList (Items absent when there is none), or {"Distributions": []} */
export const CloudFrontListFile = z.union([
  z.object({ DistributionList: z.object({ Items: z.array(z.unknown()).nullable().optional() }).passthrough() }).passthrough(),
  z.object({ Distributions: z.array(z.unknown()) }).passthrough()
])

export const CLOUDFRONT_CONFIGS_FILE = 'cloudfront-distribution-configs.json'
export const CLOUDFRONT_LIST_FILE = 'cloudfront-distributions.json'

export interface ViewerBehaviour {
  /** the cache behaviour's PathPattern; '*' for the default one */
  path: string
  isDefault: boolean
  policy: 'allow-all' | 'https-only' | 'redirect-to-https'
  methods: string[]
}

export interface Distribution {
  id: string
  arn: string
  account: string
  aliases: string[]
  /** in the order CloudFront matches them: the ordered behaviours, then the default one */
  behaviours: ViewerBehaviour[]
  certificate: { defaultCertificate: boolean; source: string; sslSupportMethod: string | null } | null
  /** null: the configuration (GetDistributionConfig) is not in evidence */
  logging: { enabled: boolean; bucket: string; prefix: string } | null
  /** the ETag of the configuration read (null when only the summary is in evidence) */
  etag: string | null
  /** where each fact came from: the evidence file ids */
  evidence: string[]
  /** the file and JSON pointer of the distribution */
  place: string
}

/** The behaviours of a distribution's summary or configuration, ordered ones first (CloudFront matches them in order, the default last). */
export function behavioursOf(d: z.infer<typeof CloudFrontDistributionShape>): ViewerBehaviour[] {
  const methods = (b: z.infer<typeof CloudFrontBehaviour>) => b.AllowedMethods?.Items ?? ['GET', 'HEAD']
  return [
    ...(d.CacheBehaviors?.Items ?? []).map((b) => ({ path: b.PathPattern, isDefault: false, policy: b.ViewerProtocolPolicy, methods: methods(b) })),
    { path: '*', isDefault: true, policy: d.DefaultCacheBehavior.ViewerProtocolPolicy, methods: methods(d.DefaultCacheBehavior) }
  ]
}

function certificateOf(d: z.infer<typeof CloudFrontDistributionShape>): Distribution['certificate'] {
  const c = d.ViewerCertificate
  if (!c) return null
  const defaultCertificate = c.CloudFrontDefaultCertificate === true && !c.ACMCertificateArn && !c.IAMCertificateId
  return {
    defaultCertificate,
    source: defaultCertificate
      ? 'cloudfront'
      : c.ACMCertificateArn
        ? `acm ${c.ACMCertificateArn}`
        : c.IAMCertificateId
          ? `iam ${c.IAMCertificateId}`
          : (c.CertificateSource ?? 'unknown'),
    sslSupportMethod: c.SSLSupportMethod ?? null
  }
}

const ARN = /^arn:aws[a-z-]*:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/

/** The distribution an ARN names, from the account's files; null when neither file names it. Throws with the file and place on a malformed file. */
export function distributionOf(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, arn: string): Distribution | null {
  const m = ARN.exec(arn)
  if (!m) return null
  const [, account, id] = m
  const fileOf = (name: string) => files.find((f) => f.path === `aws/${account}/inventory/${name}` && f.status !== 'ignored')
  const configs = fileOf(CLOUDFRONT_CONFIGS_FILE)
  const list = fileOf(CLOUDFRONT_LIST_FILE)
  const read = (f: EvidenceFileSummary): unknown => {
    const b = bytes(f.id)
    if (!b) return null
    try {
      return JSON.parse(b.toString('utf8'))
    } catch (e) {
      throw new Error(`${f.path}: not JSON (${(e as Error).message})`, { cause: e })
    }
  }
  if (configs) {
    const doc = read(configs)
    if (doc !== null) {
      const r = CloudFrontConfigsFile.safeParse(doc)
      if (!r.success) throw new Error(`${configs.path}: ${r.error.issues[0].path.join('/')}: ${r.error.issues[0].message}`)
      const k = r.data.Distributions.findIndex((x) => x.Id === id)
      if (k >= 0) {
        const x = r.data.Distributions[k]
        const c = x.DistributionConfig
        return {
          id,
          arn,
          account,
          aliases: c.Aliases?.Items ?? [],
          behaviours: behavioursOf(c),
          certificate: certificateOf(c),
          logging: c.Logging ? { enabled: c.Logging.Enabled, bucket: c.Logging.Bucket, prefix: c.Logging.Prefix } : { enabled: false, bucket: '', prefix: '' },
          etag: x.ETag,
          evidence: [configs.id],
          place: `${configs.path}#/Distributions/${k}`
        }
      }
    }
  }
  if (!list) return null
  const doc = read(list) as { DistributionList?: { Items?: unknown[] } } | null
  const items = doc?.DistributionList?.Items ?? []
  const k = items.findIndex((x) => (x as { Id?: unknown }).Id === id)
  if (k < 0) return null
  const r = CloudFrontSummary.safeParse(items[k])
  if (!r.success) throw new Error(`${list.path}: DistributionList/Items/${k}/${r.error.issues[0].path.join('/')}: ${r.error.issues[0].message}`)
  return {
    id,
    arn,
    account,
    aliases: r.data.Aliases?.Items ?? [],
    behaviours: behavioursOf(r.data),
    certificate: certificateOf(r.data),
    logging: null,
    etag: null,
    evidence: [list.id],
    place: `${list.path}#/DistributionList/Items/${k}`
  }
}

/** The behaviours that let viewers in over plain HTTP (ViewerProtocolPolicy allow-all), what the control fails on. */
export const plainHttpBehaviours = (d: Pick<Distribution, 'behaviours'>): ViewerBehaviour[] => d.behaviours.filter((b) => b.policy === 'allow-all')

/** A behaviour as people say it: "the default behaviour" or "/api/*". */
export const behaviourName = (b: Pick<ViewerBehaviour, 'isDefault' | 'path'>): string =>
  b.isDefault ? 'the default behaviour (*)' : `the behaviour ${b.path.startsWith('/') ? b.path : `/${b.path}`}`

/**
 * Whether a CloudFront path pattern matches a request path: `*` any run of characters, `?` one,
 * case-sensitive, the leading / optional in the pattern (CloudFront's documented matching).
 */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`
  const re = new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`
  )
  return re.test(path)
}

/** The behaviour CloudFront serves a request path with: the first ordered behaviour whose pattern matches, else the default. */
export function behaviourFor(behaviours: readonly ViewerBehaviour[], path: string): ViewerBehaviour {
  return behaviours.find((b) => !b.isDefault && pathMatches(b.path, path)) ?? behaviours.find((b) => b.isDefault)!
}
