// Canonical AWS resource ids (shared/model.ts: the ARN, built when a tool gives only a name).

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

export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | null {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return null
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') }
}
