// `clear-decision CASE F-ID --reason TEXT`: end a suppression or risk acceptance before it expires.
import { clear } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { reasonOf, withCase, workflowContext } from './remediation-common'

export const clearDecisionCommand: Command = {
  name: 'clear-decision',
  usage: 'clear-decision CASE F-ID --reason TEXT --as NAME --role approver|admin [--key-file F] [--json]',
  summary: 'end a suppression or risk acceptance early; the finding is open again',
  args: { values: ['--reason'] },
  async run(ctx) {
    const ref = positional(ctx.args, 1, 'F-ID (the finding)')
    const f = await withCase(ctx, (c) => clear(c, ref, { ...workflowContext(ctx), reason: reasonOf(ctx) }))
    emit(ctx, f, () => `${f.ref}: decision cleared; ${f.state}`)
    return 0
  }
}
