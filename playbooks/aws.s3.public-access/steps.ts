// aws.s3.public-access's step functions, which aws.s3.public-access-block's playbook names too (a
// bucket's two findings are investigated alike): is the bucket public, who was served anonymously
// or from another account through the access the fix removes, is something built on it being
// public. Policy and ACL semantics are main/semantics/s3.ts': these steps feed them the bucket's
// configuration from the case's evidence.
import { z } from 'zod'
import { bucketExposure, effectiveSetting, publicAccessForBucket, type Exposure } from '../../main/semantics/s3'
import type { PublicAccessBlock, S3Bucket } from '../../main/semantics/inventory'
import { accountResource } from '../../main/semantics/ids'
import { coverageText, day, inWindow, outcome, plural, sortedUnique, timelineLink, windowText } from '../../main/controls/step-common'
import { bucketRequests, callersText, type S3Request } from '../../main/controls/s3/requests'
import { builtOnTheBucket, bucketName, configOf, flaggedEvents, lastOf, noConfig, opsOf, sourcesOf, websiteOn } from '../../main/controls/s3/steps'
import { obj } from '../../main/semantics/cloud-output'
import { defineStep, type StepContext, type StepOutcome } from '../../main/controls/step'

const ACL = z
  .object({ Grants: z.array(z.object({ Grantee: z.object({ Type: z.string(), URI: z.string().optional(), ID: z.string().optional() }).loose(), Permission: z.string() }).loose()) })
  .loose()

/** One bucket as the control evaluator reads it: its configuration and the account-level setting. */
interface BucketView {
  bucket: S3Bucket
  account: PublicAccessBlock | null | undefined
  owner: string | null
  evidence: string[][]
  exposure: { policy: Exposure; acl: Exposure }
}

function bucketView(ctx: StepContext): BucketView | null {
  const cfg = configOf(ctx)
  if (!cfg) return null
  const facts = ctx.ev.facts(ctx.finding.resource.id)
  const acct = facts.account ? ctx.ev.config(accountResource(facts.account), 'account.s3-pab') : null
  // An ACL the evaluator cannot read is "not collected" for it (unknown), never "no grants".
  const acl = ACL.safeParse(cfg.value.acl)
  const bucket: S3Bucket = {
    name: cfg.value.name,
    region: cfg.value.region,
    policy: cfg.value.policy,
    publicAccessBlock: cfg.value.publicAccessBlock,
    acl: acl.success ? (acl.data as S3Bucket['acl']) : undefined
  }
  const account = acct ? acct.value.publicAccessBlock : undefined
  return {
    bucket,
    account,
    owner: facts.account,
    evidence: [cfg.evidence, acct?.evidence ?? []],
    exposure: bucketExposure(bucket, account, { policy: 'the bucket policy', acl: 'the bucket ACL' })
  }
}

/** What turning on Block Public Access takes away from this bucket, in words; null when nothing. */
function whatTheFixRemoves(v: BucketView): string | null {
  const parts = [
    v.exposure.policy.state === 'public' ? 'the public bucket policy (RestrictPublicBuckets limits it to the owner account and AWS services)' : '',
    v.exposure.acl.state === 'public' ? 'the public ACL grants (IgnorePublicAcls makes S3 ignore them)' : ''
  ].filter(Boolean)
  return parts.length ? parts.join(' and ') : null
}

/**
 * The account-level setting (Security Hub S3.1) applies to every bucket of the account: its steps
 * ask the bucket question of each bucket in evidence (only the buckets that are public or may be,
 * when `onlyExposed`: the others lose nothing) and answer yes when any bucket does, unknown when
 * any cannot tell, no when every bucket says no. A bucket finding is asked directly.
 */
