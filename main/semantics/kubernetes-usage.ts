// What a cluster's containers used and what its nodes can give (docs/evidence-bundle.md,
// kubernetes/<cluster>/metrics/ and kubernetes/<cluster>/capacity.json): the answers of Prometheus's
// HTTP API to range queries (`/api/v1/query_range`, resultType "matrix") of each container's CPU use
// (cores: a rate of container_cpu_usage_seconds_total) and memory working set
// (container_memory_working_set_bytes), as the kubelet's cAdvisor labels them (namespace, pod,
// container); and `kubectl get nodes,resourcequotas,limitranges -A -o json`: each node's allocatable
// CPU and memory (what the scheduler can place on it: capacity less what the kubelet reserves), each
// namespace's quotas (hard and used) and limit ranges (max and defaults per container).
import { z } from 'zod'
import { parseJson } from './json-text'
import type { Parsed } from './kubernetes-rbac'

// ---- quantities ------------------------------------------------------------------------------------

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
}

/**
 * A Kubernetes resource quantity ("250m", "1.5", "512Mi", "1e3", "13905144Ki") as a number: cores for
 * CPU, bytes for memory (kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/). Null when it is not one.
 */
export function parseQuantity(q: unknown): number | null {
  if (typeof q === 'number') return Number.isFinite(q) ? q : null
  if (typeof q !== 'string') return null
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim())
  if (!m) return null
  const n = Number(m[1] + (m[2] ?? ''))
  return Number.isFinite(n) ? n * SUFFIX[m[3] ?? ''] : null
}

// Both are written in the canonical form the API server stores ("1", not "1000m"; "1Gi", not "1024Mi"),
// so that the object read back after a patch holds exactly what the patch wrote.
/** CPU cores as a request or limit is written, rounded up to 10 millicores (at least 10m): "250m", "2". */
export function cpuQuantity(cores: number): string {
  const m = Math.max(10, Math.ceil((cores * 1000) / 10 - 1e-9) * 10)
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`
}
/** Bytes as a request or limit is written, rounded up to a mebibyte (at least 16Mi): "384Mi", "1Gi". */
export function memoryQuantity(bytes: number): string {
  let n = Math.max(16, Math.ceil(bytes / 2 ** 20 - 1e-9))
  for (const unit of ['Mi', 'Gi', 'Ti']) {
    if (n % 1024 !== 0 || unit === 'Ti') return `${n}${unit}`
    n /= 1024
  }
  return `${n}Ti`
}
/** A figure for people: "0.42 cores", "310 MiB". */
export const cpuText = (cores: number): string => (cores >= 1 ? `${+cores.toFixed(2)} cores` : `${Math.round(cores * 1000)}m`)
export const memoryText = (bytes: number): string => (bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(2)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`)

// ---- Prometheus range queries ------------------------------------------------------------------------

/** One container's series in one pod: samples [unix seconds, value]. */
export interface UsageSeries {
  namespace: string
  pod: string
  container: string
  /** where in the file: result[i] */
  place: string
  samples: Array<[number, number]>
}

const RangeError = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }).passthrough()
const RangeAnswer = z
  .object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('matrix'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) }).passthrough())
    })
  })
  .passthrough()

const QUERY_HINT = 'the answer of /api/v1/query_range (resultType "matrix") of a query that keeps the labels namespace, pod and container'

/** A range query's answer: its series by namespace, pod and container (samples that are NaN or infinite are left out: Prometheus writes them as strings). */
export function parseRangeQuery(text: string, path: string): Parsed<UsageSeries[]> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const failed = RangeError.safeParse(j.value)
  if (failed.success) return { ok: false, why: `${path}: the query failed (${failed.data.errorType ?? 'error'}: ${failed.data.error ?? 'no message'}); export it again` }
  const r = RangeAnswer.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return { ok: false, why: `${path}: ${i.path.join('.') || '(top)'}: not ${QUERY_HINT} (${i.message})` }
  }
  const out: UsageSeries[] = []
  for (const [i, s] of r.data.data.result.entries()) {
    const { namespace, pod, container } = s.metric
    if (!namespace || !pod || !container) {
      const missing = ['namespace', 'pod', 'container'].filter((k) => !s.metric[k])
      return { ok: false, why: `${path}: data.result.${i}.metric: no ${missing.join(', ')} label: not ${QUERY_HINT} (sum by (namespace, pod, container))` }
    }
    const samples: Array<[number, number]> = []
    for (const [t, v] of s.values) {
      const n = Number(v)
      if (Number.isFinite(n)) samples.push([t, n])
    }
    out.push({ namespace, pod, container, place: `data.result.${i}`, samples })
  }
  return { ok: true, value: out }
}

