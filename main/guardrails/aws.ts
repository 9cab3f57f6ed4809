// AWS guardrails per control: Organizations SCPs and RCPs, and AWS Config managed rules as
// CloudFormation (FORMATS.md section C). Every policy is checked against the Organizations grammar
// (SCP: no Principal, 5,120 characters; RCP: Principal "*", Deny only) before it is handed out.
//
// Exceptions. Resources whose fix is UNSAFE, or whose risk a person accepted, must keep working
// under the guardrail:
// - by ARN, with NotResource (supported in SCPs and RCPs alongside Resource's other uses;
//   Organizations User Guide "SCP syntax", "RCP syntax"); an RCP or SCP cannot use NotPrincipal;
// - by tag, with aws:ResourceTag, only where the service evaluates resource tags for the action:
//   EC2 does; S3 general purpose buckets only once ABAC is enabled on the bucket (S3 User Guide,
//   "Using tags with S3 general purpose buckets"), so S3 exceptions are by ARN only;
// - break-glass principals, with ArnNotLike on aws:PrincipalArn (the pattern AWS recommends
//   instead of NotPrincipal).
// AWS Config rules report and cannot except a resource: an excepted resource stays NON_COMPLIANT
// there, which is the record of the exception.
import type { GuardrailView } from '../../shared/remediation'
import { LastmileError } from '../errors'
import { cfnLogicalId, cfnYaml } from '../remediate/formats'
import { assertValidPolicy } from '../remediate/policy-grammar'
import { bashScript, shellVar } from '../remediate/shell'
import type { GuardrailException, GuardrailOptions } from './types'

type Statement = Record<string, unknown>

function policyJson(kind: 'scp' | 'rcp', name: string, statements: Statement[]): string {
  const doc = { Version: '2012-10-17', Statement: statements }
  const text = `${JSON.stringify(doc, null, 2)}\n`
  // the quota counts every character; fall back to compact JSON when the pretty form is too long
  const compact = JSON.stringify(doc)
  const out = text.length <= 5120 ? text : `${compact}\n`
  if (compact.length > 5120) {
    // Exceptions cannot be spread over several Deny statements (each would deny what the others
    // except), so a list that does not fit one policy is refused, not split.
    throw new LastmileError('conflict', `the ${kind.toUpperCase()} with its exceptions is ${compact.length} characters, over the 5,120 an ${kind.toUpperCase()} may have: tag the excepted resources and use the exception tag, or except fewer`)
  }
  assertValidPolicy(doc, kind, name, out.trimEnd())
  return out
}

function principalException(opts: GuardrailOptions): Record<string, unknown> | null {
  const roles = opts.breakGlassRoles ?? []
  return roles.length ? { ArnNotLike: { 'aws:PrincipalArn': roles } } : null
}

function withCondition(s: Statement, extra: Record<string, unknown> | null): Statement {
  if (!extra) return s
  const c = { ...((s.Condition as Record<string, unknown>) ?? {}) }
  for (const [op, block] of Object.entries(extra)) c[op] = { ...((c[op] as Record<string, unknown>) ?? {}), ...(block as Record<string, unknown>) }
  return { ...s, Condition: c }
}

function resourceOrExcept(arns: string[]): Statement {
  return arns.length ? { NotResource: arns } : { Resource: '*' }
}

const breakGlassNote = (opts: GuardrailOptions): string =>
  opts.breakGlassRoles?.length
    ? `principals matching ${opts.breakGlassRoles.join(', ')} are exempt (break-glass)`
    : 'no break-glass role was given: every principal in the attached accounts is denied, administrators included (give --break-glass-role to exempt one)'

function exceptionNames(ex: GuardrailException[]): string[] {
  return ex.map((e) => `${e.resourceId} (${e.finding}: ${e.why})`)
}

interface ConfigRule {
  name: string
  identifier: string
  resourceTypes?: string[]
  params?: Record<string, string>
  periodic?: boolean
  description: string
}

