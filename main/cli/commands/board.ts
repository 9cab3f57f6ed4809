// `board CASE`: where each initiative is, from verdict to validated, with regressions and drift.
import { board } from '../../workflow'
import { emit, type Command } from '../command'
import { table } from '../table'
import { withCase, workflowContext } from './remediation-common'

export const boardCommand: Command = {
  name: 'board',
  usage: 'board CASE [--key-file F] [--json]',
  summary: "the board: each initiative's stage (new → investigated → planned → approved → remediated → validated), findings per workflow state, regressions and drifted plans",
  args: {},
  async run(ctx) {
    const b = await withCase(ctx, (c) => board(c, workflowContext(ctx)))
    for (const ch of b.changes) ctx.err(`note: ${ch}`)
    emit(ctx, b, () =>
      table(
        ['INITIATIVE', 'STAGE', 'PLANNED', 'APPROVED', 'REMEDIATED', 'CLOSED', 'ROUTED', 'ACCEPTED', 'REGRESSIONS', 'TITLE'],
        b.initiatives.map((i) => [
          i.id,
          i.stage,
          i.states.planned,
          i.states.approved,
          i.states.remediated,
          i.states.closed,
          i.states.routed,
          i.accepted,
          i.regressions.join(' '),
          i.title
        ]),
        60
      )
    )
    return 0
  }
}
