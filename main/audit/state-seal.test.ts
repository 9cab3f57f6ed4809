// The case state is sealed into the audit chain (issue 13). Each attack is made the way someone
// holding the case key would: better-sqlite3 opened with the key, not through Lastmile, and the
// case is then verified, written and exported by Lastmile.
import Database from 'better-sqlite3-multiple-ciphers'
import { createHash } from 'node:crypto'
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { rawCaseDb, rechainAudit } from '../../test/helpers/forge'
import { tempDir } from '../../test/helpers/tmp'
import { cli } from '../../test/helpers/cli'
import { openCaseDb, createCaseDb, type WritableCaseDb, type WritableDb } from '../db/case-db'
import { buildCase, demoDir } from '../demo/case-builder'
import { decideFinding } from '../workflow/decisions'
import { importFile } from '../ingest/importer'
import { readEvidenceBytes } from '../case/evidence'
import { approve, plan, recordExecutionOf, setFourEyes } from '../workflow'
import { exportCaseFile } from '../export/case-file'
import { exportPdf } from '../export/export-pdf'
import { appendAudit } from './chain'
import { createCheckpoint, verifyCase } from './checkpoint'
import { loadPkcs12 } from './pkcs12'
import { BucketDigest, beginBulkInserts, bucketDigestOf, rowHash } from './state-seal'
import { SEALED_TABLES, keySql } from './state-tables'
import { testPerson } from '../../test/fixtures/people'
import { joinCase, setRole } from '../identity/case-people'

const KEY = 'state seal test passphrase'
// each person with their own signing key (issue 13): decisions are signed
const ana: Actor = testPerson('Ana Analyst', 'analyst')
const rita: Actor = testPerson('Rita Approver', 'approver')
const olga: Actor = testPerson('Olga Operator', 'operator')
let t = Date.parse('2026-12-01T09:00:00Z')
const now = (): string => new Date((t += 1000)).toISOString()

let built: string
let safeFinding: number

/** A real case: five scanner exports, an evidence bundle, investigated, a plan approved and run. */
beforeAll(async () => {
  built = join(tempDir(), 'built.lmcase')
  const c = createCaseDb(built, KEY, { now: now() })
  appendAudit(c.db, c.id, { actor: ana, action: 'case.create', target: c.id, details: {} }, now())
  await buildCase(c, { exportsDir: join(demoDir(), 'exports'), bundleDir: join(demoDir(), 'evidence'), actor: ana, now })
  // Ana created the case, so she owns it and grants the roles
  for (const p of [rita, olga]) {
    joinCase(c, p, now)
    setRole(c, (p as { key: string }).key, (p as { role: 'approver' | 'operator' }).role, true, ana, now)
  }
  safeFinding = c.db.prepare("SELECT id FROM findings WHERE rci_verdict = 'SAFE' ORDER BY id LIMIT 1").pluck().get() as number
  const p = plan(c, `F-${safeFinding}`, { actor: ana, now })
  approve(c, p.id, { actor: rita, now, reason: 'evidence shows HTTPS only' })
  recordExecutionOf(c, p.id, { actor: olga, now, outcome: 'executed', output: Buffer.from('ran it\n'), outputName: 'out.txt' })
  c.close()
}, 120_000)

/** A fresh copy of the built case (each attack on its own). */
function copyCase(): string {
  const path = join(tempDir(), 'case.lmcase')
  copyFileSync(built, path)
  return path
}

/** What someone holding the case key can do: raw SQL on the file, not through Lastmile. */
const raw = (path: string): ReturnType<typeof rawCaseDb> => rawCaseDb(path, KEY)

function forge(path: string, sql: string): void {
  const db = raw(path)
  db.exec(sql)
  db.close()
}

