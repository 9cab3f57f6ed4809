// The read-only root filesystem playbook's steps: the workload kit's (which containers do not set
// readOnlyRootFilesystem: true, do they run, are they the cluster's own; main/controls/kubernetes-steps.ts),
// and one of its own: did a container at fault write to its root filesystem — the bytes its writable
// layer holds, as each node's kubelet measures them (kubernetes/<cluster>/stats/<node>.json, the Summary
// API). A read-only root filesystem makes every such write fail (EROFS).
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { outcome, plural } from '../../main/controls/step-common'
import { containerConcern, judge, systemWorkload, WORKLOAD_TYPES, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { workloadText, type Container } from '../../main/semantics/kubernetes-workloads'
import { memoryText, parseStatsSummary, type WritableLayer } from '../../main/semantics/kubernetes-usage'
import type { EvidenceFileSummary } from '../../shared/evidence'

const readOnly = (c: Container): boolean => (c.securityContext as { readOnlyRootFilesystem?: boolean | null } | null | undefined)?.readOnlyRootFilesystem === true

const concern = containerConcern('a container whose root filesystem is writable (no securityContext.readOnlyRootFilesystem: true)', (c) =>
  readOnly(c) ? null : 'readOnlyRootFilesystem not true'
)
/** Defender's recommendation (on the cluster) and Trivy's KSV-0014 (on an object) ask the same of every container. */
export const READ_ONLY_CONCERNS: WorkloadConcerns = { 'kubernetes.container.read-only-root-filesystem': concern, 'iac.trivy.ksv-0014': concern }

/**
 * More than this in a writable layer is the process's own writing. Less is what the runtime itself puts
 * there when it starts the container (the mount points of /etc/hosts, /etc/resolv.conf, /dev/termination-log,
 * a few KiB), which a read-only root filesystem does not refuse.
 */
export const WRITES_BYTES = 2 ** 20

/** Every container's writable layer in the cluster's stats/<node>.json files (the latest bundle's of each path). */
export function writableLayers(
  files: readonly EvidenceFileSummary[],
  bytes: (id: string) => Buffer | null,
  cluster: string
): { layers: WritableLayer[]; files: string[]; problems: string[] } {
  const by = new Map<string, EvidenceFileSummary>()
  for (const f of files.filter((x) => x.kind === 'kubernetes.stats' && x.path.startsWith(`kubernetes/${cluster}/stats/`)))
    if (!by.has(f.path) || by.get(f.path)!.addedAt < f.addedAt) by.set(f.path, f)
  const out = { layers: [] as WritableLayer[], files: [] as string[], problems: [] as string[] }
  for (const f of [...by.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    out.files.push(f.id)
    const b = bytes(f.id)
    const r = b ? parseStatsSummary(b.toString('utf8'), f.path) : { ok: false as const, why: `${f.path} was kept as its hash only` }
    if (r.ok) out.layers.push(...r.value)
    else out.problems.push(r.why)
  }
  return out
}

const writes = defineStep({
  name: 'k8s.rootfs-writes',
  summary: `whether a container at fault (not the cluster's own) holds more than ${memoryText(WRITES_BYTES)} in its writable layer in any running pod — what it wrote to its root filesystem since it started — from each node's kubelet Summary API (stats/<node>.json)`,
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const j = judge(ctx, READ_ONLY_CONCERNS)
    if ('error' in j) return j.error
    const mine = j.at.filter((o) => !systemWorkload(o.workload))
    if (!mine.length) return outcome('no', 'no workload at fault is changed (none, or only the cluster’s own)', { evidence: [j.evidence] })
    const s = writableLayers(ctx.ev.files(), (id) => ctx.ev.bytes(id), j.cluster)
    const o = { evidence: [j.evidence, s.files], sources: ['kubernetes.stats' as const] }
    const wrote: string[] = []
    const unknown: string[] = []
    const small: string[] = []
    for (const off of mine)
      for (const pod of off.workload.pods.filter((p) => p.phase === null || p.phase === 'Running'))
        for (const c of off.containers) {
          const l = s.layers.find((x) => x.namespace === off.workload.namespace && x.pod === pod.name && x.container === c.name)
          const at = `${workloadText(off.workload)} ${pod.name} ${c.name}`
          if (!l || l.usedBytes === null) unknown.push(`${at}: no writable-layer figure (its node's stats/<node>.json is not in evidence)`)
          else if (l.usedBytes > WRITES_BYTES) wrote.push(`${at}: ${memoryText(l.usedBytes)} in its writable layer since ${l.startTime ?? 'it started'}`)
          else small.push(`${at}: ${Math.ceil(l.usedBytes / 1024)} KiB`)
        }
    const problems = s.problems.length ? ` (${s.problems.join('; ')})` : ''
    if (wrote.length)
      return outcome(
        'yes',
        `${plural(wrote.length, 'container')} wrote to the root filesystem: ${wrote.slice(0, 4).join('; ')}. With it read-only those writes fail; which paths they are, no evidence shows`,
        { ...o, certainty: 'proven' }
      )
    if (unknown.length) return outcome('unknown', `${unknown.slice(0, 4).join('; ')}${problems}`, o)
    if (!small.length) return outcome('no', 'no workload at fault runs a pod: there is no writable layer to measure', o)
    return outcome(
      'no',
      `every running container at fault holds at most ${memoryText(WRITES_BYTES)} in its writable layer (${small.slice(0, 4).join('; ')}): the runtime's own mount points, no file of the process's. This is what the layer holds now, since the container started: a file written and deleted, or written only at times (an upgrade, a crash dump, a cache filled later), leaves nothing here`,
      o
    )
  }
})

const kit = workloadSteps('k8s.read-only-rootfs', READ_ONLY_CONCERNS)

export const READ_ONLY_STEPS = [kit.offends, kit.runs, kit.system, writes]
