// IAM policy documents (bucket policies), read the way AWS evaluates them, for the two S3 questions
// the evaluators ask: does the policy refuse every plain-HTTP request (aws.s3.https-only), and does
// it grant anything to the public (aws.s3.public-access)?
//
// Rules followed (IAM User Guide, "Policy elements" and "Policy evaluation logic"; S3 User Guide,
// "Enforce encryption in transit" and "The meaning of public"):
// - Statement may be one object or an array; Action/Resource/Principal values one string or an
//   array. `"Principal": "*"` and `{"AWS": "*"}` are equivalent: everyone, anonymous included.
// - Action matching is case-insensitive; Resource (ARN) matching is case-sensitive; condition key
//   names are case-insensitive. `*` and `?` are the only wildcards.
// - The condition entries of a statement are ANDed; the values of one entry are ORed.
// - `…IfExists` operators are true when the key is absent from the request; other operators are
//   false when the key is absent (except `Null`).
import type { Verdict } from './verdict'
import { fail, pass } from './verdict'
import { parseCidr } from './cidr'
import { parseJson } from './json-text'
import { globCoversPrefix, globMatch, globMayMatchPrefix, isFixedValue } from './policy-glob'

export type Principal = '*' | Record<string, string[]>

export interface ConditionEntry {
  /** as written, e.g. `ForAnyValue:StringEqualsIfExists` */
  operator: string
  /** without the set qualifier and without IfExists, e.g. `StringEquals` */
  base: string
  ifExists: boolean
  set: 'ForAnyValue' | 'ForAllValues' | null
  key: string
  keyLower: string
  values: string[]
}

export interface PolicyStatement {
  /** 0-based position in the Statement array */
  index: number
  sid: string | null
  effect: 'Allow' | 'Deny'
  principal: Principal | null
  notPrincipal: Principal | null
  action: string[] | null
  notAction: string[] | null
  resource: string[] | null
  notResource: string[] | null
  conditions: ConditionEntry[]
}

export type PolicyParse = { ok: true; statements: PolicyStatement[] } | { ok: false; error: string }

/** "statement 2 (Sid "DenyHttp")": how a reason names a statement, 1-based like a person counts. */
export function label(s: PolicyStatement): string {
  return `statement ${s.index + 1}${s.sid ? ` (Sid "${s.sid}")` : ''}`
}

function strings(v: unknown): string[] | null {
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[]
  return null
}

function scalarStrings(v: unknown): string[] | null {
  const one = (x: unknown): string | null => (typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : null)
  if (Array.isArray(v)) {
    const out = v.map(one)
    return out.length > 0 && out.every((x) => x !== null) ? (out as string[]) : null
  }
  const s = one(v)
  return s === null ? null : [s]
}

function parsePrincipal(v: unknown): Principal | null {
  if (v === '*') return '*'
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null
  const out: Record<string, string[]> = {}
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const list = strings(val)
    if (!list) return null
    out[k] = list
  }
  return Object.keys(out).length ? out : null
}

function parseCondition(v: unknown): ConditionEntry[] | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null
  const out: ConditionEntry[] = []
  for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) return null
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator)!
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const values = scalarStrings(raw)
      if (!values) return null
      out.push({
        operator,
        base: m[2],
        ifExists: m[3] === 'IfExists',
        set: (m[1] as ConditionEntry['set']) ?? null,
        key,
        keyLower: key.toLowerCase(),
        values
      })
    }
  }
  return out
}

/**
 * Parse a policy document (the JSON text S3 returns from GetBucketPolicy). Resource-based policies
 * name a Principal in each statement; identity policies and SCPs name none (`requirePrincipal: false`).
 */
