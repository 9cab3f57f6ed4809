// aws.s3.cross-account-access (Security Hub S3.6): put the bucket policy with exactly the blocked
// actions removed from the statements that grant them to other accounts (./grants.ts
// policyWithoutBlocked; a statement left without an action is dropped, and the policy is deleted
// when none remains). The script saves the live policy first and refuses to change one that is not
// the policy the evidence shows; the rollback puts the saved document back exactly (the scripts are
// main/controls/resource-policy-fix.ts policyDocumentScripts, shared with the SQS and SNS fixes).
import type { FixRenderer } from '../../main/controls/fix'
import { requireConfig } from '../../main/controls/fix-common'
import { policyDocumentScripts } from '../../main/controls/resource-policy-fix'
import { sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { crossAccountGrants, grantText, policyWithoutBlocked } from './grants'

interface Values {
  bucket: string
  account: string
  region: string | null
  /** the policy as the evidence shows it */
  before: string
  /** the policy the fix puts; "" to delete it */
  after: string
  removed: string[]
}

export const crossAccountFix: Omit<FixRenderer, 'control'> = {
  summary:
    'remove the blocked actions (DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration, PutObjectAcl) from the bucket policy statements granting them to other accounts, saving the policy for the rollback',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 's3.config', 'inventory/s3-buckets.json describing the bucket')
    const b = cfg.value
    if (b.policy === undefined)
      throw new LastmileError('conflict', `${target.finding}: the policy of the bucket ${b.name} was not collected; collect s3-buckets.json with its policy first`)
    if (b.policy === null) throw new LastmileError('conflict', `${target.finding}: the bucket ${b.name} has no policy in the evidence; validate the finding instead`)
    const read = crossAccountGrants(b.policy, b.account)
    if (!read.ok) throw new LastmileError('conflict', `${target.finding}: the policy of the bucket ${b.name} cannot be read: ${read.error}`)
    if (!read.grants.length)
      throw new LastmileError(
        'conflict',
        `${target.finding}: the policy of the bucket ${b.name} grants no blocked action to another account in the evidence; validate the finding instead`
      )
    let after: string | null
    try {
      after = policyWithoutBlocked(b.policy, read.grants)
    } catch (e) {
      throw new LastmileError('conflict', `${target.finding}: the policy of the bucket ${b.name}: ${(e as Error).message}`)
    }
    const values: Values = { bucket: b.name, account: b.account, region: b.region, before: b.policy, after: after ?? '', removed: read.grants.map(grantText) }
    return { values: values as unknown as Record<string, unknown>, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const v = ctx.inputs.values as unknown as Values
    const b = sq(v.bucket)
    const err = '"$ROLLBACK_DIR/get-policy.err"'
    return policyDocumentScripts(ctx, {
      name: v.bucket,
      arn: `arn:aws:s3:::${v.bucket}`,
      account: v.account,
      noun: 'S3 bucket',
      // the live policy, or nothing when the bucket has none (NoSuchBucketPolicy)
      get: `local out; if out="$(aws s3api get-bucket-policy --bucket ${b} --output json 2>${err})"; then printf '%s' "$out" | jq -r .Policy; elif ! grep -q NoSuchBucketPolicy ${err}; then cat ${err} >&2; return 1; fi`,
      set: `if [ -n "$POLICY" ]; then aws s3api put-bucket-policy --bucket ${b} --policy "$POLICY"; else aws s3api delete-bucket-policy --bucket ${b}; fi`,
      before: v.before,
      after: v.after,
      actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      fixTitle: `remove the blocked actions granted to other accounts from the policy of the bucket ${v.bucket}`,
      lines: [...v.removed.map((w) => `Removes: ${w}.`), v.after ? 'Every other action and statement stays as written.' : 'No statement remains: the bucket policy is deleted.'],
      change: 'put the policy without the blocked actions granted to other accounts',
      already: 'the policy grants no blocked action to another account',
      done: `${v.bucket} grants no blocked action to another account`,
      description: `remove the blocked actions granted to other accounts from ${v.bucket}'s policy`,
      notes: [
        'the other accounts keep every action the statements grant but the blocked ones; a partner that must manage the bucket should do so through a role of the owner account it assumes'
      ]
    })
  }
}
