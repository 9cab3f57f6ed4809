// aws.ec2.subnet-auto-public-ip (Security Hub EC2.15) over a bundle: MapPublicIpOnLaunch of each
// subnet of inventory/subnets.json (DescribeSubnets), as Config's subnet-auto-assign-public-ip-disabled
// and Prowler's vpc_subnet_no_public_ip_by_default read it.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, namelessProblems, regionFor, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { regionOfZone } from '../../main/semantics/ids'
import { subnetArn, type SubnetDoc } from '../../main/semantics/inventory-ec2-network'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const CONTROL = 'aws.ec2.subnet-auto-public-ip'

export function subnetVerdict(s: Pick<SubnetDoc, 'MapPublicIpOnLaunch'>): Verdict {
  if (s.MapPublicIpOnLaunch === undefined) return unknown('MapPublicIpOnLaunch was not collected')
  if (s.MapPublicIpOnLaunch) return fail('MapPublicIpOnLaunch is true: instances launched without asking otherwise get a public IPv4 address')
  return pass('MapPublicIpOnLaunch is false: instances get a public IPv4 address only when their launch asks for one')
}

export function evaluateSubnetPublicIp(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.subnets
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the subnets')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'subnets')
  for (const item of f.value) {
    const s = item.ok ? item.value : null
    const id = s ? s.SubnetId : item.ok ? null : item.name
    if (id === null) continue
    const account = s?.OwnerId ?? inv.account
    const where = regionFor(s?.Region ?? (s?.AvailabilityZone ? regionOfZone(s.AvailabilityZone) : null), inv)
    const region = 'region' in where ? where.region : null
    const resource = s?.SubnetArn ?? (region ? subnetArn(region, account, id) : `arn:aws:ec2::${account}:subnet/${id}`)
    const evidence = [`${f.rel}#${item.pointer}`]
    if (!item.ok) {
      out.push(evaluation(CONTROL, resource, unknown(`${f.rel}: ${item.error}`), { account, region, evidence }))
      continue
    }
    const v = subnetVerdict(item.value)
    out.push(
      evaluation(CONTROL, resource, region ? v : unknown(`cannot name the subnet: ${'problem' in where ? where.problem : ''}; on its own: ${v.status} — ${v.reason}`), {
        account,
        region,
        evidence
      })
    )
  }
  return out
}
