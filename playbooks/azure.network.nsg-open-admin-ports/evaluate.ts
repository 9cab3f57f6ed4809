// azure.network.nsg-open-admin-ports: a network security group has no inbound Allow rule admitting
// the internet ("*", Internet, Any, 0.0.0.0/0, ::/0) to SSH (22) or RDP (3389) over TCP or any
// protocol — Prowler's network_ssh/rdp_internet_access_restricted. Read from the ARM list of NSGs (or
// `az network nsg list`); the rule semantics are main/semantics/azure-nsg.ts.
import { evaluateAzureList, type EvaluationContext } from '../../main/controls/evaluation'
import { adminPortsOpened, ruleText, type NsgRule } from '../../main/semantics/azure-nsg'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'azure.network.nsg-open-admin-ports'

/** The NSG's rules that open SSH or RDP to the internet. */
export function openAdminRules(rules: readonly NsgRule[]): NsgRule[] {
  return rules.filter((r) => adminPortsOpened(r).length > 0)
}

export function nsgAdminVerdict(rules: readonly NsgRule[]): Verdict {
  const open = openAdminRules(rules)
  if (open.length) return fail(`inbound rules admit the internet to an administration port: ${open.map(ruleText).join('; ')}`)
  return pass(`no inbound rule of the ${rules.length} admits the internet to SSH (22) or RDP (3389)`)
}

export function evaluateNsgAdminPorts(ctx: EvaluationContext): Evaluation[] {
  return evaluateAzureList(
    CONTROL,
    ctx,
    'the network security groups',
    (sub) => sub.networkSecurityGroups,
    (g) => g.id,
    (g) => nsgAdminVerdict(g.rules)
  )
}
