// kubernetes.pod.run-as-non-root — containers should be made to run as a user other than root. What
// playbook.yaml cannot declare: what it finds at fault in a workload and whether the kubelet would
// still start it (./steps.ts, with the workload kit's steps), the fix and its rollback (./fix.ts), the
// guardrails (./guardrails.ts).
import { defineControl } from '../../main/controls/control'
import { runAsNonRootFix } from './fix'
import { runAsNonRootGuardrails } from './guardrails'
import { RUN_AS_NON_ROOT_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.pod.run-as-non-root',
  steps: RUN_AS_NON_ROOT_STEPS,
  fix: runAsNonRootFix,
  guardrails: runAsNonRootGuardrails
})
