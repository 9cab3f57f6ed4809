// A Kubernetes cluster's workloads (docs/evidence-bundle.md, kubernetes/<cluster>/workloads.json):
// `kubectl get pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,serviceaccounts -A -o json`,
// a List. What is read of it: each object's kind, name, namespace, labels and controller owner
// reference; the pod spec each runs or templates (Pod: spec; Deployment, DaemonSet, StatefulSet,
// ReplicaSet, Job: spec.template.spec; CronJob: spec.jobTemplate.spec.template.spec) with its service
// account, automountServiceAccountToken, its securityContext (runAsUser, runAsGroup, runAsNonRoot,
// seccompProfile, fsGroup, supplementalGroups) and its containers' securityContext (privileged,
// allowPrivilegeEscalation, capabilities, runAsUser, runAsGroup, runAsNonRoot, seccompProfile) and ports; replicas; a pod's phase; a ServiceAccount's
// automountServiceAccountToken. A workload is the top controller a pod's owner references lead to
// (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), or a pod that no controller owns.
import { z } from 'zod'
import { parseJson } from './json-text'
import type { Parsed } from './kubernetes-rbac'

const Capabilities = z.object({ add: z.array(z.string()).nullish(), drop: z.array(z.string()).nullish() }).passthrough()
const SeccompProfile = z.object({ type: z.string(), localhostProfile: z.string().nullish() }).passthrough()
// the fields a container inherits from the pod's securityContext when it does not set them (main/semantics/kubernetes-security-context.ts)
const Identity = { runAsUser: z.number().int().nullish(), runAsGroup: z.number().int().nullish(), runAsNonRoot: z.boolean().nullish(), seccompProfile: SeccompProfile.nullish() }
const SecurityContext = z
  .object({ privileged: z.boolean().nullish(), allowPrivilegeEscalation: z.boolean().nullish(), capabilities: Capabilities.nullish(), ...Identity })
  .passthrough()
const ContainerPort = z.object({ containerPort: z.number().int(), protocol: z.string().nullish() }).passthrough()
const Container = z.object({ name: z.string(), image: z.string().optional(), securityContext: SecurityContext.nullish(), ports: z.array(ContainerPort).nullish() }).passthrough()
export const PodSpec = z
  .object({
    // fsGroup and supplementalGroups are the pod's only: the groups every container's process gets besides its primary one
    securityContext: z
      .object({ ...Identity, fsGroup: z.number().int().nullish(), supplementalGroups: z.array(z.number().int()).nullish() })
      .passthrough()
      .nullish(),
    serviceAccountName: z.string().nullish(),
    serviceAccount: z.string().nullish(),
    automountServiceAccountToken: z.boolean().nullish(),
    containers: z.array(Container),
    initContainers: z.array(Container).nullish(),
    ephemeralContainers: z.array(Container).nullish()
  })
  .passthrough()
export type PodSpec = z.infer<typeof PodSpec>
export type Container = z.infer<typeof Container>

const OwnerRef = z.object({ kind: z.string(), name: z.string(), controller: z.boolean().nullish() }).passthrough()
const Meta = z
  .object({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullish(),
    ownerReferences: z.array(OwnerRef).nullish()
  })
  .passthrough()

