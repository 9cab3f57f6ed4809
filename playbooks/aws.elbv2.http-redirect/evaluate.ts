// aws.elbv2.http-redirect (Security Hub ELB.1, Config alb-http-to-https-redirection-check) over a
// bundle: every HTTP listener of each Application Load Balancer in inventory/load-balancers.json
// must redirect to HTTPS — its default action and, as Config's rule also fails a listener that
// forwards instead of redirecting, each of its rules. Other load balancer types are not judged.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { actionText, elbv2Config, plainHttpListeners, type Elbv2LoadBalancer } from '../../main/semantics/load-balancer'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'aws.elbv2.http-redirect'

/** PASS when every HTTP listener redirects to HTTPS (rules included); UNKNOWN when listeners or rules were not collected. */
export function httpRedirectVerdict(lb: Pick<Elbv2LoadBalancer, 'LoadBalancerName' | 'Type' | 'Listeners'> & Partial<Elbv2LoadBalancer>): Verdict {
  const c = elbv2Config({ LoadBalancerArn: lb.LoadBalancerArn ?? lb.LoadBalancerName, ...lb })
  const plain = plainHttpListeners(c)
  if (!plain) return unknown(`the listeners of ${lb.LoadBalancerName} were not collected (no "Listeners": DescribeListeners)`)
  const serving = plain.filter((p) => p.servesByDefault || (p.servingRules?.length ?? 0) > 0)
  if (serving.length)
    return fail(
      `${serving
        .map(
          (p) =>
            `HTTP:${p.listener.port} ${p.servesByDefault ? actionText(p.listener.defaultActions) : `has ${p.servingRules!.length} rule(s) that ${actionText(p.servingRules![0].actions)}`}`
        )
        .join('; ')} instead of redirecting to HTTPS`
    )
  if (plain.length) return unknown(`the HTTP listeners of ${lb.LoadBalancerName} redirect to HTTPS by default, but their rules were not collected (DescribeRules)`)
  return pass(`every HTTP listener of ${lb.LoadBalancerName} redirects to HTTPS (or it has none)`)
}

export function evaluateHttpRedirect(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.elbv2LoadBalancers
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the load balancers')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'Load balancers')
  for (const item of f.value) {
    const arn = item.ok ? item.value.LoadBalancerArn : item.name
    if (!arn) continue
    const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(app|net|gwy)\//.exec(arn)
    const where = { account: m?.[2] ?? inv.account, region: m?.[1] ?? null }
    if (!item.ok) {
      out.push(evaluation(CONTROL, arn, unknown(`${f.rel}: ${item.error}`), { ...where, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    // ELB.1 applies to Application Load Balancers only (a Network Load Balancer has no HTTP listener)
    if ((item.value.Type ?? (m?.[3] === 'app' ? 'application' : null)) !== 'application') continue
    out.push(evaluation(CONTROL, arn, httpRedirectVerdict(item.value), { ...where, evidence: [`${f.rel}#${item.pointer}/Listeners`] }))
  }
  out.push(...listingGapRows(CONTROL, inv, 'DescribeLoadBalancers', 'the load balancers'))
  return out
}
