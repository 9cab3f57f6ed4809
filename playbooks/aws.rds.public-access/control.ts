// aws.rds.public-access — RDS DB instances should not be publicly accessible (Security Hub RDS.2).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateRdsPublicAccess } from './evaluate'
import { rdsPublicAccessFix } from './fix'
import { rdsPublicAccessGuardrails } from './guardrails'
import { RDS_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.rds.public-access',
  evaluate: perAccount(evaluateRdsPublicAccess),
  steps: RDS_PUBLIC_STEPS,
  fix: rdsPublicAccessFix,
  guardrails: rdsPublicAccessGuardrails
})
