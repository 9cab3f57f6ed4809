// kubernetes.pod.drop-capabilities — containers should drop ALL capabilities (Trivy KSV-0003 on live
// cluster objects); its playbook, fix and guardrails also answer iac.trivy.ksv-0106 (drop ALL and add
// only NET_BIND_SERVICE): one question, a stricter list of what stays. What playbook.yaml cannot
// declare: the steps (the workload kit's, made with this folder's concerns, and what the process
// holds), the fix and its rollback, the guardrails.
import { defineControl } from '../../main/controls/control'
import { dropCapabilitiesGuardrails } from './guardrails'
import { dropCapabilitiesFix } from './fix'
import { CAPABILITY_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.pod.drop-capabilities',
  steps: CAPABILITY_STEPS,
  fix: dropCapabilitiesFix,
  guardrails: dropCapabilitiesGuardrails,
  answersServedControls: true
})
