// Load balancers and who speaks plain HTTP to them: the model of the ELB HTTP-listener controls
// (Security Hub ELB.1 for Application Load Balancers, ELB.3 for Classic Load Balancers).
//
// - The inventory: inventory/load-balancers.json holds DescribeLoadBalancers items; `evidence
//   collect` adds to each elbv2 load balancer its "Listeners" (DescribeListeners, each with its
//   "Rules" from DescribeRules) and "Attributes" (DescribeLoadBalancerAttributes). A key left out is
//   not collected (unknown), never "none".
// - The access logs (docs/evidence-bundle.md, elb-access-logs/): one line per request (per
//   connection for a Classic Load Balancer's TCP/SSL listeners), space-separated with quoted
//   fields. An Application Load Balancer's line starts with its `type` (http, https, h2, grpcs, ws,
//   wss); a Classic Load Balancer's with the time, and its request line's URL says the scheme
//   (http://, https://) or is "- - -" for TCP and SSL listeners (then the cipher says which).
//   Formats: AWS's "Access log entries" pages of the ALB and CLB user guides.
import { z } from 'zod'

// ---- inventory shapes (DescribeListeners / DescribeRules / DescribeLoadBalancerAttributes) -------

/** One action of a listener or rule, kept whole: the rollback puts the default actions back exactly. */
export const Elbv2Action = z
  .object({
    Type: z.string(),
    Order: z.number().int().optional(),
    TargetGroupArn: z.string().optional(),
    RedirectConfig: z
      .object({
        Protocol: z.string().optional(),
        Port: z.string().optional(),
        Host: z.string().optional(),
        Path: z.string().optional(),
        Query: z.string().optional(),
        StatusCode: z.string().optional()
      })
      .passthrough()
      .optional(),
    FixedResponseConfig: z.object({ StatusCode: z.string().optional() }).passthrough().optional()
  })
  .passthrough()
export type Elbv2Action = z.infer<typeof Elbv2Action>

export const Elbv2Rule = z
  .object({ RuleArn: z.string().optional(), Priority: z.string(), IsDefault: z.boolean().optional(), Actions: z.array(Elbv2Action), Conditions: z.array(z.unknown()).optional() })
  .passthrough()
export type Elbv2Rule = z.infer<typeof Elbv2Rule>

export const Elbv2Listener = z
  .object({
    ListenerArn: z.string().min(1),
    Port: z.number().int(),
    Protocol: z.string(),
    Certificates: z.array(z.object({ CertificateArn: z.string().optional(), IsDefault: z.boolean().optional() }).passthrough()).optional(),
    SslPolicy: z.string().optional(),
    DefaultActions: z.array(Elbv2Action),
    /** not DescribeListeners': the listener's rules (DescribeRules); absent when not collected */
    Rules: z.array(Elbv2Rule).optional()
  })
  .passthrough()
export type Elbv2Listener = z.infer<typeof Elbv2Listener>

/** One elbv2 load balancer of inventory/load-balancers.json, the fields these controls read. */
export const Elbv2LoadBalancer = z
  .object({
    LoadBalancerArn: z.string().min(1),
    LoadBalancerName: z.string().min(1),
    Type: z.string().optional(),
    Scheme: z.string().optional(),
    DNSName: z.string().optional(),
    /** not DescribeLoadBalancers': DescribeListeners; absent when not collected */
    Listeners: z.array(Elbv2Listener).optional(),
    /** not DescribeLoadBalancers': DescribeLoadBalancerAttributes; absent when not collected */
    Attributes: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional()
  })
  .passthrough()
export type Elbv2LoadBalancer = z.infer<typeof Elbv2LoadBalancer>

// ---- the facets the evidence stage writes (main/semantics/facets.ts) ------------------------------

const StoredAction = z.record(z.string(), z.unknown())

export const LbListenerFacet = z.strictObject({
  arn: z.string(),
  port: z.number(),
  protocol: z.string(),
  /** certificate ARNs of an HTTPS/TLS listener ([] for HTTP) */
  certificates: z.array(z.string()),
  /** DescribeListeners' DefaultActions, exactly */
  defaultActions: z.array(StoredAction),
  /** the listener's rules other than the default one; null when DescribeRules was not collected */
  rules: z.array(z.strictObject({ arn: z.string().nullable(), priority: z.string(), actions: z.array(StoredAction) })).nullable()
})
export type LbListenerFacet = z.infer<typeof LbListenerFacet>

