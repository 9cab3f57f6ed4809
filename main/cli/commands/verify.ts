import { readFileSync } from 'node:fs'
import { verifyCase } from '../../audit/checkpoint'
import { CaseDamaged, caseDamagedError, isCaseDamaged } from '../../db/case-db'
import { describeDecisions } from '../../identity/verify'
import { thisDeviceFingerprint } from '../../audit/checkpoint-signer'
import { verifyCaseFile } from '../../export/case-file'
import { verifyPdf } from '../../export/pdf/verify-pdf'
import { detectFileKind } from '../../export/verify-file'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { cliServices, openCase } from '../context'
import { exportPassphrase } from './export-options'

export const verify: Command = {
  name: 'verify',
  usage: 'verify FILE [--key-file F] [--export-pass-file F] [--expect-signer FINGERPRINT] [--json]',
  summary: 'check a case, an auditor case file or a signed PDF report (told apart by content): audit chain, checkpoints, signatures; exit 1 naming the first break',
  args: { values: ['--export-pass-file', '--expect-signer'] },
  run(ctx) {
    const path = positional(ctx.args, 0, 'FILE (a case, a case file or a signed PDF report)')
    const expectSigner = value(ctx.args, '--expect-signer')
    const kind = detectFileKind(path)

    if (kind === 'pdf') {
      const v = verifyPdf(path, readFileSync(path), { expectSigner })
      emit(ctx, v, () => {
        if (!v.ok) return `INVALID: ${v.problem}`
        const cp = v.checkpoint
        return (
          `OK: ${path}: signature valid over the whole document, signed by ${v.signer?.subject} (${v.signer?.fingerprint})` +
          `${v.signer?.signingTime ? ` at ${v.signer.signingTime}` : ''}` +
          (cp
            ? `\nembeds checkpoint ${cp.number} of case ${cp.caseId}, sealing audit entries ${cp.firstSeq}–${cp.lastSeq} (head ${cp.headHash.slice(0, 16)}…); its signature verifies`
            : '') +
          `\nnote: ${v.note}`
        )
      })
      return v.ok ? 0 : 1
    }

    if (kind === 'case-file') {
      const v = verifyCaseFile(path, exportPassphrase(ctx), { expectSigner })
      emit(ctx, v, () => {
        if (!v.ok) return `TAMPERED: ${v.problem}`
        const ct = v.contents!
        return (
          `OK: ${path}: case file of "${v.case?.name}" (${v.case?.id}), exported ${v.exportedAt}; ` +
          `manifest signed by ${v.signer?.kind === 'device' ? 'a device key' : v.signer?.subject} (${v.signer?.fingerprint}); every database page matches it\n` +
          `inside: audit chain of ${ct.audit.entries} entries and ${ct.checkpoints.count} checkpoint${ct.checkpoints.count === 1 ? '' : 's'} verify\n` +
          `who signed what:\n${describeDecisions(ct.people).join('\n')}`
        )
      })
      return v.ok ? 0 : 1
    }

    const c = openCase(ctx, path, { readOnly: true })
    try {
      // On the machine that wrote the case, the head seal must be this device's.
      let v: ReturnType<typeof verifyCase>
      try {
        v = verifyCase(c.db, c.id, { expectSigner, expectDevice: thisDeviceFingerprint(cliServices(ctx).platform.dataDir) })
      } catch (e) {
        // a page that does not authenticate: what verification exists to find, said as its finding
        if (!(e instanceof CaseDamaged) && !isCaseDamaged(e)) throw e
        const problem = e instanceof CaseDamaged ? `${c.path}: ${e.message}` : caseDamagedError(c.path).message
        emit(ctx, { file: c.path, kind: 'case', ok: false, problems: [{ kind: 'file', reason: problem }] }, () => `TAMPERED: ${problem}`)
        return 1
      }
      const result = {
        file: c.path,
        kind: 'case',
        ok: v.ok,
        audit: v.audit,
        checkpoints: v.checkpoints,
        state: v.state,
        head: v.head,
        firstBad: v.firstBad,
        problems: v.problems,
        people: v.people
      }
      emit(ctx, result, () => {
        if (!v.ok) {
          const more = v.problems.slice(1).map((p) => `  also: ${p.reason}`)
          const before = v.audit.ok ? '' : ` (${v.audit.entries} entries before it verify)`
          return [`TAMPERED: ${c.path}: ${v.firstBad?.reason}${before}`, ...more, 'who signed what:', ...describeDecisions(v.people)].join('\n')
        }
        const cps = v.checkpoints
        return (
          `OK: ${c.path}: audit chain of ${v.audit.entries} entries verifies (head ${v.audit.headHash.slice(0, 16)}…)` +
          (cps.count
            ? `; ${cps.count} checkpoint${cps.count === 1 ? '' : 's'} verify, sealing entries 1–${cps.sealedThrough}` +
              (cps.unsealed ? ` (${cps.unsealed} later entr${cps.unsealed === 1 ? 'y is' : 'ies are'} not sealed yet)` : '') +
              `; signed by ${cps.signers.map((s) => `${s.kind === 'device' ? 'device key' : s.subject} (${s.fingerprint})`).join(', ')}`
            : '; no checkpoint yet') +
          (v.state.sealedBy !== null ? `\ncase state: ${v.state.rows} rows in ${v.state.tables} tables match what the trail sealed (last by entry ${v.state.sealedBy})` : '') +
          (v.head.sealed
            ? `\nhead sealed at entry ${v.head.sealed.seq} by the device key ${v.head.sealed.signer.fingerprint}${v.head.after ? ` (${v.head.after} later entr${v.head.after === 1 ? 'y was' : 'ies were'} written without it: command line or worker)` : ''}`
            : '') +
          `\nwho signed what (every decision's signature verifies with the key bound in the trail):\n${describeDecisions(v.people).join('\n')}`
        )
      })
      return v.ok ? 0 : 1
    } finally {
      c.close()
    }
  }
}
