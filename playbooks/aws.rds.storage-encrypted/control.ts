// aws.rds.storage-encrypted — RDS DB instances should have encryption at rest (Security Hub RDS.3):
// a replacing fix, the snapshot → encrypted copy → restore → cut-over AWS documents.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateRdsStorageEncrypted } from './evaluate'
import { rdsStorageEncryptedFix } from './fix'
import { rdsStorageEncryptedGuardrails } from './guardrails'
import { RDS_ENCRYPTION_STEPS } from './steps'

export default defineControl({
  id: 'aws.rds.storage-encrypted',
  evaluate: perAccount(evaluateRdsStorageEncrypted),
  steps: RDS_ENCRYPTION_STEPS,
  fix: rdsStorageEncryptedFix,
  guardrails: rdsStorageEncryptedGuardrails
})
