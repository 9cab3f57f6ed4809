// aws.sqs.public-access (Security Hub SQS.3) over a bundle: the access policy of each queue in
// inventory/sqs-queues.json (GetQueueAttributes Policy), public when a statement grants to anyone
// without a condition pinning the caller, as Config's sqs-queue-no-public-access and Prowler's
// sqs_queues_not_publicly_accessible read it.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluatePolicyFile } from '../../main/controls/resource-policy'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { SQS } from './steps'

export function evaluateSqsPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluatePolicyFile('aws.sqs.public-access', SQS, inv, inv.sqsQueues, { listing: 'ListQueues', what: 'the SQS queues', policyPointer: '/Attributes/Policy' })
}
