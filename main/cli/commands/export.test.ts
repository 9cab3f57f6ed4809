import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testP12 } from '../../../test/fixtures/export/p12'
import { cli } from '../../../test/helpers/cli'
import { tempDir } from '../../../test/helpers/tmp'
import { openCaseDb } from '../../db/case-db'
import { pdfText } from '../../../test/helpers/pdf-text'

const KEY = 'correct horse battery staple'
const EXPORT_PASS = 'the auditor export passphrase'

async function setup() {
  const dir = tempDir()
  const keyFile = join(dir, 'key.txt')
  writeFileSync(keyFile, `${KEY}\n`)
  const exportFile = join(dir, 'export.txt')
  writeFileSync(exportFile, `${EXPORT_PASS}\n`)
  const env = { LASTMILE_DATA_DIR: join(dir, 'data') }
  const path = join(dir, 'q4.lmcase')
  const p12 = testP12()
  const created = await cli(['case', 'create', path, '--key-file', keyFile, '--as', 'Dana Ops', '--role', 'operator'], env)
  expect(created.code).toBe(0)
  const sign = ['--sign', p12.path, '--sign-pass-file', p12.passFile]
  return { dir, keyFile, exportFile, env, path, p12, sign }
}

const oneLine = (s: string): void => {
  expect(s.trim().split('\n')).toHaveLength(1)
  expect(s).not.toMatch(/\n\s+at /)
}

describe('lastmile checkpoint', () => {
  it('seals the trail with the given certificate; without one, says how to give it', async () => {
    const { env, path, keyFile, sign, p12 } = await setup()
    const r = await cli(['checkpoint', path, '--key-file', keyFile, ...sign, '--json'], env)
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ number: 1, firstSeq: 1, lastSeq: 1, signer: { kind: 'pkcs12', fingerprint: p12.fingerprint } })
    const v = await cli(['verify', path, '--key-file', keyFile, '--json'], env)
    expect(v.code).toBe(0)
    expect(v.json()).toMatchObject({ kind: 'case', ok: true, checkpoints: { count: 1, sealedThrough: 1, unsealed: 1 } })
    expect((await cli(['verify', path, '--key-file', keyFile], env)).stdout).toMatch(
      /^OK: .*1 checkpoint verify, sealing entries 1–1 \(1 later entry is not sealed yet\); signed by CN=Audit Signer/
    )

    const none = await cli(['checkpoint', path, '--key-file', keyFile], env)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^lastmile checkpoint: no signing key: give --sign CERT\.p12/)
    oneLine(none.stderr)

    const wrong = join(path, '..', 'wrong.pass')
    writeFileSync(wrong, 'nope\n')
    const bad = await cli(['checkpoint', path, '--key-file', keyFile, '--sign', p12.path, '--sign-pass-file', wrong], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/signer\.p12: the passphrase of the signing certificate is wrong/)
    oneLine(bad.stderr)

    const other = testP12({ cn: 'Someone Else' })
    const wrongKey = await cli(['verify', path, '--key-file', keyFile, '--expect-signer', other.fingerprint], env)
    expect(wrongKey.code).toBe(1)
    expect(wrongKey.stdout).toMatch(/TAMPERED: .*checkpoint 1: signed with the wrong key/)
  })

  it('verify names a checkpoint removed behind the app (exit 1)', async () => {
    const { env, path, keyFile, sign } = await setup()
    for (let i = 0; i < 2; i++) expect((await cli(['checkpoint', path, '--key-file', keyFile, ...sign], env)).code).toBe(0)
    const c = openCaseDb(path, KEY)
    c.db.exec('DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE seq = 2')
    c.close()
    const v = await cli(['verify', path, '--key-file', keyFile], env)
    expect(v.code).toBe(1)
    expect(v.stdout).toMatch(/^TAMPERED: .*checkpoint 2 is missing: audit entry 3 records its creation/)
  })
})

