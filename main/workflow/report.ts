// Stages 4 and 5 in the signed PDF report: for each initiative, its plan (artefacts, rollback,
// preconditions, how it is validated), every approval or rejection with who, when and why, where
// validation stands, the guardrails, and the stage it has reached. Read-only (the export may run
// on a case open for review).
import type { Actor } from '../../shared/model'
import type { Artefact } from '../../shared/remediation'
import type { ReportContributor } from '../report/contributor'
import type { ReportDecision, ReportEvidenceRef, ReportPlan, ReportValidation } from '../report/data'
import { stageOf, initiativeStage } from './board'
import type { PlaybookSet } from '../investigate/loader'
import { builtInPlaybooks, guardrailBundle } from './index'
import { getPlan } from './plans'
import { findingsWhere, planRef } from './store'

function artefacts(list: ReadonlyArray<Pick<Artefact, 'kind' | 'language' | 'content'>>): Array<{ kind: string; language: string; content: string }> {
  return list.map((a) => ({ kind: a.kind, language: a.language, content: a.content }))
}

export const remediationReportContributor: ReportContributor = {
  name: 'remediation',
  // fills the initiatives the ingest contributor listed: it must come after it
  fills: ['plans', 'decisions', 'validation', 'guardrails'],
  contribute(ctx, data) {
    const db = ctx.c.db
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'remediation_plans'").get()) return
    // read once for every initiative's guardrails (their templates), not once an initiative
    let playbooks: PlaybookSet | null | undefined
    for (const ini of data.initiatives) {
      const m = /^I-(\d+)$/.exec(ini.id)
      if (!m) continue
      const findings = findingsWhere(db, 'f.initiative_id = ?', [Number(m[1])])
      if (!findings.length) continue
      ini.stage = initiativeStage(findings)
      const ids = findings.map((f) => f.id)
      const marks = ids.map(() => '?').join(',')
      const planRow =
        (db.prepare("SELECT id FROM remediation_plans WHERE target = ? AND status = 'active' ORDER BY id DESC LIMIT 1").get(ini.id) as { id: number } | undefined) ??
        (db
          .prepare(
            `SELECT p.id FROM remediation_plans p JOIN plan_findings x ON x.plan_id = p.id WHERE x.finding_id IN (${marks}) ORDER BY p.status = 'active' DESC, p.id DESC LIMIT 1`
          )
          .get(...ids) as { id: number } | undefined)
      if (planRow) {
        const p = getPlan(db, planRef(planRow.id))
        const plan: ReportPlan = {
          id: p.id,
          target: p.target,
          verdict: p.verdict,
          requestedBy: p.requestedBy,
          createdAt: p.createdAt,
          artefacts: artefacts(p.artefacts),
          rollback: artefacts(p.rollback),
          preconditions: p.preconditions,
          validation: p.validation
        }
        ini.plan = plan
        ini.guardrails = artefacts(p.guardrails)
      } else {
        if (playbooks === undefined) playbooks = builtInPlaybooks()
        ini.guardrails = artefacts(guardrailBundle(db, ini.id, {}, playbooks).guardrails)
      }
      ini.decisions = (
        db.prepare(`SELECT id, plan_id, finding_id, decision, actor, reason, at, void_reason FROM approvals WHERE finding_id IN (${marks}) ORDER BY id`).all(...ids) as Array<{
          id: number
          plan_id: number
          finding_id: number
          decision: 'approved' | 'rejected'
          actor: string
          reason: string
          at: string
          void_reason: string | null
        }>
      ).map(
        (a): ReportDecision => ({
          id: `D-${a.id}`,
          plan: planRef(a.plan_id),
          decision: a.decision,
          actor: JSON.parse(a.actor) as Actor,
          reason: `F-${a.finding_id}: ${a.reason}${a.void_reason ? ` (void: ${a.void_reason})` : ''}`,
          at: a.at
        })
      )
      const validations = db.prepare(`SELECT finding_id, method, result, reason, evidence, at FROM validations WHERE finding_id IN (${marks}) ORDER BY id`).all(...ids) as Array<{
        finding_id: number
        method: 'evidence' | 'rescan'
        result: string
        reason: string
        evidence: string
        at: string
      }>
      if (validations.length) {
        const last = validations[validations.length - 1]
        const inStages = findings.filter((f) => stageOf(f) !== null)
        const closed = inStages.filter((f) => f.state === 'closed')
        const regressed = findings.filter((f) => f.state === 'regression')
        const drifted = ini.stage !== 'validated' && findings.some((f) => (f.stateReason ?? '').startsWith('drift:'))
        const stillOpen = findings.filter((f) => f.state === 'reopened' || f.state === 'remediated')
        const refs: ReportEvidenceRef[] = [...new Set(validations.flatMap((v) => JSON.parse(v.evidence) as string[]))].map((e) => ({ id: e, label: e, sha256: null }))
        const validation: ReportValidation = {
          at: last.at,
          method: last.method === 'evidence' ? 'evaluate' : 'rescan',
          result: regressed.length ? 'regressed' : drifted ? 'drifted' : closed.length === inStages.length && inStages.length > 0 ? 'closed' : 'still-open',
          summary: [
            `${closed.length} of ${inStages.length} finding(s) closed on evidence or rescan`,
            ...stillOpen.map((f) => `${f.ref} ${f.state === 'reopened' ? `reopened: ${f.stateReason ?? ''}` : 'awaiting validation'}`),
            ...regressed.map((f) => `${f.ref} came back: ${f.stateReason ?? ''}`)
          ].join('; '),
          evidence: refs
        }
        ini.validation = validation
      }
    }
  }
}
