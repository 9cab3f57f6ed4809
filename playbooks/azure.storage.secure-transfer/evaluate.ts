// azure.storage.secure-transfer: a storage account refuses plain HTTP (`supportsHttpsTrafficOnly`
// true) AND refuses TLS older than 1.2 (`minimumTlsVersion` TLS1_2 or later). Read from the ARM
// storage-accounts list (or `az storage account list`, which names the first one
// `enableHttpsTrafficOnly`).
//
// A missing property is UNKNOWN, not a default:
// - supportsHttpsTrafficOnly defaults to true only for accounts created with api-version 2019-04-01
//   or later, and the list operation always returns the property; if it is absent, the file was
//   not a faithful list output, so nothing can be assumed.
// - minimumTlsVersion: the ARM reference says "the default interpretation is TLS 1.0" when unset,
//   but the property only appears from api-version 2019-06-01 on, so its absence may mean an older
//   api-version was used to list, not that it is unset. We refuse to guess either way.
import { evaluateStorageAccountList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AzureStorageAccount } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

/** ARM's MinimumTlsVersion values, oldest first. */
export const TLS_ORDER = ['TLS1_0', 'TLS1_1', 'TLS1_2', 'TLS1_3']

export function secureTransferVerdict(a: Pick<AzureStorageAccount, 'supportsHttpsTrafficOnly' | 'minimumTlsVersion'>): Verdict {
  const problems: string[] = []
  const unsure: string[] = []
  const good: string[] = []
  if (a.supportsHttpsTrafficOnly === true) good.push('secure transfer is required (supportsHttpsTrafficOnly = true)')
  else if (a.supportsHttpsTrafficOnly === false) problems.push('plain HTTP is accepted (supportsHttpsTrafficOnly = false)')
  else unsure.push('supportsHttpsTrafficOnly is not in the data')
  const tls = a.minimumTlsVersion
  if (tls === undefined) unsure.push('minimumTlsVersion is not in the data (unset means TLS 1.0 is accepted; an older api-version omits it)')
  else {
    const rank = TLS_ORDER.indexOf(tls)
    if (rank < 0) unsure.push(`minimumTlsVersion "${tls}" is not a known value`)
    else if (rank < TLS_ORDER.indexOf('TLS1_2')) problems.push(`TLS older than 1.2 is accepted (minimumTlsVersion = ${tls})`)
    else good.push(`minimumTlsVersion = ${tls}`)
  }
  if (problems.length) return fail(problems.join('; '))
  if (unsure.length) return unknown([...unsure, ...good].join('; '))
  return pass(good.join('; '))
}

export function evaluateAzureSecureTransfer(ctx: EvaluationContext): Evaluation[] {
  return evaluateStorageAccountList('azure.storage.secure-transfer', ctx, secureTransferVerdict)
}
