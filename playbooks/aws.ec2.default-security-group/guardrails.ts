// aws.ec2.default-security-group's guardrail: the AWS Config managed rule
// vpc-default-security-group-closed. No SCP: IAM has no condition key on a security group's name
// or on whether it is a VPC's default group, so a policy could not refuse rules on the default
// group without refusing them on every group.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function defaultSecurityGroupGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'VPC default security groups that allow traffic',
      [
        {
          name: 'vpc-default-security-group-closed',
          identifier: 'VPC_DEFAULT_SECURITY_GROUP_CLOSED',
          resourceTypes: ['AWS::EC2::SecurityGroup'],
          description: "A VPC's default security group must have no inbound and no outbound rule"
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. No SCP can tell the default group from another (IAM has no condition key for it); Firewall Manager common security group policies can keep it empty'
      ]
    )
  ]
}
