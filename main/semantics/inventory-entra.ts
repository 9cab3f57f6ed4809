// Microsoft Entra ID (Graph) and Azure RBAC files added to the bundle format for the guest-user
// controls (docs/evidence-bundle.md, *added*): who a user is (users.json), which directory roles it
// holds (directory-role-assignments.json), which Azure roles on which scopes (role-assignments.json),
// and what it did (sign-ins.json, directory-audits.json). Each file is read as Microsoft Graph or ARM
// returns it (`az rest --method get --url …`: `{"value":[…]}`, pages merged) or as the Azure CLI
// prints it (a bare array). A tolerant reader: what a file says is kept, a file that cannot be what it
// claims is refused with its place; what a file does not say stays null (unknown), never "none".
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { bool, obj, requireArray, str, type Json } from './cloud-output'
import { dayOf, parseTime } from './time'

/** A user as users.json lists it (Graph user: id, userPrincipalName, userType, externalUserState, accountEnabled, signInActivity). */
export interface EntraUser {
  id: string
  userPrincipalName: string | null
  displayName: string | null
  /** "Guest" or "Member"; null when the listing did not select it */
  userType: string | null
  /** PendingAcceptance or Accepted (guests); null when not said */
  externalUserState: string | null
  accountEnabled: boolean | null
  createdDateTime: string | null
  /** signInActivity (Entra ID P1/P2 only): the last interactive and non-interactive sign-ins; null when the listing has no signInActivity */
  signInActivity: { lastSignIn: string | null; lastNonInteractiveSignIn: string | null } | null
}

/** A directory (Entra) role assignment: GET /roleManagement/directory/roleAssignments?$expand=roleDefinition (and principal). */
export interface DirectoryRoleAssignment {
  id: string
  principalId: string
  roleDefinitionId: string
  /** roleDefinition.displayName when expanded */
  role: string | null
  /** roleDefinition.isPrivileged when the definition says it */
  privileged: boolean | null
  directoryScopeId: string
}

/** An Azure RBAC role assignment (ARM Microsoft.Authorization/roleAssignments, or `az role assignment list`). */
export interface AzureRoleAssignment {
  id: string
  principalId: string
  principalType: string | null
  roleDefinitionId: string
  /** roleDefinitionName (Azure CLI) when given */
  role: string | null
  scope: string
}

/** What one user did, read from the sign-in and directory audit logs. */
export interface EntraActivity {
  signIns: number
  /** sign-ins that succeeded (status.errorCode 0) */
  signInsOk: number
  lastSignIn: number | null
  apps: string[]
  operations: number
  lastOperation: number | null
  /** activityDisplayName → count, for the operations the user initiated */
  operationNames: Record<string, number>
}

