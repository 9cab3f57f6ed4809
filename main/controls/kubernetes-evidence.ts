// What the Kubernetes playbooks read of a cluster's evidence folder (kubernetes/<cluster>/,
// docs/evidence-bundle.md): which folder a finding's cluster is, its audit events with the days they
// cover, and what keeps those events from showing that something did not happen in a window.
import { parseRbac, type Rbac } from '../semantics/kubernetes-rbac'
import { daysOf, readClusterAudit, type ClusterAudit } from '../semantics/kubernetes-api'
import { containersOf, ownedKey, parseWorkloads, workloadText, type Container, type Workload, type WorkloadKind, type Workloads } from '../semantics/kubernetes-workloads'
import { parseImages, type ImageUsers } from '../semantics/kubernetes-images'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { outcome, plural, windowText } from './step-common'
import type { StepContext, StepOutcome } from './step'

export type Loaded<T> = { ok: true; value: T; files: string[] } | { ok: false; why: string; files: string[] }

/** The cluster folders of the evidence that hold a file of the kind (rbac.json by default). */
const clusters = (files: readonly EvidenceFileSummary[], kind: EvidenceFileSummary['kind'] = 'kubernetes.rbac'): string[] =>
  [...new Set(files.filter((f) => f.kind === kind).map((f) => f.path.split('/')[1]))].sort()

/**
 * The evidence's folder kubernetes/<cluster>/ of a cluster as the scanner names it (Wiz: its id of the
 * cluster, the resource external id of a cluster finding and part of a subject's or pod's), or the only
 * cluster whose folder holds a file of `kind` (rbac.json by default).
 */
export function clusterFolder(
  clusterId: string,
  files: readonly EvidenceFileSummary[],
  kind: EvidenceFileSummary['kind'] = 'kubernetes.rbac',
  file = 'rbac.json (kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json)',
  unknown = 'who holds what is unknown'
): Loaded<{ cluster: string; chosen: string | null }> {
  const all = clusters(files, kind)
  if (all.includes(clusterId)) return { ok: true, value: { cluster: clusterId, chosen: null }, files: [] }
  if (all.length === 1) return { ok: true, value: { cluster: all[0], chosen: `the only cluster in evidence, kubernetes/${all[0]}/` }, files: [] }
  return {
    ok: false,
    why: all.length
      ? `no folder kubernetes/${clusterId}/ is in evidence (the clusters are ${all.join(', ')}): which cluster the finding is about cannot be told`
      : `no kubernetes/<cluster>/${file} is in evidence: ${unknown}`,
    files: []
  }
}

/** A cluster's audit events in evidence (main/semantics/kubernetes-api.ts reads them: each file once, whatever bundle added it). */
export type Audit = ClusterAudit

/** Every audit event of the cluster in evidence, or why there is none. */
export function loadAudit(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, cluster: string): Loaded<Audit> {
  const scan = readClusterAudit(files, bytes, cluster)
  if (!scan) return { ok: false, why: `no audit log of the cluster is in evidence (kubernetes/${cluster}/audit/)`, files: [] }
  return { ok: true, value: scan, files: scan.files }
}

/** The UTC days of a window ([from, to)), YYYY-MM-DD. */
export const windowDays = daysOf

/** What keeps an audit log from showing that something did not happen in the window: days without events, unread files or lines, verbs nobody's event carries. */
export function auditGaps(a: Audit, window: { from: string; to: string }, verbs: readonly string[]): string[] {
  const days = windowDays(window)
  const missing = days.filter((d) => !a.days.has(d))
  const gaps: string[] = []
  if (missing.length) gaps.push(`the audit files hold no event on ${plural(missing.length, 'day')} of ${windowText(window)} (from ${missing[0]})`)
  if (a.unread.length) gaps.push(`${plural(a.unread.length, 'audit file')} kept as a hash only (${a.unread[0]})`)
  if (a.problems.length) gaps.push(`${plural(a.problems.length, 'unreadable audit line')} (${a.problems[0]})`)
  const unlogged = verbs.filter((v) => !a.events.some((e) => e.verb === v))
  if (unlogged.length)
    gaps.push(
      `no request of anyone with the verb ${unlogged.join(', ')} is in the audit files: the cluster does not log them (AKS kube-audit-admin leaves out get and list; an audit policy may say None)`
    )
  return gaps
}

