// `approvals CASE`: the Approvals queue — every planned finding waiting for a decision.
import { RCI_VERDICTS, type RciVerdict } from '../../../shared/model'
import { LastmileError } from '../../errors'
import { queue } from '../../workflow'
import { value } from '../args'
import { emit, type Command } from '../command'
import { table } from '../table'
import { withCase, workflowContext } from './remediation-common'

export const approvalsCommand: Command = {
  name: 'approvals',
  usage: 'approvals CASE [--verdict SAFE|RISKY|UNSCORED] [--initiative I-ID] [--requester NAME] [--as NAME] [--key-file F] [--json]',
  summary: 'the Approvals queue: planned findings waiting for a decision, with their verdict, whether they may be approved in bulk, and (for --as) what four-eyes forbids',
  args: { values: ['--verdict', '--initiative', '--requester'] },
  async run(ctx) {
    const verdict = value(ctx.args, '--verdict')
    if (verdict !== undefined && !RCI_VERDICTS.includes(verdict as RciVerdict)) throw new LastmileError('bad-input', `--verdict ${verdict}: one of ${RCI_VERDICTS.join(', ')}`)
    const wctx = workflowContext(ctx)
    const list = await withCase(ctx, (c) =>
      queue(
        c,
        {
          verdict: verdict as RciVerdict | undefined,
          initiative: value(ctx.args, '--initiative'),
          requester: value(ctx.args, '--requester'),
          as: value(ctx.args, '--as') !== undefined ? wctx.actor : undefined
        },
        wctx
      )
    )
    emit(ctx, list, () =>
      list.length
        ? table(
            ['PLAN', 'FINDING', 'VERDICT', 'BULK', 'REQUESTED BY', 'RESOURCE', 'NOTE'],
            list.map((q) => [
              q.plan,
              q.finding,
              q.verdict,
              q.bulk ? 'yes' : 'one by one',
              q.requestedBy.kind === 'person' ? q.requestedBy.name : q.requestedBy.name,
              q.resource,
              q.blockedFor ?? ''
            ]),
            70
          )
        : 'nothing is waiting for a decision'
    )
    return 0
  }
}
