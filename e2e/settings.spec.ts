import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CheckpointInfo, Envelope } from '../shared/contract'
import { testP12 } from '../test/fixtures/export/p12'
import { prowlerExport } from '../test/fixtures/ingest/generate'
import { test, expect, snap } from './fixtures'
import { auditRows, browse, closeCase, createCase, createCaseInMain, openSection, PASSPHRASE } from './flows'
import { TEST_OS_USER } from './bridge'

const NEW_PASSPHRASE = 'violet tractor under the quiet harbour'

test("Settings shows this person's signing key and the case's people, with no rename; a changed passphrase opens the case", async ({ page, bridge, openApp }) => {
  await openApp()
  const path = await createCase(page, bridge, { file: 'settings.lmcase' })

  await openSection(page, 'Settings')
  // Creating the case made this person's signing key (under the OS user's name) and made them its owner.
  const me = bridge.app.session.identity()
  expect(me).toMatchObject({ name: TEST_OS_USER, owner: true, role: 'admin', key: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) })
  const identity = page.getByRole('group', { name: 'Identity' })
  await expect(identity.getByTestId('identity-key')).toHaveText(me.key!)
  await expect(identity.getByTestId('identity-roles')).toContainText('you own this case')
  await expect(page.getByRole('table', { name: 'People of this case' })).toContainText(`${TEST_OS_USER} (owner)`)
  // no rename: a name is bound to its key once
  expect(await bridge.dispatch('identity.create', { name: 'Dana Reviewer' })).toMatchObject({
    ok: false,
    error: { code: 'conflict', message: expect.stringContaining('a name is bound to its key once') }
  })

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

  // Both are on the trail, by the same key: the creation before the case had roles, the change as its owner.
  await openSection(page, 'Audit')
  await expect(page.getByText('Entries 1–2 of 2')).toBeVisible()
  const rows = await auditRows(page)
  expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
    ['2', `${TEST_OS_USER} admin`, 'case.passphrase-changed'],
    ['1', `${TEST_OS_USER} analyst`, 'case.create']
  ])

  // The old passphrase no longer opens the case; the new one does.
  await closeCase(page)
  await page.getByRole('button', { name: 'Open a case' }).click()
  bridge.answerOpen('case', [path])
  await browse(page, 'Case file', path)
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

test('Settings lists the credential profiles on this machine and never a secret', async ({ page, bridge, openApp }) => {
  // The profiles the AWS CLI would use, in files the test names the way a user can (AWS_CONFIG_FILE…).
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY'
  const token = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN'
  const aws = join(bridge.root, 'aws')
  mkdirSync(aws)
  writeFileSync(
    join(aws, 'config'),
    '[default]\nregion = eu-west-1\n[profile audit]\nrole_arn = arn:aws:iam::111122223333:role/SecurityAudit\nsource_profile = default\nregion = us-east-1\n'
  )
  writeFileSync(join(aws, 'credentials'), `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${secret}\naws_session_token = ${token}\n`)
  mkdirSync(join(bridge.root, 'azure'))
  const restore = setEnv({
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    AZURE_CONFIG_DIR: join(bridge.root, 'azure'),
    AZURE_CLIENT_ID: undefined,
    AZURE_TENANT_ID: undefined
  })
  try {
    createCaseInMain(bridge)
    await openApp()
    await openSection(page, 'Settings')
    const table = page.getByRole('region', { name: 'AWS profiles' })
    await expect(table.getByRole('rowheader')).toHaveText(['default', 'audit'])
    await expect(page.getByTestId('aws-profile-audit')).toContainText('arn:aws:iam::111122223333:role/SecurityAudit')
    await expect(page.getByTestId('aws-profile-audit')).toContainText('from default')
    await expect(page.getByTestId('aws-profile-audit')).toContainText('us-east-1')
    await expect(page.getByTestId('aws-profile-default')).toContainText('access keys')
    await expect(page.getByTestId('aws-profile-default')).toContainText(join(aws, 'credentials'))
    await expect(page.getByTestId('azure-profiles-empty')).toContainText('~/.azure (or AZURE_CONFIG_DIR)')
    // Neither the page nor anything main sent it holds a key, a secret or a token.
    const html = await page.content()
    for (const s of [secret, token, 'AKIAIOSFODNN7EXAMPLE']) expect(html).not.toContain(s)
    const answer = await bridge.dispatch('evidence.profiles', {})
    expect(JSON.stringify(answer)).not.toMatch(/wJalr|IQoJ|AKIA/)

    // With no profile at all, the page says where it looked and what collection does instead.
    writeFileSync(join(aws, 'config'), '')
    writeFileSync(join(aws, 'credentials'), '')
    await page.getByRole('button', { name: 'Look again' }).click()
    await expect(page.getByTestId('aws-profiles-empty')).toContainText('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config')
    await expect(page.getByTestId('aws-profiles-empty')).toContainText('default credential chain')
  } finally {
    restore()
  }
})

