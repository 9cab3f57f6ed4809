// What kubernetes.pod.drop-capabilities finds at fault in a workload, for its own control (Trivy
// KSV-0003: a container — of `containers` or `initContainers` — whose capabilities.drop lacks ALL) and
// the one its playbook serves (iac.trivy.ksv-0106, KSV-0106: drop ALL and add nothing but
// NET_BIND_SERVICE), what the fix would leave each container, and the question the fix turns on: does
// the container's process hold capabilities the change takes away? The workload kit's steps (which
// workloads, do they run, are they the cluster's own) are made with the concerns; `holds` is this folder's.
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'
import { judge, WORKLOAD_TYPES, type WorkloadConcern, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { containerAt } from '../../main/controls/kubernetes-container-patch'
import { capabilityName, containersOf, workloadText, type Container, type PodSpec, type Workload } from '../../main/semantics/kubernetes-workloads'
import { addedCapabilities, dropsAll, heldCapabilities, holdsNoCapability, privilegedPorts, processUser } from '../../main/semantics/kubernetes-security-context'

export const CONTROL = 'kubernetes.pod.drop-capabilities'
export const ONLY_BIND = 'iac.trivy.ksv-0106'

const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : 'nothing')

const concern = (what: string, pick: (c: Container) => string | null): WorkloadConcern => ({
  what,
  containers: (w: Workload) =>
    containersOf(w.spec).flatMap(({ list: l, index, container }) => {
      const p = l === 'ephemeralContainers' ? null : pick(container)
      return p ? [{ list: l, index, name: container.name, what: p }] : []
    })
})

// KSV-0106 compares each added capability with the literal NET_BIND_SERVICE
const beyondBind = (c: Container): string[] => (c.securityContext?.capabilities?.add ?? []).filter((x) => x !== 'NET_BIND_SERVICE')

export const CAPABILITY_CONCERNS: WorkloadConcerns = {
  [CONTROL]: concern('a container that does not drop ALL capabilities', (c) => (dropsAll(c) ? null : `drops ${list(c.securityContext?.capabilities?.drop ?? [])}`)),
  [ONLY_BIND]: concern('a container that does not drop ALL capabilities, or adds one beyond NET_BIND_SERVICE', (c) => {
    const why = [dropsAll(c) ? null : `drops ${list(c.securityContext?.capabilities?.drop ?? [])}`, beyondBind(c).length ? `adds ${beyondBind(c).join(', ')}` : null].filter(
      Boolean
    )
    return why.length ? why.join('; ') : null
  })
}

/**
 * The capabilities the fix leaves a container: drop ALL; add what it added (KSV-0003) or only
 * NET_BIND_SERVICE (KSV-0106) — which it keeps, or gets, when it added it or declares a port below
 * 1024 and its process may be root (binding one takes it).
 */
export function keptCapabilities(control: string, spec: PodSpec, c: Container): { add: string[]; why: string | null } {
  const ports = privilegedPorts(c)
  const bind = addedCapabilities(c).includes('NET_BIND_SERVICE') || (ports.length > 0 && !holdsNoCapability(spec, c).yes)
  const why = ports.length && bind && !addedCapabilities(c).includes('NET_BIND_SERVICE') ? `it declares port ${ports.join(', ')}` : null
  if (control === ONLY_BIND) return { add: bind ? ['NET_BIND_SERVICE'] : [], why }
  const own = c.securityContext?.capabilities?.add ?? []
  return { add: bind && !own.map(capabilityName).includes('NET_BIND_SERVICE') ? [...own, 'NET_BIND_SERVICE'] : own, why }
}

const { offends, runs, system } = workloadSteps('k8s.drop-caps', CAPABILITY_CONCERNS)

const holds = defineStep({
  name: 'k8s.drop-caps-holds',
  summary:
    "whether the process of a container at fault holds capabilities the change takes away: none when it runs as a uid other than 0 with allowPrivilegeEscalation false (Kubernetes sets no ambient capabilities, and no_new_privs stops it gaining one); a root process loses the runtime's default set less what it keeps; a privileged container holds all whatever drop says",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const j = judge(ctx, CAPABILITY_CONCERNS)
    if ('error' in j) return j.error
    const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const] }
    if (!j.at.length) return outcome('no', 'no container is at fault', { ...o, certainty: 'proven' })
    const judged = j.at.flatMap((x) =>
      x.containers.map((at) => {
        const w = x.workload
        const c = containerAt(x, at)
        const name = `${workloadText(w)} container ${c.name}`
        const kept = keptCapabilities(ctx.finding.control, w.spec, c)
        const none = holdsNoCapability(w.spec, c)
        if (none.yes) return { k: 'none' as const, text: `${name}: ${none.why}; dropping ALL changes nothing it can do` }
        const held = heldCapabilities(c)
        if (held === 'all')
          return {
            k: 'unknown' as const,
            text: `${name}: privileged: the runtime gives it every capability whatever drop says; the patch changes nothing while it is privileged, and takes them all once privileged mode goes`
          }
        const lost = held.filter((x) => !kept.add.map(capabilityName).includes(x))
        const keeps = kept.add.length ? `; it keeps ${kept.add.map(capabilityName).join(', ')}${kept.why ? ` (${kept.why})` : ''}` : ''
        const u = processUser(w.spec, c)
        if (u.nonRoot === false) return { k: 'yes' as const, text: `${name}: ${u.why}: it loses ${list(lost)}${keeps}` }
        return { k: 'unknown' as const, text: `${name}: ${none.why}; as root it would lose ${list(lost)}${keeps}` }
      })
    )
    const text = judged.map((x) => x.text).join('; ')
    if (judged.every((x) => x.k === 'none')) return outcome('no', text, { ...o, certainty: 'proven' })
    if (judged.some((x) => x.k === 'yes')) return outcome('yes', `${text}. What the process does with them no evidence in the bundle shows`, { ...o, certainty: 'proven' })
    return outcome('unknown', text, o)
  }
})

export const CAPABILITY_STEPS = [offends, runs, system, holds]
