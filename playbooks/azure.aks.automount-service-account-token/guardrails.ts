// azure.aks.automount-service-account-token's guardrail: the Azure Policy for Kubernetes built-in
// "Kubernetes clusters should disable automounting API credentials" (423dd1ba-798e-40e4-9c4d-b6902674b423),
// assigned in Audit. Pod Security Admission has no rule for service account tokens.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'

export const AUTOMOUNT_POLICY = '423dd1ba-798e-40e4-9c4d-b6902674b423'

export function automountGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
    subscriptions,
    assignments: [
      {
        name: 'lastmile-aks-no-automount',
        displayName: 'Kubernetes clusters should disable automounting API credentials (Lastmile guardrail)',
        definition: AUTOMOUNT_POLICY,
        parameters: { effect: 'Audit' }
      }
    ],
    what: 'the AKS service account token policy',
    description: 'audit pods that get a service account token mounted in the AKS clusters (Azure Policy add-on)',
    prevents: 'nothing by itself (Audit): every pod that mounts its service account token without needing to shows as non-compliant',
    excepted: 'cluster',
    wouldBreak: ['nothing is refused (Audit); the Azure Policy add-on must be enabled on the cluster for the policy to see its pods']
  })
}
