// kubernetes.container.resources's guardrails. A LimitRange in every namespace but the cluster's own
// (kubernetes.io/docs/concepts/policy/limit-range): the API server gives a container that sets no
// request or limit the LimitRange's defaultRequest and default when its pod is admitted, so no new pod
// runs without them. It changes pods, not the controllers' templates (Trivy's k8s scan reads the
// templates, and still reports them), and a default limit caps a new container that needs more: the
// values are the script's parameters, and a namespace that has a LimitRange is left as it is. And the
// Azure Policy for Kubernetes built-in "Kubernetes cluster containers CPU and memory resource limits
// should not exceed the specified limits" (e345eecc-fa47-480f-9e88-67dcc122b164; its Gatekeeper
// template counts a container without limits as non-compliant), and "Kubernetes cluster containers CPU and
// memory resource requests must be defined" (03a4ecdb-0684-4039-be91-2762979e1bc8, in preview), both
// assigned in Audit, for AKS clusters.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, subscriptionOf } from '../../main/controls/guardrail-azure'
import { SYSTEM_NAMESPACES } from '../../main/controls/guardrail-kubernetes'
import { bashScript, sq } from '../../main/controls/shell'

export const CONTAINER_LIMITS_POLICY = 'e345eecc-fa47-480f-9e88-67dcc122b164'
export const CONTAINER_REQUESTS_POLICY = '03a4ecdb-0684-4039-be91-2762979e1bc8'

/** The LimitRange's values when the script is not told others (LASTMILE_DEFAULT_CPU_REQUEST …). */
export const LIMIT_RANGE_DEFAULTS = { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1', memoryLimit: '512Mi' }

export function limitRangeGuardrail(control: string): GuardrailView {
  const d = LIMIT_RANGE_DEFAULTS
  const skip = SYSTEM_NAMESPACES.map((n) => `[${sq(n)}]=1`).join(' ')
  const script = bashScript({
    title: "Guardrail: a LimitRange with default requests and limits in every namespace but the cluster's own",
    lines: [
      'The current kubeconfig context is the cluster (LASTMILE_KUBE_CONTEXT names another).',
      `Left out: ${SYSTEM_NAMESPACES.join(', ')}, any namespace named in LASTMILE_LIMITRANGE_SKIP (space-separated), and any namespace that has a LimitRange already.`,
      `Values (override with LASTMILE_DEFAULT_CPU_REQUEST, _MEMORY_REQUEST, _CPU_LIMIT, _MEMORY_LIMIT): requests ${d.cpuRequest} CPU and ${d.memoryRequest}, limits ${d.cpuLimit} CPU and ${d.memoryLimit}.`,
      'A container that sets its own request or limit keeps it; the defaults apply to new pods only.'
    ],
    tools: ['kubectl', 'jq'],
    rollbackKey: 'limit-range',
    functions: [
      'CONTEXT="${LASTMILE_KUBE_CONTEXT:-$(kubectl config current-context)}"',
      'k() { kubectl --context "$CONTEXT" "$@"; }',
      `declare -A SKIP=(${skip})`,
      'for n in ${LASTMILE_LIMITRANGE_SKIP:-}; do SKIP[$n]=1; done',
      `CPU_REQUEST="\${LASTMILE_DEFAULT_CPU_REQUEST:-${d.cpuRequest}}"; MEMORY_REQUEST="\${LASTMILE_DEFAULT_MEMORY_REQUEST:-${d.memoryRequest}}"`,
      `CPU_LIMIT="\${LASTMILE_DEFAULT_CPU_LIMIT:-${d.cpuLimit}}"; MEMORY_LIMIT="\${LASTMILE_DEFAULT_MEMORY_LIMIT:-${d.memoryLimit}}"`
    ],
    steps: [
      {
        title: 'create LimitRange lastmile-default-resources in each namespace without one',
        apply: [
          'for ns in $(k get namespaces --output json | jq -r ".items[].metadata.name"); do',
          '  if [ -n "${SKIP[$ns]:-}" ]; then say "left out: $ns"; continue; fi',
          '  if [ "$(k get limitranges --namespace "$ns" --output json | jq ".items | length")" != 0 ]; then say "has a LimitRange already: $ns"; continue; fi',
          `  jq -n --arg ns "$ns" --arg cr "$CPU_REQUEST" --arg mr "$MEMORY_REQUEST" --arg cl "$CPU_LIMIT" --arg ml "$MEMORY_LIMIT" '{apiVersion: "v1", kind: "LimitRange", metadata: {name: "lastmile-default-resources", namespace: $ns}, spec: {limits: [{type: "Container", defaultRequest: {cpu: $cr, memory: $mr}, default: {cpu: $cl, memory: $ml}}]}}' | k create --filename - >/dev/null`,
          // the rollback deletes exactly the LimitRanges this script created
          '  printf "%s\\n" "$ns" >> "$ROLLBACK_DIR/created-limit-ranges.txt"',
          '  say "created in $ns"',
          'done'
        ]
      }
    ],
    done: 'every namespace but the left-out ones gives containers default requests and limits (delete lastmile-default-resources in the namespaces of $ROLLBACK_DIR/created-limit-ranges.txt to undo)'
  })
  return {
    kind: 'kubectl',
    language: 'bash',
    name: `${control}.limit-range.sh`,
    content: script,
    control,
    prevents:
      'new pods whose containers set no CPU or memory request or limit: the API server gives them the LimitRange defaults at admission (the controllers’ templates stay as they are, and Trivy still reports them)',
    wouldBreak: [
      `a new container that sets no limit is capped at the default (${d.cpuLimit} CPU, ${d.memoryLimit}): one that needs more is throttled or OOM-killed; set the workload's own values first, or raise the defaults`,
      'a namespace with a ResourceQuota counts the defaults: more pods may exceed it'
    ],
    exceptions: SYSTEM_NAMESPACES.map((n) => `namespace ${n}`)
  }
}

export function resourcesGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return [
    limitRangeGuardrail(control),
    ...policyAssignmentGuardrails({
      control,
      exceptions: exceptions.filter((e) => subscriptionOf(e.resourceId)),
      subscriptions,
      assignments: [
        {
          name: 'lastmile-aks-container-limits',
          displayName: 'Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits (Lastmile guardrail)',
          definition: CONTAINER_LIMITS_POLICY,
          // the ceilings are required parameters; these are above what a node of the common VM sizes gives, so the assignment audits containers without limits: lower them to your own ceiling
          parameters: { effect: 'Audit', cpuLimit: '16', memoryLimit: '64Gi' }
        },
        {
          name: 'lastmile-aks-container-requests',
          displayName: 'Kubernetes cluster containers CPU and memory resource requests must be defined (Lastmile guardrail)',
          definition: CONTAINER_REQUESTS_POLICY,
          parameters: { effect: 'Audit' }
        }
      ],
      what: 'the AKS container resource limits policy',
      description: 'audit containers without CPU and memory limits in the AKS clusters (Azure Policy add-on)',
      prevents:
        'nothing by itself (Audit): every container without a CPU or memory limit (or above 16 CPU, 64Gi) outside the excluded namespaces shows as non-compliant; Deny refuses them at admission',
      excepted: 'cluster',
      wouldBreak: [
        'nothing is refused (Audit); it applies to AKS clusters with the Azure Policy add-on, not to clusters elsewhere (EKS, on-premises): there the LimitRange is the guardrail'
      ]
    })
  ]
}