function configRules(control: string, title: string, rules: ConfigRule[], exceptions: GuardrailException[], wouldBreak: string[]): GuardrailView {
  const resources: Record<string, unknown> = {}
  for (const r of rules) {
    resources[cfnLogicalId('Lastmile', r.name)] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: `lastmile-${r.name}`,
        Description: r.description,
        Source: { Owner: 'AWS', SourceIdentifier: r.identifier },
        ...(r.resourceTypes ? { Scope: { ComplianceResourceTypes: r.resourceTypes } } : {}),
        ...(r.params ? { InputParameters: r.params } : {}),
        ...(r.periodic ? { MaximumExecutionFrequency: 'TwentyFour_Hours' } : {})
      }
    }
  }
  const content = cfnYaml(
    [
      `Lastmile guardrail for ${control}: AWS Config managed rules (${rules.map((r) => r.identifier).join(', ')}).`,
      'Needs an AWS Config configuration recorder in each account and Region it is deployed to (StackSets for many).',
      ...(exceptions.length ? ['These resources are agreed exceptions and will stay NON_COMPLIANT:', ...exceptionNames(exceptions).map((e) => `  ${e}`)] : [])
    ],
    { AWSTemplateFormatVersion: '2010-09-09', Description: `Lastmile guardrail: ${title}`, Resources: resources }
  )
  return {
    kind: 'aws-config-rule',
    language: 'yaml',
    name: `${control}.config-rules.cfn.yaml`,
    content,
    control,
    prevents: `nothing by itself: AWS Config reports (and can trigger remediation for) every ${title.toLowerCase()} as NON_COMPLIANT within a day`,
    wouldBreak,
    exceptions: exceptions.map((e) => e.resourceId)
  }
}

/**
 * The guardrails of one AWS control, with its exceptions. With `policies: false`, only those that
 * are not Organizations policies (when the exceptions do not fit one).
 */
export function awsGuardrails(control: string, exceptions: GuardrailException[], opts: GuardrailOptions, mode: { policies: boolean } = { policies: true }): GuardrailView[] {
  const made = guardrailsOf(control, exceptions, opts, (kind, name, statements) => (mode.policies ? policyJson(kind, name, statements) : ''))
  return made.filter((g) => g.content !== '')
}

