// The resource playbook's steps: the workload kit's (which containers lack the request or limit, do
// they run, are they the cluster's own; main/controls/kubernetes-steps.ts), and two of its own: was
// what those containers use seen on every day of the window (so that values can be chosen from it),
// and would the pods with those values still be placed (a node's allocatable, the room on the nodes
// they run on, the namespace's ResourceQuota and LimitRange).
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { judge, systemWorkload, WORKLOAD_TYPES, type Offender } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { workloadText } from '../../main/semantics/kubernetes-workloads'
import type { Capacity, PodPlacement } from '../../main/semantics/kubernetes-usage'
import type { StepContext } from '../../main/controls/step'
import { amountText, FIELDS, RESOURCE_CONCERNS, sizeOffender, type ContainerSizing, type Resource } from './sizing'
import { loadCapacity, loadPlacements, loadUsage, podRequestAfter } from './evidence'

/** The workloads at fault a fix would change (the cluster's own are left: their verdict is UNSAFE), each with the values it would get. */
export function sized(
  ctx: StepContext
): { error: ReturnType<typeof outcome> } | { mine: Array<{ o: Offender; sizes: ContainerSizing[] }>; evidence: string[]; cluster: string; problems: string[] } {
  const j = judge(ctx, RESOURCE_CONCERNS)
  if ('error' in j) return { error: j.error }
  const files = ctx.ev.files()
  const u = loadUsage(files, (id) => ctx.ev.bytes(id), j.cluster)
  if (!ctx.window)
    return { error: outcome('unknown', 'no evidence bundle gives a window: over which days the containers were seen cannot be told', { sources: ['kubernetes.metrics'] }) }
  const w = ctx.window
  const mine = j.at.filter((o) => !systemWorkload(o.workload)).map((o) => ({ o, sizes: sizeOffender(o, ctx.finding.control, u.series, w) }))
  return { mine, evidence: [...j.evidence, ...u.files], cluster: j.cluster, problems: u.problems }
}

const observed = defineStep({
  name: 'k8s.resources-observed',
  summary:
    "whether the CPU or memory use of each container at fault (not the cluster's own) is in kubernetes/<cluster>/metrics/ on every day of the window since the workload was created, and what the fix would set from it (requests: the 95th percentile of the hourly peaks; limits: the highest peak × 2 for CPU, × 1.5 for memory)",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const s = sized(ctx)
    if ('error' in s) return s.error
    const o = { evidence: [s.evidence], sources: ['kubernetes.metrics' as const], windowed: true }
    if (!s.mine.length) return outcome('no', 'no workload at fault needs a value chosen (none, or only the cluster’s own)', o)
    const all = s.mine.flatMap((m) => m.sizes.map((z) => ({ w: m.o.workload, z })))
    const unknown = all.filter((x) => x.z.unknown)
    const problems = s.problems.length ? ` (${s.problems.join('; ')})` : ''
    if (unknown.length)
      return outcome(
        'unknown',
        `the values cannot be chosen from evidence for ${plural(unknown.length, 'container')}: ${unknown
          .slice(0, 4)
          .map((x) => `${workloadText(x.w)}: ${x.z.unknown}`)
          .join('; ')}${problems}. A person must choose them (from a load test or the application's own sizing)`,
        o
      )
    return outcome(
      'yes',
      `every container at fault was seen on every day of ${windowText(ctx.window)}: ${all
        .map((x) => `${workloadText(x.w)} ${x.z.container.name}: ${x.z.seen}; the fix sets ${x.z.set.map((v) => `${v.kind}.${v.resource} ${v.value} (${v.why})`).join(', ')}`)
        .join('; ')}`,
      { ...o, certainty: 'proven' }
    )
  }
})

