// aws.s3.cross-account-access's guardrails: the AWS Config managed rule Security Hub S3.6 runs,
// s3-bucket-blacklisted-actions-prohibited, with the five blocked actions. No SCP: an SCP governs
// the principals of the organization's accounts, not what a bucket policy grants, and no S3
// condition key carries the policy document a PutBucketPolicy request sets.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'
import { BLOCKED } from './grants'

export function crossAccountGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'S3 bucket policies granting blocked actions to other AWS accounts',
      [
        {
          name: 's3-bucket-blacklisted-actions-prohibited',
          identifier: 'S3_BUCKET_BLACKLISTED_ACTIONS_PROHIBITED',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'S3 bucket policies must not grant DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration or PutObjectAcl to other AWS accounts',
          params: { blacklistedActionPattern: BLOCKED.map((b) => b.action).join(',') }
        }
      ],
      exceptions,
      ['nothing: Config rules only report. No SCP or IAM condition key can refuse a bucket policy by the actions it grants']
    )
  ]
}
