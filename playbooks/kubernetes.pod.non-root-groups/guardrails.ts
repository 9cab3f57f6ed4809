// kubernetes.pod.non-root-groups's guardrail: Pod Security Admission has no rule for groups (the Pod
// Security Standards list "non-root groups" as optional, and the restricted level does not check
// runAsGroup, fsGroup or supplementalGroups), so the guardrail is Azure Policy for Kubernetes' built-in
// "Kubernetes cluster pods and containers should only run with approved user and group IDs"
// (f06ddb64-5fa3-4b77-b166-acb36f7f6042, the Gatekeeper template k8spspallowedusers), assigned in Audit
// with runAsGroup, supplementalGroups and fsGroup allowed from 1 to 65535 when set (MayRunAs: not set
// stays allowed, as the check's own resolution says). Its default excludedNamespaces leave kube-system
// and gatekeeper-system out. It needs the cluster's Azure Policy add-on: an AKS cluster, or one
// connected to Azure Arc; for another cluster, the same template from the Gatekeeper library does it.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'

export const USER_GROUP_IDS_POLICY = 'f06ddb64-5fa3-4b77-b166-acb36f7f6042'

const NON_ROOT = { ranges: [{ min: 1, max: 65535 }] }

export function nonRootGroupsGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    // an exemption is by Azure resource id; a finding on an object of Trivy's k8s scan has none
    exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
    subscriptions,
    assignments: [
      {
        name: 'lastmile-k8s-non-root-groups',
        displayName: 'Kubernetes cluster pods and containers should only run with approved user and group IDs: no group 0 (Lastmile guardrail)',
        definition: USER_GROUP_IDS_POLICY,
        parameters: {
          effect: 'Audit',
          runAsUserRule: 'RunAsAny',
          runAsGroupRule: 'MayRunAs',
          runAsGroupRanges: NON_ROOT,
          supplementalGroupsRule: 'MayRunAs',
          supplementalGroupsRanges: NON_ROOT,
          fsGroupRule: 'MayRunAs',
          fsGroupRanges: NON_ROOT
        }
      }
    ],
    what: 'the Kubernetes approved user and group IDs policy (no group 0)',
    description: 'audit pods whose runAsGroup, fsGroup or supplementalGroups is 0 (Azure Policy add-on)',
    prevents:
      'nothing by itself (Audit): every pod giving its processes group 0 outside the excluded namespaces shows as non-compliant; Deny refuses them at admission once no workload needs group 0',
    excepted: 'cluster',
    wouldBreak: ['nothing is refused (Audit); the Azure Policy add-on must be enabled on the cluster (AKS, or Azure Arc) for the policy to see its pods']
  })
}
