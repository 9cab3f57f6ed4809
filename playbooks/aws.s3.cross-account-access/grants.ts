// aws.s3.cross-account-access (Security Hub S3.6): which statements of a bucket policy grant one of
// the actions S3.6 blocks (Config rule s3-bucket-blacklisted-actions-prohibited, parameter
// blacklistedActionPattern: s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy,
// s3:PutEncryptionConfiguration, s3:PutObjectAcl) to principals of another AWS account, and the
// policy without exactly those actions: what the fix puts.
//
// A grant to everyone (Principal "*") is a grant to every other account too. A statement that grants
// a blocked action through a pattern ("s3:*", "s3:Put*") or NotAction is reported, but the fix does
// not rewrite it: the actions a pattern stands for cannot be listed from the policy alone.
import { globMatch } from '../../main/semantics/policy-glob'
import { label, parsePolicy, type PolicyStatement } from '../../main/semantics/iam-policy'

/** The blocked IAM actions and the CloudTrail events authorized by each (a data event for PutObjectAcl). */
export const BLOCKED: ReadonlyArray<{ action: string; events: readonly string[]; data: boolean }> = [
  { action: 's3:DeleteBucketPolicy', events: ['DeleteBucketPolicy'], data: false },
  { action: 's3:PutBucketAcl', events: ['PutBucketAcl'], data: false },
  { action: 's3:PutBucketPolicy', events: ['PutBucketPolicy'], data: false },
  { action: 's3:PutEncryptionConfiguration', events: ['PutBucketEncryption', 'DeleteBucketEncryption'], data: false },
  { action: 's3:PutObjectAcl', events: ['PutObjectAcl'], data: true }
]

/** The blocked action a CloudTrail event name is authorized as, or null. */
export function blockedActionOf(eventName: string): string | null {
  return BLOCKED.find((b) => b.events.includes(eventName))?.action ?? null
}

/**
 * The blocked actions a server access log operation may be authorized as. The log names an operation
 * REST.<method>.<resource type> (REST.PUT.BUCKETPOLICY, REST.DELETE.BUCKETPOLICY, REST.PUT.ENCRYPTION,
 * REST.DELETE.ENCRYPTION); REST.PUT.ACL is written for bucket and object ACLs alike, so it stands for
 * both. Read loosely on purpose (any PUT or DELETE of a POLICY, ACL or ENCRYPTION resource): a name
 * missed here would read as "not called".
 */
export function blockedActionsOfLogOp(op: string): string[] {
  const m = /^REST\.(PUT|DELETE|POST)\.([A-Z_.]+)$/.exec(op)
  if (!m) return []
  const [, method, type] = m
  if (/ENCRYPTION/.test(type)) return ['s3:PutEncryptionConfiguration']
  if (/POLICY/.test(type)) return [method === 'DELETE' ? 's3:DeleteBucketPolicy' : 's3:PutBucketPolicy']
  if (/ACL/.test(type) && method !== 'DELETE') return ['s3:PutBucketAcl', 's3:PutObjectAcl']
  return []
}

export interface CrossAccountGrant {
  /** 0-based statement index */
  index: number
  /** "statement 2 (Sid "Partner")" */
  label: string
  /** the other accounts the statement names; "*" for everyone */
  accounts: string[]
  /** the statement also covers principals of the owner account, by name or as everyone (they lose the policy's grant too) */
  ownToo: boolean
  /** the blocked actions it grants */
  actions: string[]
  /** the Action entries, as written, that are exactly a blocked action (what the fix removes) */
  written: string[]
  /** a blocked action is granted through a pattern or NotAction: the fix cannot remove it alone */
  pattern: string | null
}

export type GrantReading = { ok: true; grants: CrossAccountGrant[] } | { ok: false; error: string }

const ACCOUNT_OF = /^(?:arn:[^:]+:(?:iam|sts)::)?(\d{12})(?::|$)/

