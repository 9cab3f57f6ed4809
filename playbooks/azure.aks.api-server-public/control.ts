// azure.aks.api-server-public — the Kubernetes API server of an AKS cluster should not be open to the
// internet (Wiz, Defender for Cloud). Its investigation is aws.eks.public-endpoint's (is the endpoint
// open, who outside the cluster calls it from public addresses, with the audit log's coverage): the
// playbook names those step functions, whose model is main/semantics/kubernetes-api.ts. What this
// folder brings for AKS: the evaluator over aks-clusters.json, the fix (authorized IP ranges of the
// addresses seen calling, with its rollback) and the guardrail.
import { defineControl } from '../../main/controls/control'
import { evaluateAksApiServers } from './evaluate'
import { aksApiServerFix } from './fix'
import { aksApiServerGuardrails } from './guardrails'

export default defineControl({
  id: 'azure.aks.api-server-public',
  evaluate: evaluateAksApiServers,
  fix: aksApiServerFix,
  guardrails: aksApiServerGuardrails
})
