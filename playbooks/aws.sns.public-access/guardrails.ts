// aws.sns.public-access's guardrails: the AWS Config managed rule sns-topic-no-public-access only.
// No SCP: SNS has no IAM condition key for the policy a SetTopicAttributes or CreateTopic request
// carries, so a policy cannot refuse a public topic policy without refusing every change of topic
// attributes.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function snsPublicAccessGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'SNS topics whose access policy allows public access',
      [
        {
          name: 'sns-topic-no-public-access',
          identifier: 'SNS_TOPIC_NO_PUBLIC_ACCESS',
          resourceTypes: ['AWS::SNS::Topic'],
          description: 'SNS topic policies must not allow public access'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. SNS has no IAM condition key for the topic policy a request sets, so no SCP can refuse a public one']
    )
  ]
}
