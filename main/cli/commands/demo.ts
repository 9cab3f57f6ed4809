import { join } from 'node:path'
import { value } from '../args'
import { emit, type Command } from '../command'
import { progressReporter } from '../progress'
import { runDemo } from '../../demo/demo'
import { actorOf } from '../context'
import { demoDir } from '../../demo/case-builder'

export const demo: Command = {
  name: 'demo',
  usage: 'demo [--out DIR] [--json]',
  summary:
    'build the demo case from resources/demo end to end: ingest, evidence, investigate, plan, approval, execution, validation, signed PDF and case file (DEMO certificate made on the spot)',
  args: { values: ['--out'] },
  async run(ctx) {
    const out = value(ctx.args, '--out') ?? join(process.cwd(), 'lastmile-demo')
    const progress = progressReporter(ctx)
    try {
      const r = await runDemo({ out, demoDir: demoDir(), owner: actorOf(ctx), onStep: (m) => ctx.err(`demo: ${m}`), onProgress: progress.update })
      progress.done()
      emit(ctx, r, () =>
        [
          `Demo case built in ${r.out}`,
          `  case         ${r.case}   (key: ${r.keyFile})`,
          `  imported     ${r.imports} exports, ${r.alerts} alerts → ${r.findings} findings`,
          `  verdicts     SAFE ${r.verdicts.SAFE} · RISKY ${r.verdicts.RISKY} · UNSAFE ${r.verdicts.UNSAFE} · UNSCORED ${r.verdicts.UNSCORED}`,
          `  plan         ${r.plan.id} for ${r.plan.target} (${r.plan.verdict}): ${r.plan.artefacts.join(', ')}`,
          `  approved by  ${r.approvedBy}`,
          `  validation   ${r.validation}`,
          `  report       ${r.report} (${r.pdf.pages} pages, signed by "${r.certificate.subject}")`,
          `  case file    ${r.caseFile} (export passphrase: ${r.exportPassFile})`,
          `  audit trail  ${r.verified ? 'verifies' : 'DOES NOT VERIFY'}`,
          '',
          `Check it yourself: lastmile verify ${r.report}; lastmile verify ${r.case} --key-file ${r.keyFile}`
        ].join('\n')
      )
      return r.verified ? 0 : 1
    } finally {
      progress.done()
    }
  }
}
