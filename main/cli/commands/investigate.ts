// `investigate` (CLI.md), `rci` and `playbooks`: stage 3 on the command line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { InvestigationRunResult } from '../../../shared/investigate'
import { RCI_VERDICTS } from '../../../shared/model'
import { LastmileError } from '../../errors'
import { collectEvidence } from '../../evidence/collect'
import { CLOUDTRAIL_SOURCE_FLAGS, cloudTrailSourceOf } from './evidence'
import { addEvidenceBundle } from '../../evidence/service'
import { loadControls } from '../../controls/catalogue'
import { genericSummaries } from '../../investigate/generic'
import { loadPlaybooks, summarise } from '../../investigate/loader'
import { rciView } from '../../case/rci'
import { investigateInWorker } from '../../investigate/service'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { actorOf, appVersion, openCase, readKey, type CliContext } from '../context'
import { progressReporter } from '../progress'
import { table } from '../table'

/** The user's own playbooks: --playbooks DIR, else LASTMILE_PLAYBOOKS. */
function customDir(ctx: CliContext): string | null {
  const d = value(ctx.args, '--playbooks') ?? ctx.env.LASTMILE_PLAYBOOKS
  return d ? resolve(d) : null
}

/**
 * `--profile`: gather a bundle with read-only calls through the profile (as `evidence collect`
 * does), attach it to the case, and investigate from it — live evidence, kept in the case like any
 * other bundle so the verdict can be re-derived and audited later.
 */
