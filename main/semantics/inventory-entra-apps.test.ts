// The escalation path's readers and the path they compute: a file that cannot be what it claims is
// refused with its place; a role-assignable group is reachable only with RoleManagement.ReadWrite.Directory;
// a Graph permission on another API is no edge; a file not in the bundle leaves "no path" unproven.
import { describe, expect, it } from 'vitest'
import {
  emptyEscalationAuditScan,
  escalationFacts,
  parseEntraAppRoleAssignments,
  parseEntraApplications,
  parseEntraGroups,
  parseEntraServicePrincipals,
  readEscalationAudits,
  type EscalationDocuments
} from './inventory-entra-apps'
import { parseAzureRoleAssignments } from './inventory-entra'

const SUB = '11111111-2222-4333-8444-555555555555'
const OWNER = '0a000000-0000-4000-8000-000000000001'
const APP = '0a000000-0000-4000-8000-000000000002'
const APP_ID = '0a000000-0000-4000-8000-000000000003'
const SP = '0a000000-0000-4000-8000-000000000004'
const GRAPH = '0a000000-0000-4000-8000-000000000005'
const OTHER_API = '0a000000-0000-4000-8000-000000000006'
const GROUP = '0a000000-0000-4000-8000-000000000007'
const GROUP_MEMBER_RW = 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695'
const ROLE_MANAGEMENT_RW = '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8'

