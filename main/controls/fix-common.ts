import type { StepAnswer } from '../../shared/model'
import type { Artefact, ArtefactKind, ArtefactLanguage } from '../../shared/remediation'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'
import { rciDocument } from '../case/rci'
import { evidenceLabels, latestConfig, type StoredFacet } from '../case/resource-config'
import type { FacetName } from '../semantics/facets'

export { configuredResources, latestConfig, userArnInEvidence } from '../case/resource-config'
import type { FixContext, FixTarget } from './fix'

/** The comment lines that head every artefact: which plan, finding, resource and evidence. */
export function headerLines(ctx: FixContext): string[] {
  const t = ctx.target
  return [
    `Lastmile plan ${ctx.plan}, finding ${t.finding}: ${t.control} on ${t.resourceId}`,
    `Computed from evidence collected ${ctx.inputs.collectedAt}: ${evidenceLabels(ctx.db, ctx.inputs.evidence).join(', ') || 'no file recorded'}`
  ]
}

export function artefact(ctx: FixContext, kind: ArtefactKind, language: ArtefactLanguage, suffix: string, purpose: string, content: string): Artefact {
  return { kind, language, content, name: `${ctx.target.finding}.${suffix}`, finding: ctx.target.finding, purpose }
}

/** The configuration facet a fix needs, or a clear refusal naming the evidence file to add. */
export function requireConfig<K extends FacetName>(ctx: { db: FixContext['db'] }, target: FixTarget, resourceId: string, facet: K, what: string): StoredFacet<K> {
  const c = latestConfig(ctx.db, resourceId, facet)
  if (!c) {
    throw new LastmileError('not-found', `${target.finding}: no configuration of ${resourceId} in the case's evidence; add an evidence bundle with ${what} before planning`)
  }
  return c
}

/** The validation sentence for a finding, the same for every control: by evidence or rescan. */
export function validationText(target: FixTarget): string {
  return (
    `Collect evidence after the change and run \`lastmile validate CASE ${target.finding} --bundle BUNDLE\`: ` +
    `Lastmile's ${target.control} evaluator must answer PASS for ${target.resourceId}${target.region ? ` (${target.region})` : ''}. ` +
    `Or import a later scan that covers it: \`lastmile validate CASE ${target.finding} --rescan\` closes it once the scanner no longer reports it.`
  )
}

/** The account an AWS resource is in, required to pin the script to it. */
export function requireAccount(target: FixTarget, fromConfig?: string | null): string {
  const a = fromConfig ?? target.account
  if (!a || !/^\d{12}$/.test(a)) throw new LastmileError('not-found', `${target.finding}: the AWS account of ${target.resourceId} is unknown; the fix cannot be pinned to it`)
  return a
}

export function requireRegion(target: FixTarget, fromConfig?: string | null): string {
  const r = fromConfig && fromConfig !== 'unknown' ? fromConfig : target.region
  if (!r || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(r)) throw new LastmileError('not-found', `${target.finding}: the Region of ${target.resourceId} is not in the evidence`)
  return r
}

/** What an approver must know for one step's answer: a sentence the step's own explanation follows. */
export type StepWording = Record<string, Partial<Record<StepAnswer, string>>>

/**
 * The preconditions a plan stands on, derived from the finding's stored RCI: for every step whose
 * answer the fix's safety depends on, the sentence for that answer followed by what the
 * investigation found. Never a fixed claim ("the investigation must have found none") that the
 * verdict's own reasoning may contradict. A finding never investigated says so.
 */
export function verdictPreconditions(db: Db, target: FixTarget, wording: StepWording, uninvestigated: string): string[] {
  const doc = rciDocument(db, Number(target.finding.replace(/^F-/, '')))
  if (!doc || doc.verdict === 'UNSCORED' || !doc.steps.length) return [`no investigation of this finding is stored: ${uninvestigated}`]
  const out = [`the RCI verdict is ${doc.verdict}: ${doc.because}`]
  for (const s of doc.steps) {
    const w = wording[s.id]?.[s.answer]
    if (w) out.push(`${w} — ${s.explanation}`)
  }
  return out
}