/** Run `fn` with the table's immutability triggers dropped, then put them back: no obstacle to someone holding the key. */
function pastTriggers(db: ReturnType<typeof rawCaseDb>, table: string, fn: () => void): void {
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table) as Array<{ name: string; sql: string }>
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`)
  fn()
  for (const t of triggers) db.exec(t.sql)
}

function verifyAt(path: string) {
  const c = openCaseDb(path, KEY, { readOnly: true })
  try {
    return verifyCase(c.db, c.id)
  } finally {
    c.close()
  }
}

function withCase<T>(path: string, fn: (c: WritableCaseDb) => T): T {
  const c = openCaseDb(path, KEY)
  try {
    return fn(c)
  } finally {
    c.close()
  }
}

describe('the sealed case state', () => {
  it('verifies through every normal operation: ingest, evidence, investigation, plan, approval, execution', () => {
    const v = verifyAt(copyCase())
    expect(v.problems).toEqual([])
    expect(v.ok).toBe(true)
    expect(v.state).toMatchObject({ ok: true, sealed: true })
    expect(v.state.tables).toBeGreaterThanOrEqual(20)
    expect(v.state.rows).toBeGreaterThan(300)
  })

  it('names the finding whose status and verdict were set by hand', () => {
    const path = copyCase()
    const other = withCase(path, (c) => c.db.prepare("SELECT id FROM findings WHERE rci_verdict <> 'SAFE' ORDER BY id LIMIT 1").pluck().get() as number)
    forge(path, `UPDATE findings SET status = 'resolved', rci_verdict = 'SAFE' WHERE id = ${other}`)
    const v = verifyAt(path)
    expect(v.ok).toBe(false)
    expect(v.audit.ok).toBe(true) // the audit table itself is untouched
    expect(v.firstBad).toMatchObject({ kind: 'row', table: 'findings', key: String(other) })
    expect(v.firstBad?.reason).toMatch(
      new RegExp(`^findings row ${other} \\(F-${other}\\) was changed outside Lastmile: it differs from what audit entry \\d+ \\(investigate\\.run\\) sealed`)
    )
    expect(v.problems).toHaveLength(1)
  })

  it('names the approval whose approver was changed', () => {
    const path = copyCase()
    forge(path, `UPDATE approvals SET actor = '{"kind":"person","name":"Mallory","role":"approver"}'`)
    const v = verifyAt(path)
    expect(v.firstBad).toMatchObject({ kind: 'row', table: 'approvals', key: '1' })
    expect(v.firstBad?.reason).toMatch(/^approvals row 1 was changed outside Lastmile: it differs from what audit entry \d+ \(workflow\.approve\) sealed/)
  })

  it('names every verdict set to SAFE, in the findings and in the RCI results', () => {
    const path = copyCase()
    const notSafe = withCase(path, (c) => c.db.prepare("SELECT COUNT(*) FROM findings WHERE rci_verdict <> 'SAFE'").pluck().get() as number)
    expect(notSafe).toBeGreaterThan(10)
    forge(path, "UPDATE findings SET rci_verdict = 'SAFE'; UPDATE rci_results SET verdict = 'SAFE'")
    const v = verifyAt(path)
    const rows = (table: string) => v.problems.filter((p) => p.kind === 'row' && p.table === table)
    expect(rows('findings')).toHaveLength(10)
    expect(rows('rci_results')).toHaveLength(10)
    expect(rows('rci_results')[0].reason).toMatch(/^rci_results row \d+ \(F-\d+\) was changed outside Lastmile/)
    expect(v.problems.find((p) => p.kind === 'table' && p.table === 'findings')?.reason).toBe(`findings: ${notSafe - 10} more rows differ from their seal`)
  })

  it('names rows added and removed by hand', () => {
    const path = copyCase()
    forge(path, "INSERT INTO workflow_settings (key, value) VALUES ('four_eyes', 'off'); DELETE FROM executions")
    const v = verifyAt(path)
    expect(v.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^workflow_settings row four_eyes was added outside Lastmile: no audit entry sealed it/),
      expect.stringMatching(/^executions row 1 was removed outside Lastmile: audit entry \d+ \(workflow\.execute\) sealed it/)
    ])
  })

  it('names the table when a row is changed together with its seal', () => {
    const path = copyCase()
    // The forger recomputes the row's hash as Lastmile would and writes it into state_rows.
    const db = raw(path)
    const id = db.prepare("SELECT id FROM findings WHERE rci_verdict = 'UNSAFE' ORDER BY id LIMIT 1").pluck().get() as number
    db.exec(`UPDATE findings SET rci_verdict = 'SAFE' WHERE id = ${id}`)
    const image = db
      .prepare(`SELECT ${imageOf(db, 'findings')} FROM findings WHERE id = ?`)
      .pluck()
      .get(id) as string
    expect(db.prepare("UPDATE state_rows SET hash = ? WHERE tbl = 'findings' AND key = ?").run(rowHash('findings', String(id), image), String(id)).changes).toBe(1)
    db.close()
    const v = verifyAt(path)
    expect(v.ok).toBe(false)
    expect(v.problems.some((p) => p.kind === 'row')).toBe(false) // its seal matches it now…
    // …but the seals no longer add up to what the last entry recorded
    expect(v.problems).toEqual([
      expect.objectContaining({
        kind: 'table',
        table: 'findings',
        reason: expect.stringMatching(
          /^findings: its rows and their seals were changed together outside Lastmile: the table no longer adds up to the state audit entry \d+ \(execution\.record\) recorded/
        )
      })
    ])
  })

  it('refuses to seal a later change over a row changed by hand, and leaves the case as it was', () => {
    const path = copyCase()
    const victim = withCase(path, (c) => c.db.prepare("SELECT id FROM findings WHERE rci_verdict = 'UNSAFE' ORDER BY id LIMIT 1").pluck().get() as number)
    forge(path, `UPDATE findings SET rci_verdict = 'SAFE' WHERE id = ${victim}`)
    const before = withCase(path, (c) => c.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number)
    withCase(path, (c) => {
      expect(() => decideFinding(c, `F-${victim}`, 'suppressed', { actor: rita, now, reason: 'noise' })).toThrow(
        new RegExp(`the case does not verify, so nothing was changed: findings row ${victim} \\(F-${victim}\\) was changed outside Lastmile after audit entry \\d+ sealed it`)
      )
      expect(c.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(before)
      expect(c.db.prepare('SELECT decision FROM findings WHERE id = ?').pluck().get(victim)).toBeNull()
    })
    // still named by verify: the forged row was not blessed
    expect(verifyAt(path).firstBad).toMatchObject({ kind: 'row', table: 'findings', key: String(victim) })
  })

  it('refuses to seal a change over a row added by hand, which no entry sealed, and leaves the case as it was', () => {
    const path = copyCase()
    forge(path, "INSERT INTO workflow_settings (key, value) VALUES ('four_eyes', 'off')")
    withCase(path, (c) => {
      expect(() => setFourEyes(c, true, 'back on', ana, now)).toThrow(
        /the case does not verify, so nothing was changed: workflow_settings row four_eyes was added outside Lastmile: no audit entry sealed it/
      )
      expect(c.db.prepare("SELECT value FROM workflow_settings WHERE key = 'four_eyes'").pluck().get()).toBe('off')
    })
  })

  it('checks a row against its seal as a change marks it: a sealed row leaves an empty mark, a row changed by hand its image, and no change over it is sealed', () => {
    const path = copyCase()
    const [kept, forged] = withCase(path, (c) => c.db.prepare('SELECT id FROM findings ORDER BY id LIMIT 2').pluck().all() as number[])
    const [keptAlert, forgedAlert] = withCase(path, (c) => c.db.prepare('SELECT id FROM alerts ORDER BY id LIMIT 2').pluck().all() as number[])
    forge(path, `UPDATE findings SET title = 'set by hand' WHERE id = ${forged}; UPDATE alerts SET title = 'set by hand' WHERE id = ${forgedAlert}`)
    const marks = (c: WritableCaseDb, tbl: string): unknown[] => c.db.prepare('SELECT key, old FROM temp.state_dirty WHERE tbl = ? ORDER BY CAST(key AS INTEGER)').raw().all(tbl)
    const seal = (c: WritableCaseDb) => () => appendAudit(c.db, c.id, { actor: ana, action: 'case.note', target: 'marks', details: {} }, now())
    withCase(path, (c) => {
      const before = c.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number
      // an update: the first mark of each row holds what checking it found; a second change keeps it
      c.db.exec('BEGIN')
      c.db.prepare("UPDATE findings SET title = title || ' (1)' WHERE id IN (?, ?)").run(kept, forged)
      c.db.prepare("UPDATE findings SET title = title || ' (2)' WHERE id IN (?, ?)").run(kept, forged)
      expect(marks(c, 'findings')).toEqual([
        [String(kept), ''],
        [String(forged), expect.stringContaining("'set by hand'")]
      ])
      expect(seal(c)).toThrow(
        new RegExp(`the case does not verify, so nothing was changed: findings row ${forged} \\(F-${forged}\\) was changed outside Lastmile after audit entry \\d+ sealed it`)
      )
      c.db.exec('ROLLBACK')
      expect(marks(c, 'findings')).toEqual([])
      // a deletion: the same check
      c.db.exec('BEGIN')
      c.db.prepare('DELETE FROM alerts WHERE id IN (?, ?)').run(keptAlert, forgedAlert)
      expect(marks(c, 'alerts')).toEqual([
        [String(keptAlert), ''],
        [String(forgedAlert), expect.stringContaining("'set by hand'")]
      ])
      expect(seal(c)).toThrow(
        new RegExp(`the case does not verify, so nothing was changed: alerts row ${forgedAlert} was changed outside Lastmile after audit entry \\d+ sealed it`)
      )
      c.db.exec('ROLLBACK')
      // the sealed row alone changes and is sealed
      c.db.exec('BEGIN')
      c.db.prepare('DELETE FROM alerts WHERE id = ?').run(keptAlert)
      c.db.prepare("UPDATE findings SET title = title || ' (3)' WHERE id = ?").run(kept)
      expect(seal(c)).not.toThrow()
      c.db.exec('ROLLBACK')
      expect(c.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(before)
    })
    // neither change by hand was blessed
    expect(verifyAt(path).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'row', table: 'findings', key: String(forged) }),
        expect.objectContaining({ kind: 'row', table: 'alerts', key: String(forgedAlert) })
      ])
    )
  })

  it('exports neither a signed PDF nor a case file from a tampered case, naming what differs', async () => {
    const path = copyCase()
    forge(path, `UPDATE approvals SET actor = '{"kind":"person","name":"Mallory","role":"approver"}'`)
    const p12 = testP12()
    const out = tempDir()
    await withCaseAsync(path, async (c) => {
      await expect(exportPdf(c, { out: join(out, 'r.pdf'), p12Path: p12.path, p12Passphrase: p12.passphrase, actor: ana, now, inProcess: true })).rejects.toThrow(
        /r\.pdf: not exported: the case does not verify: approvals row 1 was changed outside Lastmile/
      )
      expect(() =>
        exportCaseFile(c, { out: join(out, 'c.lmaudit'), exportPassphrase: 'export passphrase', signer: loadPkcs12(p12.path, p12.passphrase), actor: ana, now, kdfCost: 1024 })
      ).toThrow(/c\.lmaudit: not exported: the case does not verify: approvals row 1 was changed outside Lastmile/)
    })
    expect(existsSync(join(out, 'r.pdf'))).toBe(false)
    expect(existsSync(join(out, 'c.lmaudit'))).toBe(false)
  })

  it('names the removal of the last entry, not yet sealed by any checkpoint, through the rows it wrote', () => {
    const path = copyCase()
    const p12 = testP12()
    withCase(path, (c) => {
      createCheckpoint(c.db, c.id, loadPkcs12(p12.path, p12.passphrase), ana, now)
      const id = c.db.prepare("SELECT id FROM findings WHERE rci_verdict = 'UNSAFE' ORDER BY id LIMIT 1").pluck().get() as number
      decideFinding(c, `F-${id}`, 'risk-accepted', { actor: rita, now, reason: 'accepted by the board', expires: '2099-12-31' })
    })
    const last = withCase(path, (c) => c.db.prepare('SELECT MAX(seq) FROM audit_log').pluck().get() as number)
    forge(path, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = ${last}`)
    const v = verifyAt(path)
    expect(v.audit.ok).toBe(true)
    // the first row that entry sealed, in the seal's order: the decision's history row
    expect(v.firstBad).toMatchObject({ kind: 'row', table: 'decision_history', key: '1' })
    expect(v.firstBad?.reason).toBe(`the audit trail ends at entry ${last - 1}, but decision_history row 1 was sealed by entry ${last}: entries ${last}–${last} were removed`)
  })

  it('names the first entry of a trail rewritten with recomputed hashes, not the checkpoint head', () => {
    const path = copyCase()
    const p12 = testP12()
    withCase(path, (c) => createCheckpoint(c.db, c.id, loadPkcs12(p12.path, p12.passphrase), ana, now))
    // (a raw connection: a writable one, as that Lastmile opened it)
    const db = raw(path) as WritableDb
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare("UPDATE audit_log SET details = json_set(details, '$.forged', 1) WHERE seq = 3").run()
    rechainAudit(db, db.prepare("SELECT value FROM case_meta WHERE key = 'id'").pluck().get() as string)
    db.close()
    const v = verifyAt(path)
    expect(v.audit.ok).toBe(true)
    expect(v.firstBad).toMatchObject({
      kind: 'entry',
      seq: 3,
      reason: expect.stringMatching(/^entry 3 \(ingest\.import\) is not the entry checkpoint 1 sealed: the audit trail was rewritten from entry 3 on/)
    })
  })

  it("names an imported export's stored record and an evidence file rewritten with the key, which no row of the seal holds", () => {
    const path = copyCase()
    const db = raw(path)
    // the Security Hub export's first stored block, rewritten as a forger would: its first record
    // says something else, recompressed, the same length; and one evidence file's bytes
    const imp = db.prepare("SELECT id, file_name FROM imports WHERE file_name LIKE '%securityhub%'").get() as { id: string; file_name: string }
    const block = db.prepare('SELECT id, codec, data FROM import_blocks WHERE import_id = ? AND block_no = 0').get(imp.id) as { id: number; codec: string; data: Buffer }
    expect(block.codec).toBe('brotli')
    const text = brotliDecompressSync(block.data).toString('latin1')
    const forged = Buffer.from(text.replace('"FAILED"', '"PASSED"'), 'latin1')
    expect(forged.toString('latin1')).not.toBe(text)
    db.prepare('UPDATE import_blocks SET data = ? WHERE id = ?').run(brotliCompressSync(forged), block.id)
    const file = db.prepare("SELECT f.id, f.path FROM evidence_files f WHERE f.stored = 'blob' AND f.path LIKE '%security-groups.json' LIMIT 1").get() as {
      id: string
      path: string
    }
    pastTriggers(db, 'evidence_blobs', () => {
      const changed = db
        .prepare('UPDATE evidence_blobs SET data = CAST(replace(CAST(data AS TEXT), \'"FromPort": 22\', \'"FromPort": 23\') AS BLOB) WHERE file_id = ?')
        .run(file.id).changes
      expect(changed).toBeGreaterThan(0)
    })
    db.close()
    const v = verifyAt(path)
    expect(v.ok).toBe(false)
    expect(v.audit.ok).toBe(true)
    expect(v.problems.map((p) => [p.kind, p.table, p.key])).toEqual([
      ['row', 'import_blocks', imp.id],
      ['row', 'evidence_blobs', file.id]
    ])
    expect(v.problems[0].reason).toBe(
      `the stored copy of ${imp.file_name} (import ${imp.id}) was changed outside Lastmile: its bytes do not hash to the SHA-256 the import recorded (${withCase(path, (c) => (c.db.prepare('SELECT file_sha256 FROM imports WHERE id = ?').pluck().get(imp.id) as string).slice(0, 16))}…)`
    )
    expect(v.problems[1].reason).toMatch(
      new RegExp(`^the stored evidence file ${file.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&')} \\(${file.id}\\) was changed outside Lastmile: its bytes do not hash`)
    )
    // the entry that sealed the import's row names where to look
    expect(v.problems[0].seq).toBeGreaterThan(0)
    // and nothing is drawn from the changed evidence (a plan, an investigation): reading it refuses
    withCase(path, (c) => expect(() => readEvidenceBytes(c.db, file.id)).toThrow(/its stored bytes do not hash to the SHA-256 recorded when it was added/))
  })

  it('names the bundle whose timeline events were reworded, added or removed with the key', () => {
    const path = copyCase()
    const db = raw(path)
    const bundle = db.prepare('SELECT bundle_id FROM evidence_timeline GROUP BY bundle_id ORDER BY count(*) DESC LIMIT 1').pluck().get() as string
    const added = db.prepare("SELECT seq FROM audit_log WHERE action = 'evidence.add' AND target = ?").pluck().get(bundle) as number
    const event = db.prepare("SELECT id, summary FROM evidence_timeline WHERE bundle_id = ? AND kind = 'event' ORDER BY id LIMIT 1").get(bundle) as { id: number; summary: string }
    pastTriggers(db, 'evidence_timeline', () => db.prepare('UPDATE evidence_timeline SET summary = ? WHERE id = ?').run(`${event.summary} (reviewed: benign)`, event.id))
    db.close()
    const v = verifyAt(path)
    expect(v.problems).toEqual([
      {
        kind: 'table',
        table: 'evidence_timeline',
        key: bundle,
        seq: added,
        reason: expect.stringMatching(
          new RegExp(
            `^the timeline drawn from evidence bundle ${bundle} was changed outside Lastmile: its \\d+ events no longer hash to what audit entry ${added} \\(evidence\\.add\\) recorded$`
          )
        )
      }
    ])
    // an event removed: the count says so
    const db2 = raw(path)
    pastTriggers(db2, 'evidence_timeline', () => db2.prepare('DELETE FROM evidence_timeline WHERE id = ?').run(event.id))
    db2.close()
    expect(verifyAt(path).problems[0]?.reason).toMatch(/it holds \d+ events, not the \d+ it was written with, and they no longer hash/)
  })

  it('names a stored block removed from an import', () => {
    const path = copyCase()
    const db = raw(path)
    const imp = db.prepare('SELECT import_id FROM import_blocks GROUP BY import_id HAVING COUNT(*) > 1 LIMIT 1').pluck().get() as string | undefined
    const target = imp ?? (db.prepare('SELECT import_id FROM import_blocks LIMIT 1').pluck().get() as string)
    db.prepare('DELETE FROM import_blocks WHERE import_id = ? AND block_no = (SELECT max(block_no) FROM import_blocks WHERE import_id = ?)').run(target, target)
    db.close()
    const v = verifyAt(path)
    expect(v.firstBad).toMatchObject({ kind: 'row', table: 'import_blocks', key: target })
    expect(v.firstBad?.reason).toMatch(/was changed outside Lastmile: (it holds \d+ bytes, not the \d+ the import recorded)/)
  })

  it('names a page changed without the key, also one that no check reads, and `lastmile verify` exits 1 on either', async () => {
    /** flip one byte inside the first page of `table` (SQLCipher then fails that page's HMAC) */
    const damage = (path: string, table: string): number => {
      const db = raw(path)
      const page = db.prepare('SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno LIMIT 1').pluck().get(table) as number
      db.close()
      const bytes = readFileSync(path)
      bytes[(page - 1) * 4096 + 200] ^= 0x01
      writeFileSync(path, bytes)
      return page
    }
    const keyFile = join(tempDir(), 'key')
    writeFileSync(keyFile, `${KEY}\n`)
    // the timeline's index by resource: no check reads it
    const quiet = copyCase()
    const page = damage(quiet, 'evidence_timeline_resource')
    const v = verifyAt(quiet)
    expect(v.ok).toBe(false)
    expect(v.firstBad).toMatchObject({ kind: 'table', table: 'evidence_timeline' })
    expect(v.firstBad?.reason).toBe(
      `the case file is damaged or was changed outside Lastmile: page ${page} (of index evidence_timeline_resource of evidence_timeline) does not authenticate under the case key`
    )
    const r1 = await cli(['verify', quiet, '--key-file', keyFile])
    expect(r1.code).toBe(1)
    expect(r1.stdout).toMatch(
      new RegExp(
        `^TAMPERED: .*case\\.lmcase: the case file is damaged or was changed outside Lastmile: page ${page} \\(of index evidence_timeline_resource of evidence_timeline\\)`
      )
    )
    // the audit trail itself: the checks cannot go on, and say where they stopped
    const loud = copyCase()
    const at = damage(loud, 'audit_log')
    expect(() => verifyAt(loud)).toThrow(new RegExp(`page ${at} \\(of audit_log\\) does not authenticate under the case key`))
    const r2 = await cli(['verify', loud, '--key-file', keyFile])
    expect(r2.code).toBe(1)
    expect(r2.stdout).toMatch(new RegExp(`^TAMPERED: .*case\\.lmcase: the case file is damaged or was changed outside Lastmile: page ${at} \\(of audit_log\\)`))
  })

  it('`lastmile verify` names the table and row and exits 1', async () => {
    const path = copyCase()
    forge(path, `UPDATE findings SET status = 'resolved' WHERE id = ${safeFinding}`)
    const keyFile = join(tempDir(), 'key')
    writeFileSync(keyFile, `${KEY}\n`)
    const r = await cli(['verify', path, '--key-file', keyFile])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(new RegExp(`TAMPERED: .*case\\.lmcase: findings row ${safeFinding} \\(F-${safeFinding}\\) was changed outside Lastmile`))
    const ok = await cli(['verify', copyCase(), '--key-file', keyFile])
    expect(ok.code).toBe(0)
  })
})

