// Elastic Load Balancing access logs (aws/<account>/elb-access-logs/…, as delivered to S3: gzip for
// an Application Load Balancer, plain text for a Classic one). Read as a stream, line by line, and
// counted per load balancer — never held: who reached it unencrypted, with which method and client,
// and the hours its logs cover (a day without a file is a gap: logging off, or files missing).
import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import type { EvidenceLimits } from '../semantics/limits'
import { breaksOnRedirect, elbArnOf, followsRedirect, parseElbLogLine, regionOfLogFile, type ElbAccessLogsFacet } from '../semantics/load-balancer'
import { hourOf } from '../semantics/time'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'

/** distinct user agents counted per load balancer; the rest are counted together */
const MAX_AGENTS = 500
const OTHER_AGENTS = '(other clients)'

interface LbAccess {
  arn: string
  requests: number
  first: number | null
  last: number | null
  plain: number
  plainLast: number | null
  plainPorts: Record<string, number>
  plainMethods: Record<string, number>
  breaking: number
  breakingLast: number | null
  noAgent: number
  agents: Map<string, { requests: number; breaking: number }>
  hours: Set<number>
  files: Set<string>
}

export interface ElbAccessLogScan {
  lbs: Map<string, LbAccess>
  files: Array<{ file: string; records: number; first: number | null; last: number | null; problem: FileProblem | null }>
}

export const emptyElbAccessLogScan = (): ElbAccessLogScan => ({ lbs: new Map(), files: [] })

function lbAccess(scan: ElbAccessLogScan, arn: string): LbAccess {
  let b = scan.lbs.get(arn)
  if (!b) {
    b = {
      arn,
      requests: 0,
      first: null,
      last: null,
      plain: 0,
      plainLast: null,
      plainPorts: {},
      plainMethods: {},
      breaking: 0,
      breakingLast: null,
      noAgent: 0,
      agents: new Map(),
      hours: new Set(),
      files: new Set()
    }
    scan.lbs.set(arn, b)
  }
  return b
}

const later = (a: number | null, t: number) => (a === null || t > a ? t : a)

/**
 * Read one access log file into the scan. The Region is the delivered file name's; a line that is
 * not an access log line is skipped and counted (the file's problem names the first few).
 */
export async function readElbAccessLogFile(scan: ElbAccessLogScan, abs: string, file: string, limits: EvidenceLimits, account: string): Promise<void> {
  const out = { file, records: 0, first: null as number | null, last: null as number | null, problem: null as FileProblem | null }
  scan.files.push(out)
  const bad: string[] = []
  let badLines = 0
  try {
    const region = regionOfLogFile(file)
    if (!region) throw new BadEvidence(file, '', 'the file name does not say its Region (<account>_elasticloadbalancing_<region>_…, as delivered)')
    const d = await openDecoded(abs, file, limits)
    await forEachLine(d.chunks, file, limits, (line, no) => {
      if (!line.trim()) return
      const r = parseElbLogLine(line)
      if (typeof r === 'string') {
        badLines++
        if (bad.length < 5) bad.push(`line ${no}: ${r}`)
        return
      }
      out.records++
      out.first = out.first === null || r.time < out.first ? r.time : out.first
      out.last = later(out.last, r.time)
      const b = lbAccess(scan, elbArnOf(r.elb, account, region))
      b.files.add(file)
      b.hours.add(hourOf(r.time))
      b.requests++
      b.first = b.first === null || r.time < b.first ? r.time : b.first
      b.last = later(b.last, r.time)
      if (!r.plain) return
      b.plain++
      b.plainLast = later(b.plainLast, r.time)
      const port = r.port === null ? '-' : String(r.port)
      b.plainPorts[port] = (b.plainPorts[port] ?? 0) + 1
      const method = r.method ?? '-'
      b.plainMethods[method] = (b.plainMethods[method] ?? 0) + 1
      const breaks = breaksOnRedirect(r) !== null
      if (breaks) {
        b.breaking++
        b.breakingLast = later(b.breakingLast, r.time)
      } else if (!followsRedirect(r.userAgent)) b.noAgent++
      const key = r.userAgent || '(no user agent)'
      const a = b.agents.get(key) ?? (b.agents.size < MAX_AGENTS ? { requests: 0, breaking: 0 } : null)
      const slot = a ?? b.agents.get(OTHER_AGENTS) ?? { requests: 0, breaking: 0 }
      slot.requests++
      if (breaks) slot.breaking++
      b.agents.set(a ? key : OTHER_AGENTS, slot)
    })
    if (badLines) out.problem = { file, place: bad.join('; '), problem: `${badLines} line(s) are not load balancer access log lines and were skipped` }
  } catch (e) {
    out.problem = problemOf(e, file)
  }
}

/** The facet of one load balancer, and what its coverage is computed from. */
export function elbAccessFacet(b: LbAccess): { facet: ElbAccessLogsFacet; hours: Set<number>; files: string[] } {
  // breaking clients first, then the busiest: those are the ones a person must find
  const agents = [...b.agents]
    .map(([agent, c]) => ({ agent, requests: c.requests, breaking: c.breaking }))
    .sort((x, y) => y.breaking - x.breaking || y.requests - x.requests || (x.agent < y.agent ? -1 : 1))
  return {
    facet: {
      requests: b.requests,
      first: b.first,
      last: b.last,
      plain: b.plain,
      plainLast: b.plainLast,
      plainPorts: b.plainPorts,
      plainMethods: b.plainMethods,
      breaking: b.breaking,
      breakingLast: b.breakingLast,
      noAgent: b.noAgent,
      agents: agents.slice(0, 12),
      agentsTruncated: agents.length > 12
    },
    hours: b.hours,
    files: [...b.files].sort()
  }
}