/** A Graph list as returned (`{"value":[…]}`) or as the Azure CLI prints it (a bare array), with the place of each item. */
export function list(doc: unknown, file: string): Array<[Json, string]> {
  const items = requireArray(doc, file, 'value')
  const base = Array.isArray(doc) ? '' : 'value'
  return items.map((x, i) => {
    const place = base ? `${base}[${i}]` : `[${i}]`
    const o = obj(x)
    if (!o) throw new BadEvidence(file, place, 'not an object')
    return [o, place]
  })
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function requireId(o: Json, key: string, file: string, place: string, what: string): string {
  const v = str(o[key])
  if (!v || !GUID.test(v)) throw new BadEvidence(file, `${place}.${key}`, v ? `"${v}" is not ${what}` : `a ${what.replace(/^an? /, '')} is required`)
  return v.toLowerCase()
}

function time(o: Json, key: string, file: string, place: string): string | null {
  const v = str(o[key])
  if (v === null) return null
  if (!Number.isFinite(parseTime(v))) throw new BadEvidence(file, `${place}.${key}`, `"${v}" is not a time`)
  return v
}

/** users.json: GET /v1.0/users?$select=id,userPrincipalName,userType,externalUserState,accountEnabled,createdDateTime,signInActivity */
export function parseEntraUsers(doc: unknown, file: string): EntraUser[] {
  return list(doc, file).map(([u, place]) => {
    const s = obj(u.signInActivity)
    return {
      id: requireId(u, 'id', file, place, 'a user object id'),
      userPrincipalName: str(u.userPrincipalName),
      displayName: str(u.displayName),
      userType: str(u.userType),
      externalUserState: str(u.externalUserState),
      accountEnabled: bool(u.accountEnabled),
      createdDateTime: time(u, 'createdDateTime', file, place),
      signInActivity: s
        ? {
            lastSignIn: time(s, 'lastSignInDateTime', file, `${place}.signInActivity`),
            lastNonInteractiveSignIn: time(s, 'lastNonInteractiveSignInDateTime', file, `${place}.signInActivity`)
          }
        : null
    }
  })
}

/** directory-role-assignments.json: GET /v1.0/roleManagement/directory/roleAssignments?$expand=roleDefinition */
export function parseDirectoryRoleAssignments(doc: unknown, file: string): DirectoryRoleAssignment[] {
  return list(doc, file).map(([a, place]) => {
    const d = obj(a.roleDefinition)
    const id = str(a.id)
    if (!id) throw new BadEvidence(file, `${place}.id`, 'a role assignment id is required')
    const scope = str(a.directoryScopeId)
    if (!scope) throw new BadEvidence(file, `${place}.directoryScopeId`, 'the assignment has no directoryScopeId')
    return {
      id,
      principalId: requireId(a, 'principalId', file, place, 'a principal object id'),
      roleDefinitionId: requireId(a, 'roleDefinitionId', file, place, 'a role definition id'),
      role: d ? str(d.displayName) : null,
      privileged: d ? bool(d.isPrivileged) : null,
      directoryScopeId: scope
    }
  })
}

const ROLE_ASSIGNMENT_ID = /^(\/.*)?\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/i
const ROLE_DEFINITION_ID = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i

/** role-assignments.json: ARM GET /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments (properties nested), or `az role assignment list --all` (flattened). */
export function parseAzureRoleAssignments(doc: unknown, file: string): AzureRoleAssignment[] {
  return list(doc, file).map(([a, place]) => {
    const p = obj(a.properties) ?? a
    const pp = obj(a.properties) ? `${place}.properties` : place
    const id = str(a.id)
    if (!id || !ROLE_ASSIGNMENT_ID.test(id)) throw new BadEvidence(file, `${place}.id`, id ? `"${id}" is not a role assignment id` : 'a role assignment id is required')
    const def = str(p.roleDefinitionId)
    if (!def || !ROLE_DEFINITION_ID.test(def))
      throw new BadEvidence(file, `${pp}.roleDefinitionId`, def ? `"${def}" is not a role definition id` : 'a role definition id is required')
    const scope = str(p.scope)
    if (!scope || !scope.startsWith('/')) throw new BadEvidence(file, `${pp}.scope`, 'the assignment has no scope')
    return {
      id,
      principalId: requireId(p, 'principalId', file, pp, 'a principal object id'),
      principalType: str(p.principalType),
      roleDefinitionId: def,
      role: str(a.roleDefinitionName) ?? str(p.roleDefinitionName),
      scope
    }
  })
}

/** The days (epoch days) a log file holds records for, and each user's activity in it. */
export interface EntraLogScan {
  days: Set<number>
  byUser: Map<string, EntraActivity>
}

export const emptyEntraLogScan = (): EntraLogScan => ({ days: new Set(), byUser: new Map() })

/** Two scans as one (the second's records added to the first's; null: none yet). */
export function mergeEntraLogScans(a: EntraLogScan | null, b: EntraLogScan): EntraLogScan {
  if (!a) return b
  for (const d of b.days) a.days.add(d)
  for (const [user, x] of b.byUser) {
    const y = activityOf(a, user)
    y.signIns += x.signIns
    y.signInsOk += x.signInsOk
    y.lastSignIn = x.lastSignIn === null ? y.lastSignIn : Math.max(y.lastSignIn ?? x.lastSignIn, x.lastSignIn)
    for (const app of x.apps) if (!y.apps.includes(app) && y.apps.length < 20) y.apps.push(app)
    y.operations += x.operations
    y.lastOperation = x.lastOperation === null ? y.lastOperation : Math.max(y.lastOperation ?? x.lastOperation, x.lastOperation)
    for (const [k, n] of Object.entries(x.operationNames)) y.operationNames[k] = (y.operationNames[k] ?? 0) + n
  }
  return a
}

function activityOf(scan: EntraLogScan, user: string): EntraActivity {
  let a = scan.byUser.get(user)
  if (!a) scan.byUser.set(user, (a = { signIns: 0, signInsOk: 0, lastSignIn: null, apps: [], operations: 0, lastOperation: null, operationNames: {} }))
  return a
}

export function recordTime(o: Json, key: string, file: string, place: string): number {
  const v = str(o[key])
  const t = v === null ? NaN : parseTime(v)
  if (!Number.isFinite(t)) throw new BadEvidence(file, `${place}.${key}`, v === null ? 'the record has no time' : `"${v}" is not a time`)
  return t
}

/** sign-ins.json: GET /v1.0/auditLogs/signIns (userId, createdDateTime, status.errorCode, appDisplayName), or the beta list with signInEventTypes. */
export function readSignIns(scan: EntraLogScan, doc: unknown, file: string): number {
  const items = list(doc, file)
  for (const [r, place] of items) {
    const t = recordTime(r, 'createdDateTime', file, place)
    scan.days.add(dayOf(t))
    const user = str(r.userId)
    if (!user) continue // a service principal's sign-in
    const a = activityOf(scan, user.toLowerCase())
    a.signIns++
    const code = obj(r.status)?.errorCode
    if (code === 0 || code === '0') a.signInsOk++
    if (a.lastSignIn === null || t > a.lastSignIn) a.lastSignIn = t
    const app = str(r.appDisplayName)
    if (app && !a.apps.includes(app) && a.apps.length < 20) a.apps.push(app)
  }
  return items.length
}

/** directory-audits.json: GET /v1.0/auditLogs/directoryAudits (activityDateTime, activityDisplayName, initiatedBy.user.id). */
export function readDirectoryAudits(scan: EntraLogScan, doc: unknown, file: string): number {
  const items = list(doc, file)
  for (const [r, place] of items) {
    const t = recordTime(r, 'activityDateTime', file, place)
    scan.days.add(dayOf(t))
    const user = str(obj(obj(r.initiatedBy)?.user)?.id)
    if (!user) continue // initiated by an app or the system
    const a = activityOf(scan, user.toLowerCase())
    a.operations++
    if (a.lastOperation === null || t > a.lastOperation) a.lastOperation = t
    const name = str(r.activityDisplayName) ?? '(unnamed operation)'
    a.operationNames[name] = (a.operationNames[name] ?? 0) + 1
  }
  return items.length
}

/** Everything the Entra files say about one user (the `azure.entra.user` facet); null: that file is not in the bundle. */
export interface EntraUserFacts {
  user: EntraUser | null
  directoryRoles: DirectoryRoleAssignment[] | null
  azureRoles: AzureRoleAssignment[] | null
  /** the user's sign-ins and operations; null when the log is not in the bundle */
  signIns: Pick<EntraActivity, 'signIns' | 'signInsOk' | 'lastSignIn' | 'apps'> | null
  operations: Pick<EntraActivity, 'operations' | 'lastOperation' | 'operationNames'> | null
  /** the epoch days each log holds records for (the whole tenant's: a day with records is a day the log was delivered) */
  signInDays: number[]
  auditDays: number[]
}

export interface EntraDocuments {
  users: EntraUser[] | null
  directoryRoles: DirectoryRoleAssignment[] | null
  azureRoles: AzureRoleAssignment[] | null
  signIns: EntraLogScan | null
  audits: EntraLogScan | null
}

/**
 * One facts record per user the files name: every user of users.json and every principal holding a
 * directory or Azure role (its user record null when users.json does not list it). A file absent
 * stays null for every user; a file present lists a user's roles and activity, none being "none".
 */
export function entraUserFacts(d: EntraDocuments): Map<string, EntraUserFacts> {
  const ids = new Set<string>([...(d.users ?? []).map((u) => u.id), ...(d.directoryRoles ?? []).map((r) => r.principalId), ...(d.azureRoles ?? []).map((r) => r.principalId)])
  const out = new Map<string, EntraUserFacts>()
  const sortedDays = (s: EntraLogScan | null): number[] => (s ? [...s.days].sort((a, b) => a - b) : [])
  for (const id of [...ids].sort()) {
    const s = d.signIns?.byUser.get(id)
    const o = d.audits?.byUser.get(id)
    out.set(id, {
      user: d.users?.find((u) => u.id === id) ?? null,
      directoryRoles: d.directoryRoles ? d.directoryRoles.filter((r) => r.principalId === id) : null,
      azureRoles: d.azureRoles ? d.azureRoles.filter((r) => r.principalId === id) : null,
      signIns: d.signIns ? { signIns: s?.signIns ?? 0, signInsOk: s?.signInsOk ?? 0, lastSignIn: s?.lastSignIn ?? null, apps: s?.apps ?? [] } : null,
      operations: d.audits ? { operations: o?.operations ?? 0, lastOperation: o?.lastOperation ?? null, operationNames: o?.operationNames ?? {} } : null,
      signInDays: sortedDays(d.signIns),
      auditDays: sortedDays(d.audits)
    })
  }
  return out
}

const s = z.string().nullable()
/** The `azure.entra.user` facet as stored (the shape of EntraUserFacts). */
export const EntraUserFacet = z.strictObject({
  user: z
    .strictObject({
      id: z.string(),
      userPrincipalName: s,
      displayName: s,
      userType: s,
      externalUserState: s,
      accountEnabled: z.boolean().nullable(),
      createdDateTime: s,
      signInActivity: z.strictObject({ lastSignIn: s, lastNonInteractiveSignIn: s }).nullable()
    })
    .nullable(),
  directoryRoles: z
    .array(z.strictObject({ id: z.string(), principalId: z.string(), roleDefinitionId: z.string(), role: s, privileged: z.boolean().nullable(), directoryScopeId: z.string() }))
    .nullable(),
  azureRoles: z.array(z.strictObject({ id: z.string(), principalId: z.string(), principalType: s, roleDefinitionId: z.string(), role: s, scope: z.string() })).nullable(),
  signIns: z.strictObject({ signIns: z.number(), signInsOk: z.number(), lastSignIn: z.number().nullable(), apps: z.array(z.string()) }).nullable(),
  operations: z.strictObject({ operations: z.number(), lastOperation: z.number().nullable(), operationNames: z.record(z.string(), z.number()) }).nullable(),
  signInDays: z.array(z.number()),
  auditDays: z.array(z.number())
}) satisfies z.ZodType<EntraUserFacts>

/** Built-in Azure roles by role definition GUID (the same in every subscription), for naming what an ARM list gives only as an id. */
export const BUILTIN_AZURE_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator'
}

/** An Azure role assignment's role name: the one the file gives, else a built-in's, else the definition GUID. */
export function azureRoleName(r: Pick<AzureRoleAssignment, 'role' | 'roleDefinitionId'>): string {
  const guid = (r.roleDefinitionId.split('/').pop() ?? '').toLowerCase()
  return r.role ?? BUILTIN_AZURE_ROLES[guid] ?? guid
}
