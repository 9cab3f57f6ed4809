// How a domain adds its part to the report. The stages implement it (main/*/report.ts) and
// main/export/report-assemble.ts lists and runs them; the interface lives here, below both, so a
// stage never imports the export above it.
import type { Actor } from '../../shared/model'
import type { CaseDb } from '../db/case-db'
import type { ReportData, ReportSection } from './data'

export interface ReportContext {
  c: CaseDb
  generatedAt: string
  generatedBy: Actor
}

/**
 * A domain's part of the report. Each stage that keeps data in the case (ingest: scope, imports,
 * findings, initiatives; evidence: the register and timelines; investigation: RCI steps;
 * remediation: plans, decisions, validation, guardrails) adds one contributor to
 * REPORT_CONTRIBUTORS. `fills` names its sections: they print "none in this case" when empty,
 * instead of "not recorded by this version of Lastmile".
 *
 * A contributor must read only (the export may run on a case open for review) and must fill
 * plain data (the report crosses to the export worker by structured clone).
 */
export interface ReportContributor {
  name: string
  fills: ReportSection[]
  contribute(ctx: ReportContext, data: ReportData): void
}