/** `elbv2.config`: one elbv2 load balancer of inventory/load-balancers.json. */
export const Elbv2ConfigFacet = z.strictObject({
  name: z.string(),
  /** application, network, gateway; null when the file does not say */
  type: z.string().nullable(),
  scheme: z.string().nullable(),
  /** null: DescribeListeners was not collected (an older bundle, or a failed call) */
  listeners: z.array(LbListenerFacet).nullable(),
  /** access_logs.s3.*; null when the attributes were not collected */
  accessLogs: z.strictObject({ enabled: z.boolean(), bucket: z.string().nullable(), prefix: z.string().nullable() }).nullable()
})
export type Elbv2ConfigFacet = z.infer<typeof Elbv2ConfigFacet>

/** A client (by user agent) of the plain-HTTP requests. */
export const PlainHttpAgent = z.strictObject({ agent: z.string(), requests: z.number(), breaking: z.number() })

/** `activity.aws.elb-access-logs`: a load balancer's access logs. */
export const ElbAccessLogsFacet = z.strictObject({
  requests: z.number(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  /** requests (Classic TCP listeners: connections) that reached it unencrypted */
  plain: z.number(),
  plainLast: z.number().nullable(),
  /** plain requests by the listener port their URL names */
  plainPorts: z.record(z.string(), z.number()),
  /** plain requests by HTTP method ("-" for a connection without a request line) */
  plainMethods: z.record(z.string(), z.number()),
  /** plain requests a redirect to HTTPS would break (breakingReason says which) */
  breaking: z.number(),
  breakingLast: z.number().nullable(),
  /**
   * plain GET/HEAD requests whose client is not known to follow a redirect (no user agent, or one
   * not in FOLLOWING_AGENTS): whether a redirect breaks them is unknown
   */
  noAgent: z.number(),
  /** the plain requests' clients, most requests first (up to 12) */
  agents: z.array(PlainHttpAgent),
  agentsTruncated: z.boolean()
})
export type ElbAccessLogsFacet = z.infer<typeof ElbAccessLogsFacet>

// ---- listeners -----------------------------------------------------------------------------------

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** Whether a list of actions ends in a redirect to HTTPS (authentication actions may come first). */
export function redirectsToHttps(actions: ReadonlyArray<Record<string, unknown>>): boolean {
  const last = [...actions].sort((a, b) => (Number(a.Order ?? 0) || 0) - (Number(b.Order ?? 0) || 0)).at(-1)
  if (!last || str(last.Type)?.toLowerCase() !== 'redirect') return false
  const r = last.RedirectConfig as Record<string, unknown> | undefined
  return str(r?.Protocol)?.toUpperCase() === 'HTTPS'
}

/** What an HTTP listener's actions do, for people: "forwards to web-tg", "answers 503 itself". */
export function actionText(actions: ReadonlyArray<Record<string, unknown>>): string {
  const last = [...actions].sort((a, b) => (Number(a.Order ?? 0) || 0) - (Number(b.Order ?? 0) || 0)).at(-1)
  if (!last) return 'has no action'
  const type = str(last.Type)?.toLowerCase()
  if (type === 'forward') {
    const fc = last.ForwardConfig as { TargetGroups?: Array<{ TargetGroupArn?: string }> } | undefined
    const tgs = [str(last.TargetGroupArn), ...(fc?.TargetGroups ?? []).map((t) => str(t.TargetGroupArn))].filter((x): x is string => !!x)
    const names = [...new Set(tgs.map((a) => /targetgroup\/([^/]+)/.exec(a)?.[1] ?? a))]
    return `forwards to ${names.length ? names.join(', ') : 'its target group'}`
  }
  if (type === 'fixed-response') return `answers ${str((last.FixedResponseConfig as Record<string, unknown> | undefined)?.StatusCode) ?? ''} itself`.replace('  ', ' ')
  if (type === 'redirect') {
    const r = (last.RedirectConfig ?? {}) as Record<string, unknown>
    return `redirects to ${str(r.Protocol) ?? '#{protocol}'}:${str(r.Port) ?? '#{port}'}`
  }
  return `${type ?? 'an unknown action'}`
}

export interface PlainListener {
  listener: LbListenerFacet
  /** the default action does not redirect to HTTPS */
  servesByDefault: boolean
  /** rules that do not redirect to HTTPS (null: rules not collected) */
  servingRules: Array<{ arn: string | null; priority: string; actions: Array<Record<string, unknown>> }> | null
}

/** The HTTP listeners of an Application Load Balancer that still answer plain HTTP (by default or through a rule). */
export function plainHttpListeners(lb: Elbv2ConfigFacet): PlainListener[] | null {
  if (!lb.listeners) return null
  const out: PlainListener[] = []
  for (const l of lb.listeners) {
    if (l.protocol.toUpperCase() !== 'HTTP') continue
    const servesByDefault = !redirectsToHttps(l.defaultActions)
    const servingRules = l.rules ? l.rules.filter((r) => !redirectsToHttps(r.actions)) : null
    if (servesByDefault || servingRules === null || servingRules.length) out.push({ listener: l, servesByDefault, servingRules })
  }
  return out
}

/** The HTTPS listener a redirect to port 443 lands on: HTTPS on 443 with a certificate. */
export function httpsLanding(lb: Elbv2ConfigFacet): LbListenerFacet | null {
  return lb.listeners?.find((l) => l.protocol.toUpperCase() === 'HTTPS' && l.port === 443 && l.certificates.length > 0) ?? null
}

/** The facet of one inventory item (the evidence stage's reading). */
export function elbv2Config(lb: Elbv2LoadBalancer): Elbv2ConfigFacet {
  const attr = (k: string) => lb.Attributes?.find((a) => a.Key === k)?.Value ?? null
  return {
    name: lb.LoadBalancerName,
    type: lb.Type ?? null,
    scheme: lb.Scheme ?? null,
    listeners: lb.Listeners
      ? lb.Listeners.map((l) => ({
          arn: l.ListenerArn,
          port: l.Port,
          protocol: l.Protocol,
          certificates: (l.Certificates ?? []).map((c) => c.CertificateArn ?? '').filter(Boolean),
          defaultActions: l.DefaultActions.map((a) => ({ ...a })),
          rules: l.Rules
            ? l.Rules.filter((r) => !r.IsDefault && r.Priority !== 'default').map((r) => ({
                arn: r.RuleArn ?? null,
                priority: r.Priority,
                actions: r.Actions.map((a) => ({ ...a }))
              }))
            : null
        }))
      : null,
    accessLogs: lb.Attributes
      ? { enabled: attr('access_logs.s3.enabled') === 'true', bucket: attr('access_logs.s3.bucket') || null, prefix: attr('access_logs.s3.prefix') || null }
      : null
  }
}

// ---- access log lines ----------------------------------------------------------------------------

export interface ElbLogRecord {
  generation: 'application' | 'classic'
  /** epoch seconds */
  time: number
  /** the `elb` field: app/<name>/<id> (ALB) or <name> (CLB) */
  elb: string
  client: string
  /** the request (or connection) reached the load balancer unencrypted */
  plain: boolean
  /** the request is a WebSocket upgrade (ALB type ws/wss) */
  websocket: boolean
  /** the HTTP method; null for a TCP/SSL connection without a request line */
  method: string | null
  /** the listener port the URL names; null when it names none */
  port: number | null
  /** "" when the log gives none ("-") */
  userAgent: string
}

/** Split a log line into its fields: space-separated, a field in double quotes may hold spaces (and \" escapes). */
export function logFields(line: string): string[] {
  const out: string[] = []
  let i = 0
  const n = line.length
  while (i < n) {
    while (i < n && line[i] === ' ') i++
    if (i >= n) break
    if (line[i] === '"') {
      let j = i + 1
      let s = ''
      while (j < n && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < n) {
          s += line[j + 1]
          j += 2
        } else s += line[j++]
      }
      out.push(s)
      i = j + 1
    } else {
      let j = i
      while (j < n && line[j] !== ' ') j++
      out.push(line.slice(i, j))
      i = j
    }
  }
  return out
}

