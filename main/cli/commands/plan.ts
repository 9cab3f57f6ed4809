// `plan CASE ID` (CLI.md): the remediation plan for a finding (F-12) or an initiative (I-3),
// requested by --as/--role; `plan CASE P-3` shows a plan already made. --out writes every
// artefact to a folder, ready to review and run.
import type { Artefact, PlanView } from '../../../shared/remediation'
import { LastmileError } from '../../errors'
import { checkOutputFolder, writeNewFiles } from '../../services/outputs'
import { plan as makePlan, showPlan } from '../../workflow'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { filesRead } from '../context'
import { table } from '../table'
import { actorLabel, withCase, workflowContext } from './remediation-common'

/**
 * Where an artefact goes under --out. Every Terraform artefact is a whole root module (its own
 * `terraform` block and providers pinned to one account), so each gets its own folder
 * `terraform/F-12/main.tf`: two of them in one folder are one module with duplicate
 * `required_providers` and `provider` blocks, which `terraform validate` refuses.
 */
function artefactPath(a: Pick<Artefact, 'kind' | 'name'>): string {
  if (a.kind !== 'terraform') return a.name
  return `terraform/${a.name.replace(/\.tf$/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}/main.tf`
}

export function writePlanFiles(dir: string, p: PlanView, inputs: readonly string[] = []): string[] {
  const files = [
    ...p.artefacts.map((a) => ({ ...a, name: artefactPath(a) })),
    ...p.rollback.map((a) => ({ ...a, name: artefactPath({ ...a, name: a.name.includes('rollback') ? a.name : `rollback-${a.name}` }) })),
    ...p.guardrails.map((a) => ({ ...a, name: `guardrails/${a.name}` }))
  ]
  writeNewFiles(
    dir,
    files.map((f) => ({ name: f.name, content: f.content, mode: f.language === 'bash' ? 0o755 : 0o644 })),
    { inputs, existsHint: 'write the plan into an empty folder' }
  )
  return files.map((f) => f.name)
}

function human(p: PlanView, written: string[] | null): string {
  return [
    `${p.id} for ${p.target}: ${p.verdict}, ${p.status}${p.supersededBy ? ` (superseded by ${p.supersededBy}: ${p.supersedeReason})` : ''}`,
    `requested by ${actorLabel(p.requestedBy)} at ${p.createdAt}; four-eyes ${p.fourEyes ? 'on' : 'off'}; sha256 ${p.sha256}`,
    '',
    table(
      ['FINDING', 'VERDICT', 'STATE', 'RESOURCE'],
      p.findings.map((f) => [f.id, f.verdict, f.state, f.resource]),
      90
    ),
    ...(p.excluded.length ? ['', 'Not in the plan:', ...p.excluded.map((x) => `  ${x.finding}: ${x.reason}`)] : []),
    '',
    'Artefacts:',
    ...p.artefacts.map((a) => `  ${a.name} (${a.kind}) — ${a.purpose}`),
    'Rollback:',
    ...p.rollback.map((a) => `  ${a.name} (${a.kind}) — ${a.purpose}`),
    'Guardrails:',
    ...p.guardrails.map((a) => `  ${a.name} (${a.kind})`),
    'Preconditions:',
    ...p.preconditions.map((x) => `  - ${x}`),
    `Validation: ${p.validation}`,
    ...(p.notes.length ? ['Notes:', ...p.notes.map((n) => `  - ${n}`)] : []),
    ...(written ? ['', `Written: ${written.length} files`] : ['', 'Give --out DIR to write the artefacts to files.'])
  ].join('\n')
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'plan CASE F-ID|I-ID|P-ID [--param NAME=VALUE]… [--out DIR] [--break-glass-role ARN]… [--exception-tag KEY=VALUE] [--as NAME --role ROLE] [--key-file F] [--json]',
  summary:
    'the remediation plan for a finding or an initiative, rendered from the evidence: fix artefacts (AWS CLI, Terraform, CloudFormation, Azure CLI, policy JSON), rollback, guardrails, preconditions, validation; P-ID shows an existing plan; --out writes the files',
  args: { values: ['--param', '--out', '--break-glass-role', '--exception-tag'], repeatable: ['--param', '--break-glass-role'] },
  async run(ctx) {
    const id = positional(ctx.args, 1, 'ID (a finding F-12, an initiative I-3, or a plan P-3)')
    const inputs: Record<string, string> = {}
    for (const p of ctx.args.values.get('--param') ?? []) {
      const m = /^([a-z][a-z0-9_]*)=(.*)$/.exec(p)
      if (!m) throw new LastmileError('bad-input', `--param ${p}: give NAME=VALUE (a playbook template parameter)`)
      inputs[m[1]] = m[2]
    }
    const out = value(ctx.args, '--out')
    const read = [positional(ctx.args, 0, 'CASE'), ...filesRead(ctx)]
    // refuse a bad --out before the plan is made: a refused write must not leave a new plan behind
    if (out) checkOutputFolder(out, { inputs: read })
    const wctx = workflowContext(ctx)
    const p = await withCase(ctx, (c) => (/^P-\d+$/i.test(id) ? showPlan(c, id, wctx) : makePlan(c, id, { ...wctx, inputs })))
    const written = out ? writePlanFiles(out, p, read) : null
    emit(ctx, p, () => human(p, written))
    return 0
  }
}
