// aws.s3.access-logging's guardrail: the AWS Config managed rule s3-bucket-logging-enabled. No SCP:
// S3 has no condition key on PutBucketLogging's configuration (Service Authorization Reference,
// Amazon S3), so a policy could not tell turning logging off from turning it on — it would refuse
// this control's own fix.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function accessLoggingGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'S3 buckets without server access logging',
      [
        {
          name: 's3-bucket-logging-enabled',
          identifier: 'S3_BUCKET_LOGGING_ENABLED',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'S3 buckets must deliver server access logs'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
