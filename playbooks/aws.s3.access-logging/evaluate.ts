// aws.s3.access-logging (Security Hub S3.9) over a bundle: GetBucketLogging per bucket.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { eachBucket } from '../../main/controls/s3/evaluation'
import type { AwsAccountInventory, S3Bucket } from '../../main/semantics/inventory'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

/** A missing `logging` key is unknown (not collected); null is logging off. */
export function accessLoggingVerdict(b: Pick<S3Bucket, 'logging'>): Verdict {
  if (b.logging === undefined) return unknown('the bucket\'s logging configuration was not collected (no "logging" key)')
  if (b.logging === null) return fail('server access logging is off: requests to the bucket are not recorded by S3')
  return pass(`server access logs are delivered to ${b.logging.TargetBucket}${b.logging.TargetPrefix ? ` under ${b.logging.TargetPrefix}` : ''}`)
}

export function evaluateAccessLogging(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return eachBucket(
    'aws.s3.access-logging',
    inv,
    (b, _arn, evidence) => {
      evidence('logging') // the answer is read from the bucket's "logging"
      return accessLoggingVerdict(b)
    },
    { accountRowWhenNoFile: true }
  )
}
