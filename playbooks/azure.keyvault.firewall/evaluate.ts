// azure.keyvault.firewall: a key vault has its firewall on — networkAcls.defaultAction "Deny" — or
// public network access disabled: Defender for Cloud's "Firewall should be enabled on Key Vault", whose
// policy is "Azure Key Vault should have firewall enabled or public network access disabled"
// (55615ac9-af46-4a59-874e-391cc3dfb490). A vault without networkAcls allows every network. Read from
// key-vaults.json (main/semantics/inventory-azure-data.ts).
import { evaluateAzureList, type EvaluationContext } from '../../main/controls/evaluation'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'azure.keyvault.firewall'

export function vaultFirewallVerdict(v: { publicNetworkAccess: string | null; defaultAction: string | null }): Verdict {
  if (/^disabled$/i.test(v.publicNetworkAccess ?? '')) return pass('publicNetworkAccess is Disabled: only private endpoint connections reach the vault')
  if (/^deny$/i.test(v.defaultAction ?? ''))
    return pass('the firewall is on (networkAcls.defaultAction Deny): only the listed addresses, subnets and trusted services reach the vault')
  return fail(`the firewall is off (${v.defaultAction ? `networkAcls.defaultAction ${v.defaultAction}` : 'no networkAcls'}): every network reaches the vault`)
}

export function evaluateVaultFirewall(ctx: EvaluationContext): Evaluation[] {
  return evaluateAzureList(
    CONTROL,
    ctx,
    'the key vaults',
    (sub) => sub.keyVaults,
    (v) => v.id,
    (v) => vaultFirewallVerdict(v)
  )
}
