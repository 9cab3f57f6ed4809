// aws.ec2.ebs-default-encryption's guardrails: an SCP keeping encryption by default on and refusing
// unencrypted volumes, and the AWS Config rule.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, exceptedScopes, principalException, regionalDeny } from '../../main/controls/guardrail-aws'

export function ebsDefaultEncryptionGuardrails({ control, exceptions, opts, policy: policyJson }: GuardrailContext): GuardrailView[] {
  const principal = principalException(opts)
  // The setting is per account and Region, and so are the exceptions (an UNSAFE finding in
  // us-east-1 says nothing of eu-west-1). The fix (EnableEbsEncryptionByDefault) is never
  // refused; the rollback (Disable…) is the insecure call, left to the break-glass role.
  const scp = policyJson('scp', `${control} SCP`, [
    ...regionalDeny(control, 'DenyDisablingDefaultEncryption', { Effect: 'Deny', Action: 'ec2:DisableEbsEncryptionByDefault', Resource: '*' }, exceptions, principal),
    ...regionalDeny(
      control,
      'DenyUnencryptedVolumes',
      { Effect: 'Deny', Action: 'ec2:CreateVolume', Resource: 'arn:aws:ec2:*:*:volume/*', Condition: { Bool: { 'ec2:Encrypted': 'false' } } },
      exceptions,
      principal
    )
  ])
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: scp,
      control,
      prevents: `turning EBS encryption by default off, and creating unencrypted volumes (${breakGlassNote(opts)})`,
      wouldBreak: [
        'launches from unencrypted snapshots or shared AMIs whose KMS key the account cannot use',
        "Lastmile's rollback (DisableEbsEncryptionByDefault) once attached: run it with the break-glass role",
        ...exceptedScopes(exceptions)
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'Regions without EBS encryption by default',
      [{ name: 'ec2-ebs-encryption-by-default', identifier: 'EC2_EBS_ENCRYPTION_BY_DEFAULT', periodic: true, description: 'EBS encryption by default must be on' }],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
