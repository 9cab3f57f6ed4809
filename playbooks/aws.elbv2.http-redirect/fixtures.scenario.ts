// aws.elbv2.http-redirect's fixture world: six Application Load Balancers of one account, giving
// every verdict. shop-web serves HTTP and HTTPS, and only browsers' GETs come over HTTP (SAFE);
// api-gw's HTTP listener takes POSTs from a mobile SDK and GETs from a Java client that follows no
// redirect to HTTPS (UNSAFE); promo-site has no HTTPS listener for a redirect to land on (UNSAFE);
// legacy-admin redirects by default but a rule still forwards /health over HTTP, and its access logs
// are off (RISKY); stock-feed's HTTP GETs come from a client not known to follow a redirect (RISKY);
// docs-site redirects already (SAFE, stale). Two findings have plans (shop-web,
// api-gw): the emulator runs those two.
import {
  albIds,
  albListener,
  albLoadBalancer,
  albLogLine,
  asffControl,
  at,
  forwardTo,
  prowlerFinding,
  redirectToHttps,
  type Expected,
  type Json,
  type World
} from '../../test/casegen/world'

const ACCOUNT = '246813579024'
const R = 'eu-west-1'
const CERT = `arn:aws:acm:${R}:${ACCOUNT}:certificate/5f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b`
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'

const listener = (lb: string, port: number, protocol: 'HTTP' | 'HTTPS', actions: Json[], rules: Json[] | null = []) =>
  albListener({ account: ACCOUNT, region: R, lb, port, protocol, actions, certificate: protocol === 'HTTPS' ? CERT : undefined, rules })
