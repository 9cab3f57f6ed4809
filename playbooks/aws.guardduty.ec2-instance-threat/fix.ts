// aws.guardduty.ec2-instance-threat: contain the instance. First its EBS volumes are snapshotted
// (CreateSnapshots with the instance specification: one crash-consistent set of every attached
// volume, tagged with the finding; the snapshots are the forensic record and are kept, rollback
// included). Then a quarantine security group with no rule in or out is made in the instance's VPC
// and every network interface of the instance is moved into it (ModifyNetworkInterfaceAttribute per
// interface: ModifyInstanceAttribute --groups changes the primary interface only, and an instance
// with a second interface would stay reachable through it). The interfaces' security groups are
// saved first, and the script refuses to run when they are not those the evidence shows (the plan
// was made for another state); the rollback puts back exactly the saved groups of each interface
// and deletes the quarantine group.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'

interface Values {
  instanceId: string
  account: string
  region: string
  vpcId: string | null
  /** every security group of the instance's interfaces in the evidence, sorted */
  groups: string[]
  enis: string[]
  instanceProfileArn: string | null
}

export const guardDutyEc2ContainmentFix: Omit<FixRenderer, 'control'> = {
  summary: "snapshot the instance's EBS volumes (kept), then move every network interface of it into a quarantine security group with no rules",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'ec2.config', 'inventory/ec2-instances.json')
    const c = cfg.value
    if (c.state === 'terminated' || c.state === 'shutting-down')
      throw new LastmileError('conflict', `${target.finding}: ${c.instanceId} is ${c.state} in the evidence; there is nothing left to contain`)
    const groups = [...new Set([...c.securityGroups, ...c.enis.flatMap((e) => e.groups)])].sort()
    const values: Values = {
      instanceId: c.instanceId,
      account: c.account,
      region: c.region,
      vpcId: c.vpcId,
      groups,
      enis: c.enis.map((e) => e.id).sort(),
      instanceProfileArn: c.instanceProfileArn
    }
    return { values: { ...values }, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Values
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const r = sq(region)
    const id = sq(v.instanceId)
    const qname = `lastmile-quarantine-${v.instanceId}`
    const saved = '"$ROLLBACK_DIR/instance.before.json"'
    const before = '"$ROLLBACK_DIR/interface-groups.before.json"'
    const qfile = '"$ROLLBACK_DIR/quarantine-group"'
    const snaps = '"$ROLLBACK_DIR/forensic-snapshots.json"'
    const fns = [
      `describe() { aws ec2 describe-instances --region ${r} --instance-ids ${id} --output json | jq '.Reservations[0].Instances[0]'; }`,
      // each interface with its groups, sorted: the rollback capture and what "as it was" means
      `groups_of() { jq -c '[.NetworkInterfaces[] | {eni: .NetworkInterfaceId, groups: ([.Groups[].GroupId] | sort)}] | sort_by(.eni)'; }`,
      'interface_groups() { describe | groups_of; }',
      // the VPC as saved before the fix (an instance never changes VPC)
      `quarantine_id() { aws ec2 describe-security-groups --region ${r} --filters Name=group-name,Values=${sq(qname)} Name=vpc-id,Values="$(jq -r .VpcId ${saved})" --output json | jq -r '.SecurityGroups[0].GroupId // empty'; }`,
      `rules_of() { aws ec2 describe-security-groups --region ${r} --group-ids "$1" --output json | jq -c '.SecurityGroups[0] | {in: .IpPermissions, out: .IpPermissionsEgress}'; }`,
      `has_no_rules() { [ "$(rules_of "$1")" = '{"in":[],"out":[]}' ]; }`,
      `isolated() { interface_groups | jq -e --arg q "$(cat ${qfile})" 'length > 0 and all(.[]; .groups == [$q])' >/dev/null; }`
    ]
    const fix = bashScript({
      title: `Fix: contain the EC2 instance ${v.instanceId} (snapshot its volumes, then isolate it in a quarantine security group)`,
      lines: [
        ...header,
        'A GuardDuty threat finding is answered by containment. This cuts the instance off from EVERY peer, the attacker and',
        'every client and system it works with; the investigation says what that breaks.',
        `Security groups in the evidence: ${v.groups.join(', ') || 'none'}; interfaces: ${v.enis.join(', ') || 'none'}.`,
        'The snapshots are kept (the rollback does not delete them): they are the forensic record of the volumes.',
        'Security groups do not break connections already tracked (an open SSH session stays up until it closes): see the plan notes.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: "save each interface's security groups (rollback capture)",
          check: `[ -s ${before} ]`,
          already: 'the security groups were saved by an earlier run',
          apply: [`describe > ${saved}`, `groups_of < ${saved} > ${before}`]
        },
        {
          title: 'refuse when the security groups are not those the evidence shows',
          check: `[ "$(jq -c '[.[].groups[]] | unique' ${before})" = ${sq(JSON.stringify(v.groups))} ]`,
          already: 'the security groups before the fix are those of the evidence',
          apply: [
            `say "the instance's groups before the fix were $(jq -c '[.[].groups[]] | unique' ${before}), the evidence shows ${v.groups.join(', ')}: investigate again"`,
            'exit 1'
          ]
        },
        {
          title: `snapshot every EBS volume of ${v.instanceId} (crash-consistent, kept for forensics)`,
          check: `[ -s ${snaps} ]`,
          already: 'the volumes were snapshotted by an earlier run',
          apply: [
            `aws ec2 create-snapshots --region ${r} --instance-specification InstanceId=${v.instanceId},ExcludeBootVolume=false --description ${sq(`Lastmile ${t.finding}: forensic copy of ${v.instanceId} before containment (GuardDuty)`)} --tag-specifications ${sq(`ResourceType=snapshot,Tags=[{Key=lastmile:finding,Value=${t.finding}},{Key=lastmile:contained-instance,Value=${v.instanceId}}]`)} --output json | jq -c '[.Snapshots[] | {snapshot: .SnapshotId, volume: .VolumeId}]' > ${snaps}.tmp`,
            `mv ${snaps}.tmp ${snaps}`,
            `say "snapshots: $(jq -r 'map(.snapshot + " of " + .volume) | join(", ")' ${snaps})"`
          ],
          // an instance store-only instance has no EBS volume: then nothing is snapshotted, and the script stops before isolating
          verify: `jq -e 'length > 0' ${snaps} >/dev/null`,
          verifyFailure: 'no EBS volume was snapshotted (an instance store-only instance?): acquire its disks another way before isolating it'
        },
        {
          title: `make the quarantine security group ${qname} in the instance's VPC`,
          check: `[ -s ${qfile} ]`,
          already: 'the quarantine group was made by an earlier run',
          apply: [
            'q="$(quarantine_id)"',
            `[ -n "$q" ] || q="$(aws ec2 create-security-group --region ${r} --group-name ${sq(qname)} --description ${sq(`Lastmile ${t.finding}: no traffic in or out of ${v.instanceId} (GuardDuty containment)`)} --vpc-id "$(jq -r .VpcId ${saved})" --output json | jq -r .GroupId)"`,
            `printf '%s\\n' "$q" > ${qfile}`
          ]
        },
        {
          title: 'remove every rule of the quarantine group (a new group allows all traffic out)',
          check: `has_no_rules "$(cat ${qfile})"`,
          already: 'the quarantine group has no rule',
          apply: [
            `q="$(cat ${qfile})"; rules="$(rules_of "$q")"`,
            `[ "$(jq -c .out <<<"$rules")" = '[]' ] || aws ec2 revoke-security-group-egress --region ${r} --group-id "$q" --ip-permissions "$(jq -c .out <<<"$rules")" --output json >/dev/null`,
            `[ "$(jq -c .in <<<"$rules")" = '[]' ] || aws ec2 revoke-security-group-ingress --region ${r} --group-id "$q" --ip-permissions "$(jq -c .in <<<"$rules")" --output json >/dev/null`
          ],
          verify: `has_no_rules "$(cat ${qfile})"`
        },
        {
          title: `move every network interface of ${v.instanceId} into the quarantine group`,
          check: 'isolated',
          already: 'every interface is in the quarantine group only',
          apply: [
            `for eni in $(jq -r '.[].eni' ${before}); do`,
            `  aws ec2 modify-network-interface-attribute --region ${r} --network-interface-id "$eni" --groups "$(cat ${qfile})"`,
            'done'
          ],
          verify: 'isolated'
        }
      ],
      done: `${v.instanceId} is isolated in ${qname}; its volumes' snapshots are listed in the rollback folder`
    })
    const rollback = bashScript({
      title: `Rollback: put the security groups of ${v.instanceId}'s interfaces back as they were, and delete the quarantine group`,
      lines: [...header, 'The forensic snapshots the fix made are kept: delete them by hand when the investigation no longer needs them.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: "put each interface's security groups back as saved before the fix",
          check: `{ [ ! -s ${before} ] && { say "no saved groups in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || [ "$(interface_groups)" = "$(cat ${before})" ]`,
          already: 'every interface has its groups as before the fix',
          apply: [
            `jq -c '.[]' ${before} | while read -r row; do`,
            `  aws ec2 modify-network-interface-attribute --region ${r} --network-interface-id "$(jq -r .eni <<<"$row")" --groups $(jq -r '.groups | join(" ")' <<<"$row")`,
            'done'
          ],
          verify: `[ "$(interface_groups)" = "$(cat ${before})" ]`
        },
        {
          title: `delete the quarantine group ${qname}`,
          check: `[ ! -s ${qfile} ] || [ -z "$(quarantine_id)" ]`,
          already: 'there is no quarantine group',
          apply: [`aws ec2 delete-security-group --region ${r} --group-id "$(cat ${qfile})"`]
        }
      ],
      done: `the interfaces of ${v.instanceId} have their security groups back; the forensic snapshots are kept`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `snapshot ${v.instanceId}'s volumes, then isolate it in a quarantine security group`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put ${v.instanceId}'s security groups back as they were (the snapshots are kept)`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ec2:DescribeInstances, ec2:CreateSnapshots, ec2:CreateTags, ec2:CreateSecurityGroup, ec2:DescribeSecurityGroups, ec2:RevokeSecurityGroupEgress, ec2:RevokeSecurityGroupIngress and ec2:ModifyNetworkInterfaceAttribute in ${region} (ec2:DeleteSecurityGroup for the rollback)`,
        'the owner has taken the instance out of service when the investigation says a load balancer or an Auto Scaling group counts on it'
      ],
      validation:
        `Collect evidence after the change: every interface of ${v.instanceId} is in ${qname} only, and its flow logs show no accepted flow after the change. ` +
        `Then archive the GuardDuty finding (or let the next export show it archived) once the instance is analysed and rebuilt: \`lastmile validate CASE ${t.finding} --rescan\` closes it when the export no longer reports it.`,
      notes: [
        "security groups are stateful: a connection already tracked (the attacker's open session) is not cut when its rule goes; to end those too, add a network ACL denying all traffic on the instance's subnet if the subnet holds nothing else, or stop the instance after the snapshots (memory evidence is then lost)",
        ...(v.instanceProfileArn
          ? [
              `isolation does not revoke the credentials of ${v.instanceProfileArn}'s role an attacker may have taken from the metadata service: revoke the role's older sessions (IAM "Revoke active sessions", the AWSRevokeOlderSessions policy)`
            ]
          : []),
        'turn on termination protection and set the shutdown behaviour to stop, so nobody destroys the instance before it is analysed; acquire memory first if your process does',
        'the quarantine group is per instance: no other resource is moved into it, and deleting it in the rollback touches nothing else'
      ]
    }
  }
}
