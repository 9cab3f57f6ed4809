import { existsSync } from 'node:fs'
import { test, expect } from './fixtures'
import { auditRows, browse, closeCase, createCase, openSection, PASSPHRASE, sha256File } from './flows'
import { TEST_OS_USER } from './bridge'

test('first start shows what to do; a new case is created and its audit trail read from the real database', async ({ page, bridge, openApp }) => {
  await openApp()
  await expect(page.getByRole('heading', { name: 'No case is open' })).toBeVisible()
  await expect(page.getByText('Create a case to start a new engagement, or open a case file you already have.')).toBeVisible()
  await expect(page.getByText('Cases you create or open on this machine are listed here.')).toBeVisible()
  // Only working sections exist, and none is reachable without a case.
  await expect(page.getByRole('navigation')).toHaveCount(0)

  // The form checks what it can before anything is sent: nothing is created on a mismatch.
  await page.getByRole('button', { name: 'Create a case' }).click()
  await expect(page.getByLabel('Case file')).toBeFocused()
  const path = bridge.casePath('acme-q4.lmcase')
  bridge.answerSave('case', path)
  await browse(page, 'Case file', path)
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await expect(page.getByText('Strong.')).toBeVisible()
  await page.getByLabel('Repeat the passphrase').fill(`${PASSPHRASE}!`)
  await page.getByRole('button', { name: 'Create case' }).click()
  await expect(page.getByText('The two passphrases differ. Type the same passphrase in both fields.')).toBeVisible()
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeFocused()
  expect(existsSync(path)).toBe(false)
  expect(bridge.calls.filter((c) => c.channel === 'case.create')).toEqual([])
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('button', { name: 'Create a case' })).toBeFocused()

  await createCase(page, bridge, { name: 'Acme Q4 review' })
  await expect(page.getByTestId('case-name')).toHaveText('Acme Q4 review')
  expect(existsSync(path)).toBe(true)
  expect(bridge.app.session.current()?.name).toBe('Acme Q4 review')

  // The first page is the initiatives board, its heading focused; the Audit page lists the entry
  // the real database holds.
  await expect(page.getByRole('heading', { level: 1, name: 'Initiatives' })).toBeFocused()
  await expect(page.getByRole('link', { name: /Initiatives/ })).toHaveAttribute('aria-current', 'page')
  await openSection(page, 'Audit')
  await expect(page.getByRole('link', { name: /Audit/ })).toHaveAttribute('aria-current', 'page')
  const db = bridge.app.session.require().db
  const stored = db.prepare('SELECT seq, action, target, details, hash FROM audit_log ORDER BY seq').all() as Array<{
    seq: number
    action: string
    target: string
    details: string
    hash: string
  }>
  expect(stored.map((r) => r.action)).toEqual(['case.create'])
  await expect(page.getByText('Entries 1–1 of 1')).toBeVisible()
  const [row] = await auditRows(page)
  expect(row[0]).toBe('1')
  expect(row[2]).toBe(`${TEST_OS_USER} analyst`)
  expect(row[3]).toBe('case.create')
  expect(row[4]).toBe(stored[0].target)
  const details = JSON.parse(stored[0].details) as { name: string; schema: number }
  expect(details.name).toBe('Acme Q4 review')
  // the creator owns the case (a person is a signing key; the entry holds it)
  expect(row[5]).toBe(`name=Acme Q4 review · owner={…} · schema=${details.schema}`)
  expect(row[6]).toBe(stored[0].hash.slice(0, 12))

  await page.getByRole('button', { name: 'Verify chain' }).click()
  const result = page.getByRole('status').filter({ hasText: 'The audit chain is intact' })
  await expect(result).toContainText('1 entry verified.')
  await expect(page.getByTestId('head-hash')).toHaveText(stored[0].hash)
})

test('a wrong passphrase is refused with a clear error and changes nothing; the right one opens the case', async ({ page, bridge, openApp }) => {
  await openApp()
  const path = await createCase(page, bridge, { file: 'wrong-key.lmcase' })
  await closeCase(page)
  expect(bridge.app.session.current()).toBeNull()
  const before = sha256File(path)
  const recentBefore = bridge.app.session.recentCases()

  // 1. Through the Open form.
  await page.getByRole('button', { name: 'Open a case' }).click()
  bridge.answerOpen('case', [path])
  await page.getByRole('button', { name: 'Browse…' }).click()
  await expect(page.getByLabel('Case file')).toHaveValue(path)
  await page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase')
  await page.getByRole('button', { name: 'Open case' }).click()
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('The case was not opened')
  await expect(alert).toContainText(`${path}: cannot decrypt the case: the passphrase is wrong`)
  await expect(alert).toContainText('Check the passphrase (it is case-sensitive) and try again.')
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeFocused()
  await expect(page.getByTestId('case-name')).toHaveCount(0)
  expect(bridge.app.session.current()).toBeNull()
  expect(sha256File(path)).toBe(before)
  expect(bridge.app.session.recentCases()).toEqual(recentBefore)
  await page.getByRole('button', { name: 'Cancel' }).click()

  // 2. From the recent cases: the passphrase prompt, wrong then right.
  const recent = page.getByRole('complementary', { name: 'Recent cases' })
  await recent.getByRole('button', { name: /wrong-key/ }).click()
  const dialog = page.getByRole('dialog', { name: 'Open wrong-key' })
  await expect(dialog.getByLabel('Passphrase', { exact: true })).toBeFocused()
  await dialog.getByLabel('Passphrase', { exact: true }).fill('still not it')
  await dialog.getByRole('button', { name: 'Open case' }).click()
  await expect(dialog.getByRole('alert')).toContainText('the passphrase is wrong')
  expect(sha256File(path)).toBe(before)
  await dialog.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await dialog.getByRole('button', { name: 'Open case' }).click()
  await expect(page.getByTestId('case-path')).toHaveText(path)
  expect(bridge.app.session.current()?.path).toBe(path)
  // Opening records nothing; the trail still verifies.
  await openSection(page, 'Audit')
  await expect(page.getByText('Entries 1–1 of 1')).toBeVisible()
  await page.getByRole('button', { name: 'Verify chain' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The audit chain is intact' })).toBeVisible()
})

test('a remembered passphrase opens the case from the recent list without asking', async ({ page, bridge, openApp }) => {
  await openApp()
  const path = await createCase(page, bridge, { file: 'remembered.lmcase', remember: true })
  expect(bridge.app.session.isRemembered(path)).toBe(true)
  await closeCase(page)
  const recent = page.getByRole('complementary', { name: 'Recent cases' })
  const item = recent.getByRole('button', { name: /remembered/ })
  await expect(item).toContainText('remembered')
  await item.click()
  await expect(page.getByTestId('case-path')).toHaveText(path)
  await expect(page.getByRole('dialog')).toHaveCount(0)
})

test('a case file that is not there is a sentence saying what to do, next to the form', async ({ page, bridge, openApp }) => {
  await openApp()
  await page.getByRole('button', { name: 'Open a case' }).click()
  const missing = bridge.casePath('nowhere.lmcase')
  bridge.answerOpen('case', [missing])
  await browse(page, 'Case file', missing)
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Open case' }).click()
  await expect(page.getByRole('alert')).toContainText(`${missing}: no such case file. Check the path, or choose the file with Browse….`)
  await expect(page.getByLabel('Case file')).toBeFocused()
})
