// Step functions for EBS encryption by default (aws.ec2.ebs-default-encryption), a setting of an
// account in one Region: is it already on, can the key it would use be used by whoever creates
// volumes, and does the account share snapshots or AMIs that new encrypted volumes would stop
// being shareable under the AWS managed key.
import { z } from 'zod'
import { ebsVerdict } from './evaluate'
import { coverageText, day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'
import type { EbsEncryptionFacet } from '../../main/semantics/facets'

const ACCOUNT = ['aws.account'] as const

/** The finding's Region's setting; null when the Region is not in ebs-encryption.json (not collected). */
function setting(ctx: StepContext): { region: string | null; value: EbsEncryptionFacet['regions'][string] | null; evidence: string[] } {
  const region = ctx.finding.resource.region
  const cfg = ctx.ev.config(ctx.finding.resource.id, 'account.ebs-encryption')
  return { region, value: region && cfg ? (cfg.value.regions[region] ?? null) : null, evidence: cfg?.evidence ?? [] }
}

/** The AWS managed key for EBS: usable through EC2 by every principal of the account, never shareable. */
function isAwsManagedKey(kmsKeyId: string | null): boolean {
  return kmsKeyId === null || /(^|:)alias\/aws\/ebs$/.test(kmsKeyId)
}

const ebsAlreadyEnabled = defineStep({
  name: 'ebs.already-enabled',
  summary: "whether EBS encryption by default is already on in the finding's Region (the control evaluator reads ebs-encryption.json)",
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const s = setting(ctx)
    if (!s.region) return outcome('unknown', 'the finding names no Region, and the setting is per Region', { sources: ['aws.inventory'] })
    if (!s.value) return outcome('unknown', `ebs-encryption.json has no entry for ${s.region} (or is not in evidence)`, { evidence: [s.evidence], sources: ['aws.inventory'] })
    const v = ebsVerdict({ EbsEncryptionByDefault: s.value.enabled, KmsKeyId: s.value.kmsKeyId, region: s.region })
    const o = { evidence: [s.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    return v.status === 'PASS' ? outcome('yes', `${v.reason}: the fix would change nothing`, o) : outcome('no', v.reason, o)
  }
})

/** Who created volumes or launched instances in the window (those the key must serve). */
function volumeCreators(ctx: StepContext): { names: string[]; evidence: string[] } {
  const acct = ctx.finding.resource.account
  if (!acct) return { names: [], evidence: [] }
  const idx = ctx.ev.cloudTrail(acct)
  const recs = idx.records.filter(
    (r) => (r.name === 'CreateVolume' || r.name === 'RunInstances') && !r.error && r.region === ctx.finding.resource.region && inWindow(r.time, ctx.window)
  )
  const names = [...new Set(recs.map((r) => r.identity.issuer ?? r.identity.arn ?? r.identity.type ?? 'unknown'))].sort()
  return { names, evidence: [...new Set(recs.map((r) => r.file))] }
}

const kmsKeyUsable = defineStep({
  name: 'ebs.kms-key-usable',
  summary:
    'whether the KMS key new volumes would be encrypted with can be used by the roles and services that create volumes (the AWS managed key can; a customer key depends on its policy, which is not in evidence)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const s = setting(ctx)
    if (!s.value) return outcome('unknown', "the Region's default KMS key is not in evidence (ebs-encryption.json)", { evidence: [s.evidence], sources: ['aws.inventory'] })
    const creators = volumeCreators(ctx)
    const who = creators.names.length
      ? `volumes were created in the window by ${creators.names.slice(0, 6).join(', ')}${creators.names.length > 6 ? ', …' : ''}`
      : 'no volume creation was seen in the CloudTrail kept in the case'
    if (isAwsManagedKey(s.value.kmsKeyId)) {
      return outcome(
        'yes',
        `new volumes would use the AWS managed key alias/aws/ebs, whose policy lets every principal of the account use it through EC2 (Auto Scaling's service-linked role included); ${who}`,
        {
          evidence: [s.evidence, creators.evidence],
          certainty: 'proven',
          sources: ['aws.inventory', 'aws.cloudtrail']
        }
      )
    }
    return outcome(
      'unknown',
      `new volumes would use the customer managed key ${s.value.kmsKeyId}; its key policy and grants are not in evidence, so whether ${creators.names.length ? 'these creators' : 'the creators'} (and the AWSServiceRoleForAutoScaling service-linked role) may use it cannot be told — ${who}`,
      { evidence: [s.evidence, creators.evidence], sources: ['aws.inventory', 'aws.cloudtrail'] }
    )
  }
})

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

/** The accounts (or "all") a ModifySnapshotAttribute / ModifyImageAttribute call added. */
function sharedWith(params: Record<string, unknown> | null): string[] {
  if (!params) return []
  const perm = obj(params.createVolumePermission) ?? obj(params.launchPermission)
  const add = obj(perm?.add)
  const list = Array.isArray(add?.items) ? (add!.items as unknown[]) : []
  return list.map(obj).flatMap((i) => (i ? [String(i.userId ?? i.group ?? i.organizationArn ?? i.organizationalUnitArn ?? '')].filter(Boolean) : []))
}

const sharedSnapshotsOrImages = defineStep({
  name: 'ebs.shared-snapshots-or-images',
  summary:
    'whether the account shared EBS snapshots or AMIs with other accounts in the window (CloudTrail ModifySnapshotAttribute / ModifyImageAttribute), or AWS Backup worked in the Region (whose copy rules to other accounts are not in evidence): snapshots of volumes encrypted with the AWS managed key can be neither shared nor copied across accounts',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const acct = ctx.finding.resource.account
    const region = ctx.finding.resource.region
    if (!acct || !region) return outcome('unknown', 'the finding names no account or Region', {})
    const idx = ctx.ev.cloudTrail(acct)
    const shares = idx.records.filter(
      (r) =>
        (r.name === 'ModifySnapshotAttribute' || r.name === 'ModifyImageAttribute') &&
        !r.error &&
        r.region === region &&
        inWindow(r.time, ctx.window) &&
        sharedWith(r.params).some((x) => x !== acct)
    )
    const sources = ['aws.cloudtrail' as const]
    if (shares.length) {
      const targets = [...new Set(shares.flatMap((r) => sharedWith(r.params)).filter((x) => x !== acct))].sort()
      const what = [...new Set(shares.map((r) => String(r.params?.snapshotId ?? r.params?.imageId ?? '?')))].sort()
      return outcome(
        'yes',
        `${plural(shares.length, 'sharing call')} in the window (${[...new Set(shares.map((r) => r.name))].join(', ')}, the last on ${day(shares[shares.length - 1].time)} by ${shares[shares.length - 1].identity.issuer ?? shares[shares.length - 1].identity.arn ?? 'unknown'}) shared ${what.slice(0, 5).join(', ')} with ${targets.join(', ')}: snapshots and AMIs of new volumes encrypted under alias/aws/ebs could no longer be shared — proven`,
        { evidence: [[...new Set(shares.map((r) => r.file))]], certainty: 'proven', sources, windowed: true }
      )
    }
    // AWS Backup at work in the Region (its calls come from backup.amazonaws.com): a backup plan may
    // copy what it backs up to another account — its copy rules are not in evidence, and AWS Backup
    // cannot copy a volume encrypted with the AWS managed key across accounts
    const backup = idx.records.filter((r) => r.ip === 'backup.amazonaws.com' && !r.error && r.region === region && inWindow(r.time, ctx.window))
    if (backup.length) {
      const names = [...new Set(backup.map((r) => r.name))].sort()
      return outcome(
        'unknown',
        `no snapshot or AMI was shared with another account by hand, but AWS Backup worked in ${region} ${windowText(ctx.window)} (${plural(backup.length, 'call')}: ${names.slice(0, 4).join(', ')}, the last on ${day(backup[backup.length - 1].time)}): whether a backup plan copies these backups to another account is not in evidence, and AWS Backup cannot copy across accounts a volume encrypted with the AWS managed key`,
        { evidence: [[...new Set(backup.map((r) => r.file))]], sources, windowed: true }
      )
    }
    const cov = ctx.ev.coverage('aws.cloudtrail', `aws-stream:${acct}:${region}`, ctx.window)
    if (idx.unreadable.length) {
      return outcome(
        'unknown',
        `no sharing call was seen, but ${plural(idx.unreadable.length, 'CloudTrail file')} of the account could not be read back (${idx.unreadable[0].path}: ${idx.unreadable[0].why})`,
        {
          evidence: [idx.files, idx.unreadable.map((u) => u.file)],
          sources,
          windowed: true
        }
      )
    }
    if (cov.state === 'covered') {
      return outcome(
        'no',
        `CloudTrail covered ${acct} in ${region} over ${windowText(ctx.window)} without a gap (${plural(idx.records.length, 'record')} read) and shows no snapshot or AMI shared with another account (sharing set up before the window, of existing snapshots, is not changed by the fix)`,
        {
          evidence: [cov.evidence],
          certainty: 'proven',
          sources,
          windowed: true
        }
      )
    }
    return outcome('unknown', `no sharing call was seen, but ${coverageText(cov, `CloudTrail for ${acct} in ${region}`)}`, { evidence: [cov.evidence], sources, windowed: true })
  }
})

export const EBS_STEPS = [ebsAlreadyEnabled, kmsKeyUsable, sharedSnapshotsOrImages]
