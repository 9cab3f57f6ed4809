// What the resource controls find at fault in a workload (a container without the request or limit
// the check asks for), and the values the fix would set, chosen from what the container used over the
// window (kubernetes/<cluster>/metrics/, main/semantics/kubernetes-usage.ts):
//
// - a request is the 95th percentile of the hourly peaks: what the container needs nearly always is
//   reserved for it when the scheduler places its pod, and the rare busier hours are served from what
//   the node has spare (a request is not a cap);
// - a CPU limit is twice the highest hourly peak of the 5-minute rate: the CFS quota is enforced per
//   100 ms, and a 5-minute average hides bursts above it, so the limit leaves the burst room the
//   average cannot show;
// - a memory limit is the highest working set seen, half as much again: a container above its memory
//   limit is OOM-killed, and an hourly peak of scraped samples can miss a spike between two scrapes.
//
// A limit set on a container with no request of that resource would also become its request (the API
// server defaults a missing request to the limit): the fix then sets the request too, from the 95th
// percentile, rather than reserve the limit for every pod.
import type { Container } from '../../main/semantics/kubernetes-workloads'
import { containerConcern, windowDays, type Offender, type OffendingContainer, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { containerUsage, cpuQuantity, cpuText, memoryQuantity, memoryText, parseQuantity, type UsageSeries } from '../../main/semantics/kubernetes-usage'
import { plural } from '../../main/controls/step-common'

export type Resource = 'cpu' | 'memory'
export type Kind = 'requests' | 'limits'

/** The fields each control finds missing: Defender's recommendation (both limits, on the cluster), Trivy's k8s checks and Prowler's Kubernetes checks (one each). */
export const FIELDS: Readonly<Record<string, { fields: ReadonlyArray<{ resource: Resource; kind: Kind }>; check: string }>> = {
  'kubernetes.container.resources': {
    fields: [
      { resource: 'cpu', kind: 'limits' },
      { resource: 'memory', kind: 'limits' }
    ],
    check: 'Container CPU and memory limits should be enforced'
  },
  'iac.trivy.ksv-0011': { fields: [{ resource: 'cpu', kind: 'limits' }], check: 'KSV-0011 CPU not limited' },
  'iac.trivy.ksv-0015': { fields: [{ resource: 'cpu', kind: 'requests' }], check: 'KSV-0015 CPU requests not specified' },
  'iac.trivy.ksv-0016': { fields: [{ resource: 'memory', kind: 'requests' }], check: 'KSV-0016 Memory requests not specified' },
  'iac.trivy.ksv-0018': { fields: [{ resource: 'memory', kind: 'limits' }], check: 'KSV-0018 Memory not limited' },
  'kubernetes.core.cpu-limits-set': { fields: [{ resource: 'cpu', kind: 'limits' }], check: 'Pod containers have CPU limits set' },
  'kubernetes.core.cpu-requests-set': { fields: [{ resource: 'cpu', kind: 'requests' }], check: 'Pod containers have CPU requests set' },
  'kubernetes.core.memory-limits-set': { fields: [{ resource: 'memory', kind: 'limits' }], check: 'Container memory limits are configured' },
  'kubernetes.core.memory-requests-set': { fields: [{ resource: 'memory', kind: 'requests' }], check: 'Container memory requests are configured' }
}

/** The headroom of a limit over the highest hourly peak (see above). */
export const LIMIT_FACTOR: Readonly<Record<Resource, number>> = { cpu: 2, memory: 1.5 }
/** Fewer days of use than this cannot show a workload's weekly peaks. */
export const MIN_DAYS = 7

type ResourceBlock = { requests?: Record<string, string | number> | null; limits?: Record<string, string | number> | null } | null | undefined
export const resourcesOf = (c: Container): ResourceBlock => (c as { resources?: ResourceBlock }).resources
const has = (c: Container, kind: Kind, r: Resource): boolean => resourcesOf(c)?.[kind]?.[r] !== undefined && resourcesOf(c)?.[kind]?.[r] !== null

/** The fields of the control a container lacks. */
const lacks = (c: Container, control: string): Array<{ resource: Resource; kind: Kind }> => FIELDS[control].fields.filter((f) => !has(c, f.kind, f.resource))
const fieldText = (fs: ReadonlyArray<{ resource: Resource; kind: Kind }>): string => fs.map((f) => `resources.${f.kind}.${f.resource}`).join(' or ')

export const RESOURCE_CONCERNS: WorkloadConcerns = Object.fromEntries(
  Object.entries(FIELDS).map(([id, f]) => [
    id,
    containerConcern(`a container without ${fieldText(f.fields)}`, (c) => {
      const l = lacks(c, id)
      return l.length ? `no ${l.map((x) => `resources.${x.kind}.${x.resource}`).join(', ')}` : null
    })
  ])
)

export const amountText = (r: Resource, n: number): string => (r === 'cpu' ? cpuText(n) : memoryText(n))
const quantity = (r: Resource, n: number): string => (r === 'cpu' ? cpuQuantity(n) : memoryQuantity(n))

/** One value the fix sets on one container. */
export interface SetValue {
  kind: Kind
  resource: Resource
  /** as written in the spec: "250m", "384Mi" */
  value: string
  amount: number
  why: string
}

export interface ContainerSizing {
  container: OffendingContainer
  set: SetValue[]
  /** why no value can be chosen (no series, days without samples), or null */
  unknown: string | null
  /** what was seen, for explanations: "p95 120m, peak 410m over 90 days (3 pods)" */
  seen: string | null
}

/** The days a workload's containers should have been seen: the window's, from the workload's creation when later. */
export function observedWindow(o: Offender, window: { from: string; to: string }): { from: string; to: string } {
  const created = (o.workload.object as { metadata?: { creationTimestamp?: string } }).metadata?.creationTimestamp
  const from = created && Date.parse(created) > Date.parse(window.from) ? `${created.slice(0, 10)}T00:00:00Z` : window.from
  return { from, to: window.to }
}

/** The values the fix would set on each container at fault of a workload, from its use; unknown when the use does not cover the window. */
export function sizeOffender(
  o: Offender,
  control: string,
  series: Readonly<Record<Resource, readonly UsageSeries[] | null>>,
  window: { from: string; to: string }
): ContainerSizing[] {
  const w = o.workload
  const win = observedWindow(o, window)
  const days = windowDays(win)
  return o.containers.map((c) => {
    const spec = (w.spec[c.list] ?? [])[c.index]
    const missing = lacks(spec, control)
    const r = resourcesOf(spec)
    const set: SetValue[] = []
    const seen: string[] = []
    for (const resource of [...new Set(missing.map((f) => f.resource))]) {
      const s = series[resource]
      if (!s) return { container: c, set: [], unknown: `no metrics/${resource}*.json is in evidence: what ${c.name} uses is unknown`, seen: null }
      const u = containerUsage(s, w, c.name, win)
      if (!u)
        return { container: c, set: [], unknown: `no series of container ${c.name} in metrics/${resource}*.json over ${days.length} days: what it uses is unknown`, seen: null }
      const gaps = days.filter((d) => !u.days.has(d))
      const saw = `${resource}: 95th percentile ${amountText(resource, u.p95)}, peak ${amountText(resource, u.peak)} on ${new Date(u.peakAt * 1000).toISOString().slice(0, 10)}, over ${u.days.size} days (${plural(u.pods.length, 'pod')})`
      if (gaps.length)
        return { container: c, set: [], unknown: `${c.name}: no ${resource} sample on ${gaps.length} of ${days.length} days (from ${gaps[0]}): its peak may be unseen`, seen: saw }
      if (u.days.size < MIN_DAYS)
        return { container: c, set: [], unknown: `${c.name}: seen on only ${u.days.size} days (the workload is new): too few to know its weekly peaks`, seen: saw }
      seen.push(saw)
      const limitNow = parseQuantity(r?.limits?.[resource])
      const requestNow = parseQuantity(r?.requests?.[resource])
      const wantsLimit = missing.some((f) => f.resource === resource && f.kind === 'limits')
      // a request is set when the control asks for it, or when a limit is set and no request is (the API server would copy the limit)
      if (missing.some((f) => f.resource === resource && f.kind === 'requests') || (wantsLimit && requestNow === null)) {
        const n = limitNow !== null ? Math.min(u.p95, limitNow) : u.p95
        const value = limitNow !== null && n === limitNow ? String(r!.limits![resource]) : quantity(resource, n)
        set.push({ kind: 'requests', resource, value, amount: parseQuantity(value)!, why: `the 95th percentile of its hourly peaks (${amountText(resource, u.p95)})` })
      }
      if (wantsLimit) {
        const want = u.peak * LIMIT_FACTOR[resource]
        const n = requestNow !== null ? Math.max(want, requestNow) : want
        const value = requestNow !== null && n === requestNow ? String(r!.requests![resource]) : quantity(resource, n)
        set.push({ kind: 'limits', resource, value, amount: parseQuantity(value)!, why: `${LIMIT_FACTOR[resource]} × its highest hourly peak (${amountText(resource, u.peak)})` })
      }
    }
    return { container: c, set, unknown: null, seen: seen.join('; ') }
  })
}
