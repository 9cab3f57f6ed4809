// The auditor's journey (issue #17): a case file from the analyst, opened for review with Browse…
// and its export passphrase; the verification is the first thing on the workbench; the auditor
// states the signer their organisation told them to expect and reads whether it matches; the
// person at the keyboard is the reviewer, not the analyst who made the case.
import { join } from 'node:path'
import { testP12 } from '../test/fixtures/export/p12'
import { test, expect, snap } from './fixtures'
import { browse, createCaseInMain, openSection, seriousA11yViolations } from './flows'
import { writeSampleData } from './sample-data'

test('an auditor opens a case file, checks the expected signer and reads the verification first', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  // the analyst's side, through main: a case with findings, exported signed by the organisation's certificate
  const p12 = testP12({ cn: 'Acme Audit Signing' })
  const data = writeSampleData(join(bridge.root, 'exports'))
  createCaseInMain(bridge)
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(data.securityHub), bridge.grant(data.prowler)] })).toMatchObject({ ok: true })
  const file = join(bridge.root, 'acme-q4.lmaudit')
  const exported = await bridge.dispatch('export.caseFile', {
    out: bridge.grant(file, 'save-file'),
    exportPassphrase: 'auditor passphrase 1',
    sign: { p12Path: bridge.grant(p12.path), passphrase: p12.passphrase }
  })
  expect(exported).toMatchObject({ ok: true })
  expect(await bridge.dispatch('case.close', {})).toMatchObject({ ok: true })

  // the auditor's side, through the screens only
  await openApp()
  await page.getByRole('button', { name: 'Open case file for review' }).click()
  const dialog = page.getByRole('dialog', { name: 'Open a case file for review' })
  // a file that is not a case file: the error is on the file field
  bridge.answerOpen('case-file', [data.prowler])
  await browse(dialog, 'Auditor case file', data.prowler)
  await dialog.getByLabel('Export passphrase').fill('auditor passphrase 1')
  await dialog.getByRole('button', { name: 'Open for review' }).click()
  await expect(dialog.getByLabel('Auditor case file')).toHaveAccessibleDescription(/not a Lastmile case file/)
  await expect(dialog.getByLabel('Export passphrase')).not.toHaveAccessibleDescription(/not a Lastmile case file/)
  // the right file, a wrong passphrase: the error is on the passphrase field
  bridge.answerOpen('case-file', [file])
  await browse(dialog, 'Auditor case file', file)
  await dialog.getByLabel('Export passphrase').fill('not the passphrase')
  await dialog.getByRole('button', { name: 'Open for review' }).click()
  await expect(dialog.getByLabel('Export passphrase')).toHaveAccessibleDescription(/the export passphrase is wrong/)
  await expect(dialog.getByText(/not a Lastmile case file/)).toHaveCount(0)
  await dialog.getByLabel('Export passphrase').fill('auditor passphrase 1')
  await dialog.getByRole('button', { name: 'Open for review' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Read-only review.' })).toBeVisible()
  // the reviewer, not the analyst who made the case
  await expect(page.locator('.identity-chip .role')).toHaveText('reviewer')

  await openSection(page, 'Exports')
  const review = page.getByRole('region', { name: 'Verification of this case file' })
  await expect(review.getByRole('status').filter({ hasText: 'The case file verifies' })).toContainText(/Audit trail of \d+ entries intact; 1 signed checkpoint/)
  await expect(review.getByRole('region', { name: 'Signers of the checkpoints' })).toContainText('Acme Audit Signing')
  await expect(review.getByRole('region', { name: 'Signers of the checkpoints' })).toContainText(p12.fingerprint)
  await expect(review.getByRole('region', { name: 'Signers of the checkpoints' })).toContainText('issued by itself (self-signed)')
  // no export form fills the screen of a review copy
  await expect(page.getByRole('region', { name: 'Signed PDF report' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Export case file' })).toHaveCount(0)
  await snap(page, 'auditor/01-verification')

  // a fingerprint that is not the signer's: said plainly
  await review.getByLabel('The signer you expect (fingerprint)').fill(`00:${p12.fingerprint.slice(3)}`)
  await review.getByRole('button', { name: 'Check the signer' }).click()
  await expect(review.getByRole('alert').filter({ hasText: 'Not signed by the signer you expect' })).toContainText('signed with the wrong key')
  // the right one
  await review.getByLabel('The signer you expect (fingerprint)').fill(p12.fingerprint)
  await review.getByRole('button', { name: 'Check the signer' }).click()
  await expect(review.getByRole('status').filter({ hasText: 'Signed by the signer you expect' })).toContainText('Acme Audit Signing')
  await snap(page, 'auditor/02-expected-signer')
  expect(await seriousA11yViolations(page)).toEqual([])
})
