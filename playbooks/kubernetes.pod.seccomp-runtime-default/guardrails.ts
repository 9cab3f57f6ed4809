// kubernetes.pod.seccomp-runtime-default's guardrails: Pod Security Admission at level restricted on every
// namespace but the cluster's own (main/controls/guardrail-kubernetes.ts) — restricted requires a
// seccomp profile of RuntimeDefault or Localhost (baseline refuses only an explicit Unconfined); the
// script labels a namespace only when a server-side dry run shows no running pod it would refuse. And, on
// AKS or Arc-enabled clusters, the Azure Policy for Kubernetes built-in "Kubernetes cluster containers
// should only use allowed seccomp profiles" (975ce327-682c-4f2e-aa46-b9598289b86c) with allowedProfiles
// runtime/default and docker/default — the values Microsoft's restricted initiative
// (42b8ef37-b724-4e24-bbc8-7a7708edfe00) gives it — assigned in Audit.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { podSecurityAdmissionGuardrail } from '../../main/controls/guardrail-kubernetes'

export const SECCOMP_POLICY = '975ce327-682c-4f2e-aa46-b9598289b86c'

export function seccompGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    podSecurityAdmissionGuardrail({
      control,
      level: 'restricted',
      prevents: 'new pods with a container whose seccomp profile is neither RuntimeDefault nor Localhost, in every namespace but the cluster’s own',
      wouldBreak: [
        'restricted also refuses pods that run as root, keep default capabilities or allow privilege escalation: a namespace with such pods running is not labelled, and said'
      ]
    }),
    ...policyAssignmentGuardrails({
      control,
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-k8s-seccomp-runtime-default',
          displayName: 'Kubernetes cluster containers should only use allowed seccomp profiles: runtime/default (Lastmile guardrail)',
          definition: SECCOMP_POLICY,
          parameters: { effect: 'Audit', allowedProfiles: ['runtime/default', 'docker/default'] }
        }
      ],
      what: 'the Kubernetes allowed-seccomp-profiles policy (runtime/default)',
      description: 'audit containers without the runtime default seccomp profile in the AKS and Arc-enabled clusters (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every container without the runtime default profile, outside the excluded namespaces, shows as non-compliant; Deny refuses them at admission once none needs another',
      excepted: 'cluster',
      wouldBreak: [
        'nothing is refused (Audit); the policy sees only AKS and Arc-enabled clusters with the Azure Policy add-on (for EKS or another cluster, the Pod Security Admission labels are the guardrail)'
      ]
    })
  ]
}