async function withCaseAsync<T>(path: string, fn: (c: WritableCaseDb) => Promise<T>): Promise<T> {
  const c = openCaseDb(path, KEY)
  try {
    return await fn(c)
  } finally {
    c.close()
  }
}

function imageOf(db: ReturnType<typeof rawCaseDb>, table: string): string {
  const cols = db.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).pluck().all() as string[]
  return cols.map((x) => `quote("${x}")`).join(` || ',' || `)
}

describe('a row image', () => {
  it("is quote() of each column joined by commas, for every sealed row, also for quotes, NUL, '%', non-ASCII text, NULL and large integers", () => {
    const path = copyCase()
    const odd = ["it's", "''", '', 'naïve — 東京 🚀', 'a\u0000b', '%s %Q %% %', '\n\t,', 'NULL', "'NULL'"]
    withCase(path, (c) =>
      c.db.transaction(() => {
        const put = c.db.prepare(
          "INSERT INTO resources (id, key, canonical_id, canonical, type, provider, account, region, name) VALUES (?, ?, ?, 0, 'aws.s3.bucket', 'aws', ?, NULL, ?)"
        )
        odd.forEach((v, i) => put.run(i % 2 ? -(2n ** 60n) - BigInt(i) : 2n ** 60n + BigInt(i), `odd-${i}`, v, v, v))
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'odd', details: {} }, now())
      })()
    )
    const db = raw(path)
    let rows = 0
    try {
      for (const table of SEALED_TABLES) {
        const sealedHash = db.prepare('SELECT hash FROM state_rows WHERE tbl = ? AND key = ?').pluck()
        for (const [key, image] of db
          .prepare(`SELECT ${keySql(table)}, ${imageOf(db, table.name)} FROM ${table.name}`)
          .raw()
          .all() as Array<[string, string]>) {
          expect([table.name, key, (sealedHash.get(table.name, key) as Buffer).toString('hex')]).toEqual([table.name, key, rowHash(table.name, key, image).toString('hex')])
          rows++
        }
      }
    } finally {
      db.close()
    }
    expect(rows).toBeGreaterThan(300)
    expect(verifyAt(path).problems).toEqual([])
  })
})

