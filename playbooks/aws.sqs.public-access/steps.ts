// Step functions of aws.sqs.public-access (the kit's three resource-policy steps, main/controls/
// resource-policy.ts). SendMessage, ReceiveMessage and DeleteMessage are CloudTrail data events,
// recorded only when a trail's advanced selectors take AWS::SQS::Queue: "nobody" needs one that
// does, over the whole window.
import { resourcePolicySteps, type PolicyServiceSpec } from '../../main/controls/resource-policy'

export const SQS: PolicyServiceSpec = {
  service: 'sqs',
  noun: 'SQS queue',
  file: 'sqs-queues.json',
  dataType: 'AWS::SQS::Queue',
  actionOf: (eventName) => `sqs:${eventName}`
}

export const SQS_PUBLIC_STEPS = resourcePolicySteps(SQS, 'sqs', 'aws.sqs.queue')
