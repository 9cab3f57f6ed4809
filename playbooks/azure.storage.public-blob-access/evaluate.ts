// azure.storage.public-blob-access: a storage account disallows anonymous (public) blob access —
// `allowBlobPublicAccess` false in the ARM storage-accounts list (the Azure CLI prints the same name).
// When it is false no container can be read anonymously, whatever the container's own level says.
//
// A missing property is UNKNOWN, not a default: the ARM reference has changed its stated default
// (true for accounts created before November 2023, false since), and an api-version before
// 2019-04-01 does not return the property at all.
import { evaluateStorageAccountList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AzureStorageAccount, AzureSubscriptionInventory } from '../../main/semantics/inventory'
import { containerLevel } from '../../main/semantics/inventory-azure'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'azure.storage.public-blob-access'

/** The verdict from the account's property; `publicContainers` (when its containers were listed) only adds detail to a FAIL. */
export function publicBlobVerdict(a: Pick<AzureStorageAccount, 'allowBlobPublicAccess'>, publicContainers?: string[] | null): Verdict {
  if (a.allowBlobPublicAccess === false) return pass('anonymous blob access is disallowed (allowBlobPublicAccess = false)')
  if (a.allowBlobPublicAccess === true) {
    const which =
      publicContainers === undefined || publicContainers === null
        ? ''
        : publicContainers.length
          ? `; containers open to anonymous reads: ${publicContainers.join(', ')}`
          : '; no container is open to anonymous reads today, but any can be made so'
    return fail(`anonymous blob access is allowed (allowBlobPublicAccess = true)${which}`)
  }
  return unknown('allowBlobPublicAccess is not in the data (its default depends on when the account was created and the api-version that listed it)')
}

/** The account's containers whose public access level is Blob or Container, or null when they were not listed (or not readably). */
function publicContainersOf(a: AzureStorageAccount, sub: AzureSubscriptionInventory): string[] | null {
  const f = a.name ? sub.blobContainers.get(a.name.toLowerCase()) : undefined
  if (!f || f.state !== 'ok' || f.value.some((i) => !i.ok)) return null
  return f.value.flatMap((i) => (i.ok && containerLevel(i.value) !== undefined && containerLevel(i.value) !== 'None' ? [`${i.value.name} (${containerLevel(i.value)})`] : []))
}

export function evaluatePublicBlobAccess(ctx: EvaluationContext): Evaluation[] {
  return evaluateStorageAccountList(CONTROL, ctx, (a, sub) => publicBlobVerdict(a, publicContainersOf(a, sub)))
}
