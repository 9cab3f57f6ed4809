// The Auto Scaling groups a step asks about (what launches into a subnet or a VPC): those of one
// account and Region as the evidence lists them (inventory/auto-scaling-groups.json), or why the
// evidence cannot say — the file is missing, the collector could not list the Region
// (DescribeAutoScalingGroups named in a gap), or the Region is outside the bundle's scope.
import type { AutoScalingGroupFacet } from '../semantics/inventory-ec2-launchers'
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
