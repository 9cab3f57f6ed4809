// azure.keyvault.firewall's guardrail: an Azure Policy assignment of the built-in definition "Azure Key
// Vault should have firewall enabled or public network access disabled" (55615ac9-af46-4a59-874e-391cc3dfb490,
// Key Vault category, parameter effect: Audit (default)|Deny|Disabled) — the policy Defender for Cloud's
// "Firewall should be enabled on Key Vault" is built on — with the Deny effect, and a Waiver exemption for
// each vault whose fix is UNSAFE or whose risk was accepted (the kit, main/controls/guardrail-azure.ts).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails } from '../../main/controls/guardrail-azure'

export const VAULT_FIREWALL_POLICY = '55615ac9-af46-4a59-874e-391cc3dfb490'

export function vaultFirewallGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions,
    subscriptions,
    assignments: [
      {
        name: 'lastmile-keyvault-firewall',
        displayName: 'Azure Key Vault should have firewall enabled or public network access disabled (Lastmile guardrail)',
        definition: VAULT_FIREWALL_POLICY,
        parameters: { effect: 'Deny' }
      }
    ],
    what: 'the Key Vault firewall policy',
    description: 'deny key vaults whose firewall is off and whose public network access is on',
    prevents:
      'key vaults created or updated with networkAcls.defaultAction Allow (or none) while public network access is enabled, in every subscription the template is deployed to',
    excepted: 'key vault',
    wouldBreak: [
      'creating a key vault without a firewall (the portal and templates default to allowing every network), or updating one that has none, is refused (Deny): templates must set networkAcls',
      'vaults already open are reported non-compliant, not changed; excepted vaults stay open'
    ]
  })
}