function perBucket(ctx: StepContext, onlyExposed: boolean, ask: (c: StepContext) => StepOutcome): StepOutcome {
  if (ctx.finding.resource.type !== 'aws.account') return ask(ctx)
  const account = ctx.finding.resource.account
  const buckets = ctx.ev.resourcesWith('s3.config').filter((id) => account !== null && ctx.ev.facts(id).account === account)
  if (!buckets.length) {
    return outcome(
      'unknown',
      `no bucket of account ${account ?? '?'} is in the evidence's S3 inventory (inventory/s3-buckets.json), so what the account-level setting would change is unknown`,
      { sources: ['aws.inventory'] }
    )
  }
  const sub = (id: string): StepContext => ({
    ...ctx,
    finding: { ...ctx.finding, resource: { ...ctx.finding.resource, id, type: 'aws.s3.bucket', region: ctx.ev.facts(id).region ?? null } }
  })
  const asked = buckets.filter((id) => !onlyExposed || bucketIsPublic.run(sub(id), {}).answer !== 'no').map((id) => ({ name: id.replace(/^arn:[^:]+:s3:::/, ''), o: ask(sub(id)) }))
  const all = `account-level Block Public Access applies to ${buckets.length === 1 ? 'the one bucket' : `all ${buckets.length} buckets`} of account ${account} in evidence`
  if (!asked.length)
    return outcome('no', `${all}, and none of them is public today: the account-level setting takes nothing away from any of them`, {
      sources: ['aws.inventory'],
      certainty: 'proven',
      evidence: []
    })
  const by = (a: string) => asked.filter((x) => x.o.answer === a)
  const answer = by('yes').length ? 'yes' : by('unknown').length ? 'unknown' : 'no'
  const shown = [...by('yes'), ...by('unknown')]
  const list = shown
    .slice(0, 5)
    .map((x) => `${x.name} (${x.o.answer}): ${x.o.explanation}`)
    .join(' | ')
  const rest = asked.length - Math.min(shown.length, 5)
  const lead = onlyExposed ? `${all}; ${plural(asked.length, 'of them is', 'of them are')} public or may be` : all
  const explanation = `${lead} — ${list || `every one answers no (${asked.map((x) => x.name).join(', ')})`}${list && rest > 0 ? `; and ${plural(rest, 'other bucket')} (${by('no').length} answering no)` : ''}`
  const picked = answer === 'no' ? asked : by(answer)
  const certainties = picked.map((x) => x.o.certainty)
  return {
    answer,
    explanation,
    evidence: sortedUnique(...picked.map((x) => x.o.evidence)),
    certainty:
      answer === 'unknown' ? null : answer === 'yes' ? (certainties.includes('proven') ? 'proven' : 'inferred') : certainties.every((c) => c === 'proven') ? 'proven' : 'inferred',
    sources: [...new Set(asked.flatMap((x) => x.o.sources))].sort(),
    windowed: asked.some((x) => x.o.windowed),
    timeline: null
  }
}

const BUCKET_OR_ACCOUNT = ['aws.s3.bucket', 'aws.account'] as const

