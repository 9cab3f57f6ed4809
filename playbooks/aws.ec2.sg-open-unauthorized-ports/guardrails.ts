// aws.ec2.sg-open-unauthorized-ports' guardrail: the AWS Config rule Security Hub runs for EC2.18,
// vpc-sg-open-only-to-authorized-ports (identifier VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS, AWS Config
// developer guide), with authorizedTcpPorts = the ports the evaluator authorises (80,443 by default) and
// no UDP port. An SCP cannot see the CIDR of a rule, so there is no preventive SCP (FORMATS.md C.4).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'
import { AUTHORISED_DEFAULT } from '../../main/controls/security-group/authorised-ports'

export function sgOpenUnauthorizedPortsGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  const tcp = AUTHORISED_DEFAULT.tcp.join(',')
  return [
    configRules(
      control,
      'Security groups open to the internet on ports other than the authorised ones',
      [
        {
          name: 'vpc-sg-open-only-to-authorized-ports',
          identifier: 'VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS',
          resourceTypes: ['AWS::EC2::SecurityGroup'],
          params: { authorizedTcpPorts: tcp },
          description: `Security groups may admit 0.0.0.0/0 or ::/0 only to the authorised TCP ports (Security Hub EC2.18: ${tcp}) and to no UDP port`
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. An SCP cannot see the CIDR of a rule, so there is no preventive SCP for this control (FORMATS.md C.4); Firewall Manager security group policies can enforce it',
        'the groups excepted, and services that must answer the internet on another port (add it to authorizedTcpPorts or authorizedUdpPorts), keep being reported until the parameter lists them'
      ]
    )
  ]
}