// ---- nodes, quotas, limit ranges ---------------------------------------------------------------------

const Meta = z.object({ name: z.string(), namespace: z.string().optional() }).passthrough()
const Resources = z.record(z.string(), z.union([z.string(), z.number()]))
const Node = z
  .object({
    kind: z.literal('Node'),
    metadata: Meta.extend({ labels: z.record(z.string(), z.string()).nullish() }),
    spec: z
      .object({ unschedulable: z.boolean().nullish(), taints: z.array(z.object({ key: z.string(), effect: z.string() }).passthrough()).nullish() })
      .passthrough()
      .nullish(),
    status: z.object({ allocatable: Resources }).passthrough()
  })
  .passthrough()
const Quota = z
  .object({
    kind: z.literal('ResourceQuota'),
    metadata: Meta,
    spec: z.object({ hard: Resources.nullish() }).passthrough().nullish(),
    status: z.object({ hard: Resources.nullish(), used: Resources.nullish() }).passthrough().nullish()
  })
  .passthrough()
const LimitRange = z
  .object({
    kind: z.literal('LimitRange'),
    metadata: Meta,
    spec: z
      .object({
        limits: z.array(
          z.object({ type: z.string(), max: Resources.nullish(), min: Resources.nullish(), default: Resources.nullish(), defaultRequest: Resources.nullish() }).passthrough()
        )
      })
      .passthrough()
  })
  .passthrough()
const CapacityList = z.object({ kind: z.literal('List'), items: z.array(z.union([Node, Quota, LimitRange])) }).passthrough()

export interface NodeCapacity {
  name: string
  /** allocatable CPU (cores) and memory (bytes) */
  cpu: number
  memory: number
  /** cordoned (spec.unschedulable) or tainted NoSchedule/NoExecute: not every pod can go there */
  restricted: string | null
}

export interface NamespaceQuota {
  namespace: string
  name: string
  /** by resource name (requests.cpu, limits.memory, cpu, memory …): cores or bytes */
  hard: Record<string, number>
  used: Record<string, number>
}

export interface NamespaceLimitRange {
  namespace: string
  name: string
  /** the type Container entry: the largest limit a container may have, and the values given to a container that sets none */
  max: { cpu: number | null; memory: number | null }
  defaults: { cpu: number | null; memory: number | null }
}

export interface Capacity {
  nodes: NodeCapacity[]
  quotas: NamespaceQuota[]
  limitRanges: NamespaceLimitRange[]
}

const quantities = (r: Record<string, string | number> | null | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(r ?? {}).flatMap(([k, v]) => (parseQuantity(v) === null ? [] : [[k, parseQuantity(v)!]])))