const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss'])
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/

/** One access log line of an Application or Classic Load Balancer, or why it is not one. */
export function parseElbLogLine(line: string): ElbLogRecord | string {
  const f = logFields(line)
  const alb = ALB_TYPES.has(f[0] ?? '')
  const o = alb ? 1 : 0
  // ALB: type time elb client target 3×time codes 2×status 2×bytes "request" "user_agent" cipher protocol …
  // CLB: time elb client backend 3×time 2×status 2×bytes "request" "user_agent" cipher protocol
  if (f.length < o + 15) return `${f.length} fields: not an ${alb ? 'Application' : 'Application or Classic'} Load Balancer access log line`
  if (!ISO.test(f[o])) return `"${f[o]}" is not the request's time (ISO 8601, UTC)`
  const time = Math.floor(Date.parse(f[o]) / 1000)
  const request = f[o + 11]
  const agent = f[o + 12] === '-' ? '' : f[o + 12]
  const cipher = f[o + 13]
  const m = /^(\S+) (\S+) (\S+)$/.exec(request)
  let method: string | null = null
  let port: number | null = null
  let scheme: string | null = null
  if (m && m[1] !== '-') {
    method = m[1].toUpperCase()
    const u = /^([a-z]+):\/\/[^/:]+(?::(\d+))?/i.exec(m[2])
    if (u) {
      scheme = u[1].toLowerCase()
      port = u[2] ? Number(u[2]) : scheme === 'https' || scheme === 'wss' ? 443 : 80
    }
  }
  if (alb) {
    const type = f[0]
    return {
      generation: 'application',
      time,
      elb: f[2],
      client: f[3],
      plain: type === 'http' || type === 'ws',
      websocket: type === 'ws' || type === 'wss',
      method,
      port,
      userAgent: agent
    }
  }
  // a Classic Load Balancer: HTTP(S) listeners name the scheme; TCP/SSL ones have no request line and a cipher only over SSL
  const plain = scheme ? scheme === 'http' : cipher === '-'
  return { generation: 'classic', time, elb: f[1], client: f[2], plain, websocket: false, method, port, userAgent: agent }
}

