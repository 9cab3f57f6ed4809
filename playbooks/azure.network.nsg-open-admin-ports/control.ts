// azure.network.nsg-open-admin-ports — network security groups should not admit the internet to SSH
// or RDP. What playbook.yaml cannot declare: the evaluator over the ARM NSG list, the step functions,
// the fix with its rollback (each deleted rule recreated from its saved copy), and the guardrails
// (Azure Policy assignments, audit only).
import { defineControl } from '../../main/controls/control'
import { evaluateNsgAdminPorts } from './evaluate'
import { nsgAdminPortsFix } from './fix'
import { nsgAdminGuardrails } from './guardrails'
import { NSG_STEPS } from './steps'

export default defineControl({
  id: 'azure.network.nsg-open-admin-ports',
  evaluate: evaluateNsgAdminPorts,
  steps: NSG_STEPS,
  fix: nsgAdminPortsFix,
  guardrails: nsgAdminGuardrails
})
