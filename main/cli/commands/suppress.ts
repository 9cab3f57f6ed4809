// `suppress CASE F-ID --reason TEXT [--expires DATE]`: set a finding aside (a false positive, not
// applicable), approved by the person recording it; with an expiry it reopens by itself.
import { suppress } from '../../workflow'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { reasonOf, withCase, workflowContext } from './remediation-common'

export const suppressCommand: Command = {
  name: 'suppress',
  usage: 'suppress CASE F-ID --reason TEXT [--expires DATE] --as NAME --role approver|admin [--key-file F] [--json]',
  summary: 'suppress a finding with its justification and approver (and an optional expiry, after which it reopens); suppressed findings are never planned, approved or routed',
  args: { values: ['--reason', '--expires'] },
  async run(ctx) {
    const ref = positional(ctx.args, 1, 'F-ID (the finding)')
    const f = await withCase(ctx, (c) => suppress(c, ref, { ...workflowContext(ctx), reason: reasonOf(ctx), expires: value(ctx.args, '--expires') ?? null }))
    emit(
      ctx,
      f,
      () =>
        `${f.ref}: suppressed by ${f.decisionActor?.kind === 'person' ? f.decisionActor.name : ''}${f.decisionExpires ? ` until ${f.decisionExpires}` : ''}: ${f.decisionReason}`
    )
    return 0
  }
}