export const bucketIsPublic = defineStep({
  name: 's3.bucket-is-public',
  summary:
    'whether the bucket is public now: an Allow to everyone in its policy or a public ACL grant, not neutralised by the bucket- or account-level Block Public Access (the control evaluator decides); for the account-level setting, whether any bucket of the account is',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) =>
    perBucket(ctx, false, (c) => {
      const v = bucketView(c)
      if (!v) return noConfig(c)
      const verdict = publicAccessForBucket(v.bucket, v.account, { policy: 'the bucket policy', acl: 'the bucket ACL' })
      const o = { evidence: v.evidence, certainty: 'proven' as const, sources: ['aws.inventory' as const] }
      if (verdict.status === 'FAIL') return outcome('yes', verdict.reason, o)
      if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing anyone can do today`, o)
      return outcome('unknown', `${verdict.reason}${v.account === undefined ? ' (the account-level Block Public Access, s3-account.json, is not in evidence)' : ''}`, o)
    })
})

/** The requests of the bucket in the window, read back one by one, and the files that could not be. */
function requestsOf(ctx: StepContext, owner: string | null): { requests: S3Request[]; files: string[]; unreadable: string[] } {
  const r = bucketRequests(ctx.ev, owner, bucketName(ctx))
  return { requests: r.requests.filter((q) => inWindow(q.time, ctx.window)), files: r.files, unreadable: r.unreadable }
}

/** "no" needs a source that recorded every read of the bucket over the whole window. */
function readsCovered(ctx: StepContext): { covered: boolean; text: string; evidence: string[][] } {
  const id = ctx.finding.resource.id
  const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
  const covAl = ctx.ev.coverage('aws.s3-access-logs', id, ctx.window)
  const evidence = [covCt.evidence, covAl.evidence]
  if (covCt.state === 'covered' && covCt.recording?.reads === 'all' && websiteOn(ctx)) {
    if (covAl.state === 'covered')
      return {
        covered: true,
        text: `the server access logs hold requests for every day of ${windowText(ctx.window)} (delivery is best-effort; CloudTrail does not log the website endpoint)`,
        evidence
      }
    return {
      covered: false,
      text: `CloudTrail recorded every read of the bucket, but not those made through its website endpoint (CloudTrail does not log website requests); ${coverageText(covAl, 'server access logs')}`,
      evidence
    }
  }
  if (covCt.state === 'covered' && covCt.recording?.reads === 'all')
    return { covered: true, text: `CloudTrail recorded every read of the bucket over ${windowText(ctx.window)} without a gap`, evidence }
  if (covAl.state === 'covered')
    return { covered: true, text: `the server access logs hold requests for every day of ${windowText(ctx.window)} (delivery is best-effort)`, evidence }
  return { covered: false, text: `${coverageText(covCt, 'S3 data events (CloudTrail)')}; ${coverageText(covAl, 'server access logs')}`, evidence }
}

export const anonymousRequests = defineStep({
  name: 's3.anonymous-requests',
  summary:
    'anonymous requests S3 served from the bucket in the window (server access logs: Requester "-"; CloudTrail data events: ANONYMOUS_PRINCIPAL), read back one by one; requests S3 refused (AccessDenied) prove nothing relies on public access; "no" needs a source covering every read of the window',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) => perBucket(ctx, true, anonymousForBucket)
})

function anonymousForBucket(ctx: StepContext): StepOutcome {
  const id = ctx.finding.resource.id
  const v = bucketView(ctx)
  if (!v) return noConfig(ctx)
  const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
  const { requests, files, unreadable } = requestsOf(ctx, v.owner)
  const anon = requests.filter((r) => r.anonymous)
  const served = anon.filter((r) => !r.refused)
  const refused = anon.filter((r) => r.refused)
  const link = timelineLink(ctx, [id], ['aws.s3-access-logs', 'aws.cloudtrail'], flaggedEvents(ctx, /anonymous/))
  const o = { evidence: [...v.evidence, files], sources: [...sources], windowed: true, timeline: link }
  const refusedText = !refused.length
    ? ''
    : served.length
      ? `; ${plural(refused.length, 'other anonymous request was', 'other anonymous requests were')} refused (AccessDenied)`
      : `; ${refused.length === 1 ? 'the one anonymous request was' : `all ${refused.length} anonymous requests were`} refused (AccessDenied), which shows nobody is served anonymously`
  if (served.length) {
    const what = `${plural(served.length, 'anonymous request')} served (${opsOf(served)}) in the ${sourcesOf(served)}, the last on ${day(lastOf(served))}${refusedText}`
    const removes = whatTheFixRemoves(v)
    const pab = (s: 'IgnorePublicAcls' | 'RestrictPublicBuckets') => effectiveSetting(v.bucket.publicAccessBlock, v.account, s).value === true
    if (pab('IgnorePublicAcls') && pab('RestrictPublicBuckets')) {
      return outcome(
        'no',
        `${what}; but IgnorePublicAcls and RestrictPublicBuckets are in force now, so S3 already refuses anonymous requests and the fix takes nothing more away from them`,
        { ...o, certainty: 'proven' }
      )
    }
    const why = removes
      ? `blocking public access removes ${removes}, so it would refuse them`
      : `the bucket policy and ACL grant nothing public (${v.exposure.policy.why}; ${v.exposure.acl.why}), so public object ACLs or an access point (not in the bundle) served them; IgnorePublicAcls would refuse those served by object ACLs`
    return outcome('yes', `${what} — proven: ${why}`, { ...o, certainty: 'proven' })
  }
  if (unreadable.length) {
    return outcome(
      'unknown',
      `no served anonymous request was read back${refusedText}, but ${plural(unreadable.length, 'log file')} could not be read again (${unreadable.slice(0, 2).join('; ')})`,
      o
    )
  }
  const cov = readsCovered(ctx)
  if (cov.covered) {
    return outcome('no', `${cov.text}, and S3 served no anonymous request (${plural(requests.length, 'request')} in all)${refusedText}`, {
      ...o,
      evidence: [...o.evidence, ...cov.evidence],
      certainty: 'proven'
    })
  }
  return outcome('unknown', `no served anonymous request was seen${refusedText}, but no source covered every read of the window — ${cov.text}`, {
    ...o,
    evidence: [...o.evidence, ...cov.evidence]
  })
}

/** The 12-digit accounts a non-public Allow of the policy names (they keep that access after the fix). */
function accountsNamedByPolicy(policy: string | null | undefined): Set<string> {
  const out = new Set<string>()
  if (!policy) return out
  let doc: unknown
  try {
    doc = JSON.parse(policy)
  } catch {
    return out
  }
  const st = obj(doc)?.Statement
  for (const s of (Array.isArray(st) ? st : [st]).map(obj)) {
    if (!s || s.Effect !== 'Allow') continue
    const aws = obj(s.Principal)?.AWS
    for (const p of Array.isArray(aws) ? aws : [aws]) {
      const m = typeof p === 'string' ? /^(?:arn:[^:]+:(?:iam|sts)::)?(\d{12})(?::|$)/.exec(p) : null
      if (m) out.add(m[1])
    }
  }
  return out
}

export const outsideAccountUse = defineStep({
  name: 's3.outside-account-use',
  summary:
    'whether principals of other AWS accounts were served through the access the fix removes (a public policy: RestrictPublicBuckets cuts every cross-account caller; a public ACL grant, AuthenticatedUsers meaning any AWS account: IgnorePublicAcls removes it), read back from CloudTrail data events and server access logs; "no" needs a source covering every read of the window',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) => perBucket(ctx, true, outsideAccountForBucket)
})

function outsideAccountForBucket(ctx: StepContext): StepOutcome {
  const v = bucketView(ctx)
  if (!v) return noConfig(ctx)
  const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
  const base = { evidence: v.evidence, sources: [...sources], windowed: true }
  const removes = whatTheFixRemoves(v)
  const unsure = [v.exposure.policy, v.exposure.acl].filter((e) => e.state === 'unknown')
  if (!removes && !unsure.length)
    return outcome('no', `the bucket is not public (${v.exposure.policy.why}; ${v.exposure.acl.why}): the fix removes no access from anyone outside account ${v.owner ?? '?'}`, {
      ...base,
      certainty: 'proven',
      windowed: false
    })
  if (!v.owner) return outcome('unknown', "the bucket owner's account is not known from the evidence, so callers from other accounts cannot be told apart", base)
  const { requests, files, unreadable } = requestsOf(ctx, v.owner)
  const o = { ...base, evidence: [...v.evidence, files] }
  const outside = requests.filter((r) => !r.anonymous && !r.service && r.account !== null && r.account !== v.owner)
  const served = outside.filter((r) => !r.refused)
  // A public policy with RestrictPublicBuckets on cuts every cross-account caller, however granted;
  // a public ACL grant alone is what the callers rely on unless a policy statement names their account.
  const named = v.exposure.policy.state === 'public' ? new Set<string>() : accountsNamedByPolicy(v.bucket.policy)
  const cut = served.filter((r) => !named.has(r.account!))
  const accounts = [...new Set(cut.map((r) => r.account!))].sort()
  const refusedText =
    outside.length > served.length
      ? `; ${plural(outside.length - served.length, 'request')} from other accounts ${outside.length - served.length === 1 ? 'was' : 'were'} refused (AccessDenied) and count for nothing`
      : ''
  if (cut.length) {
    return outcome(
      'yes',
      `${plural(cut.length, 'request')} from ${plural(accounts.length, 'other AWS account')} (${accounts.join(', ')}) served (${opsOf(cut)}) in the ${sourcesOf(cut)}, the last on ${day(lastOf(cut))}, by ${callersText(cut)} — proven: ${
        v.exposure.policy.state === 'public'
          ? 'the bucket policy is public, and RestrictPublicBuckets confines a bucket with a public policy to its owner account and AWS services, whatever statement grants the other accounts'
          : `no statement of the bucket policy names their account, so they read through the public ACL grant, which IgnorePublicAcls makes S3 ignore`
      }: the fix would refuse them${refusedText}`,
      { ...o, certainty: 'proven' }
    )
  }
  const otherGrantees = (v.bucket.acl?.Grants ?? []).filter(
    (g) => g.Grantee.Type === 'CanonicalUser' && g.Grantee.ID !== undefined && g.Grantee.ID !== (v.bucket.acl as { Owner?: { ID?: string } }).Owner?.ID
  )
  if (served.length && otherGrantees.length) {
    return outcome(
      'unknown',
      `${plural(served.length, 'request')} from other accounts were served, and the ACL also grants ${plural(otherGrantees.length, 'canonical user')} by id: whether they rely on that grant or on the public one cannot be told`,
      o
    )
  }
  if (unsure.length)
    return outcome('unknown', `whether the bucket is public is not known (${unsure.map((e) => e.why).join('; ')}), so what the fix removes from other accounts cannot be told`, o)
  if (unreadable.length)
    return outcome(
      'unknown',
      `no request from another account was read back${refusedText}, but ${plural(unreadable.length, 'log file')} could not be read again (${unreadable.slice(0, 2).join('; ')})`,
      o
    )
  const cov = readsCovered(ctx)
  const keep = served.length ? `; ${plural(served.length, 'request')} from other accounts named in the policy keep their access` : ''
  if (cov.covered) {
    return outcome(
      'no',
      `${cov.text}, and no principal of another AWS account was served through the public access (${plural(requests.length, 'request')} in all)${keep}${refusedText}`,
      { ...o, evidence: [...o.evidence, ...cov.evidence], certainty: 'proven' }
    )
  }
  return outcome('unknown', `no request from another AWS account was seen${refusedText}, but no source covered every read of the window — ${cov.text}`, {
    ...o,
    evidence: [...o.evidence, ...cov.evidence]
  })
}

export const publicOriginNeeded = defineStep({
  name: 's3.public-origin-needed',
  summary:
    'whether something is built on the bucket being public: static website hosting, or a CloudFront origin read anonymously (a website endpoint, or an S3 origin without OAC/OAI)',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) =>
    perBucket(ctx, true, (c) =>
      builtOnTheBucket(c, {
        website: 'static website hosting is on: the website endpoint serves the bucket to anonymous visitors',
        origin: (o) =>
          o.website
            ? `CloudFront ${o.distribution} reads the website endpoint ${o.domain}, anonymously`
            : !o.identity
              ? `CloudFront ${o.distribution} reads ${o.domain} without an origin access control or identity, i.e. anonymously`
              : null,
        safeOrigins: (distributions) => `CloudFront ${distributions} reads it through an origin access control or identity, which public access blocks do not affect`,
        noInventory: 'no CloudFront inventory is in evidence, so a distribution reading it is not ruled out'
      })
    )
})

export const PUBLIC_ACCESS_STEPS = [bucketIsPublic, anonymousRequests, outsideAccountUse, publicOriginNeeded]
