// aws.s3.cross-account-access's evaluator (Security Hub S3.6): FAIL when the bucket policy grants a
// blocked action (./grants.ts) to another account's principals, PASS when it grants none (or the
// bucket has no policy), UNKNOWN when the policy was not collected or cannot be read.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { eachBucket } from '../../main/controls/s3/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'
import { crossAccountGrants, grantText } from './grants'

export function crossAccountVerdict(name: string, policy: string | null | undefined, owner: string): Verdict {
  if (policy === undefined) return unknown(`the policy of the bucket ${name} was not collected`)
  if (policy === null) return pass(`the bucket ${name} has no bucket policy: it grants nothing to other accounts`)
  const r = crossAccountGrants(policy, owner)
  if (!r.ok) return unknown(`the policy of the bucket ${name} cannot be read: ${r.error}`)
  if (r.grants.length) return fail(`the policy of the bucket ${name} grants blocked actions to other AWS accounts: ${r.grants.map(grantText).join('; ')}`)
  return pass(
    `no statement of the policy of the bucket ${name} grants a blocked action (DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration, PutObjectAcl) to another account`
  )
}

export function evaluateCrossAccountAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return eachBucket(
    'aws.s3.cross-account-access',
    inv,
    (b, _arn, ev) => {
      ev('policy')
      return crossAccountVerdict(b.name, b.policy, inv.account)
    },
    { accountRowWhenNoFile: true }
  )
}
