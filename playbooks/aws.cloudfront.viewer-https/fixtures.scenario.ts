// aws.cloudfront.viewer-https's fixture world: six distributions of one account, each ending one way
// the investigation can end. Logged distributions have standard logs on every day of the window
// (browsers over HTTPS), plus what each case says.
import { asffControl, at, cloudFrontDistribution, cloudFrontLogLine, prowlerFinding, type CloudFrontBehaviourSpec, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '777788889999'
const LOG_BUCKET = 'acme-cloudfront-logs'
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

const arnOf = (id: string) => `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-web', 'prod')
  a.regions.add('us-east-1')
  a.inventories.add('cloudfront')
  const dist = (id: string, host: string, behaviours: CloudFrontBehaviourSpec[], o: { aliases?: string[]; acm?: boolean; logged: boolean }) => {
    const d = cloudFrontDistribution({
      account: ACCOUNT,
      id,
      origin: `${host.split('.')[0]}-origin.acme.example`,
      behaviours,
      aliases: o.aliases,
      acmCertificate: o.acm ? `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/${id.toLowerCase()}-0000-4000-8000-000000000001` : undefined,
      logging: o.logged ? { bucket: LOG_BUCKET, prefix: `${host}/` } : null,
      comment: host
    })
    a.cloudfront.push(d.summary)
    a.cloudfrontConfigs.push(d.config)
    if (o.logged) {
      const lines: string[] = []
      for (let k = 0; k < 90; k++) lines.push(cloudFrontLogLine({ time: at(k, 9, 30), ip: '198.51.100.20', host, path: '/index.html', protocol: 'https', agent: BROWSER }))
      a.cloudfrontLogs.set(id, lines)
    }
    return (l: string) => a.cloudfrontLogs.get(id)!.push(l)
  }

  // docs: everyone came over HTTPS every day -> SAFE, the plan sets https-only
  dist('E1DOCS0000SAFE', 'docs.acme.example', [{ policy: 'allow-all' }], { logged: true })
  // www: browsers and a monitoring probe still GET http:// pages -> RISKY, redirect-to-https
  const www = dist('E2WWW00000HTTP', 'www.acme.example', [{ path: '/static/*', policy: 'redirect-to-https' }, { policy: 'allow-all' }], {
    aliases: ['www.acme.example'],
    acm: true,
    logged: true
  })
  for (let k = 3; k < 90; k += 4) {
    www(cloudFrontLogLine({ time: at(k, 14), ip: '203.0.113.50', host: 'www.acme.example', path: '/pricing', protocol: 'http', agent: BROWSER, status: 200 }))
    www(cloudFrontLogLine({ time: at(k, 15), ip: '192.0.2.9', method: 'HEAD', host: 'www.acme.example', path: '/', protocol: 'http', agent: 'UptimeProbe/2.1' }))
    // a plain-HTTP request on a behaviour that already redirects is not one the fix changes
    www(cloudFrontLogLine({ time: at(k, 16), ip: '203.0.113.51', host: 'www.acme.example', path: '/static/app.js', protocol: 'http', agent: BROWSER, status: 301 }))
  }
  // api: devices POST telemetry to http:// on /api/* -> UNSAFE
  const api = dist(
    'E3API00000POST',
    'api.acme.example',
    [{ path: '/api/*', policy: 'allow-all', methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'] }, { policy: 'redirect-to-https' }],
    { aliases: ['api.acme.example'], acm: true, logged: true }
  )
  for (let k = 1; k < 90; k += 2)
    api(
      cloudFrontLogLine({
        time: at(k, 6),
        ip: '100.64.12.7',
        method: 'POST',
        host: 'api.acme.example',
        path: '/api/v1/telemetry',
        protocol: 'http',
        agent: 'acme-thermostat/3.2 (esp32)'
      })
    )
  // legacy: an alias served with CloudFront's default certificate only, standard logging off -> UNSAFE (no plan: a certificate first)
  dist('E4LEGACY00CERT', 'legacy.acme.example', [{ policy: 'allow-all' }], { aliases: ['legacy.acme.example'], logged: false })
  // downloads: standard logs on, but the last 12 days of files were not collected -> RISKY
  dist('E5DOWNLOADGAPS', 'downloads.acme.example', [{ path: '/files/*', policy: 'allow-all' }, { policy: 'https-only' }], { logged: true })
  a.cloudfrontLogs.set('E5DOWNLOADGAPS', a.cloudfrontLogs.get('E5DOWNLOADGAPS')!.slice(0, 78))
  // shop: already redirects everywhere -> the finding is stale
  dist('E6SHOP0000DONE', 'shop.acme.example', [{ policy: 'redirect-to-https' }], { aliases: ['shop.acme.example'], acm: true, logged: true })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'E1DOCS0000SAFE',
      'SAFE',
      { 'allows-http': 'yes', certificate: 'yes', logging: 'yes', 'http-use': 'no', 'cannot-redirect': 'no' },
      'every request of the window came over HTTPS',
      { 'http-use': 'no plain-HTTP request reached the default behaviour (*)' }
    ],
    [
      'E2WWW00000HTTP',
      'RISKY',
      { 'allows-http': 'yes', certificate: 'yes', logging: 'yes', 'http-use': 'yes', 'cannot-redirect': 'no' },
      'browsers and a probe GET and HEAD over plain HTTP',
      { 'http-use': 'UptimeProbe/2.1 (22)' }
    ],
    [
      'E3API00000POST',
      'UNSAFE',
      { 'allows-http': 'yes', 'cannot-redirect': 'yes' },
      'devices POST over plain HTTP to /api/*',
      { 'cannot-redirect': 'acme-thermostat/3.2 (esp32) (45)' }
    ],
    [
      'E4LEGACY00CERT',
      'UNSAFE',
      { 'allows-http': 'yes', certificate: 'no', logging: 'no', 'http-use': 'unknown' },
      'an alias with only the default certificate',
      { certificate: 'legacy.acme.example', logging: 'Logging.Enabled false' }
    ],
    [
      'E5DOWNLOADGAPS',
      'RISKY',
      { 'allows-http': 'yes', certificate: 'yes', logging: 'no', 'http-use': 'unknown', 'cannot-redirect': 'unknown' },
      'the logs of the last 12 days are missing',
      { logging: 'no request on 12 days of the window (from 2026-11-08)' }
    ],
    ['E6SHOP0000DONE', 'SAFE', { 'allows-http': 'no' }, 'a stale finding: every behaviour redirects']
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: 'us-east-1',
        control: 'CloudFront.3',
        title: 'CloudFront distributions should require encryption in transit',
        severity: 'Medium',
        resourceType: 'AwsCloudFrontDistribution',
        resourceId: arnOf(id)
      })
    )
    w.expect({ control: 'aws.cloudfront.viewer-https', resource: arnOf(id), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the www distribution too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: 'us-east-1',
      check: 'cloudfront_distributions_https_enabled',
      title: 'Check if CloudFront distributions are set to HTTPS.',
      severity: 'Medium',
      service: 'cloudfront',
      resourceType: 'AwsCloudFrontDistribution',
      resourceUid: arnOf('E2WWW00000HTTP'),
      resourceName: 'E2WWW00000HTTP',
      detail: 'CloudFront Distribution E2WWW00000HTTP viewers can use HTTP or HTTPS.'
    })
  )
}
