// azure.network.nsg-open-admin-ports's guardrails: Azure Policy assignments of the built-in definitions
// "RDP access from the Internet should be blocked" (e372f825-a257-4fb8-9175-797a8a8627d6) and "SSH access
// from the Internet should be blocked" (2c89a2e5-7285-40fe-afe0-ae8654b92fab), Network category, whose
// effect is Audit or Disabled only: they report every NSG rule that opens RDP or SSH to the internet,
// they do not refuse it (a Deny needs a custom definition, such as the Azure Landing Zones'
// Deny-MgmtPorts-From-Internet, which is not built in). A Waiver exemption for each excepted NSG.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails } from '../../main/controls/guardrail-azure'

export const RDP_FROM_INTERNET_POLICY = 'e372f825-a257-4fb8-9175-797a8a8627d6'
export const SSH_FROM_INTERNET_POLICY = '2c89a2e5-7285-40fe-afe0-ae8654b92fab'

export function nsgAdminGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions,
    subscriptions,
    assignments: [
      {
        name: 'lastmile-nsg-no-internet-rdp',
        displayName: 'RDP access from the Internet should be blocked (Lastmile guardrail)',
        definition: RDP_FROM_INTERNET_POLICY,
        parameters: { effect: 'Audit' }
      },
      {
        name: 'lastmile-nsg-no-internet-ssh',
        displayName: 'SSH access from the Internet should be blocked (Lastmile guardrail)',
        definition: SSH_FROM_INTERNET_POLICY,
        parameters: { effect: 'Audit' }
      }
    ],
    what: 'the NSG management port policies',
    description: 'audit network security rules that open RDP or SSH to the internet',
    prevents:
      'nothing by itself: the built-in definitions only audit (Audit or Disabled), so every NSG rule opening RDP or SSH to the internet shows as non-compliant in every subscription the template is deployed to; a Deny needs a custom policy definition',
    excepted: 'network security group',
    wouldBreak: ['nothing is refused (Audit): excepted NSGs are left out of the compliance report']
  })
}
