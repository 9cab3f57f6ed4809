// kubernetes.pod.seccomp-runtime-default — containers should run under the runtime's default seccomp
// profile (Trivy KSV-0030 on live cluster objects); its playbook, fix and guardrails also answer
// iac.trivy.ksv-0104 (no profile, or Unconfined): one question and one fix. What playbook.yaml cannot
// declare: the steps (the workload kit's, made with this folder's concerns, and what the container's
// spec says of its system calls), the fix and its rollback, the guardrails.
import { defineControl } from '../../main/controls/control'
import { seccompGuardrails } from './guardrails'
import { seccompFix } from './fix'
import { SECCOMP_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.pod.seccomp-runtime-default',
  steps: SECCOMP_STEPS,
  fix: seccompFix,
  guardrails: seccompGuardrails,
  answersServedControls: true
})
