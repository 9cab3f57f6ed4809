// aws.rds.storage-encrypted — RDS DB instances should have encryption at rest (Security Hub RDS.3):
// a replacing fix, the snapshot → encrypted copy → restore → cut-over AWS documents.
import { defineControl, perAccount } from '../../main/controls/control'
import { arnAttribute, iacTwin, resourceBlock } from '../../main/controls/iac-twin'
import { sq } from '../../main/controls/shell'
import { evaluateRdsStorageEncrypted } from './evaluate'
import { rdsStorageEncryptedFix } from './fix'
import { rdsStorageEncryptedGuardrails } from './guardrails'
import { RDS_ENCRYPTION_STEPS } from './steps'

export default defineControl({
  id: 'aws.rds.storage-encrypted',
  evaluate: perAccount(evaluateRdsStorageEncrypted),
  steps: RDS_ENCRYPTION_STEPS,
  fix: rdsStorageEncryptedFix,
  guardrails: rdsStorageEncryptedGuardrails,
  // Checkov CKV_AWS_16, Trivy/tfsec AVD-AWS-0080 on an aws_db_instance: the deployed instance answers.
  // storage_encrypted forces a new instance in the AWS provider, so the code follows the live fix
  // rather than make it: the state is pointed at the instance the cut-over put under the name
  // (`terraform import` takes the DB identifier).
  iac: iacTwin({
    aws_db_instance: {
      resourceType: 'aws.rds.db-instance',
      deployed: arnAttribute,
      liveFirst:
        'Terraform cannot encrypt a DB instance in place: applied alone, storage_encrypted = true destroys the instance and creates a new, empty one (or, with snapshot_identifier, one restored after the original is already gone), with no way back to the original',
      change: (r) => {
        const id = typeof r.values?.identifier === 'string' ? sq(r.values.identifier) : '<the DB instance identifier>'
        return {
          summary: "encrypt the DB instance's storage (storage_encrypted = true)",
          hcl: resourceBlock(r.type, r.name, ['storage_encrypted = true']),
          notes: [
            "the live fix encrypts with the account's AWS managed key for RDS (alias/aws/rds): kms_key_id may stay unset; name it in both when a customer managed key is used",
            "settings a restore does not carry (monitoring, Performance Insights, log exports, IAM authentication) show in the plan after the import as in-place updates: applying them puts the code's values back"
          ],
          adopt: [`terraform state rm ${sq(r.address)}`, `terraform import ${sq(r.address)} ${id}`]
        }
      }
    }
  })
})
