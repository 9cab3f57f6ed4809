// azure.entra.admin-escalation-path — a principal should not be able to act as an application that can
// add members to an admin group. What playbook.yaml cannot declare: the step functions (over the
// `azure.entra.escalation` facet) and the fix that cuts one edge of each path, with its rollback.
import { defineControl } from '../../main/controls/control'
import { evaluateEscalationPaths } from './evaluate'
import { escalationFix } from './fix'
import { ESCALATION_STEPS } from './steps'

export default defineControl({
  id: 'azure.entra.admin-escalation-path',
  evaluate: evaluateEscalationPaths,
  steps: ESCALATION_STEPS,
  fix: escalationFix
})
