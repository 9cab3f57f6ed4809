// aws.ec2.imdsv2's guardrails: an SCP requiring IMDSv2 at launch and refusing IMDSv1 role
// credentials, the account default for new instances, and the AWS Config rule.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, principalException, resourceOrExcept, sid, withCondition, type Statement } from '../../main/controls/guardrail-aws'
import { bashScript, shellVar } from '../../main/controls/shell'

export function imdsv2Guardrails({ control, exceptions, opts, policy: policyJson }: GuardrailContext): GuardrailView[] {
  const principal = principalException(opts)
  const tag = opts.exceptionTag
  const instanceArns = exceptions.map((e) => e.resourceId)
  // Only the insecure value is refused. ec2:MetadataHttpTokens is what a launch asks for;
  // ec2:Attribute/HttpTokens what ModifyInstanceMetadataOptions asks for. A modify call that
  // omits HttpTokens carries no such key, and StringNotEquals then holds (IAM User Guide,
  // condition operators on absent keys): refused, since an omitted value may mean "optional".
  // Lastmile's fix sets "required" and passes; its rollback puts "optional" back, which is the
  // call this SCP exists to refuse: the break-glass role may still make it.
  const modify = withCondition(
    {
      Sid: sid(control, 'DenyTokensOptionalOnModify'),
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataOptions',
      ...resourceOrExcept(instanceArns),
      Condition: { StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' } }
    },
    principal
  )
  const statements: Statement[] = [
    withCondition(
      {
        Sid: sid(control, 'RequireTokensAtLaunch'),
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } }
      },
      principal
    ),
    tag
      ? withCondition(modify, {
          StringNotEquals: { ...((modify.Condition as Record<string, Record<string, unknown>>).StringNotEquals ?? {}), [`aws:ResourceTag/${tag.key}`]: tag.value }
        })
      : modify,
    withCondition(
      { Sid: sid(control, 'DenyImdsv1RoleCredentials'), Effect: 'Deny', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'ec2:RoleDelivery': '2.0' } } },
      instanceArns.length ? { ArnNotLike: { 'ec2:SourceInstanceARN': instanceArns } } : null
    )
  ]
  const scp = policyJson('scp', `${control} SCP`, statements)
  const defaults = bashScript({
    title: 'Guardrail: make IMDSv2 the account default for new instances, per Region',
    lines: [
      'ModifyInstanceMetadataDefaults sets what launches get when they do not say (EC2 User Guide, "Set IMDS defaults for the account").',
      'Run it once per account and Region, with credentials for that account.'
    ],
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
      prevents: `launching an instance without IMDSv2, setting its metadata options back to tokens optional, and using role credentials fetched over IMDSv1 (${breakGlassNote(opts)})`,
      wouldBreak: [
        'launch templates, AMIs pipelines and Auto Scaling groups that do not set http_tokens = "required"',
        'software on instances that still calls IMDSv1 for role credentials (old SDKs and agents): its AWS calls are denied',
        "Lastmile's rollback (tokens back to optional) once attached: run it with the break-glass role",
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
    configRules(
      control,
      'EC2 instances that allow IMDSv1',
      [{ name: 'ec2-imdsv2-check', identifier: 'EC2_IMDSV2_CHECK', resourceTypes: ['AWS::EC2::Instance'], description: 'Instances must require IMDSv2' }],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
