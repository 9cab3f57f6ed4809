// What the IAM controls read from an account's IAM inventory files, for steps (through the evidence view) and fixes
// (through the case's evidence) alike: inventory/iam-authorization.json (GetAccountAuthorizationDetails) and
// inventory/iam-virtual-mfa-devices.json (ListVirtualMFADevices), the latest bundle's file of the account, parsed
// (main/semantics/inventory-iam.ts). A missing, unreadable or malformed file is a sentence saying so, never an empty
// account: "nobody holds it" or "no virtual device" needs the file.
import type { z } from 'zod'
import { parseJson } from '../semantics/json-text'
import { IamAuthorization, IamVirtualMfaDevices } from '../semantics/inventory-iam'
import type { EvidenceFileSummary } from '../../shared/evidence'

export const IAM_AUTHORIZATION_KIND = 'aws.inventory.iam-authorization'
export const IAM_VIRTUAL_MFA_KIND = 'aws.inventory.iam-virtual-mfa-devices'

export type Loaded<T> = { ok: true; value: T; file: string } | { ok: false; why: string }
export type LoadedAuthorization = { ok: true; auth: IamAuthorization; file: string } | { ok: false; why: string }

function loadIamFile<S extends z.ZodType>(
  files: readonly EvidenceFileSummary[],
  bytes: (id: string) => Buffer | null,
  o: { account: string; kind: string; name: string; call: string; schema: S; unknown: string }
): Loaded<z.output<S>> {
  const path = `aws/${o.account}/inventory/${o.name}`
  const f = files.filter((x) => x.kind === o.kind && x.path === path).sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))[0]
  if (!f) return { ok: false, why: `no inventory/${o.name} of account ${o.account} is in evidence (${o.call}): ${o.unknown} is unknown` }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again` }
  const j = parseJson(b.toString('utf8'))
  if (!j.ok) return { ok: false, why: `${f.path}: ${j.error}` }
  const r = o.schema.safeParse(j.value)
  if (!r.success) return { ok: false, why: `${f.path}: not ${o.call} output (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})` }
  return { ok: true, value: r.data, file: f.id }
}

/** The account's authorization details from the latest bundle that holds them; `unknown` names what their absence leaves unknown. */
export function loadAuthorization(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, account: string, unknown: string): LoadedAuthorization {
  const l = loadIamFile(files, bytes, {
    account,
    kind: IAM_AUTHORIZATION_KIND,
    name: 'iam-authorization.json',
    call: 'GetAccountAuthorizationDetails',
    schema: IamAuthorization,
    unknown
  })
  return l.ok ? { ok: true, auth: l.value, file: l.file } : l
}

/** The account's virtual MFA devices from the latest bundle that holds them. */
export function loadVirtualMfaDevices(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, account: string, unknown: string): Loaded<IamVirtualMfaDevices> {
  return loadIamFile(files, bytes, {
    account,
    kind: IAM_VIRTUAL_MFA_KIND,
    name: 'iam-virtual-mfa-devices.json',
    call: 'ListVirtualMFADevices',
    schema: IamVirtualMfaDevices,
    unknown
  })
}
