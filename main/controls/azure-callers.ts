// The Azure "network access" kit: who called an Azure data service (an SQL server's audit log, a key
// vault's AuditEvent log) in the step's window, from which addresses, with the log's coverage — what
// the Azure SQL public network access and Key Vault network rules folders both ask before taking a
// network path away. A caller is an address with at least one request that succeeded in the window
// (failed logins and requests a firewall refused are not use).
import type { Coverage, TimelineEvent } from '../../shared/evidence'
import type { TimelineLink } from '../../shared/investigate'
import type { AzureCallersFacet } from '../semantics/facets'
import { day, inWindow, plural, timelineLink } from './step-common'
import type { StepContext } from './step'

export type AzureCaller = AzureCallersFacet['callers'][number]
type Source = 'azure.sql-audit-logs' | 'azure.keyvault-logs'

export interface CallersInWindow {
  /** callers with a success in the window */
  callers: AzureCaller[]
  /** addresses past the facet's cap: their requests are counted, not itemised */
  overflow: number
  coverage: Coverage
  evidence: string[]
  events: TimelineEvent[]
  timeline: TimelineLink
}

const isoOf = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString())

/** The resource's callers from `source` in the window, with the source's coverage of it. */
export function callersInWindow(ctx: StepContext, id: string, source: Source): CallersInWindow {
  const f = ctx.ev.config(id, 'azure.callers')
  const coverage = ctx.ev.coverage(source, id, ctx.window)
  const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: [source], summaries: false })
  return {
    callers: (f?.value.callers ?? []).filter((c) => c.succeeded > 0 && inWindow(isoOf(c.last), ctx.window)),
    overflow: f?.value.overflow ?? 0,
    coverage,
    evidence: [...(f?.evidence ?? []), ...coverage.evidence, ...events.flatMap((e) => e.evidence)],
    events,
    timeline: timelineLink(ctx, [id], [source], events)
  }
}

/** "203.0.113.7 (app_user with .Net SqlClient Data Provider; 1,204 requests, the last on 2026-11-18)". */
export function callerText(c: AzureCaller, what = 'request'): string {
  const who = [c.principals.slice(0, 3).join(', '), c.applications.length ? `with ${c.applications.slice(0, 2).join(', ')}` : ''].filter(Boolean).join(' ')
  return `${c.address} (${who ? `${who}; ` : ''}${c.trustedService ? `trusted service ${c.trustedService}; ` : ''}${plural(c.succeeded, what)}, the last on ${day(isoOf(c.last))})`
}

/** Up to `max` callers in words, and how many more. */
export function callersText(list: readonly AzureCaller[], what = 'request', max = 6): string {
  return (
    list
      .slice(0, max)
      .map((c) => callerText(c, what))
      .join('; ') + (list.length > max ? `; and ${list.length - max} more` : '')
  )
}
