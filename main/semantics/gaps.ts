// What the collector says it could not fetch (manifest.json `gaps`, written by
// `lastmile evidence collect`), turned into UNKNOWN where a placeholder would otherwise be read as a
// fact. The collector writes every bucket with `"policy": null` before asking S3, and leaves the null
// when GetBucketPolicy fails (AccessDenied, throttling): read as "S3 says there is no policy", that
// would make a bucket look public-safe or HTTPS-unenforced on no evidence.
//
// Each gap names the failed call and its region (`operation`, `region`: structured in the manifest,
// or read by the inventory loader from the problem text of bundles written before they existed).
import type { AwsAccountInventory, CollectionGap, S3Bucket } from './inventory'
import { s3BucketArn } from './ids'

const BUCKET_FIELDS = { GetBucketPolicy: 'policy', GetPublicAccessBlock: 'publicAccessBlock', GetBucketAcl: 'acl' } as const

export const gapEvidence = (g: CollectionGap): string => `manifest.json#/gaps/${g.index}`

/**
 * The bucket as the evaluators should read it: fields the collector failed to fetch are removed
 * (unknown), with the collector's words for each.
 */
export function bucketWithGaps(inv: AwsAccountInventory, b: S3Bucket): { bucket: S3Bucket; gaps: CollectionGap[] } {
  const arn = s3BucketArn(b.name)
  const mine = inv.gaps.filter((g) => g.resource === arn)
  const bucket: S3Bucket = { ...b }
  const used: CollectionGap[] = []
  for (const g of mine) {
    const field = g.operation && Object.hasOwn(BUCKET_FIELDS, g.operation) ? BUCKET_FIELDS[g.operation as keyof typeof BUCKET_FIELDS] : undefined
    if (!field) continue
    delete bucket[field]
    used.push(g)
  }
  return { bucket, gaps: used }
}

/** Regional listing calls that failed (DescribeInstances in eu-west-1). */
export function listingGaps(inv: AwsAccountInventory, operation: string): Array<{ region: string; gap: CollectionGap }> {
  const out: Array<{ region: string; gap: CollectionGap }> = []
  for (const g of inv.gaps) {
    if (g.operation === operation && g.region !== null && g.resource === null) out.push({ region: g.region, gap: g })
  }
  return out
}

/** Account-wide listing calls that failed (ListBuckets). */
export function accountGaps(inv: AwsAccountInventory, operation: string): CollectionGap[] {
  return inv.gaps.filter((g) => g.resource === null && g.operation === operation)
}
