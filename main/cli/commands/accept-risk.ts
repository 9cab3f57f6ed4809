// `accept-risk CASE F-ID --reason TEXT --expires DATE`: a person with the approver role accepts a
// finding's risk until a date; the finding is reopened automatically when it expires.
import { acceptRisk } from '../../workflow'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { reasonOf, withCase, workflowContext } from './remediation-common'

export const acceptRiskCommand: Command = {
  name: 'accept-risk',
  usage: 'accept-risk CASE F-ID --reason TEXT --expires DATE --as NAME --role approver|admin [--key-file F] [--json]',
  summary:
    "accept a finding's risk, with the justification, the approver (--as, approver role) and an expiry; accepted findings are never planned, approved or routed, and reopen when it expires",
  args: { values: ['--reason', '--expires'] },
  async run(ctx) {
    const ref = positional(ctx.args, 1, 'F-ID (the finding)')
    const f = await withCase(ctx, (c) => acceptRisk(c, ref, { ...workflowContext(ctx), reason: reasonOf(ctx), expires: value(ctx.args, '--expires') ?? null }))
    emit(ctx, f, () => `${f.ref}: risk accepted by ${f.decisionActor?.kind === 'person' ? f.decisionActor.name : ''} until ${f.decisionExpires}: ${f.decisionReason}`)
    return 0
  }
}
