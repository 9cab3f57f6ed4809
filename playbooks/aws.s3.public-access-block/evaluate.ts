// aws.s3.public-access-block's evaluator (Security Hub S3.1 for the account, S3.8 for a bucket): are
// all four Block Public Access settings on, counting the bucket and the account level as S3 does?
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, type EvaluationContext } from '../../main/controls/evaluation'
import { accountPab, eachBucket } from '../../main/controls/s3/evaluation'
import type { AwsAccountInventory, PublicAccessBlock, S3Bucket } from '../../main/semantics/inventory'
import { accountResource } from '../../main/semantics/ids'
import { effectiveSetting, PAB_SETTINGS, settingAt } from '../../main/semantics/s3'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

function levelWord(cfg: PublicAccessBlock | null | undefined): string {
  return cfg === undefined ? 'not in the bundle' : cfg === null ? 'no configuration' : 'off'
}

export function publicAccessBlockForBucket(b: Pick<S3Bucket, 'publicAccessBlock'>, account: PublicAccessBlock | null | undefined): Verdict {
  const eff = PAB_SETTINGS.map((s) => ({ s, ...effectiveSetting(b.publicAccessBlock, account, s) }))
  const off = eff.filter((e) => e.value === false).map((e) => e.s)
  const open = eff.filter((e) => e.value === null).map((e) => e.s)
  if (off.length) {
    return fail(`Block Public Access is off at both the bucket and the account level for ${off.join(', ')}`)
  }
  if (open.length) {
    return unknown(`${open.join(', ')}: not on for the bucket (bucket level ${levelWord(b.publicAccessBlock)}) and the account level is ${levelWord(account)}`)
  }
  return pass(`all four Block Public Access settings are on (${eff.map((e) => `${e.s}: ${e.by}`).join(', ')})`)
}

export function evaluatePublicAccessBlock(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const out: Evaluation[] = []
  // The account-level setting (Security Hub S3.1): its own row on the account.
  const f = inv.s3Account
  if (f.state !== 'ok') out.push(accountUnknown('aws.s3.public-access-block', inv, f, 'the account-level Block Public Access'))
  else {
    const cfg = f.value.publicAccessBlock
    const off = PAB_SETTINGS.filter((s) => settingAt(cfg, s) !== true)
    const v =
      cfg === null
        ? fail('the account has no Block Public Access configuration: all four settings are off')
        : off.length
          ? fail(`account-level Block Public Access is off for ${off.join(', ')}`)
          : pass('all four account-level Block Public Access settings are on')
    out.push(evaluation('aws.s3.public-access-block', accountResource(inv.account), v, { account: inv.account, evidence: [`${f.rel}#/publicAccessBlock`] }))
  }
  // Per bucket (S3.8), with the account level counted as S3 does. The account row above already
  // stands for the account when s3-buckets.json gives no answer, so no second account row here.
  const account = accountPab(inv)
  const accountEvidence = f.state === 'ok' ? [`${f.rel}#/publicAccessBlock`] : []
  const perBucket = eachBucket(
    'aws.s3.public-access-block',
    inv,
    (b, _arn, ev) => {
      ev('publicAccessBlock')
      return publicAccessBlockForBucket(b, account)
    },
    { accountRowWhenNoFile: false }
  )
  for (const e of perBucket) {
    // The account row above is this control's answer for the account; buckets that cannot even be
    // named are already reported on the account by the other S3 controls, so here they are a note.
    if (e.resource === accountResource(inv.account)) ctx.note(`aws.s3.public-access-block: ${e.reason}`)
    else out.push({ ...e, evidence: [...e.evidence, ...accountEvidence].sort() })
  }
  return out
}
