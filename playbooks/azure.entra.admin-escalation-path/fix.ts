// azure.entra.admin-escalation-path: cut one edge of each path (./cuts.ts), with `az rest` on Microsoft
// Graph. An owner edge: DELETE /{applications|servicePrincipals}/{id}/owners/{ownerId}/$ref, rolled back by
// POST …/owners/$ref with the same directory object. An app role edge: DELETE
// /servicePrincipals/{id}/appRoleAssignments/{assignmentId}, rolled back by POST
// /servicePrincipals/{id}/appRoleAssignments with the same principalId, resourceId and appRoleId (Graph
// gives the new assignment a new id). Each change is checked against the live state first, so the
// scripts can be run again; the assignments the fix removes are saved live before they go.
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText, verdictPreconditions, type StepWording } from '../../main/controls/fix-common'
import { cutsOf, cutsText, type AssignmentCut, type OwnerCut } from './cuts'

export const CONTROL = 'azure.entra.admin-escalation-path'
export const GRAPH = 'https://graph.microsoft.com/v1.0'

interface Values {
  principal: string
  name: string | null
  owners: OwnerCut[]
  assignments: AssignmentCut[]
  uncut: number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** An app role assignment id (base64url of the principal id): nothing a shell or a JMESPath query could read otherwise. */
const ASSIGNMENT_ID = /^[A-Za-z0-9_-]{10,64}$/

/** The body that re-creates an ownership: a reference to the same directory object. */
export const ownerBody = (ownerId: string): string => JSON.stringify({ '@odata.id': `${GRAPH}/directoryObjects/${ownerId}` })
/** The body that re-creates an app role assignment: the same client, resource and app role. */
export const assignmentBody = (a: AssignmentCut): string => JSON.stringify({ principalId: a.principalId, resourceId: a.resourceId, appRoleId: a.appRoleId })

/** What an approver must know for the answers the fix's safety rests on (the investigation's own explanation follows each). */
const WORDING: StepWording = {
  cut: { no: 'this script does not cut every path: the rest must be cut by hand' },
  'edge-used': {
    yes: 'the edge this fix cuts WAS used in the window, and what relied on it stops',
    no: 'the edge this fix cuts was not used in the window',
    unknown: 'whether the edge this fix cuts was used is not known'
  },
  'app-in-use': {
    yes: 'the application is in use: whoever relies on it must agree',
    no: 'the application did not sign in during the window',
    unknown: 'whether the application is in use is not known'
  }
}

export const escalationFix: FixRenderer = {
  control: CONTROL,
  summary: 'cut the path to an admin group: remove the principal as owner of the application it owns, or the application’s Graph permission that writes group membership',
  inputs(db, target) {
    const id = target.resourceId.toLowerCase()
    const f = requireConfig(
      { db },
      target,
      id,
      'azure.entra.escalation',
      'azure/<subscription>/entra/applications.json, service-principals.json, app-role-assignments.json and groups.json'
    )
    const c = cutsOf(f.value)
    for (const o of c.owners)
      if (!GUID.test(o.objectId) || !GUID.test(o.ownerId))
        throw new LastmileError('bad-input', `${target.finding}: ${o.collection}/${o.objectId} owner ${o.ownerId} is not an object id`)
    for (const a of c.assignments)
      if (!ASSIGNMENT_ID.test(a.id) || ![a.principalId, a.resourceId, a.appRoleId].every((x) => GUID.test(x)))
        throw new LastmileError('bad-input', `${target.finding}: app role assignment "${a.id}" is not one Graph gives`)
    const values: Values = { principal: id, name: f.value.principal.name, owners: c.owners, assignments: c.assignments, uncut: c.uncut.length }
    return { values: values as unknown as Record<string, unknown>, evidence: f.evidence, collectedAt: f.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Values
    const who = v.name ?? v.principal
    if (!v.owners.length && !v.assignments.length)
      throw new LastmileError(
        'conflict',
        v.uncut
          ? `${t.finding}: the paths of ${who} run through directory roles or group ownership this fix cannot cut; review them by hand`
          : `${t.finding}: ${who} has no path to an admin group in the evidence; validate the finding instead`
      )
    const header = headerLines(ctx)
    const fns = [
      `is_owner() { az rest --method get --url "${GRAPH}/$1/$2/owners" --query "value[?id=='$3'].id" --output tsv | grep -q .; }`,
      `has_assignment() { az rest --method get --url "${GRAPH}/servicePrincipals/$1/appRoleAssignments" --query "value[?id=='$2'].id" --output tsv | grep -q .; }`,
      `holds_role() { az rest --method get --url "${GRAPH}/servicePrincipals/$1/appRoleAssignments" --query "value[?resourceId=='$2' && appRoleId=='$3'].id" --output tsv | grep -q .; }`
    ]
    const steps = [
      ...v.owners.map((o) => ({
        title: `remove ${who} as an owner of ${o.collection}/${o.objectId} (${o.app})`,
        check: `! is_owner ${o.collection} ${sq(o.objectId)} ${sq(o.ownerId)}`,
        already: `${who} no longer owns ${o.collection}/${o.objectId}`,
        apply: [`az rest --method delete --url ${sq(`${GRAPH}/${o.collection}/${o.objectId}/owners/${o.ownerId}/$ref`)}`],
        verify: `! is_owner ${o.collection} ${sq(o.objectId)} ${sq(o.ownerId)}`
      })),
      ...v.assignments.flatMap((a) => {
        const save = `"$ROLLBACK_DIR/app-role-assignment-${a.id}.json"`
        return [
          {
            title: `save app role assignment ${a.id} (${a.permission} of ${a.app}) (rollback capture)`,
            check: `[ -s ${save} ] || ! has_assignment ${sq(a.principalId)} ${sq(a.id)}`,
            already: 'saved by an earlier run, or already removed',
            apply: [`az rest --method get --url ${sq(`${GRAPH}/servicePrincipals/${a.principalId}/appRoleAssignments/${a.id}`)} > ${save}`]
          },
          {
            title: `remove ${a.permission} from ${a.app}`,
            check: `! has_assignment ${sq(a.principalId)} ${sq(a.id)}`,
            already: `the app role assignment ${a.id} is gone`,
            apply: [`az rest --method delete --url ${sq(`${GRAPH}/servicePrincipals/${a.principalId}/appRoleAssignments/${a.id}`)}`],
            verify: `! has_assignment ${sq(a.principalId)} ${sq(a.id)}`
          }
        ]
      })
    ]
    const fix = bashScript({
      title: `Fix: cut the path from ${who} to an admin group`,
      lines: [...header, 'Microsoft Graph objects are tenant-wide: the script is not pinned to a subscription.', ...cutsText({ ...v, uncut: [] }).map((x) => `- ${x}`)],
      tools: ['az'],
      azureSubscription: null,
      rollbackKey: t.finding,
      functions: fns,
      steps,
      done: `${who} can no longer reach an admin group through these applications`
    })
    const rollback = bashScript({
      title: `Rollback: give back exactly the ownerships and permissions the fix removed from the path of ${who}`,
      lines: header,
      tools: ['az'],
      azureSubscription: null,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        ...v.owners.map((o) => ({
          title: `make ${who} an owner of ${o.collection}/${o.objectId} (${o.app}) again`,
          check: `is_owner ${o.collection} ${sq(o.objectId)} ${sq(o.ownerId)}`,
          already: `${who} owns ${o.collection}/${o.objectId} again`,
          apply: [
            `az rest --method post --url ${sq(`${GRAPH}/${o.collection}/${o.objectId}/owners/$ref`)} --headers Content-Type=application/json --body ${sq(ownerBody(o.ownerId))} --output none`
          ],
          verify: `is_owner ${o.collection} ${sq(o.objectId)} ${sq(o.ownerId)}`
        })),
        ...v.assignments.map((a) => ({
          title: `give ${a.app} back ${a.permission}`,
          check: `holds_role ${sq(a.principalId)} ${sq(a.resourceId)} ${sq(a.appRoleId)}`,
          already: `${a.app} holds ${a.permission} again`,
          apply: [
            `az rest --method post --url ${sq(`${GRAPH}/servicePrincipals/${a.principalId}/appRoleAssignments`)} --headers Content-Type=application/json --body ${sq(assignmentBody(a))} --output none`
          ],
          verify: `holds_role ${sq(a.principalId)} ${sq(a.resourceId)} ${sq(a.appRoleId)}`
        }))
      ],
      done: `the ownerships and permissions on the path of ${who} are as they were before the fix`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `cut the path from ${who} to an admin group`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `restore the ownerships and permissions the fix removed`, rollback)],
      preconditions: [
        'Azure CLI on PATH, signed in (az login) to the tenant as an Application Administrator or Cloud Application Administrator: enough to remove owners and app role assignments (Graph: AppRoleAssignment.ReadWrite.All)',
        ...(v.assignments.length
          ? [
              'keep a Privileged Role Administrator at hand for the rollback: re-granting a Microsoft Graph application permission is beyond Application Administrators (Microsoft Entra built-in roles)'
            ]
          : []),
        ...verdictPreconditions(ctx.db, t, WORDING, `nothing shows whether the owner or the application used the edge this fix cuts; investigate it first (lastmile investigate)`),
        ...(v.uncut ? [`${v.uncut} path(s) run through directory roles or group ownership and are NOT cut by this script: review them by hand`] : [])
      ],
      validation: validationText(t),
      notes: [
        `owners removed: ${v.owners.map((o) => `${o.collection}/${o.objectId} (${o.app})`).join(', ') || 'none'}`,
        `app role assignments removed: ${v.assignments.map((a) => `${a.permission} of ${a.app} (${a.id})`).join(', ') || 'none'}`
      ]
    }
  }
}
