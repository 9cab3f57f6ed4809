// aws.rds.public-access — RDS DB instances should not be publicly accessible (Security Hub RDS.2).
import { defineControl, perAccount } from '../../main/controls/control'
import { arnAttribute, iacTwin, resourceBlock } from '../../main/controls/iac-twin'
import { evaluateRdsPublicAccess } from './evaluate'
import { rdsPublicAccessFix } from './fix'
import { rdsPublicAccessGuardrails } from './guardrails'
import { RDS_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.rds.public-access',
  evaluate: perAccount(evaluateRdsPublicAccess),
  steps: RDS_PUBLIC_STEPS,
  fix: rdsPublicAccessFix,
  guardrails: rdsPublicAccessGuardrails,
  // Checkov CKV_AWS_17, Trivy/tfsec AVD-AWS-0180 and AVD-AWS-0082 on an aws_db_instance: the deployed instance answers
  iac: iacTwin({
    aws_db_instance: {
      resourceType: 'aws.rds.db-instance',
      deployed: arnAttribute,
      change: (r) => ({
        summary: 'make the DB instance private (publicly_accessible = false)',
        hcl: resourceBlock(r.type, r.name, ['publicly_accessible = false']),
        notes: [
          'RDS applies the change in the next maintenance window unless apply_immediately = true; the endpoint then resolves to the private address only',
          'clients outside the VPC lose the database: the investigation names those seen in the flow logs'
        ]
      })
    }
  })
})
