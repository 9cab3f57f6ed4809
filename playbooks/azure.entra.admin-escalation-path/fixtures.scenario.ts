// azure.entra.admin-escalation-path's fixture world: one tenant's Entra files (in one subscription's
// folder) and seven Wiz "can impersonate an application with permission to add members to a group with
// admin privileges" Issues, on users and on a service principal, one for each way the investigation can
// end. The directory audit log and the service principal sign-in log hold records every day of the
// window (a daily directory sync, hr-sync's daily sign-in), so they cover it.
import {
  at,
  azureRoleAssignment,
  directoryAudit,
  directoryAuditOn,
  directoryRoleAssignment,
  entraAppRoleAssignment,
  entraApplication,
  entraGroup,
  entraRef,
  entraServicePrincipal,
  entraUser,
  servicePrincipalSignIn,
  uuidOf,
  wizEscalationIssue,
  type Expected,
  type Json,
  type World
} from '../../test/casegen/world'

const SUBSCRIPTION = 'c4d2a8e1-6f3b-4d9a-b2e7-1a5c9e3f7d20'
const CONTROL = 'azure.entra.admin-escalation-path'
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'
const GROUP_MEMBER_RW = 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695'
const GROUP_RW = '62a82d76-70ea-41e2-9197-370581804d09'
const DIRECTORY_RW = '19dbc75e-c2e2-444c-a770-ec69d8559fc7'
const MAIL_SEND = 'b633e1c5-b582-4048-a93e-9f11b44c7e96' // Mail.Send: no group write

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const users: Json[] = []
  const apps: Json[] = []
  const sps: Json[] = []
  const grants: Json[] = []
  const dirRoles: Json[] = []
  const audits: Json[] = []
  const spSignIns: Json[] = []

  const graph = entraServicePrincipal({ id: uuidOf('esc:graph-sp'), appId: GRAPH_APP_ID, name: 'Microsoft Graph', type: 'Application' })
  sps.push(graph)
  const person = (key: string, upn: string) => {
    const u = entraUser({ id: uuidOf(`esc:${key}`), upn, name: upn.split('@')[0], guest: false, lastSignIn: { interactive: at(88, 9), nonInteractive: at(89, 9) } })
    users.push(u)
    return { u, ref: entraRef({ id: u.id as string, name: upn, type: 'user' }) }
  }
  /** an application, its service principal, and the Graph permission it holds */
  const app = (key: string, name: string, o: { appOwners?: Json[]; spOwners?: Json[]; role: string; spId?: string }) => {
    const appId = uuidOf(`esc:${key}:appId`)
    const a = entraApplication({ id: uuidOf(`esc:${key}:app`), appId, name, owners: o.appOwners ?? [] })
    const sp = entraServicePrincipal({ id: o.spId ?? uuidOf(`esc:${key}:sp`), appId, name, owners: o.spOwners ?? [] })
    apps.push(a)
    sps.push(sp)
    grants.push(entraAppRoleAssignment({ principalId: sp.id as string, principalName: name, resourceId: graph.id as string, resourceName: 'Microsoft Graph', appRoleId: o.role }))
    return { a, sp }
  }

  // the admin group: Owner of the subscription
  const admins = entraGroup({ id: uuidOf('esc:group:sub-owners'), name: 'sub-owners', roleAssignable: false })
  const ownerRole = azureRoleAssignment(SUBSCRIPTION, admins.id as string, 'Owner')
  ;(ownerRole.properties as Json).principalType = 'Group'

  // 1. a developer owns hr-sync's app registration and rotated its secret in the window; hr-sync holds GroupMember.ReadWrite.All and signs in daily
  const dev = person('dev', 'dev.lead@contoso.com')
  const hr = app('hr-sync', 'hr-sync', { appOwners: [dev.ref], role: GROUP_MEMBER_RW })
  audits.push(
    directoryAuditOn({
      time: at(30, 14),
      activity: 'Update application – Certificates and secrets management ',
      category: 'ApplicationManagement',
      by: { user: { id: dev.u.id as string, upn: 'dev.lead@contoso.com' } },
      targets: [{ id: hr.a.id as string, name: 'hr-sync', type: 'Application' }]
    })
  )

  // 2. ana owns ci-deployer's service principal, never touched its credentials; ci-deployer (Group.ReadWrite.All) signs in weekly
  const ana = person('ana', 'ana@contoso.com')
  const ci = app('ci-deployer', 'ci-deployer', { spOwners: [ana.ref], role: GROUP_RW })
  for (let k = 3; k < 90; k += 7)
    spSignIns.push(servicePrincipalSignIn({ time: at(k, 2), servicePrincipalId: ci.sp.id as string, appId: ci.sp.appId as string, name: 'ci-deployer' }))

  // 3. an automation service principal owns legacy-importer (Directory.ReadWrite.All), which has not signed in or been touched in the window
  const runner = entraServicePrincipal({ id: uuidOf('esc:runner:sp'), appId: uuidOf('esc:runner:appId'), name: 'automation-runner' })
  sps.push(runner)
  app('legacy-importer', 'legacy-importer', { appOwners: [entraRef({ id: runner.id as string, name: 'automation-runner', type: 'servicePrincipal' })], role: DIRECTORY_RW })

  // 4. an app administrator (scoped to group-bot's registration); group-bot (GroupMember.ReadWrite.All) adds members every week: the fix takes the permission away
  const appAdmin = person('app-admin', 'app.admin@contoso.com')
  const bot = app('group-bot', 'group-bot', { role: GROUP_MEMBER_RW, spId: uuidOf('app:group-bot') })
  dirRoles.push({ ...directoryRoleAssignment(appAdmin.u.id as string, 'Cloud Application Administrator'), directoryScopeId: `/${bot.a.id as string}` })
  for (let k = 5; k < 90; k += 7)
    audits.push(
      directoryAuditOn({
        time: at(k, 6),
        activity: 'Add member to group',
        category: 'GroupManagement',
        by: { app: { servicePrincipalId: bot.sp.id as string, name: 'group-bot' } },
        targets: [
          { id: uuidOf(`esc:joiner:${k}`), name: `joiner${k}@contoso.com`, type: 'User' },
          { id: uuidOf('esc:group:helpdesk'), name: 'helpdesk', type: 'Group' }
        ]
      })
    )

  // 5. an application administrator of the registration of an app that OWNS the admin group (no Graph permission, no owner to remove)
  const itOps = person('it-ops', 'it.ops@contoso.com')
  const ownerApp = app('group-owner-app', 'group-owner-app', { role: MAIL_SEND })
  dirRoles.push({ ...directoryRoleAssignment(itOps.u.id as string, 'Application Administrator'), directoryScopeId: `/${ownerApp.a.id as string}` })
  ;(admins.owners as Json[]).push(entraRef({ id: ownerApp.sp.id as string, name: 'group-owner-app', type: 'servicePrincipal' }))

  // 6. a former owner: nothing left
  const former = person('former', 'former.owner@contoso.com')

  // the tenant's own traffic every day: the logs cover the window
  for (let k = 0; k < 90; k++) {
    audits.push(directoryAudit({ time: at(k, 3), activity: 'Update user', category: 'UserManagement', by: 'Microsoft Substrate Management', target: 'ops@contoso.com' }))
    spSignIns.push(servicePrincipalSignIn({ time: at(k, 1, 30), servicePrincipalId: hr.sp.id as string, appId: hr.sp.appId as string, name: 'hr-sync' }))
  }

  z.entra.set('users.json', users)
  z.entra.set('applications.json', apps)
  z.entra.set('service-principals.json', sps)
  z.entra.set('app-role-assignments.json', grants)
  z.entra.set('groups.json', [admins])
  z.entra.set('directory-role-assignments.json', dirRoles)
  z.entra.set('directory-audits.json', audits)
  z.entra.set('service-principal-sign-ins.json', spSignIns)
  z.roleAssignments = [ownerRole]

  const unlisted = { id: uuidOf('esc:unlisted'), name: 'ghost@contoso.com', kind: 'user' as const }
  const cases: Array<
    [{ id: string; name: string; kind: 'user' | 'servicePrincipal' }, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]
  > = [
    [
      { id: dev.u.id as string, name: 'dev.lead@contoso.com', kind: 'user' },
      'UNSAFE',
      { path: 'yes', cut: 'yes', 'edge-used': 'yes', 'app-in-use': 'yes' },
      'the owner rotated the application’s secret in the window',
      { path: 'GroupMember.ReadWrite.All', cut: 'remove it as an owner of the application (app registration) of hr-sync', 'edge-used': 'Certificates and secrets management' }
    ],
    [
      { id: ana.u.id as string, name: 'ana@contoso.com', kind: 'user' },
      'RISKY',
      { path: 'yes', cut: 'yes', 'edge-used': 'no', 'app-in-use': 'yes' },
      'the owner never touched its credentials, but ci-deployer is in use',
      { cut: 'service principal (enterprise application) of ci-deployer', 'app-in-use': '13 sign-ins' }
    ],
    [
      { id: runner.id as string, name: 'automation-runner', kind: 'servicePrincipal' },
      'SAFE',
      { path: 'yes', cut: 'yes', 'edge-used': 'no', 'app-in-use': 'no' },
      'the owned application is idle and its credentials untouched all window',
      { path: 'Directory.ReadWrite.All' }
    ],
    [
      { id: appAdmin.u.id as string, name: 'app.admin@contoso.com', kind: 'user' },
      'UNSAFE',
      { path: 'yes', cut: 'yes', 'edge-used': 'yes' },
      'group-bot adds members with the permission the fix takes away',
      { path: 'Cloud Application Administrator', cut: 'remove the Microsoft Graph permission GroupMember.ReadWrite.All of group-bot', 'edge-used': 'Add member to group (13)' }
    ],
    [
      { id: itOps.u.id as string, name: 'it.ops@contoso.com', kind: 'user' },
      'RISKY',
      { path: 'yes', cut: 'no' },
      'the application owns the admin group: nothing this fix can cut',
      { cut: 'it owns the group' }
    ],
    [{ id: former.u.id as string, name: 'former.owner@contoso.com', kind: 'user' }, 'SAFE', { path: 'no' }, 'no path is left'],
    [unlisted, 'RISKY', { path: 'unknown', cut: 'unknown', 'edge-used': 'unknown', 'app-in-use': 'unknown' }, 'the principal is not in the evidence']
  ]
  for (const [p, verdict, steps, why, says] of cases) {
    w.findings.wiz.push(wizEscalationIssue(p))
    w.expect({ control: CONTROL, resource: p.id.toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
