// `record-execution CASE PLAN_ID --outcome executed|failed --output FILE`: the operator ran the
// approved artefacts; the result and its output go into the case.
import { basename } from 'node:path'
import { LastmileError } from '../../errors'
import { readRegularFile } from '../../services/input-files'
import { MAX_OUTPUT_BYTES, recordExecutionOf } from '../../workflow'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { findingsFlag, withCase, workflowContext } from './remediation-common'

export const recordExecutionCommand: Command = {
  name: 'record-execution',
  usage: 'record-execution CASE PLAN_ID --outcome executed|failed --output FILE [--finding F-ID]… [--as NAME --role ROLE] [--key-file F] [--json]',
  summary: 'record what was run for an approved plan (executed or failed) with its output attached; executed findings become "remediated, awaiting validation"',
  args: { values: ['--outcome', '--output', '--finding'], repeatable: ['--finding'] },
  async run(ctx) {
    const plan = positional(ctx.args, 1, 'PLAN_ID (P-3)')
    const outcome = value(ctx.args, '--outcome')
    if (outcome !== 'executed' && outcome !== 'failed') throw new LastmileError('bad-input', '--outcome executed|failed is required')
    const file = value(ctx.args, '--output')
    if (!file) throw new LastmileError('bad-input', '--output FILE is required: the output of the run (a log, a transcript)')
    const output = readRegularFile(file, file, 'an output file', MAX_OUTPUT_BYTES)
    const list = await withCase(ctx, (c) => recordExecutionOf(c, plan, { ...workflowContext(ctx), outcome, output, outputName: basename(file), findings: findingsFlag(ctx) }))
    emit(ctx, list, () => list.map((e) => `${e.finding}: ${e.outcome} (${e.id}); now ${e.state}`).join('\n'))
    return 0
  }
}