/** capacity.json: the List of `kubectl get nodes,resourcequotas,limitranges -A -o json`. */
export function parseCapacity(text: string, path: string): Parsed<Capacity> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const r = CapacityList.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return { ok: false, why: `${path}: ${i.path.join('.') || '(top)'}: not the List of \`kubectl get nodes,resourcequotas,limitranges -A -o json\` (${i.message})` }
  }
  const out: Capacity = { nodes: [], quotas: [], limitRanges: [] }
  for (const [i, it] of r.data.items.entries()) {
    if (it.kind === 'Node') {
      const cpu = parseQuantity(it.status.allocatable.cpu)
      const memory = parseQuantity(it.status.allocatable.memory)
      if (cpu === null || memory === null)
        return { ok: false, why: `${path}: items.${i}.status.allocatable: no cpu or memory quantity Kubernetes writes (Node ${it.metadata.name})` }
      const taint = (it.spec?.taints ?? []).find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
      out.nodes.push({
        name: it.metadata.name,
        cpu,
        memory,
        restricted: it.spec?.unschedulable ? 'cordoned (unschedulable)' : taint ? `tainted ${taint.key}:${taint.effect}` : null
      })
    } else if (it.kind === 'ResourceQuota') {
      out.quotas.push({
        namespace: it.metadata.namespace ?? 'default',
        name: it.metadata.name,
        hard: quantities(it.status?.hard ?? it.spec?.hard),
        used: quantities(it.status?.used)
      })
    } else {
      const c = it.spec.limits.find((l) => l.type === 'Container')
      if (!c) continue
      const q = (r: Record<string, string | number> | null | undefined, k: string): number | null => parseQuantity(r?.[k])
      out.limitRanges.push({
        namespace: it.metadata.namespace ?? 'default',
        name: it.metadata.name,
        max: { cpu: q(c.max, 'cpu'), memory: q(c.max, 'memory') },
        defaults: { cpu: q(c.default, 'cpu'), memory: q(c.default, 'memory') }
      })
    }
  }
  return { ok: true, value: out }
}

// ---- a container's use over a window ------------------------------------------------------------------

