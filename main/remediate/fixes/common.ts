import type { Artefact, ArtefactKind, ArtefactLanguage } from '../../../shared/remediation'
import { LastmileError } from '../../errors'
import { evidenceLabels, latestConfig, type ConfigFact } from '../config'
import type { FixContext, FixTarget } from '../types'

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
export function requireConfig<T>(ctx: { db: FixContext['db'] }, target: FixTarget, resourceId: string, facet: string, what: string): ConfigFact<T> {
  const c = latestConfig<T>(ctx.db, resourceId, facet)
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