describe('a bucket digest', () => {
  /** What lastmile-state/1 defines it as: SHA-256 over key, NUL, row hash for each row in key order. */
  const byDefinition = (rows: Array<[string, Buffer]>): Buffer => {
    const h = createHash('sha256')
    for (const [key, hash] of rows) h.update(key).update('\0').update(hash)
    return h.digest()
  }

  it('is SHA-256 over each row key, a NUL and its hash, also for non-ASCII keys and buckets larger than its first buffer', () => {
    const rows: Array<[string, Buffer]> = Array.from({ length: 5000 }, (_, i) => [
      i % 7 === 0 ? `clé-${i}-漢字-${'x'.repeat(i % 50)}` : `${i}:${i * 31}`,
      rowHash('t', String(i), `image ${i}`)
    ])
    const d = new BucketDigest()
    for (const [key, hash] of rows.slice(0, 3)) d.add(key, hash)
    expect(d.digest()).toEqual(byDefinition(rows.slice(0, 3)))
    d.reset()
    for (const [key, hash] of rows) d.add(key, hash)
    expect(d.rows).toBe(5000)
    expect(d.digest()).toEqual(byDefinition(rows))
    d.reset()
    expect(d.digest()).toEqual(byDefinition([]))
  })

  it('of a bucket read back from state_rows is the definition, joined by SQLite in a UTF-8 database and row by row in a UTF-16 one', () => {
    const rows: Array<[string, Buffer]> = Array.from({ length: 300 }, (_, i) => [i % 5 === 0 ? `clé-${i}-漢字😀` : `${i}`, rowHash('t', String(i), `image ${i}`)])
    for (const encoding of ['UTF-8', 'UTF-16le']) {
      const db = new Database(':memory:')
      try {
        db.pragma(`encoding = '${encoding}'`)
        db.exec(
          'CREATE TABLE state_rows (tbl TEXT NOT NULL, bucket INTEGER NOT NULL, key TEXT NOT NULL, hash BLOB NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (tbl, bucket, key)) STRICT, WITHOUT ROWID'
        )
        const put = db.prepare("INSERT INTO state_rows VALUES ('t', ?, ?, ?, 1)")
        for (const [i, [key, hash]] of rows.entries()) put.run(i % 2, key, hash)
        expect(db.pragma('encoding', { simple: true })).toBe(encoding)
        for (const bucket of [0, 1]) {
          // by key, in SQLite's order of the text (its bytes: what ORDER BY key gives)
          const mine = rows.filter((_, i) => i % 2 === bucket).sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
          expect(bucketDigestOf(db, 't', bucket), `${encoding} bucket ${bucket}`).toEqual({ rows: 150, digest: byDefinition(mine) })
        }
        expect(bucketDigestOf(db, 't', 7)).toEqual({ rows: 0, digest: byDefinition([]) })
      } finally {
        db.close()
      }
    }
  })

  it('of every bucket a real case holds is the one its rows give by that definition', () => {
    const path = copyCase()
    withCase(path, (c) => {
      const buckets = c.db.prepare('SELECT tbl, bucket, rows, digest FROM state_buckets ORDER BY tbl, bucket').all() as Array<{
        tbl: string
        bucket: number
        rows: number
        digest: Buffer
      }>
      expect(new Set(buckets.map((b) => b.tbl)).size).toBeGreaterThan(15)
      const rowsOf = c.db.prepare('SELECT key, hash FROM state_rows WHERE tbl = ? AND bucket = ? ORDER BY key').raw()
      for (const b of buckets) {
        const rows = rowsOf.all(b.tbl, b.bucket) as Array<[string, Buffer]>
        expect({ tbl: b.tbl, bucket: b.bucket, rows: rows.length, digest: byDefinition(rows) }).toEqual({ tbl: b.tbl, bucket: b.bucket, rows: b.rows, digest: b.digest })
      }
    })
  })
})

