// aws.ec2.sg-open-admin-ports' guardrails: the AWS Config rules only. An SCP cannot see the CIDR of
// a rule, so there is no preventive SCP for this control (FORMATS.md C.4).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function sgOpenAdminPortsGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Security groups open to the internet on SSH or RDP',
      [
        {
          name: 'restricted-ssh',
          identifier: 'INCOMING_SSH_DISABLED',
          resourceTypes: ['AWS::EC2::SecurityGroup'],
          description: 'No security group may admit 0.0.0.0/0 or ::/0 on port 22'
        },
        {
          name: 'restricted-common-ports',
          identifier: 'RESTRICTED_INCOMING_TRAFFIC',
          resourceTypes: ['AWS::EC2::SecurityGroup'],
          params: { blockedPort1: '3389' },
          description: 'No security group may admit 0.0.0.0/0 or ::/0 on port 3389'
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. An SCP cannot see the CIDR of a rule, so there is no preventive SCP for this control (FORMATS.md C.4); Firewall Manager security group policies can enforce it'
      ]
    )
  ]
}
