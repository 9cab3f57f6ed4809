// azure.keyvault.firewall — a key vault's firewall should be on. What playbook.yaml cannot declare: the
// evaluator over key-vaults.json, the step functions, the fix with its rollback (networkAcls saved; an
// IP rule for each public caller seen, then default action Deny with trusted services bypassing; the
// rollback restores the saved networkAcls exactly) and the guardrail (the built-in policy, Audit).
import { defineControl } from '../../main/controls/control'
import { evaluateVaultFirewall } from './evaluate'
import { vaultFirewallFix } from './fix'
import { vaultFirewallGuardrails } from './guardrails'
import { VAULT_FIREWALL_STEPS } from './steps'

export default defineControl({
  id: 'azure.keyvault.firewall',
  evaluate: evaluateVaultFirewall,
  steps: VAULT_FIREWALL_STEPS,
  fix: vaultFirewallFix,
  guardrails: vaultFirewallGuardrails
})
