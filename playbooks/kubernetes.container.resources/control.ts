// kubernetes.container.resources — containers should set CPU and memory requests and limits; its
// playbook serves Trivy's k8s checks KSV-0011 (CPU not limited), KSV-0015 (CPU requests not
// specified), KSV-0016 (memory requests not specified) and KSV-0018 (memory not limited) on live
// cluster objects. What playbook.yaml cannot declare: what each check finds at fault in a workload
// (./sizing.ts), the steps that judge the values from the containers' use (./steps.ts), the fix that
// sets them (./fix.ts) and the guardrails (./guardrails.ts).
import { defineControl } from '../../main/controls/control'
import { resourcesFix } from './fix'
import { resourcesGuardrails } from './guardrails'
import { RESOURCE_STEPS } from './steps'

export default defineControl({
  id: 'kubernetes.container.resources',
  steps: RESOURCE_STEPS,
  fix: resourcesFix,
  guardrails: resourcesGuardrails,
  answersServedControls: true
})
