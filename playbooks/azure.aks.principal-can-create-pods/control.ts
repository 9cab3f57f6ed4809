// azure.aks.principal-can-create-pods — Kubernetes users and service accounts should not be able to
// create pods unless they need to; its playbook also serves azure.aks.principal-can-read-secrets and
// azure.aks.role-wildcard (the same investigation: who holds the permission, did they use it, is it
// the cluster's own identity). What playbook.yaml cannot declare: the step functions. No evaluator:
// Wiz reports a subject, and whether a subject "needs" a permission is the investigation's question.
import { defineControl } from '../../main/controls/control'
import { RBAC_STEPS } from './steps'

export default defineControl({
  id: 'azure.aks.principal-can-create-pods',
  steps: RBAC_STEPS
})
