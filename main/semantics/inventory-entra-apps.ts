// Microsoft Graph files added to the bundle format for the application escalation path
// (docs/evidence-bundle.md, *added*): the applications and service principals with their owners
// (entra/applications.json, entra/service-principals.json), the app role assignments the service
// principals hold (entra/app-role-assignments.json), the groups that are role-assignable or hold an
// Azure role (entra/groups.json, with owners and members) and the service principals' sign-ins
// (entra/service-principal-sign-ins.json). Read with the users, directory roles, Azure roles and the
// directory audit log (./inventory-entra.ts) into one `azure.entra.escalation` facet per principal:
// which application it can act as (it owns it, or holds a role that manages every application), what
// that application can do to a group with admin rights (a Graph app role that writes group
// membership, ownership of the group, a directory role), and what the audit and sign-in logs say about
// each edge. What a file does not say stays null (unknown), never "none".
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { arr, bool, obj, str, type Json } from './cloud-output'
import { azureRoleName, list, recordTime, requireId, type AzureRoleAssignment, type DirectoryRoleAssignment, type EntraUser } from './inventory-entra'
import { dayOf, iso, parseTime } from './time'

/** Microsoft Graph's application id (the same in every tenant); its service principal's object id differs per tenant. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'

/**
 * Microsoft Graph application permissions (app role ids, the same in every tenant: Microsoft's
 * "All permissions and IDs", microsoftgraph/microsoft-graph-docs concepts/includes/permissions-ids.md)
 * that let an application add members to a group. GroupMember/Group/Directory.ReadWrite.All reach
 * groups that are not role-assignable; adding members to a role-assignable group also needs
 * RoleManagement.ReadWrite.Directory (Graph "Add members", group-post-members).
 */
export const GROUP_WRITE_APP_ROLES: Readonly<Record<string, { name: string; roleAssignable: boolean }>> = {
  'dbaae8cf-10b5-4b86-a4a1-f871c94c6695': { name: 'GroupMember.ReadWrite.All', roleAssignable: false },
  '62a82d76-70ea-41e2-9197-370581804d09': { name: 'Group.ReadWrite.All', roleAssignable: false },
  '19dbc75e-c2e2-444c-a770-ec69d8559fc7': { name: 'Directory.ReadWrite.All', roleAssignable: false },
  '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8': { name: 'RoleManagement.ReadWrite.Directory', roleAssignable: true }
}

/** Application.ReadWrite.All (application permission): add credentials to any application or service principal. */
export const APPLICATION_READWRITE_ALL = '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9'

/** Directory roles (template ids) that manage every application's credentials. */
export const APP_ADMIN_ROLES: Readonly<Record<string, string>> = {
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator'
}

/** Directory roles (template ids) that add members to groups: any group, or only groups that are not role-assignable. */
export const GROUP_ADMIN_ROLES: Readonly<Record<string, { name: string; roleAssignable: boolean }>> = {
  '62e90394-69f5-4237-9190-012177145e10': { name: 'Global Administrator', roleAssignable: true },
  'e8611ab8-c189-46e8-94e1-60213ab1f814': { name: 'Privileged Role Administrator', roleAssignable: true },
  'fdd7a751-b60b-444a-984c-02652fe8fa1c': { name: 'Groups Administrator', roleAssignable: false },
  'fe930be7-5e62-47db-91af-98c3a49a38b1': { name: 'User Administrator', roleAssignable: false }
}

/** Azure roles (definition GUIDs) that make a group an admin group at a subscription or management group scope. */
export const ADMIN_AZURE_ROLES = new Set([
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', // Owner
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', // User Access Administrator
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168' // Role Based Access Control Administrator
])

/** A directory object as `$expand=owners` or `/members` lists it. */
export interface EntraRef {
  id: string
  /** user, servicePrincipal, group… (from @odata.type); null when not said */
  type: string | null
  name: string | null
}

