// A change of containers' securityContext as one JSON patch of their controller (kubernetes-fix.ts
// renders and applies it), with its exact rollback. Each container's whole securityContext is
// replaced by the new one after a `test` that it is still what the evidence showed, so a live
// container changed since (another field set, a value changed) refuses the patch and nothing changes.
// A container without a securityContext gets one (`add`); JSON patch cannot test that a member is
// absent, so its name and image are tested instead (a rollout of another image, a container renamed
// or moved, refuses it). The rollback tests the securityContext the fix left and puts the old one
// back, or removes it when there was none.
import { LastmileError } from '../errors'
import { containerPath, type PatchOp, type WorkloadPatch } from './kubernetes-fix'
import type { Offender, OffendingContainer } from './kubernetes-evidence'
import { workloadText, type Container } from '../semantics/kubernetes-workloads'

/** What to do with one container at fault: its new securityContext and the change in words ("allowPrivilegeEscalation (not set) → false"), or a refusal. */
export type SecurityContextEdit = { next: Record<string, unknown>; change: string } | { refuse: string }

/** The container at a place of the workload's pod spec, as the evidence has it. */
export function containerAt(o: Offender, c: Pick<OffendingContainer, 'list' | 'index'>): Container {
  const found = o.workload.spec[c.list]?.[c.index]
  if (!found) throw new LastmileError('conflict', `${workloadText(o.workload)} has no ${c.list}[${c.index}] in the evidence`)
  return found
}

/** The patch of one workload: each of its containers at fault gets the securityContext `edit` gives it; refused when `edit` refuses one. */
export function securityContextPatch(o: Offender, edit: (c: Container, at: OffendingContainer) => SecurityContextEdit): WorkloadPatch {
  const w = o.workload
  const patch: PatchOp[] = []
  const rollback: PatchOp[] = []
  const before: WorkloadPatch['before'] = []
  const after: WorkloadPatch['after'] = []
  const changes: string[] = []
  const refused: string[] = []
  for (const at of o.containers) {
    const c = containerAt(o, at)
    const e = edit(c, at)
    if ('refuse' in e) {
      refused.push(`container ${c.name}: ${e.refuse}`)
      continue
    }
    const base = containerPath(w, at)
    const path = `${base}/securityContext`
    const old = (c.securityContext ?? null) as Record<string, unknown> | null
    const pins: PatchOp[] = [{ op: 'test', path: `${base}/name`, value: c.name }]
    if (old) {
      patch.push(...pins, { op: 'test', path, value: old }, { op: 'replace', path, value: e.next })
      rollback.push(...pins, { op: 'test', path, value: e.next }, { op: 'replace', path, value: old })
    } else {
      if (c.image !== undefined) pins.push({ op: 'test', path: `${base}/image`, value: c.image })
      patch.push(...pins, { op: 'add', path, value: e.next })
      rollback.push(...pins, { op: 'test', path, value: e.next }, { op: 'remove', path })
    }
    before.push({ path, value: old })
    after.push({ path, value: e.next })
    changes.push(`container ${c.name}: ${e.change}`)
  }
  if (refused.length) throw new LastmileError('conflict', `${workloadText(w)}: ${refused.join('; ')}`)
  return { kind: w.kind, namespace: w.namespace, name: w.name, patch, rollback, before, after, changes }
}
