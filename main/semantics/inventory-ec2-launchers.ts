// What launches instances into a subnet, and whether those launches ask for a public IPv4 address:
// the Auto Scaling groups (inventory/auto-scaling-groups.json, DescribeAutoScalingGroups: the
// subnets of VPCZoneIdentifier, the launch template or launch configuration), the launch
// configurations (inventory/launch-configurations.json, DescribeLaunchConfigurations:
// AssociatePublicIpAddress) and the launch template versions they use
// (inventory/launch-template-versions.json, DescribeLaunchTemplateVersions: the network interfaces'
// AssociatePublicIpAddress). `lastmile evidence collect` adds the Region it listed each item in
// ("Region", not AWS's) and leaves out UserData (where people put secrets).
//
// An EKS managed node group is an Auto Scaling group EKS made (tagged eks:nodegroup-name), and so is
// an ECS capacity provider's: they are read here as the groups they are.
//
// A launch that does not say AssociatePublicIpAddress takes the subnet's MapPublicIpOnLaunch (EC2
// User Guide, "Assign a public IPv4 address during instance launch"; Auto Scaling User Guide, "Launch
// configurations": "If you don't specify AssociatePublicIpAddress, the subnet's setting is used").
// For a launch template it is the primary interface's (DeviceIndex 0) AssociatePublicIpAddress.
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { arr, bool, num, obj, requireArray, str, tagsOf, type Json } from './cloud-output'
import { partitionOf } from './ids'

/** A launch template as an Auto Scaling group names it: by id or name, and a version ("$Latest", "$Default", "3"; null: $Default). */
export const LaunchTemplateRef = z.strictObject({ id: z.string().nullable(), name: z.string().nullable(), version: z.string().nullable() })
export type LaunchTemplateRef = z.infer<typeof LaunchTemplateRef>

/** `autoscaling.group`: one Auto Scaling group of inventory/auto-scaling-groups.json. */
export const AutoScalingGroupFacet = z.strictObject({
  account: z.string(),
  region: z.string(),
  name: z.string(),
  /** the subnets it launches into (VPCZoneIdentifier) */
  subnets: z.array(z.string()),
  /** LaunchTemplate, else MixedInstancesPolicy's template and its overrides' own templates */
  launchTemplates: z.array(LaunchTemplateRef),
  launchConfiguration: z.string().nullable(),
  minSize: z.number().nullable(),
  maxSize: z.number().nullable(),
  desiredCapacity: z.number().nullable(),
  /** instances it holds now */
  instances: z.number(),
  /** the EKS managed node group it carries (tag eks:nodegroup-name), or null */
  nodegroup: z.string().nullable()
})
export type AutoScalingGroupFacet = z.infer<typeof AutoScalingGroupFacet>

/** `autoscaling.launch-configuration`: one launch configuration of inventory/launch-configurations.json. */
export const LaunchConfigurationFacet = z.strictObject({
  account: z.string(),
  region: z.string(),
  name: z.string(),
  /** AssociatePublicIpAddress; null: not set (the subnet's setting applies) */
  associatePublicIp: z.boolean().nullable(),
  /** SecurityGroups (ids, or names in a default VPC); empty: it names none, and its instances get the VPC's default group. Absent in a facet written before Lastmile read them. */
  securityGroups: z.array(z.string()).optional()
})
export type LaunchConfigurationFacet = z.infer<typeof LaunchConfigurationFacet>

/** `ec2.launch-template`: one launch template with the versions of it in inventory/launch-template-versions.json. */
export const LaunchTemplateFacet = z.strictObject({
  account: z.string(),
  region: z.string(),
  id: z.string(),
  name: z.string().nullable(),
  versions: z.array(
    z.strictObject({
      number: z.number(),
      default: z.boolean(),
      /** the primary interface's AssociatePublicIpAddress; null: not set (the subnet's setting applies) */
      associatePublicIp: z.boolean().nullable(),
      /**
       * The security groups of each network interface an instance launched with it gets: one list
       * per interface (SecurityGroupIds and SecurityGroups, or each of NetworkInterfaces' Groups);
       * an empty list is an interface in the VPC's default group. Absent in a facet written before
       * Lastmile read them.
       */
      interfaceGroups: z.array(z.array(z.string())).optional()
    })
  )
})
export type LaunchTemplateFacet = z.infer<typeof LaunchTemplateFacet>

