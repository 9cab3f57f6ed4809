// azure.entra.guest-user-high-privileges's fixture world: one tenant's Entra files (in one subscription's
// folder) and seven Wiz "Azure guest user has high privileges" Issues, one for each way the
// investigation can end. The sign-in and directory audit logs hold records every day of the window
// (a member's daily sign-in, an app's daily directory change), so they cover it.
import {
  at,
  azureRoleAssignment,
  directoryAudit,
  directoryRoleAssignment,
  entraSignIn,
  entraUser,
  uuidOf,
  wizGuestIssue,
  type Expected,
  type Json,
  type World
} from '../../test/casegen/world'

const SUBSCRIPTION = '7b1d3f5a-9c2e-4e6f-8a1b-2c3d4e5f6a7b'
const CONTROL = 'azure.entra.guest-user-high-privileges'
const ext = (mail: string) => `${mail.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const users: Json[] = []
  const dirRoles: Json[] = []
  const azRoles: Json[] = []
  const signIns: Json[] = []
  const audits: Json[] = []

  // the tenant's own traffic, every day of the window: the logs cover it
  const ops = entraUser({ id: uuidOf('entra:ops'), upn: 'ops@contoso.com', name: 'Ops', guest: false, lastSignIn: { interactive: at(89, 8), nonInteractive: at(89, 9) } })
  users.push(ops)
  for (let k = 0; k < 90; k++) {
    signIns.push(entraSignIn({ time: at(k, 8, 5), userId: ops.id as string, upn: 'ops@contoso.com', app: 'Microsoft Teams' }))
    audits.push(directoryAudit({ time: at(k, 3), activity: 'Update user', category: 'UserManagement', by: 'Microsoft Substrate Management', target: 'ops@contoso.com' }))
  }

  // a partner's administrator: Global Administrator, signs in weekly and adds people to roles
  const partner = entraUser({
    id: uuidOf('entra:partner'),
    upn: ext('admin@fabrikam-msp.com'),
    name: 'Fabrikam MSP admin',
    guest: true,
    lastSignIn: { interactive: at(84, 10), nonInteractive: at(88, 1) }
  })
  dirRoles.push(directoryRoleAssignment(partner.id as string, 'Global Administrator'))
  for (let k = 0; k < 90; k += 7) {
    signIns.push(entraSignIn({ time: at(k, 10), userId: partner.id as string, upn: partner.userPrincipalName as string, app: 'Azure Portal', ip: '198.51.100.40' }))
    if (k % 14 === 0)
      audits.push(
        directoryAudit({
          time: at(k, 10, 20),
          activity: 'Add member to role',
          category: 'RoleManagement',
          by: { id: partner.id as string, upn: partner.userPrincipalName as string },
          target: 'helpdesk@contoso.com'
        })
      )
  }
  audits.push(
    directoryAudit({
      time: at(30, 11),
      activity: 'Reset user password',
      category: 'UserManagement',
      by: { id: partner.id as string, upn: partner.userPrincipalName as string },
      target: 'ana@contoso.com'
    })
  )

  // a consultant whose project ended in the spring: Owner of the subscription and User Administrator, last sign-in before the window
  const consultant = entraUser({
    id: uuidOf('entra:consultant'),
    upn: ext('j.doe@northwind.example'),
    name: 'J. Doe (Northwind)',
    guest: true,
    lastSignIn: { interactive: '2026-04-02T09:00:00Z', nonInteractive: '2026-04-03T07:30:00Z' }
  })
  dirRoles.push(directoryRoleAssignment(consultant.id as string, 'User Administrator'))
  azRoles.push(azureRoleAssignment(SUBSCRIPTION, consultant.id as string, 'Owner'))

  // an auditor without an Entra ID P1 licence (no signInActivity): the sign-in log shows it reading, no directory operation
  const auditor = entraUser({ id: uuidOf('entra:auditor'), upn: ext('audit@tailspin.example'), name: 'Tailspin auditor', guest: true })
  dirRoles.push(directoryRoleAssignment(auditor.id as string, 'Application Administrator'))
  for (const k of [12, 40, 75])
    signIns.push(entraSignIn({ time: at(k, 15), userId: auditor.id as string, upn: auditor.userPrincipalName as string, app: 'Microsoft Entra admin center' }))

  // a guest without signInActivity and no interactive sign-in: a refresh token's use would not show
  const silent = entraUser({ id: uuidOf('entra:silent'), upn: ext('ops@adatum.example'), name: 'Adatum ops', guest: true })
  azRoles.push(azureRoleAssignment(SUBSCRIPTION, silent.id as string, 'Contributor', `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-adatum`))
  dirRoles.push(directoryRoleAssignment(silent.id as string, 'Application Administrator'))

  // a guest whose roles were removed since the scan: nothing left to remove
  const former = entraUser({
    id: uuidOf('entra:former'),
    upn: ext('temp@litware.example'),
    name: 'Litware temp',
    guest: true,
    lastSignIn: { interactive: at(20, 9), nonInteractive: null }
  })

  // a user converted to a member (userType Member) since the scan
  const converted = entraUser({
    id: uuidOf('entra:converted'),
    upn: 'maria@contoso.com',
    name: 'Maria (was a guest)',
    guest: false,
    lastSignIn: { interactive: at(88, 9), nonInteractive: at(89, 2) }
  })
  dirRoles.push(directoryRoleAssignment(converted.id as string, 'User Administrator'))

  users.push(partner, consultant, auditor, silent, former, converted)
  z.entra.set('users.json', users)
  z.entra.set('directory-role-assignments.json', dirRoles)
  z.entra.set('sign-ins.json', signIns)
  z.entra.set('directory-audits.json', audits)
  z.roleAssignments = azRoles

  // a guest the evidence does not list at all
  const unlisted = { id: uuidOf('entra:unlisted'), displayName: 'Unlisted guest', userType: 'Guest', userPrincipalName: ext('x@unknown.example'), accountEnabled: true }

  const cases: Array<[Json, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      partner,
      'UNSAFE',
      { guest: 'yes', 'privileged-roles': 'yes', 'signed-in': 'yes', 'privileged-operations': 'yes' },
      'the partner administers the tenant with its Global Administrator role',
      { 'privileged-operations': 'Add member to role (7), Reset user password (1)', 'privileged-roles': 'Global Administrator' }
    ],
    [
      consultant,
      'SAFE',
      { guest: 'yes', 'privileged-roles': 'yes', 'signed-in': 'no', 'privileged-operations': 'unknown' },
      'no sign-in at all since April: no token to use its roles with',
      { 'privileged-roles': `Owner`, 'signed-in': '2026-04-03' }
    ],
    [
      auditor,
      'RISKY',
      { guest: 'yes', 'signed-in': 'yes', 'privileged-operations': 'no' },
      'it signs in, though it changed nothing in the directory',
      { 'signed-in': '3 sign-ins' }
    ],
    [
      silent,
      'RISKY',
      { guest: 'yes', 'signed-in': 'unknown' },
      'no interactive sign-in, but without signInActivity a refresh token could be in use',
      { 'signed-in': 'interactive only' }
    ],
    [former, 'SAFE', { guest: 'yes', 'privileged-roles': 'no' }, 'its roles are already gone'],
    [converted, 'RISKY', { guest: 'no' }, 'no longer a guest'],
    [unlisted, 'RISKY', { guest: 'unknown', 'privileged-roles': 'unknown', 'signed-in': 'unknown' }, 'the user is not in the evidence']
  ]
  for (const [u, verdict, steps, why, says] of cases) {
    w.findings.wiz.push(wizGuestIssue(u))
    w.expect({ control: CONTROL, resource: (u.id as string).toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
