// A security-group fix for a named port set (aws.ec2.sg-open-admin-ports, Security Hub EC2.13/EC2.14:
// SSH/RDP; aws.ec2.sg-open-high-risk-ports, EC2.19: the high-risk ports): revoke exactly the ranges that open
// those ports to the internet (FORMATS.md C.4), one `--ip-permissions` element at a time, each
// checked against the live group first (revoking a permission that is not there is an error in
// EC2: InvalidPermission.NotFound). Before that, authorize what the flow logs show in use through
// those ranges (sg-plan.ts): the other ports a wide rule serves, and the addresses that reach
// 22/3389 only through the open rule. The rollback puts the revoked ranges back with their
// Descriptions, then removes what the fix added.
import { LastmileError } from '../../errors'
import { parseArn } from '../../semantics/ids'
import { getFacts } from '../../case/facts'
import { evidenceEnd, playbookWindow } from '../../case/evidence'
import { planSgFix, type SgKeep, type SgPlan, type SgUse } from './sg-plan'
import type { PortSet } from '../../semantics/port-sets'
import type { RevokePermission } from './sg-revoke'
import type { SgConfigFacet } from '../../semantics/facets'
import { bashScript, sq } from '../shell'
import type { FixRenderer, FixTarget } from '../fix'
import type { Db } from '../../db/case-db'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../fix-common'

/** The playbook's window (playbook.yaml beside this file): what the flow logs must show in use. */
const WINDOW_DAYS = 90

