// azure.storage.secure-transfer's guardrails: Azure Policy assignments of the built-in definitions
// for storage transfer security (FORMATS.md C.7), with the Deny effect, and a Waiver exemption for
// each storage account whose fix is UNSAFE or whose risk was accepted (the kit,
// main/controls/guardrail-azure.ts, builds the template and the script).
//
// Built-in definitions (Azure Policy built-ins, Storage category): "Secure transfer to storage
// accounts should be enabled" 404c3081-a854-4457-ae30-26a93ef643f9 (parameter effect:
// Audit|Deny|Disabled) and "Storage accounts should have the specified minimum TLS version"
// fe83a0eb-a853-422d-aac2-1bffd182c5d0 (parameters effect, minimumTlsVersion).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails, type PolicyAssignment } from '../../main/controls/guardrail-azure'

export const SECURE_TRANSFER_POLICY = '404c3081-a854-4457-ae30-26a93ef643f9'
export const MINIMUM_TLS_POLICY = 'fe83a0eb-a853-422d-aac2-1bffd182c5d0'

const ASSIGNMENTS: PolicyAssignment[] = [
  {
    name: 'lastmile-storage-secure-transfer',
    displayName: 'Secure transfer to storage accounts should be enabled (Lastmile guardrail)',
    definition: SECURE_TRANSFER_POLICY,
    parameters: { effect: 'Deny' }
  },
  {
    name: 'lastmile-storage-min-tls-1-2',
    displayName: 'Storage accounts should have the specified minimum TLS version (Lastmile guardrail)',
    definition: MINIMUM_TLS_POLICY,
    parameters: { effect: 'Deny', minimumTlsVersion: 'TLS1_2' }
  }
]

export function secureTransferGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  return policyAssignmentGuardrails({
    control,
    exceptions,
    subscriptions,
    assignments: ASSIGNMENTS,
    what: 'the storage transfer policies',
    description: 'deny storage accounts without secure transfer or with TLS below 1.2',
    prevents: 'storage accounts without secure transfer or accepting TLS 1.0/1.1, in every subscription the template is deployed to (az deployment sub create)',
    excepted: 'account',
    wouldBreak: [
      'creating or updating a storage account with secure transfer off or TLS below 1.2 is refused (Deny)',
      'clients of excepted accounts keep working; everything else must use HTTPS and TLS 1.2+ (SMB 2.1, NFS 3.0 and custom-domain HTTP are refused under secure transfer)'
    ]
  })
}
