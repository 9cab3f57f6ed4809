// aws.opensearch.in-vpc's guardrails: the AWS Config managed rules Security Hub ES.2 and Opensearch.2
// run (elasticsearch-in-vpc-only, opensearch-in-vpc-only). No SCP: the Service Authorization
// Reference lists no es condition key for a domain's VPC options, so es:CreateDomain cannot be
// refused for a public domain alone.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function openSearchInVpcGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'OpenSearch and Elasticsearch domains with a public endpoint',
      [
        { name: 'opensearch-in-vpc-only', identifier: 'OPENSEARCH_IN_VPC_ONLY', resourceTypes: ['AWS::OpenSearch::Domain'], description: 'OpenSearch domains must be in a VPC' },
        {
          name: 'elasticsearch-in-vpc-only',
          identifier: 'ELASTICSEARCH_IN_VPC_ONLY',
          resourceTypes: ['AWS::Elasticsearch::Domain'],
          description: 'Elasticsearch domains must be in a VPC',
          periodic: true
        }
      ],
      exceptions,
      ['nothing: Config rules only report. No IAM condition key names a domain’s VPC options, so no SCP can refuse a public domain']
    )
  ]
}