test('the environment map: accounts left to map, set, edited and removed in Settings; the Evidence page points there', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  const exportFile = join(bridge.root, 'prowler.json')
  writeFileSync(
    exportFile,
    prowlerExport([
      { problem: 's3-https', account: '111111111111', region: 'us-east-1', n: 1 },
      { problem: 's3-https', account: '222222222222', region: 'eu-west-1', n: 2 },
      { problem: 'ssh-open', account: '222222222222', region: 'eu-west-1', n: 3 }
    ])
  )
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(exportFile)] })).toMatchObject({ ok: true })
  await openApp()

  // The Evidence page no longer has a form of its own: it points to Settings.
  await openSection(page, 'Evidence')
  await expect(page.getByRole('heading', { name: 'Account environments' })).toHaveCount(0)
  await page.getByTestId('environment-map-pointer').getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Environment map' })).toBeInViewport()

  const map = page.getByRole('region', { name: 'Account environments' })
  await expect(map.getByRole('rowheader')).toHaveText(['222222222222', '111111111111'])
  await expect(page.getByTestId('environment-222222222222')).toContainText('not mapped')
  await expect(page.getByText('2 accounts of the findings have no environment yet.')).toBeVisible()

  const form = page.getByRole('form', { name: "Set an account's environment" })
  await map.getByRole('button', { name: 'Map 111111111111' }).click()
  await expect(form.getByLabel('Account or subscription')).toHaveValue('111111111111')
  await expect(form.getByLabel('Environment')).toBeFocused()
  await page.keyboard.type('prod')
  await page.keyboard.press('Enter')
  await expect(form.getByRole('status')).toHaveText('Account 111111111111 is prod.')
  const row = page.getByTestId('environment-111111111111')
  await expect(row).toContainText('prod')
  await expect(row).toContainText(`by ${TEST_OS_USER}`)
  await expect(page.getByText('1 account of the findings has no environment yet.')).toBeVisible()

  // A bad environment is refused in the form, nothing is sent.
  await form.getByLabel('Account or subscription').fill('222222222222')
  await form.getByLabel('Environment').fill('Prod!')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(form.getByText('A short lower-case word: prod, staging, dev, test…')).toBeVisible()

  // Edit fills the form with the row; saving changes the environment.
  await map.getByRole('button', { name: 'Edit 111111111111' }).click()
  await expect(form.getByLabel('Account or subscription')).toHaveValue('111111111111')
  await expect(form.getByLabel('Environment')).toHaveValue('prod')
  await form.getByLabel('Environment').fill('test')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(row).toContainText('test')

  // Remove takes it off the map: the account is left to map again.
  await map.getByRole('button', { name: 'Edit 111111111111' }).click()
  await form.getByRole('button', { name: 'Remove' }).click()
  await expect(form.getByRole('status')).toHaveText('Account 111111111111 has no environment any more.')
  await expect(row).toContainText('not mapped')
  expect(await bridge.dispatch('evidence.accountEnvironments', {})).toMatchObject({ ok: true, value: { mappings: [] } })

  // Each change is on the audit trail.
  await openSection(page, 'Audit')
  const actions = (await auditRows(page)).map((r) => r[3])
  expect(actions.filter((a) => a === 'evidence.account-environment')).toHaveLength(3)
})