/** The cluster's rbac.json from the latest bundle that holds it. */
export function loadRbac(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, cluster: string): Loaded<Rbac> {
  const f = files.filter((x) => x.kind === 'kubernetes.rbac' && x.path === `kubernetes/${cluster}/rbac.json`).sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))[0]
  if (!f) return { ok: false, why: `no kubernetes/${cluster}/rbac.json is in evidence: who holds what is unknown`, files: [] }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again`, files: [f.id] }
  const r = parseRbac(b.toString('utf8'), f.path)
  return r.ok ? { ok: true, value: r.value, files: [f.id] } : { ok: false, why: r.why, files: [f.id] }
}

// ---- workloads (kubernetes/<cluster>/workloads.json) ---------------------------------------------

/** The cluster's workloads.json from the latest bundle that holds it. */
export function loadWorkloads(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, cluster: string): Loaded<Workloads> {
  const f = files.filter((x) => x.kind === 'kubernetes.workloads' && x.path === `kubernetes/${cluster}/workloads.json`).sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))[0]
  if (!f) return { ok: false, why: `no kubernetes/${cluster}/workloads.json is in evidence: which workloads run what is unknown`, files: [] }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again`, files: [f.id] }
  const r = parseWorkloads(b.toString('utf8'), f.path)
  return r.ok ? { ok: true, value: r.value, files: [f.id] } : { ok: false, why: r.why, files: [f.id] }
}

