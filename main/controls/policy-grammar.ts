// The AWS policy grammar every policy Lastmile writes is checked against before it leaves the
// engine: a bucket policy that S3 would refuse, or an SCP Organizations would refuse, is a bug
// here, not a surprise for the operator.
//
// Rules (IAM User Guide, "IAM JSON policy element reference" and "grammar"; Organizations User
// Guide, "SCP syntax", "RCP syntax" and "Quotas"; S3 User Guide, "Bucket policies"):
// - Version "2012-10-17" ("2008-10-17" survives in old bucket policies); Statement one object or an array of objects; no other top-level key
//   but Id.
// - Effect Allow or Deny; exactly one of Action/NotAction and one of Resource/NotResource;
//   action names are `service:Action` (wildcards * and ?) or "*"; Condition maps an operator to
//   keys to one value or a list.
// - Bucket policies are resource-based: each statement names a Principal or NotPrincipal; at most
//   20 KB.
// - SCPs name no Principal (they apply to the account's principals); at most 5,120 characters.
// - RCPs: Principal must be "*", NotPrincipal is not supported, Deny is the only effect a
//   customer-written RCP may use (Allow is reserved for RCPFullAWSAccess); at most 5,120
//   characters.

type PolicyKind = 'bucket' | 'scp' | 'rcp'

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'])

const CONDITION_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null'
])

const MAX_SIZE: Record<PolicyKind, { size: number; unit: 'bytes' | 'characters' }> = {
  bucket: { size: 20 * 1024, unit: 'bytes' },
  scp: { size: 5120, unit: 'characters' },
  rcp: { size: 5120, unit: 'characters' }
}

const ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/

function isStringOrList(v: unknown): v is string | string[] {
  return typeof v === 'string' ? v.length > 0 : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0)
}

function list(v: string | string[]): string[] {
  return typeof v === 'string' ? [v] : v
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function checkPrincipal(v: unknown): string | null {
  if (v === '*') return null
  if (!isObject(v) || Object.keys(v).length === 0) return 'must be "*" or an object such as {"AWS": [...]}'
  for (const [k, val] of Object.entries(v)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(k)) return `has an unknown principal type "${k}"`
    if (!isStringOrList(val)) return `${k} must be a string or a list of strings`
  }
  return null
}

/**
 * Every way `doc` breaks the grammar for its kind, one sentence each (empty when it is valid).
 * `text` is the document as it will be submitted, for the size quota.
 */
