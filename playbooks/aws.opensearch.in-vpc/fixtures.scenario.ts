// aws.opensearch.in-vpc's fixture world: Security Hub Opensearch.2 and ES.2 on two domains of one
// account: reports-search has a public endpoint and callers in its audit log (RISKY: replacing),
// metrics-search is in a VPC (a stale finding, SAFE).
import { asffControl, at, opensearchAuditEvent, opensearchDomain, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const arnOf = (name: string) => `arn:aws:es:${R}:${ACCOUNT}:domain/${name}`
const policy = (name: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'es:*', Resource: `${arnOf(name)}/*` }]
})

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.regions.add(R)
  a.opensearchDomains.push(
    opensearchDomain({ account: ACCOUNT, region: R, name: 'reports-search', policy: policy('reports-search'), fgac: { internalUserDatabase: false }, auditLogs: true }),
    opensearchDomain({ account: ACCOUNT, region: R, name: 'metrics-search', policy: policy('metrics-search'), vpc: 'vpc-0a9b8c7d6e5f4a3b2', fgac: null })
  )
  const reporter = `arn:aws:iam::${ACCOUNT}:role/reports-builder`
  a.opensearchAudit.set(
    'reports-search',
    [0, 30, 60, 89].map((d) =>
      opensearchAuditEvent({
        account: ACCOUNT,
        domain: 'reports-search',
        time: at(d, 6),
        category: 'GRANTED_PRIVILEGES',
        address: '52.14.201.9',
        user: reporter,
        method: 'GET',
        path: '/reports/_search'
      })
    )
  )
  const cases: Array<[string, string, string, 'SAFE' | 'RISKY', Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'reports-search',
      'Opensearch.2',
      'AwsOpenSearchServiceDomain',
      'RISKY',
      { public: 'yes', callers: 'yes' },
      'a public domain is replaced, and its callers must move',
      { callers: `${reporter} from 52.14.201.9` }
    ],
    ['metrics-search', 'ES.2', 'AwsElasticsearchDomain', 'SAFE', { public: 'no' }, 'a stale finding: the domain is in a VPC', { public: 'vpc-0a9b8c7d6e5f4a3b2' }]
  ]
  for (const [name, control, type, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control,
        title: control === 'ES.2' ? 'Elasticsearch domains should not be publicly accessible' : 'OpenSearch domains should not be publicly accessible',
        severity: 'Critical',
        resourceType: type,
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.opensearch.in-vpc', resource: arnOf(name), verdict, steps, why, says })
  }
}
