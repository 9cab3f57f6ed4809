// Step functions of aws.sns.public-access (the kit's three resource-policy steps, main/controls/
// resource-policy.ts). Publish is a CloudTrail data event, recorded only when a trail's advanced
// selectors take AWS::SNS::Topic: "nobody" needs one that does, over the whole window. Subscribe and
// the topic's other calls are management events.
import { resourcePolicySteps, type PolicyServiceSpec } from '../../main/controls/resource-policy'

export const SNS: PolicyServiceSpec = {
  service: 'sns',
  noun: 'SNS topic',
  file: 'sns-topics.json',
  dataType: 'AWS::SNS::Topic',
  actionOf: (eventName) => `sns:${eventName}`
}

export const SNS_PUBLIC_STEPS = resourcePolicySteps(SNS, 'sns', 'aws.sns.topic')
