// The Azure guardrail kit: Azure Policy assignments of built-in definitions, as a subscription
// deployment template and as an Azure CLI script, with a policy exemption (category Waiver) for
// each resource whose fix is UNSAFE or whose risk was accepted — an exemption is Azure Policy's own
// way to leave one resource out of an assignment (Azure Policy docs, "exemption structure"). A
// control's guardrails (playbooks/<id>/guardrails.ts) name the definitions and say what they
// prevent and would break.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailException } from './guardrail'
import { bashScript, sq } from './shell'

/** One assignment of a built-in policy definition, with its parameters' values. */
export interface PolicyAssignment {
  name: string
  displayName: string
  /** the built-in definition's id (the GUID of /providers/Microsoft.Authorization/policyDefinitions/…) */
  definition: string
  /** each parameter's value (a string, or an object: the approved user and group IDs policy takes its ranges as { ranges: [{ min, max }] }) */
  parameters: Record<string, unknown>
}

/** The subscription of an Azure resource id, lower-cased, or null. */
export function subscriptionOf(id: string): string | null {
  return /^\/subscriptions\/([0-9a-f-]{36})/i.exec(id)?.[1]?.toLowerCase() ?? null
}

export interface PolicyGuardrail {
  control: string
  exceptions: GuardrailException[]
  /** the subscriptions the control's findings are in (the exceptions' own are added) */
  subscriptions: string[]
  assignments: PolicyAssignment[]
  /** what the assignments do together, for the template's description and the script: "the storage transfer policies" */
  what: string
  /** the template's description after "Lastmile guardrail for <control>: " */
  description: string
  /** what the assignments prevent, where the template is deployed */
  prevents: string
  /** what the excepted resources are called: "account" in "a Waiver exemption for each excepted account" */
  excepted: string
  wouldBreak: string[]
}

/**
 * The policy assignments as two guardrails: an ARM subscription deployment template (no
 * exemptions: a template's exemptions would need the assignment's id in each subscription) and an
 * Azure CLI script that assigns them where missing and adds an exemption for each exception.
 */
export function policyAssignmentGuardrails(g: PolicyGuardrail): GuardrailView[] {
  const { control, exceptions, assignments } = g
  const subs = [...new Set([...g.subscriptions.map((s) => s.toLowerCase()), ...exceptions.map((e) => subscriptionOf(e.resourceId)).filter((s): s is string => !!s)])].sort()
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { description: `Lastmile guardrail for ${control}: ${g.description}` },
    resources: assignments.map((a) => ({
      type: 'Microsoft.Authorization/policyAssignments',
      apiVersion: '2022-06-01',
      name: a.name,
      properties: {
        displayName: a.displayName,
        policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${a.definition}`,
        enforcementMode: 'Default',
        parameters: Object.fromEntries(Object.entries(a.parameters).map(([k, v]) => [k, { value: v }]))
      }
    }))
  }
  const assignmentId = (sub: string, a: PolicyAssignment) => `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/${a.name}`
  const script = bashScript({
    title: `Guardrail: assign ${g.what} (${[...new Set(assignments.map((a) => a.parameters.effect ?? 'its default effect'))].join(', ')}) to ${subs.length ? subs.join(', ') : 'the signed-in subscription'}, with exemptions`,
    lines: [
      'Each assignment and exemption is created only when missing, so the script can run again.',
      ...exceptions.map((e) => `Exemption: ${e.resourceId} (${e.finding}: ${e.why})`)
    ],
    tools: ['az', 'jq'],
    rollbackKey: 'azure-policy',
    functions: [`SUBSCRIPTIONS=${sq(subs.join(' '))}`, '[ -n "$SUBSCRIPTIONS" ] || SUBSCRIPTIONS="$(az account show --output json | jq -r .id)"'],
    steps: [
      ...assignments.map((a) => ({
        title: `assign ${a.displayName} in each subscription`,
        apply: [
          'for sub in $SUBSCRIPTIONS; do',
          `  if az policy assignment show --name ${sq(a.name)} --scope "/subscriptions/$sub" --output none 2>/dev/null; then say "already assigned in $sub: ${a.name}"; continue; fi`,
          `  az policy assignment create --name ${sq(a.name)} --display-name ${sq(a.displayName)} --policy ${sq(a.definition)} --scope "/subscriptions/$sub" --params ${sq(JSON.stringify(Object.fromEntries(Object.entries(a.parameters).map(([k, v]) => [k, { value: v }]))))} --output none`,
          'done'
        ]
      })),
      ...exceptions.flatMap((e) =>
        assignments.map((a) => {
          const sub = subscriptionOf(e.resourceId) ?? ''
          const name = `${a.name}-${e.finding.toLowerCase()}`
          return {
            title: `exempt ${e.resourceId} from ${a.name}`,
            check: `az policy exemption show --name ${sq(name)} --scope ${sq(e.resourceId)} --output none 2>/dev/null`,
            already: `${e.resourceId} is already exempt from ${a.name}`,
            apply: [
              `az policy exemption create --name ${sq(name)} --scope ${sq(e.resourceId)} --policy-assignment ${sq(assignmentId(sub, a))} --exemption-category Waiver --description ${sq(`${e.finding}: ${e.why}`.slice(0, 500))} --output none`
            ]
          }
        })
      )
    ],
    done: `${g.what} are assigned, with their exemptions`
  })
  return [
    {
      kind: 'azure-policy',
      language: 'json',
      name: `${control}.policy-assignments.json`,
      content: `${JSON.stringify(template, null, 2)}\n`,
      control,
      prevents: g.prevents,
      wouldBreak: [...g.wouldBreak, ...(exceptions.length ? ['the template has no exemptions: deploy the script beside it, which adds them'] : [])],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    {
      kind: 'azure-cli',
      language: 'bash',
      name: `${control}.policy-assignments.sh`,
      content: script,
      control,
      prevents: `the same, assigned with the Azure CLI, with a Waiver exemption for each excepted ${g.excepted}`,
      wouldBreak: g.wouldBreak,
      exceptions: exceptions.map((e) => e.resourceId)
    }
  ]
}
