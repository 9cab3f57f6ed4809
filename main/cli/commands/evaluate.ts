import { evaluateBundle } from '../../evaluate'
import { isControlId } from '../../evaluate/registry'
import type { ControlId } from '../../evaluate/types'
import { LastmileError } from '../../errors'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { table } from '../table'

/**
 * `evaluate BUNDLE`: Lastmile's own check of the configuration in an evidence bundle.
 *
 * Exit code: 0 whenever the evaluation ran — a FAIL is a finding about the cloud, not a failure of
 * the command, and scripts comparing before/after want the document either way. `--fail-on-fail`
 * turns any FAIL into exit 1 (the CI gate form). Bad input (not a bundle, tampered file, unknown
 * control) is 2, as everywhere.
 */
export const evaluate: Command = {
  name: 'evaluate',
  usage: 'evaluate BUNDLE [--json] [--control C]… [--unused-key-days N] [--fail-on-fail]',
  summary: 'check the configuration in an evidence bundle against every control Lastmile knows (PASS/FAIL/UNKNOWN with the reason)',
  args: { values: ['--control', '--unused-key-days'], repeatable: ['--control'], switches: ['--fail-on-fail'] },
  async run(ctx) {
    const bundle = positional(ctx.args, 0, 'BUNDLE (an evidence bundle folder)')
    if (ctx.args.positional.length > 1) throw new LastmileError('bad-input', `one BUNDLE at a time (also given: ${ctx.args.positional.slice(1).join(' ')})`)
    const controls = (ctx.args.values.get('--control') ?? [])
      .flatMap((c) => c.split(','))
      .map((c) => c.trim())
      .filter(Boolean)
    for (const c of controls) if (!isControlId(c)) throw new LastmileError('bad-input', `--control ${c}: not a control Lastmile evaluates`)
    const daysText = value(ctx.args, '--unused-key-days')
    let unusedKeyDays: number | undefined
    if (daysText !== undefined) {
      if (!/^\d+$/.test(daysText)) throw new LastmileError('bad-input', `--unused-key-days ${daysText}: not a whole number of days`)
      unusedKeyDays = Number(daysText)
    }
    const result = await evaluateBundle(bundle, { controls: controls as ControlId[], unusedKeyDays })
    for (const n of result.notes) ctx.err(`note: ${n}`)
    emit(ctx, result.evaluations, () => {
      const counts = { PASS: 0, FAIL: 0, UNKNOWN: 0 }
      for (const e of result.evaluations) counts[e.status]++
      const rows = result.evaluations.map((e) => [e.status, e.control, e.region ? `${e.resource} (${e.region})` : e.resource, e.reason])
      return [
        rows.length ? table(['STATUS', 'CONTROL', 'RESOURCE', 'REASON'], rows, 200) : 'nothing to evaluate in this bundle',
        '',
        `${counts.FAIL} FAIL, ${counts.UNKNOWN} UNKNOWN, ${counts.PASS} PASS — configuration collected ${result.collectedAt}; access keys unused after ${result.unusedKeyDays} days`
      ].join('\n')
    })
    return ctx.args.switches.has('--fail-on-fail') && result.evaluations.some((e) => e.status === 'FAIL') ? 1 : 0
  }
}
