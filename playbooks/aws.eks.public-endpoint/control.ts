// aws.eks.public-endpoint — EKS cluster endpoints should not be publicly accessible (Security Hub
// EKS.1). The investigation — is the API server open to the internet, who outside the cluster calls
// it from public addresses (the audit log, with its coverage), does the cluster's own traffic keep a
// path — is the one azure.aks.api-server-public asks of AKS: the step functions here answer for both
// resource types (their model is main/semantics/kubernetes-api.ts), and that folder brings AKS's
// evaluator, fix and guardrails. What playbook.yaml cannot declare: the evaluator, the steps, the fix
// with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateEksEndpoints } from './evaluate'
import { eksEndpointFix } from './fix'
import { eksEndpointGuardrails } from './guardrails'
import { K8S_API_STEPS } from './steps'

export default defineControl({
  id: 'aws.eks.public-endpoint',
  evaluate: perAccount(evaluateEksEndpoints),
  steps: K8S_API_STEPS,
  fix: eksEndpointFix,
  guardrails: eksEndpointGuardrails
})
