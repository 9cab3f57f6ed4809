// aws.s3.https-only's evaluator (Security Hub S3.5): does the bucket policy refuse every request
// over plain HTTP? PASS / FAIL / UNKNOWN for each bucket of the bundle.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { eachBucket } from '../../main/controls/s3/evaluation'
import type { AwsAccountInventory, S3Bucket } from '../../main/semantics/inventory'
import { httpsOnlyVerdict, parsePolicy } from '../../main/semantics/iam-policy'
import { fail, unknown, type Verdict } from '../../main/semantics/verdict'

/**
 * The bucket policy as the bundle records it: a missing `policy` key is unknown (not collected),
 * `null` is S3's NoSuchBucketPolicy — known, and then nothing refuses plain HTTP, which S3 serves
 * by default.
 */
export function httpsOnlyForBucket(b: Pick<S3Bucket, 'policy'>, arn: string, place: string): Verdict {
  if (b.policy === undefined) return unknown(`${place}: the bucket's policy was not collected (no "policy" key)`)
  if (b.policy === null) return fail('the bucket has no bucket policy, so nothing refuses requests over plain HTTP')
  const parsed = parsePolicy(b.policy)
  if (!parsed.ok) return unknown(`${place}: ${parsed.error}`)
  return httpsOnlyVerdict(parsed.statements, arn)
}

export function evaluateHttpsOnly(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return eachBucket('aws.s3.https-only', inv, (b, arn, ev) => httpsOnlyForBucket(b, arn, ev('policy')), { accountRowWhenNoFile: true })
}
