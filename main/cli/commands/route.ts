// `route CASE ID… --out DIR`: the package for the owning team (Markdown, JSON, and a CSV a ticket
// system imports), for UNSAFE findings — and, on demand, any finding not suppressed or accepted.
import { LastmileError } from '../../errors'
import { routeFindings } from '../../workflow'
import { value } from '../args'
import { emit, type Command } from '../command'
import { withCase, workflowContext } from './remediation-common'

export const routeCommand: Command = {
  name: 'route',
  usage: 'route CASE F-ID|I-ID… --out DIR [--by initiative|owner] [--all] [--as NAME --role ROLE] [--key-file F] [--json]',
  summary:
    'route findings to their owners: what was found, what was checked, why it is unsafe, the owner, the suggested path — as Markdown, JSON and a ticket CSV (one ticket per initiative or per owner); an initiative routes its UNSAFE findings (--all: every one)',
  args: { values: ['--out', '--by'], switches: ['--all'] },
  async run(ctx) {
    const refs = ctx.args.positional.slice(1)
    if (!refs.length) throw new LastmileError('bad-input', 'ID is required: one or more findings (F-12) or initiatives (I-3)')
    const out = value(ctx.args, '--out')
    if (!out) throw new LastmileError('bad-input', '--out DIR is required: the folder the package is written to')
    const by = value(ctx.args, '--by') ?? 'initiative'
    if (by !== 'initiative' && by !== 'owner') throw new LastmileError('bad-input', `--by ${by}: initiative or owner`)
    const r = await withCase(ctx, (c) => routeFindings(c, refs, { ...workflowContext(ctx), groupBy: by, out, all: ctx.args.switches.has('--all') }))
    emit(ctx, r, () =>
      [`${r.id}: ${r.findings.length} finding(s) routed in ${r.tickets} ticket(s) to ${r.dir}`, ...r.files.map((f) => `  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}`)].join(
        '\n'
      )
    )
    return 0
  }
}