export function parsePolicy(text: string, opts: { requirePrincipal?: boolean } = {}): PolicyParse {
  const parsed = parseJson(text)
  if (!parsed.ok) return { ok: false, error: `the policy is not JSON: ${parsed.error}` }
  const doc = parsed.value
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: 'the policy is not a JSON object' }
  const raw = (doc as Record<string, unknown>).Statement
  if (raw === undefined) return { ok: false, error: 'the policy has no Statement' }
  const list = Array.isArray(raw) ? raw : [raw]
  const statements: PolicyStatement[] = []
  for (let index = 0; index < list.length; index++) {
    const s = list[index] as Record<string, unknown>
    const where = `Statement[${index}]`
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return { ok: false, error: `${where} is not an object` }
    const sid = typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : null
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return { ok: false, error: `${where}: Effect must be "Allow" or "Deny"` }
    const field = <T>(name: string, parse: (v: unknown) => T | null): T | null | 'bad' => {
      if (!(name in s)) return null
      const v = parse(s[name])
      return v === null ? 'bad' : v
    }
    const principal = field('Principal', parsePrincipal)
    const notPrincipal = field('NotPrincipal', parsePrincipal)
    const action = field('Action', strings)
    const notAction = field('NotAction', strings)
    const resource = field('Resource', strings)
    const notResource = field('NotResource', strings)
    const conditions = field('Condition', parseCondition)
    const bad = Object.entries({
      Principal: principal,
      NotPrincipal: notPrincipal,
      Action: action,
      NotAction: notAction,
      Resource: resource,
      NotResource: notResource,
      Condition: conditions
    }).find(([, v]) => v === 'bad')
    if (bad) return { ok: false, error: `${where}: ${bad[0]} is malformed` }
    if (principal === null && notPrincipal === null && opts.requirePrincipal !== false) {
      // A resource-based policy statement must name who it applies to; S3 refuses one that does not.
      return { ok: false, error: `${where}: no Principal or NotPrincipal` }
    }
    if (action === null && notAction === null) return { ok: false, error: `${where}: no Action or NotAction` }
    statements.push({
      index,
      sid,
      effect: s.Effect,
      principal: principal as Principal | null,
      notPrincipal: notPrincipal as Principal | null,
      action: action as string[] | null,
      notAction: notAction as string[] | null,
      resource: resource as string[] | null,
      notResource: notResource as string[] | null,
      conditions: (conditions as ConditionEntry[] | null) ?? []
    })
  }
  return { ok: true, statements }
}

/** Principal `*`, `{"AWS": "*"}` or a list holding `*`: every caller, anonymous ones included. */
export function isEveryone(p: Principal | null): boolean {
  if (p === null) return false
  if (p === '*') return true
  return (p.AWS ?? []).includes('*')
}

function describePrincipal(p: Principal): string {
  if (p === '*') return '*'
  return Object.entries(p)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ')
}

/** Does the statement's Action/NotAction apply to every S3 action? */
function coversAllS3Actions(s: PolicyStatement): boolean {
  if (s.action) return s.action.some((a) => globCoversPrefix(a, 's3:', true))
  // NotAction applies to every action that none of its patterns can match
  return !s.notAction!.some((a) => globMayMatchPrefix(a, 's3:', true))
}

function coversArn(s: PolicyStatement, arn: string): boolean {
  if (s.resource) return s.resource.some((r) => globMatch(r, arn))
  if (s.notResource) return !s.notResource.some((r) => globMatch(r, arn))
  return false
}

/** Every object of the bucket: every ARN `bucketArn/<key>`. */
function coversAllObjects(s: PolicyStatement, bucketArn: string): boolean {
  const prefix = `${bucketArn}/`
  if (s.resource) return s.resource.some((r) => globCoversPrefix(r, prefix))
  if (s.notResource) return !s.notResource.some((r) => globMayMatchPrefix(r, prefix))
  return false
}

function isInsecureTransportTest(c: ConditionEntry): boolean {
  return c.set === null && c.base === 'Bool' && c.keyLower === 'aws:securetransport' && c.values.some((v) => v.toLowerCase() === 'false')
}

/**
 * A further condition that holds for every plain-HTTP request, so it does not narrow a Deny on
 * insecure transport: a test of `s3:TlsVersion` that is true when the key is absent (an HTTP
 * request negotiates no TLS, so it carries no s3:TlsVersion) — an `…IfExists` operator, or
 * `Null: {"s3:TlsVersion": "true"}`. Anything else narrows the Deny to some requests.
 */
function holdsForEveryHttpRequest(c: ConditionEntry): boolean {
  if (c.keyLower !== 's3:tlsversion') return false
  if (c.ifExists) return true
  return c.base === 'Null' && c.set === null && c.values.every((v) => v.toLowerCase() === 'true')
}

