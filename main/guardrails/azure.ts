// Azure guardrails: Azure Policy assignments of the built-in definitions for storage transfer
// security (FORMATS.md C.7), with the Deny effect, and a policy exemption (category Waiver) for
// each storage account whose fix is UNSAFE or whose risk was accepted — an exemption is Azure
// Policy's own way to leave one resource out of an assignment (Azure Policy docs, "exemption
// structure").
//
// Built-in definitions (Azure Policy built-ins, Storage category): "Secure transfer to storage
// accounts should be enabled" 404c3081-a854-4457-ae30-26a93ef643f9 (parameter effect:
// Audit|Deny|Disabled) and "Storage accounts should have the specified minimum TLS version"
// fe83a0eb-a853-422d-aac2-1bffd182c5d0 (parameters effect, minimumTlsVersion).
import type { GuardrailView } from '../../shared/remediation'
import { bashScript, sq } from '../controls/shell'
import type { GuardrailException } from '../controls/guardrail'

export const SECURE_TRANSFER_POLICY = '404c3081-a854-4457-ae30-26a93ef643f9'
export const MINIMUM_TLS_POLICY = 'fe83a0eb-a853-422d-aac2-1bffd182c5d0'

interface Assignment {
  name: string
  displayName: string
  definition: string
  parameters: Record<string, string>
}

const ASSIGNMENTS: Assignment[] = [
  { name: 'lastmile-storage-secure-transfer', displayName: 'Secure transfer to storage accounts should be enabled (Lastmile guardrail)', definition: SECURE_TRANSFER_POLICY, parameters: { effect: 'Deny' } },
  {
    name: 'lastmile-storage-min-tls-1-2',
    displayName: 'Storage accounts should have the specified minimum TLS version (Lastmile guardrail)',
    definition: MINIMUM_TLS_POLICY,
    parameters: { effect: 'Deny', minimumTlsVersion: 'TLS1_2' }
  }
]

function subscriptionOf(id: string): string | null {
  return /^\/subscriptions\/([0-9a-f-]{36})/i.exec(id)?.[1]?.toLowerCase() ?? null
}

export function azureGuardrails(control: string, exceptions: GuardrailException[], subscriptions: string[]): GuardrailView[] {
  if (control !== 'azure.storage.secure-transfer') return []
  const subs = [...new Set([...subscriptions.map((s) => s.toLowerCase()), ...exceptions.map((e) => subscriptionOf(e.resourceId)).filter((s): s is string => !!s)])].sort()
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { description: `Lastmile guardrail for ${control}: deny storage accounts without secure transfer or with TLS below 1.2` },
    resources: ASSIGNMENTS.map((a) => ({
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
  const assignmentId = (sub: string, a: Assignment) => `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/${a.name}`
  const script = bashScript({
    title: `Guardrail: assign the storage transfer policies (Deny) to ${subs.length ? subs.join(', ') : 'the signed-in subscription'}, with exemptions`,
    lines: ['Each assignment and exemption is created only when missing, so the script can run again.', ...exceptions.map((e) => `Exemption: ${e.resourceId} (${e.finding}: ${e.why})`)],
    tools: ['az', 'jq'],
    rollbackKey: 'azure-policy',
    functions: [`SUBSCRIPTIONS=${sq(subs.join(' '))}`, '[ -n "$SUBSCRIPTIONS" ] || SUBSCRIPTIONS="$(az account show --output json | jq -r .id)"'],
    steps: [
      ...ASSIGNMENTS.map((a) => ({
        title: `assign ${a.displayName} in each subscription`,
        apply: [
          'for sub in $SUBSCRIPTIONS; do',
          `  if az policy assignment show --name ${sq(a.name)} --scope "/subscriptions/$sub" --output none 2>/dev/null; then say "already assigned in $sub: ${a.name}"; continue; fi`,
          `  az policy assignment create --name ${sq(a.name)} --display-name ${sq(a.displayName)} --policy ${sq(a.definition)} --scope "/subscriptions/$sub" --params ${sq(JSON.stringify(Object.fromEntries(Object.entries(a.parameters).map(([k, v]) => [k, { value: v }]))))} --output none`,
          'done'
        ]
      })),
      ...exceptions.flatMap((e) =>
        ASSIGNMENTS.map((a) => {
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
    done: 'the storage transfer policies are assigned, with their exemptions'
  })
  const wouldBreak = [
    'creating or updating a storage account with secure transfer off or TLS below 1.2 is refused (Deny)',
    'clients of excepted accounts keep working; everything else must use HTTPS and TLS 1.2+ (SMB 2.1, NFS 3.0 and custom-domain HTTP are refused under secure transfer)'
  ]
  return [
    {
      kind: 'azure-policy',
      language: 'json',
      name: `${control}.policy-assignments.json`,
      content: `${JSON.stringify(template, null, 2)}\n`,
      control,
      prevents: 'storage accounts without secure transfer or accepting TLS 1.0/1.1, in every subscription the template is deployed to (az deployment sub create)',
      wouldBreak: [...wouldBreak, ...(exceptions.length ? ['the template has no exemptions: deploy the script beside it, which adds them'] : [])],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    {
      kind: 'azure-cli',
      language: 'bash',
      name: `${control}.policy-assignments.sh`,
      content: script,
      control,
      prevents: 'the same, assigned with the Azure CLI, with a Waiver exemption for each excepted account',
      wouldBreak,
      exceptions: exceptions.map((e) => e.resourceId)
    }
  ]
}
