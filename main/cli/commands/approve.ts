// `approve CASE PLAN_ID --as NAME --role ROLE --reason TEXT` (CLI.md): let a plan's findings run.
// SAFE findings are approved together; RISKY ones one by one (--finding F-ID); UNSAFE never.
import type { DecisionResult } from '../../../shared/remediation'
import { approve } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { findingsFlag, reasonOf, withCase, workflowContext } from './remediation-common'

export function decisionText(r: DecisionResult): string {
  return [
    ...r.approvals.map(
      (a) =>
        `${a.finding}: ${a.decision} by ${a.actor.kind === 'person' ? `${a.actor.name} (${a.actor.role})` : a.actor.name} at ${a.at} — ${a.verdict}, ${a.evidence.length} evidence file(s)`
    ),
    ...(r.pending.length ? [`still waiting for a decision in ${r.plan}: ${r.pending.join(', ')} (RISKY findings are approved one by one: --finding F-ID)`] : [])
  ].join('\n')
}

export const approveCommand: Command = {
  name: 'approve',
  usage: 'approve CASE PLAN_ID --as NAME --role approver|admin --reason TEXT [--finding F-ID]… [--key-file F] [--json]',
  summary:
    "approve a plan: SAFE findings together, a RISKY one on its own with --finding; records who, when, why and the verdict and evidence it stands on (four-eyes: not the plan's requester)",
  args: { values: ['--reason', '--finding'], repeatable: ['--finding'] },
  async run(ctx) {
    const plan = positional(ctx.args, 1, 'PLAN_ID (P-3)')
    const r = await withCase(ctx, (c) => approve(c, plan, { ...workflowContext(ctx), reason: reasonOf(ctx), findings: findingsFlag(ctx) }))
    emit(ctx, r, () => decisionText(r))
    return 0
  }
}