/**
 * Clients known not to follow a redirect from http:// to https:// on their own: Java's
 * HttpURLConnection never follows a redirect that changes the protocol; curl follows none without
 * -L; the HTTP clients of microcontroller firmware (ESP8266/ESP32 HTTPClient, Arduino) follow none
 * by default and often cannot speak TLS at all.
 */
const NO_REDIRECT_AGENTS: ReadonlyArray<[RegExp, string]> = [
  [/^Java\//, "Java's HttpURLConnection does not follow a redirect to another protocol"],
  [/^curl\//, 'curl follows no redirect without -L'],
  [/ESP8266HTTPClient|ESP32HTTPClient|arduino/i, 'firmware HTTP clients follow no redirect by default'],
  // CloudFront fetching from the load balancer as its origin returns the origin's redirect to the
  // viewer, who is sent off the distribution to the load balancer's own name
  [/^Amazon CloudFront$/, "CloudFront hands its origin's redirect to the viewer, sending it to the load balancer's own name"]
]

/**
 * Clients known to follow a 301 from http:// to https:// for a GET or HEAD on their own, by the
 * user agent they send: browsers (and the crawlers and tools that announce themselves as one), and
 * HTTP libraries whose default is to follow — Python's requests, urllib and aiohttp, Go's net/http,
 * OkHttp, axios and node-fetch, Wget, Apache HttpClient, Apple's CFNetwork, Postman. Any other
 * client is not known to: a redirect may break it (Ruby's Net::HTTP follows none; httpx follows none
 * by default), so its requests keep the answer unknown rather than "no".
 */
const FOLLOWING_AGENTS: readonly RegExp[] = [
  /^Mozilla\/5\.0 /,
  /^(python-requests|Python-urllib|aiohttp|Go-http-client|okhttp|axios|node-fetch|Wget|Apache-HttpClient|PostmanRuntime)\//i,
  /(^|\s)CFNetwork\//
]

/** Whether a client is known to follow a redirect to HTTPS for a GET or HEAD (FOLLOWING_AGENTS); false for no user agent. */
export function followsRedirect(userAgent: string | null | undefined): boolean {
  return !!userAgent && FOLLOWING_AGENTS.some((re) => re.test(userAgent))
}

/**
 * Why a plain-HTTP request would not survive a redirect to HTTPS, or null when a client that
 * follows redirects gets the same answer over HTTPS. A 301/302 turns POST into GET in most clients
 * (the body is lost) and browsers never follow a redirect of a CORS preflight or a WebSocket
 * handshake: only GET and HEAD are redirect-safe.
 */
export function breaksOnRedirect(r: Pick<ElbLogRecord, 'method' | 'websocket' | 'userAgent'>): string | null {
  if (r.websocket) return 'a WebSocket handshake is not followed through a redirect'
  if (r.method === null) return 'a plain TCP connection cannot be redirected'
  if (r.method !== 'GET' && r.method !== 'HEAD') return `${r.method} is not repeated as ${r.method} after a 301`
  for (const [re, why] of NO_REDIRECT_AGENTS) if (re.test(r.userAgent)) return why
  return null
}

/** The load balancer an access log line names, as its ARN: app/<name>/<id> or a Classic <name>. */
export function elbArnOf(elb: string, account: string, region: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${elb}`
}

/** The Region of a delivered access log file: <account>_elasticloadbalancing_<region>_<…>.log(.gz). */
export function regionOfLogFile(path: string): string | null {
  return /_elasticloadbalancing_([a-z]{2}(?:-[a-z]+)+-\d+)_/.exec(path)?.[1] ?? /\/elasticloadbalancing\/([a-z]{2}(?:-[a-z]+)+-\d+)\//.exec(path)?.[1] ?? null
}

// ---- Classic Load Balancers ----------------------------------------------------------------------

/** One Classic Load Balancer of inventory/load-balancers.json ("LoadBalancerDescriptions"), the fields read. */
export const ClassicLoadBalancer = z
  .object({
    LoadBalancerName: z.string().min(1),
    DNSName: z.string().optional(),
    Scheme: z.string().optional(),
    AvailabilityZones: z.array(z.string()).optional(),
    ListenerDescriptions: z
      .array(
        z
          .object({
            Listener: z
              .object({
                Protocol: z.string(),
                LoadBalancerPort: z.number().int(),
                InstanceProtocol: z.string().optional(),
                InstancePort: z.number().int(),
                SSLCertificateId: z.string().optional()
              })
              .passthrough(),
            PolicyNames: z.array(z.string()).optional()
          })
          .passthrough()
      )
      .optional(),
    /** not DescribeLoadBalancers': DescribeLoadBalancerAttributes' LoadBalancerAttributes; absent when not collected */
    Attributes: z
      .object({ AccessLog: z.object({ Enabled: z.boolean(), S3BucketName: z.string().optional(), S3BucketPrefix: z.string().optional() }).passthrough().optional() })
      .passthrough()
      .optional()
  })
  .passthrough()
export type ClassicLoadBalancer = z.infer<typeof ClassicLoadBalancer>

export const ClassicListenerFacet = z.strictObject({
  protocol: z.string(),
  port: z.number(),
  instanceProtocol: z.string().nullable(),
  instancePort: z.number(),
  /** the certificate of an HTTPS/SSL listener; null for HTTP/TCP */
  certificate: z.string().nullable(),
  policies: z.array(z.string())
})
export type ClassicListenerFacet = z.infer<typeof ClassicListenerFacet>

/** `elb.config`: one Classic Load Balancer. */
export const ElbClassicConfigFacet = z.strictObject({
  name: z.string(),
  scheme: z.string().nullable(),
  /** null: no ListenerDescriptions in the file */
  listeners: z.array(ClassicListenerFacet).nullable(),
  /** AccessLog; null when the attributes were not collected */
  accessLogs: z.strictObject({ enabled: z.boolean(), bucket: z.string().nullable(), prefix: z.string().nullable() }).nullable()
})
export type ElbClassicConfigFacet = z.infer<typeof ElbClassicConfigFacet>

export function classicConfig(lb: ClassicLoadBalancer): ElbClassicConfigFacet {
  const log = lb.Attributes ? (lb.Attributes.AccessLog ?? { Enabled: false }) : null
  return {
    name: lb.LoadBalancerName,
    scheme: lb.Scheme ?? null,
    listeners: lb.ListenerDescriptions
      ? lb.ListenerDescriptions.map((d) => ({
          protocol: d.Listener.Protocol.toUpperCase(),
          port: d.Listener.LoadBalancerPort,
          instanceProtocol: d.Listener.InstanceProtocol?.toUpperCase() ?? null,
          instancePort: d.Listener.InstancePort,
          certificate: d.Listener.SSLCertificateId ?? null,
          policies: d.PolicyNames ?? []
        }))
      : null,
    accessLogs: log ? { enabled: log.Enabled, bucket: log.S3BucketName ?? null, prefix: log.S3BucketPrefix ?? null } : null
  }
}

/** The Region of a Classic Load Balancer: its Availability Zones' (eu-west-1a is eu-west-1). */
export function classicRegion(lb: ClassicLoadBalancer): string | null {
  const az = lb.AvailabilityZones?.[0]
  return az ? az.replace(/[a-z]$/, '') : null
}

/** Listeners that take traffic unencrypted (HTTP, TCP), which ELB.3 fails. */
export const plainClassicListeners = (lb: ElbClassicConfigFacet): ClassicListenerFacet[] | null =>
  lb.listeners ? lb.listeners.filter((l) => l.protocol === 'HTTP' || l.protocol === 'TCP') : null

/** The encrypted listener plain clients would move to: HTTPS for an HTTP listener, SSL (or HTTPS) for TCP, with a certificate. */
export function secureCounterpart(lb: ElbClassicConfigFacet, plain: ClassicListenerFacet): ClassicListenerFacet | null {
  const want = plain.protocol === 'HTTP' ? ['HTTPS'] : ['SSL', 'HTTPS']
  return lb.listeners?.find((l) => want.includes(l.protocol) && l.certificate && l.instancePort === plain.instancePort) ?? null
}
