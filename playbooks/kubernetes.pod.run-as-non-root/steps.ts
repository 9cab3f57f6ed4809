// What kubernetes.pod.run-as-non-root finds at fault in a workload: a container that is not made to run
// as a user other than root — runAsNonRoot is not true on it, nor on the pod when it does not set its
// own (Trivy's KSV-0012 "Runs as root user": "should set securityContext.runAsNonRoot to true"). The
// steps are the workload kit's (which workloads, do they run, are they the cluster's own), and this
// folder's own: would the kubelet still start each container at fault once runAsNonRoot is true?
//
// The kubelet's rule (verifyRunAsNonRoot): with runAsUser set (the container's, else the pod's) it
// starts the container unless the uid is 0; without it, it asks the runtime for the image's USER: a
// numeric uid other than 0 starts, uid 0, no USER (root) or a name (which it cannot check) are refused
// ("container has runAsNonRoot and image will run as root", "… has non-numeric user … cannot verify
// user is non-root"). A container that starts runs as the same user as before: nothing changes for it.
// The image's USER comes from kubernetes/<cluster>/images.json (main/semantics/kubernetes-images.ts).
import { z } from 'zod'
import { judge, loadImages, WORKLOAD_TYPES, type OffendingContainer, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { defineStep } from '../../main/controls/step'
import { outcome, plural } from '../../main/controls/step-common'
import { imageUserVerdict, type ImageUsers } from '../../main/semantics/kubernetes-images'
import { containersOf, workloadText, type Container, type Workload } from '../../main/semantics/kubernetes-workloads'

export const RUN_AS_NON_ROOT = 'kubernetes.pod.run-as-non-root'

/** runAsNonRoot as the kubelet reads it for the container: its own, else the pod's (null: set nowhere). */
export const runAsNonRootOf = (w: Workload, c: Container): boolean | null => c.securityContext?.runAsNonRoot ?? w.spec.securityContext?.runAsNonRoot ?? null

export const RUN_AS_NON_ROOT_CONCERNS: WorkloadConcerns = {
  [RUN_AS_NON_ROOT]: {
    what: 'a container not made to run as non-root (runAsNonRoot not true)',
    // ephemeral containers are added to a running pod by kubectl debug, never templated: not the controller's to change
    containers: (w) =>
      containersOf(w.spec).flatMap(({ list, index, container }): OffendingContainer[] => {
        if (list === 'ephemeralContainers') return []
        const v = runAsNonRootOf(w, container)
        return v === true ? [] : [{ list, index, name: container.name, what: v === false ? 'runAsNonRoot: false' : 'runAsNonRoot not set' }]
      })
  }
}

/** Would the kubelet start the container with runAsNonRoot: true? From its runAsUser, else its image's USER (null images: not in evidence). */
export function kubeletStarts(w: Workload, c: Container, images: ImageUsers | null): { starts: boolean | null; why: string } {
  const own = c.securityContext?.runAsUser
  const uid = own ?? w.spec.securityContext?.runAsUser ?? null
  const name = `${workloadText(w)} container ${c.name}`
  if (uid !== null)
    return uid === 0
      ? { starts: false, why: `${name}: runAsUser 0${own != null ? '' : " (the pod's)"}: the kubelet refuses to start it with runAsNonRoot` }
      : { starts: true, why: `${name}: runAsUser ${uid}${own != null ? '' : " (the pod's)"}, not 0: it starts as before` }
  const image = c.image ?? ''
  const u = images?.get(image)
  if (!u) return { starts: null, why: `${name}: no runAsUser, and the USER of its image ${image || '(none named)'} is not in ${images ? 'images.json' : 'evidence'}` }
  const v = imageUserVerdict(u.user)
  return v.starts
    ? { starts: true, why: `${name}: the image ${image} runs as uid ${v.uid} (USER ${u.user}): it starts as before` }
    : { starts: false, why: `${name}: ${v.why} (${image})` }
}

const starts = defineStep({
  name: 'k8s.run-as-non-root-starts',
  summary:
    "whether the kubelet would still start every container at fault with runAsNonRoot: true — its runAsUser, else its image's USER (kubernetes/<cluster>/images.json): a numeric uid other than 0 starts as before; uid 0, no USER or a user name is refused",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const j = judge(ctx, RUN_AS_NON_ROOT_CONCERNS)
    if ('error' in j) return j.error
    const sources = ['kubernetes.workloads' as const, 'kubernetes.images' as const]
    if (!j.at.length) return outcome('yes', 'no container is at fault: nothing is refused', { evidence: [j.evidence], certainty: 'proven', sources })
    const needImages = j.at.some((o) =>
      o.containers.some((x) => {
        const c = o.workload.spec[x.list]?.[x.index]
        return c && c.securityContext?.runAsUser == null && o.workload.spec.securityContext?.runAsUser == null
      })
    )
    const img = needImages ? loadImages(ctx.ev.files(), (id) => ctx.ev.bytes(id), j.cluster) : null
    const images = img?.ok ? img.value : null
    const evidence = [j.evidence, img?.files ?? []]
    const all = j.at.flatMap((o) => o.containers.map((x) => kubeletStarts(o.workload, o.workload.spec[x.list]![x.index], images)))
    const refused = all.filter((a) => a.starts === false)
    const unknown = all.filter((a) => a.starts === null)
    if (refused.length)
      return outcome('no', `${refused.map((a) => a.why).join('; ')}. The workload would not start again after the change`, { evidence, certainty: 'proven', sources })
    if (unknown.length)
      return outcome(
        'unknown',
        `${unknown.map((a) => a.why).join('; ')}${img && !img.ok ? ` (${img.why})` : ''}: whether the kubelet starts ${plural(unknown.length, 'container')} with runAsNonRoot cannot be shown`,
        {
          evidence,
          sources
        }
      )
    return outcome(
      'yes',
      `${all.map((a) => a.why).join('; ')}. Every container at fault runs as a user id other than 0 the kubelet can check; runAsNonRoot changes nothing it does`,
      {
        evidence,
        certainty: 'proven',
        sources
      }
    )
  }
})

const { offends, runs, system } = workloadSteps('k8s.run-as-non-root', RUN_AS_NON_ROOT_CONCERNS)
export const RUN_AS_NON_ROOT_STEPS = [offends, runs, system, starts]