/** The pods a workload's controller names: <name>-<template hash>-<5> (Deployment), <name>-<5> (DaemonSet, Job), <name>-<ordinal> (StatefulSet), <name>-<schedule time>-<5> (CronJob). */
export function podOf(kind: string, name: string, pod: string): boolean {
  if (kind === 'Pod') return pod === name
  if (!pod.startsWith(`${name}-`)) return false
  const rest = pod.slice(name.length + 1)
  if (kind === 'Deployment') return /^[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(rest)
  if (kind === 'StatefulSet') return /^\d+$/.test(rest)
  if (kind === 'CronJob') return /^\d+-[a-z0-9]{5}$/.test(rest)
  return /^[a-z0-9]{5}$/.test(rest)
}

export interface ContainerUsage {
  /** the pods whose series were read */
  pods: string[]
  samples: number
  /** UTC days (YYYY-MM-DD) with at least one sample */
  days: Set<string>
  /** the 95th percentile and the largest of the samples of every pod (a request and a limit are per pod) */
  p95: number
  peak: number
  peakAt: number
}

/** The use of one container of a workload: the samples of every pod of it in the window, or null when no series names it. */
export function containerUsage(
  series: readonly UsageSeries[],
  w: { kind: string; namespace: string; name: string },
  container: string,
  window: { from: string; to: string }
): ContainerUsage | null {
  const from = Date.parse(window.from) / 1000
  const to = Date.parse(window.to) / 1000
  const mine = series.filter((s) => s.namespace === w.namespace && s.container === container && podOf(w.kind, w.name, s.pod))
  if (!mine.length) return null
  const values: number[] = []
  const days = new Set<string>()
  let peak = -Infinity
  let peakAt = 0
  for (const s of mine)
    for (const [t, v] of s.samples) {
      if (t < from || t >= to) continue
      values.push(v)
      days.add(new Date(t * 1000).toISOString().slice(0, 10))
      if (v > peak) {
        peak = v
        peakAt = t
      }
    }
  if (!values.length) return null
  values.sort((a, b) => a - b)
  const p95 = values[Math.min(values.length - 1, Math.ceil(0.95 * values.length) - 1)]
  return { pods: [...new Set(mine.map((s) => s.pod))].sort(), samples: values.length, days, p95, peak, peakAt }
}

// ---- where pods run and what they reserve (workloads.json) ---------------------------------------------

const PodItem = z
  .object({
    kind: z.literal('Pod'),
    metadata: z.object({ name: z.string(), namespace: z.string().optional() }).passthrough(),
    spec: z
      .object({
        nodeName: z.string().nullish(),
        containers: z.array(z.object({ resources: z.object({ requests: Resources.nullish(), limits: Resources.nullish() }).passthrough().nullish() }).passthrough()),
        initContainers: z.array(z.object({ resources: z.object({ requests: Resources.nullish(), limits: Resources.nullish() }).passthrough().nullish() }).passthrough()).nullish()
      })
      .passthrough(),
    status: z.object({ phase: z.string().optional() }).passthrough().nullish()
  })
  .passthrough()

export interface PodPlacement {
  namespace: string
  name: string
  node: string | null
  /** what the scheduler reserves for it: its containers' requests (a limit without a request counts as the request, as the API server defaults it), or an init container's when larger */
  cpu: number
  memory: number
}

/** A container's request of a resource as the API server sees it: the request, or the limit when only a limit is set. */
export const requestOf = (
  r: { requests?: Record<string, string | number> | null; limits?: Record<string, string | number> | null } | null | undefined,
  k: 'cpu' | 'memory'
): number => parseQuantity(r?.requests?.[k]) ?? parseQuantity(r?.limits?.[k]) ?? 0

/** The pods of workloads.json that run or wait to (Running, Pending), with their node and what they reserve. */
export function podPlacements(text: string): PodPlacement[] {
  const j = parseJson(text)
  if (!j.ok || typeof j.value !== 'object' || j.value === null || !Array.isArray((j.value as { items?: unknown }).items)) return []
  const out: PodPlacement[] = []
  for (const it of (j.value as { items: unknown[] }).items) {
    const p = PodItem.safeParse(it)
    if (!p.success) continue
    const phase = p.data.status?.phase ?? null
    if (phase !== null && phase !== 'Running' && phase !== 'Pending') continue
    const sum = (k: 'cpu' | 'memory'): number => p.data.spec.containers.reduce((n, c) => n + requestOf(c.resources, k), 0)
    const init = (k: 'cpu' | 'memory'): number => Math.max(0, ...(p.data.spec.initContainers ?? []).map((c) => requestOf(c.resources, k)))
    out.push({
      namespace: p.data.metadata.namespace ?? 'default',
      name: p.data.metadata.name,
      node: p.data.spec.nodeName ?? null,
      cpu: Math.max(sum('cpu'), init('cpu')),
      memory: Math.max(sum('memory'), init('memory'))
    })
  }
  return out
}

// ---- what containers wrote to their root filesystem (the kubelet's Summary API) ----------------------

const FsStats = z.object({ usedBytes: z.number().nullish() }).passthrough()
const StatsSummary = z
  .object({
    node: z.object({ nodeName: z.string() }).passthrough(),
    pods: z.array(
      z
        .object({
          podRef: z.object({ name: z.string(), namespace: z.string() }).passthrough(),
          containers: z.array(z.object({ name: z.string(), startTime: z.string().nullish(), rootfs: FsStats.nullish() }).passthrough()).nullish()
        })
        .passthrough()
    )
  })
  .passthrough()

/** One container's writable layer as the kubelet measured it: the bytes it holds (what the container wrote since it started, less what it deleted). */
export interface WritableLayer {
  node: string
  namespace: string
  pod: string
  container: string
  /** when the container (re)started: the writable layer holds what was written since */
  startTime: string | null
  /** null: the runtime did not report it */
  usedBytes: number | null
}

/**
 * stats/<node>.json: `kubectl get --raw /api/v1/nodes/<node>/proxy/stats/summary`, the kubelet's
 * Summary API. What is read: node.nodeName, each pod's podRef and each container's name, startTime
 * and rootfs.usedBytes ("the number of bytes used for the container write layer").
 */
export function parseStatsSummary(text: string, path: string): Parsed<WritableLayer[]> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const r = StatsSummary.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return { ok: false, why: `${path}: ${i.path.join('.') || '(top)'}: not the kubelet's Summary API (kubectl get --raw /api/v1/nodes/<node>/proxy/stats/summary) (${i.message})` }
  }
  return {
    ok: true,
    value: r.data.pods.flatMap((p) =>
      (p.containers ?? []).map((c) => ({
        node: r.data.node.nodeName,
        namespace: p.podRef.namespace,
        pod: p.podRef.name,
        container: c.name,
        startTime: c.startTime ?? null,
        usedBytes: c.rootfs?.usedBytes ?? null
      }))
    )
  }
}
