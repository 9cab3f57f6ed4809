// aws.s3.https-only: the bucket policy that refuses plain HTTP, merged into the policy the bucket
// already has. PutBucketPolicy replaces the whole policy (S3 API Reference), so writing only the
// Deny statement would silently drop every grant the bucket relies on: the new policy is the
// existing one, every statement kept as it was, plus the Deny.
import { httpsOnlyVerdict, parsePolicy } from '../../main/semantics/iam-policy'
import { LastmileError } from '../../main/errors'
import { policyProblems } from '../../main/controls/policy-grammar'

const HTTPS_SID = 'DenyInsecureTransport'

/** The statement of FORMATS.md C.1 / S3 User Guide "Enforce encryption in transit" for one bucket. */
function httpsDenyStatement(bucketArn: string, sid = HTTPS_SID): Record<string, unknown> {
  return {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } }
  }
}

export interface HttpsMerge {
  /** the policy to put */
  policy: Record<string, unknown>
  /** as submitted (pretty when it fits the 20 KB quota, compact otherwise) */
  text: string
  sid: string
  /** the statement of the existing policy that the Deny replaces (a narrower Deny with our Sid) */
  replaced: number | null
  notes: string[]
}

function isInsecureTransportDeny(s: Record<string, unknown>): boolean {
  const bool = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.Bool
  const v = bool ? Object.entries(bool).find(([k]) => k.toLowerCase() === 'aws:securetransport')?.[1] : undefined
  return s.Effect === 'Deny' && (v === 'false' || v === false || (Array.isArray(v) && v.map(String).includes('false')))
}

/**
 * Merge the Deny into `existing` (the bucket's policy text from evidence; null when it has none).
 * Throws when the existing policy already enforces HTTPS (there is nothing to merge) or cannot be
 * read; the result is checked with the same evaluator that reported the finding.
 */
export function mergeHttpsDeny(existing: string | null, bucketArn: string): HttpsMerge {
  const notes: string[] = []
  let doc: Record<string, unknown>
  if (existing === null) {
    doc = { Version: '2012-10-17', Statement: [] }
    notes.push('the bucket has no policy: the new policy holds the Deny statement only')
  } else {
    let parsed: unknown
    try {
      parsed = JSON.parse(existing)
    } catch (e) {
      throw new LastmileError('bad-input', `${bucketArn}: the bucket policy in evidence is not JSON (${(e as Error).message}); collect it again`)
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new LastmileError('bad-input', `${bucketArn}: the bucket policy in evidence is not a JSON object`)
    }
    doc = { ...(parsed as Record<string, unknown>) }
    const current = parsePolicy(existing)
    if (current.ok && httpsOnlyVerdict(current.statements, bucketArn).status === 'PASS') {
      throw new LastmileError('conflict', `${bucketArn}: the bucket policy in evidence already refuses plain HTTP; validate the finding instead of planning a fix`)
    }
  }
  const raw = doc.Statement
  const statements: Array<Record<string, unknown>> = Array.isArray(raw) ? [...(raw as Array<Record<string, unknown>>)] : raw === undefined ? [] : [raw as Record<string, unknown>]
  let sid = HTTPS_SID
  let replaced: number | null = null
  const same = statements.findIndex((s) => s.Sid === HTTPS_SID)
  if (same >= 0) {
    if (isInsecureTransportDeny(statements[same])) {
      // Our Sid on a narrower Deny (one prefix, some actions): ours covers everything it did.
      replaced = same
      notes.push(`statement ${same + 1} (Sid "${HTTPS_SID}") denied plain HTTP on part of the bucket only; it is replaced by the Deny on the whole bucket`)
    } else {
      let n = 1
      sid = 'LastmileDenyInsecureTransport'
      while (statements.some((s) => s.Sid === sid)) sid = `LastmileDenyInsecureTransport${++n}`
      notes.push(`Sid "${HTTPS_SID}" is taken by another statement; the Deny uses Sid "${sid}"`)
    }
  }
  const deny = httpsDenyStatement(bucketArn, sid)
  if (replaced !== null) statements[replaced] = deny
  else statements.push(deny)
  const policy: Record<string, unknown> = { ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements }
  if (existing !== null) notes.push(`the ${statements.length - 1} other statement(s) of the existing policy are kept unchanged`)
  let text = JSON.stringify(policy, null, 2)
  if (Buffer.byteLength(text) > 20 * 1024) text = JSON.stringify(policy)
  const problems = policyProblems(policy, 'bucket', text)
  if (problems.length) throw new LastmileError('conflict', `${bucketArn}: the merged bucket policy would not be accepted by S3: ${problems.join('; ')}`)
  const check = parsePolicy(text)
  if (!check.ok || httpsOnlyVerdict(check.statements, bucketArn).status !== 'PASS') {
    throw new Error(`${bucketArn}: the merged policy does not enforce HTTPS (${check.ok ? httpsOnlyVerdict(check.statements, bucketArn).reason : check.error})`)
  }
  return { policy, text, sid, replaced, notes }
}