/** The cluster's images.json (the configured USER of the images its containers run) from the latest bundle that holds it. */
export function loadImages(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, cluster: string): Loaded<ImageUsers> {
  const f = files.filter((x) => x.kind === 'kubernetes.images' && x.path === `kubernetes/${cluster}/images.json`).sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))[0]
  if (!f) return { ok: false, why: `no kubernetes/${cluster}/images.json is in evidence: the user each image runs as is unknown`, files: [] }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again`, files: [f.id] }
  const r = parseImages(b.toString('utf8'), f.path)
  return r.ok ? { ok: true, value: r.value, files: [f.id] } : { ok: false, why: r.why, files: [f.id] }
}

/** One container of a workload that the finding's control is about, and what it holds. */
export interface OffendingContainer {
  list: 'containers' | 'initContainers' | 'ephemeralContainers'
  index: number
  name: string
  /** "privileged", "adds NET_ADMIN, SYS_ADMIN" */
  what: string
}

/** What a workload-hardening control asks of a workload's pod spec. */
export interface WorkloadConcern {
  /** what a workload at fault has, for explanations ("a privileged container") */
  what: string
  /** the containers at fault (container concerns), or null when the concern is the pod spec's */
  containers?(w: Workload): OffendingContainer[]
  /** for pod-spec concerns: at fault, not, or unknown (with why) */
  pod?(w: Workload, all: Workloads): { at: boolean | null; why: string }
}

/** The concerns of the controls a folder's steps answer, by control id (a folder whose playbook serves other controls declares theirs too). */
export type WorkloadConcerns = Readonly<Record<string, WorkloadConcern>>

/** A concern about containers: `pick` says what a container holds that the control is about, or null when it is not at fault. */
export const containerConcern = (what: string, pick: (c: Container) => string | null): WorkloadConcern => ({
  what,
  containers: (w) =>
    containersOf(w.spec).flatMap(({ list, index, container }) => {
      const p = pick(container)
      return p ? [{ list, index, name: container.name, what: p }] : []
    })
})

/** The workloads a finding is about: all of the cluster (a finding on the cluster), or the one that runs the pod or is the workload named. */
export interface WorkloadScope {
  cluster: string
  /** how the cluster folder was chosen, when not by the id's own cluster */
  chosen: string | null
  /** null: every workload of the cluster */
  only: { kind: string | null; namespace: string; name: string } | null
  /** how the finding is read, for explanations */
  text: string
}

/** The kinds whose pod spec (a pod's own, or a controller's template) workloads.json holds, by their lower-case name. */
const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
  pod: 'Pod',
  deployment: 'Deployment',
  daemonset: 'DaemonSet',
  statefulset: 'StatefulSet',
  replicaset: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob'
}

/**
 * Kinds of the Kubernetes API that have no pod spec and run no container. Trivy's k8s scan runs its
 * pod-spec checks on every object of a namespace and reports some (KSV-0116 among them) on Services,
 * ConfigMaps, ServiceAccounts and roles too: such a finding has nothing to change. A kind not named
 * here or in WORKLOAD_KINDS (a custom resource, which may template pods) is not judged.
 */
const NO_CONTAINER_KINDS: ReadonlySet<string> = new Set(
  [
    'Service',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
    'Namespace',
    'Ingress',
    'IngressClass',
    'NetworkPolicy',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'StorageClass',
    'Endpoints',
    'EndpointSlice',
    'LimitRange',
    'ResourceQuota',
    'PodDisruptionBudget',
    'HorizontalPodAutoscaler',
    'PriorityClass',
    'Node',
    'Lease',
    'CustomResourceDefinition',
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'APIService'
  ].map((k) => k.toLowerCase())
)

/** A Kubernetes object a finding names: Wiz's k8s/<kind>/<cluster>/<namespace>/<name>, or Trivy's k8s:<cluster>/<namespace>/<Kind>/<name> (main/ingest/resource-id.ts). */
export interface KubernetesObjectRef {
  /** the cluster as the id names it ('' when it does not) */
  cluster: string
  kind: string
  namespace: string
  name: string
}

export function kubernetesObjectOf(id: string): KubernetesObjectRef | null {
  const wiz = /^k8s\/(pod|deployment|daemonset|statefulset|replicaset|job|cronjob)\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id)
  if (wiz) return { cluster: wiz[2], kind: WORKLOAD_KINDS[wiz[1].toLowerCase()], namespace: wiz[3], name: wiz[4] }
  // the cluster part may hold slashes (an EKS cluster's ARN) or be empty; namespace, kind and name never do
  const trivy = /^k8s:(.*)\/([^/]*)\/([^/]+)\/([^/]+)$/.exec(id)
  if (trivy) return { cluster: trivy[1], kind: WORKLOAD_KINDS[trivy[3].toLowerCase()] ?? trivy[3], namespace: trivy[2], name: trivy[4] }
  return null
}

/** The kubernetes/<cluster>/ folder name a scanner's cluster would have: an EKS cluster's ARN by its name (arn:aws:eks:…:cluster/<name>). */
const clusterName = (cluster: string): string => (/^arn:aws[a-z-]*:eks:/.test(cluster) ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster)

/** Whether an object of the kind runs no container: the kind has no pod spec (a Service, a ConfigMap, a role). */
export const runsNoContainer = (kind: string): boolean => NO_CONTAINER_KINDS.has(kind.toLowerCase())

const WORKLOAD_IN_MESSAGE = /\b(Pod|Deployment|DaemonSet|StatefulSet|ReplicaSet|ReplicationController|Job|CronJob) '([^']+)'/g

/**
 * Why a finding on an object that runs no container may still be about a workload: the tool's own message names
 * one (Trivy's k8s scan sometimes reports a Deployment's container checks on another object of the namespace — a
 * Role — with the message "Container 'httpbin' of Deployment 'httpbin' should …", aquasecurity/trivy#9170). The
 * object running no container then proves nothing: null when no alert's message names a workload.
 */
export function workloadNamedElsewhere(obj: KubernetesObjectRef, alerts: ReadonlyArray<{ raw: string }>): string | null {
  const named = new Set<string>()
  for (const a of alerts) for (const m of a.raw.matchAll(WORKLOAD_IN_MESSAGE)) named.add(`${m[1]} ${obj.namespace ? `${obj.namespace}/` : ''}${m[2]}`)
  if (!named.size) return null
  const list = [...named].join(', ')
  return `the finding is on ${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name}, which runs no container, but the tool's message names ${list}: the scanner put a workload's check on another object (as Trivy does, aquasecurity/trivy#9170), so the object running no container proves nothing — investigate ${list}`
}

/**
 * A finding's scope from its resource: an AKS cluster (Wiz's id of it), a pod (k8s/pod/<cluster>/<ns>/<pod>),
 * a workload (k8s/<kind>/<cluster>/<ns>/<name>), or any object of Trivy's k8s scan (k8s:<cluster>/<ns>/<Kind>/<name>,
 * whose cluster part may be empty or an EKS ARN: then the only cluster in evidence).
 */
