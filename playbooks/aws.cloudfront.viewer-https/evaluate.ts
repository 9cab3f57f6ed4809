// aws.cloudfront.viewer-https (Security Hub CloudFront.3, Config cloudfront-viewer-policy-https) over a
// bundle: the ViewerProtocolPolicy of every cache behaviour of each distribution in
// inventory/cloudfront-distributions.json (ListDistributions), as Config reads it: NON_COMPLIANT when
// the default behaviour or any ordered one is allow-all.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, namelessProblems, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { behaviourName, behavioursOf, type CloudFrontSummary } from '../../main/semantics/inventory-cloudfront'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'aws.cloudfront.viewer-https'

export function viewerHttpsVerdict(d: Pick<CloudFrontSummary, 'Id' | 'DefaultCacheBehavior' | 'CacheBehaviors'>): Verdict {
  const behaviours = behavioursOf(d)
  const open = behaviours.filter((b) => b.policy === 'allow-all')
  if (open.length) return fail(`${open.map(behaviourName).join(', ')} of ${d.Id} allow${open.length === 1 ? 's' : ''} plain HTTP (ViewerProtocolPolicy allow-all)`)
  return pass(`every cache behaviour of ${d.Id} redirects or refuses plain HTTP (${behaviours.map((b) => `${b.path}: ${b.policy}`).join(', ')})`)
}

export function evaluateViewerHttps(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.cloudFrontDistributions
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the CloudFront distributions')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'CloudFront distributions')
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name) out.push(evaluation(CONTROL, item.name, unknown(`${f.rel}: ${item.error}`), { account: inv.account, region: null, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const d = item.value
    out.push(evaluation(CONTROL, d.ARN, viewerHttpsVerdict(d), { account: inv.account, region: null, evidence: [`${f.rel}#${item.pointer}`] }))
  }
  return out
}
