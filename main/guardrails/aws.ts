// AWS guardrails of the controls that do not yet carry their own (in their folder's control.ts),
// built from the kit in main/controls/guardrail-aws.ts.
import type { GuardrailView } from '../../shared/remediation'
import type { PolicyRenderer } from '../controls/control'
import type { GuardrailException, GuardrailOptions } from '../controls/guardrail'
import {
  breakGlassNote,
  configRules,
  policyJson,
  principalException,
  resourceOrExcept,
  sid,
  withCondition,
  type ConfigRule,
  type Statement
} from '../controls/guardrail-aws'

/** Controls whose preventive policy is one SCP: both are kept by S3 Block Public Access. */
export const S3_BLOCK_PUBLIC_ACCESS_CONTROLS = ['aws.s3.public-access-block', 'aws.s3.public-access'] as const

/**
 * The guardrails of one AWS control, with its exceptions. With `policies: false`, only those that
 * are not Organizations policies (when the exceptions do not fit one).
 */
export function awsGuardrails(control: string, exceptions: GuardrailException[], opts: GuardrailOptions, policy: PolicyRenderer = policyJson): GuardrailView[] {
  return guardrailsOf(control, exceptions, opts, policy)
}

/**
 * One SCP keeping S3 Block Public Access on, for both S3 public-access controls at once: two
 * policies denying the same calls would each cancel the other's exceptions (an explicit Deny in
 * any attached SCP wins), so the exceptions of both controls go into this one.
 *
 * S3 has no condition key for the four settings' values (Service Authorization Reference, Amazon
 * S3: PutBucketPublicAccessBlock and PutAccountPublicAccessBlock take only s3:ResourceAccount,
 * s3:authType, s3:signatureAge, s3:signatureversion, s3:TlsVersion, s3:x-amz-content-sha256), so no
 * policy can tell turning a setting on from turning it off, and DeletePublicAccessBlock is
 * authorized as s3:PutBucketPublicAccessBlock. The SCP therefore leaves every change to the
 * break-glass role: Lastmile's fix and rollback included, which the plan's preconditions say.
 */
export function s3BlockPublicAccessScp(exceptions: GuardrailException[], opts: GuardrailOptions, controls: readonly string[]): GuardrailView {
  const control = 'aws.s3.public-access-block'
  const arns = [...new Set(exceptions.filter((e) => e.resourceId.startsWith('arn:')).map((e) => e.resourceId))]
  const accounts = [
    ...new Set(
      exceptions
        .filter((e) => e.resourceId.startsWith('AWS::::Account:'))
        .map((e) => e.account ?? e.resourceId.slice('AWS::::Account:'.length))
        .filter((a) => /^\d{12}$/.test(a))
    )
  ]
  const principal = principalException(opts)
  const content = policyJson('scp', 'S3 Block Public Access SCP', [
    withCondition({ Sid: sid(control, 'DenyBucketSettingChanges'), Effect: 'Deny', Action: 's3:PutBucketPublicAccessBlock', ...resourceOrExcept(arns) }, principal),
    withCondition(
      { Sid: sid(control, 'DenyAccountSettingChanges'), Effect: 'Deny', Action: 's3:PutAccountPublicAccessBlock', Resource: '*' },
      accounts.length ? { ...principal, StringNotEquals: { 'aws:PrincipalAccount': accounts } } : principal
    )
  ])
  return {
    kind: 'aws-scp',
    language: 'json',
    name: 'aws.s3.block-public-access.scp.json',
    content,
    control,
    covers: [...controls],
    prevents: `changing S3 Block Public Access (s3:PutBucketPublicAccessBlock, which also authorizes DeletePublicAccessBlock, and s3:PutAccountPublicAccessBlock) by anyone but the break-glass role; ${breakGlassNote(opts)}`,
    wouldBreak: [
      'turning Block Public Access ON as well: S3 offers no condition key on the settings, so only the break-glass role may change them once this is attached — run Lastmile\'s fix and rollback with that role, or before attaching it',
      'creating buckets with Block Public Access off, and pipelines that set it (Terraform aws_s3_bucket_public_access_block)',
      'publishing a bucket on purpose (a public website) without the break-glass role',
      ...(accounts.length ? [`the account-level setting of ${accounts.join(', ')} stays changeable (excepted)`] : [])
    ],
    exceptions: [...new Set(exceptions.map((e) => e.resourceId))]
  }
}

function guardrailsOf(
  control: string,
  exceptions: GuardrailException[],
  _opts: GuardrailOptions,
  _policyJson: (kind: 'scp' | 'rcp', name: string, statements: Statement[]) => string
): GuardrailView[] {
  switch (control) {
    case 'aws.s3.public-access-block':
    case 'aws.s3.public-access': {
      // the preventive SCP is s3BlockPublicAccessScp, one for both controls
      const rules: ConfigRule[] =
        control === 'aws.s3.public-access'
          ? [
              { name: 's3-bucket-public-read-prohibited', identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED', resourceTypes: ['AWS::S3::Bucket'], description: 'Buckets must not allow public read access' },
              { name: 's3-bucket-public-write-prohibited', identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED', resourceTypes: ['AWS::S3::Bucket'], description: 'Buckets must not allow public write access' }
            ]
          : [
              { name: 's3-bucket-level-public-access-prohibited', identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', resourceTypes: ['AWS::S3::Bucket'], description: 'Block Public Access must be on for each bucket' },
              { name: 's3-account-level-public-access-blocks-periodic', identifier: 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC', periodic: true, description: 'Block Public Access must be on for the account' }
            ]
      return [configRules(control, 'S3 buckets open to the public', rules, exceptions, ['nothing: Config rules only report'])]
    }
    default:
      return []
  }
}
