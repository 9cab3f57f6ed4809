// aws.ec2.sg-open-high-risk-ports' guardrail: the AWS Config rule Security Hub runs for EC2.19,
// restricted-common-ports (identifier RESTRICTED_INCOMING_TRAFFIC), with blockedPorts set to EC2.19's
// list. An SCP cannot see the CIDR of a rule, so there is no preventive SCP (FORMATS.md C.4).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'
import { HIGH_RISK_PORTS } from '../../main/semantics/port-sets'

export function sgOpenHighRiskPortsGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Security groups open to the internet on high-risk ports',
      [
        {
          // named apart from aws.ec2.sg-open-admin-ports' restricted-common-ports (3389): both stacks may be deployed
          name: 'restricted-high-risk-ports',
          identifier: 'RESTRICTED_INCOMING_TRAFFIC',
          resourceTypes: ['AWS::EC2::SecurityGroup'],
          params: { blockedPorts: HIGH_RISK_PORTS.map((p) => p.port).join(',') },
          description: `No security group may admit 0.0.0.0/0 or ::/0 over TCP to a high-risk port (Security Hub EC2.19: ${HIGH_RISK_PORTS.map((p) => p.port).join(', ')})`
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. An SCP cannot see the CIDR of a rule, so there is no preventive SCP for this control (FORMATS.md C.4); Firewall Manager security group policies can enforce it',
        'the groups excepted, and clients the investigation found using a high-risk port from the internet, keep being reported until they move to an approved range'
      ]
    )
  ]
}