export interface EntraApplication {
  /** the application object's id (what /applications/{id} takes) */
  id: string
  appId: string
  displayName: string | null
  /** null: the listing did not expand owners */
  owners: EntraRef[] | null
  credentials: number
}

export interface EntraServicePrincipal {
  id: string
  appId: string
  displayName: string | null
  servicePrincipalType: string | null
  accountEnabled: boolean | null
  owners: EntraRef[] | null
  credentials: number
}

/** GET /servicePrincipals/{id}/appRoleAssignments: an app role the service principal (principalId) holds on a resource service principal (resourceId). */
export interface EntraAppRoleAssignment {
  id: string
  principalId: string
  resourceId: string
  appRoleId: string
  resourceDisplayName: string | null
  createdDateTime: string | null
}

export interface EntraGroup {
  id: string
  displayName: string | null
  isAssignableToRole: boolean | null
  owners: EntraRef[] | null
  members: EntraRef[] | null
}

function refs(o: Json, key: string, file: string, place: string): EntraRef[] | null {
  if (!(key in o) || o[key] === null) return null
  if (!Array.isArray(o[key])) throw new BadEvidence(file, `${place}.${key}`, 'not a list')
  return arr(o[key]).map((x, i) => {
    const r = obj(x)
    if (!r) throw new BadEvidence(file, `${place}.${key}[${i}]`, 'not an object')
    const t = str(r['@odata.type'])
    return {
      id: requireId(r, 'id', file, `${place}.${key}[${i}]`, 'a directory object id'),
      type: t ? t.replace(/^#microsoft\.graph\./, '') : null,
      name: str(r.userPrincipalName) ?? str(r.displayName)
    }
  })
}

const credentialCount = (o: Json): number => arr(o.passwordCredentials).length + arr(o.keyCredentials).length

/** applications.json: GET /v1.0/applications?$expand=owners */
export function parseEntraApplications(doc: unknown, file: string): EntraApplication[] {
  return list(doc, file).map(([a, place]) => ({
    id: requireId(a, 'id', file, place, 'an application object id'),
    appId: requireId(a, 'appId', file, place, 'an application (client) id'),
    displayName: str(a.displayName),
    owners: refs(a, 'owners', file, place),
    credentials: credentialCount(a)
  }))
}

/** service-principals.json: GET /v1.0/servicePrincipals?$expand=owners */
export function parseEntraServicePrincipals(doc: unknown, file: string): EntraServicePrincipal[] {
  return list(doc, file).map(([s, place]) => ({
    id: requireId(s, 'id', file, place, 'a service principal object id'),
    appId: requireId(s, 'appId', file, place, 'an application (client) id'),
    displayName: str(s.displayName),
    servicePrincipalType: str(s.servicePrincipalType),
    accountEnabled: bool(s.accountEnabled),
    owners: refs(s, 'owners', file, place),
    credentials: credentialCount(s)
  }))
}

/** app-role-assignments.json: GET /v1.0/servicePrincipals/{id}/appRoleAssignments of every service principal, merged */
export function parseEntraAppRoleAssignments(doc: unknown, file: string): EntraAppRoleAssignment[] {
  return list(doc, file).map(([a, place]) => {
    const id = str(a.id)
    if (!id) throw new BadEvidence(file, `${place}.id`, 'an app role assignment id is required')
    const created = str(a.createdDateTime)
    if (created !== null && !Number.isFinite(parseTime(created))) throw new BadEvidence(file, `${place}.createdDateTime`, `"${created}" is not a time`)
    return {
      id,
      principalId: requireId(a, 'principalId', file, place, 'a principal object id'),
      resourceId: requireId(a, 'resourceId', file, place, 'a resource service principal id'),
      appRoleId: requireId(a, 'appRoleId', file, place, 'an app role id'),
      resourceDisplayName: str(a.resourceDisplayName),
      createdDateTime: created
    }
  })
}

/** groups.json: GET /v1.0/groups?$filter=isAssignableToRole eq true&$expand=owners (and the groups holding Azure roles), each with its /members */
export function parseEntraGroups(doc: unknown, file: string): EntraGroup[] {
  return list(doc, file).map(([g, place]) => ({
    id: requireId(g, 'id', file, place, 'a group object id'),
    displayName: str(g.displayName),
    isAssignableToRole: bool(g.isAssignableToRole),
    owners: refs(g, 'owners', file, place),
    members: refs(g, 'members', file, place)
  }))
}

/** What the directory audit log says about credentials and group members, per actor. */
export interface EscalationAuditScan {
  days: Set<number>
  /** credential changes (Add service principal credentials, Update application – Certificates and secrets management…): actor id → records */
  credentialOps: Map<string, AuditOp[]>
  /** group membership changes (Add member to group, Remove member from group) initiated by an app: its service principal id → records */
  memberOps: Map<string, AuditOp[]>
}

export interface AuditOp {
  time: number
  activity: string
  /** the targets' object ids */
  targets: string[]
  targetNames: string[]
}

export const emptyEscalationAuditScan = (): EscalationAuditScan => ({ days: new Set(), credentialOps: new Map(), memberOps: new Map() })

/** Two scans as one (the second's records added to the first's; null: none yet). */
export function mergeEscalationAudits(a: EscalationAuditScan | null, b: EscalationAuditScan): EscalationAuditScan {
  if (!a) return b
  for (const x of b.days) a.days.add(x)
  for (const [into, from] of [
    [a.credentialOps, b.credentialOps],
    [a.memberOps, b.memberOps]
  ] as const)
    for (const [k, v] of from) into.set(k, [...(into.get(k) ?? []), ...v])
  return a
}

const CREDENTIAL_ACTIVITY = /credentials|certificates and secrets/i
const MEMBER_ACTIVITY = /^(add|remove) member (to|from) group$/i

/** directory-audits.json again (the same records ./inventory-entra.ts counts per user), for the operations on credentials and group members. */
export function readEscalationAudits(scan: EscalationAuditScan, doc: unknown, file: string): void {
  for (const [r, place] of list(doc, file)) {
    const t = recordTime(r, 'activityDateTime', file, place)
    scan.days.add(dayOf(t))
    const activity = str(r.activityDisplayName) ?? ''
    const credential = CREDENTIAL_ACTIVITY.test(activity)
    const member = MEMBER_ACTIVITY.test(activity.trim())
    if (!credential && !member) continue
    const by = obj(r.initiatedBy)
    const user = str(obj(by?.user)?.id)
    const app = str(obj(by?.app)?.servicePrincipalId)
    const targets = arr(r.targetResources).map(obj)
    const op: AuditOp = {
      time: t,
      activity: activity.trim(),
      targets: targets.map((x) => str(x?.id)?.toLowerCase() ?? '').filter(Boolean),
      targetNames: targets.map((x) => str(x?.displayName) ?? str(x?.userPrincipalName) ?? '').filter(Boolean)
    }
    const actor = (user ?? app)?.toLowerCase()
    if (!actor) continue
    const into = credential ? scan.credentialOps : app && !user ? scan.memberOps : null
    if (!into) continue
    const ops = into.get(actor) ?? []
    ops.push(op)
    into.set(actor, ops)
  }
}

/** The service principals' sign-ins (GET /beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal')), per service principal. */
export interface ServicePrincipalSignInScan {
  days: Set<number>
  bySp: Map<string, { signIns: number; last: number; resources: string[] }>
}

export const emptyServicePrincipalSignInScan = (): ServicePrincipalSignInScan => ({ days: new Set(), bySp: new Map() })

/** Two scans as one (null: none yet). */
export function mergeServicePrincipalSignIns(a: ServicePrincipalSignInScan | null, b: ServicePrincipalSignInScan): ServicePrincipalSignInScan {
  if (!a) return b
  for (const x of b.days) a.days.add(x)
  for (const [k, v] of b.bySp) {
    const y = a.bySp.get(k)
    a.bySp.set(k, y ? { signIns: y.signIns + v.signIns, last: Math.max(y.last, v.last), resources: [...new Set([...y.resources, ...v.resources])].slice(0, 10) } : v)
  }
  return a
}

/** service-principal-sign-ins.json */
export function readServicePrincipalSignIns(scan: ServicePrincipalSignInScan, doc: unknown, file: string): number {
  const items = list(doc, file)
  for (const [r, place] of items) {
    const t = recordTime(r, 'createdDateTime', file, place)
    scan.days.add(dayOf(t))
    const sp = str(r.servicePrincipalId)
    if (!sp) continue
    const code = obj(r.status)?.errorCode
    if (!(code === 0 || code === '0' || code === undefined)) continue // a failed sign-in holds no token
    const a = scan.bySp.get(sp.toLowerCase()) ?? { signIns: 0, last: t, resources: [] }
    a.signIns++
    a.last = Math.max(a.last, t)
    const res = str(r.resourceDisplayName)
    if (res && !a.resources.includes(res) && a.resources.length < 10) a.resources.push(res)
    scan.bySp.set(sp.toLowerCase(), a)
  }
  return items.length
}

/** The files read for the escalation facet; null: not in the bundle. */
export interface EscalationDocuments {
  users: EntraUser[] | null
  directoryRoles: DirectoryRoleAssignment[] | null
  azureRoles: AzureRoleAssignment[] | null
  applications: EntraApplication[] | null
  servicePrincipals: EntraServicePrincipal[] | null
  appRoleAssignments: EntraAppRoleAssignment[] | null
  groups: EntraGroup[] | null
  audits: EscalationAuditScan | null
  spSignIns: ServicePrincipalSignInScan | null
}

/** How the principal can act as the application. */
export interface ImpersonationEdge {
  kind: 'owns-application' | 'owns-service-principal' | 'directory-role' | 'app-role'
  /** the owned object (owner edges): its collection and id, for DELETE …/owners/{ownerId}/$ref */
  object: { collection: 'applications' | 'servicePrincipals'; id: string } | null
  /** what grants it, in words */
  grant: string
}

/** How the application can add members to the admin group. */
export interface GroupEdge {
  kind: 'app-role' | 'owns-group' | 'directory-role'
  /** the app role assignment (app-role edges), for DELETE /servicePrincipals/{id}/appRoleAssignments/{id} */
  assignment: { id: string; principalId: string; resourceId: string; appRoleId: string } | null
  grant: string
}

export interface EscalationPath {
  app: { servicePrincipalId: string; appId: string; applicationId: string | null; name: string | null }
  via: ImpersonationEdge
  reach: GroupEdge
  group: { id: string; name: string | null; roleAssignable: boolean | null; admin: string[] }
}

/** An audited operation as the facet keeps it: when, what, on what (names, and object ids). */
export interface LoggedOp {
  time: string
  activity: string
  target: string
  targets: string[]
}

export interface EscalationFacts {
  principal: { id: string; name: string | null; kind: 'user' | 'servicePrincipal' | null }
  /** every path from the principal to an admin group through an application (at most 50) */
  paths: EscalationPath[]
  /** the files a complete answer needs that the bundle does not hold */
  missing: string[]
  /** credential operations the principal initiated on the applications/service principals of its paths; null: no audit log */
  credentialOps: LoggedOp[] | null
  /** group member operations each path's application initiated (by its service principal id); null: no audit log */
  memberOps: Record<string, LoggedOp[]> | null
  /** each path application's sign-ins (by service principal id); null: no service principal sign-in log */
  spSignIns: Record<string, { signIns: number; last: string; resources: string[] }> | null
  /** the epoch days each log holds records for (the whole tenant's); kept only for a principal with a path (the steps read them for its edges), [] otherwise */
  auditDays: number[]
  spSignInDays: number[]
}

const REQUIRED: Array<[keyof EscalationDocuments, string]> = [
  ['applications', 'entra/applications.json'],
  ['servicePrincipals', 'entra/service-principals.json'],
  ['appRoleAssignments', 'entra/app-role-assignments.json'],
  ['groups', 'entra/groups.json'],
  ['directoryRoles', 'entra/directory-role-assignments.json'],
  ['azureRoles', 'role-assignments.json']
]

const roleGuid = (id: string): string => (id.split('/').pop() ?? '').toLowerCase()
const adminScope = (scope: string): boolean =>
  scope === '/' || /^\/subscriptions\/[^/]+$/i.test(scope) || /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(scope)

/** The escalation facts of every principal the files name (users, service principals, owners, role holders). Empty when none of the application files is in the bundle. */
export function escalationFacts(d: EscalationDocuments): Map<string, EscalationFacts> {
  const out = new Map<string, EscalationFacts>()
  if (!d.applications && !d.servicePrincipals && !d.appRoleAssignments && !d.groups) return out
  const missing = REQUIRED.filter(([k]) => d[k] === null).map(([, f]) => f)
  const sps = d.servicePrincipals ?? []
  const spById = new Map(sps.map((s) => [s.id, s]))
  const appByAppId = new Map((d.applications ?? []).map((a) => [a.appId, a]))
  const graphSp = new Set(sps.filter((s) => s.appId === MICROSOFT_GRAPH_APP_ID).map((s) => s.id))
  const isGraph = (a: EntraAppRoleAssignment): boolean => graphSp.has(a.resourceId) || (!d.servicePrincipals && a.resourceDisplayName === 'Microsoft Graph')
  const groupById = new Map((d.groups ?? []).map((g) => [g.id, g]))

  // admin groups: a group holding an admin Azure role at a subscription/management group scope, or a directory role
  const admin = new Map<string, string[]>()
  const addAdmin = (id: string, why: string): void => {
    const l = admin.get(id) ?? []
    if (!l.includes(why)) l.push(why)
    admin.set(id, l)
  }
  for (const r of d.azureRoles ?? [])
    if (ADMIN_AZURE_ROLES.has(roleGuid(r.roleDefinitionId)) && adminScope(r.scope) && (r.principalType === 'Group' || groupById.has(r.principalId)))
      addAdmin(r.principalId, `${azureRoleName(r)} on ${r.scope}`)
  for (const r of d.directoryRoles ?? []) if (groupById.has(r.principalId) && r.privileged !== false) addAdmin(r.principalId, `directory role ${r.role ?? r.roleDefinitionId}`)

  // what each service principal can do to each admin group (its app role assignments and directory roles, indexed once)
  const by = <T extends { principalId: string }>(l: T[] | null): Map<string, T[]> => {
    const m = new Map<string, T[]>()
    for (const x of l ?? []) {
      const k = m.get(x.principalId)
      if (k) k.push(x)
      else m.set(x.principalId, [x])
    }
    return m
  }
  const grantsOf = by(d.appRoleAssignments)
  const dirRolesOf = by(d.directoryRoles)
  const reachOf = (spId: string): Array<{ reach: GroupEdge; group: string }> => {
    const res: Array<{ reach: GroupEdge; group: string }> = []
    for (const [g] of admin) {
      const grp = groupById.get(g)
      const ra = grp?.isAssignableToRole ?? null
      for (const a of grantsOf.get(spId) ?? []) {
        const role = GROUP_WRITE_APP_ROLES[a.appRoleId]
        if (!role || !isGraph(a) || (ra === true && !role.roleAssignable)) continue
        res.push({
          reach: {
            kind: 'app-role',
            assignment: { id: a.id, principalId: a.principalId, resourceId: a.resourceId, appRoleId: a.appRoleId },
            grant: `Microsoft Graph application permission ${role.name} (app role assignment ${a.id})`
          },
          group: g
        })
      }
      if (grp?.owners?.some((o) => o.id === spId)) res.push({ reach: { kind: 'owns-group', assignment: null, grant: 'it owns the group' }, group: g })
      for (const r of dirRolesOf.get(spId) ?? []) {
        const role = GROUP_ADMIN_ROLES[r.roleDefinitionId]
        if (!role || r.directoryScopeId !== '/' || (ra === true && !role.roleAssignable)) continue
        res.push({ reach: { kind: 'directory-role', assignment: null, grant: `directory role ${role.name}` }, group: g })
      }
    }
    return res
  }
  const reaches = new Map<string, Array<{ reach: GroupEdge; group: string }>>()
  for (const s of sps) {
    const r = reachOf(s.id)
    if (r.length) reaches.set(s.id, r)
  }
  // service principals the app role assignments name but service-principals.json does not list
  for (const id of grantsOf.keys()) if (!reaches.has(id) && !spById.has(id)) reaches.set(id, reachOf(id))

  const principals = new Set<string>([
    ...(d.users ?? []).map((u) => u.id),
    ...sps.map((s) => s.id),
    ...(d.applications ?? []).flatMap((a) => (a.owners ?? []).map((o) => o.id)),
    ...sps.flatMap((s) => (s.owners ?? []).map((o) => o.id)),
    ...(d.directoryRoles ?? []).map((r) => r.principalId)
  ])
  const refName = new Map<string, EntraRef>()
  for (const o of [...(d.applications ?? []).flatMap((a) => a.owners ?? []), ...sps.flatMap((s) => s.owners ?? [])]) refName.set(o.id, o)

  // who manages every application (or one, by its object scope): Application/Cloud Application Administrator, Application.ReadWrite.All
  const userById = new Map((d.users ?? []).map((u) => [u.id, u]))
  const appAdmins = by((d.directoryRoles ?? []).filter((r) => APP_ADMIN_ROLES[r.roleDefinitionId]))
  const appWriters = new Set((d.appRoleAssignments ?? []).filter((a) => a.appRoleId === APPLICATION_READWRITE_ALL && isGraph(a)).map((a) => a.principalId))
  const auditDays = d.audits ? [...d.audits.days].sort((a, b) => a - b) : []
  const spSignInDays = d.spSignIns ? [...d.spSignIns.days].sort((a, b) => a - b) : []
  // every path, from each application that reaches an admin group back to who can act as it (linear in
  // the tenant: a principal's paths are looked up, not searched for)
  const pathsOf = new Map<string, EscalationPath[]>()
  for (const [spId, rs] of reaches) {
    if (!rs.length) continue
    const target = spById.get(spId)
    const application = target ? (appByAppId.get(target.appId) ?? null) : null
    const via: Array<[string, ImpersonationEdge]> = [
      ...(application?.owners ?? []).map((o): [string, ImpersonationEdge] => [
        o.id,
        { kind: 'owns-application', object: { collection: 'applications', id: application!.id }, grant: 'it owns the application (app registration)' }
      ]),
      ...(target?.owners ?? []).map((o): [string, ImpersonationEdge] => [
        o.id,
        { kind: 'owns-service-principal', object: { collection: 'servicePrincipals', id: spId }, grant: 'it owns the service principal (enterprise application)' }
      ]),
      ...[...appAdmins].flatMap(([who, roles]) =>
        roles
          .filter((r) => r.directoryScopeId === '/' || (application && r.directoryScopeId === `/${application.id}`))
          .map((r): [string, ImpersonationEdge] => [
            who,
            { kind: 'directory-role', object: null, grant: `directory role ${APP_ADMIN_ROLES[r.roleDefinitionId]} (scope ${r.directoryScopeId})` }
          ])
      ),
      ...[...appWriters].map((who): [string, ImpersonationEdge] => [
        who,
        { kind: 'app-role', object: null, grant: 'Microsoft Graph application permission Application.ReadWrite.All' }
      ])
    ]
    for (const [who, v] of via) {
      if (who === spId) continue
      const paths = pathsOf.get(who) ?? []
      pathsOf.set(who, paths)
      for (const { reach, group } of rs) {
        if (paths.length >= 50) break
        const g = groupById.get(group)
        paths.push({
          app: { servicePrincipalId: spId, appId: target?.appId ?? '', applicationId: application?.id ?? null, name: target?.displayName ?? application?.displayName ?? null },
          via: v,
          reach,
          group: { id: group, name: g?.displayName ?? null, roleAssignable: g?.isAssignableToRole ?? null, admin: admin.get(group) ?? [] }
        })
      }
    }
  }

  for (const p of [...principals].sort()) {
    const user = userById.get(p) ?? null
    const sp = spById.get(p) ?? null
    const ref = refName.get(p)
    const kind = user || ref?.type === 'user' ? 'user' : sp || ref?.type === 'servicePrincipal' ? 'servicePrincipal' : null
    const name = user?.userPrincipalName ?? sp?.displayName ?? ref?.name ?? null
    const paths = pathsOf.get(p) ?? []
    const objects = new Set(paths.flatMap((x) => [x.app.servicePrincipalId, x.app.applicationId ?? '']).filter(Boolean))
    const apps = [...new Set(paths.map((x) => x.app.servicePrincipalId))]
    const op = (o: AuditOp) => ({ time: iso(o.time), activity: o.activity, target: o.targetNames.join(', ') || o.targets.join(', '), targets: o.targets })
    out.set(p, {
      principal: { id: p, name, kind },
      paths,
      missing,
      credentialOps: d.audits ? (d.audits.credentialOps.get(p) ?? []).filter((o) => o.targets.some((t) => objects.has(t))).map(op) : null,
      memberOps: d.audits ? Object.fromEntries(apps.map((a) => [a, (d.audits!.memberOps.get(a) ?? []).map(op)])) : null,
      spSignIns: d.spSignIns
        ? Object.fromEntries(
            apps.flatMap((a) => {
              const s = d.spSignIns!.bySp.get(a)
              return s ? [[a, { signIns: s.signIns, last: iso(s.last), resources: s.resources }]] : []
            })
          )
        : null,
      auditDays: d.audits && paths.length ? auditDays : [],
      spSignInDays: d.spSignIns && paths.length ? spSignInDays : []
    })
  }
  return out
}

const s = z.string().nullable()
const op = z.strictObject({ time: z.string(), activity: z.string(), target: z.string(), targets: z.array(z.string()) })
/** The `azure.entra.escalation` facet as stored (the shape of EscalationFacts). */
export const EntraEscalationFacet = z.strictObject({
  principal: z.strictObject({ id: z.string(), name: s, kind: z.enum(['user', 'servicePrincipal']).nullable() }),
  paths: z.array(
    z.strictObject({
      app: z.strictObject({ servicePrincipalId: z.string(), appId: z.string(), applicationId: s, name: s }),
      via: z.strictObject({
        kind: z.enum(['owns-application', 'owns-service-principal', 'directory-role', 'app-role']),
        object: z.strictObject({ collection: z.enum(['applications', 'servicePrincipals']), id: z.string() }).nullable(),
        grant: z.string()
      }),
      reach: z.strictObject({
        kind: z.enum(['app-role', 'owns-group', 'directory-role']),
        assignment: z.strictObject({ id: z.string(), principalId: z.string(), resourceId: z.string(), appRoleId: z.string() }).nullable(),
        grant: z.string()
      }),
      group: z.strictObject({ id: z.string(), name: s, roleAssignable: z.boolean().nullable(), admin: z.array(z.string()) })
    })
  ),
  missing: z.array(z.string()),
  credentialOps: z.array(op).nullable(),
  memberOps: z.record(z.string(), z.array(op)).nullable(),
  spSignIns: z.record(z.string(), z.strictObject({ signIns: z.number(), last: z.string(), resources: z.array(z.string()) })).nullable(),
  auditDays: z.array(z.number()),
  spSignInDays: z.array(z.number())
}) satisfies z.ZodType<EscalationFacts>
