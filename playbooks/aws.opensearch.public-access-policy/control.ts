// aws.opensearch.public-access-policy — OpenSearch domain access policies should not allow public
// access (Prowler opensearch_service_domains_not_publicly_accessible).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateOpenSearchPublicPolicy } from './evaluate'
import { openSearchPublicPolicyFix } from './fix'
import { openSearchPublicPolicyGuardrails } from './guardrails'
import { OPENSEARCH_STEPS } from './steps'

export default defineControl({
  id: 'aws.opensearch.public-access-policy',
  evaluate: perAccount(evaluateOpenSearchPublicPolicy),
  steps: OPENSEARCH_STEPS,
  fix: openSearchPublicPolicyFix,
  guardrails: openSearchPublicPolicyGuardrails
})
