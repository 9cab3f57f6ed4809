// aws.sns.public-access (Security Hub SNS.4): put the topic policy without the statements that grant
// to anyone (SetTopicAttributes Policy), the rollback putting the saved policy back
// (main/controls/resource-policy-fix.ts). A topic always has a policy: when no statement would
// remain, the fix puts the one SNS gives a new topic (the owner account only, by AWS:SourceOwner).
import { policyDocumentFix } from '../../main/controls/resource-policy-fix'
import { sq } from '../../main/controls/shell'

const ACTIONS = [
  'SNS:GetTopicAttributes',
  'SNS:SetTopicAttributes',
  'SNS:AddPermission',
  'SNS:RemovePermission',
  'SNS:DeleteTopic',
  'SNS:Subscribe',
  'SNS:ListSubscriptionsByTopic',
  'SNS:Publish'
]

export const snsPublicAccessFix = policyDocumentFix({
  noun: 'SNS topic',
  file: 'sns-topics.json',
  actions: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
  get: (r, region) => `aws sns get-topic-attributes --region ${sq(region)} --topic-arn ${sq(r.arn)} --output json | jq -r '.Attributes.Policy // ""'`,
  set: (r, region) => `aws sns set-topic-attributes --region ${sq(region)} --topic-arn ${sq(r.arn)} --attribute-name Policy --attribute-value "$POLICY"`,
  whenEmpty: (r) =>
    JSON.stringify({
      Version: '2008-10-17',
      Id: '__default_policy_ID',
      Statement: [
        { Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' }, Action: ACTIONS, Resource: r.arn, Condition: { StringEquals: { 'AWS:SourceOwner': r.account } } }
      ]
    })
})
