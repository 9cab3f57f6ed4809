// Adding a large evidence bundle is long work: the step under way shows, and Cancel stops it at its
// next safe point — before anything is written, so the case is exactly as it was.
import { join } from 'node:path'
import { ACCOUNT, ctFile, gz, s3DataEvent, writeBundle } from '../test/fixtures/evidence/bundle-builder'
import { test, expect } from './fixtures'
import { createCaseInMain, openSection } from './flows'

/**
 * CloudTrail data events for one bucket, many files of many records: seconds of reading. The
 * records are made once and each file names other objects (the files differ, as real ones do).
 */
function writeLargeBundle(dir: string, files: number, perFile: number): void {
  const spec: Record<string, Buffer> = {}
  const prefix = `aws/${ACCOUNT}/cloudtrail/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11`
  const day = (f: number): string => String(1 + (f % 28)).padStart(2, '0')
  const template = ctFile(
    Array.from({ length: perFile }, (_, i) =>
      s3DataEvent({ time: `2026-11-DDT${String(i % 24).padStart(2, '0')}:00:00Z`, bucket: 'payments-prod-data', key: `exports/FILE/${i}.csv` })
    )
  )
  for (let f = 0; f < files; f++) {
    const d = day(f)
    spec[`${prefix}/${d}/${ACCOUNT}_CloudTrail_us-east-1_202611${d}T0000Z_${String(f).padStart(4, '0')}.json.gz`] = gz(
      template.replaceAll('2026-11-DDT', `2026-11-${d}T`).replaceAll('exports/FILE/', `exports/${f}/`)
    )
  }
  writeBundle(dir, { files: spec, collectedAt: '2026-11-29T00:00:00Z', window: { from: '2026-11-01T00:00:00Z', to: '2026-11-29T00:00:00Z' } })
}

test('adding a large evidence bundle shows its steps and is cancelled, leaving the case as it was', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  const bundle = join(bridge.root, 'large-bundle')
  writeLargeBundle(bundle, 120, 1500)
  createCaseInMain(bridge)
  const c = bridge.app.session.require()
  const count = (t: string): number => (c.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
  const before = { bundles: count('evidence_bundles'), audit: count('audit_log') }
  await openApp()
  await openSection(page, 'Evidence')
  const section = page.getByRole('region', { name: 'Add evidence' })
  bridge.answerOpen('evidence', [bundle])
  await section.getByRole('button', { name: 'Choose folders…' }).click()
  await section.getByRole('button', { name: 'Add the bundle' }).click()
  await expect(section.getByText(/: (verified|CloudTrail)/)).toBeVisible({ timeout: 30_000 })
  await section.getByRole('button', { name: 'Cancel' }).click()
  await expect(section.getByRole('status').filter({ hasText: 'large-bundle was not added: cancelled' })).toContainText('Nothing of it was kept; the case is as it was.', {
    timeout: 30_000
  })
  expect({ bundles: count('evidence_bundles'), audit: count('audit_log') }).toEqual(before)
  // the bundle stays in the list, to be added again
  await expect(section.getByRole('list', { name: 'Bundles to add' }).getByRole('listitem')).toHaveCount(1)
  expect(await bridge.dispatch('evidence.cancelAdd', {})).toEqual({ ok: true, value: { cancelled: false } })
})
