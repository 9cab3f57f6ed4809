// aws.ec2.instance-public-ip (Security Hub EC2.9) over a bundle: the public IPv4 addresses
// DescribeInstances gives an instance (PublicIpAddress, and each interface's Association.PublicIp),
// as Config's ec2-instance-no-public-ip (NON_COMPLIANT when the configuration item has a publicIp)
// and Prowler's ec2_instance_public_ip read them. Terminated and shutting-down instances are skipped;
// a stopped one keeps an Elastic IP and is judged.
import type { Evaluation } from '../../shared/contract'
import { evaluateInstanceList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, Ec2Instance } from '../../main/semantics/inventory'
import { fail, pass, type Verdict } from '../../main/semantics/verdict'

const GONE = new Set(['terminated', 'shutting-down'])

/** DescribeInstances leaves PublicIpAddress and Association out when there is no public address: absent is "none". */
export function publicIpVerdict(i: Pick<Ec2Instance, 'PublicIpAddress' | 'NetworkInterfaces'>): Verdict {
  const ips = [...new Set([i.PublicIpAddress, ...(i.NetworkInterfaces ?? []).map((n) => n.Association?.PublicIp)].filter((x): x is string => !!x))]
  if (ips.length) return fail(`the instance has the public IPv4 address${ips.length > 1 ? 'es' : ''} ${ips.join(', ')}`)
  return pass('the instance has no public IPv4 address (no PublicIpAddress, no interface association)')
}

export function evaluateInstancePublicIp(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluateInstanceList('aws.ec2.instance-public-ip', inv, (i) => (GONE.has(i.State?.Name ?? '') ? 'skip' : publicIpVerdict(i)))
}
