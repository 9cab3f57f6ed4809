// aws.elb.tls-listeners' guardrail: the AWS Config managed rule elb-tls-https-listeners-only
// (ELB_TLS_HTTPS_LISTENERS_ONLY, on configuration changes of AWS::ElasticLoadBalancing::LoadBalancer;
// NON_COMPLIANT when a listener is not HTTPS or SSL). No SCP is generated: CreateLoadBalancer and
// CreateLoadBalancerListeners of a Classic Load Balancer carry the listeners' protocols in the
// request, and no IAM condition key Lastmile knows exposes them.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function tlsListenersGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Classic Load Balancers with HTTP or TCP listeners',
      [
        {
          name: 'elb-tls-https-listeners-only',
          identifier: 'ELB_TLS_HTTPS_LISTENERS_ONLY',
          resourceTypes: ['AWS::ElasticLoadBalancing::LoadBalancer'],
          description: 'Classic Load Balancer listeners must be HTTPS or SSL'
        }
      ],
      exceptions,
      ["nothing: Config rules only report. No SCP refuses a plain listener: no IAM condition key carries a Classic Load Balancer listener's protocol"]
    )
  ]
}
