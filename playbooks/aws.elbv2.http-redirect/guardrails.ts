// aws.elbv2.http-redirect's guardrail: the AWS Config managed rule alb-http-to-https-redirection-check
// (ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK, periodic; NON_COMPLIANT when an HTTP listener of an
// Application Load Balancer does not redirect to HTTPS, or one forwards instead). No SCP is
// generated: an HTTP listener that redirects (the fix) and one that forwards are created and
// modified by the same CreateListener / ModifyListener calls, and no IAM condition key Lastmile knows
// carries a listener's actions; refusing HTTP listeners outright would refuse the redirects too.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function httpRedirectGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'Application Load Balancers whose HTTP listeners do not redirect to HTTPS',
      [
        {
          name: 'alb-http-to-https-redirection-check',
          identifier: 'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK',
          resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
          description: 'HTTP listeners of Application Load Balancers must redirect to HTTPS',
          periodic: true
        }
      ],
      exceptions,
      [
        "nothing: Config rules only report (a periodic evaluation, every 24 hours). No SCP refuses an HTTP listener that forwards: no IAM condition key carries a listener's actions, and refusing HTTP listeners outright would refuse the redirecting ones too"
      ]
    )
  ]
}
