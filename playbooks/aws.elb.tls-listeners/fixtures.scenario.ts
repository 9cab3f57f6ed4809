// aws.elb.tls-listeners' fixture world: four Classic Load Balancers of the account the ALB fixture
// uses, giving every verdict. legacy-web has HTTP:80 beside HTTPS:443 and every client came over
// HTTPS (SAFE); iot-ingest takes MQTT over plain TCP with no SSL listener, and devices connect to it
// every day (UNSAFE); old-api has HTTPS beside HTTP but its access logs are off (RISKY);
// internal-tls is HTTPS only (SAFE, stale). Two findings have plans (legacy-web, old-api).
import { asffControl, at, clbLoadBalancer, clbLogLine, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '246813579024'
const R = 'eu-west-1'
const CERT = `arn:aws:acm:${R}:${ACCOUNT}:certificate/7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d`
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15'
const arnOf = (name: string) => `arn:aws:elasticloadbalancing:${R}:${ACCOUNT}:loadbalancer/${name}`

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-storefront', 'prod')
  a.regions.add(R)
  const log = (lb: string, lines: string[]) => {
    const key = `${R} ${lb}`
    a.elbAccessLogs.set(key, [...(a.elbAccessLogs.get(key) ?? []), ...lines])
  }
  const lbs = [
    clbLoadBalancer({
      account: ACCOUNT,
      region: R,
      name: 'legacy-web',
      listeners: [
        { protocol: 'HTTP', port: 80, instanceProtocol: 'HTTP', instancePort: 8080 },
        { protocol: 'HTTPS', port: 443, instanceProtocol: 'HTTP', instancePort: 8080, certificate: CERT }
      ],
      accessLogs: true
    }),
    clbLoadBalancer({
      account: ACCOUNT,
      region: R,
      name: 'iot-ingest',
      listeners: [{ protocol: 'TCP', port: 1883, instanceProtocol: 'TCP', instancePort: 1883 }],
      accessLogs: true
    }),
    clbLoadBalancer({
      account: ACCOUNT,
      region: R,
      name: 'old-api',
      listeners: [
        { protocol: 'HTTP', port: 80, instanceProtocol: 'HTTP', instancePort: 9000 },
        { protocol: 'HTTPS', port: 443, instanceProtocol: 'HTTP', instancePort: 9000, certificate: CERT }
      ],
      accessLogs: false
    }),
    clbLoadBalancer({
      account: ACCOUNT,
      region: R,
      name: 'internal-tls',
      listeners: [{ protocol: 'HTTPS', port: 443, instanceProtocol: 'HTTPS', instancePort: 8443, certificate: CERT }],
      accessLogs: true
    })
  ]
  a.classicLoadBalancers = [...(a.classicLoadBalancers ?? []), ...lbs]
  for (let k = 0; k < 90; k++) {
    log('legacy-web', [
      clbLogLine({ lb: 'legacy-web', time: at(k, 10), scheme: 'https', method: 'GET', path: '/account', port: 443, agent: BROWSER, client: '198.51.100.77' }),
      clbLogLine({ lb: 'legacy-web', time: at(k, 16), scheme: 'https', method: 'POST', path: '/login', port: 443, agent: BROWSER, client: '203.0.113.9' })
    ])
    log('iot-ingest', [clbLogLine({ lb: 'iot-ingest', time: at(k, 1), scheme: 'tcp', port: 1883, client: '100.64.12.40' })])
  }

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'legacy-web',
      'SAFE',
      { 'plain-listeners': 'yes', 'secure-listener': 'yes', 'access-logs': 'yes', 'plain-clients': 'no' },
      'every client came over HTTPS, every day logged, and HTTPS:443 serves the same back end',
      { 'plain-clients': 'all encrypted' }
    ],
    [
      'iot-ingest',
      'UNSAFE',
      { 'plain-listeners': 'yes', 'secure-listener': 'no', 'plain-clients': 'yes' },
      'devices connect over plain TCP every day, and there is no SSL listener',
      { 'plain-clients': 'TCP connections 90', 'secure-listener': 'chosen by a person' }
    ],
    [
      'old-api',
      'RISKY',
      { 'plain-listeners': 'yes', 'secure-listener': 'yes', 'access-logs': 'no', 'plain-clients': 'unknown' },
      'its access logs are off',
      { 'access-logs': 'is off' }
    ],
    ['internal-tls', 'SAFE', { 'plain-listeners': 'no' }, 'a stale finding: HTTPS only']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'ELB.3',
        title: 'Classic Load Balancer listeners should be configured with HTTPS or TLS termination',
        severity: 'Medium',
        resourceType: 'AwsElbLoadBalancer',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.elb.tls-listeners', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
