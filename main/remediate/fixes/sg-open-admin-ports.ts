// aws.ec2.sg-open-admin-ports (Security Hub EC2.13/EC2.14): revoke exactly the ranges that open
// SSH/RDP to the internet (FORMATS.md C.4), one `--ip-permissions` element at a time, each
// checked against the live group first (revoking a permission that is not there is an error in
// EC2: InvalidPermission.NotFound).
import { LastmileError } from '../../errors'
import { parseArn } from '../../evidence/ids'
import { computeSgRevoke, type RevokePermission, type SgRuleConfig } from '../sg-revoke'
import { bashScript, sq } from '../shell'
import type { FixRenderer } from '../types'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from './common'

interface SgConfig {
  groupId: string
  account: string
  region: string
  name: string | null
  vpcId: string | null
  ingress: SgRuleConfig[]
}

/** jq: is this permission's one range still on the group (same protocol and port range)? */
const PRESENT_JQ = `((($p.IpRanges // []) | map(.CidrIp)) + (($p.Ipv6Ranges // []) | map(.CidrIpv6)) | .[0]) as $cidr
| any(.SecurityGroups[0].IpPermissions[]; .IpProtocol == $p.IpProtocol and .FromPort == $p.FromPort and .ToPort == $p.ToPort
    and any(((.IpRanges // []) | map(.CidrIp)) + ((.Ipv6Ranges // []) | map(.CidrIpv6)) | .[]; . == $cidr))`

function describe(p: RevokePermission): string {
  const cidr = p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? '?'
  const ports = p.IpProtocol === '-1' ? 'all traffic' : `${p.IpProtocol} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`}`
  return `${ports} from ${cidr}`
}

export const sgOpenAdminPortsFix: FixRenderer = {
  control: 'aws.ec2.sg-open-admin-ports',
  summary: 'revoke the ingress ranges that open SSH/RDP to the internet',
  inputs(db, target) {
    const cfg = requireConfig<SgConfig>({ db }, target, target.resourceId, 'sg.config', 'inventory/security-groups.json (DescribeSecurityGroups)')
    const v = cfg.value
    return { values: { groupId: v.groupId, account: v.account, region: v.region, name: v.name, vpcId: v.vpcId, ingress: v.ingress }, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as SgConfig
    if (parseArn(t.resourceId)?.service !== 'ec2') throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not a security group ARN`)
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const revoke = computeSgRevoke(v.groupId, v.ingress)
    const header = headerLines(ctx)
    const fns = [
      `GROUP=${sq(v.groupId)}`,
      `REGION=${sq(region)}`,
      'describe_group() { aws ec2 describe-security-groups --group-ids "$GROUP" --region "$REGION" --output json; }',
      `present() { describe_group | jq -e --argjson p "$1" ${sq(PRESENT_JQ)} >/dev/null; }`
    ]
    const steps = revoke.permissions.map((p, i) => {
      const json = JSON.stringify([p])
      return {
        title: `revoke ${describe(p)} on ${v.groupId}`,
        before: [`P${i + 1}=${sq(JSON.stringify(p))}`],
        check: `! present "$P${i + 1}"`,
        already: `${describe(p)} is no longer on ${v.groupId}`,
        apply: [`aws ec2 revoke-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(json)} --output json > /dev/null`],
        verify: `! present "$P${i + 1}"`
      }
    })
    const fix = bashScript({
      title: `Fix: close SSH/RDP to the internet on ${v.groupId}${v.name ? ` (${v.name})` : ''} in ${region}`,
      lines: [...header, 'Revokes exactly these ranges; every other rule of the group stays:', ...revoke.permissions.map((p) => `  - ${describe(p)}`)],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the live rules of ${v.groupId} (rollback capture)`,
          check: '[ -s "$ROLLBACK_DIR/security-group.before.json" ]',
          already: 'the rules were saved by an earlier run',
          apply: ['describe_group > "$ROLLBACK_DIR/security-group.before.json"']
        },
        ...steps
      ],
      done: `${v.groupId} no longer admits the internet to SSH or RDP`
    })
    const rollback = bashScript({
      title: `Rollback: authorize again the ranges the fix revoked on ${v.groupId}`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: revoke.permissions.map((p, i) => ({
        title: `authorize ${describe(p)} on ${v.groupId}`,
        before: [`P${i + 1}=${sq(JSON.stringify(p))}`],
        check: `present "$P${i + 1}"`,
        already: `${describe(p)} is on ${v.groupId}`,
        apply: [`aws ec2 authorize-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(JSON.stringify([p]))} --output json > /dev/null`],
        verify: `present "$P${i + 1}"`
      })),
      done: `${v.groupId} has the revoked ranges again`
    })
    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `revoke ${revoke.permissions.map(describe).join('; ')} on ${v.groupId}`, fix),
        artefact(ctx, 'policy-json', 'json', 'ip-permissions.json', 'the exact --ip-permissions revoked (as EC2 takes them)', `${JSON.stringify(revoke.permissions, null, 2)}\n`)
      ],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `authorize the revoked ranges on ${v.groupId} again`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ec2:DescribeSecurityGroups, ec2:RevokeSecurityGroupIngress (and ec2:AuthorizeSecurityGroupIngress for the rollback) in ${region}`,
        'the people who use SSH/RDP have another way in (an approved CIDR rule, SSM Session Manager, a bastion): the flow logs showed no session from outside approved ranges',
        `if Terraform or CloudFormation manages ${v.groupId}, remove the same ranges from its definition too, or the next apply puts them back`
      ],
      validation: validationText(t),
      notes: [...revoke.sideEffects, `after the revocation the evaluator reads the group as ${revoke.after.status}: ${revoke.after.reason}`]
    }
  }
}
