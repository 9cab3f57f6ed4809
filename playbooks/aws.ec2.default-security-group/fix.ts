// aws.ec2.default-security-group (Security Hub EC2.2): remove every inbound and outbound rule of the
// VPC's default group. The fix saves the group as it is live first (the rollback capture), then
// revokes the rules the group has at that moment — each source of each rule as its own
// `--ip-permissions` element, in one call per direction, read from a file (`file://`) — so what
// is revoked is exactly what was there. The rollback authorizes again the saved rules that are
// missing, Descriptions included: exactly the saved rules come back, and a rule someone re-added
// meanwhile is not authorized twice (EC2 refuses a duplicate).
import { LastmileError } from '../../main/errors'
import { parseArn } from '../../main/semantics/ids'
import { ipPermissionsOf } from '../../main/semantics/inventory-items'
import { getFacts } from '../../main/case/facts'
import type { SgConfigFacet } from '../../main/semantics/facets'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { ruleText } from './evaluate'

type Inputs = Pick<SgConfigFacet, 'groupId' | 'account' | 'region' | 'name' | 'vpcId' | 'ingress' | 'egress'> & {
  /** interfaces the inventory shows in the group */
  enis: string[]
}

/**
 * jq: `ones($k; $bare)`, the permissions of one direction ($k: IpPermissions or IpPermissionsEgress)
 * of a describe-security-groups answer, one source per element; with $bare, without Descriptions
 * (what a revocation and a comparison take).
 */
const ONES_DEF = `def ones($k; $bare): [.SecurityGroups[0][$k][]? | . as $p
  | ((($p.IpRanges // [])[] | {IpRanges: [.]}), (($p.Ipv6Ranges // [])[] | {Ipv6Ranges: [.]}),
     (($p.PrefixListIds // [])[] | {PrefixListIds: [.]}),
     (($p.UserIdGroupPairs // [])[] | {UserIdGroupPairs: [{GroupId} + (if .Description then {Description} else {} end)]}))
  | {IpProtocol: $p.IpProtocol} + (if $p.IpProtocol == "-1" or $p.FromPort == null then {} else {FromPort: $p.FromPort, ToPort: $p.ToPort} end) + .
  | if $bare then walk(if type == "object" then del(.Description) else . end) else . end];`

/** jq over the live answer: its permissions of direction $k, without Descriptions. */
const ONES_JQ = `${ONES_DEF} ones($k; true)`

/** jq over the live answer: the saved permissions ($saved) of direction $k the group does not have, with their Descriptions. */
const MISSING_JQ = `${ONES_DEF} def bare: walk(if type == "object" then del(.Description) else . end);
ones($k; true) as $live | [$saved[0] | ones($k; false)[] | select(bare as $b | any($live[]; . == $b) | not)]`

const DIRECTIONS = [
  { key: 'IpPermissions', word: 'inbound', verb: 'ingress' },
  { key: 'IpPermissionsEgress', word: 'outbound', verb: 'egress' }
] as const

