// azure.aks.api-server-public over azure/<subscription>/aks-clusters.json (ARM managed clusters): a
// cluster that is not private and has no authorized IP ranges, or one that lets every address in
// (0.0.0.0/0), is FAIL — as Wiz ("Publicly exposed control plane of an AKS cluster") and Defender
// for Cloud ("Kubernetes API server should be configured with restricted access") read it.
import type { Evaluation } from '../../shared/contract'
import { evaluateAzureList, type EvaluationContext } from '../../main/controls/evaluation'
import { aksFacet, exposure } from '../../main/semantics/kubernetes-api'
import { fail, pass } from '../../main/semantics/verdict'

export const CONTROL = 'azure.aks.api-server-public'

export function evaluateAksApiServers(ctx: EvaluationContext): Evaluation[] {
  return evaluateAzureList(
    CONTROL,
    ctx,
    'the AKS clusters',
    (sub) => sub.aksClusters,
    (d) => d.id,
    (d) => {
      const e = exposure({ cloud: 'aks', name: d.name, config: aksFacet(d) })!
      return e.open ? fail(e.why) : pass(e.why)
    }
  )
}
