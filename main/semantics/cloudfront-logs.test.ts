import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { logGaps, plainHttpRequests, plainHttpUse, scanCloudFrontLog, topOf, type LogRecord } from './cloudfront-logs'
import { behaviourFor, distributionOf, pathMatches, type ViewerBehaviour } from './inventory-cloudfront'
import { chosenPolicy, viewerEvidence } from './cloudfront-viewer'

const FIELDS =
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end'
// the shape of AWS's documented example line (standard logging reference), protocol and method varied
const line = (day: string, method: string, path: string, protocol: string, agent: string) =>
  [
    day,
    '01:42:39',
    'DFW3',
    '7163',
    '192.0.2.0',
    method,
    'd111111abcdef8.cloudfront.net',
    path,
    '200',
    '-',
    agent,
    '-',
    '-',
    'Hit',
    'SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==',
    'd111111abcdef8.cloudfront.net',
    protocol,
    '23',
    '0.001',
    '-',
    protocol === 'https' ? 'TLSv1.2' : '-',
    protocol === 'https' ? 'ECDHE-RSA-AES128-GCM-SHA256' : '-',
    'Hit',
    'HTTP/2.0',
    '-',
    '-',
    '11040',
    '0.001',
    'Hit',
    'text/html',
    '78',
    '-',
    '-'
  ].join('\t')
const log = (...lines: string[]) => `#Version: 1.0\n${FIELDS}\n${lines.join('\n')}\n`

const file = (id: string, path: string, kind = 'aws.cloudfront-logs'): EvidenceFileSummary => ({
  id,
  kind,
  path,
  sha256: id,
  bytes: 0,
  addedAt: '',
  bundle: 'b',
  stored: 'blob',
  status: 'read',
  problem: null
})

