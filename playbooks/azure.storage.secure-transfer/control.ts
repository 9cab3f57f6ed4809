// azure.storage.secure-transfer — Azure storage accounts should require secure transfer and TLS
// 1.2. What playbook.yaml cannot declare: the evaluator over the ARM storage-accounts list, the step
// functions, the fix with its rollback, and the guardrails (Azure Policy assignments).
import { defineControl } from '../../main/controls/control'
import { evaluateAzureSecureTransfer } from './evaluate'
import { azureStorageSecureTransferFix } from './fix'
import { secureTransferGuardrails } from './guardrails'
import { AZURE_STEPS } from './steps'

export default defineControl({
  id: 'azure.storage.secure-transfer',
  evaluate: evaluateAzureSecureTransfer,
  steps: AZURE_STEPS,
  fix: azureStorageSecureTransferFix,
  guardrails: secureTransferGuardrails
})
