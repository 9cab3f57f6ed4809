// aws.s3.access-logging (Security Hub S3.9) over a bundle: GetBucketLogging per bucket.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, namelessProblems, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, S3Bucket } from '../../main/semantics/inventory'
import { accountGaps, bucketWithGaps, gapEvidence } from '../../main/semantics/gaps'
import { accountResource, s3BucketArn } from '../../main/semantics/ids'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

/** A missing `logging` key is unknown (not collected); null is logging off. */
export function accessLoggingVerdict(b: Pick<S3Bucket, 'logging'>): Verdict {
  if (b.logging === undefined) return unknown("the bucket's logging configuration was not collected (no \"logging\" key)")
  if (b.logging === null) return fail('server access logging is off: requests to the bucket are not recorded by S3')
  return pass(`server access logs are delivered to ${b.logging.TargetBucket}${b.logging.TargetPrefix ? ` under ${b.logging.TargetPrefix}` : ''}`)
}

export function evaluateAccessLogging(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const control = 'aws.s3.access-logging'
  const f = inv.s3Buckets
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, 'the buckets')]
  const out = namelessProblems(control, inv, f.rel, f.value, 'buckets')
  for (const item of f.value) {
    const evidence = [`${f.rel}#${item.pointer}`]
    if (!item.ok) {
      if (item.name !== null) out.push(evaluation(control, s3BucketArn(item.name), unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence }))
      continue
    }
    const { bucket: b, gaps } = bucketWithGaps(inv, item.value)
    let v = accessLoggingVerdict(b)
    if (v.status === 'UNKNOWN' && gaps.length) v = { ...v, reason: `${v.reason} (the collector: ${gaps.map((g) => g.problem).join('; ')})` }
    out.push(evaluation(control, s3BucketArn(b.name, b.region), v, { account: inv.account, region: b.region ?? null, evidence: [...evidence, ...gaps.map(gapEvidence)].sort() }))
  }
  // buckets the collector could not list at all: the account answers UNKNOWN for them
  for (const g of accountGaps(inv, 'ListBuckets')) {
    out.push(evaluation(control, accountResource(inv.account), unknown(`the collector could not list the buckets: ${g.problem}`), { account: inv.account, evidence: [gapEvidence(g)] }))
  }
  return out
}
