// aws.eks.public-endpoint's guardrail: the AWS Config managed rule eks-endpoint-no-public-access
// (EKS_ENDPOINT_NO_PUBLIC_ACCESS, periodic, AWS::EKS::Cluster; NON_COMPLIANT when the endpoint is
// publicly accessible). No SCP is generated: refusing a public endpoint would mean refusing
// eks:CreateCluster and eks:UpdateClusterConfig by a field of their request (resourcesVpcConfig), and
// Lastmile knows no IAM condition key that carries it; refusing the actions outright would stop every
// cluster change.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function eksEndpointGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'EKS clusters with a public API endpoint',
      [
        {
          name: 'eks-endpoint-no-public-access',
          identifier: 'EKS_ENDPOINT_NO_PUBLIC_ACCESS',
          resourceTypes: ['AWS::EKS::Cluster'],
          description: 'EKS cluster API server endpoints must not be publicly accessible',
          periodic: true
        }
      ],
      exceptions,
      ['nothing: Config rules only report (a periodic evaluation, every 24 hours). No SCP refuses a public endpoint: no IAM condition key carries the endpoint access of a request']
    )
  ]
}