/** The plan's inputs: the group as collected (the `sg.config` facet) and the flows in use. */
interface SgInputs extends Pick<SgConfigFacet, 'groupId' | 'account' | 'region' | 'name' | 'vpcId' | 'ingress'> {
  /** the flow facts the plan keeps things from, read with the investigation's window */
  use: SgUse | null
  from: string | null
  /** a planner's parameters for this finding (SgFixPlanner.parameters) */
  params?: unknown
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

/**
 * A control whose question is not a named set's (EC2.18: every port but the authorised ones) brings
 * its own plan and words; the script, its checks and the exact rollback are the same.
 */
export interface SgFixPlanner {
  /** what the fix closes, in general: "TCP/UDP ports other than the authorised ones" */
  what: string
  /**
   * the finding's own parameters (EC2.18: the authorised ports its alerts carry), read with the
   * inputs and kept in them; throws a LastmileError saying why when they cannot be told
   */
  parameters(db: Db, target: FixTarget): unknown
  plan(groupId: string, ingress: SgInputs['ingress'], params: unknown): SgPlan
  /** the words of this finding's fix: what it closes, the header line over the ports it authorizes first, who loses access */
  words(params: unknown): { what: string; portsHead: string; who: string }
  /** how texts name a session to those ports, and many */
  session: string
  sessions: string
}

/**
 * The fix of a control that closes a named port set to the internet on a security group (SSH/RDP for
 * aws.ec2.sg-open-admin-ports, EC2.19's high-risk ports for aws.ec2.sg-open-high-risk-ports).
 */
export function securityGroupFix(control: string, question: PortSet | SgFixPlanner): FixRenderer {
  const custom = 'plan' in question ? question : null
  const set = 'plan' in question ? { id: 'other' as const, label: question.what, short: question.what, session: question.session, sessions: question.sessions } : question
  const what = custom ? custom.what : set.id === 'admin' ? 'SSH/RDP' : set.label
  return {
    control,
    summary: `revoke the ingress ranges that open ${what} to the internet`,
    inputs(db, target) {
      const cfg = requireConfig({ db }, target, target.resourceId, 'sg.config', 'inventory/security-groups.json (DescribeSecurityGroups)')
      const v = cfg.value
      const sg = getFacts(db, target.resourceId).securityGroup
      const use: SgUse | null = sg
        ? {
            enis: sg.enis,
            flowEnis: sg.flowEnis,
            adminFlows: sg.adminFlows,
            adminFlowsOverflow: sg.adminFlowsOverflow,
            portFlowsOverflow: sg.portFlowsOverflow,
            itemisedPorts: sg.itemisedPorts,
            servedPorts: sg.servedPorts,
            servedIncomplete: sg.servedIncomplete
          }
        : null
      const from = playbookWindow(evidenceEnd(db), WINDOW_DAYS)?.from ?? null
      return {
        values: {
          groupId: v.groupId,
          account: v.account,
          region: v.region,
          name: v.name,
          vpcId: v.vpcId,
          ingress: v.ingress,
          use,
          from,
          ...(custom ? { params: custom.parameters(db, target) } : {})
        },
        evidence: [...new Set([...cfg.evidence, ...(sg?.flowEvidence ?? [])])],
        collectedAt: cfg.collectedAt
      }
    },
    render(ctx) {
      const t = ctx.target
      const v = ctx.inputs.values as unknown as SgInputs
      if (parseArn(t.resourceId)?.service !== 'ec2') throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not a security group ARN`)
      const account = requireAccount(t, v.account)
      const region = requireRegion(t, v.region)
      const plan = custom ? custom.plan(v.groupId, v.ingress, v.params) : planSgFix(v.groupId, v.ingress, v.use ?? null, v.from ?? null, question as PortSet)
      const words = custom ? custom.words(v.params) : null
      const revoke = plan.revoke
      // Refuse what the evidence cannot make safe to run: a wide rule whose other ports cannot all be
      // listed would be replaced by a short list, and too many administrators to admit one by one.
      if (plan.wide.length && plan.unknown.length) {
        throw new LastmileError(
          'conflict',
          `${t.finding}: ${plan.wide.map((w) => w.name).join(', ')} of ${v.groupId} also serves other ports, and which of them are in use cannot be told (${plan.unknown.join('; ')}); replace it by hand with the ports the group must serve, or add flow logs with flow-direction for every interface and investigate again`
        )
      }
      if (plan.tooManySources !== null) {
        throw new LastmileError(
          'conflict',
          `${t.finding}: ${plan.tooManySources} addresses reach ${what} on ${v.groupId} only through the open rule; admit their range by hand (or list it in the playbook's approvedRanges) before revoking`
        )
      }
      const header = headerLines(ctx)
      const fns = [
        `GROUP=${sq(v.groupId)}`,
        `REGION=${sq(region)}`,
        'describe_group() { aws ec2 describe-security-groups --group-ids "$GROUP" --region "$REGION" --output json; }',
        `present() { describe_group | jq -e --argjson p "$1" ${sq(PRESENT_JQ)} >/dev/null; }`
      ]
      const K = (i: number): string => `K${i + 1}`
      const P = (i: number): string => `P${i + 1}`
      const keepSteps = plan.keep.map((k, i) => ({
        title: `authorize ${describe(k.permission)} on ${v.groupId} (${k.kind === 'port' ? 'a port in use through the revoked rule' : 'an address that only the open rule lets in'})`,
        before: [`${K(i)}=${sq(JSON.stringify(k.permission))}`],
        check: `present "$${K(i)}"`,
        already: `${describe(k.permission)} is on ${v.groupId}`,
        apply: [`aws ec2 authorize-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(JSON.stringify([k.permission]))} --output json > /dev/null`],
        verify: `present "$${K(i)}"`
      }))
      const revokeSteps = revoke.permissions.map((p, i) => ({
        title: `revoke ${describe(p)} on ${v.groupId}`,
        before: [`${P(i)}=${sq(JSON.stringify(p))}`],
        check: `! present "$${P(i)}"`,
        already: `${describe(p)} is no longer on ${v.groupId}`,
        apply: [`aws ec2 revoke-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(JSON.stringify([p]))} --output json > /dev/null`],
        verify: `! present "$${P(i)}"`
      }))
      const keepLines = (kind: SgKeep['kind'], head: string): string[] => {
        const ks = plan.keep.filter((k) => k.kind === kind)
        return ks.length ? [head, ...ks.map((k) => `  + ${describe(k.permission)} — ${k.text}`)] : []
      }
      const fix = bashScript({
        title: `Fix: close ${words?.what ?? what} to the internet on ${v.groupId}${v.name ? ` (${v.name})` : ''} in ${region}`,
        lines: [
          ...header,
          ...keepLines('port', words?.portsHead ?? 'First authorizes the ports the flow logs show in use through the rule it revokes:'),
          ...keepLines('source', `First admits the addresses seen in ${set.sessions} that only the open rule lets in:`),
          'Then revokes exactly these ranges; every other rule of the group stays:',
          ...revoke.permissions.map((p) => `  - ${describe(p)}`)
        ],
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
          ...keepSteps,
          ...revokeSteps
        ],
        done: `${v.groupId} no longer admits the internet to ${words ? words.what : set.id === 'admin' ? 'SSH or RDP' : set.short}`
      })
      // Back in the reverse order: the revoked ranges first (with their Descriptions), so nothing is
      // ever closed that was open before the fix, then the rules the fix added.
      const rollback = bashScript({
        title: `Rollback: authorize again the ranges the fix revoked on ${v.groupId}, then remove what it added`,
        lines: header,
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: fns,
        steps: [
          ...revoke.restore.map((p, i) => ({
            title: `authorize ${describe(p)} on ${v.groupId}`,
            before: [`${P(i)}=${sq(JSON.stringify(p))}`],
            check: `present "$${P(i)}"`,
            already: `${describe(p)} is on ${v.groupId}`,
            apply: [`aws ec2 authorize-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(JSON.stringify([p]))} --output json > /dev/null`],
            verify: `present "$${P(i)}"`
          })),
          ...plan.keep.map((k, i) => ({
            title: `revoke ${describe(k.permission)} on ${v.groupId} (added by the fix)`,
            before: [`${K(i)}=${sq(JSON.stringify(k.permission))}`],
            check: `! present "$${K(i)}"`,
            already: `${describe(k.permission)} is not on ${v.groupId}`,
            apply: [
              `aws ec2 revoke-security-group-ingress --group-id "$GROUP" --region "$REGION" --ip-permissions ${sq(JSON.stringify([k.permission]))} --output json > /dev/null`
            ],
            verify: `! present "$${K(i)}"`
          }))
        ],
        done: `${v.groupId} has the revoked ranges again${plan.keep.length ? ' and no longer the rules the fix added' : ''}`
      })
      const sources = plan.keep.filter((k) => k.kind === 'source')
      const ports = plan.keep.filter((k) => k.kind === 'port')
      const who = words
        ? words.who
        : !v.use || !v.use.flowEnis.length
          ? set.id === 'admin'
            ? 'no flow log of the group is in evidence, so who administers through the open rule is not known: anyone who does (an engineer, a vendor, a CI runner) loses access unless they have another way in (an approved CIDR rule, SSM Session Manager, a bastion)'
            : `no flow log of the group is in evidence, so who uses ${set.short} through the open rule is not known: anyone who does loses access unless another rule admits them`
          : sources.length
            ? `the plan admits the ${sources.length === 1 ? 'address' : `${sources.length} addresses`} seen in ${set.sessions} that only the open rule let in (${sources.map((k) => describe(k.permission)).join('; ')}); anyone connecting from another address loses access unless they have another way in (an approved CIDR rule, SSM Session Manager, a bastion)`
            : `no address seen in ${set.id === 'admin' ? 'an SSH/RDP session' : `a ${set.session}`} in the flow logs depends on the revoked ranges${plan.unknown.length ? ` (but ${plan.unknown.join('; ')})` : ''}; anyone connecting from elsewhere loses access unless they have another way in (an approved CIDR rule, SSM Session Manager, a bastion)`
      return {
        artefacts: [
          artefact(
            ctx,
            'aws-cli',
            'bash',
            'fix.sh',
            `${plan.keep.length ? `authorize ${plan.keep.map((k) => describe(k.permission)).join('; ')}, then ` : ''}revoke ${revoke.permissions.map(describe).join('; ')} on ${v.groupId}`,
            fix
          ),
          artefact(ctx, 'policy-json', 'json', 'ip-permissions.json', 'the exact --ip-permissions revoked (as EC2 takes them)', `${JSON.stringify(revoke.permissions, null, 2)}\n`)
        ],
        rollback: [
          artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `authorize the revoked ranges on ${v.groupId} again${plan.keep.length ? ' and revoke what the fix added' : ''}`, rollback)
        ],
        preconditions: [
          'AWS CLI and jq on PATH',
          `credentials for account ${account} allowed ec2:DescribeSecurityGroups, ec2:RevokeSecurityGroupIngress and ec2:AuthorizeSecurityGroupIngress in ${region}`,
          who,
          ...(plan.wide.length
            ? [
                `${plan.wide.map((w) => w.name).join(' and ')} also serve${plan.wide.length === 1 ? 's' : ''} ports other than ${set.short}: ${ports.length ? `the plan keeps ${ports.map((k) => k.text).join('; ')}` : 'the flow logs show none in use, so the plan keeps none'} — confirm that no other port must stay reachable (one used less than once in ${WINDOW_DAYS} days, or traffic the flow logs do not show)`
              ]
            : []),
          `if Terraform or CloudFormation manages ${v.groupId}, make the same change in its definition too, or the next apply undoes it`
        ],
        validation: validationText(t),
        notes: [...revoke.sideEffects, `after the revocation the evaluator reads the group as ${revoke.after.status}: ${revoke.after.reason}`]
      }
    }
  }
}
