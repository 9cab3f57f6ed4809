// Which edge of each escalation path the fix cuts, chosen from the evidence (the steps say it, the fix
// does it): a path through an application the principal OWNS is cut by removing the principal as an
// owner of that application object or service principal (the application keeps its permissions and
// keeps working; only the principal loses the power to add credentials to it). A path through a role
// that manages every application (Application Administrator, Application.ReadWrite.All) cannot be cut
// at the principal by this fix, so it is cut at the application: its Microsoft Graph app role
// assignment that writes group membership is removed. A path neither way cuts (a directory role on
// both ends, or an application that owns the group) is left for a person.
import type { EscalationFacts, EscalationPath } from '../../main/semantics/inventory-entra-apps'
import { GROUP_WRITE_APP_ROLES } from '../../main/semantics/inventory-entra-apps'

export interface OwnerCut {
  collection: 'applications' | 'servicePrincipals'
  objectId: string
  ownerId: string
  app: string
}

export interface AssignmentCut {
  id: string
  principalId: string
  resourceId: string
  appRoleId: string
  permission: string
  app: string
}

export interface Cuts {
  owners: OwnerCut[]
  assignments: AssignmentCut[]
  /** paths the fix cannot cut */
  uncut: EscalationPath[]
}

export const appText = (p: EscalationPath): string => `${p.app.name ?? p.app.servicePrincipalId} (appId ${p.app.appId || '?'})`
export const groupText = (p: EscalationPath): string => `${p.group.name ?? p.group.id}${p.group.admin.length ? ` (${p.group.admin.join('; ')})` : ''}`
export const pathText = (f: EscalationFacts, p: EscalationPath): string =>
  `${f.principal.name ?? f.principal.id} → ${p.via.grant} → acts as ${appText(p)} → ${p.reach.grant} → adds members to ${groupText(p)}`

export function cutsOf(f: EscalationFacts): Cuts {
  const owners = new Map<string, OwnerCut>()
  const assignments = new Map<string, AssignmentCut>()
  const uncut: EscalationPath[] = []
  for (const p of f.paths) {
    if (p.via.object) {
      const k = `${p.via.object.collection}/${p.via.object.id}`
      if (!owners.has(k)) owners.set(k, { collection: p.via.object.collection, objectId: p.via.object.id, ownerId: f.principal.id, app: appText(p) })
    } else if (p.reach.assignment) {
      const a = p.reach.assignment
      if (!assignments.has(a.id)) assignments.set(a.id, { ...a, permission: GROUP_WRITE_APP_ROLES[a.appRoleId]?.name ?? a.appRoleId, app: appText(p) })
    } else uncut.push(p)
  }
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v)
  return { owners: byKey(owners), assignments: byKey(assignments), uncut }
}

/** The cuts in words. */
export function cutsText(c: Cuts): string[] {
  return [
    ...c.owners.map(
      (o) => `remove it as an owner of the ${o.collection === 'applications' ? 'application (app registration)' : 'service principal (enterprise application)'} of ${o.app}`
    ),
    ...c.assignments.map((a) => `remove the Microsoft Graph permission ${a.permission} of ${a.app} (app role assignment ${a.id})`)
  ]
}
