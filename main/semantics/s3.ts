// What S3 makes of a bucket's configuration, shared by the S3 controls (their evaluators, steps
// and fixes): which Block Public Access settings are in force, counting the bucket and the account
// level as S3 does, and whether the bucket policy or ACL exposes the bucket to the public now.
import type { PublicAccessBlock, S3Bucket } from './inventory'
import { parsePolicy, publicGrants } from './iam-policy'
import { fail, pass, unknown, type Verdict } from './verdict'

// ---- Block Public Access settings ----------------------------------------------------------------

export const PAB_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
export type PabSetting = (typeof PAB_SETTINGS)[number]

/** true / false, or null when the bundle does not say. */
export type Tri = boolean | null

/** One level's setting: undefined = not collected, null = no configuration (all off). */
export function settingAt(cfg: PublicAccessBlock | null | undefined, s: PabSetting): Tri {
  if (cfg === undefined) return null
  if (cfg === null) return false
  return cfg[s] === true
}

export interface EffectiveSetting {
  value: Tri
  /** which level turns it on, when on */
  by: 'bucket' | 'account' | 'bucket and account' | null
}

/**
 * "If a bucket has Block Public Access settings that are different from its owner's account,
 * Amazon S3 applies the most restrictive combination of the bucket-level and account-level
 * settings": each setting is on when either level turns it on.
 */
export function effectiveSetting(bucket: PublicAccessBlock | null | undefined, account: PublicAccessBlock | null | undefined, s: PabSetting): EffectiveSetting {
  const b = settingAt(bucket, s)
  const a = settingAt(account, s)
  if (b === true || a === true) return { value: true, by: b === true && a === true ? 'bucket and account' : b === true ? 'bucket' : 'account' }
  if (b === false && a === false) return { value: false, by: null }
  return { value: null, by: null }
}

// ---- is the bucket public? ----------------------------------------------------------------------

const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers (everyone)',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers (any AWS account)'
}

export type Exposure = { state: 'public'; why: string } | { state: 'closed'; why: string } | { state: 'unknown'; why: string }

function onBy(e: EffectiveSetting): string {
  return `${e.by} level`
}

/**
 * Whether the bucket policy exposes the bucket now. A public policy is neutralised only by
 * RestrictPublicBuckets ("restricts access … to only AWS service principals and authorized users
 * within the bucket owner's account"). BlockPublicPolicy is not enough: it makes S3 refuse to PUT
 * a public policy, and "enabling this setting doesn't affect existing bucket policies".
 */
function policyExposure(b: S3Bucket, rpb: EffectiveSetting, bpp: EffectiveSetting, place: string): Exposure {
  if (rpb.value === true) {
    return { state: 'closed', why: `any public grant in the policy is neutralised by RestrictPublicBuckets (${onBy(rpb)})` }
  }
  if (b.policy === undefined) return { state: 'unknown', why: `${place}: the bucket's policy was not collected` }
  if (b.policy === null) return { state: 'closed', why: 'no bucket policy' }
  const parsed = parsePolicy(b.policy)
  if (!parsed.ok) return { state: 'unknown', why: `${place}: ${parsed.error}` }
  const grants = publicGrants(parsed.statements)
  if (!grants.length) return { state: 'closed', why: 'the bucket policy grants nothing to the public' }
  const why = grants.map((g) => g.why).join('; ')
  if (rpb.value === null) return { state: 'unknown', why: `the policy is public (${why}) and whether RestrictPublicBuckets neutralises it is not in the bundle` }
  const note = bpp.value === true ? ' (BlockPublicPolicy is on, but it only refuses new public policies; the existing one stays in force)' : ''
  return { state: 'public', why: `the policy is public and RestrictPublicBuckets is off: ${why}${note}` }
}

/**
 * Whether the bucket ACL exposes it. "Amazon S3 considers a bucket or object ACL public if it
 * grants any permissions to members of the predefined AllUsers or AuthenticatedUsers groups";
 * IgnorePublicAcls makes S3 ignore them. BlockPublicAcls only refuses new public ACLs ("doesn't
 * affect existing policies or ACLs"). An `acl` of null says nothing about the ACL (every bucket has
 * one), so it is unknown like a missing key.
 */
function aclExposure(b: S3Bucket, ipa: EffectiveSetting, bpa: EffectiveSetting, place: string): Exposure {
  if (ipa.value === true) return { state: 'closed', why: `public ACL grants are ignored (IgnorePublicAcls, ${onBy(ipa)})` }
  if (b.acl === undefined || b.acl === null) return { state: 'unknown', why: `${place}: the bucket ACL is not in the bundle` }
  const grants = b.acl.Grants.filter((g) => g.Grantee.Type === 'Group' && g.Grantee.URI !== undefined && g.Grantee.URI in PUBLIC_GROUPS)
  if (!grants.length) return { state: 'closed', why: 'the ACL grants nothing to AllUsers or AuthenticatedUsers' }
  const what = grants.map((g) => `${g.Permission} to ${PUBLIC_GROUPS[g.Grantee.URI!]}`).join(', ')
  if (ipa.value === null) return { state: 'unknown', why: `the ACL grants ${what} and whether IgnorePublicAcls neutralises it is not in the bundle` }
  const note = bpa.value === true ? ' (BlockPublicAcls is on, but it only refuses new public ACLs)' : ''
  return { state: 'public', why: `the ACL grants ${what} and IgnorePublicAcls is off${note}` }
}

/**
 * What of the bucket is public now, part by part: the policy (neutralised by RestrictPublicBuckets)
 * and the ACL (neutralised by IgnorePublicAcls). Turning on Block Public Access removes exactly the
 * parts that are public here.
 */
export function bucketExposure(b: S3Bucket, account: PublicAccessBlock | null | undefined, places: { policy: string; acl: string }): { policy: Exposure; acl: Exposure } {
  const eff = (s: PabSetting) => effectiveSetting(b.publicAccessBlock, account, s)
  return {
    policy: policyExposure(b, eff('RestrictPublicBuckets'), eff('BlockPublicPolicy'), places.policy),
    acl: aclExposure(b, eff('IgnorePublicAcls'), eff('BlockPublicAcls'), places.acl)
  }
}

export function publicAccessForBucket(b: S3Bucket, account: PublicAccessBlock | null | undefined, places: { policy: string; acl: string }): Verdict {
  const { policy, acl } = bucketExposure(b, account, places)
  const both = [policy, acl]
  const open = both.filter((e) => e.state === 'public')
  if (open.length) return fail(`the bucket is public: ${open.map((e) => e.why).join('; and ')}`)
  const unsure = both.filter((e) => e.state === 'unknown')
  if (unsure.length) return unknown(unsure.map((e) => e.why).join('; '))
  return pass(`not public: ${policy.why}; ${acl.why} (object ACLs and access points are not in the bundle)`)
}
