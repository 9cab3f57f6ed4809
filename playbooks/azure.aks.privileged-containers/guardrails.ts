// azure.aks.privileged-containers's guardrails: Pod Security Admission at level baseline on every
// namespace but the cluster's own (main/controls/guardrail-kubernetes.ts): the API server refuses a
// pod with a privileged container or a capability beyond Baseline's list. And Azure Policy for
// Kubernetes (the cluster's Azure Policy add-on, Gatekeeper) built-ins, assigned in Audit: "Kubernetes
// cluster should not allow privileged containers" (95edb821-ddaf-4404-9732-666045e056b4) and
// "Kubernetes cluster containers should only use allowed capabilities" (c26596ff-4d70-4e6a-9a30-c2506bd2f80c),
// whose default excludedNamespaces leave kube-system and gatekeeper-system out.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { podSecurityAdmissionGuardrail } from '../../main/controls/guardrail-kubernetes'

export const PRIVILEGED_POLICY = '95edb821-ddaf-4404-9732-666045e056b4'
export const CAPABILITIES_POLICY = 'c26596ff-4d70-4e6a-9a30-c2506bd2f80c'

export function privilegedGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    podSecurityAdmissionGuardrail({
      control,
      level: 'baseline',
      prevents: 'new pods with a privileged container, or a container adding a capability beyond the Baseline list, in every namespace but the cluster’s own',
      wouldBreak: ["the cluster's own namespaces are left out: AKS's CNI and CSI agents there run privileged"]
    }),
    ...policyAssignmentGuardrails({
      control,
      // an exemption is by Azure resource id; a finding on a cluster as Wiz names it (its own id) has none
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-aks-no-privileged',
          displayName: 'Kubernetes cluster should not allow privileged containers (Lastmile guardrail)',
          definition: PRIVILEGED_POLICY,
          parameters: { effect: 'Audit' }
        },
        {
          name: 'lastmile-aks-allowed-capabilities',
          displayName: 'Kubernetes cluster containers should only use allowed capabilities (Lastmile guardrail)',
          definition: CAPABILITIES_POLICY,
          parameters: { effect: 'Audit' }
        }
      ],
      what: 'the AKS privileged container and capability policies',
      description: 'audit privileged containers and added capabilities in the AKS clusters (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every privileged container and every added capability outside the excluded namespaces shows as non-compliant; Deny refuses them at admission once no workload needs them',
      excepted: 'cluster',
      wouldBreak: ['nothing is refused (Audit); the Azure Policy add-on must be enabled on the cluster for the policies to see its pods']
    })
  ]
}
