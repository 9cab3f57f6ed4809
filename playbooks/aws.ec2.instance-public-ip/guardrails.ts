// aws.ec2.instance-public-ip's guardrails: an SCP refusing launches that ask for a public IPv4
// address and the association of Elastic IPs, and the AWS Config rule ec2-instance-no-public-ip.
//
// ec2:AssociatePublicIpAddress is a condition key of the network-interface resource of RunInstances
// (Service Authorization Reference, Amazon EC2): it carries the request's own AssociatePublicIpAddress.
// A launch that does not say gets the subnet's MapPublicIpOnLaunch, which no key carries — so the SCP
// stops only explicit requests, and subnets that hand addresses out (EC2.15, aws.ec2.subnet-auto-public-ip)
// must be closed as well. AssociateAddress has no condition key telling an instance from anything
// else, so it is refused outright (NAT gateways take their Elastic IP in CreateNatGateway, which is
// not refused); the break-glass role may still make both calls, which Lastmile's rollback needs.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, principalException, sid, withCondition } from '../../main/controls/guardrail-aws'

export function ec2PublicIpGuardrails({ control, exceptions, opts, policy: policyJson }: GuardrailContext): GuardrailView[] {
  const principal = principalException(opts)
  const scp = policyJson('scp', `${control} SCP`, [
    withCondition(
      {
        Sid: sid(control, 'DenyLaunchWithPublicIp'),
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*:*:network-interface/*',
        Condition: { Bool: { 'ec2:AssociatePublicIpAddress': 'true' } }
      },
      principal
    ),
    withCondition({ Sid: sid(control, 'DenyAssociateElasticIp'), Effect: 'Deny', Action: 'ec2:AssociateAddress', Resource: '*' }, principal)
  ])
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: scp,
      control,
      prevents: `launching an instance that asks for a public IPv4 address, and associating an Elastic IP with anything (${breakGlassNote(opts)})`,
      wouldBreak: [
        'launch templates, Auto Scaling groups and pipelines that set AssociatePublicIpAddress true',
        'associating Elastic IPs by hand or by automation (failover scripts moving an address between instances)',
        "Lastmile's rollback (it associates the Elastic IP again) once attached: run it with the break-glass role",
        'not prevented: a launch that does not ask, into a subnet with MapPublicIpOnLaunch on, still gets an address: close those subnets too (Security Hub EC2.15)',
        ...(exceptions.length
          ? [
              `the excepted instances (${exceptions.map((e) => e.resourceId).join(', ')}) cannot have an Elastic IP associated again except by the break-glass role: the action names no instance a policy could except`
            ]
          : [])
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'EC2 instances with a public IPv4 address',
      [
        {
          name: 'ec2-instance-no-public-ip',
          identifier: 'EC2_INSTANCE_NO_PUBLIC_IP',
          resourceTypes: ['AWS::EC2::Instance'],
          description: 'EC2 instances must not have a public IPv4 address'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
