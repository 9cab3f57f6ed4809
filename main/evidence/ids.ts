// Canonical resource ids (DESIGN.md "Identity"), as the ingest stage builds them: the ARN for AWS
// (partition from the region), `AWS::::Account:<id>` for account-wide settings, the lower-cased
// resource id for Azure, the manifest digest for container images. Plus the internal keys the
// evidence tables use for things that are not resources: a log stream, a network interface.

export function partitionOf(region: string | null | undefined): string {
  if (!region) return 'aws'
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  return 'aws'
}

export const bucketArn = (bucket: string, region?: string | null): string => `arn:${partitionOf(region)}:s3:::${bucket}`
export const instanceId = (region: string, account: string, id: string): string => `arn:${partitionOf(region)}:ec2:${region}:${account}:instance/${id}`
export const securityGroupId = (region: string, account: string, id: string): string =>
  `arn:${partitionOf(region)}:ec2:${region}:${account}:security-group/${id}`
export const accountId = (account: string): string => `AWS::::Account:${account}`
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
