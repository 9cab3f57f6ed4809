// kubernetes.pod.drop-capabilities's guardrails: Pod Security Admission at level restricted on every
// namespace but the cluster's own (main/controls/guardrail-kubernetes.ts) — restricted requires
// capabilities.drop ALL and allows adding only NET_BIND_SERVICE (baseline does not); the script
// labels a namespace only when a server-side dry run shows no running pod it would refuse. And, on AKS
// or Arc-enabled clusters, the Azure Policy for Kubernetes built-in "Kubernetes cluster containers
// should only use allowed capabilities" (c26596ff-4d70-4e6a-9a30-c2506bd2f80c) with
// requiredDropCapabilities [ALL] and allowedCapabilities [NET_BIND_SERVICE], assigned in Audit (an
// assignment of its own: azure.aks.privileged-containers assigns the same definition with Baseline's list).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { podSecurityAdmissionGuardrail } from '../../main/controls/guardrail-kubernetes'

export const CAPABILITIES_POLICY = 'c26596ff-4d70-4e6a-9a30-c2506bd2f80c'

export function dropCapabilitiesGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    podSecurityAdmissionGuardrail({
      control,
      level: 'restricted',
      prevents: 'new pods with a container that does not drop ALL capabilities or adds one beyond NET_BIND_SERVICE, in every namespace but the cluster’s own',
      wouldBreak: [
        'restricted also refuses pods that run as root, allow privilege escalation or set no seccomp profile: a namespace with such pods running is not labelled, and said'
      ]
    }),
    ...policyAssignmentGuardrails({
      control,
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-k8s-drop-all-capabilities',
          displayName: 'Kubernetes cluster containers should drop ALL capabilities and add only NET_BIND_SERVICE (Lastmile guardrail)',
          definition: CAPABILITIES_POLICY,
          parameters: { effect: 'Audit', requiredDropCapabilities: ['ALL'], allowedCapabilities: ['NET_BIND_SERVICE'] }
        }
      ],
      what: 'the Kubernetes allowed-capabilities policy (drop ALL, add only NET_BIND_SERVICE)',
      description: 'audit containers that keep default capabilities or add others than NET_BIND_SERVICE in the AKS and Arc-enabled clusters (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every container that does not drop ALL or adds another capability, outside the excluded namespaces, shows as non-compliant; Deny refuses them at admission once none needs them',
      excepted: 'cluster',
      wouldBreak: [
        'nothing is refused (Audit); the policy sees only AKS and Arc-enabled clusters with the Azure Policy add-on (for EKS or another cluster, the Pod Security Admission labels are the guardrail)'
      ]
    })
  ]
}
