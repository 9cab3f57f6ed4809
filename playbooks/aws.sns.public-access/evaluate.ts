// aws.sns.public-access (Security Hub SNS.4) over a bundle: the access policy of each topic in
// inventory/sns-topics.json (GetTopicAttributes Policy), public when a statement grants to anyone
// without a condition pinning the caller, as Config's sns-topic-no-public-access and Prowler's
// sns_topics_not_publicly_accessible read it.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluatePolicyFile } from '../../main/controls/resource-policy'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { SNS } from './steps'

export function evaluateSnsPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluatePolicyFile('aws.sns.public-access', SNS, inv, inv.snsTopics, { listing: 'ListTopics', what: 'the SNS topics', policyPointer: '/Attributes/Policy' })
}
