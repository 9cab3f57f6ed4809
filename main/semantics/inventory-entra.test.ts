import { describe, expect, it } from 'vitest'
import { emptyEntraLogScan, entraUserFacts, parseAzureRoleAssignments, parseDirectoryRoleAssignments, parseEntraUsers, readDirectoryAudits, readSignIns } from './inventory-entra'
import { dayOf, parseTime } from './time'

const GUEST = 'e4c2061d-3134-4e8e-9e57-f09433d922fe'
const MEMBER = '0b1e7c55-2f0e-4a51-9d8e-6c0a3b2f1e11'
const SUB = '3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b'
const OWNER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`

const users = {
  value: [
    {
      id: GUEST.toUpperCase(),
      userPrincipalName: 'test11_wiz.io#EXT#@wizsectest.onmicrosoft.com',
      userType: 'Guest',
      externalUserState: 'Accepted',
      accountEnabled: true,
      createdDateTime: '2022-07-25T11:34:34Z',
      signInActivity: { lastSignInDateTime: '2026-10-01T08:00:00Z', lastNonInteractiveSignInDateTime: null }
    },
    { id: MEMBER, userPrincipalName: 'ana@contoso.com', userType: 'Member', accountEnabled: true }
  ]
}

describe('Entra and Azure RBAC files', () => {
  it('reads users as Graph lists them, keeping what is not said as null', () => {
    const [g, m] = parseEntraUsers(users, 'azure/s/entra/users.json')
    expect(g).toMatchObject({ id: GUEST, userType: 'Guest', externalUserState: 'Accepted', accountEnabled: true })
    expect(g.signInActivity).toEqual({ lastSignIn: '2026-10-01T08:00:00Z', lastNonInteractiveSignIn: null })
    expect(m.signInActivity).toBeNull()
    expect(m.externalUserState).toBeNull()
    // the Azure CLI's bare array reads the same
    expect(parseEntraUsers(users.value, 'u.json')[1].id).toBe(MEMBER)
  })

  it('refuses a user without an object id, or a time that is not one, naming the file and the place', () => {
    expect(() => parseEntraUsers({ value: [{ userPrincipalName: 'x' }] }, 'azure/s/entra/users.json')).toThrow(
      'azure/s/entra/users.json: value[0].id: a user object id is required'
    )
    expect(() => parseEntraUsers({ value: [{ id: GUEST, signInActivity: { lastSignInDateTime: 'yesterday' } }] }, 'u.json')).toThrow(
      'u.json: value[0].signInActivity.lastSignInDateTime: "yesterday" is not a time'
    )
    expect(() => parseEntraUsers({ users: [] }, 'u.json')).toThrow('u.json: expected {"value":[…]}')
  })

  it('reads directory role assignments with the expanded role definition', () => {
    const [a] = parseDirectoryRoleAssignments(
      {
        value: [
          {
            id: 'lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hlqj6Y9xBTzw-1',
            principalId: GUEST,
            roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
            directoryScopeId: '/',
            roleDefinition: { displayName: 'Global Administrator', isPrivileged: true }
          }
        ]
      },
      'd.json'
    )
    expect(a).toEqual({
      id: 'lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hlqj6Y9xBTzw-1',
      principalId: GUEST,
      roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
      role: 'Global Administrator',
      privileged: true,
      directoryScopeId: '/'
    })
    expect(() => parseDirectoryRoleAssignments({ value: [{ id: 'x', principalId: GUEST, roleDefinitionId: 'admin', directoryScopeId: '/' }] }, 'd.json')).toThrow(
      'd.json: value[0].roleDefinitionId: "admin" is not a role definition id'
    )
  })

  it('reads ARM role assignments (properties nested) and the Azure CLI list (flattened) alike', () => {
    const id = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/7d2f1a3e-4b5c-4d6e-8f70-1a2b3c4d5e6f`
    const arm = parseAzureRoleAssignments(
      { value: [{ id, name: '7d2f1a3e', properties: { roleDefinitionId: OWNER, principalId: GUEST, principalType: 'User', scope: `/subscriptions/${SUB}` } }] },
      'r.json'
    )
    const cli = parseAzureRoleAssignments(
      [{ id, roleDefinitionId: OWNER, roleDefinitionName: 'Owner', principalId: GUEST, principalType: 'User', scope: `/subscriptions/${SUB}` }],
      'r.json'
    )
    expect(arm[0]).toEqual({ id, principalId: GUEST, principalType: 'User', roleDefinitionId: OWNER, role: null, scope: `/subscriptions/${SUB}` })
    expect(cli[0]).toEqual({ ...arm[0], role: 'Owner' })
    expect(() => parseAzureRoleAssignments({ value: [{ id, properties: { roleDefinitionId: OWNER, principalId: GUEST } }] }, 'r.json')).toThrow(
      'r.json: value[0].properties.scope: the assignment has no scope'
    )
  })

  it("counts each user's sign-ins and the operations it initiated, and the days each log holds", () => {
    const signIns = emptyEntraLogScan()
    readSignIns(
      signIns,
      {
        value: [
          { createdDateTime: '2026-10-01T08:00:00Z', userId: GUEST, status: { errorCode: 0 }, appDisplayName: 'Azure Portal' },
          { createdDateTime: '2026-10-02T08:00:00Z', userId: GUEST, status: { errorCode: 50126 }, appDisplayName: 'Azure Portal' },
          { createdDateTime: '2026-10-03T08:00:00Z', userId: MEMBER, status: { errorCode: 0 }, appDisplayName: 'Microsoft Teams' }
        ]
      },
      's.json'
    )
    const audits = emptyEntraLogScan()
    readDirectoryAudits(
      audits,
      {
        value: [
          { activityDateTime: '2026-10-01T09:00:00Z', activityDisplayName: 'Add member to role', initiatedBy: { user: { id: GUEST } } },
          { activityDateTime: '2026-10-01T09:05:00Z', activityDisplayName: 'Add member to role', initiatedBy: { user: { id: GUEST } } },
          { activityDateTime: '2026-10-04T00:00:00Z', activityDisplayName: 'Update user', initiatedBy: { app: { displayName: 'Microsoft Substrate Management' } } }
        ]
      },
      'a.json'
    )
    const facts = entraUserFacts({ users: parseEntraUsers(users, 'u.json'), directoryRoles: [], azureRoles: null, signIns, audits })
    const g = facts.get(GUEST)!
    expect(g.signIns).toEqual({ signIns: 2, signInsOk: 1, lastSignIn: parseTime('2026-10-02T08:00:00Z'), apps: ['Azure Portal'] })
    expect(g.operations).toEqual({ operations: 2, lastOperation: parseTime('2026-10-01T09:05:00Z'), operationNames: { 'Add member to role': 2 } })
    expect(g.signInDays).toEqual([1, 2, 3].map((d) => dayOf(parseTime(`2026-10-0${d}T00:00:00Z`))))
    expect(g.auditDays).toHaveLength(2)
    // a file present lists none; a file absent is unknown
    expect(g.directoryRoles).toEqual([])
    expect(g.azureRoles).toBeNull()
    expect(facts.get(MEMBER)!.operations).toEqual({ operations: 0, lastOperation: null, operationNames: {} })
    expect(() => readSignIns(emptyEntraLogScan(), { value: [{ userId: GUEST }] }, 's.json')).toThrow('s.json: value[0].createdDateTime: the record has no time')
  })

  it('without the logs, activity is unknown (null), never none', () => {
    const facts = entraUserFacts({ users: parseEntraUsers(users, 'u.json'), directoryRoles: null, azureRoles: null, signIns: null, audits: null })
    expect(facts.get(GUEST)).toMatchObject({ signIns: null, operations: null, directoryRoles: null, signInDays: [] })
  })
})
