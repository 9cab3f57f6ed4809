// aws.iam.root-access-key's guardrails: an SCP refusing every action of the root user in member
// accounts, and the AWS Config rule iam-root-access-key-check.
//
// The SCP matches the root user by aws:PrincipalArn (arn:aws:iam::<account>:root). It stops a root
// access key from working at all and refuses creating a new one, and equally refuses the root
// user's console work in those accounts. SCPs never restrict the management account, whose root
// user stays as it is. An account whose root key is in use (UNSAFE) is excepted by
// aws:PrincipalAccount until that use moves to a role. A break-glass role is no exception here: the
// statement matches only the root user.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules, sid, type Statement } from '../../main/controls/guardrail-aws'

export function rootAccessKeyGuardrails({ control, exceptions, policy }: GuardrailContext): GuardrailView[] {
  const accounts = [...new Set(exceptions.map((e) => /(\d{12})/.exec(e.resourceId)?.[1]).filter((a): a is string => !!a))].sort()
  const statement: Statement = {
    Sid: sid(control, 'DenyRootUser'),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' },
      ...(accounts.length ? { StringNotEquals: { 'aws:PrincipalAccount': accounts } } : {})
    }
  }
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: policy('scp', `${control} SCP`, [statement]),
      control,
      prevents: `any use of the root user of member accounts — its access keys (existing or new) and its console sessions${accounts.length ? `; accounts ${accounts.join(', ')} are excepted while their root key is in use` : ''}`,
      wouldBreak: [
        "root-only tasks in member accounts while the SCP is attached (detach it for the task, or use centralized root access from the management account's sts:AssumeRoot)",
        'nothing in the management account: SCPs do not apply to it; watch its root user with the Config rule and a CloudTrail alarm on root use',
        ...(accounts.length ? [] : ['no account is excepted: a root access key still in use in an attached account stops working at once'])
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'Root user access keys',
      [
        {
          name: 'iam-root-access-key-check',
          identifier: 'IAM_ROOT_ACCESS_KEY_CHECK',
          periodic: true,
          description: 'The root user must have no access key'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
