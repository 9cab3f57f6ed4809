// azure.sql.public-network-access's guardrail: an Azure Policy assignment of the built-in definition
// "Public network access on Azure SQL Database should be disabled" (1b8ca024-1d5c-4dec-8995-b1a932b41780,
// SQL category, parameter effect: Audit|Deny|Disabled; azure-policy built-in-policies/policyDefinitions/
// SQL/SqlServer_PublicNetworkAccess_Audit.json) with the Deny effect, and a Waiver exemption for each
// server whose fix is UNSAFE or whose risk was accepted (the kit, main/controls/guardrail-azure.ts).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails } from '../../main/controls/guardrail-azure'

export const SQL_PUBLIC_NETWORK_POLICY = '1b8ca024-1d5c-4dec-8995-b1a932b41780'

export function sqlPublicAccessGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions,
    subscriptions,
    assignments: [
      {
        name: 'lastmile-sql-no-public-network',
        displayName: 'Public network access on Azure SQL Database should be disabled (Lastmile guardrail)',
        definition: SQL_PUBLIC_NETWORK_POLICY,
        parameters: { effect: 'Deny' }
      }
    ],
    what: 'the Azure SQL public network access policy',
    description: 'deny Azure SQL servers with public network access enabled',
    prevents: 'SQL servers created or updated with publicNetworkAccess Enabled, in every subscription the template is deployed to (az deployment sub create)',
    excepted: 'SQL server',
    wouldBreak: [
      'creating a SQL server with public network access, or any update of a server that keeps it enabled (a tag, a firewall rule through the server resource), is refused (Deny)',
      'servers already public are reported non-compliant, not changed; excepted servers keep their public endpoint'
    ]
  })
}
