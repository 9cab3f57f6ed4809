// aws.iam.user-direct-policies' guardrails: an SCP refusing iam:AttachUserPolicy and iam:PutUserPolicy (the two
// calls that give a user a policy of its own; a group or role is unaffected), and the AWS Config rule
// iam-user-no-policies-check.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, principalException, sid, withCondition } from '../../main/controls/guardrail-aws'

export function userDirectPoliciesGuardrails({ control, exceptions, opts, policy }: GuardrailContext): GuardrailView[] {
  const users = exceptions.map((e) => e.resourceId).filter((a) => a.startsWith('arn:'))
  const scp = policy('scp', `${control} SCP`, [
    withCondition(
      {
        Sid: sid(control, 'DenyPoliciesOnUsers'),
        Effect: 'Deny',
        Action: ['iam:AttachUserPolicy', 'iam:PutUserPolicy'],
        ...(users.length ? { NotResource: users } : { Resource: 'arn:aws:iam::*:user/*' })
      },
      principalException(opts)
    )
  ])
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: scp,
      control,
      prevents: `attaching a managed policy to an IAM user or giving it an inline policy, in the member accounts the SCP is attached to (${breakGlassNote(opts)}; SCPs do not apply to the management account)`,
      wouldBreak: [
        'infrastructure code or people that give users policies directly (Terraform aws_iam_user_policy_attachment, aws_iam_user_policy, aws_iam_policy_attachment with users; CloudFormation AWS::IAM::User Policies / ManagedPolicyArns): move them to groups first',
        "Lastmile's rollback of this control's fix (it puts the policies back on the user) once attached: run it with the break-glass role",
        ...(users.length ? [] : ['no user is excepted: every user in the attached accounts is refused a policy of its own'])
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'IAM users holding policies directly',
      [
        {
          name: 'iam-user-no-policies-check',
          identifier: 'IAM_USER_NO_POLICIES_CHECK',
          resourceTypes: ['AWS::IAM::User'],
          description: 'IAM users must not have policies attached'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