describe('CloudFront standard logs', () => {
  it('reads the columns the #Fields line names, the user agent URL-decoded; a line of other columns or before #Fields is a problem naming the file and line', () => {
    const got: LogRecord[] = []
    const problems = scanCloudFrontLog(log(line('2026-11-01', 'POST', '/api/v1', 'http', 'acme-thermostat/3.2%20(esp32)'), 'garbage'), 'x.gz', (r) => got.push(r))
    expect(got).toEqual([{ day: '2026-11-01', time: '01:42:39', method: 'POST', path: '/api/v1', agent: 'acme-thermostat/3.2 (esp32)', protocol: 'http' }])
    expect(problems).toEqual(['x.gz: line 4: not a request line of the #Fields columns'])
    expect(scanCloudFrontLog('2026-11-01\tGET\n', 'y.gz', () => undefined)).toEqual(['y.gz: line 1: a request before any #Fields line (not a CloudFront standard log?)'])
    expect(scanCloudFrontLog('#Fields: date time cs-method\n', 'z.gz', () => undefined)).toEqual(['z.gz: line 1: the #Fields line has no cs-uri-stem, cs(User-Agent), cs-protocol'])
  })

  it('matches a request to its behaviour as CloudFront does: ordered patterns first (* and ?, the leading / optional, case-sensitive), then the default', () => {
    const b: ViewerBehaviour[] = [
      { path: 'images/*.jpg', isDefault: false, policy: 'https-only', methods: [] },
      { path: '/api/v?/*', isDefault: false, policy: 'allow-all', methods: [] },
      { path: '*', isDefault: true, policy: 'allow-all', methods: [] }
    ]
    expect(pathMatches('images/*.jpg', '/images/a/b.jpg')).toBe(true)
    expect(pathMatches('images/*.jpg', '/Images/b.jpg')).toBe(false)
    expect(behaviourFor(b, '/api/v1/x').path).toBe('/api/v?/*')
    expect(behaviourFor(b, '/api/v10/x').path).toBe('*')
    expect(behaviourFor(b, '/images/x.jpg').path).toBe('images/*.jpg')
  })

  it('counts the plain-HTTP requests of the changed behaviours only, with their methods and agents, inside the window; days without a request, unread files and bad lines are gaps', () => {
    const behaviours: ViewerBehaviour[] = [
      { path: '/api/*', isDefault: false, policy: 'allow-all', methods: [] },
      { path: '*', isDefault: true, policy: 'redirect-to-https', methods: [] }
    ]
    const bytes: Record<string, Buffer> = {
      f1: gzipSync(
        log(
          line('2026-11-01', 'POST', '/api/v1/telemetry', 'http', 'acme-thermostat/3.2'),
          line('2026-11-01', 'GET', '/api/v1/status', 'http', 'curl/8.4.0'),
          line('2026-11-02', 'GET', '/index.html', 'http', 'curl/8.4.0'), // the default behaviour, not changed
          line('2026-11-02', 'GET', '/api/v1/status', 'https', 'curl/8.4.0'),
          line('2026-10-01', 'GET', '/api/old', 'http', 'curl/8.4.0') // before the window
        )
      ),
      f2: Buffer.from(log(line('2026-11-02', 'GET', '/api/x', 'http', 'curl/8.4.0')))
    }
    const files = [
      file('f1', 'aws/111122223333/cloudfront-logs/E1/E1.2026-11-01-00.aa.gz'),
      file('f2', 'aws/111122223333/cloudfront-logs/E1/E1.2026-11-02-00.bb'),
      file('f3', 'aws/111122223333/cloudfront-logs/E1/x.gz')
    ]
    const w = { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' }
    const use = plainHttpUse(files, (id) => bytes[id] ?? null, '111122223333', 'E1', behaviours, new Set(['/api/*']), w)!
    expect(plainHttpRequests(use)).toBe(3)
    expect(topOf(use.byBehaviour.get('/api/*')!.methods)).toBe('GET (2), POST (1)')
    expect(topOf(use.unsafeAgents)).toBe('acme-thermostat/3.2 (1)')
    expect(use.records).toBe(5)
    expect(logGaps(use, w)).toEqual(['1 log file kept as a hash only (aws/111122223333/cloudfront-logs/E1/x.gz)'])
    expect(logGaps(use, { from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z' })[0]).toBe('the standard logs hold no request on 1 day of the window (from 2026-11-03)')
    expect(plainHttpUse(files, () => null, '111122223333', 'E2', behaviours, new Set(), w)).toBeNull()
  })

  it('reads a distribution from GetDistributionConfig (logging, ETag) or, without it, from ListDistributions (logging unknown), and says the file and place of a malformed one', () => {
    const dist = {
      Id: 'E1',
      ARN: 'arn:aws:cloudfront::111122223333:distribution/E1',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'allow-all' },
      Aliases: { Quantity: 1, Items: ['www.example.com'] }
    }
    const list = file('l', 'aws/111122223333/inventory/cloudfront-distributions.json', 'aws.inventory.cloudfront-distributions')
    const configs = file('c', 'aws/111122223333/inventory/cloudfront-distribution-configs.json', 'aws.inventory.cloudfront-configs')
    const docs: Record<string, unknown> = {
      l: { DistributionList: { Items: [dist] } },
      c: { Distributions: [{ Id: 'E1', ARN: dist.ARN, ETag: 'ETAG1', DistributionConfig: { ...dist, Logging: { Enabled: false, Bucket: '', Prefix: '' } } }] }
    }
    const bytes = (id: string) => Buffer.from(JSON.stringify(docs[id]))
    expect(distributionOf([list], bytes, dist.ARN)).toMatchObject({
      id: 'E1',
      aliases: ['www.example.com'],
      logging: null,
      etag: null,
      place: `${list.path}#/DistributionList/Items/0`
    })
    expect(distributionOf([list, configs], bytes, dist.ARN)).toMatchObject({ logging: { enabled: false }, etag: 'ETAG1', place: `${configs.path}#/Distributions/0` })
    const e = viewerEvidence([list], bytes, dist.ARN, { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' })!
    expect(e.logs.answer).toBe('unknown')
    expect(chosenPolicy(e)).toBe('redirect-to-https')
    docs.l = { DistributionList: { Items: [{ ...dist, DefaultCacheBehavior: { ViewerProtocolPolicy: 'sometimes' } }] } }
    expect(() => distributionOf([list], bytes, dist.ARN)).toThrow(`${list.path}: DistributionList/Items/0/DefaultCacheBehavior/ViewerProtocolPolicy`)
  })
})
