// Canonical resource ids (DESIGN.md "Identity"; shared/model.ts): the ARN for AWS (partition from
// the Region, built when a tool or a file gives only a name), `AWS::::Account:<id>` for account-wide
// settings, the lower-cased resource id for Azure, the manifest digest for container images. Plus
// the internal keys the evidence tables use for things that are not resources (a log stream, a
// network interface) and the provider's own short id the fix templates fill in.
// One function per fact: every stage builds and reads ids here.

/** An AWS Region name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1… */
const REGION = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/

export function isRegion(s: string): boolean {
  const m = REGION.exec(s)
  return m !== null && m[1] === s
}

/**
 * The Region of an Availability Zone name: `us-east-1a` → `us-east-1`; Local and Wavelength Zones
 * start with their parent Region too (`us-west-2-lax-1a`, `us-east-1-wl1-bos-wlz-1`).
 */
export function regionOfZone(zone: string): string | null {
  const m = REGION.exec(zone)
  return m && m[1].length < zone.length ? m[1] : null
}

/** The ARN partition a Region belongs to. */
export function partitionOf(region: string | null | undefined): string {
  if (!region) return 'aws'
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  return 'aws'
}

export const s3BucketArn = (bucket: string, region?: string | null): string => `arn:${partitionOf(region)}:s3:::${bucket}`

export const ec2Arn = (region: string, account: string, kind: 'instance' | 'security-group', id: string): string =>
  `arn:${partitionOf(region)}:ec2:${region}:${account}:${kind}/${id}`

/** The account as a resource, as Security Hub names it for account-level controls. */
export const accountResource = (account: string): string => `AWS::::Account:${account}`

/** The 12-digit account of an account resource id (`AWS::::Account:<id>`), else null. */
export function accountOfResource(resourceId: string): string | null {
  return /^AWS::::Account:(\d{12})$/.exec(resourceId)?.[1] ?? null
}

/** A CloudTrail (or LookupEvents) log stream: one account in one region. */
export const streamKey = (account: string, region: string): string => `aws-stream:${account}:${region}`
/** A network interface (flow logs are per interface). */
export const eniKey = (account: string, eni: string): string => `eni:${account}:${eni}`
export const subscriptionId = (sub: string): string => `/subscriptions/${sub.toLowerCase()}`

export interface ParsedArn {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

export function parseArn(arn: string): ParsedArn | null {
  const p = arn.split(':')
  if (p.length < 6 || p[0] !== 'arn') return null
  return { partition: p[1], service: p[2], region: p[3], account: p[4], resource: p.slice(5).join(':') }
}

/**
 * The id evidence is stored under for a resource id as another stage may give it: images are
 * stored by bare digest (ingest names them `repository@sha256:…`), Azure ids lower-cased.
 */
export function evidenceKeyOf(resourceId: string): string {
  const id = resourceId.trim()
  const d = /(?:^|@)(sha256:[0-9a-f]{64})$/.exec(id)
  if (d) return d[1]
  if (/^\/subscriptions\//i.test(id)) return id.toLowerCase().replace(/\/+$/, '')
  return id
}

/** The subscription and resource group an Azure resource id names (null where it names none). */
export function azureParts(id: string): { subscription: string | null; group: string | null } {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?/i.exec(id)
  return { subscription: m?.[1] ?? null, group: m?.[2] ?? null }
}

/** The provider's own short id: the bucket name, i-…, sg-…, the IAM user name, the account name. */
export function nativeId(resourceId: string): string {
  const acct = accountOfResource(resourceId)
  if (acct) return acct
  if (resourceId.startsWith('arn:')) {
    const resource = resourceId.split(':').slice(5).join(':')
    return resource.split('/').pop() ?? resource
  }
  const digest = /(?:^|@)(sha256:[0-9a-f]{64})$/.exec(resourceId)
  if (digest) return digest[1]
  return resourceId.split('/').pop() ?? resourceId
}
