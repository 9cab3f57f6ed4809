// aws.rds.public-access's guardrail: the AWS Config managed rule rds-instance-public-access-check.
// No SCP: the Service Authorization Reference's condition keys for Amazon RDS (rds:DatabaseClass,
// rds:DatabaseEngine, rds:MultiAz, rds:Piops, rds:StorageEncrypted, …) include none for
// PubliclyAccessible, so a policy cannot refuse CreateDBInstance or ModifyDBInstance that make an
// instance public without refusing every other use of them.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function rdsPublicAccessGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Publicly accessible RDS DB instances',
      [
        {
          name: 'rds-instance-public-access-check',
          identifier: 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK',
          resourceTypes: ['AWS::RDS::DBInstance'],
          description: 'RDS DB instances must not be publicly accessible'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. RDS has no IAM condition key for PubliclyAccessible, so no SCP can refuse making an instance public']
    )
  ]
}