/**
 * aws.s3.https-only on a parsed bucket policy. HTTPS is enforced when Deny statements for every
 * principal, on every S3 action, with no condition but `aws:SecureTransport = false`, together
 * cover the bucket ARN and every object ARN (S3 User Guide, "Enforce encryption in transit";
 * Security Hub S3.5). A Deny on one prefix, one action, some principals, or under an extra
 * condition leaves some plain-HTTP requests allowed, so it does not count.
 *
 * Stricter than peers, on purpose: Prowler's `s3_bucket_secure_transport_policy` passes any Deny
 * whose Action contains "s3:PutObject", "*" or "s3:*" with `Bool aws:SecureTransport "false"` —
 * it checks neither Principal, Resource, NotPrincipal nor other conditions, and `BoolIfExists`
 * fails there though it denies at least as much. A TLS-floor statement alone
 * (`NumericLessThan s3:TlsVersion 1.2`) does not refuse HTTP: the key is absent on HTTP requests
 * and a non-IfExists operator is then false, so such a Deny never applies to them.
 */
export function httpsOnlyVerdict(statements: readonly PolicyStatement[], bucketArn: string): Verdict {
  const candidates = statements.filter((s) => s.effect === 'Deny' && s.conditions.some(isInsecureTransportTest))
  if (candidates.length === 0) {
    const tls = statements.find((s) => s.effect === 'Deny' && s.conditions.some((c) => c.keyLower === 's3:tlsversion'))
    if (tls) {
      return fail(
        `the policy has no Deny on aws:SecureTransport = false; ${label(tls)} sets a TLS-version floor (s3:TlsVersion), ` +
          'which plain-HTTP requests do not carry, so it does not refuse them'
      )
    }
    return fail('the bucket policy has no Deny statement for aws:SecureTransport = false: requests over plain HTTP are allowed')
  }
  const problems = new Map<PolicyStatement, string[]>()
  for (const s of candidates) {
    const why: string[] = []
    if (s.notPrincipal) why.push(`it uses NotPrincipal, which exempts ${describePrincipal(s.notPrincipal)}`)
    else if (!isEveryone(s.principal)) why.push(`it applies only to ${describePrincipal(s.principal!)}, not to every principal`)
    if (!coversAllS3Actions(s)) {
      why.push(s.action ? `it denies only ${s.action.join(', ')}, not s3:*` : `its NotAction exempts ${s.notAction!.join(', ')}`)
    }
    const extra = s.conditions.filter((c) => !isInsecureTransportTest(c) && !holdsForEveryHttpRequest(c))
    if (extra.length) {
      why.push(`it also requires ${extra.map((c) => `${c.operator} ${c.key}`).join(' and ')}, so it applies to only some HTTP requests`)
    }
    problems.set(s, why)
  }
  const qualifying = candidates.filter((s) => problems.get(s)!.length === 0)
  if (qualifying.length === 0) {
    const parts = candidates.map((s) => `${label(s)} does not enforce HTTPS: ${problems.get(s)!.join('; ')}`)
    return fail(parts.join('. '))
  }
  const bucket = qualifying.filter((s) => coversArn(s, bucketArn))
  const objects = qualifying.filter((s) => coversAllObjects(s, bucketArn))
  if (bucket.length && objects.length) {
    const used = [...new Set([...bucket.slice(0, 1), ...objects.slice(0, 1)])]
    return pass(
      `${used.map(label).join(' and ')} of the bucket policy ${used.length === 1 ? 'denies' : 'deny'} every S3 action to every principal ` +
        `on ${bucketArn} and ${bucketArn}/* when aws:SecureTransport is false`
    )
  }
  const res = (s: PolicyStatement) => (s.resource ? s.resource.join(', ') : `everything but ${s.notResource?.join(', ') ?? '(no Resource)'}`)
  const covered = qualifying.map((s) => `${label(s)} covers ${res(s)}`).join('; ')
  const missing = [!bucket.length ? `the bucket itself (${bucketArn})` : null, !objects.length ? `every object (${bucketArn}/*)` : null].filter(Boolean).join(' and ')
  return fail(`the Deny on aws:SecureTransport = false does not cover ${missing}: ${covered}`)
}

