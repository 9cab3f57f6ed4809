// Long work can be cancelled, and what an export writes can be found: a long import is cancelled
// from the Import screen (the file being imported is rolled back, the files finished before it
// stay, and the summary says which is which); an exported file is shown in the file manager.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { verifyAudit } from '../main/audit/chain'
import { listFindings } from '../main/case/findings'
import { writeLargeExport, type Alarm } from '../test/fixtures/ingest/generate'
import { test, expect } from './fixtures'
import { browse, createCaseInMain, openSection } from './flows'
import { writeSampleData } from './sample-data'
import { testP12 } from '../test/fixtures/export/p12'

const alarm = (i: number): Alarm => ({ problem: i % 2 ? 's3-https' : 'imdsv2', account: String(300000000000 + (i % 7)), region: 'eu-west-1', n: i })

test('a running import is cancelled from the Import screen: the file in progress is rolled back, the one before it stays', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  const data = writeSampleData(join(bridge.root, 'exports'))
  const large = join(bridge.root, 'exports', 'large-prowler.ocsf.json')
  writeLargeExport(large, 'prowler', 60_000, alarm)
  createCaseInMain(bridge)
  await openApp()
  await page.getByRole('button', { name: 'Import exports…' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import' })).toBeFocused()

  bridge.answerOpen('import', [data.securityHub, large])
  await page.getByRole('button', { name: 'Choose files…' }).click()
  await page.getByRole('button', { name: 'Import 2 files' }).click()

  // Once the large file is being read, cancel.
  await expect(page.getByText('Importing large-prowler.ocsf.json')).toBeVisible({ timeout: 30_000 })
  await page.getByRole('button', { name: 'Cancel the import' }).click()

  const notice = page.getByRole('status').filter({ hasText: 'Import cancelled' })
  await expect(notice).toContainText('Import cancelled: 1 file imported, 1 file not imported', { timeout: 30_000 })
  await expect(notice).toContainText('was rolled back; files finished before it stay in the case')
  const rows = page.getByRole('region', { name: 'Summary per file' }).locator('tbody tr')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0).locator('th')).toContainText('securityhub-findings.json')
  await expect(rows.nth(1)).toContainText('Cancelled')
  await expect(rows.nth(1)).toContainText('this file was rolled back and changed nothing. Import it again when you are ready.')
  await expect(page.getByRole('button', { name: 'Cancel the import' })).toHaveCount(0)

  // The case holds the first file only, and its audit chain is whole.
  const c = bridge.app.session.require()
  expect((c.db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n).toBe(1)
  expect(listFindings(c.db).length).toBe(data.alarms)
  expect(verifyAudit(c.db, c.id).ok).toBe(true)
  await expect(notice).toContainText(`The case now holds ${data.alarms} findings`)

  // Cancelling when nothing runs is harmless.
  expect(await bridge.dispatch('ingest.cancel', {})).toEqual({ ok: true, value: { cancelled: false } })
})

test('an exported case file is shown in the file manager; nothing else can be', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  await openApp()
  await openSection(page, 'Exports')
  const out = join(bridge.root, 'acme-for-audit.lmaudit')
  const form = page.getByRole('region', { name: 'Auditor case file' })
  bridge.answerSave('case-file', out)
  await browse(form, 'Save the case file as', out)
  await form.getByLabel('Export passphrase', { exact: true }).fill('auditor passphrase 1')
  await form.getByLabel('Repeat the export passphrase').fill('auditor passphrase 1')
  await form.getByRole('button', { name: 'Export case file' }).click()
  await expect(form.getByRole('status')).toContainText('The auditor case file was written')
  await form.getByRole('button', { name: 'Show in folder' }).click()
  await expect.poll(() => bridge.shownInFolder).toEqual([out])

  // The page cannot point the file manager anywhere else.
  expect(await bridge.dispatch('dialog.showInFolder', { path: bridge.dataDir })).toMatchObject({ ok: false, error: { code: 'bad-input' } })
  expect(bridge.shownInFolder).toEqual([out])
})

test("the auditor case file is signed by the organisation's certificate when the user chooses it", async ({ page, bridge, openApp }) => {
  const p12 = testP12({ cn: 'Acme Audit Signing' })
  createCaseInMain(bridge)
  await openApp()
  await openSection(page, 'Exports')
  const out = join(bridge.root, 'acme-signed.lmaudit')
  const form = page.getByRole('region', { name: 'Auditor case file' })
  bridge.answerSave('case-file', out)
  await browse(form, 'Save the case file as', out)
  await form.getByLabel('Export passphrase', { exact: true }).fill('auditor passphrase 1')
  await form.getByLabel('Repeat the export passphrase').fill('auditor passphrase 1')
  await form.getByRole('radio', { name: 'The organisation’s certificate (.p12)' }).check()
  const submit = form.getByRole('button', { name: 'Export case file' })
  await expect(submit).toBeDisabled() // no certificate chosen yet
  bridge.answerOpen('certificate', [p12.path])
  await browse(form, 'Signing certificate (.p12)', p12.path)
  await form.getByLabel('Certificate passphrase').fill('not the passphrase')
  await submit.click()
  await expect(form.getByRole('alert')).toContainText('The case file could not be exported')
  await form.getByLabel('Certificate passphrase').fill(p12.passphrase)
  await submit.click()
  await expect(form.getByRole('status')).toContainText('Signed by CN=Acme Audit Signing')
  const verified = await bridge.dispatch('export.verifyFile', { path: bridge.grant(out), exportPassphrase: 'auditor passphrase 1', expectSigner: p12.fingerprint })
  expect(verified).toMatchObject({ ok: true, value: { ok: true } })
})

test('a PDF export under way is cancelled from the Exports page: no report is written', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  const p12 = testP12()
  createCaseInMain(bridge)
  const scan = join(bridge.root, 'many.json')
  writeLargeExport(scan, 'asff', 5000, alarm)
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(scan)] })).toMatchObject({ ok: true })
  await openApp()
  await openSection(page, 'Exports')
  const form = page.getByRole('region', { name: 'Signed PDF report' })
  const out = join(bridge.root, 'report.pdf')
  bridge.answerSave('report', out)
  await browse(form, 'Save the report as', out)
  bridge.answerOpen('certificate', [p12.path])
  await browse(form, 'Signing certificate (.p12)', p12.path)
  await form.getByLabel('Certificate passphrase').fill(p12.passphrase)
  await form.getByRole('button', { name: 'Export signed PDF' }).click()
  // the page-wide bar shows the export's progress while it runs
  await expect(page.getByRole('progressbar', { name: 'Exporting the signed PDF report' })).toBeVisible({ timeout: 30_000 })
  await form.getByRole('button', { name: 'Cancel the export' }).click()
  await expect(form.getByRole('status').filter({ hasText: 'Cancelled' })).toContainText('the PDF export was cancelled and no report was written', { timeout: 30_000 })
  expect(existsSync(out)).toBe(false)
  await expect(form.getByRole('button', { name: 'Cancel the export' })).toHaveCount(0)
})