export function workloadScope(resource: { id: string; type: string }, files: readonly EvidenceFileSummary[]): Loaded<WorkloadScope> {
  const obj = kubernetesObjectOf(resource.id)
  if (obj && runsNoContainer(obj.kind))
    return { ok: false, why: `${obj.kind} ${obj.namespace || '(cluster-wide)'}/${obj.name} runs no container: it has no pod spec to change`, files: [] }
  if (obj && !Object.values(WORKLOAD_KINDS).includes(obj.kind as WorkloadKind))
    return {
      ok: false,
      why: `${resource.id} is a ${obj.kind}, neither a workload (Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob) nor a kind known to run no container: whether it runs containers at fault cannot be told`,
      files: []
    }
  const clusterId = obj ? clusterName(obj.cluster) : resource.type === 'azure.aks.cluster' ? resource.id : null
  if (clusterId === null)
    return {
      ok: false,
      why: `${resource.id} is neither a cluster nor a Kubernetes pod or workload id this playbook reads (k8s/pod/<cluster>/<namespace>/<name>, k8s/deployment/…, k8s:<cluster>/<namespace>/<Kind>/<name>)`,
      files: []
    }
  const c = clusterFolder(
    clusterId,
    files,
    'kubernetes.workloads',
    'workloads.json (kubectl get pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,serviceaccounts -A -o json)',
    'which workloads run what is unknown'
  )
  if (!c.ok) return c
  const only = obj ? { kind: obj.kind, namespace: obj.namespace || 'default', name: obj.name } : null
  return {
    ok: true,
    value: { ...c.value, only, text: only ? `${only.kind} ${only.namespace}/${only.name}` : `every workload of the cluster (the finding names the cluster)` },
    files: []
  }
}

/** The workloads of the scope: every one, or the one whose pod (or which) the finding names — by the pod in the file, or by its name when the pod was replaced since the scan. */
export function workloadsOf(all: Workloads, scope: WorkloadScope): { workloads: Workload[]; how: string | null } | { why: string } {
  const o = scope.only
  if (!o) return { workloads: all.workloads, how: null }
  if (o.kind === 'Pod') {
    const w = all.workloads.find((x) => x.namespace === o.namespace && x.pods.some((p) => p.name === o.name))
    if (w) return { workloads: [w], how: w.kind === 'Pod' ? null : `pod ${o.namespace}/${o.name} is run by ${workloadText(w)}` }
    // a pod's name is its controller's name, a hash of the template (Deployment) and a random suffix, or an ordinal (StatefulSet)
    const byName = all.workloads
      .filter(
        (x) =>
          x.namespace === o.namespace &&
          x.kind !== 'Pod' &&
          new RegExp(`^${x.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-([a-z0-9]{5}|[a-z0-9]{6,10}-[a-z0-9]{5}|\\d+)$`).test(o.name)
      )
      .sort((a, b) => b.name.length - a.name.length)
    if (byName.length)
      return {
        workloads: [byName[0]],
        how: `pod ${o.namespace}/${o.name} is not in workloads.json (replaced since the scan); by its name it is a pod of ${workloadText(byName[0])}`
      }
    return { why: `pod ${o.namespace}/${o.name} is not in workloads.json, and no workload of ${o.namespace} has a name it is made from` }
  }
  const w = all.workloads.find((x) => x.namespace === o.namespace && (x.kind === o.kind || x.object.kind === o.kind) && x.name === o.name)
  if (w) return { workloads: [w], how: null }
  // a controller another one owns (Trivy Operator reports a Deployment's checks on its active ReplicaSet, a CronJob's
  // on its Job): the owner is what a person changes, and what would put a patch of the owned one back
  const owner = all.ownedBy.get(ownedKey(o.kind ?? '', o.namespace, o.name))
  if (owner)
    return {
      workloads: [owner],
      how: `${o.kind} ${o.namespace}/${o.name} is owned by ${workloadText(owner)} (its ownerReferences): the owner's template is what runs and what is changed`
    }
  // one replaced since the scan: a ReplicaSet's name is its Deployment's and a hash of the template, a Job's its CronJob's and a schedule time
  const parent = o.kind === 'ReplicaSet' ? 'Deployment' : o.kind === 'Job' ? 'CronJob' : null
  const suffix = o.kind === 'ReplicaSet' ? '[a-z0-9]{6,10}' : '\\d+'
  const byName = parent
    ? all.workloads
        .filter((x) => x.namespace === o.namespace && x.kind === parent && new RegExp(`^${x.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-${suffix}$`).test(o.name))
        .sort((a, b) => b.name.length - a.name.length)
    : []
  if (byName.length)
    return {
      workloads: [byName[0]],
      how: `${o.kind} ${o.namespace}/${o.name} is not in workloads.json (replaced since the scan); by its name it is ${workloadText(byName[0])}'s`
    }
  return { why: `${o.kind} ${o.namespace}/${o.name} is not in workloads.json` }
}

