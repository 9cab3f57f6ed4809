// aws.opensearch.in-vpc — OpenSearch/Elasticsearch domains should be in a VPC (Security Hub ES.2,
// Opensearch.2). Replacing: no fix is computed (a new domain and a data migration are decisions a
// person makes); the playbook says who must move and the steps.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateOpenSearchInVpc } from './evaluate'
import { openSearchInVpcGuardrails } from './guardrails'
import { IN_VPC_STEPS } from './steps'

export default defineControl({
  id: 'aws.opensearch.in-vpc',
  evaluate: perAccount(evaluateOpenSearchInVpc),
  steps: IN_VPC_STEPS,
  guardrails: openSearchInVpcGuardrails
})