function guardrailsOf(
  control: string,
  exceptions: GuardrailException[],
  opts: GuardrailOptions,
  policyJson: (kind: 'scp' | 'rcp', name: string, statements: Statement[]) => string
): GuardrailView[] {
  const principal = principalException(opts)
  const tag = opts.exceptionTag
  switch (control) {
    case 'aws.s3.https-only': {
      const arns = exceptions.flatMap((e) => [e.resourceId, `${e.resourceId}/*`])
      const rcp = policyJson('rcp', `${control} RCP`, [
        withCondition(
          {
            Sid: 'DenyS3WithoutTLS',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            ...resourceOrExcept(arns),
            // BoolIfExists, as AWS's data-perimeter RCP examples: a request without the key is not TLS either
            Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } }
          },
          null
        )
      ])
      return [
        {
          kind: 'aws-rcp',
          language: 'json',
          name: `${control}.rcp.json`,
          content: rcp,
          control,
          prevents: 'any request to an S3 bucket in the attached accounts over plain HTTP, whatever the bucket policy says, including buckets created later',
          wouldBreak: [
            'every client that still reads or writes S3 over HTTP in those accounts, in any bucket not listed as an exception',
            ...(exceptions.length ? [] : ['no bucket is excepted: check the case has no UNSAFE https-only finding left']),
            'RCPs apply to every account under the OU they are attached to, not only the accounts in this case'
          ],
          exceptions: exceptions.map((e) => e.resourceId)
        },
        configRules(
          control,
          'S3 buckets that accept plain HTTP',
          [{ name: 's3-bucket-ssl-requests-only', identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY', resourceTypes: ['AWS::S3::Bucket'], description: 'Bucket policies must deny requests without TLS (aws:SecureTransport false)' }],
          exceptions,
          ['nothing: Config rules only report']
        )
      ]
    }
    case 'aws.s3.public-access-block':
    case 'aws.s3.public-access': {
      const arns = exceptions.filter((e) => e.resourceId.startsWith('arn:')).map((e) => e.resourceId)
      const accountExcepted = exceptions.some((e) => e.resourceId.startsWith('AWS::::Account:'))
      const statements: Statement[] = [
        withCondition({ Sid: 'DenyBucketPublicAccessBlockChanges', Effect: 'Deny', Action: 's3:PutBucketPublicAccessBlock', ...resourceOrExcept(arns) }, principal)
      ]
      if (!accountExcepted) statements.push(withCondition({ Sid: 'DenyAccountPublicAccessBlockChanges', Effect: 'Deny', Action: 's3:PutAccountPublicAccessBlock', Resource: '*' }, principal))
      const scp = policyJson('scp', `${control} SCP`, statements)
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
      return [
        {
          kind: 'aws-scp',
          language: 'json',
          name: `${control}.scp.json`,
          content: scp,
          control,
          prevents: `turning S3 Block Public Access off again (s3:PutBucketPublicAccessBlock, which also governs DeletePublicAccessBlock${accountExcepted ? '' : ', and the account-level setting'}); ${breakGlassNote(opts)}`,
          wouldBreak: [
            'creating new buckets with Block Public Access off, and any pipeline that sets it (Terraform aws_s3_bucket_public_access_block with false values)',
            'publishing a bucket on purpose (a public website) without a break-glass role'
          ],
          exceptions: exceptions.map((e) => e.resourceId)
        },
        configRules(control, 'S3 buckets open to the public', rules, exceptions, ['nothing: Config rules only report'])
      ]
    }
    case 'aws.ec2.imdsv2': {
      const instanceArns = exceptions.map((e) => e.resourceId)
      const statements: Statement[] = [
        { Sid: 'RequireImdsv2AtLaunch', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: 'arn:aws:ec2:*:*:instance/*', Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } },
        withCondition({ Sid: 'DenyMetadataOptionChanges', Effect: 'Deny', Action: 'ec2:ModifyInstanceMetadataOptions', ...resourceOrExcept(instanceArns) }, principal),
        withCondition(
          { Sid: 'DenyImdsv1RoleCredentials', Effect: 'Deny', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'ec2:RoleDelivery': '2.0' } } },
          instanceArns.length ? { ArnNotLike: { 'ec2:SourceInstanceARN': instanceArns } } : null
        )
      ]
      if (tag) statements[1] = withCondition(statements[1], { StringNotEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } })
      const scp = policyJson('scp', `${control} SCP`, statements)
      const defaults = bashScript({
        title: 'Guardrail: make IMDSv2 the account default for new instances, per Region',
        lines: ['ModifyInstanceMetadataDefaults sets what launches get when they do not say (EC2 User Guide, "Set IMDS defaults for the account").', 'Run it once per account and Region, with credentials for that account.'],
        tools: ['aws', 'jq'],
        rollbackKey: 'imds-defaults',
        functions: ['REGIONS="${REGIONS:-$(aws configure get region)}"'],
        steps: [
          {
            title: `set HttpTokens=required as the default in each Region of ${shellVar('REGIONS')}`,
            apply: [
              'for r in $REGIONS; do',
              '  current="$(aws ec2 get-instance-metadata-defaults --region "$r" --output json | jq -r ".AccountLevel.HttpTokens // empty")"',
              '  if [ "$current" = required ]; then say "already the default in $r"; continue; fi',
              '  aws ec2 modify-instance-metadata-defaults --region "$r" --http-tokens required --output json > /dev/null',
              'done'
            ]
          }
        ],
        done: 'new instances default to IMDSv2'
      })
      return [
        {
          kind: 'aws-scp',
          language: 'json',
          name: `${control}.scp.json`,
          content: scp,
          control,
          prevents: `launching an instance without IMDSv2, turning it off again, and using role credentials fetched over IMDSv1 (${breakGlassNote(opts)})`,
          wouldBreak: [
            'launch templates, AMIs pipelines and Auto Scaling groups that do not set http_tokens = "required"',
            'software on instances that still calls IMDSv1 for role credentials (old SDKs and agents): its AWS calls are denied',
            ...(instanceArns.length ? [] : ['no instance is excepted: every IMDSv1 caller in the attached accounts is affected'])
          ],
          exceptions: exceptions.map((e) => e.resourceId)
        },
        {
          kind: 'aws-cli',
          language: 'bash',
          name: `${control}.account-defaults.sh`,
          content: defaults,
          control,
          prevents: 'new instances getting IMDSv1 when their launch does not say otherwise',
          wouldBreak: ['new instances whose software needs IMDSv1 (they can still opt out at launch unless the SCP is attached)'],
          exceptions: []
        },
        configRules(control, 'EC2 instances that allow IMDSv1', [{ name: 'ec2-imdsv2-check', identifier: 'EC2_IMDSV2_CHECK', resourceTypes: ['AWS::EC2::Instance'], description: 'Instances must require IMDSv2' }], exceptions, ['nothing: Config rules only report'])
      ]
    }
    case 'aws.ec2.sg-open-admin-ports':
      return [
        configRules(
          control,
          'Security groups open to the internet on SSH or RDP',
          [
            { name: 'restricted-ssh', identifier: 'INCOMING_SSH_DISABLED', resourceTypes: ['AWS::EC2::SecurityGroup'], description: 'No security group may admit 0.0.0.0/0 or ::/0 on port 22' },
            { name: 'restricted-common-ports', identifier: 'RESTRICTED_INCOMING_TRAFFIC', resourceTypes: ['AWS::EC2::SecurityGroup'], params: { blockedPort1: '3389' }, description: 'No security group may admit 0.0.0.0/0 or ::/0 on port 3389' }
          ],
          exceptions,
          ['nothing: Config rules only report. An SCP cannot see the CIDR of a rule, so there is no preventive SCP for this control (FORMATS.md C.4); Firewall Manager security group policies can enforce it']
        )
      ]
    case 'aws.ec2.ebs-default-encryption': {
      const accounts = [...new Set(exceptions.map((e) => e.account).filter((a): a is string => !!a))]
      const scp = policyJson('scp', `${control} SCP`, [
        withCondition(
          { Sid: 'DenyDisablingEbsDefaultEncryption', Effect: 'Deny', Action: 'ec2:DisableEbsEncryptionByDefault', Resource: '*' },
          accounts.length ? { StringNotEquals: { 'aws:PrincipalAccount': accounts } } : null
        ),
        withCondition(
          { Sid: 'DenyUnencryptedVolumes', Effect: 'Deny', Action: 'ec2:CreateVolume', Resource: 'arn:aws:ec2:*:*:volume/*', Condition: { Bool: { 'ec2:Encrypted': 'false' } } },
          accounts.length ? { StringNotEquals: { 'aws:PrincipalAccount': accounts } } : null
        )
      ])
      return [
        {
          kind: 'aws-scp',
          language: 'json',
          name: `${control}.scp.json`,
          content: scp,
          control,
          prevents: 'turning EBS encryption by default off, and creating unencrypted volumes',
          wouldBreak: [
            'launches from unencrypted snapshots or shared AMIs whose KMS key the account cannot use',
            ...(accounts.length ? [`accounts ${accounts.join(', ')} are excepted`] : [])
          ],
          exceptions: exceptions.map((e) => e.resourceId)
        },
        configRules(control, 'Regions without EBS encryption by default', [{ name: 'ec2-ebs-encryption-by-default', identifier: 'EC2_EBS_ENCRYPTION_BY_DEFAULT', periodic: true, description: 'EBS encryption by default must be on' }], exceptions, ['nothing: Config rules only report'])
      ]
    }
    case 'aws.iam.unused-access-key': {
      const users = exceptions.map((e) => e.resourceId)
      const scp = policyJson('scp', `${control} SCP`, [withCondition({ Sid: 'DenyNewAccessKeys', Effect: 'Deny', Action: 'iam:CreateAccessKey', ...resourceOrExcept(users) }, principal)])
      return [
        {
          kind: 'aws-scp',
          language: 'json',
          name: `${control}.scp.json`,
          content: scp,
          control,
          prevents: `creating new long-lived access keys for IAM users (${breakGlassNote(opts)})`,
          wouldBreak: ['tools and CI systems that create access keys for users; use roles (OIDC federation, IAM Roles Anywhere) instead', ...(users.length ? [`users ${users.join(', ')} are excepted`] : [])],
          exceptions: users
        },
        configRules(
          control,
          'IAM users with unused or old access keys',
          [
            { name: 'iam-user-unused-credentials-check', identifier: 'IAM_USER_UNUSED_CREDENTIALS_CHECK', periodic: true, params: { maxCredentialUsageAge: '45' }, description: 'Credentials unused for 45 days must be removed (CIS 1.12)' },
            { name: 'access-keys-rotated', identifier: 'ACCESS_KEYS_ROTATED', periodic: true, params: { maxAccessKeyAge: '90' }, description: 'Access keys must be rotated within 90 days' }
          ],
          exceptions,
          ['nothing: Config rules only report']
        )
      ]
    }
    default:
      return []
  }
}

