import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { elbAccessFacet, emptyElbAccessLogScan, readElbAccessLogFile } from '../evidence/elb-access-logs'
import { DEFAULT_LIMITS } from './limits'
import { breaksOnRedirect, followsRedirect, parseElbLogLine, redirectsToHttps, regionOfLogFile } from './load-balancer'

// the entries of AWS's "Access log entries" pages (Application and Classic Load Balancer user guides)
const ALB_HTTP =
  'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90'
const ALB_HTTPS =
  'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90'
const ALB_WS =
  'ws 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:40914 10.0.1.192:8010 0.001 0.003 0.000 101 101 218 587 "GET http://10.0.0.30:80/ HTTP/1.1" "-" - - arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.1.192:8010" "101" "-" "-" TID_1234abcd5678ef90'
const CLB_HTTP =
  '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -'
const CLB_HTTPS =
  '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.38.0" DHE-RSA-AES128-SHA TLSv1.2'
const CLB_TCP = '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 "- - - " "-" - -'
const CLB_SSL =
  '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001065 0.000015 0.000023 - - 57 502 "- - - " "-" ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2'

describe('load balancer access log lines', () => {
  it("reads AWS's documented Application and Classic Load Balancer entries: who came unencrypted, with which method, port and client", () => {
    expect(parseElbLogLine(ALB_HTTP)).toMatchObject({
      generation: 'application',
      elb: 'app/my-loadbalancer/50dc6c495c0c9188',
      plain: true,
      method: 'GET',
      port: 80,
      userAgent: 'curl/7.46.0'
    })
    expect(parseElbLogLine(ALB_HTTPS)).toMatchObject({ plain: false, port: 443 })
    expect(parseElbLogLine(ALB_WS)).toMatchObject({ plain: true, websocket: true, userAgent: '' })
    expect(parseElbLogLine(CLB_HTTP)).toMatchObject({ generation: 'classic', elb: 'my-loadbalancer', plain: true, method: 'GET', port: 80 })
    expect(parseElbLogLine(CLB_HTTPS)).toMatchObject({ plain: false, port: 443 })
    // TCP and SSL listeners: no request line; the cipher tells them apart
    expect(parseElbLogLine(CLB_TCP)).toMatchObject({ plain: true, method: null })
    expect(parseElbLogLine(CLB_SSL)).toMatchObject({ plain: false, method: null })
    expect(parseElbLogLine('not a log line')).toMatch(/not an Application or Classic Load Balancer access log line/)
    expect(parseElbLogLine(ALB_HTTP.replace('2018-07-02T22:23:00.186641Z', 'yesterday'))).toMatch(/is not the request's time/)
  })

  it('a redirect breaks other methods than GET and HEAD, WebSockets, TCP and clients that follow no redirect to HTTPS', () => {
    const r = (method: string | null, userAgent = 'Mozilla/5.0', websocket = false) => breaksOnRedirect({ method, userAgent, websocket })
    expect(r('GET')).toBeNull()
    expect(r('HEAD')).toBeNull()
    expect(r('POST')).toMatch(/POST/)
    expect(r('OPTIONS')).toMatch(/OPTIONS/)
    expect(r('GET', 'Java/1.8.0_292')).toMatch(/HttpURLConnection/)
    expect(r('GET', 'curl/8.5.0')).toMatch(/-L/)
    expect(r('GET', 'ESP8266HTTPClient')).toMatch(/firmware/)
    expect(r('GET', 'okhttp/4.12.0')).toBeNull()
    expect(r('GET', '', true)).toMatch(/WebSocket/)
    expect(r(null)).toMatch(/TCP/)
    // CloudFront as the origin fetcher passes the redirect to its viewers
    expect(r('GET', 'Amazon CloudFront')).toMatch(/CloudFront hands its origin's redirect to the viewer/)
  })

  it('a client is known to follow a redirect to HTTPS only by its user agent: browsers and libraries that follow by default', () => {
    for (const ua of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      'python-requests/2.31.0',
      'Go-http-client/1.1',
      'okhttp/4.12.0',
      'Wget/1.21.4',
      'MyApp/3 CFNetwork/1490.0.4 Darwin/23.2.0'
    ])
      expect(followsRedirect(ua), ua).toBe(true)
    // one that follows none (Ruby's Net::HTTP), one that follows none by default (httpx), one unknown, none at all
    for (const ua of ['Ruby', 'python-httpx/0.27.0', 'inventory-sync/2.1', '', null]) expect(followsRedirect(ua), String(ua)).toBe(false)
  })

  it('a redirect to HTTPS is the last action (after authentication), and names the Region of a delivered file', () => {
    expect(
      redirectsToHttps([
        { Type: 'authenticate-oidc', Order: 1 },
        { Type: 'redirect', Order: 2, RedirectConfig: { Protocol: 'HTTPS' } }
      ])
    ).toBe(true)
    expect(redirectsToHttps([{ Type: 'redirect', RedirectConfig: { Protocol: '#{protocol}' } }])).toBe(false)
    expect(redirectsToHttps([{ Type: 'forward' }])).toBe(false)
    expect(
      regionOfLogFile(
        'elb-access-logs/AWSLogs/1/elasticloadbalancing/eu-west-1/2026/09/01/123456789012_elasticloadbalancing_eu-west-1_app.web.50dc_20260901T0900Z_10.0.1.5_x.log.gz'
      )
    ).toBe('eu-west-1')
    expect(regionOfLogFile('elb-access-logs/web.log')).toBeNull()
  })

  it('counts a gzipped log per load balancer, streaming, with the clients of plain HTTP; a bad line is named and the rest still counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lastmile-elb-'))
    const name = '123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20180702T2225Z_10.0.1.5_abc.log.gz'
    const post = ALB_HTTP.replace('"GET http', '"POST http').replace('curl/7.46.0', 'okhttp/3.9.1')
    const browser = ALB_HTTP.replace('curl/7.46.0', 'Mozilla/5.0 (X11; Linux x86_64)')
    writeFileSync(join(dir, name), gzipSync([ALB_HTTP, ALB_HTTPS, post, browser, 'garbage', ALB_WS].join('\n')))
    const scan = emptyElbAccessLogScan()
    await readElbAccessLogFile(scan, join(dir, name), `aws/123456789012/elb-access-logs/${name}`, DEFAULT_LIMITS, '123456789012')
    expect(scan.files[0]).toMatchObject({ records: 5, problem: { place: expect.stringContaining('line 5') } })
    const lb = scan.lbs.get('arn:aws:elasticloadbalancing:us-east-2:123456789012:loadbalancer/app/my-loadbalancer/50dc6c495c0c9188')!
    const { facet } = elbAccessFacet(lb)
    expect(facet).toMatchObject({ requests: 5, plain: 4, breaking: 3, noAgent: 0, plainMethods: { GET: 3, POST: 1 }, plainPorts: { '80': 4 } })
    expect(facet.agents.map((a) => [a.agent, a.requests, a.breaking])).toEqual([
      ['(no user agent)', 1, 1],
      ['curl/7.46.0', 1, 1],
      ['okhttp/3.9.1', 1, 1],
      ['Mozilla/5.0 (X11; Linux x86_64)', 1, 0]
    ])
    // a file whose name does not say its Region cannot be placed: a problem, not a guess
    writeFileSync(join(dir, 'web.log'), ALB_HTTP)
    await readElbAccessLogFile(scan, join(dir, 'web.log'), 'aws/123456789012/elb-access-logs/web.log', DEFAULT_LIMITS, '123456789012')
    expect(scan.files[1].problem?.problem).toMatch(/Region/)
  })
})
