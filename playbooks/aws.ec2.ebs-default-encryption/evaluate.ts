// aws.ec2.ebs-default-encryption (Security Hub EC2.7), read from GetEbsEncryptionByDefault.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation } from '../../main/controls/evaluation'
import type { AwsAccountInventory, EbsRegionSetting } from '../../main/semantics/inventory'
import { accountResource } from '../../main/semantics/ids'
import { gapEvidence, listingGaps } from '../../main/semantics/gaps'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

/**
 * aws.ec2.ebs-default-encryption, per Region: the setting is regional and applies to volumes
 * created afterwards. Regions the manifest scope names but ebs-encryption.json lacks are UNKNOWN.
 */
export function ebsVerdict(s: EbsRegionSetting): Verdict {
  if (s.EbsEncryptionByDefault) {
    return pass(`new EBS volumes in ${s.region} are encrypted by default (KMS key: ${s.KmsKeyId ?? 'the AWS managed key alias/aws/ebs'})`)
  }
  return fail(`EBS encryption by default is off in ${s.region}: new volumes are created unencrypted unless each request asks otherwise`)
}

export function evaluateEbsDefaultEncryption(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const control = 'aws.ec2.ebs-default-encryption'
  const resource = accountResource(inv.account)
  const f = inv.ebsEncryption
  if (f.state !== 'ok') {
    if (!inv.scopeRegions.length) return [accountUnknown(control, inv, f, 'EBS default encryption')]
    const base = accountUnknown(control, inv, f, 'EBS default encryption')
    return inv.scopeRegions.map((region) => ({ ...base, region }))
  }
  const out: Evaluation[] = []
  const seen = new Set<string>()
  for (const item of f.value) {
    const region = item.ok ? item.value.region : item.name!
    seen.add(region)
    const evidence = [`${f.rel}#${item.pointer}`]
    const v = item.ok ? ebsVerdict(item.value) : unknown(`${f.rel}: ${item.error}`)
    out.push(evaluation(control, resource, v, { account: inv.account, region, evidence }))
  }
  for (const region of inv.scopeRegions) {
    if (seen.has(region)) continue
    const gap = listingGaps(inv, 'GetEbsEncryptionByDefault').find((g) => g.region === region)?.gap
    out.push(
      evaluation(control, resource, unknown(`${region} is in the bundle's scope but ${f.rel} has no entry for it${gap ? ` (the collector: ${gap.problem})` : ''}`), {
        account: inv.account,
        region,
        evidence: gap ? [f.rel, gapEvidence(gap)] : [f.rel]
      })
    )
  }
  return out
}
