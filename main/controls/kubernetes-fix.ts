// The Kubernetes fix kit: a JSON patch (RFC 6902) of each workload's controller, computed from the
// cluster's workloads.json, applied with `kubectl patch --type=json`, and its rollback: the patch that
// puts back the exact values the evidence showed. Each patch starts with `test` operations on what it
// changes (the container's name at its index, the field's value as the evidence had it), so a live
// object that is no longer what the plan was computed from refuses the patch and nothing changes
// (a JSON patch is applied whole or not at all). The controller is patched, never a pod: the pods are
// replaced by the controller's rollout, as any change of its template does.
import { LastmileError } from '../errors'
import type { FixContext, FixInputs, FixTarget, RenderedFix } from './fix'
import type { Db } from '../db/case-db'
import { artefact, headerLines } from './fix-common'
import { bashScript, message, shellVar, sq } from './shell'
import { listEvidence, readEvidenceBytes } from '../case/evidence'
import {
  kubernetesObjectOf,
  loadWorkloads,
  offenders,
  runsNoContainer,
  systemWorkload,
  workloadScope,
  workloadsOf,
  type Offender,
  type WorkloadConcerns
} from './kubernetes-evidence'
import { workloadText, type Workload, type Workloads } from '../semantics/kubernetes-workloads'

export type PatchOp = { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string }

/** One controller's change: the patch, its rollback, and what it does in words. */
export interface WorkloadPatch {
  kind: string
  namespace: string
  name: string
  patch: PatchOp[]
  rollback: PatchOp[]
  /** the fields the patch changes as the evidence has them, by JSON pointer (null: absent): the state the rollback restores */
  before: Array<{ path: string; value: unknown }>
  /** the same fields as the patch leaves them */
  after: Array<{ path: string; value: unknown }>
  /** what changes, for the plan's notes: "container dind: privileged true → false" */
  changes: string[]
}

/** The kinds `kubectl patch` changes a pod template of (a Pod's own spec cannot change; a ReplicaSet's owner would put it back). */
const PATCHABLE = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'CronJob', 'Job', 'ReplicaSet'])

/**
 * The workloads of a finding that its fix would patch, read from the case's evidence: those its control's
 * concern (one of the folder's `concerns`) finds at fault,
 * less the cluster's own (their fix is UNSAFE: AKS needs them as they are). Refused, with the reason,
 * when the evidence has none or when one at fault cannot be patched (a pod no controller owns, a
 * controller an operator owns).
 */
export function patchTargets(
  db: Db,
  target: FixTarget,
  concerns: WorkloadConcerns
): { offenders: Offender[]; evidence: string[]; collectedAt: string; left: string[]; cluster: string; serviceAccounts: Workloads['serviceAccounts'] } {
  const files = listEvidence(db)
  const concern = concerns[target.control]
  if (!concern) throw new LastmileError('conflict', `${target.finding}: ${target.control} is not a workload control the Kubernetes fix knows`)
  const obj = kubernetesObjectOf(target.resourceId)
  if (obj && runsNoContainer(obj.kind))
    throw new LastmileError(
      'conflict',
      `${target.finding}: ${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name} runs no container: there is nothing to patch; validate the finding instead`
    )
  const s = workloadScope({ id: target.resourceId, type: target.resourceType }, files)
  if (!s.ok) throw new LastmileError('not-found', `${target.finding}: ${s.why}; add an evidence bundle with kubernetes/<cluster>/workloads.json before planning`)
  const l = loadWorkloads(files, (id) => readEvidenceBytes(db, id), s.value.cluster)
  if (!l.ok) throw new LastmileError('not-found', `${target.finding}: ${l.why}; add an evidence bundle with it before planning`)
  const ws = workloadsOf(l.value, s.value)
  if ('why' in ws) throw new LastmileError('not-found', `${target.finding}: ${ws.why}`)
  const o = offenders(ws.workloads, l.value, concern)
  if (o.unknown.length) throw new LastmileError('not-found', `${target.finding}: whether ${o.unknown.join('; ')} — the fix cannot be computed`)
  const own = o.at.filter((x) => systemWorkload(x.workload))
  const mine = o.at.filter((x) => !systemWorkload(x.workload))
  if (!mine.length)
    throw new LastmileError(
      'conflict',
      own.length
        ? `${target.finding}: every workload at fault is the cluster's own (${own.map((x) => workloadText(x.workload)).join(', ')}); AKS deploys it as it is: accept the finding instead`
        : `${target.finding}: no workload in the evidence has ${concern.what}; validate the finding instead`
    )
  const bad = mine.filter((x) => !PATCHABLE.has(x.workload.kind) || x.workload.ownerMissing)
  if (bad.length)
    throw new LastmileError(
      'conflict',
      `${target.finding}: ${bad
        .map((x) =>
          x.workload.ownerMissing
            ? `${workloadText(x.workload)} is owned by ${x.workload.ownerMissing}, not in workloads.json: change it there (a patch here would be put back)`
            : `${workloadText(x.workload)} is a pod no controller owns: its spec cannot change; recreate it from its manifest`
        )
        .join('; ')}`
    )
  const f = files.find((x) => l.files.includes(x.id))
  return {
    offenders: mine,
    evidence: l.files,
    collectedAt: f?.addedAt ?? '',
    left: own.map((x) => workloadText(x.workload)),
    cluster: s.value.cluster,
    serviceAccounts: l.value.serviceAccounts
  }
}