export interface Offender {
  workload: Workload
  containers: OffendingContainer[]
  why: string
}

/** The workloads at fault (with their containers), and those the evidence cannot judge. */
export function offenders(ws: readonly Workload[], all: Workloads, c: WorkloadConcern): { at: Offender[]; unknown: string[] } {
  const at: Offender[] = []
  const unknown: string[] = []
  for (const w of ws) {
    if (c.containers) {
      const cs = c.containers(w)
      if (cs.length) at.push({ workload: w, containers: cs, why: cs.map((x) => `${x.name} ${x.what}`).join('; ') })
    } else if (c.pod) {
      const p = c.pod(w, all)
      if (p.at === null) unknown.push(`${workloadText(w)}: ${p.why}`)
      else if (p.at) at.push({ workload: w, containers: [], why: p.why })
    }
  }
  return { at, unknown }
}

/** Does the workload run pods now (pods in the file, replicas above zero, a CronJob not suspended)? */
export function runs(w: Workload): { yes: boolean; why: string } {
  const live = w.pods.filter((p) => p.phase === null || p.phase === 'Running' || p.phase === 'Pending')
  if (live.length)
    return {
      yes: true,
      why: `${plural(live.length, 'pod')} running (${live
        .slice(0, 3)
        .map((p) => p.name)
        .join(', ')}${live.length > 3 ? ', …' : ''})`
    }
  if (w.replicas !== null && w.replicas > 0) return { yes: true, why: `replicas ${w.replicas}` }
  if (w.kind === 'CronJob' && !w.suspended) return { yes: true, why: 'a CronJob that is not suspended (it starts pods on its schedule)' }
  if (w.kind === 'DaemonSet') return { yes: true, why: 'a DaemonSet (it runs a pod on every node it selects; none is in the file)' }
  return { yes: false, why: w.replicas === 0 ? 'replicas 0 and no pod' : w.kind === 'CronJob' ? 'a suspended CronJob with no pod' : 'no pod' }
}

/**
 * Why a workload is the cluster's own (AKS deploys it and needs what it holds), or null. The rule:
 * it runs in kube-system (AKS's add-ons: the CNI — azure-cns, azure-ip-masq-agent, cilium —, the CSI
 * node drivers csi-azuredisk-node and csi-azurefile-node, kube-proxy, konnectivity, the monitoring and
 * Defender agents), or it carries the label AKS's add-on manager puts on what it reconciles
 * (kubernetes.azure.com/managedby: aks, addonmanager.kubernetes.io/mode), or it runs in the namespace
 * of a network-policy or admission add-on (calico-system, tigera-operator, gatekeeper-system).
 */
export function systemWorkload(w: Pick<Workload, 'namespace' | 'labels'>): string | null {
  if (w.labels['kubernetes.azure.com/managedby'] === 'aks') return 'managed by AKS (label kubernetes.azure.com/managedby: aks), which puts it back as it was'
  if (w.labels['addonmanager.kubernetes.io/mode']) return `reconciled by the add-on manager (label addonmanager.kubernetes.io/mode: ${w.labels['addonmanager.kubernetes.io/mode']})`
  if (w.namespace === 'kube-system') return "in kube-system, where AKS's own add-ons run (CNI, CSI node drivers, kube-proxy, agents)"
  if (['calico-system', 'tigera-operator', 'gatekeeper-system'].includes(w.namespace)) return `in ${w.namespace}, a network-policy or admission add-on of the cluster`
  return null
}