const web = () => forwardTo(ACCOUNT, R, 'web')

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-storefront', 'prod')
  a.regions.add(R)
  const lbs: Json[] = []
  const alb = (name: string, listeners: Json[], accessLogs: boolean) => lbs.push(albLoadBalancer({ account: ACCOUNT, region: R, name, listeners, accessLogs }))
  const log = (lb: string, lines: string[]) => {
    const key = `${R} ${albIds(ACCOUNT, R, lb).elb}`
    a.elbAccessLogs.set(key, [...(a.elbAccessLogs.get(key) ?? []), ...lines])
  }
  const line = (lb: string, o: { time: string; type: string; method: string; path: string; agent: string; client: string }) => albLogLine({ account: ACCOUNT, region: R, lb, ...o })

  // HTTP and HTTPS both forward; over HTTP only browsers' GETs and HEADs
  alb('shop-web', [listener('shop-web', 80, 'HTTP', [web()]), listener('shop-web', 443, 'HTTPS', [web()])], true)
  for (let k = 0; k < 90; k++) {
    log('shop-web', [
      line('shop-web', { time: at(k, 9), type: 'https', method: 'GET', path: '/cart', agent: BROWSER, client: '198.51.100.23' }),
      line('shop-web', { time: at(k, 14), type: 'h2', method: 'POST', path: '/checkout', agent: SAFARI, client: '203.0.113.80' })
    ])
    if (k % 3 === 0) log('shop-web', [line('shop-web', { time: at(k, 11), type: 'http', method: 'GET', path: '/', agent: SAFARI, client: '192.0.2.44' })])
    if (k % 10 === 0) log('shop-web', [line('shop-web', { time: at(k, 12), type: 'http', method: 'HEAD', path: '/robots.txt', agent: BROWSER, client: '192.0.2.45' })])
  }

  // a mobile SDK posts orders over HTTP, and a Java job polls prices over HTTP: neither survives a redirect
  alb('api-gw', [listener('api-gw', 80, 'HTTP', [web()]), listener('api-gw', 443, 'HTTPS', [web()])], true)
  for (let k = 0; k < 90; k++) {
    log('api-gw', [line('api-gw', { time: at(k, 8), type: 'https', method: 'GET', path: '/v1/catalog', agent: 'okhttp/4.12.0', client: '198.51.100.60' })])
    if (k % 4 === 1) log('api-gw', [line('api-gw', { time: at(k, 10), type: 'http', method: 'POST', path: '/v1/orders', agent: 'okhttp/3.9.1', client: '203.0.113.17' })])
    if (k % 7 === 2) log('api-gw', [line('api-gw', { time: at(k, 3), type: 'http', method: 'GET', path: '/v1/prices', agent: 'Java/1.8.0_292', client: '10.40.2.15' })])
  }

  // plain HTTP only: a redirect to 443 would reach no listener
  alb('promo-site', [listener('promo-site', 80, 'HTTP', [web()])], false)

  // the default action redirects, a rule still forwards /health over HTTP; access logs off
  const rule = {
    RuleArn: `arn:aws:elasticloadbalancing:${R}:${ACCOUNT}:listener-rule/app/legacy-admin/${albIds(ACCOUNT, R, 'legacy-admin').id}/8d2e4f6a1b3c5d7e/0a9b8c7d6e5f4a3b`,
    Priority: '10',
    Conditions: [{ Field: 'path-pattern', Values: ['/health'], PathPatternConfig: { Values: ['/health'] } }],
    Actions: [{ ...web(), Order: 1 }],
    IsDefault: false
  }
  alb('legacy-admin', [listener('legacy-admin', 80, 'HTTP', [redirectToHttps()], [rule]), listener('legacy-admin', 443, 'HTTPS', [web()])], false)

  // a partner's inventory job GETs the stock feed over HTTP: whether it follows a redirect is not known
  alb('stock-feed', [listener('stock-feed', 80, 'HTTP', [web()]), listener('stock-feed', 443, 'HTTPS', [web()])], true)
  for (let k = 0; k < 90; k++)
    log('stock-feed', [line('stock-feed', { time: at(k, 6), type: 'http', method: 'GET', path: '/feed.xml', agent: 'inventory-sync/2.1', client: '203.0.113.90' })])

  // already redirects: the finding is stale
  alb('docs-site', [listener('docs-site', 80, 'HTTP', [redirectToHttps()]), listener('docs-site', 443, 'HTTPS', [web()])], true)
  a.loadBalancers = [...(a.loadBalancers ?? []), ...lbs]

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'shop-web',
      'SAFE',
      { 'http-listeners': 'yes', 'https-landing': 'yes', 'listener-rules': 'no', 'access-logs': 'yes', 'http-clients': 'no' },
      "only browsers' GET and HEAD requests come over plain HTTP, every day logged",
      { 'http-clients': 'all GET or HEAD' }
    ],
    [
      'api-gw',
      'UNSAFE',
      { 'http-listeners': 'yes', 'https-landing': 'yes', 'http-clients': 'yes' },
      'a mobile SDK POSTs over HTTP and a Java client that follows no redirect to HTTPS polls it',
      { 'http-clients': 'okhttp/3.9.1' }
    ],
    ['promo-site', 'UNSAFE', { 'http-listeners': 'yes', 'https-landing': 'no' }, 'no HTTPS listener on 443 for the redirect to land on', { 'https-landing': 'no HTTPS listener' }],
    [
      'legacy-admin',
      'RISKY',
      { 'http-listeners': 'yes', 'https-landing': 'yes', 'listener-rules': 'yes', 'access-logs': 'no' },
      'a rule still forwards /health over HTTP, and access logging is off',
      { 'listener-rules': 'priority 10' }
    ],
    [
      'stock-feed',
      'RISKY',
      { 'http-listeners': 'yes', 'https-landing': 'yes', 'access-logs': 'yes', 'http-clients': 'unknown' },
      "a partner's job GETs over HTTP with a client not known to follow a redirect to HTTPS",
      { 'http-clients': 'inventory-sync/2.1 (90 requests)' }
    ],
    ['docs-site', 'SAFE', { 'http-listeners': 'no' }, 'a stale finding: HTTP already redirects to HTTPS']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    const arn = albIds(ACCOUNT, R, name).arn
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'ELB.1',
        title: 'Application Load Balancer should be configured to redirect all HTTP requests to HTTPS',
        severity: 'Medium',
        resourceType: 'AwsElbv2LoadBalancer',
        resourceId: arn
      })
    )
    w.expect({ control: 'aws.elbv2.http-redirect', resource: arn, verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports api-gw too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'elbv2_ssl_listeners',
      title: 'Ensure that load balancers are using SSL listeners.',
      severity: 'Medium',
      service: 'elbv2',
      resourceType: 'AwsElbv2LoadBalancer',
      resourceUid: albIds(ACCOUNT, R, 'api-gw').arn,
      resourceName: 'api-gw',
      detail: 'ELBv2 ALB api-gw has non-encrypted listeners.'
    })
  )
}
