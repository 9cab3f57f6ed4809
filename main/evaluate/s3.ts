// The S3 controls: aws.s3.https-only (Security Hub S3.5), aws.s3.public-access (S3.2/S3.3: is the
// bucket actually public) and aws.s3.public-access-block (S3.1 account, S3.8 bucket).
import type { EvaluationContext } from '../controls/evaluation'
import { accountUnknown, fileProblem, namelessProblems } from '../controls/evaluation'
import type { AwsAccountInventory, PublicAccessBlock, S3Bucket } from '../semantics/inventory'
import { accountResource, s3BucketArn } from '../semantics/ids'
import { accountGaps, bucketWithGaps, gapEvidence } from '../semantics/gaps'
import { httpsOnlyVerdict, parsePolicy, publicGrants } from '../semantics/iam-policy'
import type { ControlId, Evaluation, Verdict } from './types'
import { evaluation, fail, pass, unknown } from './types'

/** Runs `per` for every readable bucket; unreadable ones become UNKNOWN. */
function eachBucket(
  control: ControlId,
  inv: AwsAccountInventory,
  per: (b: S3Bucket, arn: string, evidence: (field?: string) => string) => Verdict,
  opts: { accountRowWhenNoFile: boolean }
): Evaluation[] {
  const f = inv.s3Buckets
  if (f.state !== 'ok') return opts.accountRowWhenNoFile ? [accountUnknown(control, inv, f, 'the buckets')] : []
  const out: Evaluation[] = namelessProblems(control, inv, f.rel, f.value, 'buckets')
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name !== null) {
        out.push(evaluation(control, s3BucketArn(item.name), unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence: [`${f.rel}#${item.pointer}`] }))
      }
      continue
    }
    const { bucket: b, gaps } = bucketWithGaps(inv, item.value)
    const arn = s3BucketArn(b.name, b.region)
    const used = new Set<string>()
    const evidence = (field?: string) => {
      const ref = `${f.rel}#${item.pointer}${field ? `/${field}` : ''}`
      used.add(ref)
      return ref
    }
    let v = per(b, arn, evidence)
    if (v.status === 'UNKNOWN' && gaps.length) v = { ...v, reason: `${v.reason} (the collector: ${gaps.map((g) => g.problem).join('; ')})` }
    const refs = used.size ? [...used] : [evidence()]
    out.push(evaluation(control, arn, v, { account: inv.account, region: b.region ?? null, evidence: [...refs, ...gaps.map(gapEvidence)].sort() }))
  }
  // Buckets the collector could not list at all: the account answers UNKNOWN for them.
  for (const g of accountGaps(inv, 'ListBuckets')) {
    if (!opts.accountRowWhenNoFile) continue
    out.push(evaluation(control, accountResource(inv.account), unknown(`the collector could not list the buckets: ${g.problem}`), { account: inv.account, evidence: [gapEvidence(g)] }))
  }
  return out
}

// ---- aws.s3.https-only ---------------------------------------------------------------------------

/**
 * The bucket policy as the bundle records it: a missing `policy` key is unknown (not collected),
 * `null` is S3's NoSuchBucketPolicy — known, and then nothing refuses plain HTTP, which S3 serves
 * by default.
 */
export function httpsOnlyForBucket(b: Pick<S3Bucket, 'policy'>, arn: string, place: string): Verdict {
  if (b.policy === undefined) return unknown(`${place}: the bucket's policy was not collected (no "policy" key)`)
  if (b.policy === null) return fail('the bucket has no bucket policy, so nothing refuses requests over plain HTTP')
  const parsed = parsePolicy(b.policy)
  if (!parsed.ok) return unknown(`${place}: ${parsed.error}`)
  return httpsOnlyVerdict(parsed.statements, arn)
}

export function evaluateHttpsOnly(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return eachBucket('aws.s3.https-only', inv, (b, arn, ev) => httpsOnlyForBucket(b, arn, ev('policy')), { accountRowWhenNoFile: true })
}

// ---- Block Public Access settings ----------------------------------------------------------------

export const PAB_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
export type PabSetting = (typeof PAB_SETTINGS)[number]

/** true / false, or null when the bundle does not say. */
export type Tri = boolean | null

/** One level's setting: undefined = not collected, null = no configuration (all off). */
function level(cfg: PublicAccessBlock | null | undefined, s: PabSetting): Tri {
  if (cfg === undefined) return null
  if (cfg === null) return false
  return cfg[s] === true
}

/** The account's configuration from s3-account.json: undefined when the file gives no answer. */
function accountPab(inv: AwsAccountInventory): PublicAccessBlock | null | undefined {
  return inv.s3Account.state === 'ok' ? inv.s3Account.value.publicAccessBlock : undefined
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
  const b = level(bucket, s)
  const a = level(account, s)
  if (b === true || a === true) return { value: true, by: b === true && a === true ? 'bucket and account' : b === true ? 'bucket' : 'account' }
  if (b === false && a === false) return { value: false, by: null }
  return { value: null, by: null }
}

