// What kubernetes.pod.non-root-groups finds at fault in a workload: a process that runs with group 0
// (root) as its primary or a supplementary group, because the pod spec says so — runAsGroup 0 (the
// container's, else the pod's), fsGroup 0, or 0 among supplementalGroups (the pod's: every container
// gets them). Trivy's KSV-0116 fails the same three fields ("should set runAsGroup, supplementalGroups[*]
// and fsGroup to integer greater than 0"; its resolution: "a non-zero integer or leave undefined").
// Not set is not at fault: the primary group is then the image's, which workloads.json does not hold.
// The steps (which workloads, do they run, are they the cluster's own) are the workload kit's.
import type { WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { containersOf, type Workload } from '../../main/semantics/kubernetes-workloads'

export const NON_ROOT_GROUPS = 'kubernetes.pod.non-root-groups'

/** One place of a pod spec that gives its processes group 0, with the JSON pointer the fix changes. */
export interface RootGroup {
  /** JSON pointer of the field in the workload's object */
  path: string
  field: 'runAsGroup' | 'fsGroup' | 'supplementalGroups'
  /** the container whose runAsGroup it is (null: the pod's securityContext) */
  container: string | null
  /** the index of the 0 in supplementalGroups */
  index?: number
  what: string
}

/** Every place of the workload's pod spec that sets group 0. */
export function rootGroups(w: Workload): RootGroup[] {
  const pod = w.spec.securityContext
  const at = `${w.specPath}/securityContext`
  const out: RootGroup[] = []
  const podGroup = pod?.runAsGroup ?? null
  if (podGroup === 0) {
    // the pod's runAsGroup holds for every container that does not set its own
    const inheriting = containersOf(w.spec).filter((c) => c.container.securityContext?.runAsGroup == null)
    if (inheriting.length)
      out.push({ path: `${at}/runAsGroup`, field: 'runAsGroup', container: null, what: `runAsGroup 0 (the pod's, for ${inheriting.map((c) => c.container.name).join(', ')})` })
  }
  for (const { list, index, container } of containersOf(w.spec))
    if (container.securityContext?.runAsGroup === 0)
      out.push({
        path: `${w.specPath}/${list}/${index}/securityContext/runAsGroup`,
        field: 'runAsGroup',
        container: container.name,
        what: `container ${container.name}: runAsGroup 0`
      })
  if (pod?.fsGroup === 0)
    out.push({ path: `${at}/fsGroup`, field: 'fsGroup', container: null, what: "fsGroup 0 (the pod's volumes are group-owned by root and every container gets group 0)" })
  ;(pod?.supplementalGroups ?? []).forEach((g, index) => {
    if (g === 0)
      out.push({
        path: `${at}/supplementalGroups/${index}`,
        field: 'supplementalGroups',
        container: null,
        index,
        what: 'supplementalGroups holds 0 (every container gets group 0)'
      })
  })
  return out
}

export const NON_ROOT_GROUPS_CONCERNS: WorkloadConcerns = {
  [NON_ROOT_GROUPS]: {
    what: 'a process running with group 0 (runAsGroup, fsGroup or supplementalGroups 0)',
    pod: (w) => {
      const r = rootGroups(w)
      return { at: r.length > 0, why: r.length ? r.map((x) => x.what).join('; ') : 'no runAsGroup, fsGroup or supplementalGroups 0' }
    }
  }
}

const { offends, runs, system } = workloadSteps('k8s.root-groups', NON_ROOT_GROUPS_CONCERNS)
export const NON_ROOT_GROUPS_STEPS = [offends, runs, system]
