// aws.s3.public-access's evaluator (Security Hub S3.2/S3.3): is the bucket actually public now, its
// policy or ACL not neutralised by Block Public Access at the bucket or the account level? What
// "public" means is main/semantics/s3.ts' (the steps and the shared fix read it the same way).
import type { Evaluation } from '../../shared/contract'
import { fileProblem, type EvaluationContext } from '../../main/controls/evaluation'
import { accountPab, eachBucket } from '../../main/controls/s3/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { publicAccessForBucket } from '../../main/semantics/s3'

export function evaluatePublicAccess(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const account = accountPab(inv)
  const accountEvidence = inv.s3Account.state === 'ok' ? [`${inv.s3Account.rel}#/publicAccessBlock`] : []
  const accountNote = inv.s3Account.state === 'ok' ? '' : ` (account level: ${fileProblem(inv.s3Account)})`
  return eachBucket(
    'aws.s3.public-access',
    inv,
    (b, _arn, ev) => {
      const v = publicAccessForBucket(b, account, { policy: ev('policy'), acl: ev('acl') })
      ev('publicAccessBlock')
      return v.status === 'UNKNOWN' && accountNote ? { ...v, reason: v.reason + accountNote } : v
    },
    { accountRowWhenNoFile: true }
  ).map((e) => (e.resource.startsWith('arn:') ? { ...e, evidence: [...e.evidence, ...accountEvidence].sort() } : e))
}
