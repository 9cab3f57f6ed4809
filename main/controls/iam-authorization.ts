// What the IAM controls read from an account's inventory/iam-authorization.json (GetAccountAuthorizationDetails,
// main/semantics/inventory-iam.ts): the latest bundle's file of the account, parsed, for steps (through the
// evidence view) and fixes (through the case's evidence) alike. A missing, unreadable or malformed file is a
// sentence saying so, never an empty account: "nobody holds it" needs the file.
import { parseJson } from '../semantics/json-text'
import { IamAuthorization } from '../semantics/inventory-iam'
import type { EvidenceFileSummary } from '../../shared/evidence'

export const IAM_AUTHORIZATION_KIND = 'aws.inventory.iam-authorization'

export type LoadedAuthorization = { ok: true; auth: IamAuthorization; file: string } | { ok: false; why: string }

/** The account's authorization details from the latest bundle that holds them; `unknown` names what their absence leaves unknown. */
export function loadAuthorization(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, account: string, unknown: string): LoadedAuthorization {
  const mine = files
    .filter((f) => f.kind === IAM_AUTHORIZATION_KIND && f.path === `aws/${account}/inventory/iam-authorization.json`)
    .sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))
  const f = mine[0]
  if (!f) return { ok: false, why: `no inventory/iam-authorization.json of account ${account} is in evidence (GetAccountAuthorizationDetails): ${unknown} is unknown` }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again` }
  const j = parseJson(b.toString('utf8'))
  if (!j.ok) return { ok: false, why: `${f.path}: ${j.error}` }
  const r = IamAuthorization.safeParse(j.value)
  if (!r.success) return { ok: false, why: `${f.path}: not GetAccountAuthorizationDetails output (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})` }
  return { ok: true, auth: r.data, file: f.id }
}
