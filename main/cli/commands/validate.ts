// `validate CASE ID --bundle DIR | --rescan`: close remediated findings on evidence. Exit 1 when any
// finding is still failing, came back, or could not be decided.
import { LastmileError } from '../../errors'
import { validate } from '../../workflow'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { table } from '../table'
import { withCase, workflowContext } from './remediation-common'

export const validateCommand: Command = {
  name: 'validate',
  usage: 'validate CASE F-ID|I-ID|P-ID (--bundle DIR | --rescan) [--as NAME --role ROLE] [--key-file F] [--json]',
  summary:
    'validate remediated findings: --bundle re-evaluates a new evidence bundle (added to the case), --rescan reads later imports; closes what passes, reopens what still fails, flags what came back (exit 1 unless all passed)',
  args: { values: ['--bundle'], switches: ['--rescan'] },
  async run(ctx) {
    const ref = positional(ctx.args, 1, 'ID (a finding, an initiative or a plan)')
    const bundle = value(ctx.args, '--bundle')
    const rescan = ctx.args.switches.has('--rescan')
    if (!!bundle === rescan) throw new LastmileError('bad-input', 'give either --bundle DIR (validation by evidence) or --rescan (validation by later imports)')
    const list = await withCase(ctx, (c) => validate(c, ref, bundle ? { bundle } : { rescan: true }, workflowContext(ctx)))
    emit(ctx, list, () =>
      table(
        ['FINDING', 'RESULT', 'NOW', 'REASON'],
        list.map((v) => [v.finding, v.result, v.state, v.reason]),
        110
      )
    )
    return list.every((v) => v.result === 'passed') ? 0 : 1
  }
}
