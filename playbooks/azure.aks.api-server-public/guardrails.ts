// azure.aks.api-server-public's guardrail: an Azure Policy assignment of the built-in definition
// "Authorized IP ranges should be defined on Kubernetes Services" (0e246bcf-5f6f-4f87-bc6f-775d4712c7ea,
// Security Center category), whose effect is Audit or Disabled only: it reports every AKS cluster
// without authorized IP ranges, it does not refuse one. A Waiver exemption for each excepted cluster.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails } from '../../main/controls/guardrail-azure'

export const AUTHORIZED_RANGES_POLICY = '0e246bcf-5f6f-4f87-bc6f-775d4712c7ea'

export function aksApiServerGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions,
    subscriptions,
    assignments: [
      {
        name: 'lastmile-aks-authorized-ip-ranges',
        displayName: 'Authorized IP ranges should be defined on Kubernetes Services (Lastmile guardrail)',
        definition: AUTHORIZED_RANGES_POLICY,
        parameters: { effect: 'Audit' }
      }
    ],
    what: 'the AKS authorized IP ranges policy',
    description: 'audit AKS clusters whose API server accepts every internet address',
    prevents:
      'nothing by itself: the built-in definition only audits (Audit or Disabled), so every AKS cluster whose API server has no authorized IP ranges shows as non-compliant in every subscription the template is deployed to; a Deny needs a custom policy definition',
    excepted: 'AKS cluster',
    wouldBreak: ['nothing is refused (Audit): excepted clusters are left out of the compliance report']
  })
}
