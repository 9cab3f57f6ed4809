// aws.sqs.public-access (Security Hub SQS.3): put the queue policy without the statements that grant
// to anyone (SetQueueAttributes Policy; an empty Policy when none remain), the rollback putting the
// saved policy back (main/controls/resource-policy-fix.ts).
import { policyDocumentFix } from '../../main/controls/resource-policy-fix'
import { sq } from '../../main/controls/shell'

const url = (r: { detail: Record<string, unknown>; arn: string }): string => String(r.detail.queueUrl ?? r.arn)

export const sqsPublicAccessFix = policyDocumentFix({
  noun: 'SQS queue',
  file: 'sqs-queues.json',
  actions: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
  get: (r, region) => `aws sqs get-queue-attributes --region ${sq(region)} --queue-url ${sq(url(r))} --attribute-names Policy --output json | jq -r '.Attributes.Policy // ""'`,
  set: (r, region) => `aws sqs set-queue-attributes --region ${sq(region)} --queue-url ${sq(url(r))} --attributes "$(jq -nc --arg p "$POLICY" '{Policy: $p}')"`,
  whenEmpty: () => ''
})