/** Whether one workload's pods, with the values set, are refused (no node's allocatable fits them; a LimitRange or quota refuses them) or wait for room, and why. */
export function placement(
  o: Offender,
  sizes: readonly ContainerSizing[],
  cap: Capacity,
  pods: readonly PodPlacement[]
): { refused: string | null; waits: string | null; fits: string } {
  const w = o.workload
  const set = sizes.map((z) => ({ list: z.container.list, index: z.container.index, values: z.set }))
  const after = { cpu: podRequestAfter(o, set, 'cpu'), memory: podRequestAfter(o, set, 'memory') }
  const before = { cpu: podRequestAfter(o, [], 'cpu'), memory: podRequestAfter(o, [], 'memory') }
  const asks = `a pod of ${workloadText(w)} would reserve ${amountText('cpu', after.cpu)} CPU and ${amountText('memory', after.memory)} (now ${amountText('cpu', before.cpu)} and ${amountText('memory', before.memory)})`
  if (!cap.nodes.length) return { refused: null, waits: `capacity.json lists no node: where ${asks} can go is unknown`, fits: '' }
  const big = [...cap.nodes].sort((a, b) => b.cpu - a.cpu || b.memory - a.memory)[0]
  if (!cap.nodes.some((n) => n.cpu >= after.cpu && n.memory >= after.memory))
    return {
      refused: `${asks}, more than any node's allocatable (the largest, ${big.name}, gives ${amountText('cpu', big.cpu)} and ${amountText('memory', big.memory)}): its pods would stay Pending`,
      waits: null,
      fits: ''
    }
  for (const lr of cap.limitRanges.filter((x) => x.namespace === w.namespace))
    for (const z of sizes)
      for (const v of z.set.filter((x) => x.kind === 'limits')) {
        const max = lr.max[v.resource]
        if (max !== null && v.amount > max)
          return {
            refused: `LimitRange ${lr.namespace}/${lr.name} allows a container at most ${amountText(v.resource, max)} of ${v.resource}; ${z.container.name} would get ${v.value}: the API server refuses its pods`,
            waits: null,
            fits: ''
          }
      }
  const mine = pods.filter((p) => p.namespace === w.namespace && w.pods.some((x) => x.name === p.name))
  const count = mine.length + 1 // a rollout starts one new pod before the last old one goes
  for (const q of cap.quotas.filter((x) => x.namespace === w.namespace))
    for (const r of ['cpu', 'memory'] as Resource[])
      for (const key of [`requests.${r}`, r]) {
        const hard = q.hard[key]
        if (hard === undefined) continue
        const used = q.used[key] ?? 0
        const need = used + (after[r] - before[r]) * count
        if (need > hard)
          return {
            refused: `ResourceQuota ${q.namespace}/${q.name} allows ${key} ${amountText(r, hard)} and ${amountText(r, used)} is used; the ${plural(count, 'pod')} of a rollout would need ${amountText(r, need)}: the quota refuses them`,
            waits: null,
            fits: ''
          }
      }
  const load = new Map<string, { cpu: number; memory: number }>()
  for (const p of pods) if (p.node) load.set(p.node, { cpu: (load.get(p.node)?.cpu ?? 0) + p.cpu, memory: (load.get(p.node)?.memory ?? 0) + p.memory })
  const room = (node: string, freed: { cpu: number; memory: number }): boolean => {
    const n = cap.nodes.find((x) => x.name === node)
    const l = load.get(node) ?? { cpu: 0, memory: 0 }
    return !!n && n.cpu - l.cpu + freed.cpu >= after.cpu && n.memory - l.memory + freed.memory >= after.memory
  }
  const anywhere = cap.nodes.filter((n) => !n.restricted && room(n.name, { cpu: 0, memory: 0 })).map((n) => n.name)
  const stuck = mine.filter((p) => !(p.node && room(p.node, p)) && (w.kind === 'DaemonSet' || !anywhere.length))
  if (stuck.length)
    return {
      refused: null,
      waits: `${asks}; ${stuck.map((p) => `${p.name} on ${p.node ?? 'no node'}`).join(', ')} would not fit again where it runs${w.kind === 'DaemonSet' ? ' (a DaemonSet pod cannot move)' : ', and no node has that room now'}: the rollout would wait Pending until room is made (a cluster autoscaler is not in evidence)`,
      fits: ''
    }
  return { refused: null, waits: null, fits: `${asks}; every running pod fits again on its node${anywhere.length ? ` (room also on ${anywhere.slice(0, 3).join(', ')})` : ''}` }
}

