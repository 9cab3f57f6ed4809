// aws.cloudfront.viewer-https's guardrail: the AWS Config managed rule cloudfront-viewer-policy-https
// (CLOUDFRONT_VIEWER_POLICY_HTTPS, AWS::CloudFront::Distribution, on configuration changes, in US East
// (N. Virginia) only, where CloudFront's configuration items are recorded; NON_COMPLIANT when the
// default or any ordered cache behaviour is allow-all). No SCP is generated: the Service Authorization
// Reference for CloudFront lists no condition key carrying the ViewerProtocolPolicy of a
// CreateDistribution or UpdateDistribution request (its keys are about tags), so a policy could only
// refuse the actions outright, which would stop every distribution change.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function viewerHttpsGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'CloudFront distributions that let viewers in over plain HTTP',
      [
        {
          name: 'cloudfront-viewer-policy-https',
          identifier: 'CLOUDFRONT_VIEWER_POLICY_HTTPS',
          resourceTypes: ['AWS::CloudFront::Distribution'],
          description: 'Every cache behaviour of a CloudFront distribution must redirect or refuse plain HTTP (ViewerProtocolPolicy redirect-to-https or https-only)',
          periodic: false
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report, on each configuration change. Deploy it in us-east-1, where CloudFront distributions are recorded. No SCP refuses an allow-all behaviour: no IAM condition key carries the ViewerProtocolPolicy of a CreateDistribution or UpdateDistribution request'
      ]
    )
  ]
}
