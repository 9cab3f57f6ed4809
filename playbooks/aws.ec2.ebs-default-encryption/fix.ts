// aws.ec2.ebs-default-encryption (Security Hub EC2.7): turn on EBS encryption by default, per
// Region (FORMATS.md C.5). It changes nothing that exists: only volumes created afterwards are
// encrypted, with the Region's default EBS KMS key (EC2 User Guide, "Encryption by default").
import { LastmileError } from '../../main/errors'
import { accountResource } from '../../main/semantics/ids'
import { bashScript, sq } from '../../main/controls/shell'
import { awsProviderBlock, hclName, terraformHeader } from '../../main/controls/formats'
import type { FixRenderer } from '../../main/controls/fix'
import type { EbsEncryptionFacet } from '../../main/semantics/facets'
import { artefact, headerLines, requireAccount, requireConfig, validationText } from '../../main/controls/fix-common'

type Regions = EbsEncryptionFacet['regions']

export const ebsDefaultEncryptionFix: FixRenderer = {
  control: 'aws.ec2.ebs-default-encryption',
  summary: 'turn on EBS encryption by default in the Region',
  inputs(db, target) {
    const acct = /^AWS::::Account:(\d{12})$/.exec(target.resourceId)?.[1] ?? target.account
    if (!acct) throw new LastmileError('bad-input', `${target.finding}: ${target.resourceId} is not an AWS account`)
    const cfg = requireConfig({ db }, target, accountResource(acct), 'account.ebs-encryption', 'inventory/ebs-encryption.json')
    const all = cfg.value.regions
    const regions = target.region
      ? [target.region]
      : Object.keys(all)
          .filter((r) => !all[r].enabled)
          .sort()
    const missing = regions.filter((r) => !(r in all))
    if (missing.length)
      throw new LastmileError('not-found', `${target.finding}: the evidence has no EBS default-encryption setting for ${missing.join(', ')} (inventory/ebs-encryption.json)`)
    return { values: { account: acct, regions: Object.fromEntries(regions.map((r) => [r, all[r]])) }, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const account = requireAccount(t, ctx.inputs.values.account as string)
    const settings = ctx.inputs.values.regions as Regions
    const regions = Object.keys(settings).filter((r) => !settings[r].enabled)
    if (!regions.length)
      throw new LastmileError(
        'conflict',
        `${t.finding}: EBS encryption by default is already on in ${Object.keys(settings).join(', ') || 'the Region'} in the evidence; validate the finding instead`
      )
    const header = headerLines(ctx)
    const fns = ['enabled_in() { aws ec2 get-ebs-encryption-by-default --region "$1" --output json | jq -e ".EbsEncryptionByDefault == true" >/dev/null; }']
    const fix = bashScript({
      title: `Fix: turn on EBS encryption by default in ${regions.join(', ')} (account ${account})`,
      lines: [...header, 'Only volumes created from now on are encrypted; existing volumes and snapshots are not changed.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: regions.flatMap((r) => [
        {
          title: `save the setting of ${r} (rollback capture)`,
          check: `[ -s "$ROLLBACK_DIR/ebs-${r}.before.json" ]`,
          already: `the setting of ${r} was saved by an earlier run`,
          apply: [`aws ec2 get-ebs-encryption-by-default --region ${sq(r)} --output json > "$ROLLBACK_DIR/ebs-${r}.before.json"`]
        },
        {
          title: `turn on EBS encryption by default in ${r}`,
          check: `enabled_in ${sq(r)}`,
          already: `EBS encryption by default is on in ${r}`,
          apply: [`aws ec2 enable-ebs-encryption-by-default --region ${sq(r)} --output json > /dev/null`],
          verify: `enabled_in ${sq(r)}`
        }
      ]),
      done: `new EBS volumes in ${regions.join(', ')} are encrypted by default`
    })
    const rollback = bashScript({
      title: `Rollback: turn EBS encryption by default off again in ${regions.join(', ')}`,
      lines: [...header, 'Volumes created while it was on stay encrypted.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: regions.map((r) => ({
        title: `turn EBS encryption by default off in ${r} (it was off before the fix)`,
        check: `[ -s "$ROLLBACK_DIR/ebs-${r}.before.json" ] && jq -e ".EbsEncryptionByDefault == true" "$ROLLBACK_DIR/ebs-${r}.before.json" >/dev/null || ! enabled_in ${sq(r)}`,
        already: `nothing to undo in ${r} (off already, or it was on before the fix)`,
        apply: [`aws ec2 disable-ebs-encryption-by-default --region ${sq(r)} --output json > /dev/null`],
        verify: `! enabled_in ${sq(r)}`
      })),
      done: `EBS encryption by default is back as it was in ${regions.join(', ')}`
    })
    const tf = [
      terraformHeader([...header, 'One provider per Region: the setting is regional.'], [{ name: 'aws', source: 'hashicorp/aws', version: '>= 5.0' }]),
      ...regions.flatMap((r) => {
        const alias = hclName(r)
        return [
          ...awsProviderBlock({ account, region: r, alias }),
          `resource "aws_ebs_encryption_by_default" "${hclName(t.finding, r)}" {`,
          `  provider = aws.${alias}`,
          '  enabled  = true',
          '}',
          ''
        ]
      })
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `turn on EBS encryption by default in ${regions.join(', ')}`, fix),
        artefact(ctx, 'terraform', 'hcl', 'tf', 'the same setting as Terraform (aws_ebs_encryption_by_default per Region)', tf)
      ],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `turn EBS encryption by default off again in ${regions.join(', ')}`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ec2:GetEbsEncryptionByDefault, ec2:EnableEbsEncryptionByDefault (and ec2:DisableEbsEncryptionByDefault for the rollback)`,
        "the default EBS KMS key's policy lets the users, Auto Scaling's service-linked role and any account that launches from shared AMIs or snapshots use it; otherwise launches fail",
        ...Object.entries(settings)
          .filter(([, s]) => s.kmsKeyId)
          .map(([r, s]) => `${r} uses ${s.kmsKeyId} as its default EBS key`)
      ],
      validation: validationText(t),
      notes: ['only volumes created afterwards are encrypted; existing unencrypted volumes need a snapshot-copy-restore of their own']
    }
  }
}
