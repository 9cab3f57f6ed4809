// kubernetes.pod.run-as-non-root's guardrails: Pod Security Admission at level restricted on every
// namespace but the cluster's own (main/controls/guardrail-kubernetes.ts): the API server refuses a pod
// whose containers do not set runAsNonRoot true (on the container or the pod) or set runAsUser 0 —
// and everything else restricted asks (allowPrivilegeEscalation false, capabilities drop ALL, a
// RuntimeDefault or Localhost seccomp profile, restricted volume types), which the script's server-side
// dry run lists before labelling a namespace. And Azure Policy for Kubernetes' built-in "Kubernetes
// cluster pods and containers should only run with approved user and group IDs"
// (f06ddb64-5fa3-4b77-b166-acb36f7f6042) with runAsUserRule MustRunAsNonRoot, in Audit: that one
// question only, on an AKS or Azure Arc cluster.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { podSecurityAdmissionGuardrail } from '../../main/controls/guardrail-kubernetes'

export const USER_GROUP_IDS_POLICY = 'f06ddb64-5fa3-4b77-b166-acb36f7f6042'

export function runAsNonRootGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    podSecurityAdmissionGuardrail({
      control,
      level: 'restricted',
      prevents: 'new pods whose containers may run as root (runAsNonRoot not true, or runAsUser 0), in every namespace but the cluster’s own',
      wouldBreak: [
        'restricted refuses more than root: a pod must also set allowPrivilegeEscalation false, drop ALL capabilities and use a RuntimeDefault or Localhost seccomp profile; the dry run names every running pod it would refuse, and the script labels no namespace that has one',
        "the cluster's own namespaces are left out"
      ]
    }),
    ...policyAssignmentGuardrails({
      control,
      // an exemption is by Azure resource id; a finding on an object of Trivy's k8s scan has none
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-k8s-run-as-non-root',
          displayName: 'Kubernetes cluster pods and containers should only run with approved user and group IDs: non-root (Lastmile guardrail)',
          definition: USER_GROUP_IDS_POLICY,
          parameters: { effect: 'Audit', runAsUserRule: 'MustRunAsNonRoot', runAsGroupRule: 'RunAsAny', supplementalGroupsRule: 'RunAsAny', fsGroupRule: 'RunAsAny' }
        }
      ],
      what: 'the Kubernetes approved user and group IDs policy (non-root)',
      description: 'audit containers that may run as root (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every container that may run as root outside the excluded namespaces shows as non-compliant; Deny refuses them at admission once none needs root',
      excepted: 'cluster',
      wouldBreak: ['nothing is refused (Audit); the Azure Policy add-on must be enabled on the cluster (AKS, or Azure Arc) for the policy to see its pods']
    })
  ]
}