async function collectLive(ctx: CliContext, casePath: string, profile: string): Promise<void> {
  const provider = value(ctx.args, '--provider') ?? 'aws'
  if (provider !== 'aws' && provider !== 'azure') throw new LastmileError('bad-input', `--provider ${provider}: aws or azure`)
  const daysText = value(ctx.args, '--days') ?? '90'
  if (!/^\d+$/.test(daysText)) throw new LastmileError('bad-input', `--days ${daysText}: a whole number of days`)
  const cloudTrailSource = cloudTrailSourceOf(ctx, provider)
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-live-'))
  try {
    const actor = actorOf(ctx)
    const out = join(dir, 'bundle')
    await collectEvidence({
      out,
      provider,
      profile,
      days: Number(daysText),
      regions: ctx.args.values.get('--region'),
      cloudTrailSource,
      operator: actor.kind === 'person' ? actor.name : 'lastmile',
      version: appVersion(),
      env: ctx.env,
      onProgress: (m) => (ctx.interactive ? ctx.err(m) : undefined)
    })
    const c = openCase(ctx, casePath)
    try {
      await addEvidenceBundle(c, out, { actor })
    } finally {
      c.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const investigate: Command = {
  name: 'investigate',
  usage:
    'investigate CASE [--finding F-ID]… [--initiative I-ID] [--playbooks DIR] [--profile P [--provider aws|azure] [--days 90] [--region R]… [--cloudtrail-source files|lake[:ARN]|athena:DB.TABLE]] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary:
    "run the playbooks over the open findings from the evidence in the case (or, with --profile, from evidence gathered now with read-only calls) and record each finding's RCI: SAFE, RISKY or UNSAFE, with the steps behind it",
  args: {
    values: ['--finding', '--initiative', '--playbooks', '--profile', '--provider', '--days', '--region', ...CLOUDTRAIL_SOURCE_FLAGS],
    repeatable: ['--finding', '--region']
  },
  async run(ctx) {
    const casePath = resolve(positional(ctx.args, 0, 'CASE (the case to investigate)'))
    const dir = customDir(ctx)
    // check the playbooks (and report a broken one with its line) before any work starts
    loadPlaybooks({ customDir: dir })
    const profile = value(ctx.args, '--profile')
    if (profile) await collectLive(ctx, casePath, profile)
    const bar = progressReporter(ctx)
    let result: InvestigationRunResult
    const run = investigateInWorker(
      { casePath, key: readKey(ctx), actor: actorOf(ctx), customDir: dir, findings: ctx.args.values.get('--finding'), initiative: value(ctx.args, '--initiative') },
      (p) => bar.update(p)
    )
    const onSignal = (): void => run.cancel()
    process.once('SIGINT', onSignal)
    try {
      result = await run.done
    } finally {
      process.removeListener('SIGINT', onSignal)
      bar.done()
    }
    if (result.status === 'cancelled') {
      ctx.err('lastmile investigate: cancelled; nothing was written')
      emit(ctx, result, () => 'cancelled')
      return 1
    }
    emit(ctx, result, () =>
      [
        `${result.findings} open findings investigated (run ${result.run}): ${RCI_VERDICTS.map((v) => `${result.verdicts[v]} ${v}`).join(', ')}`,
        result.changed.length
          ? table(
              ['FINDING', 'BEFORE', 'AFTER', 'WHAT CHANGED'],
              result.changed.map((c) => [c.finding, c.before ?? '-', c.after, c.changes.map((s) => `${s.step}: ${s.before ?? '-'}→${s.after ?? '-'}`).join(', ')]),
              90
            )
          : 'no verdict changed',
        result.unchanged ? `${result.unchanged} unchanged` : '',
        result.generic ? `${result.generic} had no playbook of their own: the generic investigation judged them by what their fix does` : ''
      ]
        .filter(Boolean)
        .join('\n')
    )
    return 0
  }
}

const rci: Command = {
  name: 'rci',
  usage: 'rci CASE F-ID [--key-file F] [--json]',
  summary: "a finding's Remediation Confidence Indicator: the verdict, every step's answer with its evidence and explanation, and how the verdict evolved",
  args: {},
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const v = rciView(c.db, positional(ctx.args, 1, 'F-ID (the finding)'))
      emit(ctx, v, () => {
        const d = v.document
        if (!d) return `${v.finding}: ${v.verdict} (not investigated yet: run lastmile investigate)`
        return [
          `${v.finding}  ${d.control}  ${d.resource}`,
          `${d.verdict}: ${d.because}`,
          d.playbook
            ? `${d.generic ? `generic investigation (its fix is ${d.generic.effect}: ${d.generic.effectBy}), ` : ''}playbook ${d.playbook.id} v${d.playbook.version}${d.playbook.custom ? ' (custom)' : ''}, window ${d.window ? `${d.window.from} to ${d.window.to}` : 'none'}`
            : '',
          ...d.steps.map(
            (s) =>
              `  [${s.answer.toUpperCase().padEnd(7)}] ${s.question}\n            ${s.explanation}${s.certainty ? ` (${s.certainty})` : ''}\n            evidence: ${s.evidence.join(', ') || 'none'}`
          ),
          v.history.length ? 'history:' : '',
          ...v.history.map(
            (h) =>
              `  ${h.at}  run ${h.run}  ${h.previous ?? '-'} → ${h.verdict} (${h.reason})${h.changes.length ? `: ${h.changes.map((x) => `${x.step} ${x.before ?? '-'}→${x.after ?? '-'}`).join(', ')}` : ''}`
          )
        ]
          .filter(Boolean)
          .join('\n')
      })
      return 0
    } finally {
      c.close()
    }
  }
}

const playbooks: Command = {
  name: 'playbooks',
  usage: 'playbooks [--playbooks DIR] [--json]',
  summary:
    'the playbooks Lastmile loads (built-in, and your own from --playbooks DIR or LASTMILE_PLAYBOOKS, marked custom), then the generic investigations (additive, restrictive, replacing) with the controls they serve: controls, steps and the verdicts they can give',
  args: { values: ['--playbooks'] },
  run(ctx) {
    const set = loadPlaybooks({ customDir: customDir(ctx) })
    const list = [...set.playbooks.map(summarise), ...genericSummaries(loadControls().controls, (c) => set.forControl(c) !== null, summarise)]
    const own = list.filter((p) => !p.generic)
    emit(ctx, list, () =>
      [
        table(
          ['PLAYBOOK', 'VERSION', 'CONTROLS', 'STEPS', 'VERDICTS', 'ORIGIN'],
          own.map((p) => [
            p.id,
            p.version,
            p.controls.map((c) => c.id).join(' '),
            p.steps.map((s) => s.id).join(' '),
            p.verdicts.join('/'),
            p.custom ? `custom (${p.file})` : 'built-in'
          ]),
          80
        ),
        '',
        // what they serve is the point of these rows: not cut
        table(
          ['GENERIC INVESTIGATION', 'VERSION', 'VERDICTS', 'SERVES'],
          list.flatMap((p) => (p.generic ? [[p.id, p.version, p.verdicts.join('/'), p.generic.serves]] : [])),
          400
        )
      ].join('\n')
    )
    return 0
  }
}

export const INVESTIGATE_COMMANDS: Command[] = [investigate, rci, playbooks]
