import { test, expect } from './fixtures'
import { auditRows, closeCase, createCase, openSection, PASSPHRASE } from './flows'
import { TEST_OS_USER } from './bridge'

const NEW_PASSPHRASE = 'violet tractor under the quiet harbour'

test('the identity set in Settings is recorded on later audit entries; a changed passphrase opens the case', async ({
  page,
  bridge,
  openApp
}) => {
  await openApp()
  const path = await createCase(page, bridge, { file: 'settings.lmcase' })

  await openSection(page, 'Settings')
  const identity = page.getByRole('form', { name: 'Identity' })
  await identity.getByLabel('Name').fill('Dana Reviewer')
  await identity.getByLabel('Role').selectOption('approver')
  await identity.getByRole('button', { name: 'Save identity' }).click()
  await expect(identity.getByRole('status')).toHaveText('Saved. New audit entries are recorded as Dana Reviewer (approver).')
  await expect(page.getByTestId('identity-name')).toHaveText('Dana Reviewer')
  expect(bridge.app.session.identity()).toEqual({ name: 'Dana Reviewer', role: 'approver' })

  // A wrong current passphrase changes nothing.
  const change = page.getByRole('form', { name: 'Change the passphrase' })
  await change.getByLabel('Current passphrase').fill('not the passphrase')
  await change.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE)
  await change.getByLabel('Repeat the new passphrase').fill(NEW_PASSPHRASE)
  await change.getByRole('button', { name: 'Change passphrase' }).click()
  await expect(change.getByRole('alert')).toContainText('The current passphrase is not right; the passphrase was not changed.')
  await expect(change.getByLabel('Current passphrase')).toBeFocused()

  await change.getByLabel('Current passphrase').fill(PASSPHRASE)
  await change.getByRole('button', { name: 'Change passphrase' }).click()
  await expect(change.getByRole('status')).toContainText('Passphrase changed')
  await expect(change.getByLabel('Current passphrase')).toHaveValue('')

  // The change is on the trail, attributed to the identity set above; the creation is not.
  await openSection(page, 'Audit')
  await expect(page.getByText('Entries 1–2 of 2')).toBeVisible()
  const rows = await auditRows(page)
  expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
    ['2', 'Dana Reviewer approver', 'case.passphrase-changed'],
    ['1', `${TEST_OS_USER} analyst`, 'case.create']
  ])

  // The old passphrase no longer opens the case; the new one does.
  await closeCase(page)
  await page.getByRole('button', { name: 'Open a case' }).click()
  await page.getByLabel('Case file').fill(path)
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Open case' }).click()
  await expect(page.getByRole('alert')).toContainText('the passphrase is wrong')
  await page.getByLabel('Passphrase', { exact: true }).fill(NEW_PASSPHRASE)
  await page.getByRole('button', { name: 'Open case' }).click()
  await expect(page.getByTestId('case-path')).toHaveText(path)
  await page.getByRole('button', { name: 'Verify chain' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The audit chain is intact' })).toContainText('2 entries verified.')
})

test('Settings remembers and forgets the passphrase of the open case, and shows the installation', async ({ page, bridge, openApp }) => {
  await openApp()
  const path = await createCase(page, bridge, { file: 'remember.lmcase' })
  await page.getByRole('link', { name: /Settings/ }).click()

  await expect(page.getByTestId('app-version')).toHaveText(`Lastmile ${bridge.app.platform.appVersion}`)
  await expect(page.getByTestId('keystore-backend')).toHaveText('test-aes-gcm (protects remembered passphrases)')

  const status = page.getByTestId('remember-status')
  await expect(status).toHaveText(/^Not remembered/)
  await page.getByRole('button', { name: 'Remember the passphrase…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Remember the passphrase' })
  await dialog.getByLabel('Passphrase').fill('wrong passphrase')
  await dialog.getByRole('button', { name: 'Remember' }).click()
  await expect(dialog.getByRole('alert')).toContainText('the passphrase is wrong')
  expect(bridge.app.session.isRemembered(path)).toBe(false)
  await dialog.getByLabel('Passphrase').fill(PASSPHRASE)
  await dialog.getByRole('button', { name: 'Remember' }).click()
  await expect(status).toHaveText(/^Remembered/)
  expect(bridge.app.session.isRemembered(path)).toBe(true)
  // The dialog is gone and focus is back on the control that opened it (now "Forget").
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Forget the passphrase' })).toBeFocused()

  await page.getByRole('button', { name: 'Forget the passphrase' }).click()
  await expect(status).toHaveText(/^Not remembered/)
  expect(bridge.app.session.isRemembered(path)).toBe(false)
})
