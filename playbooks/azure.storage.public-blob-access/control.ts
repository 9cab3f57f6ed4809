// azure.storage.public-blob-access — Azure storage accounts should disallow anonymous (public) blob
// access. What playbook.yaml cannot declare: the evaluator over the ARM storage-accounts list, the
// step functions, the fix with its rollback, and the guardrails (an Azure Policy assignment).
import { defineControl } from '../../main/controls/control'
import { evaluatePublicBlobAccess } from './evaluate'
import { publicBlobAccessFix } from './fix'
import { publicBlobGuardrails } from './guardrails'
import { PUBLIC_BLOB_STEPS } from './steps'

export default defineControl({
  id: 'azure.storage.public-blob-access',
  evaluate: evaluatePublicBlobAccess,
  steps: PUBLIC_BLOB_STEPS,
  fix: publicBlobAccessFix,
  guardrails: publicBlobGuardrails
})