const Template = z.object({ spec: PodSpec }).passthrough()
const Pod = z.object({ kind: z.literal('Pod'), metadata: Meta, spec: PodSpec, status: z.object({ phase: z.string().optional() }).passthrough().nullish() }).passthrough()
const Controller = z
  .object({
    kind: z.enum(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job']),
    metadata: Meta,
    spec: z.object({ replicas: z.number().nullish(), template: Template }).passthrough(),
    status: z.object({}).passthrough().nullish()
  })
  .passthrough()
const CronJob = z
  .object({
    kind: z.literal('CronJob'),
    metadata: Meta,
    spec: z.object({ suspend: z.boolean().nullish(), jobTemplate: z.object({ spec: z.object({ template: Template }).passthrough() }).passthrough() }).passthrough()
  })
  .passthrough()
const ServiceAccount = z.object({ kind: z.literal('ServiceAccount'), metadata: Meta, automountServiceAccountToken: z.boolean().nullish() }).passthrough()

/** workloads.json: a List of those kinds (another kind in it is refused: the file is not what was asked for). */
export const WorkloadList = z.object({ kind: z.literal('List'), items: z.array(z.union([Pod, Controller, CronJob, ServiceAccount])) }).passthrough()
type Item = z.infer<typeof WorkloadList>['items'][number]

export type WorkloadKind = 'Pod' | 'Deployment' | 'DaemonSet' | 'StatefulSet' | 'ReplicaSet' | 'Job' | 'CronJob'

/** A workload: what a person would change (a controller, or a pod no controller owns), with the pods it runs. */
export interface Workload {
  kind: WorkloadKind
  namespace: string
  name: string
  labels: Record<string, string>
  /** the pod spec it runs (a pod) or templates (a controller) */
  spec: PodSpec
  /** the JSON pointer of that spec in the object (for patches): /spec, /spec/template/spec, /spec/jobTemplate/spec/template/spec */
  specPath: string
  /** spec.replicas of a Deployment, StatefulSet or ReplicaSet (null: not given or not that kind) */
  replicas: number | null
  /** a CronJob's spec.suspend */
  suspended: boolean
  /** the pods in the file it owns (through its ReplicaSets or Jobs), with their phase */
  pods: Array<{ name: string; phase: string | null }>
  /** the controller named by an owner reference that is not in the file (an operator's custom resource, a missing object) */
  ownerMissing: string | null
  /** the object as the file has it (rollbacks restore from it) */
  object: Record<string, unknown>
}

export interface Workloads {
  workloads: Workload[]
  /**
   * The controllers in the file that another controller owns (a Deployment's ReplicaSets, a CronJob's Jobs),
   * by kind, namespace and name, with the workload they belong to: what a person changes for them.
   */
  ownedBy: Map<string, Workload>
  /** service accounts by namespace/name */
  serviceAccounts: Map<string, { automount: boolean | null }>
}

const key = (kind: string, ns: string, name: string): string => `${kind}\n${ns}\n${name}`
const controllerOf = (m: z.infer<typeof Meta>): z.infer<typeof OwnerRef> | null => (m.ownerReferences ?? []).find((o) => o.controller) ?? m.ownerReferences?.[0] ?? null

export function parseWorkloads(text: string, path: string): Parsed<Workloads> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const r = WorkloadList.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return {
      ok: false,
      why: `${path}: ${i.path.join('.') || '(top)'}: not the List of \`kubectl get pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,serviceaccounts -A -o json\` (${i.message})`
    }
  }
  const items = r.data.items as Item[]
  const byKey = new Map<string, Item>()
  for (const it of items) byKey.set(key(it.kind, it.metadata.namespace ?? '', it.metadata.name), it)
  const serviceAccounts = new Map<string, { automount: boolean | null }>()
  const tops = new Map<string, Workload>()
  // the top controller of an object: owner references followed while the owner is in the file
  const topOf = (it: Item): { top: Item; missing: string | null } => {
    let cur = it
    for (let n = 0; n < 5; n++) {
      const o = controllerOf(cur.metadata)
      if (!o) return { top: cur, missing: null }
      const next = byKey.get(key(o.kind, cur.metadata.namespace ?? '', o.name))
      if (!next) return { top: cur, missing: `${o.kind} ${cur.metadata.namespace ?? ''}/${o.name}` }
      cur = next
    }
    return { top: cur, missing: null }
  }
  const workloadOf = (it: Exclude<Item, { kind: 'ServiceAccount' }>, missing: string | null): Workload => {
    const k = key(it.kind, it.metadata.namespace ?? '', it.metadata.name)
    let w = tops.get(k)
    if (!w) {
      const spec = it.kind === 'Pod' ? it.spec : it.kind === 'CronJob' ? it.spec.jobTemplate.spec.template.spec : it.spec.template.spec
      w = {
        kind: it.kind,
        namespace: it.metadata.namespace ?? 'default',
        name: it.metadata.name,
        labels: it.metadata.labels ?? {},
        spec,
        specPath: it.kind === 'Pod' ? '/spec' : it.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec',
        replicas: it.kind === 'Deployment' || it.kind === 'StatefulSet' || it.kind === 'ReplicaSet' ? (it.spec.replicas ?? null) : null,
        suspended: it.kind === 'CronJob' ? !!it.spec.suspend : false,
        pods: [],
        ownerMissing: missing,
        object: it as unknown as Record<string, unknown>
      }
      tops.set(k, w)
    }
    return w
  }
  const ownedBy = new Map<string, Workload>()
  for (const it of items) {
    if (it.kind === 'ServiceAccount') {
      serviceAccounts.set(`${it.metadata.namespace ?? 'default'}/${it.metadata.name}`, { automount: it.automountServiceAccountToken ?? null })
      continue
    }
    const { top, missing } = topOf(it)
    if (top.kind === 'ServiceAccount') continue
    const w = workloadOf(top, missing)
    if (it.kind === 'Pod') w.pods.push({ name: it.metadata.name, phase: it.status?.phase ?? null })
    else if (top !== it) ownedBy.set(ownedKey(it.kind, it.metadata.namespace ?? 'default', it.metadata.name), w)
  }
  const workloads = [...tops.values()].sort((a, b) => (key(a.kind, a.namespace, a.name) < key(b.kind, b.namespace, b.name) ? -1 : 1))
  return { ok: true, value: { workloads, serviceAccounts, ownedBy } }
}