// ---- "public" (S3 User Guide, Block Public Access, "The meaning of public") -----------------------

/** Condition operators that pin a key to the listed values (negated, IfExists and Null ones do not). */
const PINNING_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress'])

/**
 * The condition keys S3 accepts as limiting who can use a grant, when set to fixed values
 * (no wildcard, no policy variable). The principal keys are S3's "An AWS principal, user, role or
 * service principal (e.g. aws:PrincipalOrgID)".
 */
const PINNING_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn'
])

/**
 * "Bucket policies that grant access conditioned on the aws:SourceIp condition key with very broad
 * IP ranges (for example, 0.0.0.0/1) are evaluated as public. This includes values broader than /8
 * for IPv4 and /32 for IPv6 (excluding RFC1918 private ranges)." A /8 is not broader than /8. The
 * RFC 1918 exclusion cannot change an IPv4 answer under that reading (10.0.0.0/8 is the broadest).
 */
function isNarrowSourceIp(v: string): boolean {
  const c = parseCidr(v)
  if (!c || !isFixedValue(v)) return false
  return c.family === 4 ? c.prefix >= 8 : c.prefix >= 32
}

function pinsValue(keyLower: string, v: string): boolean {
  if (keyLower === 'aws:sourceip') return isNarrowSourceIp(v)
  // "aws:userid, outside the pattern AROLEID:*": a role's unique id with any session name is fixed
  if (keyLower === 'aws:userid') return isFixedValue(v) || /^AROA[0-9A-Z]+:\*$/.test(v)
  // "this value can contain a wildcard for the access point name … as long as the account id is fixed"
  if (keyLower === 's3:dataaccesspointarn') {
    const m = /^(arn:[^:]+:s3:[^:]*:\d{12}:accesspoint\/)(.*)$/.exec(v)
    return isFixedValue(v) || (m !== null && isFixedValue(m[1]))
  }
  return isFixedValue(v)
}

/** Does this condition entry limit the caller the way S3 requires for a grant to be non-public? */
export function limitsCaller(c: ConditionEntry): boolean {
  return pinsCaller(c, NO_KEYS)
}

const NO_KEYS: ReadonlySet<string> = new Set()

function pinsCaller(c: ConditionEntry, extraKeys: ReadonlySet<string>): boolean {
  if (c.ifExists || c.set === 'ForAllValues') return false
  if (!PINNING_OPERATORS.has(c.base) || !(PINNING_KEYS.has(c.keyLower) || extraKeys.has(c.keyLower))) return false
  if ((c.base === 'IpAddress') !== (c.keyLower === 'aws:sourceip')) return false
  return c.values.every((v) => pinsValue(c.keyLower, v))
}

/** Why a principal is open to the public, or null when it names fixed principals only. */
function publicPrincipal(s: PolicyStatement): string | null {
  if (s.notPrincipal) return `NotPrincipal (${describePrincipal(s.notPrincipal)}) grants to everyone else`
  const p = s.principal!
  if (p === '*') return 'Principal "*"'
  for (const [kind, values] of Object.entries(p)) {
    for (const v of values) {
      if (!isFixedValue(v)) return `Principal ${kind} "${v}"`
      // A web identity provider (graph.facebook.com, accounts.google.com, cognito-identity…) lets
      // anyone with an account there in: S3's own example of a public policy. A SAML/OIDC provider
      // ARN names one identity provider of one account.
      if (kind === 'Federated' && !v.startsWith('arn:')) return `Principal Federated "${v}" (anyone with an identity there)`
    }
  }
  return null
}

export interface PublicGrant {
  statement: string
  why: string
  /** 0-based position in the Statement array, and its Sid: what a fix removes */
  index: number
  sid: string | null
}

/**
 * The Allow statements that make a bucket policy public under S3's definition: a grant to a
 * non-fixed principal with no condition entry that pins the caller to fixed values.
 *
 * Deny statements are not credited. S3's definition speaks of what a policy grants, and a Deny that
 * fences a public Allow is not listed among the things that make it non-public; treating it as
 * public may call public what S3 would not, never the reverse.
 *
 * Compared with peers: Prowler's `is_policy_public` also looks only at Allow statements and at a
 * fixed list of restricting condition keys, but accepts any value — a wildcard `aws:SourceVpc`
 * ("vpc-*") or a 0.0.0.0/1 `aws:SourceIp`, both public per S3, pass there.
 */
