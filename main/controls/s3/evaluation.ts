// Evaluator plumbing of the S3 controls: every bucket of an account's s3-buckets.json, and the
// account-level Block Public Access, read the way each S3 evaluator needs them.
import type { Evaluation } from '../../../shared/contract'
import type { AwsAccountInventory, PublicAccessBlock, S3Bucket } from '../../semantics/inventory'
import { accountResource, s3BucketArn } from '../../semantics/ids'
import { accountGaps, bucketWithGaps, gapEvidence } from '../../semantics/gaps'
import { unknown, type Verdict } from '../../semantics/verdict'
import { accountUnknown, evaluation, namelessProblems, type ControlId } from '../evaluation'

/** Runs `per` for every readable bucket; unreadable ones become UNKNOWN. */
export function eachBucket(
  control: ControlId,
  inv: AwsAccountInventory,
  per: (b: S3Bucket, arn: string, evidence: (field?: string) => string) => Verdict,
  opts: { accountRowWhenNoFile: boolean }
): Evaluation[] {
  const f = inv.s3Buckets
  if (f.state !== 'ok') return opts.accountRowWhenNoFile ? [accountUnknown(control, inv, f, 'the buckets')] : []
  const out: Evaluation[] = namelessProblems(control, inv, f.rel, f.value, 'buckets')
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name !== null) {
        out.push(evaluation(control, s3BucketArn(item.name), unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence: [`${f.rel}#${item.pointer}`] }))
      }
      continue
    }
    const { bucket: b, gaps } = bucketWithGaps(inv, item.value)
    const arn = s3BucketArn(b.name, b.region)
    const used = new Set<string>()
    const evidence = (field?: string) => {
      const ref = `${f.rel}#${item.pointer}${field ? `/${field}` : ''}`
      used.add(ref)
      return ref
    }
    let v = per(b, arn, evidence)
    if (v.status === 'UNKNOWN' && gaps.length) v = { ...v, reason: `${v.reason} (the collector: ${gaps.map((g) => g.problem).join('; ')})` }
    const refs = used.size ? [...used] : [evidence()]
    out.push(evaluation(control, arn, v, { account: inv.account, region: b.region ?? null, evidence: [...refs, ...gaps.map(gapEvidence)].sort() }))
  }
  // Buckets the collector could not list at all: the account answers UNKNOWN for them.
  for (const g of accountGaps(inv, 'ListBuckets')) {
    if (!opts.accountRowWhenNoFile) continue
    out.push(
      evaluation(control, accountResource(inv.account), unknown(`the collector could not list the buckets: ${g.problem}`), { account: inv.account, evidence: [gapEvidence(g)] })
    )
  }
  return out
}

/** The account's configuration from s3-account.json: undefined when the file gives no answer. */
export function accountPab(inv: AwsAccountInventory): PublicAccessBlock | null | undefined {
  return inv.s3Account.state === 'ok' ? inv.s3Account.value.publicAccessBlock : undefined
}