export const defaultSecurityGroupFix: FixRenderer = {
  control: 'aws.ec2.default-security-group',
  summary: "revoke every inbound and outbound rule of the VPC's default security group",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'sg.config', 'inventory/security-groups.json (DescribeSecurityGroups)')
    const v = cfg.value
    const sg = getFacts(db, target.resourceId).securityGroup
    return {
      values: {
        groupId: v.groupId,
        account: v.account,
        region: v.region,
        name: v.name,
        vpcId: v.vpcId,
        ingress: v.ingress,
        ...(v.egress ? { egress: v.egress } : {}),
        enis: sg?.enis ?? []
      },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Inputs
    if (parseArn(t.resourceId)?.service !== 'ec2') throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not a security group ARN`)
    if (v.name !== 'default')
      throw new LastmileError(
        'conflict',
        `${t.finding}: ${v.groupId} is named ${v.name === null ? 'nothing' : `"${v.name}"`} in the evidence, not "default": this fix empties only a VPC's default group`
      )
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const inbound = ipPermissionsOf(v.ingress).map((p) => ruleText(p, v.groupId, 'in'))
    const outbound = v.egress ? ipPermissionsOf(v.egress).map((p) => ruleText(p, v.groupId, 'out')) : null
    if (!inbound.length && outbound !== null && !outbound.length)
      throw new LastmileError('conflict', `${t.finding}: ${v.groupId} has no inbound and no outbound rule in the evidence; validate the finding instead of planning a fix`)
    const header = headerLines(ctx)
    const fns = [
      `GROUP=${sq(v.groupId)}`,
      `REGION=${sq(region)}`,
      'SAVED="$ROLLBACK_DIR/default-security-group.before.json"',
      'describe_group() { aws ec2 describe-security-groups --group-ids "$GROUP" --region "$REGION" --output json; }',
      `ones() { describe_group | jq -c --arg k "$1" ${sq(ONES_JQ)}; }`,
      `missing() { describe_group | jq -c --arg k "$1" --slurpfile saved "$SAVED" ${sq(MISSING_JQ)}; }`
    ]
    const listed = [
      inbound.length ? `Inbound rules in the evidence: ${inbound.join('; ')}` : 'No inbound rule in the evidence.',
      outbound === null
        ? 'The evidence does not list the outbound rules; the script revokes whatever is there.'
        : outbound.length
          ? `Outbound rules in the evidence: ${outbound.join('; ')}`
          : 'No outbound rule in the evidence.'
    ]
    const fix = bashScript({
      title: `Fix: revoke every rule of the default security group ${v.groupId}${v.vpcId ? ` of ${v.vpcId}` : ''} in ${region}`,
      lines: [...header, 'Revokes every inbound and outbound rule the group has when it runs (saved first for the rollback):', ...listed.map((l) => `  ${l}`)],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the live rules of ${v.groupId} (rollback capture)`,
          check: '[ -s "$SAVED" ]',
          already: 'the rules were saved by an earlier run',
          apply: ['describe_group > "$SAVED"']
        },
        ...DIRECTIONS.map((d) => ({
          title: `revoke every ${d.word} rule of ${v.groupId}`,
          check: `[ "$(ones ${d.key})" = '[]' ]`,
          already: `${v.groupId} has no ${d.word} rule`,
          apply: [
            `ones ${d.key} > "$ROLLBACK_DIR/revoke-${d.verb}.json"`,
            `aws ec2 revoke-security-group-${d.verb} --group-id "$GROUP" --region "$REGION" --ip-permissions "file://$ROLLBACK_DIR/revoke-${d.verb}.json" --output json > /dev/null`
          ],
          verify: `[ "$(ones ${d.key})" = '[]' ]`
        }))
      ],
      done: `${v.groupId} allows no traffic: every interface that uses only this group is cut off until it is given a group of its own`
    })
    const rollback = bashScript({
      title: `Rollback: authorize again the rules the fix revoked on ${v.groupId}, as saved before it ran`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'find the rules saved before the fix',
          apply: ['[ -s "$SAVED" ] || fail "no saved rules at $SAVED: the fix did not run here (or LASTMILE_ROLLBACK_DIR differs); nothing to put back"']
        },
        ...DIRECTIONS.map((d) => ({
          title: `authorize the saved ${d.word} rules of ${v.groupId} that are missing`,
          check: `[ "$(missing ${d.key})" = '[]' ]`,
          already: `every saved ${d.word} rule is on ${v.groupId}`,
          apply: [
            `missing ${d.key} > "$ROLLBACK_DIR/restore-${d.verb}.json"`,
            `aws ec2 authorize-security-group-${d.verb} --group-id "$GROUP" --region "$REGION" --ip-permissions "file://$ROLLBACK_DIR/restore-${d.verb}.json" --output json > /dev/null`
          ],
          verify: `[ "$(missing ${d.key})" = '[]' ]`
        }))
      ],
      done: `${v.groupId} has its saved rules again`
    })
    const cutOff = v.enis.length
      ? `the inventory shows ${v.enis.length} interface${v.enis.length === 1 ? '' : 's'} in the group (${v.enis.join(', ')}): each loses what the default group allowed — traffic from other members (the self-reference) and, unless another of its groups allows it, every connection out; give ${v.enis.length === 1 ? 'it' : 'them'} a group of their own first`
      : `no interface in the evidence uses the group; unless the evidence has network-interfaces.json (every interface, of every service), list the interfaces of Lambda functions, RDS databases, load balancers and VPC endpoints first: aws ec2 describe-network-interfaces --filters Name=group-id,Values=${v.groupId}`
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `revoke every inbound and outbound rule of the default group ${v.groupId}`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `authorize again the rules saved before the fix on ${v.groupId}`, rollback)],
      preconditions: [
        'AWS CLI and jq on PATH',
        `credentials for account ${account} allowed ec2:DescribeSecurityGroups, ec2:RevokeSecurityGroupIngress, ec2:RevokeSecurityGroupEgress, ec2:AuthorizeSecurityGroupIngress and ec2:AuthorizeSecurityGroupEgress in ${region}`,
        cutOff,
        `if Terraform (aws_default_security_group) or CloudFormation manages ${v.groupId}, make the same change in its definition too, or the next apply undoes it`
      ],
      validation: validationText(t),
      notes: ['the rollback needs the rules saved by fix.sh (in LASTMILE_ROLLBACK_DIR): run both from the same machine and folder', ...listed]
    }
  }
}
