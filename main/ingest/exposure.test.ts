import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { asffExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, APPROVER, clock, freshCase } from '../../test/fixtures/ingest/support'
import { exposureOverTime } from './exposure'
import { decideFinding } from '../workflow/decisions'
import { importFile } from './importer'

const root = mkdtempSync(join(tmpdir(), 'lastmile-exposure-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const A = '111111111111'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`
const alarm = (problem: Alarm['problem'], n: number, day: number, status: Alarm['status'] = 'FAIL'): Alarm => ({
  problem,
  account: A,
  region: 'us-east-1',
  n,
  status,
  observedAt: at(day)
})

describe('exposure over time', () => {
  it('is the open findings after each import, in import order, and ends at what the case holds open', () => {
    const dir = join(root, 'a')
    mkdirSync(dir)
    const c = freshCase(dir)
    const now = clock()
    const imp = (name: string, alarms: Alarm[]): void => {
      const path = join(dir, name)
      writeFileSync(path, asffExport(alarms))
      importFile(c, path, { actor: ANALYST, now, displayName: name })
    }
    expect(exposureOverTime(c.db)).toEqual([])
    imp('scan1.json', [alarm('s3-https', 1, 1), alarm('s3-https', 2, 1), alarm('imdsv2', 1, 1)])
    // bucket 2 is gone (closed: resolved), the instance passes (resolved)
    imp('scan2.json', [alarm('s3-https', 1, 8), alarm('imdsv2', 1, 8, 'PASS')])
    // the same export again is no import (nothing changed): no point of its own
    imp('scan2-again.json', [alarm('s3-https', 1, 8), alarm('imdsv2', 1, 8, 'PASS')])
    // both come back, and one new problem
    imp('scan3.json', [alarm('s3-https', 1, 15), alarm('s3-https', 2, 15), alarm('imdsv2', 1, 15), alarm('ssh-open', 1, 15)])

    const series = exposureOverTime(c.db)
    expect(series.map((p) => [p.file, p.opened, p.resolved, p.reopened, p.open])).toEqual([
      ['scan1.json', 3, 0, 0, 3],
      ['scan2.json', 0, 2, 0, 1],
      ['scan3.json', 1, 0, 2, 4]
    ])
    expect(series.map((p) => p.scannedAt)).toEqual([at(1), at(8), at(15)])
    expect(series.every((p, i) => i === 0 || p.importedAt > series[i - 1]!.importedAt)).toBe(true)
    const openNow = (c.db.prepare("SELECT count(*) AS n FROM findings WHERE status = 'open'").get() as { n: number }).n
    expect(series.at(-1)!.open).toBe(openNow)

    // a person's decision sets a finding aside but is not a scan's word: the series is unchanged
    const f = (c.db.prepare("SELECT id FROM findings WHERE status = 'open' LIMIT 1").get() as { id: number }).id
    decideFinding(c, `F-${f}`, 'suppressed', { actor: APPROVER, now, reason: 'tolerated in the sandbox account', expires: null })
    expect(exposureOverTime(c.db)).toEqual(series)
    c.close()
  })
})
