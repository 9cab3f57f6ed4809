// aws.s3.public-access-block's own guardrail: the AWS Config rules for the bucket-level and the
// account-level setting. Its preventive SCP is shared with aws.s3.public-access
// (BLOCK_PUBLIC_ACCESS_SCP in main/controls/s3/block-public-access.ts, declared by control.ts).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function publicAccessBlockGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'S3 buckets open to the public',
      [
        {
          name: 's3-bucket-level-public-access-prohibited',
          identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'Block Public Access must be on for each bucket'
        },
        {
          name: 's3-account-level-public-access-blocks-periodic',
          identifier: 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
          periodic: true,
          description: 'Block Public Access must be on for the account'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
