// aws.ec2.subnet-auto-public-ip's guardrail: the AWS Config managed rule
// subnet-auto-assign-public-ip-disabled. No SCP: Lastmile knows no IAM condition key carrying the
// MapPublicIpOnLaunch value of a ModifySubnetAttribute or CreateSubnet request, and refusing the
// actions outright would stop every subnet change. What the launches themselves ask for is refused by
// EC2.9's SCP (aws.ec2.instance-public-ip: ec2:AssociatePublicIpAddress on RunInstances).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function subnetPublicIpGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Subnets that give public IPv4 addresses at launch',
      [
        {
          name: 'subnet-auto-assign-public-ip-disabled',
          identifier: 'SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED',
          resourceTypes: ['AWS::EC2::Subnet'],
          description: 'Subnets must not give public IPv4 addresses to instances at launch'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. No SCP refuses the subnet setting: no IAM condition key carries MapPublicIpOnLaunch']
    )
  ]
}
