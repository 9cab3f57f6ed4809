// azure.entra.guest-user-high-privileges: remove the guest's role assignments — each directory role
// assignment (`az rest --method delete` on Graph roleManagement/directory/roleAssignments/{id}) and each
// Azure RBAC assignment (`az rest --method delete` on its ARM id). Each assignment is saved live before
// it goes, and the rollback re-creates exactly it: the same principal, role definition and scope (the
// Azure one under its own assignment id, by PUT). The guest account itself is left as it is.
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText } from '../../main/controls/fix-common'
import { azureRoleName, type AzureRoleAssignment, type DirectoryRoleAssignment } from '../../main/semantics/inventory-entra'

export const CONTROL = 'azure.entra.guest-user-high-privileges'
export const GRAPH = 'https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments'
export const ARM = 'https://management.azure.com'
export const ARM_API = 'api-version=2022-04-01'

interface Values {
  user: string
  upn: string | null
  directoryRoles: DirectoryRoleAssignment[]
  azureRoles: AzureRoleAssignment[] | null
}

/** The body that re-creates a directory role assignment: the saved principal, role definition and scope. */
export const directoryBody = (r: DirectoryRoleAssignment): string =>
  JSON.stringify({ principalId: r.principalId, roleDefinitionId: r.roleDefinitionId, directoryScopeId: r.directoryScopeId })
/** The body that re-creates an Azure role assignment under its own id (PUT). */
export const azureBody = (r: AzureRoleAssignment): string =>
  JSON.stringify({ properties: { roleDefinitionId: r.roleDefinitionId, principalId: r.principalId, principalType: r.principalType ?? 'User' } })

const safeKey = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(-80)