const fit = defineStep({
  name: 'k8s.resources-unplaceable',
  summary:
    "whether the pods of the workloads at fault, with the values the fix would set, would be refused or left Pending: more than any node's allocatable (capacity.json), beyond the namespace's LimitRange max or ResourceQuota, or without room on the nodes they run on now (workloads.json)",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const s = sized(ctx)
    if ('error' in s) return s.error
    if (!s.mine.length) return outcome('no', 'no workload at fault is changed (none, or only the cluster’s own)', { evidence: [s.evidence], sources: ['kubernetes.capacity'] })
    const files = ctx.ev.files()
    const cap = loadCapacity(files, (id) => ctx.ev.bytes(id), s.cluster)
    const o = { evidence: [s.evidence, cap.files], sources: ['kubernetes.capacity' as const] }
    if (!cap.ok) return outcome('unknown', cap.why, o)
    const open = s.mine.filter((m) => m.sizes.some((z) => z.unknown))
    if (open.length)
      return outcome(
        'unknown',
        `the values of ${open.map((m) => workloadText(m.o.workload)).join(', ')} cannot be chosen from evidence, so whether its pods still fit cannot be told`,
        o
      )
    const pods = loadPlacements(files, (id) => ctx.ev.bytes(id), s.cluster)
    const judged = s.mine.map((m) => placement(m.o, m.sizes, cap.value, pods))
    const refused = judged.filter((x) => x.refused)
    if (refused.length) return outcome('yes', refused.map((x) => x.refused).join('; '), { ...o, certainty: 'proven' })
    const waits = judged.filter((x) => x.waits)
    if (waits.length) return outcome('unknown', waits.map((x) => x.waits).join('; '), o)
    return outcome('no', judged.map((x) => x.fits).join('; '), { ...o, certainty: 'proven' })
  }
})

const kit = workloadSteps('k8s.resources', RESOURCE_CONCERNS)

const cpuCap = defineStep({
  name: 'k8s.resources-cpu-cap',
  summary:
    "whether the fix caps a container's CPU (the finding asks for a CPU limit): the CFS quota throttles per 100 ms, and hourly peaks of 5-minute rates cannot show a limit is enough for the container's shorter bursts — a start-up, a garbage collection, a burst of requests",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    // the workloads at fault are enough (not the values: their metrics are the observed step's to read)
    const j = judge(ctx, RESOURCE_CONCERNS)
    if ('error' in j) return j.error
    const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const], certainty: 'proven' as const }
    const asks = (FIELDS[ctx.finding.control]?.fields ?? []).some((f) => f.resource === 'cpu' && f.kind === 'limits')
    const capped = asks ? j.at.filter((x) => !systemWorkload(x.workload)).flatMap((x) => x.containers.map((c) => `${workloadText(x.workload)} ${c.name}`)) : []
    if (!capped.length)
      return outcome('no', asks ? 'no container at fault would get a CPU limit (none, or only the cluster’s own)' : 'the fix sets no CPU limit: a request, or a memory limit', o)
    return outcome(
      'yes',
      `the fix caps the CPU of ${capped.slice(0, 4).join(', ')}${capped.length > 4 ? `, and ${plural(capped.length - 4, 'other container')}` : ''}: the quota is enforced per 100 ms, and the 5-minute rates the limit is chosen from average out bursts shorter than that — a start-up slowed past its probes restarts the pod, and the fix's own rollout starts every pod under the new limit`,
      o
    )
  }
})

export const RESOURCE_STEPS = [kit.offends, kit.runs, kit.system, observed, fit, cpuCap]

/** The controls this folder answers, for texts: "KSV-0011 CPU not limited". */
export const checkOf = (control: string): string => FIELDS[control]?.check ?? control
