// Approvals and exports on a case built from the demo data through the real services: a RISKY
// finding planned by an analyst is approved one by one, with a reason, by a second person
// (four-eyes) and leaves the queue; an UNSAFE one cannot be planned or approved; the signed PDF is exported.
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { listFindings } from '../main/ingest/findings'
import { testP12 } from '../test/fixtures/export/p12'
import { test, expect, snap } from './fixtures'
import { createCaseInMain, openSection } from './flows'

const DEMO = resolve(__dirname, '..', 'resources', 'demo')

test('a RISKY plan is approved by a second person; UNSAFE cannot be; the signed PDF is exported', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  createCaseInMain(bridge)
  const exportsDir = join(DEMO, 'exports')
  const files = readdirSync(exportsDir).map((f) => join(exportsDir, f))
  expect(await bridge.dispatch('ingest.import', { paths: files })).toMatchObject({ ok: true })
  expect(await bridge.dispatch('evidence.add', { path: join(DEMO, 'evidence') })).toMatchObject({ ok: true })
  expect(await bridge.dispatch('investigate.run', {})).toMatchObject({ ok: true })
  const findings = listFindings(bridge.app.session.require().db)
  const risky = findings.find((f) => f.rci.verdict === 'RISKY')
  const unsafe = findings.find((f) => f.rci.verdict === 'UNSAFE')
  expect(risky, 'the demo data has a RISKY finding').toBeTruthy()
  expect(unsafe, 'the demo data has an UNSAFE finding').toBeTruthy()
  expect(await bridge.dispatch('identity.set', { name: 'Ana Analyst', role: 'analyst' })).toMatchObject({ ok: true })

  await openApp()
  await openSection(page, 'Approvals')

  // The analyst plans a fix for the RISKY finding; the plan opens.
  await page.getByLabel('Finding or initiative').fill(risky!.id)
  await page.getByRole('button', { name: 'Plan a fix' }).click()
  const planDialog = page.getByRole('dialog', { name: /^Plan P-\d+$/ })
  await expect(planDialog).toBeVisible()
  await expect(planDialog.getByTestId('plan-view')).toContainText(risky!.id)
  await snap(page, 'plan-view-light')
  await planDialog.getByRole('button', { name: 'Close' }).click()

  // The requester may not approve their own plan (four-eyes).
  const row = page.getByTestId(`queue-${risky!.id}`)
  await expect(row).toContainText('RISKY')
  await expect(row.getByRole('button', { name: 'Approve' })).toBeDisabled()

  // A second person, an approver, approves it with a reason, from the keyboard.
  expect(await bridge.dispatch('identity.set', { name: 'Bob Approver', role: 'approver' })).toMatchObject({ ok: true })
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(row.getByRole('button', { name: 'Approve' })).toBeEnabled()
  await row.focus()
  await page.keyboard.press('a')
  const reasonDialog = page.getByRole('dialog', { name: `Approve ${risky!.id}` })
  await reasonDialog.getByRole('button', { name: 'Approve' }).click()
  await expect(reasonDialog.getByText('A reason is required.')).toBeVisible()
  await reasonDialog.getByLabel('Reason').fill('change window CHG-42, rollback reviewed')
  await reasonDialog.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByRole('status').filter({ hasText: `Approved ${risky!.id}` })).toBeVisible()
  await expect(row).toHaveCount(0)
  await snap(page, 'approvals-light')

  // UNSAFE: never planned, so never approvable: the page says why, and it is not in the queue.
  await page.getByLabel('Finding or initiative').fill(unsafe!.id)
  await page.getByRole('button', { name: 'Plan a fix' }).click()
  await expect(page.getByText(/it is never planned; route it to its owner/)).toBeVisible()
  await expect(page.getByTestId(`queue-${unsafe!.id}`)).toHaveCount(0)

  // The signed PDF report.
  const p12 = testP12()
  const out = join(bridge.root, 'report.pdf')
  await openSection(page, 'Exports')
  await page.getByLabel('Save the report as').fill(out)
  await page.getByLabel('Signing certificate (.p12)').fill(p12.path)
  await page.getByLabel('Certificate passphrase').fill(p12.passphrase)
  await page.getByRole('button', { name: 'Export signed PDF' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The signed PDF report was written' })).toBeVisible({ timeout: 60_000 })
  expect(existsSync(out)).toBe(true)
  await expect(page.getByRole('region', { name: 'Checkpoints' }).locator('tbody tr td.num')).not.toHaveCount(0)
  await snap(page, 'exports-light')
})
