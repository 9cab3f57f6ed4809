// kubernetes.pod.no-privilege-escalation — containers should set allowPrivilegeEscalation: false
// (Trivy KSV-0001 on live cluster objects). What playbook.yaml cannot declare: the steps (the workload
// kit's, made with this folder's concern, and whether a container needs escalation), the fix and its
// rollback, the guardrails.
import { defineControl } from '../../main/controls/control'
import { noEscalationGuardrails } from './guardrails'
import { noEscalationFix } from './fix'
import { ESCALATION_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.pod.no-privilege-escalation',
  steps: ESCALATION_STEPS,
  fix: noEscalationFix,
  guardrails: noEscalationGuardrails
})
