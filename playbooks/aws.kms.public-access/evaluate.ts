// aws.kms.public-access (Security Hub KMS.5) over a bundle: the default key policy of each key in
// inventory/kms-keys.json (GetKeyPolicy), public when a statement grants to anyone without a
// condition pinning the caller (kms:CallerAccount, the organization keys), as Config's
// kms-key-policy-no-public-access and Prowler's kms_key_not_publicly_accessible read it.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluatePolicyFile } from '../../main/controls/resource-policy'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { KMS } from './steps'

export function evaluateKmsPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluatePolicyFile('aws.kms.public-access', KMS, inv, inv.kmsKeys, { listing: 'ListKeys', what: 'the KMS keys', policyPointer: '/Policy' })
}