export function publicGrants(statements: readonly PolicyStatement[], extraPinningKeys: ReadonlySet<string> = NO_KEYS): PublicGrant[] {
  const out: PublicGrant[] = []
  for (const s of statements) {
    if (s.effect !== 'Allow') continue
    const who = publicPrincipal(s)
    if (!who) continue
    if (s.conditions.some((c) => pinsCaller(c, extraPinningKeys))) continue
    const conds = s.conditions.map((c) => `${c.operator} ${c.key}`)
    const what = s.action ? s.action.join(', ') : `every action but ${s.notAction!.join(', ')}`
    out.push({
      statement: label(s),
      why: `${label(s)} allows ${what} to ${who}${conds.length ? ` under conditions that do not limit the caller (${conds.join(', ')})` : ' with no condition'}`,
      index: s.index,
      sid: s.sid
    })
  }
  return out
}

/**
 * One API request as a policy sees it: the IAM action, the resource ARN it acts on, and its request
 * context (condition keys, case-insensitive; a list for a multivalued key).
 */
export interface PolicyRequest {
  action: string
  resource: string
  /** the caller, for statements that name a Principal (RCPs, bucket policies): an ARN or account */
  principal?: string
  context: Record<string, string | string[]>
}

const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress'])

function contextValue(req: PolicyRequest, keyLower: string): string[] | null {
  for (const [k, v] of Object.entries(req.context)) if (k.toLowerCase() === keyLower) return Array.isArray(v) ? v : [v]
  return null
}

/** Does one request value match one policy value under a (non-negated form of the) operator? */
function valueMatches(base: string, policy: string, value: string): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policy === value
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return policy.toLowerCase() === value.toLowerCase()
    case 'StringLike':
    case 'StringNotLike':
      return globMatch(policy, value)
    // ARNs: the wildcards of StringLike, per the six colon-separated parts (IAM User Guide)
    case 'ArnEquals':
    case 'ArnNotEquals':
    case 'ArnLike':
    case 'ArnNotLike': {
      const p = policy.split(':')
      const v = value.split(':')
      if (p.length < 6 || v.length < 6) return false
      const head = (a: string[]) => [...a.slice(0, 5), a.slice(5).join(':')]
      const [hp, hv] = [head(p), head(v)]
      return hp.every((x, i) => globMatch(x, hv[i]))
    }
    case 'Bool':
      return policy.toLowerCase() === value.toLowerCase()
    case 'NumericEquals':
    case 'NumericNotEquals':
      return Number(value) === Number(policy)
    case 'NumericLessThan':
      return Number(value) < Number(policy)
    case 'NumericLessThanEquals':
      return Number(value) <= Number(policy)
    case 'NumericGreaterThan':
      return Number(value) > Number(policy)
    case 'NumericGreaterThanEquals':
      return Number(value) >= Number(policy)
    case 'IpAddress':
    case 'NotIpAddress': {
      const net = parseCidr(policy.includes('/') ? policy : `${policy}/32`)
      const ip = parseCidr(`${value}/32`)
      return net !== null && ip !== null && ip.family === net.family && ip.start >= net.start && ip.start <= net.end
    }
    default:
      throw new Error(`condition operator ${base} is not evaluated here`)
  }
}

/** One condition entry against the request (IAM User Guide, "Condition operators", "…IfExists", multivalued keys). */
export function conditionHolds(c: ConditionEntry, req: PolicyRequest): boolean {
  const values = contextValue(req, c.keyLower)
  if (c.base === 'Null') {
    const wantAbsent = c.values.some((v) => v.toLowerCase() === 'true')
    return wantAbsent ? values === null : values !== null
  }
  const negated = NEGATED.has(c.base)
  if (values === null) {
    // an absent key: …IfExists holds; ForAllValues holds (an empty set); ForAnyValue does not;
    // a negated operator holds (nothing matched), any other does not
    if (c.ifExists) return true
    if (c.set === 'ForAllValues') return true
    if (c.set === 'ForAnyValue') return false
    return negated
  }
  const one = (v: string): boolean => {
    const any = c.values.some((p) => valueMatches(c.base, p, v))
    return negated ? !any : any
  }
  if (c.set === 'ForAllValues') return values.every(one)
  if (c.set === 'ForAnyValue') return values.some(one)
  return values.length === 1 ? one(values[0]) : values.some(one)
}