/** The inputs of a workload fix: its patches (their values are the configuration the plan depends on). */
export function workloadFixInputs(db: Db, target: FixTarget, concerns: WorkloadConcerns, patchOf: (o: Offender) => WorkloadPatch): FixInputs {
  const t = patchTargets(db, target, concerns)
  return { values: { patches: t.offenders.map(patchOf), left: t.left }, evidence: t.evidence, collectedAt: t.collectedAt }
}

const fileOf = (p: Pick<WorkloadPatch, 'kind' | 'namespace' | 'name'>): string => `${p.kind.toLowerCase()}-${p.namespace}-${p.name}.json`.replace(/[^A-Za-z0-9_.-]/g, '_')

/** The kubectl resource name of a kind: deployment, daemonset, … */
const resourceOf = (kind: string): string => kind.toLowerCase()

/** The fix and rollback scripts for the patches: kubectl pinned to one context, every change checked first, the original object saved before it changes. */
export function renderWorkloadPatches(ctx: FixContext, o: { title: string; summary: string; preconditions: string[]; clusterName: string }): RenderedFix {
  const t = ctx.target
  // created: service accounts the fix creates before its patches (the rollback deletes them after)
  const v = ctx.inputs.values as { patches: WorkloadPatch[]; left: string[]; created?: Array<{ namespace: string; name: string }> }
  const created = v.created ?? []
  if (!v.patches.length) throw new LastmileError('conflict', `${t.finding}: nothing to patch`)
  const header = headerLines(ctx)
  const fns = [
    // the cluster the plan is for: AKS names the kubeconfig context after the cluster (az aks get-credentials)
    `CONTEXT="\${LASTMILE_KUBE_CONTEXT:-${o.clusterName.replace(/[^A-Za-z0-9_.:@/-]/g, '')}}"`,
    'kubectl config get-contexts "$CONTEXT" >/dev/null 2>&1 || fail "no kubeconfig context $CONTEXT (az aks get-credentials, or set LASTMILE_KUBE_CONTEXT); nothing was changed"',
    'k() { kubectl --context "$CONTEXT" "$@"; }',
    // does the live object hold these values (JSON pointer → value; null: absent)?
    'holds() { k get "$1" "$2" --namespace "$3" --output json | jq -e --argjson want "$4" \'. as $o | all($want[]; . as $w | ($o | getpath($w.path | ltrimstr("/") | split("/") | map(if test("^[0-9]+$") then tonumber else . end))) == $w.value)\' >/dev/null; }'
  ]
  const fix = bashScript({
    title: o.title,
    lines: [
      ...header,
      ...v.patches.flatMap((p) => p.changes.map((c) => `${p.kind} ${p.namespace}/${p.name}: ${c}`)),
      ...(v.left.length ? [`Left as they are (the cluster's own): ${v.left.join(', ')}`] : [])
    ],
    tools: ['kubectl', 'jq'],
    rollbackKey: t.finding,
    functions: fns,
    steps: [
      ...created.map((a) => ({
        title: `create service account ${a.namespace}/${a.name}`,
        check: `k get serviceaccount ${sq(a.name)} --namespace ${sq(a.namespace)} >/dev/null 2>&1`,
        already: `${a.namespace}/${a.name} exists`,
        apply: [
          `k create serviceaccount ${sq(a.name)} --namespace ${sq(a.namespace)} >/dev/null`,
          `printf '%s\\t%s\\n' ${sq(a.namespace)} ${sq(a.name)} >> "$ROLLBACK_DIR/created-service-accounts.tsv"`
        ],
        verify: `k get serviceaccount ${sq(a.name)} --namespace ${sq(a.namespace)} >/dev/null`
      })),
      ...v.patches.flatMap((p) => {
        const done = JSON.stringify(p.after)
        return [
          {
            title: `save ${p.kind} ${p.namespace}/${p.name} as it is (rollback capture)`,
            check: `[ -s "$ROLLBACK_DIR/${fileOf(p)}" ]`,
            already: `${p.namespace}/${p.name} was saved by an earlier run`,
            apply: [`k get ${resourceOf(p.kind)} ${sq(p.name)} --namespace ${sq(p.namespace)} --output json > "$ROLLBACK_DIR/${fileOf(p)}"`]
          },
          {
            title: `patch ${p.kind} ${p.namespace}/${p.name}: ${p.changes.join('; ')}`,
            check: `holds ${resourceOf(p.kind)} ${sq(p.name)} ${sq(p.namespace)} ${sq(done)}`,
            already: `${p.namespace}/${p.name} is already patched`,
            apply: [
              // the test operations refuse the patch when the live object is not what the evidence showed
              `k patch ${resourceOf(p.kind)} ${sq(p.name)} --namespace ${sq(p.namespace)} --type=json --patch ${sq(JSON.stringify(p.patch))} || fail ${sq(`${p.kind} ${p.namespace}/${p.name} is no longer as the evidence showed it (the patch's tests refused it); nothing was changed — collect evidence again`)}`
            ],
            verify: `holds ${resourceOf(p.kind)} ${sq(p.name)} ${sq(p.namespace)} ${sq(done)}`
          }
        ]
      })
    ],
    done: `patched ${v.patches.map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')}; the controllers roll their pods out`
  })
  const rollback = bashScript({
    title: `Rollback: patch back what the fix changed (${v.patches.map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')}), to the values the evidence showed`,
    lines: [...header, `The objects as they were before the fix are in $LASTMILE_ROLLBACK_DIR/${t.finding}/ too (kubectl replace -f restores one whole).`],
    tools: ['kubectl', 'jq'],
    rollbackKey: t.finding,
    functions: fns,
    steps: [
      ...[...v.patches].reverse().map((p) => {
        const back = JSON.stringify(p.before)
        return {
          title: `patch ${p.kind} ${p.namespace}/${p.name} back`,
          check: `holds ${resourceOf(p.kind)} ${sq(p.name)} ${sq(p.namespace)} ${sq(back)}`,
          already: `${p.namespace}/${p.name} has its original values`,
          apply: [
            `k patch ${resourceOf(p.kind)} ${sq(p.name)} --namespace ${sq(p.namespace)} --type=json --patch ${sq(JSON.stringify(p.rollback))} || fail ${message(`${p.kind} ${p.namespace}/${p.name} is not as the fix left it; restore it from ${shellVar('ROLLBACK_DIR')}/${fileOf(p)} with kubectl replace -f`)}`
          ],
          verify: `holds ${resourceOf(p.kind)} ${sq(p.name)} ${sq(p.namespace)} ${sq(back)}`
        }
      }),
      // a service account the fix created is deleted once nothing names it any more (only one this fix's run created)
      ...created.map((a) => ({
        title: `delete service account ${a.namespace}/${a.name}, which the fix created`,
        check: `! k get serviceaccount ${sq(a.name)} --namespace ${sq(a.namespace)} >/dev/null 2>&1`,
        already: `${a.namespace}/${a.name} is gone`,
        apply: [
          `grep -qxF ${sq(`${a.namespace}	${a.name}`)} "$ROLLBACK_DIR/created-service-accounts.tsv" 2>/dev/null || fail ${sq(`${a.namespace}/${a.name} was not created by this fix (no record in the rollback folder); it is left as it is`)}`,
          `k delete serviceaccount ${sq(a.name)} --namespace ${sq(a.namespace)} >/dev/null`
        ]
      }))
    ],
    done: `${v.patches.map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')} have their original values again`
  })
  return {
    artefacts: [artefact(ctx, 'kubectl', 'bash', 'fix.sh', o.summary, fix)],
    rollback: [artefact(ctx, 'kubectl', 'bash', 'rollback.sh', `patch back ${v.patches.map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')}`, rollback)],
    preconditions: [
      'kubectl and jq on PATH, with a kubeconfig context for the cluster (az aks get-credentials; LASTMILE_KUBE_CONTEXT names another) allowed to get and patch the workloads',
      ...o.preconditions
    ],
    validation: `Collect kubernetes/<cluster>/workloads.json again and investigate ${t.finding} anew: no workload of it is at fault any more. Or import a later scan that covers it: \`lastmile validate CASE ${t.finding} --rescan\` closes it once the scanner no longer reports it.`,
    notes: [
      ...v.patches.flatMap((p) => p.changes.map((c) => `${p.kind} ${p.namespace}/${p.name}: ${c}`)),
      ...(v.left.length ? [`left as they are (the cluster's own): ${v.left.join(', ')}`] : [])
    ]
  }
}

/**
 * The kubeconfig context of the cluster a finding on a Kubernetes object names: the cluster as Trivy's
 * k8s scan names it (its kubeconfig context: an EKS cluster's ARN, as aws eks update-kubeconfig names
 * it), else the cluster folder of the evidence.
 */
export const kubeContextOf = (resourceId: string, cluster: string): string => kubernetesObjectOf(resourceId)?.cluster || cluster

/** A container's place in a pod spec, as a JSON pointer. */
export const containerPath = (w: Workload, c: { list: string; index: number }): string => `${w.specPath}/${c.list}/${c.index}`
