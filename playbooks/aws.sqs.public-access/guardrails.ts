// aws.sqs.public-access's guardrails: the AWS Config managed rule sqs-queue-no-public-access only.
// No SCP: the Service Authorization Reference lists no SQS condition key for the policy a
// SetQueueAttributes or CreateQueue request carries, so a policy cannot refuse a public queue policy
// without refusing every change of queue attributes. An RCP (Principal "*", Deny) could refuse
// sqs:* to callers outside the organization (aws:PrincipalOrgID), but it would also refuse the
// outside callers a queue legitimately serves: it is an organization decision, not this fix's.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function sqsPublicAccessGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'SQS queues whose access policy allows public access',
      [
        {
          name: 'sqs-queue-no-public-access',
          identifier: 'SQS_QUEUE_NO_PUBLIC_ACCESS',
          resourceTypes: ['AWS::SQS::Queue'],
          description: 'SQS queue policies must not allow public access'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. SQS has no IAM condition key for the queue policy a request sets, so no SCP can refuse a public one']
    )
  ]
}
