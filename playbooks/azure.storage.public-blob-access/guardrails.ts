// azure.storage.public-blob-access's guardrails: an Azure Policy assignment of the built-in definition
// "Storage account public access should be disallowed" (4fa4b6c0-31ca-4c0d-b10d-24b96f62a751, Storage
// category, parameter effect: Audit|Deny|Disabled; azure-policy built-in-policies/policyDefinitions/
// Storage/ASC_Storage_DisallowPublicBlobAccess_Audit.json) with the Deny effect, and a Waiver exemption
// for each account whose fix is UNSAFE or whose risk was accepted (the kit, main/controls/guardrail-azure.ts).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { policyAssignmentGuardrails } from '../../main/controls/guardrail-azure'
import { CONTAINER, scopeOf } from './steps'

export const DISALLOW_PUBLIC_BLOB_POLICY = '4fa4b6c0-31ca-4c0d-b10d-24b96f62a751'

export function publicBlobGuardrails({ control, exceptions, subscriptions }: GuardrailContext): GuardrailView[] {
  // the policy judges accounts: a container that must stay public keeps its account exempt
  const accounts = new Map<string, GuardrailContext['exceptions'][number]>()
  for (const e of exceptions) {
    const account = scopeOf({ id: e.resourceId, type: /\/blobservices\/[^/]+\/containers\//i.test(e.resourceId) ? CONTAINER : 'azure.storage.account' })?.account ?? e.resourceId
    if (!accounts.has(account)) accounts.set(account, { ...e, resourceId: account })
  }
  return policyAssignmentGuardrails({
    control,
    exceptions: [...accounts.values()],
    subscriptions,
    assignments: [
      {
        name: 'lastmile-storage-no-public-blob',
        displayName: 'Storage account public access should be disallowed (Lastmile guardrail)',
        definition: DISALLOW_PUBLIC_BLOB_POLICY,
        parameters: { effect: 'Deny' }
      }
    ],
    what: 'the storage public blob access policy',
    description: 'deny storage accounts that allow anonymous blob access',
    prevents: 'storage accounts created or updated with allowBlobPublicAccess true, in every subscription the template is deployed to (az deployment sub create)',
    excepted: 'account',
    wouldBreak: [
      'creating or updating a storage account that allows anonymous blob access is refused (Deny), including templates that leave allowBlobPublicAccess true',
      'accounts already allowing it are reported non-compliant, not changed; excepted accounts keep serving their public containers'
    ]
  })
}