describe('lastmile export pdf / verify report.pdf', () => {
  it('writes a signed report that pdfsig and verify accept, and both catch one changed byte', async () => {
    const { dir, env, path, keyFile, sign, p12 } = await setup()
    const out = join(dir, 'report.pdf')
    const r = await cli(
      ['export', 'pdf', path, '--out', out, ...sign, '--classification', 'RESTRICTED', '--key-file', keyFile, '--as', 'Ana Auditor', '--role', 'auditor', '--json'],
      env
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ path: out, checkpoint: { number: 1 }, signer: { fingerprint: p12.fingerprint } })
    expect(spawnSync('pdfsig', [out], { encoding: 'utf8' }).stdout).toContain('Signature is Valid.')
    expect(pdfText(out)).toContain('Ana Auditor (auditor)')

    const ok = await cli(['verify', out, '--json'], env)
    expect(ok.code).toBe(0)
    expect(ok.json()).toMatchObject({ kind: 'pdf', ok: true, wholeDocument: true, checkpoint: { number: 1, signatureValid: true } })

    const bytes = readFileSync(out)
    const at = bytes.indexOf('stream\n', bytes.length - 4000, 'latin1') + 20
    bytes[at] ^= 0x10
    writeFileSync(out, bytes)
    const bad = await cli(['verify', out], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^INVALID: .*report\.pdf: the document was changed after it was signed/)
    expect(spawnSync('pdfsig', [out], { encoding: 'utf8' }).stdout).not.toContain('Signature is Valid.')
    // a changed first byte ("%PDF-" no more) is still checked as the report it was, and named INVALID
    bytes[at] ^= 0x10
    bytes[1] = 0x58
    writeFileSync(out, bytes)
    const head = await cli(['verify', out], env)
    expect(head.code).toBe(1)
    expect(head.stdout).toMatch(/^INVALID: .*report\.pdf: the document was changed after it was signed/)

    // The case records the export, and its trail still verifies.
    const c = openCaseDb(path, KEY, { readOnly: true })
    const last = c.db.prepare('SELECT action, details FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { action: string; details: string }
    c.close()
    expect(last.action).toBe('export.pdf')
    expect(JSON.parse(last.details)).toMatchObject({ classification: 'RESTRICTED', checkpoint: 1 })
  })

  it('refuses bad usage in one line, exit 2', async () => {
    const { dir, env, path, keyFile, p12 } = await setup()
    const out = join(dir, 'r.pdf')
    for (const argv of [
      ['export', 'pdf', path, '--out', out, '--key-file', keyFile],
      ['export', 'pdf', path, '--key-file', keyFile, '--sign', p12.path],
      ['export', 'pdf', path, '--out', join(dir, 'missing', 'r.pdf'), '--key-file', keyFile, '--sign', p12.path, '--sign-pass-file', p12.passFile],
      ['export', 'pdf', path, '--out', out, '--key-file', keyFile, '--sign', join(dir, 'nope.p12')]
    ]) {
      const r = await cli(argv, env)
      expect(r.code, argv.join(' ')).toBe(2)
      oneLine(r.stderr)
    }
  })
})

describe('lastmile export case / verify CASEFILE', () => {
  it('exports, verifies, names a tampered byte, and says when the passphrase is wrong or missing', async () => {
    const { dir, env, path, keyFile, sign, exportFile } = await setup()
    const out = join(dir, 'q4.lmaudit')
    const r = await cli(['export', 'case', path, '--out', out, ...sign, '--key-file', keyFile, '--json'], { ...env, LASTMILE_EXPORT_KEY: EXPORT_PASS })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ path: out, checkpoint: { number: 1 }, signer: { kind: 'pkcs12' } })

    const ok = await cli(['verify', out, '--export-pass-file', exportFile, '--json'], env)
    expect(ok.code).toBe(0)
    expect(ok.json()).toMatchObject({ kind: 'case-file', ok: true, contents: { ok: true } })

    const wrong = join(dir, 'wrong.txt')
    writeFileSync(wrong, 'not the passphrase\n')
    const w = await cli(['verify', out, '--export-pass-file', wrong], env)
    expect(w.code).toBe(2)
    expect(w.stderr).toMatch(/q4\.lmaudit: the export passphrase is wrong/)
    oneLine(w.stderr)
    const missing = await cli(['verify', out], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no export passphrase: give --export-pass-file FILE/)

    const bytes = readFileSync(out)
    bytes[bytes.length - 5000] ^= 0x01
    writeFileSync(out, bytes)
    const t = await cli(['verify', out, '--export-pass-file', exportFile], env)
    expect(t.code).toBe(1)
    expect(t.stdout).toMatch(/^TAMPERED: .*q4\.lmaudit: database page \d+ \(bytes \d+–\d+ of the file\) was altered/)

    const noSigner = await cli(['export', 'case', path, '--out', join(dir, 'x.lmaudit'), '--key-file', keyFile], { ...env, LASTMILE_EXPORT_KEY: EXPORT_PASS })
    expect(noSigner.code).toBe(2)
    expect(noSigner.stderr).toMatch(/no signing key: give --sign CERT\.p12/)
  })
})