// ---- what every workload step starts from ----------------------------------------------------------

/** The resource types the workload steps answer for: a finding on the cluster, a pod, a workload, or another object of Trivy's k8s scan (which runs no container). */
export const WORKLOAD_TYPES = [
  'azure.aks.cluster',
  'kubernetes.pod',
  'kubernetes.deployment',
  'kubernetes.daemonset',
  'kubernetes.statefulset',
  'kubernetes.replicaset',
  'kubernetes.job',
  'kubernetes.cronjob',
  ...[...NO_CONTAINER_KINDS].map((k) => `kubernetes.${k}`)
] as const

export interface Judged {
  at: Offender[]
  unknown: string[]
  evidence: string[]
  /** how the finding was read: its scope, the cluster folder chosen, the pod resolved by name */
  notes: string[]
  concern: WorkloadConcern
  cluster: string
  /** the finding names an object that runs no container (a Service, a ConfigMap): why nothing of it can be at fault */
  noContainer: string | null
}

/** The objects the finding's alerts name as the target of their result (Trivy's Result Target: "Deployment/httpbin"), from their records' context. */
function targetsOf(records: ReadonlyArray<{ context: unknown }>): string[] {
  return [...new Set(records.flatMap((r) => [...JSON.stringify(r.context ?? null).matchAll(/"Target":"([^"\\]+)"/g)].map((m) => m[1])))]
}

/** The workloads of the finding that its control (one of `concerns`) finds at fault (every step starts here). */
export function judge(ctx: StepContext, concerns: WorkloadConcerns): { error: StepOutcome } | Judged {
  const concern = concerns[ctx.finding.control]
  if (!concern) return { error: outcome('unknown', `${ctx.finding.control} is not a control these steps know the question of`, {}) }
  const obj = kubernetesObjectOf(ctx.finding.resource.id)
  if (obj && runsNoContainer(obj.kind)) {
    // `trivy k8s` can file a workload's results under another object (a Result whose Target is
    // Deployment/httpbin under the Resource of a Role): the finding is then not about what it names
    const records = ctx.ev.alertRecords(ctx.finding.alerts.map((a) => a.id))
    const own = `${obj.kind}/${obj.name}`.toLowerCase()
    const others = targetsOf(records).filter((t) => /^[A-Za-z]+\/[^/]+$/.test(t) && t.toLowerCase() !== own)
    if (others.length)
      return {
        error: outcome(
          'unknown',
          `the finding names ${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name}, which runs no container, but the scanner's result is about ${others.join(', ')} (its Target): which object is at fault cannot be told`,
          {}
        )
      }
    // and a result whose Target is the object, but whose message names a workload (Container 'web' of Deployment 'storefront' …)
    const named = workloadNamedElsewhere(obj, records)
    if (named) return { error: outcome('unknown', named, { sources: ['kubernetes.workloads'] }) }
    return {
      at: [],
      unknown: [],
      evidence: [],
      notes: [],
      concern,
      cluster: obj.cluster,
      noContainer: `${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name} runs no container (a ${obj.kind} has no pod spec), so none of its containers can have ${concern.what}`
    }
  }
  const files = ctx.ev.files()
  const s = workloadScope(ctx.finding.resource, files)
  if (!s.ok) return { error: outcome('unknown', s.why, { sources: ['kubernetes.workloads'] }) }
  const l = loadWorkloads(files, (id) => ctx.ev.bytes(id), s.value.cluster)
  if (!l.ok) return { error: outcome('unknown', l.why, { evidence: [l.files], sources: ['kubernetes.workloads'] }) }
  const ws = workloadsOf(l.value, s.value)
  if ('why' in ws) return { error: outcome('unknown', ws.why, { evidence: [l.files], sources: ['kubernetes.workloads'] }) }
  const o = offenders(ws.workloads, l.value, concern)
  const notes = [s.value.chosen ? `cluster: ${s.value.chosen}` : null, ws.how].filter((x): x is string => !!x)
  return { ...o, evidence: l.files, notes, concern, cluster: s.value.cluster, noContainer: null }
}

export const offenderText = (o: Offender): string => `${workloadText(o.workload)}: ${o.why}`