function principalMatches(p: Principal, who: string | undefined): boolean {
  if (p === '*') return true
  if (!who) return false
  return Object.values(p).some((list) => list.some((x) => x === '*' || globMatch(x, who) || (/^\d{12}$/.test(x) && who.includes(`:${x}:`))))
}

/** Does the statement apply to the request: its principal, action, resource and every condition? */
export function statementApplies(s: PolicyStatement, req: PolicyRequest): boolean {
  if (s.principal && !principalMatches(s.principal, req.principal)) return false
  if (s.notPrincipal && principalMatches(s.notPrincipal, req.principal)) return false
  const action = s.action ? s.action.some((a) => globMatch(a, req.action, true)) : !s.notAction!.some((a) => globMatch(a, req.action, true))
  if (!action) return false
  const resource = s.resource ? s.resource.some((r) => globMatch(r, req.resource)) : s.notResource ? !s.notResource.some((r) => globMatch(r, req.resource)) : true
  if (!resource) return false
  return s.conditions.every((c) => conditionHolds(c, req))
}

/**
 * What a guardrail policy (SCP or RCP: Deny statements over an implicit allow) does to a request:
 * denied by the first Deny statement that applies, or not denied.
 */
export function denyingStatement(statements: readonly PolicyStatement[], req: PolicyRequest): PolicyStatement | null {
  return statements.find((s) => s.effect === 'Deny' && statementApplies(s, req)) ?? null
}

// ---- resource policies of other services (Lambda, SQS, SNS, KMS) ---------------------------------
//
// A function, queue, topic or key policy is public in the sense of Security Hub Lambda.1, SQS.3,
// SNS.4 and KMS.5 (and Prowler's *_not_publicly_accessible checks) when an Allow statement grants to
// "*" / {"AWS": "*"} (or another non-fixed principal) with no condition that pins the caller. The
// S3 rules above decide it, with the keys these services add for pinning the caller: the
// organization ones (aws:SourceOrgID, aws:SourceOrgPaths, aws:PrincipalOrgPaths) and KMS's
// kms:CallerAccount (the AWS managed keys' own pattern: "*" with kms:CallerAccount and kms:ViaService).

const SERVICE_PINNING_KEYS: Record<'lambda' | 'sqs' | 'sns' | 'kms' | 'opensearch', ReadonlySet<string>> = {
  lambda: new Set(['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalorgpaths']),
  sqs: new Set(['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalorgpaths']),
  sns: new Set(['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalorgpaths']),
  kms: new Set(['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalorgpaths', 'kms:calleraccount']),
  // an OpenSearch domain's access policy (Prowler opensearch_service_domains_not_publicly_accessible):
  // its usual restriction is aws:SourceIp (an IP-based policy), which the S3 rules already read
  opensearch: new Set(['aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalorgpaths'])
}

export type PolicyService = keyof typeof SERVICE_PINNING_KEYS

/** A resource policy as read: its statements and the ones that grant to anyone; `error` when it cannot be read. */
export type ResourcePolicyReading = { ok: true; statements: PolicyStatement[]; public: PublicGrant[] } | { ok: false; error: string }

export function readResourcePolicy(service: PolicyService, text: string): ResourcePolicyReading {
  const parsed = parsePolicy(text)
  if (!parsed.ok) return parsed
  return { ok: true, statements: parsed.statements, public: publicGrants(parsed.statements, SERVICE_PINNING_KEYS[service]) }
}

/**
 * The policy document with the statements at `indexes` taken out, everything else (Version, Id,
 * the other statements, byte for byte as JSON values) kept: what a fix puts in place. Null when no
 * statement would remain (the service's "no policy" then: SQS/SNS take an empty Policy attribute,
 * Lambda's last RemovePermission deletes the policy).
 */
