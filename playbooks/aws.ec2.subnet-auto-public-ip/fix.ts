// aws.ec2.subnet-auto-public-ip (Security Hub EC2.15): ModifySubnetAttribute MapPublicIpOnLaunch
// false. Only future launches change: running instances keep their addresses. The fix saves the
// attribute first and refuses to run when it was already off (a rollback would then turn on what
// never was); the rollback turns it back on only when the saved state says it was on — exactly.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'

export const subnetPublicIpFix: Omit<FixRenderer, 'control'> = {
  summary: "turn off the subnet's automatic public IPv4 addresses (MapPublicIpOnLaunch false), saving the setting for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'ec2.subnet', 'inventory/subnets.json')
    const s = cfg.value
    if (s.mapPublicIpOnLaunch === false)
      throw new LastmileError('conflict', `${target.finding}: ${s.id} gives no public addresses at launch in the evidence; validate the finding instead`)
    return { values: { subnetId: s.id, account: s.account, region: s.region }, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { subnetId: string; account: string; region: string }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const id = sq(v.subnetId)
    const before = '"$ROLLBACK_DIR/map-public-ip-on-launch.before"'
    const fns = [`maps_now() { aws ec2 describe-subnets --region ${sq(region)} --subnet-ids ${id} --output json | jq -r '.Subnets[0].MapPublicIpOnLaunch'; }`]
    const fix = bashScript({
      title: `Fix: stop ${v.subnetId} giving public IPv4 addresses at launch`,
      lines: [...header, 'Instances running in the subnet keep their addresses; instances launched later without AssociatePublicIpAddress true get none.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        { title: 'save MapPublicIpOnLaunch (rollback capture)', check: `[ -e ${before} ]`, already: 'the setting was saved by an earlier run', apply: [`maps_now > ${before}`] },
        {
          title: 'refuse when the subnet did not give addresses before the fix',
          check: `[ "$(cat ${before})" = true ]`,
          already: 'the subnet gave public addresses before the fix',
          apply: [`say "${v.subnetId} did not give public addresses before the fix (saved: $(cat ${before})): nothing to do; investigate again"`, 'exit 1']
        },
        {
          title: `turn MapPublicIpOnLaunch off on ${v.subnetId}`,
          check: `[ "$(maps_now)" = false ]`,
          already: `${v.subnetId} already gives no addresses at launch`,
          apply: [`aws ec2 modify-subnet-attribute --region ${sq(region)} --subnet-id ${id} --no-map-public-ip-on-launch`],
          verify: `[ "$(maps_now)" = false ]`
        }
      ],
      done: `${v.subnetId} gives no public IPv4 addresses at launch`
    })
    const rollback = bashScript({
      title: `Rollback: make ${v.subnetId} give public IPv4 addresses at launch again, as it did`,
      lines: [...header, 'Only when the fix saved MapPublicIpOnLaunch true.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'put MapPublicIpOnLaunch back as saved before the fix',
          check: `{ [ ! -e ${before} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || { [ "$(cat ${before})" != true ] || [ "$(maps_now)" = true ]; }`,
          already: 'MapPublicIpOnLaunch is as it was before the fix',
          apply: [`aws ec2 modify-subnet-attribute --region ${sq(region)} --subnet-id ${id} --map-public-ip-on-launch`],
          verify: `[ "$(maps_now)" = true ]`
        }
      ],
      done: `MapPublicIpOnLaunch of ${v.subnetId} is back as it was`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `stop ${v.subnetId} giving public addresses at launch`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `make ${v.subnetId} give public addresses at launch again`, rollback)],
      preconditions: ['AWS CLI v2 and jq on PATH', `credentials for account ${account} allowed ec2:DescribeSubnets and ec2:ModifySubnetAttribute in ${region}`],
      validation: validationText(t),
      notes: [
        'running instances keep their public addresses: their own findings (Security Hub EC2.9) are separate',
        'launch templates, Auto Scaling groups and node groups that need an address must ask for one (AssociatePublicIpAddress true), or the subnet needs a NAT gateway route'
      ]
    }
  }
}
