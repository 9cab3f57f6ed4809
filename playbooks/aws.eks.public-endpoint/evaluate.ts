// aws.eks.public-endpoint (Security Hub EKS.1, Config eks-endpoint-no-public-access) over a bundle:
// resourcesVpcConfig.endpointPublicAccess of each cluster in inventory/eks-clusters.json
// (DescribeCluster), as Security Hub and Config read it (public is FAIL whatever publicAccessCidrs
// say).
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, regionFor, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { EksClusterDoc } from '../../main/semantics/kubernetes-api'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'aws.eks.public-endpoint'

/** A missing endpointPublicAccess is unknown (DescribeCluster always gives it: the file was cut). */
export function eksEndpointVerdict(c: Pick<EksClusterDoc, 'resourcesVpcConfig' | 'name'>): Verdict {
  const v = c.resourcesVpcConfig
  if (v?.endpointPublicAccess === undefined) return unknown('the cluster\'s resourcesVpcConfig.endpointPublicAccess was not collected (no "endpointPublicAccess" key)')
  if (!v.endpointPublicAccess) return pass(`endpointPublicAccess is false: the API server of ${c.name} is reachable from its VPC only`)
  const cidrs = v.publicAccessCidrs?.length ? v.publicAccessCidrs : ['0.0.0.0/0']
  return fail(`endpointPublicAccess is true: the API server of ${c.name} is reachable from the internet (publicAccessCidrs ${cidrs.join(', ')})`)
}

export function evaluateEksEndpoints(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.eksClusters
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the EKS clusters')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'EKS clusters')
  for (const item of f.value) {
    // a cluster that cannot be read is named by its ARN (the reader's name for it), as DescribeCluster always gives one
    const c = item.ok ? item.value : null
    const given = c?.arn ?? (item.ok ? null : item.name)
    const name = c?.name ?? (given ? given.slice(given.lastIndexOf('/') + 1) : null)
    if (name === null) continue
    const m = given ? /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster\//.exec(given) : null
    const account = m?.[2] ?? inv.account
    const where = regionFor(m?.[1] ?? null, inv)
    const region = 'region' in where ? where.region : null
    const resource = m ? given! : region ? `arn:aws:eks:${region}:${account}:cluster/${name}` : `arn:aws:eks::${account}:cluster/${name}`
    if (!item.ok) {
      out.push(evaluation(CONTROL, resource, unknown(`${f.rel}: ${item.error}`), { account, region, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const v = eksEndpointVerdict(item.value)
    const named = m || 'region' in where ? v : unknown(`cannot name the cluster: ${'problem' in where ? where.problem : ''}; on its own: ${v.status} — ${v.reason}`)
    out.push(evaluation(CONTROL, resource, named, { account, region, evidence: [`${f.rel}#${item.pointer}/resourcesVpcConfig`] }))
  }
  // ECS's listing is ListClusters too: the collector's gap says which service it was ("… (EKS)")
  out.push(...listingGapRows(CONTROL, inv, 'ListClusters', 'the EKS clusters').filter((r) => r.reason.endsWith('(EKS)')))
  return out
}