describe('rows inserted in bulk (an import)', () => {
  /** New resources, one of them changed and one deleted, and a resource the case held renamed: with or without bulk marks. */
  function writeResources(path: string, bulk: boolean): void {
    withCase(path, (c) => {
      const at = now()
      c.db.transaction(() => {
        if (bulk) beginBulkInserts(c.db, ['resources'])
        const put = c.db.prepare(
          "INSERT INTO resources (key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, 1, 'aws.s3.bucket', 'aws', '123456789012', NULL)"
        )
        const ids = ['a', 'b', 'c'].map((n) => Number(put.run(`arn:aws:s3:::bulk-${n}`, `arn:aws:s3:::bulk-${n}`).lastInsertRowid))
        c.db.prepare("UPDATE resources SET name = 'renamed' WHERE id = ?").run(ids[1])
        c.db.prepare('DELETE FROM resources WHERE id = ?').run(ids[2])
        c.db.prepare("UPDATE resources SET name = 'held before' WHERE id = (SELECT min(id) FROM resources)").run()
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'bulk', details: {} }, at)
      })()
    })
  }
  const sealed = (path: string): unknown =>
    withCase(path, (c) => [
      c.db.prepare("SELECT bucket, key, hex(hash), seq FROM state_rows WHERE tbl = 'resources' ORDER BY bucket, key").raw().all(),
      c.db.prepare("SELECT bucket, rows, hex(digest) FROM state_buckets WHERE tbl = 'resources' ORDER BY bucket").raw().all(),
      c.db.prepare("SELECT rows, hex(digest) FROM state_tables WHERE tbl = 'resources'").raw().all()
    ])

  /**
   * 700 new resources: whole buckets of new keys (sealed from the hashes just computed), besides
   * the bucket they share with rows the case held (read back). Two are changed and two deleted
   * after they were written, and a resource the case held is renamed; `before` runs first, in the
   * same transaction.
   */
  function writeMany(path: string, bulk: boolean, before?: (db: WritableDb) => void): number[] {
    return withCase(path, (c) =>
      c.db.transaction(() => {
        before?.(c.db)
        if (bulk) beginBulkInserts(c.db, ['resources'])
        const put = c.db.prepare(
          "INSERT INTO resources (key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, 1, 'aws.s3.bucket', 'aws', '123456789012', NULL)"
        )
        const ids = Array.from({ length: 700 }, (_, i) => Number(put.run(`arn:aws:s3:::many-${i}`, `arn:aws:s3:::many-${i}`).lastInsertRowid))
        c.db.prepare("UPDATE resources SET name = 'renamed' WHERE id IN (?, ?)").run(ids[300], ids[699])
        c.db.prepare('DELETE FROM resources WHERE id IN (?, ?)').run(ids[1], ids[400])
        c.db.prepare("UPDATE resources SET name = 'held before' WHERE id = (SELECT min(id) FROM resources)").run()
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'many', details: {} }, now())
        return ids
      })()
    )
  }

  /** A resource inserted and sealed by an entry of its own (the case's largest id), then deleted by another. */
  function addResource(path: string, name: string): number {
    return withCase(path, (c) =>
      c.db.transaction(() => {
        const id = Number(
          c.db
            .prepare("INSERT INTO resources (key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, 1, 'aws.s3.bucket', 'aws', '123456789012', NULL)")
            .run(`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}`).lastInsertRowid
        )
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: name, details: {} }, now())
        return id
      })()
    )
  }
  const deleteResource = (db: WritableDb, id: number): void => void db.prepare('DELETE FROM resources WHERE id = ?').run(id)

  it('are sealed exactly as rows marked one by one, and the case verifies', () => {
    const [one, bulk] = [copyCase(), copyCase()]
    writeResources(one, false)
    writeResources(bulk, true)
    expect(sealed(bulk)).toEqual(sealed(one))
    expect(verifyAt(bulk).problems).toEqual([])
  })

  it('fill whole buckets of new keys exactly as rows marked one by one, and a row later changed by hand is named', () => {
    const [one, bulk] = [copyCase(), copyCase()]
    writeMany(one, false)
    const ids = writeMany(bulk, true)
    // the new keys span a bucket shared with older rows and whole buckets of their own
    expect(Math.floor(ids[699] / 256)).toBeGreaterThan(Math.floor(ids[0] / 256) + 1)
    expect(sealed(bulk)).toEqual(sealed(one))
    expect(verifyAt(bulk).problems).toEqual([])
    forge(bulk, `UPDATE resources SET name = 'forged' WHERE id = ${ids[500]}`)
    expect(verifyAt(bulk).problems.map((p) => p.reason)).toEqual([expect.stringMatching(new RegExp(`^resources row ${ids[500]} was changed outside Lastmile`))])
  })

  it('turn the insert marks off until the seal, which puts them back, as a rollback does', () => {
    const path = copyCase()
    withCase(path, (c) => {
      const marks = (): string[] => c.db.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND tbl_name = 'resources' ORDER BY name").pluck().all() as string[]
      const all = ['lastmile_seal_resources_d', 'lastmile_seal_resources_i', 'lastmile_seal_resources_k', 'lastmile_seal_resources_u']
      const sql = (): unknown => c.db.prepare("SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger' ORDER BY name").all()
      const before = sql()
      expect(marks()).toEqual(all)
      c.db.transaction(() => {
        beginBulkInserts(c.db, ['resources'])
        expect(marks()).toEqual(['lastmile_seal_resources_d', 'lastmile_seal_resources_k', 'lastmile_seal_resources_u'])
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'bulk', details: {} }, now())
        expect(sql()).toEqual(before)
      })()
      expect(() =>
        c.db.transaction(() => {
          beginBulkInserts(c.db, ['resources'])
          throw new Error('the import failed')
        })()
      ).toThrow('the import failed')
      expect(sql()).toEqual(before)
    })
    expect(verifyAt(path).problems).toEqual([])
  })

  it('seal a key that a delete in the same transaction freed and an insert took again, as rows marked one by one', () => {
    const [one, bulk] = [copyCase(), copyCase()]
    const top = addResource(one, 'top')
    expect(addResource(bulk, 'top')).toBe(top)
    for (const [path, inBulk] of [
      [one, false],
      [bulk, true]
    ] as const) {
      withCase(path, (c) =>
        c.db.transaction(() => {
          if (inBulk) beginBulkInserts(c.db, ['resources'])
          deleteResource(c.db, top)
          const put = c.db.prepare(
            "INSERT INTO resources (key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, 1, 'aws.s3.bucket', 'aws', '123456789012', NULL)"
          )
          // the freed key, below the bulk's first key, then keys from the first key up
          const ids = ['again', 'next-1', 'next-2'].map((n) => Number(put.run(`arn:aws:s3:::${n}`, `arn:aws:s3:::${n}`).lastInsertRowid))
          expect(ids).toEqual([top, top + 1, top + 2])
          appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'again', details: {} }, now())
        })()
      )
    }
    expect(sealed(bulk)).toEqual(sealed(one))
    expect(verifyAt(bulk).problems).toEqual([])
  })

  it('take again the id of a row deleted by an earlier entry, and seal it as rows marked one by one', () => {
    const [one, bulk] = [copyCase(), copyCase()]
    const gone = addResource(one, 'deleted-before')
    expect(addResource(bulk, 'deleted-before')).toBe(gone)
    for (const path of [one, bulk]) {
      withCase(path, (c) =>
        c.db.transaction(() => {
          deleteResource(c.db, gone)
          appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'delete', details: {} }, now())
        })()
      )
    }
    writeMany(one, false)
    expect(writeMany(bulk, true)[0]).toBe(gone)
    expect(sealed(bulk)).toEqual(sealed(one))
    expect(verifyAt(bulk).problems).toEqual([])
  })

  it('take again the id of a row deleted earlier in the same transaction, whose seal is still there, and seal it as rows marked one by one', () => {
    const [one, bulk] = [copyCase(), copyCase()]
    const gone = addResource(one, 'deleted-now')
    expect(addResource(bulk, 'deleted-now')).toBe(gone)
    writeMany(one, false, (db) => deleteResource(db, gone))
    // the first new row takes the deleted row's id: its old seal must be replaced, not kept
    expect(writeMany(bulk, true, (db) => deleteResource(db, gone))[0]).toBe(gone)
    expect(sealed(bulk)).toEqual(sealed(one))
    expect(verifyAt(bulk).problems).toEqual([])
    forge(bulk, `UPDATE resources SET name = 'forged' WHERE id = ${gone}`)
    expect(verifyAt(bulk).problems.map((p) => p.reason)).toEqual([expect.stringMatching(new RegExp(`^resources row ${gone} was changed outside Lastmile`))])
  })

  it('do not bless a row deleted by hand whose key a new row takes, in bulk or one by one', () => {
    for (const bulk of [true, false]) {
      const path = copyCase()
      const gone = addResource(path, 'deleted-by-hand')
      forge(path, `DELETE FROM resources WHERE id = ${gone}`)
      expect(() => writeMany(path, bulk)).toThrow(
        new RegExp(
          `the case does not verify, so nothing was changed: resources row ${gone} was removed outside Lastmile after audit entry \\d+ sealed it, and a new row took its key`
        )
      )
      expect(withCase(path, (c) => c.db.prepare("SELECT count(*) FROM resources WHERE key LIKE 'arn:aws:s3:::many-%'").pluck().get())).toBe(0)
      expect(verifyAt(path).problems.map((p) => p.reason)).toEqual([expect.stringMatching(new RegExp(`^resources row ${gone} was removed outside Lastmile`))])
    }
  })

  it('do not bless a row the case held that was changed by hand before the import changed it', () => {
    const path = copyCase()
    forge(path, "UPDATE resources SET region = 'forged' WHERE id = (SELECT min(id) FROM resources)")
    expect(() => writeResources(path, true)).toThrow(
      /the case does not verify, so nothing was changed: resources row \d+ was changed outside Lastmile after audit entry \d+ sealed it/
    )
    expect(withCase(path, (c) => c.db.prepare("SELECT count(*) FROM resources WHERE key LIKE 'arn:aws:s3:::bulk-%'").pluck().get())).toBe(0)
  })

  it('put each row in the bucket of its key (floor of key / 256, negative keys too), where a later change and a deletion find it', () => {
    const path = copyCase()
    const ids = [-513, -257, -256, -255, -1, 0, 5_000_191, 5_000_192, 6_000_000]
    withCase(path, (c) => {
      c.db.transaction(() => {
        const put = c.db.prepare(
          "INSERT INTO resources (id, key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, ?, 1, 'aws.s3.bucket', 'aws', '123456789012', NULL)"
        )
        for (const id of ids) put.run(id, `arn:aws:s3:::keyed${id}`, `arn:aws:s3:::keyed${id}`)
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'keys', details: {} }, now())
      })()
    })
    const buckets = withCase(path, (c) => ids.map((id) => c.db.prepare("SELECT bucket FROM state_rows WHERE tbl = 'resources' AND key = ?").pluck().all(String(id)) as number[]))
    expect(buckets).toEqual(ids.map((id) => [Math.floor(id / 256)]))
    expect(verifyAt(path).problems).toEqual([])
    // changed and deleted through Lastmile: the seal finds each row where it was put
    withCase(path, (c) => {
      c.db.transaction(() => {
        c.db.prepare("UPDATE resources SET name = 'renamed' WHERE id IN (-257, 5000192)").run()
        c.db.prepare('DELETE FROM resources WHERE id IN (-256, 0, 6000000)').run()
        appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'keys', details: {} }, now())
      })()
    })
    expect(withCase(path, (c) => c.db.prepare("SELECT count(*) FROM state_rows WHERE tbl = 'resources' AND key IN ('-256', '0', '6000000')").pluck().get())).toBe(0)
    expect(verifyAt(path).problems).toEqual([])
    forge(path, "UPDATE resources SET name = 'forged' WHERE id = -513")
    expect(verifyAt(path).problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^resources row -513 .*was changed outside Lastmile/)])
  })

  it('seal a row whose key an update changes under its new key only, and do not bless a move onto a key deleted by hand or of a row changed by hand', () => {
    const move = (path: string, from: number, to: number): void =>
      withCase(path, (c) =>
        c.db.transaction(() => {
          c.db.prepare('UPDATE resources SET id = ?, name = ? WHERE id = ?').run(to, 'moved', from)
          appendAudit(c.db, c.id, { actor: ana, action: 'ingest.import', target: 'move', details: {} }, now())
        })()
      )
    const keysOf = (path: string, ...ids: number[]): string[] =>
      withCase(
        path,
        (c) =>
          c.db
            .prepare(`SELECT key FROM state_rows WHERE tbl = 'resources' AND key IN (${ids.map(() => '?').join(', ')}) ORDER BY key`)
            .pluck()
            .all(...ids.map(String)) as string[]
      )

    const path = copyCase()
    const a = addResource(path, 'to-move')
    move(path, a, a + 1000)
    expect(keysOf(path, a, a + 1000)).toEqual([String(a + 1000)])
    expect(verifyAt(path).problems).toEqual([])
    forge(path, `UPDATE resources SET name = 'forged' WHERE id = ${a + 1000}`)
    expect(verifyAt(path).problems.map((p) => p.reason)).toEqual([expect.stringMatching(new RegExp(`^resources row ${a + 1000} was changed outside Lastmile`))])

    const onto = copyCase()
    const b = addResource(onto, 'stays')
    const gone = addResource(onto, 'deleted-by-hand')
    forge(onto, `DELETE FROM resources WHERE id = ${gone}`)
    expect(() => move(onto, b, gone)).toThrow(
      new RegExp(
        `the case does not verify, so nothing was changed: resources row ${gone} was removed outside Lastmile after audit entry \\d+ sealed it, and a new row took its key`
      )
    )

    const changed = copyCase()
    const d = addResource(changed, 'changed-by-hand')
    forge(changed, `UPDATE resources SET region = 'forged' WHERE id = ${d}`)
    expect(() => move(changed, d, d + 1000)).toThrow(
      new RegExp(`the case does not verify, so nothing was changed: resources row ${d} was changed outside Lastmile after audit entry \\d+ sealed it`)
    )
    expect(keysOf(changed, d, d + 1000)).toEqual([String(d)])
  })
})

