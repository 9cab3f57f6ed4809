// kubernetes.pod.no-privilege-escalation's guardrails: Pod Security Admission at level restricted on
// every namespace but the cluster's own (main/controls/guardrail-kubernetes.ts) — restricted is the
// level that requires allowPrivilegeEscalation: false (baseline does not); the script labels a
// namespace only when a server-side dry run shows no running pod it would refuse. And, on AKS or
// Arc-enabled clusters, the Azure Policy for Kubernetes built-in "Kubernetes clusters should not allow
// container privilege escalation" (1c6e92c9-99f0-4e55-9cf2-0c234dc48f99, the NoPrivilegeEscalation
// policy of the restricted initiative 42b8ef37-b724-4e24-bbc8-7a7708edfe00), assigned in Audit.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { podSecurityAdmissionGuardrail } from '../../main/controls/guardrail-kubernetes'

export const NO_ESCALATION_POLICY = '1c6e92c9-99f0-4e55-9cf2-0c234dc48f99'

export function noEscalationGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    podSecurityAdmissionGuardrail({
      control,
      level: 'restricted',
      prevents: 'new pods with a container whose allowPrivilegeEscalation is not false, in every namespace but the cluster’s own',
      wouldBreak: [
        'restricted also refuses pods that run as root, keep default capabilities or set no seccomp profile: a namespace with such pods running is not labelled, and said'
      ]
    }),
    ...policyAssignmentGuardrails({
      control,
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-k8s-no-privilege-escalation',
          displayName: 'Kubernetes clusters should not allow container privilege escalation (Lastmile guardrail)',
          definition: NO_ESCALATION_POLICY,
          parameters: { effect: 'Audit' }
        }
      ],
      what: 'the Kubernetes no-privilege-escalation policy',
      description: 'audit containers that allow privilege escalation in the AKS and Arc-enabled clusters (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every container whose allowPrivilegeEscalation is not false, outside the excluded namespaces, shows as non-compliant; Deny refuses them at admission once none needs it',
      excepted: 'cluster',
      wouldBreak: [
        'nothing is refused (Audit); the policy sees only AKS and Arc-enabled clusters with the Azure Policy add-on (for EKS or another cluster, the Pod Security Admission labels are the guardrail)'
      ]
    })
  ]
}