export const autoScalingGroupKey = (region: string, account: string, name: string): string =>
  `arn:${partitionOf(region)}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`
export const launchConfigurationKey = (region: string, account: string, name: string): string =>
  `arn:${partitionOf(region)}:autoscaling:${region}:${account}:launchConfiguration:*:launchConfigurationName/${name}`
export const launchTemplateKey = (region: string, account: string, id: string): string => `arn:${partitionOf(region)}:ec2:${region}:${account}:launch-template/${id}`

function regionOf(o: Json, arn: string | null, soleRegion: string | null, file: string, place: string): string {
  const r = str(o.Region) ?? (arn?.startsWith('arn:') ? arn.split(':')[3] || null : null) ?? soleRegion
  if (!r) throw new BadEvidence(file, place, 'no "Region" (the collector adds it) and the evidence names more than one Region')
  return r
}

function templateRef(v: unknown): LaunchTemplateRef | null {
  const t = obj(v)
  if (!t) return null
  const id = str(t.LaunchTemplateId)
  const name = str(t.LaunchTemplateName)
  return id || name ? { id, name, version: str(t.Version) } : null
}

/** inventory/auto-scaling-groups.json: {"AutoScalingGroups":[DescribeAutoScalingGroups item + "Region"]}. */
export function parseAutoScalingGroups(doc: unknown, file: string, account: string, soleRegion: string | null): AutoScalingGroupFacet[] {
  return requireArray(doc, file, 'AutoScalingGroups').map((x, i) => {
    const g = obj(x)
    const name = str(g?.AutoScalingGroupName)
    if (!g || !name) throw new BadEvidence(file, `AutoScalingGroups[${i}]`, 'an Auto Scaling group without AutoScalingGroupName')
    const arn = str(g.AutoScalingGroupARN)
    const mixed = obj(obj(g.MixedInstancesPolicy)?.LaunchTemplate)
    const templates = [
      templateRef(g.LaunchTemplate),
      templateRef(mixed?.LaunchTemplateSpecification),
      ...arr(mixed?.Overrides).map((o) => templateRef(obj(o)?.LaunchTemplateSpecification))
    ]
    const seen = new Set<string>()
    const launchTemplates = templates.filter((t): t is LaunchTemplateRef => {
      if (!t) return false
      const k = `${t.id ?? ''}|${t.name ?? ''}|${t.version ?? ''}`
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
    return {
      account: arn?.split(':')[4] || account,
      region: regionOf(g, arn, soleRegion, file, `AutoScalingGroups[${i}]`),
      name,
      subnets: (str(g.VPCZoneIdentifier) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      launchTemplates,
      launchConfiguration: str(g.LaunchConfigurationName),
      minSize: num(g.MinSize),
      maxSize: num(g.MaxSize),
      desiredCapacity: num(g.DesiredCapacity),
      instances: arr(g.Instances).length,
      nodegroup: tagsOf(g.Tags)['eks:nodegroup-name'] ?? null
    }
  })
}

/** inventory/launch-configurations.json: {"LaunchConfigurations":[DescribeLaunchConfigurations item + "Region"]}. */
export function parseLaunchConfigurations(doc: unknown, file: string, account: string, soleRegion: string | null): LaunchConfigurationFacet[] {
  return requireArray(doc, file, 'LaunchConfigurations').map((x, i) => {
    const c = obj(x)
    const name = str(c?.LaunchConfigurationName)
    if (!c || !name) throw new BadEvidence(file, `LaunchConfigurations[${i}]`, 'a launch configuration without LaunchConfigurationName')
    const arn = str(c.LaunchConfigurationARN)
    return {
      account: arn?.split(':')[4] || account,
      region: regionOf(c, arn, soleRegion, file, `LaunchConfigurations[${i}]`),
      name,
      associatePublicIp: bool(c.AssociatePublicIpAddress),
      securityGroups: strings(c.SecurityGroups)
    }
  })
}

/** The primary interface's AssociatePublicIpAddress in a version's LaunchTemplateData (DeviceIndex 0, or the one interface without one). */
function primaryPublicIp(data: Json | null): boolean | null {
  const nics = arr(data?.NetworkInterfaces).map((n) => obj(n) ?? {})
  const primary = nics.find((n) => num(n.DeviceIndex) === 0) ?? (nics.length === 1 && num(nics[0].DeviceIndex) === null ? nics[0] : undefined)
  return primary ? bool(primary.AssociatePublicIpAddress) : null
}

const strings = (v: unknown): string[] => [
  ...new Set(
    arr(v)
      .map(str)
      .filter((x): x is string => !!x)
  )
]

/**
 * The groups of each interface a version's LaunchTemplateData launches (EC2 User Guide, "Launch
 * template parameters": security groups are given either for the instance, SecurityGroupIds or
 * SecurityGroups, or per network interface, Groups). An interface the template attaches by
 * NetworkInterfaceId exists already, with groups of its own: it is no new interface and is left
 * out. An interface that names no group, like an instance whose template names none, is put in
 * the VPC's default group (RunInstances: "If you don't specify a security group, we use the
 * default security group").
 */
function interfaceGroups(data: Json | null): string[][] {
  const instance = [...strings(data?.SecurityGroupIds), ...strings(data?.SecurityGroups)]
  const nics = arr(data?.NetworkInterfaces).map((n) => obj(n) ?? {})
  if (!nics.length) return [instance]
  return nics.filter((n) => !str(n.NetworkInterfaceId)).map((n) => strings(n.Groups))
}

/** inventory/launch-template-versions.json: {"LaunchTemplateVersions":[DescribeLaunchTemplateVersions item + "Region"]}, grouped by template. */
export function parseLaunchTemplateVersions(doc: unknown, file: string, account: string, soleRegion: string | null): LaunchTemplateFacet[] {
  const byKey = new Map<string, LaunchTemplateFacet>()
  requireArray(doc, file, 'LaunchTemplateVersions').forEach((x, i) => {
    const v = obj(x)
    const id = str(v?.LaunchTemplateId)
    const number = num(v?.VersionNumber)
    if (!v || !id || number === null) throw new BadEvidence(file, `LaunchTemplateVersions[${i}]`, 'a launch template version without LaunchTemplateId or VersionNumber')
    const region = regionOf(v, null, soleRegion, file, `LaunchTemplateVersions[${i}]`)
    const key = `${region}|${id}`
    let t = byKey.get(key)
    if (!t) byKey.set(key, (t = { account, region, id, name: str(v.LaunchTemplateName), versions: [] }))
    if (!t.versions.some((s) => s.number === number))
      t.versions.push({
        number,
        default: bool(v.DefaultVersion) === true,
        associatePublicIp: primaryPublicIp(obj(v.LaunchTemplateData)),
        interfaceGroups: interfaceGroups(obj(v.LaunchTemplateData))
      })
  })
  return [...byKey.values()]
}

/**
 * The version of a template an Auto Scaling group launches: "$Latest" is the highest version number
 * (the collector always fetches it), "$Default" (or no version) the one marked default, a number that
 * number. Null: that version is not in the evidence.
 */
export function templateVersion(t: LaunchTemplateFacet, version: string | null): LaunchTemplateFacet['versions'][number] | null {
  if (version === '$Latest') return t.versions.reduce<LaunchTemplateFacet['versions'][number] | null>((a, v) => (!a || v.number > a.number ? v : a), null)
  if (version === null || version === '$Default') return t.versions.find((v) => v.default) ?? null
  const n = Number(version)
  return t.versions.find((v) => v.number === n) ?? null
}
