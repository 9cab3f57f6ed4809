import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { testKeyStore } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { appendAudit, listAudit } from '../audit/chain'
import { deviceSigningKey } from '../audit/checkpoint-signer'
import { loadPkcs12 } from '../audit/pkcs12'
import { createCaseDb, type WritableCaseDb } from '../db/case-db'
import { CASE_FILE_MAGIC, exportCaseFile, openCaseFile, verifyCaseFile } from './case-file'
import { detectFileKind, verifyExportFile } from './verify-file'

const KEY = 'correct horse battery staple'
const EXPORT_PASS = 'export passphrase for the auditor'
const MARKER = 'PLAINTEXT-MARKER-7f3a9c'
const dana: Actor = { kind: 'person', name: 'Dana Ops', role: 'operator' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 27, 9, 0, tick++)).toISOString()

function setup(): { dir: string; c: WritableCaseDb } {
  const dir = tempDir()
  const c = createCaseDb(join(dir, 'case.lmcase'), KEY, { now: now() })
  appendAudit(c.db, c.id, { actor: dana, action: 'case.create', target: c.id }, now())
  // Enough content to span several database pages, with a marker that must never appear in clear.
  c.db.transaction(() => {
    for (let i = 0; i < 60; i++) appendAudit(c.db, c.id, { actor: dana, action: 'note.add', target: `n${i}`, details: { text: `${MARKER} ${'x'.repeat(200)}` } }, now())
  })()
  return { dir, c }
}

/** A cheap scrypt cost keeps the tests quick; the round trip uses the real default once. */
const FAST_KDF = 1 << 14

function exported(kdfCost: number | undefined = FAST_KDF): { dir: string; c: WritableCaseDb; file: string } {
  const { dir, c } = setup()
  const p = testP12()
  const file = join(dir, 'review.lmaudit')
  exportCaseFile(c, { out: file, exportPassphrase: EXPORT_PASS, signer: loadPkcs12(p.path, p.passphrase), actor: dana, now, kdfCost })
  return { dir, c, file }
}

function flip(file: string, offset: number): void {
  const b = readFileSync(file)
  b[offset] ^= 0x01
  writeFileSync(file, b)
}