/** The key of Workloads.ownedBy: a controller's kind, namespace and name. */
export const ownedKey = (kind: string, namespace: string, name: string): string => key(kind, namespace, name)

export const workloadText = (w: Pick<Workload, 'kind' | 'namespace' | 'name'>): string => `${w.kind} ${w.namespace}/${w.name}`

/** Every container of a pod spec with the JSON pointer of its list (containers, initContainers, ephemeralContainers) and index. */
export function containersOf(spec: PodSpec): Array<{ list: 'containers' | 'initContainers' | 'ephemeralContainers'; index: number; container: Container }> {
  const out: Array<{ list: 'containers' | 'initContainers' | 'ephemeralContainers'; index: number; container: Container }> = []
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) (spec[list] ?? []).forEach((container, index) => out.push({ list, index, container }))
  return out
}

/** The service account a pod spec runs as: serviceAccountName, the deprecated serviceAccount, or default. */
export const serviceAccountOf = (spec: PodSpec): string => spec.serviceAccountName || spec.serviceAccount || 'default'

/**
 * Whether the API server mounts the service account's token into the pods: the pod spec's
 * automountServiceAccountToken wins, then the ServiceAccount's, and true when neither says.
 * Null when the pod spec does not say and the ServiceAccount is not in the file.
 */
export function automounts(w: Workload, sas: Workloads['serviceAccounts']): { value: boolean; by: string } | null {
  if (w.spec.automountServiceAccountToken != null) return { value: w.spec.automountServiceAccountToken, by: `the pod spec of ${workloadText(w)}` }
  const sa = sas.get(`${w.namespace}/${serviceAccountOf(w.spec)}`)
  if (!sa) return null
  if (sa.automount != null) return { value: sa.automount, by: `ServiceAccount ${w.namespace}/${serviceAccountOf(w.spec)}` }
  return { value: true, by: 'the default (neither the pod spec nor the ServiceAccount sets automountServiceAccountToken)' }
}

/** Capabilities the Pod Security Standards' Baseline profile lets a container add (kubernetes.io/docs/concepts/security/pod-security-standards). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT'
])

/** A capability as the runtime names it (CAP_ prefix and case dropped): NET_ADMIN. */
export const capabilityName = (c: string): string => c.toUpperCase().replace(/^CAP_/, '')