export const guestRolesFix: FixRenderer = {
  control: CONTROL,
  summary: "remove the guest user's directory and Azure role assignments",
  inputs(db, target) {
    const id = target.resourceId.toLowerCase()
    const f = requireConfig({ db }, target, id, 'azure.entra.user', 'azure/<subscription>/entra/users.json and directory-role-assignments.json')
    const v = f.value
    if (v.directoryRoles === null)
      throw new LastmileError('not-found', `${target.finding}: the evidence has no directory role assignments (entra/directory-role-assignments.json); add them before planning`)
    const values: Values = { user: id, upn: v.user?.userPrincipalName ?? null, directoryRoles: v.directoryRoles, azureRoles: v.azureRoles }
    return { values: values as unknown as Record<string, unknown>, evidence: f.evidence, collectedAt: f.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Values
    const azure = v.azureRoles ?? []
    const who = v.upn ?? v.user
    if (!v.directoryRoles.length && !azure.length)
      throw new LastmileError('conflict', `${t.finding}: ${who} holds no role assignment in the evidence; validate the finding instead`)
    const header = headerLines(ctx)
    const fns = [
      `graph_exists() { az rest --method get --url "${GRAPH}/$1" --output none 2>/dev/null; }`,
      `arm_exists() { az rest --method get --url "${ARM}$1?${ARM_API}" --output none 2>/dev/null; }`
    ]
    const steps = [
      ...v.directoryRoles.flatMap((r) => {
        const save = `"$ROLLBACK_DIR/directory-${safeKey(r.id)}.json"`
        return [
          {
            title: `save directory role assignment ${r.id} (${r.role ?? r.roleDefinitionId}) (rollback capture)`,
            check: `[ -s ${save} ] || ! graph_exists ${sq(r.id)}`,
            already: 'saved by an earlier run, or already removed',
            apply: [`az rest --method get --url ${sq(`${GRAPH}/${r.id}`)} > ${save}`]
          },
          {
            title: `remove directory role ${r.role ?? r.roleDefinitionId} (scope ${r.directoryScopeId}) from ${who}`,
            check: `! graph_exists ${sq(r.id)}`,
            already: `the directory role assignment ${r.id} is gone`,
            apply: [`az rest --method delete --url ${sq(`${GRAPH}/${r.id}`)}`],
            verify: `! graph_exists ${sq(r.id)}`
          }
        ]
      }),
      ...azure.flatMap((r) => {
        const save = `"$ROLLBACK_DIR/azure-${safeKey(r.id)}.json"`
        return [
          {
            title: `save Azure role assignment ${r.id} (rollback capture)`,
            check: `[ -s ${save} ] || ! arm_exists ${sq(r.id)}`,
            already: 'saved by an earlier run, or already removed',
            apply: [`az rest --method get --url ${sq(`${ARM}${r.id}?${ARM_API}`)} > ${save}`]
          },
          {
            title: `remove Azure role ${azureRoleName(r)} on ${r.scope} from ${who}`,
            check: `! arm_exists ${sq(r.id)}`,
            already: `the Azure role assignment ${r.id} is gone`,
            apply: [`az rest --method delete --url ${sq(`${ARM}${r.id}?${ARM_API}`)}`],
            verify: `! arm_exists ${sq(r.id)}`
          }
        ]
      })
    ]
    const fix = bashScript({
      title: `Fix: remove the role assignments of guest user ${who}`,
      lines: [...header, 'The guest account stays; only its roles go. Directory roles are tenant-wide: the script is not pinned to a subscription.'],
      tools: ['az'],
      azureSubscription: null,
      rollbackKey: t.finding,
      functions: fns,
      steps,
      done: `${who} holds none of the roles it had`
    })
    const rollback = bashScript({
      title: `Rollback: give guest user ${who} back exactly the role assignments it had`,
      lines: header,
      tools: ['az'],
      azureSubscription: null,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        ...v.directoryRoles.map((r) => ({
          title: `re-create directory role ${r.role ?? r.roleDefinitionId} (scope ${r.directoryScopeId}) for ${who}`,
          check: `az rest --method get --url ${sq(`${GRAPH}?$filter=principalId eq '${r.principalId}' and roleDefinitionId eq '${r.roleDefinitionId}'`)} --query "value[?directoryScopeId=='${r.directoryScopeId}'] | [0].id" --output tsv | grep -q .`,
          already: 'the assignment exists again',
          apply: [`az rest --method post --url ${sq(GRAPH)} --headers Content-Type=application/json --body ${sq(directoryBody(r))} --output none`]
        })),
        ...azure.map((r) => ({
          title: `re-create Azure role assignment ${r.id} on ${r.scope}`,
          check: `arm_exists ${sq(r.id)}`,
          already: 'the assignment exists again',
          apply: [`az rest --method put --url ${sq(`${ARM}${r.id}?${ARM_API}`)} --headers Content-Type=application/json --body ${sq(azureBody(r))} --output none`],
          verify: `arm_exists ${sq(r.id)}`
        }))
      ],
      done: `${who} holds again the role assignments it had before the fix`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `remove the role assignments of ${who}`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `re-create the role assignments of ${who}`, rollback)],
      preconditions: [
        'Azure CLI on PATH, signed in (az login) to the tenant, as a Privileged Role Administrator (directory roles) and with Microsoft.Authorization/roleAssignments/delete and /write on each scope (Azure roles)',
        'the guest did not use its roles in the window: the investigation found no sign-in by it (signInActivity) and no directory operation it initiated; anything it still does with these roles stops',
        'eligible (PIM) assignments are not in roleManagement/directory/roleAssignments and are not removed: review them in Privileged Identity Management'
      ],
      validation: validationText(t),
      notes: [
        `directory roles removed: ${v.directoryRoles.map((r) => `${r.role ?? r.roleDefinitionId} (${r.directoryScopeId})`).join(', ') || 'none'}`,
        v.azureRoles === null
          ? 'Azure role assignments were not in the evidence (role-assignments.json): none is removed'
          : `Azure roles removed: ${azure.map((r) => `${azureRoleName(r)} on ${r.scope}`).join(', ') || 'none'}`
      ]
    }
  }
}
