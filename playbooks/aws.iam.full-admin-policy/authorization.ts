// What the steps and the fix of aws.iam.full-admin-policy share: the account's
// iam-authorization.json (the latest bundle's), the policy a finding names, and whether its default
// version grants every action on every resource.
import { parseJson } from '../../main/semantics/json-text'
import { defaultVersion, fullAdminStatements, IamAuthorization, policyDocument, type IamPolicyDetail } from '../../main/semantics/inventory-iam'
import type { EvidenceFileSummary } from '../../shared/evidence'

export const KIND = 'aws.inventory.iam-authorization'

export type Loaded = { ok: true; auth: IamAuthorization; file: string } | { ok: false; why: string }

/** The account's authorization details from the latest bundle that holds them. */
export function loadAuthorization(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, account: string): Loaded {
  const mine = files.filter((f) => f.kind === KIND && f.path === `aws/${account}/inventory/iam-authorization.json`).sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))
  const f = mine[0]
  if (!f) return { ok: false, why: `no inventory/iam-authorization.json of account ${account} is in evidence (GetAccountAuthorizationDetails): who holds the policy is unknown` }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again` }
  const j = parseJson(b.toString('utf8'))
  if (!j.ok) return { ok: false, why: `${f.path}: ${j.error}` }
  const r = IamAuthorization.safeParse(j.value)
  if (!r.success) return { ok: false, why: `${f.path}: not GetAccountAuthorizationDetails output (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})` }
  return { ok: true, auth: r.data, file: f.id }
}

export const accountOfArn = (arn: string): string | null => /^arn:[^:]+:iam::(\d{12}):policy\//.exec(arn)?.[1] ?? null

export type AdminState = { state: 'admin'; sids: string[]; version: string } | { state: 'not-admin'; version: string } | { state: 'unknown'; why: string }

/** Whether the policy's default version grants every action on every resource (unconditionally). */
export function adminState(p: IamPolicyDetail): AdminState {
  const v = defaultVersion(p)
  if (!v) return { state: 'unknown', why: `the default version ${p.DefaultVersionId} of ${p.PolicyName} is not in its PolicyVersionList` }
  const doc = policyDocument(v.Document)
  if (!doc.ok) return { state: 'unknown', why: `version ${v.VersionId} of ${p.PolicyName}: ${doc.error}` }
  const admin = fullAdminStatements(doc.statements)
  if (admin.length) return { state: 'admin', sids: admin.map((s) => s.sid ?? `Statement[${s.index}]`), version: v.VersionId }
  return { state: 'not-admin', version: v.VersionId }
}
