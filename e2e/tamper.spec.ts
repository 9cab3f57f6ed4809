// A case changed outside Lastmile, seen from the app: the Exports page's "Verify checkpoints"
// (verification runs on a worker thread with its own connection) names the row changed with the
// case key, by table and row, as `lastmile verify` does.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asffExport, type Alarm } from '../test/fixtures/ingest/generate'
import { rawCaseDb } from '../test/helpers/forge'
import { test, expect } from './fixtures'
import { createCaseInMain, openSection, PASSPHRASE } from './flows'

const alarm = (problem: Alarm['problem'], n: number): Alarm => ({ problem, account: '111111111111', region: 'us-east-1', n, observedAt: '2025-03-01T10:00:00.000Z' })

test('a finding resolved by hand with the case key is named by table and row when the checkpoints are verified', async ({ page, bridge, openApp }) => {
  const path = createCaseInMain(bridge)
  const scan = join(bridge.root, 'scan.json')
  writeFileSync(scan, asffExport([alarm('s3-https', 1), alarm('imdsv2', 1)]))
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(scan)] })).toMatchObject({ ok: true })
  const id = bridge.app.session.require().db.prepare('SELECT min(id) FROM findings').pluck().get() as number

  await openApp()
  await openSection(page, 'Exports')
  await page.getByRole('button', { name: 'Verify checkpoints' }).click()
  await expect(page.getByText(/The audit trail and 0 checkpoints verify/)).toBeVisible()

  // someone holding the key, not through Lastmile
  const db = rawCaseDb(path, PASSPHRASE)
  db.prepare("UPDATE findings SET status = 'resolved' WHERE id = ?").run(id)
  db.close()
  await page.getByRole('button', { name: 'Verify checkpoints' }).click()
  await expect(page.getByText(`Broken: findings row ${id}: findings row ${id} (F-${id}) was changed outside Lastmile`, { exact: false })).toBeVisible()
})