export function policyWithout(text: string, indexes: readonly number[]): string | null {
  const parsed = parseJson(text)
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) throw new Error('policyWithout: not a policy document')
  const doc = parsed.value as Record<string, unknown>
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  const drop = new Set(indexes)
  const kept = list.filter((_, i) => !drop.has(i))
  if (!kept.length) return null
  return JSON.stringify({ ...doc, Statement: kept })
}

/** A caller seen using a resource, as the activity logs name it. */
export interface SeenCaller {
  /** an IAM ARN, a service principal (s3.amazonaws.com), an account id, or "anonymous" */
  principal: string
  /** the caller's account; null for a service or anonymous caller */
  account: string | null
  kind: 'account' | 'other-account' | 'service' | 'anonymous'
}

/**
 * Would `remaining` (the statements a fix leaves) still let this caller do `action` on `resource`?
 * - `kept`: an Allow statement names the caller (its ARN, its account, its service) for the action
 *   and resource with no condition;
 * - `unknown`: only statements with conditions name it (the logs do not hold the request's
 *   condition keys, e.g. aws:SourceArn), so whether they hold cannot be told;
 * - `cut`: no remaining statement names it. A caller of the resource's own account may still be
 *   allowed by its identity policies (same-account access needs either policy), which the caller
 *   of this function must say; a caller of another account, a service or anonymous is cut off.
 */
export function callerAfterFix(
  remaining: readonly PolicyStatement[],
  caller: SeenCaller,
  action: string,
  resource: string
): { answer: 'kept' | 'unknown' | 'cut'; statement: PolicyStatement | null } {
  if (caller.kind === 'anonymous') {
    const s = remaining.find((s) => s.effect === 'Allow' && s.principal !== null && isEveryone(s.principal) && actionAndResource(s, action, resource))
    return s ? { answer: s.conditions.length ? 'unknown' : 'kept', statement: s } : { answer: 'cut', statement: null }
  }
  const names = (s: PolicyStatement): boolean => {
    if (s.effect !== 'Allow' || s.principal === null) return false
    if (principalMatches(s.principal, caller.principal)) return true
    // {"AWS": "123456789012"} or its root ARN name every principal of that account
    if (caller.account && s.principal !== '*') return (s.principal.AWS ?? []).some((x) => x === caller.account || x === `arn:aws:iam::${caller.account}:root`)
    return false
  }
  const candidates = remaining.filter((s) => names(s) && actionAndResource(s, action, resource))
  // the conditions the logs let us judge: an IAM principal calling directly carries its own account
  // and ARN, and none of the keys a service sets when it calls on behalf of a resource
  const known = knownContext(caller)
  let unsure: PolicyStatement | null = null
  for (const s of candidates) {
    if (!s.conditions.length) return { answer: 'kept', statement: s }
    if (!known || !s.conditions.every((c) => known.keys.has(c.keyLower))) {
      unsure ??= s
      continue
    }
    if (s.conditions.every((c) => conditionHolds(c, known.request))) return { answer: 'kept', statement: s }
  }
  if (unsure) return { answer: 'unknown', statement: unsure }
  return { answer: 'cut', statement: null }
}

/** Keys set only when an AWS service calls on behalf of a resource: absent from an IAM principal's own call. */
const SOURCE_KEYS = ['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceowner']

function knownContext(caller: SeenCaller): { keys: Set<string>; request: PolicyRequest } | null {
  if ((caller.kind !== 'account' && caller.kind !== 'other-account') || !caller.account) return null
  const context: Record<string, string> = { 'aws:PrincipalAccount': caller.account, 'kms:CallerAccount': caller.account }
  if (caller.principal.startsWith('arn:')) context['aws:PrincipalArn'] = caller.principal
  return { keys: new Set([...Object.keys(context).map((k) => k.toLowerCase()), ...SOURCE_KEYS]), request: { action: '', resource: '', context } }
}

function actionAndResource(s: PolicyStatement, action: string, resource: string): boolean {
  const a = s.action ? s.action.some((x) => globMatch(x, action, true)) : !s.notAction!.some((x) => globMatch(x, action, true))
  if (!a) return false
  return s.resource ? s.resource.some((r) => globMatch(r, resource)) : s.notResource ? !s.notResource.some((r) => globMatch(r, resource)) : true
}