export function policyProblems(doc: unknown, kind: PolicyKind, text = JSON.stringify(doc)): string[] {
  const problems: string[] = []
  const max = MAX_SIZE[kind]
  const size = max.unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length
  if (size > max.size)
    problems.push(`the policy is ${size} ${max.unit}, over the ${max.size} ${max.unit} ${kind === 'bucket' ? 'a bucket policy' : `an ${kind.toUpperCase()}`} may have`)
  if (!isObject(doc)) return [...problems, 'the policy is not a JSON object']
  for (const k of Object.keys(doc)) if (!['Version', 'Id', 'Statement'].includes(k)) problems.push(`unknown top-level element "${k}"`)
  // A bucket policy may still carry the older language version; Lastmile keeps what it found.
  if (doc.Version !== '2012-10-17' && !(kind === 'bucket' && doc.Version === '2008-10-17')) problems.push('Version must be "2012-10-17"')
  const raw = doc.Statement
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  if (statements.length === 0) problems.push('the policy has no Statement')
  const sids = new Set<string>()
  statements.forEach((s, i) => {
    const at = `Statement[${i}]`
    if (!isObject(s)) {
      problems.push(`${at} is not an object`)
      return
    }
    for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) problems.push(`${at}: unknown element "${k}"`)
    if (s.Sid !== undefined) {
      if (typeof s.Sid !== 'string') problems.push(`${at}: Sid must be a string`)
      // S3 accepts any string as a bucket policy's Sid; Organizations only letters and digits
      else if (kind !== 'bucket' && !/^[A-Za-z0-9]+$/.test(s.Sid)) problems.push(`${at}: Sid "${s.Sid}" must be letters and digits only`)
      else if (sids.has(s.Sid)) problems.push(`${at}: Sid "${s.Sid}" is used twice`)
      if (typeof s.Sid === 'string') sids.add(s.Sid)
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`${at}: Effect must be "Allow" or "Deny"`)
    if (kind === 'rcp' && s.Effect !== 'Deny') problems.push(`${at}: an RCP statement must be a Deny (Allow is reserved for RCPFullAWSAccess)`)
    const hasAction = 'Action' in s
    const hasNotAction = 'NotAction' in s
    if (hasAction === hasNotAction) problems.push(`${at}: needs exactly one of Action and NotAction`)
    for (const key of ['Action', 'NotAction'] as const) {
      if (!(key in s)) continue
      const v = s[key]
      if (!isStringOrList(v)) problems.push(`${at}: ${key} must be a string or a list of strings`)
      else for (const a of list(v)) if (!ACTION.test(a)) problems.push(`${at}: "${a}" is not an action name (service:Action)`)
    }
    const hasResource = 'Resource' in s
    const hasNotResource = 'NotResource' in s
    if (hasResource === hasNotResource) problems.push(`${at}: needs exactly one of Resource and NotResource`)
    for (const key of ['Resource', 'NotResource'] as const) {
      if (!(key in s)) continue
      const v = s[key]
      if (!isStringOrList(v)) problems.push(`${at}: ${key} must be a string or a list of strings`)
      else for (const r of list(v)) if (r !== '*' && !/^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9*-]*:(\d{12}|\*)?:.+$/.test(r)) problems.push(`${at}: "${r}" is not "*" or an ARN`)
    }
    const hasPrincipal = 'Principal' in s
    const hasNotPrincipal = 'NotPrincipal' in s
    if (kind === 'bucket') {
      if (hasPrincipal === hasNotPrincipal) problems.push(`${at}: a bucket policy statement needs exactly one of Principal and NotPrincipal`)
    } else if (kind === 'scp') {
      if (hasPrincipal || hasNotPrincipal) problems.push(`${at}: an SCP names no Principal or NotPrincipal`)
    } else {
      if (hasNotPrincipal) problems.push(`${at}: RCPs do not support NotPrincipal`)
      if (s.Principal !== '*') problems.push(`${at}: an RCP's Principal must be "*" (narrow it with conditions)`)
    }
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      if (!(key in s)) continue
      const why = checkPrincipal(s[key])
      if (why) problems.push(`${at}: ${key} ${why}`)
    }
    if ('Condition' in s) {
      const c = s.Condition
      if (!isObject(c) || Object.keys(c).length === 0) problems.push(`${at}: Condition must be a non-empty object`)
      else {
        for (const [op, block] of Object.entries(c)) {
          const m = /^(?:(?:ForAnyValue|ForAllValues):)?(.+?)(?:IfExists)?$/.exec(op)
          const base = m ? m[1] : op
          if (!CONDITION_OPERATORS.has(base) || (base === 'Null' && op !== 'Null')) problems.push(`${at}: unknown condition operator "${op}"`)
          if (!isObject(block) || Object.keys(block).length === 0) {
            problems.push(`${at}: Condition "${op}" must map keys to values`)
            continue
          }
          for (const [key, val] of Object.entries(block)) {
            const ok = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number'
            if (!(ok(val) || (Array.isArray(val) && val.length > 0 && val.every(ok)))) problems.push(`${at}: condition ${op} ${key} must be a value or a list of values`)
          }
        }
      }
    }
  })
  return problems
}

/** Throw when a policy Lastmile generated is not valid: that is a bug in the generator. */
export function assertValidPolicy(doc: unknown, kind: PolicyKind, what: string, text?: string): void {
  const problems = policyProblems(doc, kind, text)
  if (problems.length) throw new Error(`${what}: generated an invalid ${kind} policy: ${problems.join('; ')}`)
}
