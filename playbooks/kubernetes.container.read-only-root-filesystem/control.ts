// kubernetes.container.read-only-root-filesystem — containers should run with a read-only root
// filesystem (Defender for Cloud's recommendation on an AKS cluster); its playbook also serves Trivy's
// KSV-0014 on live cluster objects. What playbook.yaml cannot declare: what the controls find at fault in
// a workload and the step that reads the containers' writable layers (./steps.ts), the fix (./fix.ts)
// and the guardrail (./guardrails.ts).
import { defineControl } from '../../main/controls/control'
import { readOnlyFix } from './fix'
import { readOnlyGuardrails } from './guardrails'
import { READ_ONLY_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.container.read-only-root-filesystem',
  steps: READ_ONLY_STEPS,
  fix: readOnlyFix,
  guardrails: readOnlyGuardrails,
  answersServedControls: true
})
