// `evidence collect --provider aws`: what launches instances into a subnet and whether it asks for a
// public IPv4 address — the Auto Scaling groups of each Region (DescribeAutoScalingGroups; EKS
// managed node groups and ECS capacity providers are such groups), the launch configurations they
// name (DescribeLaunchConfigurations) and the launch template versions they launch
// (DescribeLaunchTemplateVersions). Only what a group names is read, never every configuration or
// version of the account. UserData is left out of both (it is where people put secrets; nothing here
// reads it). Each item keeps the API's shape with the Region added ("Region"); a Region whose groups
// cannot be listed is a gap and no file entries, a configuration or template that cannot be read a
// gap naming it — unknown, never "asks for no address".
import { paginateDescribeAutoScalingGroups, DescribeLaunchConfigurationsCommand, type AutoScalingGroup, type LaunchConfiguration } from '@aws-sdk/client-auto-scaling'
import { paginateDescribeLaunchTemplateVersions, type LaunchTemplateVersion } from '@aws-sdk/client-ec2'
import { why, type ServiceContext } from './collect-aws-services'

/** DescribeLaunchConfigurations takes at most 50 names per call. */
const NAMES_PER_CALL = 50

type Regional<T> = T & { Region: string }

/** The launch templates a group names: its own, its mixed instances policy's, its overrides'. */
function templatesOf(g: AutoScalingGroup): Array<{ id?: string; name?: string; version: string }> {
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate
  return [g.LaunchTemplate, mixed?.LaunchTemplateSpecification, ...(mixed?.Overrides ?? []).map((o) => o.LaunchTemplateSpecification)]
    .filter((t) => !!t && (t.LaunchTemplateId || t.LaunchTemplateName))
    .map((t) => ({ id: t!.LaunchTemplateId, name: t!.LaunchTemplateName, version: t!.Version ?? '$Default' }))
}

/**
 * inventory/auto-scaling-groups.json {"AutoScalingGroups":[…]}, inventory/launch-configurations.json
 * {"LaunchConfigurations":[…]} and inventory/launch-template-versions.json {"LaunchTemplateVersions":[…]},
 * every Region's together; each written when at least one Region's groups were listed.
 */
export async function ec2Launchers(x: ServiceContext): Promise<void> {
  const groups: Array<Regional<AutoScalingGroup>> = []
  const configurations: Array<Regional<LaunchConfiguration>> = []
  const versions: Array<Regional<LaunchTemplateVersion>> = []
  let listed = 0
  for (const region of x.regions) {
    const as = x.clients.autoScaling(region)
    x.progress(`Auto Scaling ${region}: groups, their launch configurations and launch template versions`)
    const mine: AutoScalingGroup[] = []
    try {
      for await (const page of paginateDescribeAutoScalingGroups({ client: as }, {})) mine.push(...(page.AutoScalingGroups ?? []))
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeAutoScalingGroups', region, problem: `DescribeAutoScalingGroups in ${region}: ${why(e)}` })
      continue
    }
    listed++
    groups.push(...mine.map((g) => ({ ...g, Region: region })))

    const names = [...new Set(mine.map((g) => g.LaunchConfigurationName).filter((n): n is string => !!n))]
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      const chunk = names.slice(i, i + NAMES_PER_CALL)
      try {
        let token: string | undefined
        do {
          const r = await as.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: chunk, NextToken: token }))
          configurations.push(...(r.LaunchConfigurations ?? []).map(({ UserData: _drop, ...c }) => ({ ...c, Region: region })))
          token = r.NextToken
        } while (token)
      } catch (e) {
        x.gap({
          source: 'aws.inventory',
          operation: 'DescribeLaunchConfigurations',
          region,
          problem: `DescribeLaunchConfigurations ${chunk.join(', ')} in ${region}: ${why(e)}`
        })
      }
    }

    // one call per template, for every version a group names
    const wanted = new Map<string, { id?: string; name?: string; versions: Set<string> }>()
    for (const t of mine.flatMap(templatesOf)) {
      const k = t.id ?? `name:${t.name}`
      const w = wanted.get(k) ?? { id: t.id, name: t.name, versions: new Set<string>() }
      w.versions.add(t.version)
      wanted.set(k, w)
    }
    const ec2 = x.clients.ec2(region)
    for (const t of wanted.values()) {
      const label = t.id ?? t.name ?? '?'
      try {
        const input = { ...(t.id ? { LaunchTemplateId: t.id } : { LaunchTemplateName: t.name }), Versions: [...t.versions] }
        for await (const page of paginateDescribeLaunchTemplateVersions({ client: ec2 }, input)) {
          for (const v of page.LaunchTemplateVersions ?? []) {
            const data = v.LaunchTemplateData ? (({ UserData: _drop, ...d }) => d)(v.LaunchTemplateData) : undefined
            versions.push({ ...v, ...(data ? { LaunchTemplateData: data } : {}), Region: region })
          }
        }
      } catch (e) {
        x.gap({
          source: 'aws.inventory',
          operation: 'DescribeLaunchTemplateVersions',
          region,
          resource: label,
          problem: `DescribeLaunchTemplateVersions ${label} (${[...t.versions].join(', ')}) in ${region}: ${why(e)}`
        })
      }
    }
  }
  if (!listed) return
  x.w.writeJson(`${x.base}/inventory/auto-scaling-groups.json`, { AutoScalingGroups: groups })
  x.w.writeJson(`${x.base}/inventory/launch-configurations.json`, { LaunchConfigurations: configurations })
  x.w.writeJson(`${x.base}/inventory/launch-template-versions.json`, { LaunchTemplateVersions: versions })
}
