import { LastmileError } from '../../errors'
import { exportCaseFile } from '../../export/case-file'
import { exportPdf } from '../../export/export-pdf'
import { positional, requireValue, value } from '../args'
import { emit, type Command } from '../command'
import { actorOf, filesRead, openCase } from '../context'
import { progressReporter } from '../progress'
import { SIGN_FLAGS, exportPassphrase, signPassphrase, signingKey } from './export-options'

const kb = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`)

export const exportPdfCommand: Command = {
  name: 'export pdf',
  usage: 'export pdf CASE --out FILE.pdf [--force] --sign CERT.p12 [--sign-pass-file F] [--classification TEXT] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary:
    'write the signed PDF audit report of a case (PAdES, SHA-256), sealing its audit trail with a checkpoint first; never over the case, its side files or an input, and over an existing file only with --force',
  args: { values: ['--out', ...SIGN_FLAGS, '--classification'], switches: ['--force'] },
  async run(ctx) {
    const path = positional(ctx.args, 0, 'CASE (the case to report on)')
    const out = requireValue(ctx.args, '--out')
    const p12 = value(ctx.args, '--sign')
    if (p12 === undefined) throw new LastmileError('bad-input', '--sign CERT.p12 is required: the report is signed with a PKCS#12 certificate')
    const passphrase = signPassphrase(ctx)
    const actor = actorOf(ctx)
    const c = openCase(ctx, path)
    const progress = progressReporter(ctx)
    try {
      const r = await exportPdf(c, {
        out,
        p12Path: p12,
        p12Passphrase: passphrase,
        classification: value(ctx.args, '--classification'),
        actor,
        now: () => new Date().toISOString(),
        onProgress: progress.update,
        overwrite: ctx.args.switches.has('--force'),
        inputs: filesRead(ctx)
      })
      progress.done()
      emit(
        ctx,
        r,
        () =>
          `wrote ${r.path} (${r.pages} pages, ${kb(r.bytes)}), signed by ${r.signer.subject} (${r.signer.fingerprint})\n` +
          `checkpoint ${r.checkpoint.number} seals audit entries ${r.checkpoint.firstSeq}–${r.checkpoint.lastSeq}; sha256 ${r.sha256}`
      )
      return 0
    } finally {
      progress.done()
      c.close()
    }
  }
}

export const exportCaseCommand: Command = {
  name: 'export case',
  usage: 'export case CASE --out FILE.lmaudit [--force] [--export-pass-file F] [--sign CERT.p12 --sign-pass-file F] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary:
    'write the auditor case file: the whole case, encrypted with an export passphrase, with a signed manifest; never over the case, its side files or an input, and over an existing file (only an earlier case file, if named .lmaudit) only with --force',
  args: { values: ['--out', '--export-pass-file', ...SIGN_FLAGS], switches: ['--force'] },
  run(ctx) {
    const path = positional(ctx.args, 0, 'CASE (the case to export)')
    const out = requireValue(ctx.args, '--out')
    const passphrase = exportPassphrase(ctx)
    const signer = signingKey(ctx)
    const actor = actorOf(ctx)
    const c = openCase(ctx, path)
    try {
      const r = exportCaseFile(c, {
        out,
        exportPassphrase: passphrase,
        signer,
        actor,
        now: () => new Date().toISOString(),
        overwrite: ctx.args.switches.has('--force'),
        inputs: filesRead(ctx)
      })
      emit(
        ctx,
        r,
        () =>
          `wrote ${r.path} (${kb(r.bytes)}), manifest signed by ${r.signer.kind === 'device' ? 'the device key' : r.signer.subject} (${r.signer.fingerprint})\n` +
          `checkpoint ${r.checkpoint.number} seals audit entries ${r.checkpoint.firstSeq}–${r.checkpoint.lastSeq}; sha256 ${r.sha256}`
      )
      return 0
    } finally {
      c.close()
    }
  }
}
