// Step functions for Azure storage accounts (azure.storage.secure-transfer): does the account
// already require HTTPS and TLS 1.2, did clients use plain HTTP or TLS < 1.2 in the window, and do
// file-share protocols that secure transfer affects (NFS, SMB) carry traffic.
import { z } from 'zod'
import { secureTransferVerdict } from './evaluate'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

const ACCOUNT = ['azure.storage.account'] as const

const configOf = (ctx: StepContext) => ctx.ev.config(ctx.finding.resource.id, 'azure.storage.config')

const secureTransferAlready = defineStep({
  name: 'azure.secure-transfer-already',
  summary: 'whether the account already refuses HTTP and TLS older than 1.2 (the control evaluator reads the ARM properties)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return outcome('unknown', "the storage account is not in the evidence's storage-accounts.json", { sources: ['azure.inventory'] })
    // null in the evidence's reading is "not in the data", which the evaluator calls undefined
    const v = secureTransferVerdict({ supportsHttpsTrafficOnly: cfg.value.supportsHttpsTrafficOnly ?? undefined, minimumTlsVersion: cfg.value.minimumTlsVersion ?? undefined })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['azure.inventory' as const] }
    if (v.status === 'PASS') return outcome('yes', `${v.reason}: the fix would change nothing`, o)
    if (v.status === 'FAIL') return outcome('no', v.reason, o)
    return outcome('unknown', v.reason, o)
  }
})

const httpOrOldTlsRequests = defineStep({
  name: 'azure.http-or-old-tls-requests',
  summary: 'requests over plain HTTP or with TLS older than 1.2 in the window, from the storage resource logs (protocol and tlsVersion are logged per request)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const logs = ctx.ev.facts(id).azureStorage?.logs ?? null
    const sources = ['azure.storage-logs' as const]
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['azure.storage-logs'], summaries: false }).filter((e) => /plain HTTP|TLS 1\.[01]/.test(e.summary))
    const link = timelineLink(ctx, [id], ['azure.storage-logs'], events)
    const parts: string[] = []
    if (logs && logs.http > 0 && inWindow(logs.httpLast, ctx.window)) parts.push(`${plural(logs.http, 'request')} over plain HTTP (the last on ${day(logs.httpLast)})`)
    if (logs && logs.oldTls > 0 && inWindow(logs.oldTlsLast, ctx.window)) {
      const old = Object.entries(logs.tlsVersions)
        .filter(([v]) => /1\.[01]$/.test(v))
        .map(([v, n]) => `${n} with ${v}`)
      parts.push(`${plural(logs.oldTls, 'request')} with TLS older than 1.2 (${old.join(', ')}; the last on ${day(logs.oldTlsLast)})`)
    }
    if (parts.length) {
      const who = [...new Set(events.map((e) => e.actor))].slice(0, 5)
      return outcome(
        'yes',
        `${parts.join(' and ')} in the storage logs${who.length ? `, by ${who.join(', ')}` : ''}: requiring HTTPS and TLS 1.2 would refuse them — proven (protocol and tlsVersion of each request)`,
        {
          evidence: [logs!.evidence, events.map((e) => e.evidence)],
          certainty: 'proven',
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    const cov = ctx.ev.coverage('azure.storage-logs', id, ctx.window)
    // "all over HTTPS with TLS 1.2" needs every HTTPS request's tlsVersion and every request's protocol
    const count = (k: string) =>
      Object.entries(logs?.protocols ?? {})
        .filter(([p]) => p.toUpperCase() === k)
        .reduce((n, [, c]) => n + c, 0)
    const noTls = Math.max(0, count('HTTPS') - Object.values(logs?.tlsVersions ?? {}).reduce((n, c) => n + c, 0))
    const noProtocol = count('UNKNOWN')
    if (cov.state === 'covered' && (noTls || noProtocol)) {
      return outcome(
        'unknown',
        `no HTTP or old-TLS request was seen, but ${[noTls ? `${plural(noTls, 'HTTPS request')} carry no tlsVersion` : '', noProtocol ? `${plural(noProtocol, 'request')} carry no protocol` : ''].filter(Boolean).join(' and ')} in the storage logs: whether they would be refused cannot be shown`,
        { evidence: [cov.evidence, logs?.evidence], sources, windowed: true, timeline: link }
      )
    }
    if (cov.state === 'covered') {
      return outcome(
        'no',
        `the storage logs hold requests for every day of ${windowText(ctx.window)} (${plural(logs?.requests ?? 0, 'request')}), all over HTTPS with TLS 1.2 or later`,
        {
          evidence: [cov.evidence, logs?.evidence],
          certainty: 'proven',
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    return outcome(
      'unknown',
      `no HTTP or old-TLS request was seen, but ${coverageText(cov, 'the storage resource logs')} (storage logs exist only where a diagnostic setting sends them)`,
      {
        evidence: [cov.evidence],
        sources,
        windowed: true,
        timeline: link
      }
    )
  }
})

const fileProtocolRequests = defineStep({
  name: 'azure.file-protocol-requests',
  summary: 'requests over the given file-share protocols in the window (NFS shares need secure transfer off; SMB clients without encryption are refused once it is on)',
  resourceTypes: ACCOUNT,
  params: z.object({ protocols: z.array(z.enum(['NFS', 'SMB'])).min(1) }).strict(),
  run(ctx, p) {
    const id = ctx.finding.resource.id
    const logs = ctx.ev.facts(id).azureStorage?.logs ?? null
    const sources = ['azure.storage-logs' as const]
    const seen = Object.entries(logs?.protocols ?? {}).filter(([k, n]) => n > 0 && p.protocols.includes(k.toUpperCase() as 'NFS' | 'SMB'))
    const what = p.protocols.join(' or ')
    if (logs && seen.length && inWindow(logs.lastAccess, ctx.window)) {
      return outcome(
        'yes',
        `${seen.map(([k, n]) => `${plural(n, 'request')} over ${k}`).join(', ')} in the storage logs: ${p.protocols.includes('NFS') ? 'NFS shares stop working when secure transfer is required' : 'SMB clients that do not encrypt (SMB 2.1, or 3.x without encryption) are refused once secure transfer is required'} — proven (protocol of each request)`,
        {
          evidence: [logs.evidence],
          certainty: 'proven',
          sources,
          windowed: true
        }
      )
    }
    const cov = ctx.ev.coverage('azure.storage-logs', id, ctx.window)
    if (cov.state === 'covered') {
      const proto =
        Object.keys(logs?.protocols ?? {})
          .sort()
          .join(', ') || 'none'
      return outcome(
        'no',
        `the storage logs cover ${windowText(ctx.window)} and no request used ${what} (protocols seen: ${proto}) — inferred: file shares are logged only where their own diagnostic setting is on`,
        {
          evidence: [cov.evidence, logs?.evidence],
          certainty: 'inferred',
          sources,
          windowed: true
        }
      )
    }
    return outcome('unknown', `no ${what} request was seen, but ${coverageText(cov, 'the storage resource logs')}`, { evidence: [cov.evidence], sources, windowed: true })
  }
})

export const AZURE_STEPS = [secureTransferAlready, httpOrOldTlsRequests, fileProtocolRequests]