describe('no export destroys an input (issue 13)', () => {
  const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex')

  it('export pdf refuses the case, its -wal, a link to it, an input and an existing file; replaces a file only with --force', async () => {
    const { dir, env, path, keyFile, sign } = await setup()
    // a WAL beside the case, as an open case has
    const c = openCaseDb(path, KEY)
    const before = sha(path)
    const notes = join(dir, 'notes.txt')
    writeFileSync(notes, 'my notes\n')
    const link = join(dir, 'link.pdf')
    symlinkSync(path, link)
    const hard = join(dir, 'hard.pdf')
    linkSync(path, hard)
    const refusals: Array<[string[], RegExp, number]> = [
      [[path], /q4\.lmcase: the name is that of a Lastmile case/, 2],
      [[path, '--force'], /q4\.lmcase: the name is that of a Lastmile case/, 2],
      [[`${path}-wal`, '--force'], /q4\.lmcase-wal: the name is that of a Lastmile case/, 2],
      [[link, '--force'], /link\.pdf: is the same file as .*q4\.lmcase, which this command reads/, 2],
      [[hard, '--force'], /hard\.pdf: is the same file as .*q4\.lmcase, which this command reads/, 2],
      [[keyFile, '--force'], /key\.txt: is .*key\.txt, which this command reads/, 2],
      [[join(dir, 'old.lmaudit')], /old\.lmaudit: the name is that of an auditor case file/, 2],
      [[notes], /notes\.txt: already exists; Lastmile replaces a file only when told to \(--force/, 2]
    ]
    for (const [out, message, code] of refusals) {
      const r = await cli(['export', 'pdf', path, '--out', ...out, ...sign, '--key-file', keyFile], env)
      expect(r.code, out.join(' ')).toBe(code)
      expect(r.stderr, out.join(' ')).toMatch(message)
      oneLine(r.stderr)
    }
    expect(readFileSync(notes, 'utf8')).toBe('my notes\n')
    c.close()
    expect(sha(path)).toBe(before)
    expect(readFileSync(link).equals(readFileSync(path))).toBe(true)

    const forced = await cli(['export', 'pdf', path, '--out', notes, '--force', ...sign, '--key-file', keyFile, '--json'], env)
    expect(forced.stderr).toBe('')
    expect(forced.code).toBe(0)
    expect(readFileSync(notes).subarray(0, 5).toString()).toBe('%PDF-')
    expect((await cli(['verify', path, '--key-file', keyFile], env)).code).toBe(0)
  })

  it('export case refuses the case, its side files, a link to it and an existing file; replaces an earlier case file only with --force', async () => {
    const { dir, env, path, keyFile, sign, exportFile } = await setup()
    const before = sha(path)
    const link = join(dir, 'link.lmaudit')
    symlinkSync(path, link)
    const other = join(dir, 'plain.lmaudit')
    writeFileSync(other, 'not a case file\n')
    const notes = join(dir, 'notes.txt')
    writeFileSync(notes, 'my notes\n')
    const run = (out: string, ...more: string[]) => cli(['export', 'case', path, '--out', out, ...more, ...sign, '--export-pass-file', exportFile, '--key-file', keyFile], env)
    for (const [out, force, message] of [
      [path, true, /q4\.lmcase: the name is that of a Lastmile case/],
      [`${path}-shm`, true, /q4\.lmcase-shm: the name is that of a Lastmile case/],
      [link, true, /link\.lmaudit: is the same file as .*q4\.lmcase, which this command reads/],
      [exportFile, true, /export\.txt: is .*export\.txt, which this command reads/],
      [other, true, /plain\.lmaudit: exists but is not an auditor case file/],
      [notes, false, /notes\.txt: already exists/]
    ] as Array<[string, boolean, RegExp]>) {
      const r = await run(out, ...(force ? ['--force'] : []))
      expect(r.code, out).toBe(2)
      expect(r.stderr, out).toMatch(message)
      oneLine(r.stderr)
    }
    expect(sha(path)).toBe(before)
    expect(readFileSync(other, 'utf8')).toBe('not a case file\n')

    const out = join(dir, 'q4.lmaudit')
    expect((await run(out)).code).toBe(0)
    const first = sha(out)
    const again = await run(out)
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/q4\.lmaudit: already exists/)
    expect(sha(out)).toBe(first)
    const replaced = await run(out, '--force')
    expect(replaced.code).toBe(0)
    expect(sha(out)).not.toBe(first)
    expect((await cli(['verify', out, '--export-pass-file', exportFile], env)).code).toBe(0)
  })
})