describe('the auditor case file', () => {
  it('round-trips: opens read-only with the export passphrase, holds the whole case, and never shows plaintext', () => {
    const { c, file } = exported(undefined)
    const bytes = readFileSync(file)
    expect(bytes.subarray(0, CASE_FILE_MAGIC.length).toString()).toBe('LASTMILE CASE FILE 1\n')
    expect(bytes.includes(MARKER)).toBe(false)
    // The export is in the case's own trail, with the file's hash.
    const entry = listAudit(c.db, 0, 1).entries[0]
    expect(entry).toMatchObject({ action: 'export.case', details: { sha256: createHash('sha256').update(bytes).digest('hex'), checkpoint: 1 } })

    const opened = openCaseFile(file, EXPORT_PASS)
    try {
      expect(opened.caseDb.readOnly).toBe(true)
      expect(opened.caseDb.id).toBe(c.id)
      expect(opened.manifest.checkpoint).toMatchObject({ number: 1, firstSeq: 1, lastSeq: 61 })
      // The copy ends with the checkpoint's own record (62); the export's record is only in the original.
      expect(listAudit(opened.caseDb.db, 0, 1).entries[0]).toMatchObject({ seq: 62, action: 'checkpoint.create' })
      // @ts-expect-error a case file open for review has no writable handle: its statements have no run()
      expect(() => opened.caseDb.db.prepare("INSERT INTO case_meta (key, value) VALUES ('x', 'y')").run()).toThrow(/readonly/)
      // The temporary database is encrypted: the marker is not in it either.
      expect(readFileSync(opened.tempPath).includes(MARKER)).toBe(false)
    } finally {
      opened.close()
    }
    expect(existsSync(opened.tempPath)).toBe(false)
    const v = verifyCaseFile(file, EXPORT_PASS)
    expect(v).toMatchObject({ ok: true, problem: null, case: { id: c.id }, signer: { kind: 'pkcs12', fingerprint: testP12().fingerprint } })
    expect(v.contents?.checkpoints.count).toBe(1)
    c.close()
  })

  it('is signed with the device key when no certificate is chosen', () => {
    const { dir, c } = setup()
    const key = deviceSigningKey(join(dir, 'data'), testKeyStore(), now)
    const file = join(dir, 'review.lmaudit')
    exportCaseFile(c, { out: file, exportPassphrase: EXPORT_PASS, signer: key, actor: dana, now, kdfCost: FAST_KDF })
    expect(verifyCaseFile(file, EXPORT_PASS)).toMatchObject({ ok: true, signer: { kind: 'device', fingerprint: key.descriptor.fingerprint } })
    expect(verifyCaseFile(file, EXPORT_PASS, { expectSigner: testP12().fingerprint }).problem).toMatch(/signed by device key .*not the expected key/)
    c.close()
  })

  it('says clearly when the export passphrase is wrong, and when the file is not a case file', () => {
    const { dir, c, file } = exported()
    expect(() => openCaseFile(file, 'not the export passphrase')).toThrow(/review\.lmaudit: the export passphrase is wrong/)
    expect(() => verifyCaseFile(file, KEY)).toThrow(expect.objectContaining({ code: 'wrong-key' }))
    const other = join(dir, 'other.bin')
    writeFileSync(other, 'just some bytes')
    expect(() => verifyCaseFile(other, EXPORT_PASS)).toThrow(/other\.bin: not a Lastmile case file/)
    c.close()
  })

  it('names the part that was tampered with: header, manifest, a database page, a cut', () => {
    const { file, c } = exported()
    c.close()
    const orig = readFileSync(file)
    const headerLen = orig.readUInt32BE(CASE_FILE_MAGIC.length)
    const headerAt = CASE_FILE_MAGIC.length + 4
    const manifestLenAt = headerAt + headerLen + 32
    const manifestAt = manifestLenAt + 4
    const dbAt = manifestAt + orig.readUInt32BE(manifestLenAt)

    const cases: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
      ['header', (b) => ((b[headerAt + 5] ^= 1), b), /the header \(bytes \d+–\d+\) was altered/],
      ['manifest', (b) => ((b[manifestAt + 100] ^= 1), b), /the manifest \(bytes \d+–\d+\) was altered/],
      ['page 1', (b) => ((b[dbAt + 10] ^= 1), b), new RegExp(`database page 1 \\(bytes ${dbAt}–${dbAt + 4095} of the file\\) was altered`)],
      ['page 3', (b) => ((b[dbAt + 2 * 4096 + 77] ^= 1), b), /database page 3 \(bytes \d+–\d+ of the file\) was altered/],
      ['cut', (b) => b.subarray(0, b.length - 4096), /the database section .* the file was cut short/],
      ['extended', (b) => Buffer.concat([b, Buffer.alloc(4096)]), /the file was extended/]
    ]
    for (const [name, change, expected] of cases) {
      writeFileSync(file, change(Buffer.from(orig)))
      const v = verifyCaseFile(file, EXPORT_PASS)
      expect(v.ok, name).toBe(false)
      expect(v.problem, name).toMatch(expected)
    }
    // Opening for review refuses the same way, naming the part.
    writeFileSync(file, cases[2][1](Buffer.from(orig)))
    expect(() => openCaseFile(file, EXPORT_PASS)).toThrow(cases[2][2])
    writeFileSync(file, orig)
    expect(verifyCaseFile(file, EXPORT_PASS).ok).toBe(true)
    // A first line with a byte changed is a case file tampered with, not some other file: the
    // verifier (which tells files apart by their first bytes) names it so, and exits as for any tampering.
    flip(file, 3)
    expect(detectFileKind(file)).toBe('case-file')
    expect(verifyCaseFile(file, EXPORT_PASS)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/its first line \(bytes 0–20\) was altered: it reads "LAS.MILE CASE FILE 1"/)
    })
    expect(verifyExportFile(file, { exportPassphrase: EXPORT_PASS })).toMatchObject({ ok: false, kind: 'case-file' })
  })
})
