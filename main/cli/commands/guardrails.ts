// `guardrails CASE [ID] --out DIR`: the guardrails that keep fixed problems from coming back (SCPs,
// RCPs, AWS Config rules, Azure Policy), per initiative or finding, or for the whole case.
import { guardrailBundle, exportGuardrails } from '../../workflow'
import { value } from '../args'
import { emit, type Command } from '../command'
import { withCase, workflowContext } from './remediation-common'

export const guardrailsCommand: Command = {
  name: 'guardrails',
  usage: 'guardrails CASE [I-ID|F-ID] [--out DIR] [--break-glass-role ARN]… [--exception-tag KEY=VALUE] [--as NAME --role ROLE] [--key-file F] [--json]',
  summary:
    'guardrails ready to apply for the case (or an initiative): SCPs and RCPs with exceptions for UNSAFE and accepted resources, AWS Config rules as CloudFormation, Azure Policy assignments — each with what it prevents and would break; --out writes them',
  args: { values: ['--out', '--break-glass-role', '--exception-tag'], repeatable: ['--break-glass-role'] },
  async run(ctx) {
    const ref = ctx.args.positional[1] ?? null
    const out = value(ctx.args, '--out')
    const wctx = workflowContext(ctx)
    if (out) {
      const r = await withCase(ctx, (c) => exportGuardrails(c, ref, out, wctx))
      emit(ctx, r, () =>
        [`guardrails for ${r.scope} written to ${r.dir}:`, ...r.files.map((f) => `  ${f.name}  sha256 ${f.sha256}`), ...r.notes.map((n) => `note: ${n}`)].join('\n')
      )
      return 0
    }
    const b = await withCase(ctx, (c) => guardrailBundle(c.db, ref, wctx.guardrails), { readOnly: true })
    emit(ctx, b, () => b.readme)
    return 0
  }
}
