// `workflow CASE F-ID`: a finding's way through the workflow — every transition, decision,
// execution and validation, with who and why.
import { findingWorkflow } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { actorLabel, withCase } from './remediation-common'

export const workflowCommand: Command = {
  name: 'workflow',
  usage: 'workflow CASE F-ID [--key-file F] [--json]',
  summary: "a finding's workflow history: its state, every transition with who and why, approvals, executions and validations",
  args: {},
  async run(ctx) {
    const ref = positional(ctx.args, 1, 'F-ID (the finding)')
    const w = await withCase(ctx, (c) => findingWorkflow(c.db, ref), { readOnly: true })
    emit(ctx, w, () =>
      [
        `${w.finding}: ${w.state}${w.plan ? ` (${w.plan})` : ''}${w.reason ? ` — ${w.reason}` : ''}`,
        ...(w.decision
          ? [`decision: ${w.decision.decision} by ${actorLabel(w.decision.by)}${w.decision.expires ? ` until ${w.decision.expires}` : ''}: ${w.decision.reason}`]
          : []),
        ...w.history.map((h) => `  ${h.at}  ${h.from} → ${h.to}  (${h.event}${h.plan ? ` ${h.plan}` : ''}) by ${actorLabel(h.actor)}${h.reason ? `: ${h.reason}` : ''}`)
      ].join('\n')
    )
    return 0
  }
}
