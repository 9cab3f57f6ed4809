// Where a bucket's server access logs can go, decided once for the step that answers it and the
// fix that uses it (S3 User Guide, "Logging requests with server access logging"; "Permissions for
// log delivery"):
// - the target is in the same account and Region as the source bucket, and is not the bucket itself;
// - S3's logging service may write into it: a bucket policy Allow for logging.s3.amazonaws.com on
//   s3:PutObject (its conditions on aws:SourceArn and aws:SourceAccount are evaluated for this
//   bucket), or the legacy ACL grant to the LogDelivery group; no Deny in its policy refuses it;
// - its default encryption is not SSE-KMS (log delivery supports SSE-S3 only);
// - it already receives the access logs of another bucket: delivery there is known to work.
// A target is never guessed: with no such bucket the answer is "no", and a person chooses.
import { parsePolicy, statementApplies, type PolicyRequest } from '../../main/semantics/iam-policy'
import { s3BucketArn } from '../../main/semantics/ids'
import type { S3ConfigFacet } from '../../main/semantics/facets'

/**
 * The s3.config facet (main/semantics/facets.ts, which says what an absent key and null mean),
 * with the two parts it keeps as the collector wrote them — GetBucketAcl's and GetBucketEncryption's
 * output — seen through the fields read here, each optional (read defensively).
 */
export type BucketConfig = Omit<S3ConfigFacet, 'acl' | 'encryption'> & {
  acl?: { Grants?: Array<{ Grantee?: { URI?: string }; Permission?: string }> } | null
  encryption?: { ServerSideEncryptionConfiguration?: { Rules?: Array<{ ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }> } } | null
}

/** A stored s3.config as this module reads it (the one place the ACL and encryption are narrowed). */
export const asBucketConfig = (c: { value: S3ConfigFacet; evidence: string[] } | null): { value: BucketConfig; evidence: string[] } | null =>
  c as { value: BucketConfig; evidence: string[] } | null

export interface ConfigReader {
  config(resourceId: string): { value: BucketConfig; evidence: string[] } | null
  resourcesWith(): string[]
}

interface LogTarget {
  bucket: string
  /** the buckets whose logs it already receives */
  receives: string[]
  evidence: string[]
}

type TargetAnswer = { answer: 'yes'; target: LogTarget; evidence: string[]; why: string } | { answer: 'no' | 'unknown'; evidence: string[]; why: string }

const LOG_DELIVERY_GROUP = 'http://acs.amazonaws.com/groups/s3/LogDelivery'

/** Would S3's logging service be allowed to write `source`'s logs into `target`? */
function acceptsLogsFrom(target: BucketConfig, source: { arn: string; account: string; name: string }): boolean | null {
  const enc = target.encryption?.ServerSideEncryptionConfiguration?.Rules ?? []
  if (target.encryption === undefined) return null
  if (enc.some((r) => /^aws:kms/.test(r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? ''))) return false
  if (target.policy === undefined && target.acl === undefined) return null
  const req: PolicyRequest = {
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${target.name}/${source.name}/log-object`,
    principal: 'logging.s3.amazonaws.com',
    context: { 'aws:SourceArn': source.arn, 'aws:SourceAccount': source.account }
  }
  let allowed = false
  if (typeof target.policy === 'string') {
    const parsed = parsePolicy(target.policy)
    if (!parsed.ok) return null
    try {
      if (parsed.statements.some((s) => s.effect === 'Deny' && statementApplies(s, req))) return false
      allowed = parsed.statements.some((s) => s.effect === 'Allow' && statementApplies(s, req))
    } catch {
      return null // a condition operator the evaluator does not know: cannot tell
    }
  }
  const grants = target.acl?.Grants ?? []
  if (grants.some((g) => g.Grantee?.URI === LOG_DELIVERY_GROUP && (g.Permission === 'WRITE' || g.Permission === 'FULL_CONTROL'))) allowed = true
  return allowed
}

/** The bucket a source bucket's logs can go to, or why there is none (see the header). */
export function logTargetFor(bucketId: string, read: ConfigReader): TargetAnswer {
  const self = read.config(bucketId)
  if (!self) return { answer: 'unknown', evidence: [], why: "the bucket is not in the evidence's S3 inventory (inventory/s3-buckets.json)" }
  const b = self.value
  if (!b.account || !b.region)
    return {
      answer: 'unknown',
      evidence: self.evidence,
      why: `the bucket's ${!b.account ? 'account' : 'Region'} is not in the evidence, and a log target must be in the same account and Region`
    }
  const peers = read
    .resourcesWith()
    .filter((id) => id !== bucketId)
    .map((id) => ({ id, c: read.config(id) }))
    .filter((p): p is { id: string; c: { value: BucketConfig; evidence: string[] } } => p.c !== null && p.c.value.account === b.account)
  // who logs where: target name → source buckets (any Region: a target serves its own Region only, checked below)
  const receives = new Map<string, string[]>()
  for (const p of [...peers, { id: bucketId, c: self }]) {
    const t = p.c.value.logging?.targetBucket
    if (t && t !== p.c.value.name) receives.set(t, [...(receives.get(t) ?? []), p.c.value.name])
  }
  const source = { arn: s3BucketArn(b.name, b.region), account: b.account, name: b.name }
  const refused: string[] = []
  let unsure = false
  const ok: LogTarget[] = []
  for (const p of peers) {
    const t = p.c.value
    const from = (receives.get(t.name) ?? []).filter((n) => n !== b.name)
    if (!from.length) continue
    if (t.region !== b.region) {
      refused.push(`${t.name} is in ${t.region ?? 'an unknown Region'}, not ${b.region}`)
      continue
    }
    const accepts = acceptsLogsFrom(t, source)
    if (accepts === null) {
      unsure = true
      refused.push(`${t.name}'s policy, ACL or default encryption was not collected or cannot be read`)
    } else if (!accepts)
      refused.push(`${t.name} would not accept this bucket's logs (its policy does not let logging.s3.amazonaws.com write them for ${b.name}, or it defaults to SSE-KMS)`)
    else ok.push({ bucket: t.name, receives: from.sort(), evidence: p.c.evidence })
  }
  ok.sort((x, y) => y.receives.length - x.receives.length || (x.bucket < y.bucket ? -1 : 1))
  if (ok.length) {
    const t = ok[0]
    return {
      answer: 'yes',
      target: t,
      evidence: [...self.evidence, ...t.evidence],
      why: `${t.bucket} (${b.account}, ${b.region}) already receives the access logs of ${t.receives.join(', ')} and lets S3's logging service write this bucket's`
    }
  }
  const why = refused.length ? `no usable log target: ${refused.join('; ')}` : `no bucket in ${b.account} in ${b.region} receives other buckets' access logs`
  return { answer: unsure ? 'unknown' : 'no', evidence: self.evidence, why }
}