function docs(o: { roleAssignable?: boolean; appRole?: string; resource?: string; drop?: keyof EscalationDocuments } = {}): EscalationDocuments {
  const d: EscalationDocuments = {
    users: [],
    directoryRoles: [],
    azureRoles: parseAzureRoleAssignments(
      {
        value: [
          {
            id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/0a000000-0000-4000-8000-0000000000aa`,
            properties: {
              roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
              principalId: GROUP,
              principalType: 'Group',
              scope: `/subscriptions/${SUB}`
            }
          }
        ]
      },
      'role-assignments.json'
    ),
    applications: parseEntraApplications(
      { value: [{ id: APP, appId: APP_ID, displayName: 'sync', owners: [{ '@odata.type': '#microsoft.graph.user', id: OWNER }] }] },
      'applications.json'
    ),
    servicePrincipals: parseEntraServicePrincipals(
      {
        value: [
          { id: SP, appId: APP_ID, displayName: 'sync', owners: [] },
          { id: GRAPH, appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', owners: [] },
          { id: OTHER_API, appId: '0a000000-0000-4000-8000-0000000000ff', displayName: 'Some API', owners: [] }
        ]
      },
      'service-principals.json'
    ),
    appRoleAssignments: parseEntraAppRoleAssignments(
      { value: [{ id: 'abcdefghijklmnopqrstuv', principalId: SP, resourceId: o.resource ?? GRAPH, appRoleId: o.appRole ?? GROUP_MEMBER_RW }] },
      'app-role-assignments.json'
    ),
    groups: parseEntraGroups({ value: [{ id: GROUP, displayName: 'admins', isAssignableToRole: o.roleAssignable ?? false, owners: [], members: [] }] }, 'groups.json'),
    audits: null,
    spSignIns: null
  }
  if (o.drop) (d as unknown as Record<string, null>)[o.drop] = null
  return d
}

describe('the application escalation path', () => {
  it('finds owner → application → Graph permission → admin group', () => {
    const f = escalationFacts(docs()).get(OWNER)!
    expect(f.principal).toEqual({ id: OWNER, name: null, kind: 'user' })
    expect(f.paths).toMatchObject([
      {
        via: { kind: 'owns-application', object: { collection: 'applications', id: APP } },
        reach: { kind: 'app-role', grant: expect.stringContaining('GroupMember.ReadWrite.All') },
        group: { id: GROUP }
      }
    ])
    expect(f.missing).toEqual([])
  })

  it('a role-assignable group needs RoleManagement.ReadWrite.Directory; a permission on another API is no edge', () => {
    expect(escalationFacts(docs({ roleAssignable: true })).get(OWNER)!.paths).toEqual([])
    expect(escalationFacts(docs({ roleAssignable: true, appRole: ROLE_MANAGEMENT_RW })).get(OWNER)!.paths).toHaveLength(1)
    expect(escalationFacts(docs({ resource: OTHER_API })).get(OWNER)!.paths).toEqual([])
  })

  it('a file not in the bundle is named as missing, so "no path" is not proven', () => {
    const f = escalationFacts(docs({ resource: OTHER_API, drop: 'groups' })).get(OWNER)!
    expect(f.paths).toEqual([])
    expect(f.missing).toEqual(['entra/groups.json'])
    // no application file at all: no facet (an old bundle says nothing about applications)
    expect(escalationFacts({ ...docs(), applications: null, servicePrincipals: null, appRoleAssignments: null, groups: null }).size).toBe(0)
  })

  it('keeps the credential and group-member operations of the audit log by their actor', () => {
    const scan = emptyEscalationAuditScan()
    readEscalationAudits(
      scan,
      {
        value: [
          {
            activityDateTime: '2026-10-01T10:00:00Z',
            activityDisplayName: 'Add service principal credentials',
            initiatedBy: { user: { id: OWNER } },
            targetResources: [{ id: SP, displayName: 'sync' }]
          },
          {
            activityDateTime: '2026-10-02T10:00:00Z',
            activityDisplayName: 'Add member to group',
            initiatedBy: { app: { servicePrincipalId: SP } },
            targetResources: [{ id: GROUP }]
          },
          { activityDateTime: '2026-10-03T10:00:00Z', activityDisplayName: 'Update user', initiatedBy: { user: { id: OWNER } }, targetResources: [] }
        ]
      },
      'directory-audits.json'
    )
    expect(scan.days.size).toBe(3)
    const f = escalationFacts({ ...docs(), audits: scan }).get(OWNER)!
    expect(f.credentialOps).toEqual([{ time: '2026-10-01T10:00:00Z', activity: 'Add service principal credentials', target: 'sync', targets: [SP] }])
    expect(f.memberOps).toEqual({ [SP]: [{ time: '2026-10-02T10:00:00Z', activity: 'Add member to group', target: GROUP, targets: [GROUP] }] })
  })

  it('stays linear in a large tenant: 50,000 users and 3,000 service principals with their grants', () => {
    const d = docs()
    const hex = (n: number) => n.toString(16).padStart(12, '0')
    d.users = Array.from({ length: 50_000 }, (_, i) => ({
      id: `1b000000-0000-4000-8000-${hex(i)}`,
      userPrincipalName: `u${i}@contoso.com`,
      displayName: null,
      userType: 'Member',
      externalUserState: null,
      accountEnabled: true,
      createdDateTime: null,
      signInActivity: null
    }))
    const many = Array.from({ length: 3_000 }, (_, i) => ({
      id: `2c000000-0000-4000-8000-${hex(i)}`,
      appId: `3d000000-0000-4000-8000-${hex(i)}`,
      displayName: `app${i}`,
      owners: []
    }))
    d.servicePrincipals = [...d.servicePrincipals!, ...parseEntraServicePrincipals({ value: many }, 'service-principals.json')]
    d.appRoleAssignments = [
      ...d.appRoleAssignments!,
      ...parseEntraAppRoleAssignments(
        { value: many.map((x, i) => ({ id: `grant${i}abcdefgh`, principalId: x.id, resourceId: GRAPH, appRoleId: GROUP_MEMBER_RW })) },
        'app-role-assignments.json'
      )
    ]
    const t = performance.now()
    const facts = escalationFacts(d)
    expect(performance.now() - t).toBeLessThan(5_000)
    expect(facts.size).toBeGreaterThan(53_000)
    expect(facts.get(OWNER)!.paths).toHaveLength(1)
  })

  it('refuses what cannot be a Graph list, naming the file and place', () => {
    expect(() => parseEntraApplications({ value: [{ id: APP, appId: 'not-a-guid' }] }, 'applications.json')).toThrow(/applications\.json.*value\[0\]\.appId/)
    expect(() => parseEntraServicePrincipals({ value: [{ id: SP, appId: APP_ID, owners: 'me' }] }, 'service-principals.json')).toThrow(/value\[0\]\.owners.*not a list/)
    expect(() => parseEntraAppRoleAssignments({ value: [{ principalId: SP, resourceId: GRAPH, appRoleId: GROUP_MEMBER_RW }] }, 'app-role-assignments.json')).toThrow(
      /value\[0\]\.id/
    )
    expect(() => parseEntraGroups({ value: [7] }, 'groups.json')).toThrow(/groups\.json.*value\[0\].*not an object/)
  })
})
