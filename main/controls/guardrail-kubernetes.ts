// The Kubernetes guardrail kit: Pod Security Admission, the API server's own admission of pods by the
// Pod Security Standards, turned on per namespace by a label (pod-security.kubernetes.io/enforce:
// baseline refuses privileged containers and capabilities beyond Baseline's list; restricted more).
// A kubectl script labels every namespace but the cluster's own, after a server-side dry run that
// lists the running pods each label would refuse (it stops rather than label a namespace that has
// any: those pods would not come back after a restart).
import type { GuardrailView } from '../../shared/remediation'
import { bashScript, sq } from './shell'

/** The namespaces of the cluster's own components, never labelled (their pods need what Baseline refuses). */
export const SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'gatekeeper-system',
  'calico-system',
  'tigera-operator',
  'azure-arc',
  'azure-extensions-usage-system'
]

export function podSecurityAdmissionGuardrail(o: { control: string; level: 'baseline' | 'restricted'; prevents: string; wouldBreak: string[] }): GuardrailView {
  const skip = SYSTEM_NAMESPACES.map((n) => `[${sq(n)}]=1`).join(' ')
  const script = bashScript({
    title: `Guardrail: Pod Security Admission at level ${o.level} (enforce) on every namespace but the cluster's own`,
    lines: [
      'The current kubeconfig context is the cluster (LASTMILE_KUBE_CONTEXT names another).',
      `Left out: ${SYSTEM_NAMESPACES.join(', ')}, and any namespace named in LASTMILE_PSA_SKIP (space-separated).`,
      'Each namespace is labelled only after a server-side dry run shows no running pod it would refuse.'
    ],
    tools: ['kubectl', 'jq'],
    rollbackKey: 'pod-security-admission',
    functions: [
      'CONTEXT="${LASTMILE_KUBE_CONTEXT:-$(kubectl config current-context)}"',
      'k() { kubectl --context "$CONTEXT" "$@"; }',
      `declare -A SKIP=(${skip})`,
      'for n in ${LASTMILE_PSA_SKIP:-}; do SKIP[$n]=1; done'
    ],
    steps: [
      {
        title: `label each namespace pod-security.kubernetes.io/enforce=${o.level}`,
        apply: [
          'for ns in $(k get namespaces --output json | jq -r ".items[].metadata.name"); do',
          '  if [ -n "${SKIP[$ns]:-}" ]; then say "left out: $ns"; continue; fi',
          `  have="$(k get namespace "$ns" --output json | jq -r '.metadata.labels["pod-security.kubernetes.io/enforce"] // ""')"`,
          `  if [ "$have" = ${sq(o.level)} ] || [ "$have" = 'restricted' ]; then say "already enforced in $ns: $have"; continue; fi`,
          // the original label is saved: the rollback puts it back (or removes it)
          '  printf "%s\\t%s\\n" "$ns" "$have" >> "$ROLLBACK_DIR/enforce-labels.tsv"',
          `  warnings="$(k label --dry-run=server --overwrite namespace "$ns" pod-security.kubernetes.io/enforce=${o.level} 2>&1 >/dev/null | grep -i 'violate' || true)"`,
          '  if [ -n "$warnings" ]; then say "not labelled, running pods would be refused in $ns:"; say "$warnings"; continue; fi',
          `  k label --overwrite namespace "$ns" pod-security.kubernetes.io/enforce=${o.level} pod-security.kubernetes.io/enforce-version=latest >/dev/null`,
          `  say "enforced ${o.level} in $ns"`,
          'done'
        ]
      }
    ],
    done: `Pod Security Admission ${o.level} is enforced where no running pod violates it; the namespaces left out are named above`
  })
  return {
    kind: 'kubectl',
    language: 'bash',
    name: `${o.control}.pod-security-admission.sh`,
    content: script,
    control: o.control,
    prevents: o.prevents,
    wouldBreak: [
      ...o.wouldBreak,
      `a new pod that does not meet the ${o.level} level is refused in a labelled namespace (a Deployment's rollout stops); namespaces with such pods running are not labelled, and said`
    ],
    exceptions: SYSTEM_NAMESPACES.map((n) => `namespace ${n}`)
  }
}