function levelWord(cfg: PublicAccessBlock | null | undefined): string {
  return cfg === undefined ? 'not in the bundle' : cfg === null ? 'no configuration' : 'off'
}

export function publicAccessBlockForBucket(b: Pick<S3Bucket, 'publicAccessBlock'>, account: PublicAccessBlock | null | undefined): Verdict {
  const eff = PAB_SETTINGS.map((s) => ({ s, ...effectiveSetting(b.publicAccessBlock, account, s) }))
  const off = eff.filter((e) => e.value === false).map((e) => e.s)
  const open = eff.filter((e) => e.value === null).map((e) => e.s)
  if (off.length) {
    return fail(`Block Public Access is off at both the bucket and the account level for ${off.join(', ')}`)
  }
  if (open.length) {
    return unknown(
      `${open.join(', ')}: not on for the bucket (bucket level ${levelWord(b.publicAccessBlock)}) and the account level is ${levelWord(account)}`
    )
  }
  return pass(`all four Block Public Access settings are on (${eff.map((e) => `${e.s}: ${e.by}`).join(', ')})`)
}

export function evaluatePublicAccessBlock(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const out: Evaluation[] = []
  // The account-level setting (Security Hub S3.1): its own row on the account.
  const f = inv.s3Account
  if (f.state !== 'ok') out.push(accountUnknown('aws.s3.public-access-block', inv, f, 'the account-level Block Public Access'))
  else {
    const cfg = f.value.publicAccessBlock
    const off = PAB_SETTINGS.filter((s) => level(cfg, s) !== true)
    const v =
      cfg === null
        ? fail('the account has no Block Public Access configuration: all four settings are off')
        : off.length
          ? fail(`account-level Block Public Access is off for ${off.join(', ')}`)
          : pass('all four account-level Block Public Access settings are on')
    out.push(evaluation('aws.s3.public-access-block', accountResource(inv.account), v, { account: inv.account, evidence: [`${f.rel}#/publicAccessBlock`] }))
  }
  // Per bucket (S3.8), with the account level counted as S3 does. The account row above already
  // stands for the account when s3-buckets.json gives no answer, so no second account row here.
  const account = accountPab(inv)
  const accountEvidence = f.state === 'ok' ? [`${f.rel}#/publicAccessBlock`] : []
  const perBucket = eachBucket(
    'aws.s3.public-access-block',
    inv,
    (b, _arn, ev) => {
      ev('publicAccessBlock')
      return publicAccessBlockForBucket(b, account)
    },
    { accountRowWhenNoFile: false }
  )
  for (const e of perBucket) {
    // The account row above is this control's answer for the account; buckets that cannot even be
    // named are already reported on the account by the other S3 controls, so here they are a note.
    if (e.resource === accountResource(inv.account)) ctx.note(`aws.s3.public-access-block: ${e.reason}`)
    else out.push({ ...e, evidence: [...e.evidence, ...accountEvidence].sort() })
  }
  return out
}

// ---- aws.s3.public-access ------------------------------------------------------------------------

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

export function publicAccessForBucket(
  b: S3Bucket,
  account: PublicAccessBlock | null | undefined,
  places: { policy: string; acl: string }
): Verdict {
  const { policy, acl } = bucketExposure(b, account, places)
  const both = [policy, acl]
  const open = both.filter((e) => e.state === 'public')
  if (open.length) return fail(`the bucket is public: ${open.map((e) => e.why).join('; and ')}`)
  const unsure = both.filter((e) => e.state === 'unknown')
  if (unsure.length) return unknown(unsure.map((e) => e.why).join('; '))
  return pass(`not public: ${policy.why}; ${acl.why} (object ACLs and access points are not in the bundle)`)
}

export function evaluatePublicAccess(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const account = accountPab(inv)
  const accountEvidence = inv.s3Account.state === 'ok' ? [`${inv.s3Account.rel}#/publicAccessBlock`] : []
  const accountNote = inv.s3Account.state === 'ok' ? '' : ` (account level: ${fileProblem(inv.s3Account)})`
  return eachBucket(
    'aws.s3.public-access',
    inv,
    (b, _arn, ev) => {
      const v = publicAccessForBucket(b, account, { policy: ev('policy'), acl: ev('acl') })
      ev('publicAccessBlock')
      return v.status === 'UNKNOWN' && accountNote ? { ...v, reason: v.reason + accountNote } : v
    },
    { accountRowWhenNoFile: true }
  ).map((e) => (e.resource.startsWith('arn:') ? { ...e, evidence: [...e.evidence, ...accountEvidence].sort() } : e))
}
