// aws.s3.public-access's own guardrail: the AWS Config rules for public read and public write. Its
// preventive SCP is shared with aws.s3.public-access-block (BLOCK_PUBLIC_ACCESS_SCP in
// main/controls/s3/block-public-access.ts, declared by control.ts).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function publicAccessGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'S3 buckets open to the public',
      [
        {
          name: 's3-bucket-public-read-prohibited',
          identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'Buckets must not allow public read access'
        },
        {
          name: 's3-bucket-public-write-prohibited',
          identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'Buckets must not allow public write access'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
