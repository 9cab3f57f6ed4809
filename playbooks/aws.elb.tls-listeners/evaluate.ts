// aws.elb.tls-listeners (Security Hub ELB.3, Config elb-tls-https-listeners-only) over a bundle: a
// Classic Load Balancer of inventory/load-balancers.json ("LoadBalancerDescriptions") fails when any
// listener's front-end protocol is HTTP or TCP, as Config's rule reads it.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, regionFor, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { classicConfig, classicRegion, elbArnOf, plainClassicListeners, type ClassicLoadBalancer } from '../../main/semantics/load-balancer'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'aws.elb.tls-listeners'

export function tlsListenersVerdict(lb: ClassicLoadBalancer): Verdict {
  const c = classicConfig(lb)
  const plain = plainClassicListeners(c)
  if (!plain) return unknown(`the listeners of ${lb.LoadBalancerName} were not collected (no ListenerDescriptions)`)
  if (plain.length) return fail(`${plain.map((l) => `${l.protocol}:${l.port}`).join(', ')} of ${lb.LoadBalancerName} ${plain.length === 1 ? 'is' : 'are'} not HTTPS or SSL`)
  return pass(`every listener of ${lb.LoadBalancerName} is HTTPS or SSL`)
}

export function evaluateTlsListeners(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.classicLoadBalancers
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the Classic Load Balancers')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'Classic Load Balancers')
  for (const item of f.value) {
    const name = item.ok ? item.value.LoadBalancerName : item.name
    if (!name) continue
    const where = regionFor(item.ok ? classicRegion(item.value) : null, inv)
    const region = 'region' in where ? where.region : null
    const resource = region ? elbArnOf(name, inv.account, region) : `arn:aws:elasticloadbalancing::${inv.account}:loadbalancer/${name}`
    const at = { account: inv.account, region, evidence: [`${f.rel}#${item.pointer}`] }
    if (!item.ok) {
      out.push(evaluation(CONTROL, resource, unknown(`${f.rel}: ${item.error}`), at))
      continue
    }
    const v = tlsListenersVerdict(item.value)
    out.push(
      evaluation(CONTROL, resource, region ? v : unknown(`cannot name the load balancer: ${'problem' in where ? where.problem : ''}; on its own: ${v.status} — ${v.reason}`), at)
    )
  }
  out.push(...listingGapRows(CONTROL, inv, 'DescribeLoadBalancers', 'the load balancers'))
  return out
}
