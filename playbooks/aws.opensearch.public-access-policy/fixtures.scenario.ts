// aws.opensearch.public-access-policy's fixture world: four domains of one account, one for each way
// the investigation can end. Two publish an audit log (fine-grained access control on, the requests
// that got in recorded) every day of the window; one has no fine-grained access control and so no
// audit log; one is in a VPC.
import { at, opensearchAuditEvent, opensearchDomain, prowlerFinding, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const OFFICE = '198.51.100.0/24'

const arnOf = (name: string) => `arn:aws:es:${R}:${ACCOUNT}:domain/${name}`
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements })
const everyone = (name: string, sid: string, action: string | string[], condition?: unknown) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: action,
  Resource: `${arnOf(name)}/*`,
  ...(condition ? { Condition: condition } : {})
})

type Call = Omit<Parameters<typeof opensearchAuditEvent>[0], 'account' | 'domain' | 'time'> & { hour: number }

/** The same calls on every day of the window, in the domain's audit log. */
function daily(w: World, domain: string, calls: Call[]): void {
  const a = w.account(ACCOUNT)
  const list = a.opensearchAudit.get(domain) ?? []
  for (let d = 0; d < 90; d++) for (const { hour, ...c } of calls) list.push(opensearchAuditEvent({ account: ACCOUNT, domain, time: at(d, hour, 15), ...c }))
  a.opensearchAudit.set(domain, list)
}

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.regions.add(R)
  // the office's analysts log in through Dashboards (kept by the Office statement); a partner's
  // ingest logs in as an internal user from its own address, through the public statement only
  a.opensearchDomains.push(
    opensearchDomain({
      account: ACCOUNT,
      region: R,
      name: 'orders-search',
      policy: policy(everyone('orders-search', 'Office', 'es:ESHttp*', { IpAddress: { 'aws:SourceIp': OFFICE } }), everyone('orders-search', 'Open', 'es:ESHttp*')),
      fgac: { internalUserDatabase: true },
      auditLogs: true
    })
  )
  daily(w, 'orders-search', [
    { hour: 9, category: 'GRANTED_PRIVILEGES', address: '198.51.100.20', user: 'analyst-ro', method: 'GET', path: '/orders-*/_search' },
    { hour: 23, category: 'GRANTED_PRIVILEGES', address: '203.0.113.77', user: 'partner-ingest', method: 'POST', path: '/_bulk' }
  ])
  // everything the callers do is granted by name: the office range, the indexer role; the public read statement is a leftover
  a.opensearchDomains.push(
    opensearchDomain({
      account: ACCOUNT,
      region: R,
      name: 'catalog-search',
      policy: policy(everyone('catalog-search', 'PublicRead', 'es:ESHttpGet'), everyone('catalog-search', 'Office', 'es:ESHttp*', { IpAddress: { 'aws:SourceIp': OFFICE } }), {
        Sid: 'Indexer',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/catalog-indexer` },
        Action: 'es:ESHttp*',
        Resource: `${arnOf('catalog-search')}/*`
      }),
      fgac: { internalUserDatabase: true },
      auditLogs: true
    })
  )
  daily(w, 'catalog-search', [
    { hour: 8, category: 'AUTHENTICATED', address: '198.51.100.31', user: 'merch-editor', method: 'GET', path: '/catalog/_search' },
    { hour: 2, category: 'GRANTED_PRIVILEGES', address: '10.40.3.18', user: `arn:aws:iam::${ACCOUNT}:role/catalog-indexer`, method: 'PUT', path: '/catalog/_doc/sku-1001' },
    // refused by fine-grained access control: the scanner never got in
    { hour: 4, category: 'FAILED_LOGIN', address: '45.9.148.3', user: 'admin', method: 'GET', path: '/_cat/indices' }
  ])
  // no fine-grained access control: no audit log, so who uses it cannot be shown
  a.opensearchDomains.push(opensearchDomain({ account: ACCOUNT, region: R, name: 'legacy-logs', policy: policy(everyone('legacy-logs', 'Anyone', 'es:*')), fgac: null }))
  // in a VPC: no public endpoint, whatever the policy says
  a.opensearchDomains.push(
    opensearchDomain({
      account: ACCOUNT,
      region: R,
      name: 'internal-search',
      policy: policy(everyone('internal-search', 'VpcClients', 'es:ESHttp*')),
      vpc: 'vpc-0c1d2e3f4a5b6c7d8',
      fgac: { internalUserDatabase: false },
      auditLogs: false
    })
  )

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'orders-search',
      'UNSAFE',
      { public: 'yes', login: 'yes', audit: 'yes', 'outside-callers': 'yes' },
      "a partner's internal user logs in from an address only the public statement admits",
      { 'outside-callers': 'partner-ingest from 203.0.113.77' }
    ],
    [
      'catalog-search',
      'SAFE',
      { public: 'yes', audit: 'yes', 'outside-callers': 'no', 'account-callers': 'no' },
      'every caller is admitted by the office range or the indexer role the fix keeps',
      { 'outside-callers': 'merch-editor from 198.51.100.31' }
    ],
    [
      'legacy-logs',
      'RISKY',
      { public: 'yes', login: 'no', audit: 'unknown', 'outside-callers': 'unknown' },
      'no fine-grained access control, so no audit log says who uses it',
      { audit: 'publishes audit logs only for domains with it' }
    ],
    ['internal-search', 'SAFE', { public: 'no' }, 'a stale finding: the domain is in a VPC, with no public endpoint', { public: 'vpc-0c1d2e3f4a5b6c7d8' }]
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'aws',
        account: ACCOUNT,
        region: R,
        check: 'opensearch_service_domains_not_publicly_accessible',
        title: 'Amazon OpenSearch Service domain is not publicly accessible',
        severity: 'Critical',
        service: 'opensearch',
        resourceType: 'AwsOpenSearchServiceDomain',
        resourceUid: arnOf(name),
        resourceName: name,
        detail: `Opensearch domain ${name} is publicly accessible via access policy.`
      })
    )
    w.expect({ control: 'aws.opensearch.public-access-policy', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