describe('a case from before the state seal (schema 70)', () => {
  it('upgrades cleanly: one entry seals what it holds, and from then on a change by hand is named', () => {
    const path = join(tempDir(), 'old.lmcase')
    createCaseDb(path, KEY, { now: now() }).close()
    // Take the new case back to schema 70, as a case written by the Lastmile before this one.
    // (a raw connection: a writable one, as that Lastmile opened it)
    const db = raw(path) as WritableDb
    db.exec(
      'DROP TABLE state_rows; DROP TABLE state_buckets; DROP TABLE state_tables; DROP TABLE state_upgrade; ALTER TABLE audit_log DROP COLUMN state; DELETE FROM schema_migrations WHERE version = 90; PRAGMA user_version = 70'
    )
    const id = db.prepare("SELECT value FROM case_meta WHERE key = 'id'").pluck().get() as string
    // …and let that Lastmile import into it (no seal: its tables do not exist)
    const old = { db, path, id, name: 'old', createdAt: 'x', schemaVersion: 70, readOnly: false, close: () => db.close() } satisfies WritableCaseDb
    appendAudit(db, id, { actor: ana, action: 'case.create', target: id, details: {} }, now())
    importFile(old, join(demoDir(), 'exports', 'securityhub-findings.json'), { actor: ana, now })
    expect(db.prepare('SELECT COUNT(*) FROM audit_log WHERE seq > 0').pluck().get()).toBe(2)
    db.close()

    const c = openCaseDb(path, KEY)
    const last = c.db.prepare('SELECT seq, action, details FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; action: string; details: string }
    expect(last).toMatchObject({ seq: 3, action: 'case.state-sealed' })
    const findings = c.db.prepare('SELECT COUNT(*) FROM findings').pluck().get() as number
    expect(findings).toBeGreaterThan(5)
    expect(JSON.parse(last.details).rows).toBeGreaterThan(findings)
    c.close()
    const v = verifyAt(path)
    expect(v.problems).toEqual([])
    expect(v.state).toMatchObject({ ok: true, sealedBy: 3 })
    // the entries before the upgrade still verify as they were written (no state in their hash)
    expect(v.audit).toMatchObject({ ok: true, entries: 3 })

    forge(path, "UPDATE findings SET rci_verdict = 'SAFE' WHERE id = 1")
    expect(verifyAt(path).firstBad).toMatchObject({ kind: 'row', table: 'findings', key: '1' })
    // Marking the case for resealing does not bless the change: a second upgrade entry is named.
    forge(path, 'INSERT INTO state_upgrade (pending) VALUES (1)')
    openCaseDb(path, KEY).close()
    const again = verifyAt(path)
    expect(again.ok).toBe(false)
    expect(again.problems.map((p) => p.reason)).toContainEqual(
      expect.stringMatching(/^audit entry 4 resealed the whole case state as an upgrade, but the state was already sealed from entry 3/)
    )
  })
})