test('Settings shows the device key and remembers the signing certificate by path; Check opens it; Exports fills it in', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  const p12 = testP12()
  await openApp()
  await openSection(page, 'Settings')

  // The device key is not made by looking at it.
  await expect(page.getByTestId('device-key')).toContainText('Not created yet: made on the first checkpoint or case file signed without a certificate')
  expect(existsSync(join(bridge.dataDir, 'device-signing-key.json'))).toBe(false)

  // A path that is no file is refused with a sentence naming it.
  const form = page.getByRole('form', { name: 'Signing certificate on this machine' })
  const missing = join(bridge.root, 'missing.p12')
  bridge.answerOpen('certificate', [missing])
  await browse(form, 'Certificate file (.p12 or .pfx)', missing)
  await form.getByRole('button', { name: 'Remember on this machine' }).click()
  await expect(form.getByText(`${missing}: there is no such file; choose your organisation's .p12 or .pfx signing certificate`)).toBeVisible()
  await expect(page.getByTestId('certificate-status')).toHaveText(/^None remembered/)

  bridge.answerOpen('certificate', [p12.path])
  await browse(form, 'Certificate file (.p12 or .pfx)', p12.path)
  await form.getByRole('button', { name: 'Remember on this machine' }).click()
  await expect(page.getByTestId('certificate-status')).toHaveText(/^Remembered on this machine/)

  // Checking takes the passphrase for this check only.
  const check = page.getByRole('form', { name: 'Check the signing certificate' })
  await check.getByLabel('Certificate passphrase').fill('not the passphrase')
  await check.getByRole('button', { name: 'Check certificate' }).click()
  await expect(check.getByRole('alert')).toContainText(`${p12.path}: the passphrase of the signing certificate is wrong`)
  await expect(check.getByLabel('Certificate passphrase')).toBeFocused()
  await check.getByLabel('Certificate passphrase').fill(p12.passphrase)
  await check.getByRole('button', { name: 'Check certificate' }).click()
  await expect(page.getByTestId('certificate-subject')).toHaveText('CN=Audit Signer, O=Lastmile Tests, C=DE')
  await expect(page.getByTestId('certificate-fingerprint')).toHaveText(p12.fingerprint)
  await expect(check.getByRole('status')).toHaveText('The certificate opens, is valid now and can sign.')
  await expect(check.getByLabel('Certificate passphrase')).toHaveValue('')
  // Only the path is kept on this machine.
  const stored = readFileSync(join(bridge.dataDir, 'signing-certificate.json'), 'utf8')
  expect(JSON.parse(stored)).toEqual({ certificatePath: p12.path })
  expect(stored).not.toContain(p12.passphrase)
  await snap(page, 'settings-certificate-light')

  // The Exports page fills in the remembered certificate.
  await openSection(page, 'Exports')
  await expect(page.getByLabel('Signing certificate (.p12)')).toHaveValue(p12.path)
  await expect(page.getByText('The certificate remembered in Settings.')).toBeVisible()

  // After a checkpoint signed without a certificate, the device key is there, with the fingerprint it signed with.
  const cp = (await bridge.dispatch('checkpoint.create', {})) as Envelope<CheckpointInfo>
  if (!cp.ok) throw new Error(cp.error.message)
  await openSection(page, 'Settings')
  await expect(page.getByTestId('device-fingerprint')).toHaveText(cp.value.signer.fingerprint)

  await page.getByRole('button', { name: 'Forget' }).click()
  await expect(page.getByTestId('certificate-status')).toHaveText(/^None remembered/)
  expect(JSON.parse(readFileSync(join(bridge.dataDir, 'signing-certificate.json'), 'utf8'))).toEqual({ certificatePath: null })
})

/** Set (or, with undefined, remove) environment variables of this process — where the bridge's services run — and return the undo. */
function setEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k]
      else process.env[k] = value
    }
  }
  apply(vars)
  return () => apply(before)
}
