// aws.opensearch.public-access-policy's guardrails: AWS Config managed rules around the question,
// since none reads the access policy itself. opensearch-in-vpc-only reports every domain with a public
// endpoint (a domain in a VPC cannot be reached from the internet whatever its policy: Security Hub
// Opensearch.2), opensearch-access-control-enabled every domain without fine-grained access control
// (the login behind an open policy). No SCP: the Service Authorization Reference lists no es
// condition key for the access policy CreateDomain or UpdateDomainConfig carries, nor one for the
// VPC, so a policy cannot refuse an open access policy without refusing every configuration change.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function openSearchPublicPolicyGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'OpenSearch domains reachable from the internet, or without fine-grained access control',
      [
        {
          name: 'opensearch-in-vpc-only',
          identifier: 'OPENSEARCH_IN_VPC_ONLY',
          resourceTypes: ['AWS::OpenSearch::Domain'],
          description: 'OpenSearch domains must be in a VPC (no public endpoint)'
        },
        {
          name: 'opensearch-access-control-enabled',
          identifier: 'OPENSEARCH_ACCESS_CONTROL_ENABLED',
          resourceTypes: ['AWS::OpenSearch::Domain'],
          description: 'OpenSearch domains must have fine-grained access control'
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. No managed rule reads the access policy (the fix itself is the check), and OpenSearch has no IAM condition key for the policy a request sets, so no SCP can refuse an open one'
      ]
    )
  ]
}
