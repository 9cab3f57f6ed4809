// The Auto Scaling groups a step asks about (what launches into a subnet or a VPC): those of one
// account and Region as the evidence lists them (inventory/auto-scaling-groups.json), or why the
// evidence cannot say — the file is missing, the collector could not list the Region
// (DescribeAutoScalingGroups named in a gap), or the Region is outside the bundle's scope; and
// what each group launches with (launchSpecsOf).
import { templateVersion, type AutoScalingGroupFacet, type LaunchConfigurationFacet, type LaunchTemplateFacet, type LaunchTemplateRef } from '../semantics/inventory-ec2-launchers'
import { subnetArn } from '../semantics/inventory-ec2-network'
import { plural } from './step-common'
import type { StepContext } from './step'

export type AutoScalingListing =
  | { listed: false; why: string; files: string[] }
  | { listed: true; groups: Array<{ value: AutoScalingGroupFacet; evidence: string[] }>; files: string[] }

export function autoScalingGroupsOf(ctx: StepContext, account: string, region: string): AutoScalingListing {
  const files = ctx.ev
    .files()
    .filter((f) => f.path === `aws/${account}/inventory/auto-scaling-groups.json` && f.status === 'read')
    .map((f) => f.id)
  if (!files.length) return { listed: false, why: `the Auto Scaling groups of ${account} are not in the evidence (inventory/auto-scaling-groups.json)`, files }
  const scope = ctx.ev.regions(account)
  const refused = ctx.ev
    .coverage('aws.inventory', ctx.finding.resource.id, null)
    .gaps.filter((g) => g.detail.includes(`DescribeAutoScalingGroups in ${region}`))
    .map((g) => g.detail)
  if (refused.length || (scope.length > 0 && !scope.includes(region)))
    return { listed: false, why: `the Auto Scaling groups of ${region} were not listed${refused.length ? ` (${refused[0]})` : ''}`, files }
  const groups = ctx.ev
    .resourcesWith('autoscaling.group')
    .map((id) => ctx.ev.config(id, 'autoscaling.group'))
    .filter((g): g is NonNullable<typeof g> => !!g && g.value.account === account && g.value.region === region)
  return { listed: true, groups, files }
}

/**
 * One way an Auto Scaling group launches: its launch configuration, or one of its launch templates
 * (a mixed instances group may launch with any of them) at the version it names. `found` is null
 * when the evidence lacks it; `label` names it as the group does, `which` as the evidence found it.
 */
export type LaunchSpec =
  | { kind: 'configuration'; label: string; found: { value: LaunchConfigurationFacet; evidence: string[] } | null; which: string }
  | { kind: 'template'; label: string; found: { value: LaunchTemplateVersion; evidence: string[] } | null; which: string; ref: LaunchTemplateRef }

type LaunchTemplateVersion = LaunchTemplateFacet['versions'][number]

export function launchSpecsOf(ctx: StepContext, group: AutoScalingGroupFacet): LaunchSpec[] {
  const same = (v: { account: string; region: string }): boolean => v.account === group.account && v.region === group.region
  const specs: LaunchSpec[] = []
  if (group.launchConfiguration) {
    const c = ctx.ev
      .resourcesWith('autoscaling.launch-configuration')
      .map((id) => ctx.ev.config(id, 'autoscaling.launch-configuration'))
      .find((x) => !!x && same(x.value) && x.value.name === group.launchConfiguration)
    const label = `launch configuration ${group.launchConfiguration}`
    specs.push({ kind: 'configuration', label, found: c ?? null, which: c ? `launch configuration ${c.value.name}` : label })
  }
  for (const ref of group.launchTemplates) {
    const label = `launch template ${ref.name ?? ref.id} version ${ref.version ?? '$Default'}`
    const t = ctx.ev
      .resourcesWith('ec2.launch-template')
      .map((id) => ctx.ev.config(id, 'ec2.launch-template'))
      .find((x) => !!x && same(x.value) && (ref.id ? x.value.id === ref.id : x.value.name === ref.name))
    const v = t ? templateVersion(t.value, ref.version) : null
    specs.push(
      t && v
        ? {
            kind: 'template',
            label,
            ref,
            found: { value: v, evidence: t.evidence },
            which: `launch template ${t.value.name ?? t.value.id} version ${v.number}${ref.version?.startsWith('$') ? ` (${ref.version})` : ''}`
          }
        : { kind: 'template', label, ref, found: null, which: label }
    )
  }
  return specs
}

/** What a step says of a launch the evidence lacks. */
export function launchSpecMissing(spec: LaunchSpec): string {
  return `${spec.label} is not in the evidence (inventory/${spec.kind === 'configuration' ? 'launch-configurations' : 'launch-template-versions'}.json)`
}

/**
 * The security groups of each new interface a launch gives its instances (one list per
 * interface; an empty list is the VPC's default group), or why the evidence cannot say.
 */
export function launchGroupsOf(spec: LaunchSpec): { lists: string[][]; evidence: string[] } | { unknown: string } {
  if (!spec.found) return { unknown: launchSpecMissing(spec) }
  const lists = spec.kind === 'configuration' ? (spec.found.value.securityGroups ? [spec.found.value.securityGroups] : undefined) : spec.found.value.interfaceGroups
  if (!lists) return { unknown: `the security groups of ${spec.which} were not read (evidence added before Lastmile read them: add the bundle again)` }
  return { lists, evidence: spec.found.evidence }
}

/** How a step names an Auto Scaling group: its name, its EKS node group, its size now. */
export function groupLabel(g: AutoScalingGroupFacet): string {
  const size = `${g.instances === 0 ? 'no instance' : plural(g.instances, 'instance')} now, ${g.minSize ?? '?'}–${g.maxSize ?? '?'}`
  return `${g.name}${g.nodegroup ? ` (EKS managed node group ${g.nodegroup})` : ''} (${size})`
}

/** The Auto Scaling groups listed that launch into a VPC: into a subnet of it, or into a subnet whose VPC the evidence does not give. */
export function launchingIntoVpc(ctx: StepContext, groups: Array<{ value: AutoScalingGroupFacet; evidence: string[] }>, vpc: string | null): typeof groups {
  const vpcOf = (g: AutoScalingGroupFacet, sn: string): string | null => ctx.ev.config(subnetArn(g.region, g.account, sn), 'ec2.subnet')?.value.vpcId ?? null
  return groups.filter((g) => g.value.subnets.some((sn) => [null, vpc].includes(vpcOf(g.value, sn))))
}
