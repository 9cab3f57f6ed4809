// `reject CASE PLAN_ID --as NAME --role ROLE --reason TEXT` (CLI.md): refuse a plan's findings.
import { reject } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { decisionText } from './approve'
import { findingsFlag, reasonOf, withCase, workflowContext } from './remediation-common'

export const rejectCommand: Command = {
  name: 'reject',
  usage: 'reject CASE PLAN_ID --as NAME --role approver|admin --reason TEXT [--finding F-ID]… [--key-file F] [--json]',
  summary: 'reject a plan (or some of its findings) with a reason; a rejected finding can be planned again',
  args: { values: ['--reason', '--finding'], repeatable: ['--finding'] },
  async run(ctx) {
    const plan = positional(ctx.args, 1, 'PLAN_ID (P-3)')
    const r = await withCase(ctx, (c) => reject(c, plan, { ...workflowContext(ctx), reason: reasonOf(ctx), findings: findingsFlag(ctx) }))
    emit(ctx, r, () => decisionText(r))
    return 0
  }
}
