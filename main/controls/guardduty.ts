// What the GuardDuty playbooks share: the GuardDuty reports among a finding's open alerts, read
// from their own records (../semantics/guardduty-finding.ts).
import { guardDutyReport, type GuardDutyReport } from '../semantics/guardduty-finding'
import type { StepContext } from './step'

/** The GuardDuty reports among the finding's open alerts. */
export function reportsOf(ctx: StepContext): GuardDutyReport[] {
  const ids = ctx.finding.alerts.filter((a) => a.outcome === 'FAIL').map((a) => a.id)
  return ctx.ev
    .alertRecords(ids)
    .map((a) => guardDutyReport(a.id, a.raw))
    .filter((r): r is GuardDutyReport => r !== null)
}