/** The accounts a principal element names: 12-digit ids, "*" for everyone; null when it names no AWS principal. */
function principalAccounts(s: PolicyStatement): string[] {
  if (s.notPrincipal) return ['*'] // Allow with NotPrincipal: everyone but those named
  const p = s.principal
  if (p === null) return []
  if (p === '*') return ['*']
  const out: string[] = []
  for (const v of p.AWS ?? []) {
    if (v === '*') out.push('*')
    else {
      const m = ACCOUNT_OF.exec(v)
      out.push(m ? m[1] : v)
    }
  }
  return out
}

/** The blocked actions one statement grants, and how it writes them. */
function grantedActions(s: PolicyStatement): { actions: string[]; written: string[]; pattern: string | null } {
  const actions: string[] = []
  const written = new Set<string>()
  let pattern: string | null = null
  for (const b of BLOCKED) {
    if (s.action) {
      const hits = s.action.filter((a) => globMatch(a, b.action, true))
      if (!hits.length) continue
      actions.push(b.action)
      const exact = hits.filter((a) => a.toLowerCase() === b.action.toLowerCase())
      exact.forEach((a) => written.add(a))
      if (exact.length < hits.length && !pattern) pattern = hits.find((a) => a.toLowerCase() !== b.action.toLowerCase())!
    } else if (s.notAction && !s.notAction.some((a) => globMatch(a, b.action, true))) {
      actions.push(b.action)
      pattern ??= `NotAction ${JSON.stringify(s.notAction)}`
    }
  }
  return { actions, written: [...written], pattern }
}

/** The statements granting a blocked action to another account than `owner`. */
export function crossAccountGrants(policy: string, owner: string): GrantReading {
  const parsed = parsePolicy(policy)
  if (!parsed.ok) return parsed
  const grants: CrossAccountGrant[] = []
  for (const s of parsed.statements) {
    if (s.effect !== 'Allow') continue
    const named = principalAccounts(s)
    const accounts = [...new Set(named.filter((a) => a !== owner && (a === '*' || /^\d{12}$/.test(a))))].sort()
    if (!accounts.length) continue
    const g = grantedActions(s)
    if (!g.actions.length) continue
    // a grant to everyone covers the owner account's principals too
    grants.push({ index: s.index, label: label(s), accounts, ownToo: named.includes(owner) || accounts.includes('*'), ...g })
  }
  return { ok: true, grants }
}

/** "statement 2 (Sid "Partner") grants s3:PutObjectAcl to 444455556666" */
export function grantText(g: CrossAccountGrant): string {
  return `${g.label} grants ${g.actions.join(', ')} to ${g.accounts.map((a) => (a === '*' ? 'everyone' : a)).join(', ')}`
}

/**
 * The policy with the blocked actions removed from the statements that grant them to other accounts,
 * every other statement and field kept as written; a statement left without an action is dropped.
 * Null when no statement remains (the fix deletes the policy). Throws when a grant is a pattern.
 */
export function policyWithoutBlocked(policy: string, grants: readonly CrossAccountGrant[]): string | null {
  const withPattern = grants.find((g) => g.pattern)
  if (withPattern) throw new Error(`${withPattern.label} grants ${withPattern.actions.join(', ')} through ${withPattern.pattern}: list the actions the other account needs by hand`)
  const doc = JSON.parse(policy) as Record<string, unknown>
  const list = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Array<Record<string, unknown>>
  const byIndex = new Map(grants.map((g) => [g.index, new Set(g.written)]))
  const kept: Array<Record<string, unknown>> = []
  list.forEach((s, i) => {
    const drop = byIndex.get(i)
    if (!drop) return kept.push(s)
    const actions = (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[]
    const left = actions.filter((a) => !drop.has(a))
    if (left.length) kept.push({ ...s, Action: Array.isArray(s.Action) ? left : left[0] })
  })
  if (!kept.length) return null
  return JSON.stringify({ ...doc, Statement: kept })
}
