// The resource playbook's evidence beside workloads.json: the cluster's usage series
// (kubernetes/<cluster>/metrics/cpu*.json, memory*.json; each path from the latest bundle holding it)
// and its capacity.json (nodes, quotas, limit ranges), and where its pods run now (workloads.json).
import type { EvidenceFileSummary } from '../../shared/evidence'
import { parseCapacity, parseRangeQuery, podPlacements, requestOf, type Capacity, type PodPlacement, type UsageSeries } from '../../main/semantics/kubernetes-usage'
import type { Offender } from '../../main/controls/kubernetes-evidence'
import { resourcesOf, type Resource, type SetValue } from './sizing'

type Bytes = (id: string) => Buffer | null

const latest = (files: readonly EvidenceFileSummary[]): EvidenceFileSummary[] => {
  const by = new Map<string, EvidenceFileSummary>()
  for (const f of files) if (!by.has(f.path) || by.get(f.path)!.addedAt < f.addedAt) by.set(f.path, f)
  return [...by.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
}

export interface Usage {
  series: Record<Resource, UsageSeries[] | null>
  files: string[]
  /** files kept as a hash only, or that no longer read */
  problems: string[]
}

/** The cluster's usage series by resource (null: no file of it in evidence). */
export function loadUsage(files: readonly EvidenceFileSummary[], bytes: Bytes, cluster: string): Usage {
  const out: Usage = { series: { cpu: null, memory: null }, files: [], problems: [] }
  for (const f of latest(files.filter((x) => x.kind === 'kubernetes.metrics' && x.path.startsWith(`kubernetes/${cluster}/metrics/`)))) {
    const r: Resource = f.path.slice(f.path.lastIndexOf('/') + 1).startsWith('cpu') ? 'cpu' : 'memory'
    out.files.push(f.id)
    const b = bytes(f.id)
    if (!b) {
      out.problems.push(`${f.path} was kept as its hash only`)
      continue
    }
    const p = parseRangeQuery(b.toString('utf8'), f.path)
    if (!p.ok) {
      out.problems.push(p.why)
      continue
    }
    out.series[r] = [...(out.series[r] ?? []), ...p.value]
  }
  return out
}

/** The cluster's capacity.json from the latest bundle that holds it. */
export function loadCapacity(
  files: readonly EvidenceFileSummary[],
  bytes: Bytes,
  cluster: string
): { ok: true; value: Capacity; files: string[] } | { ok: false; why: string; files: string[] } {
  const f = latest(files.filter((x) => x.kind === 'kubernetes.capacity' && x.path === `kubernetes/${cluster}/capacity.json`))[0]
  if (!f)
    return {
      ok: false,
      why: `no kubernetes/${cluster}/capacity.json (kubectl get nodes,resourcequotas,limitranges -A -o json) is in evidence: whether the pods still fit a node and the namespace's quota is unknown`,
      files: []
    }
  const b = bytes(f.id)
  if (!b) return { ok: false, why: `${f.path} was kept as its hash only and cannot be read again`, files: [f.id] }
  const r = parseCapacity(b.toString('utf8'), f.path)
  return r.ok ? { ok: true, value: r.value, files: [f.id] } : { ok: false, why: r.why, files: [f.id] }
}

/** Where the cluster's pods run and what they reserve, from workloads.json. */
export function loadPlacements(files: readonly EvidenceFileSummary[], bytes: Bytes, cluster: string): PodPlacement[] {
  const f = latest(files.filter((x) => x.kind === 'kubernetes.workloads' && x.path === `kubernetes/${cluster}/workloads.json`))[0]
  const b = f ? bytes(f.id) : null
  return b ? podPlacements(b.toString('utf8')) : []
}

/** What one pod of the workload would reserve once the values are set: its containers' requests (a limit alone counting as the request), or an init container's when larger. */
export function podRequestAfter(o: Offender, set: ReadonlyArray<{ list: string; index: number; values: readonly SetValue[] }>, r: Resource): number {
  const of = (list: 'containers' | 'initContainers', index: number, c: Parameters<typeof resourcesOf>[0]): number => {
    const mine = set.find((s) => s.list === list && s.index === index)?.values ?? []
    const req = mine.find((v) => v.kind === 'requests' && v.resource === r)
    if (req) return req.amount
    const lim = mine.find((v) => v.kind === 'limits' && v.resource === r)
    const now = requestOf(resourcesOf(c), r)
    return now || (lim ? lim.amount : 0)
  }
  const sum = o.workload.spec.containers.reduce((n, c, i) => n + of('containers', i, c), 0)
  const init = Math.max(0, ...(o.workload.spec.initContainers ?? []).map((c, i) => of('initContainers', i, c)))
  return Math.max(sum, init)
}
