// findings.table read on a worker thread: the same answer as on the calling thread, the case as it
// is after a change, and an event loop that keeps turning while it is read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asffExport, prowlerExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, APPROVER, clock, freshCase, KEY } from '../../test/fixtures/ingest/support'
import { openCaseDb, type WritableCaseDb } from '../db/case-db'
import { decideFinding } from './decisions'
import { importFile } from '../ingest/importer'
import { findingsTable, findingsTableInWorker } from './findings-table'

const root = mkdtempSync(join(tmpdir(), 'lastmile-findings-table-worker-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const alarms: Alarm[] = [
  { problem: 's3-https', account: '111111111111', region: 'us-east-1', n: 1 },
  { problem: 's3-https', account: '222222222222', region: 'eu-west-1', n: 2 },
  { problem: 'ssh-open', account: '222222222222', region: 'eu-west-1', n: 3 },
  { problem: 'rds-public', account: '222222222222', region: 'eu-west-1', n: 4 }
]

describe('findings.table on a worker thread', () => {
  let c: WritableCaseDb
  let dir: string
  const now = clock()
  beforeAll(() => {
    dir = mkdtempSync(join(root, 'case-'))
    c = freshCase(dir)
    writeFileSync(join(dir, 'sh.json'), asffExport(alarms))
    writeFileSync(join(dir, 'prowler.json'), prowlerExport(alarms.slice(1, 3)))
    importFile(c, join(dir, 'sh.json'), { actor: ANALYST, now, displayName: 'sh.json' })
    importFile(c, join(dir, 'prowler.json'), { actor: ANALYST, now, displayName: 'prowler.json' })
  })
  afterAll(() => c.close())

  it('answers what the calling thread computes, while the event loop keeps turning', async () => {
    let turns = 0
    const tick = setInterval(() => turns++, 1)
    try {
      const t = await findingsTableInWorker(c, KEY)
      expect(turns).toBeGreaterThan(0)
      expect(t.count).toBe(4)
      expect(t).toEqual(findingsTable(c.db))
    } finally {
      clearInterval(tick)
    }
  })

  it('is read again after the case changed, and kept until it changes', async () => {
    const before = await findingsTableInWorker(c, KEY)
    const id = before.id[0]!
    decideFinding(c, `F-${id}`, 'suppressed', { actor: APPROVER, now, reason: 'a test bucket' })
    const after = await findingsTableInWorker(c, KEY)
    expect(after.status[after.id.indexOf(id)]).toBe(2)
    expect(after).toEqual(findingsTable(c.db))
    // kept: an edit to one answer never reaches the next
    after.status.fill(0)
    after.resource[0] = 'changed by a caller'
    after.strings.push('added by a caller')
    const again = await findingsTableInWorker(c, KEY)
    expect(again.status[after.id.indexOf(id)]).toBe(2)
    expect(again).toEqual(findingsTable(c.db))
  })

  it('reads a case open read-only (a case under review)', async () => {
    const ro = openCaseDb(c.path, KEY, { readOnly: true })
    try {
      expect(await findingsTableInWorker(ro, KEY)).toEqual(findingsTable(c.db))
    } finally {
      ro.close()
    }
  })

  it('fails with the reason when the key is wrong', async () => {
    const ro = openCaseDb(c.path, KEY, { readOnly: true })
    try {
      await expect(findingsTableInWorker(ro, 'not the key')).rejects.toThrow(/cannot decrypt the case: the passphrase is wrong/)
    } finally {
      ro.close()
    }
  })
})
