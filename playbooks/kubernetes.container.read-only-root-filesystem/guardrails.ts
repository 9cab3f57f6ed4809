// kubernetes.container.read-only-root-filesystem's guardrail: the Azure Policy for Kubernetes built-in
// "Kubernetes cluster containers should run with a read only root file system"
// (df49d893-a74c-421d-bc95-c663042e5b80, Azure/azure-policy ReadOnlyRootFileSystem.json), assigned in
// Audit, for AKS clusters. No Pod Security Admission level asks for it (neither baseline nor restricted
// names readOnlyRootFilesystem), so outside AKS an admission policy of one's own (Gatekeeper, Kyverno,
// a ValidatingAdmissionPolicy) is the way, and none is generated here.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'

export const READ_ONLY_POLICY = 'df49d893-a74c-421d-bc95-c663042e5b80'

export function readOnlyGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
    subscriptions,
    assignments: [
      {
        name: 'lastmile-aks-read-only-root-fs',
        displayName: 'Kubernetes cluster containers should run with a read only root file system (Lastmile guardrail)',
        definition: READ_ONLY_POLICY,
        parameters: { effect: 'Audit' }
      }
    ],
    what: 'the AKS read-only root filesystem policy',
    description: 'audit containers whose root filesystem is writable in the AKS clusters (Azure Policy add-on)',
    prevents:
      'nothing by itself (Audit): every container without readOnlyRootFilesystem: true outside the excluded namespaces shows as non-compliant; Deny refuses them at admission once none needs to write',
    excepted: 'cluster',
    wouldBreak: [
      'nothing is refused (Audit); it applies to AKS clusters with the Azure Policy add-on only (no Pod Security Admission level covers this field): elsewhere an admission policy of your own is needed'
    ]
  })
}
