// kubernetes.pod.non-root-groups — no process of a pod should run with group 0 as its primary or a
// supplementary group. What playbook.yaml cannot declare: what it finds at fault in a workload (./steps.ts),
// handed to the workload kit's step functions; the fix and its rollback (./fix.ts); the guardrail (./guardrails.ts).
import { defineControl } from '../../main/controls/control'
import { nonRootGroupsFix } from './fix'
import { nonRootGroupsGuardrails } from './guardrails'
import { NON_ROOT_GROUPS_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.pod.non-root-groups',
  steps: NON_ROOT_GROUPS_STEPS,
  fix: nonRootGroupsFix,
  guardrails: nonRootGroupsGuardrails
})
