// Issue #8: a new user's first session, through the screens only, against the real services. A
// fresh install (no case, no identity) opens the demo case from the first-start screen; walks the
// initiatives board to an initiative, to one of its findings and that finding's evidence timeline;
// plans a fix for a RISKY finding on Approvals, cannot approve their own plan (four-eyes: their key
// requested it); a second person with their own key opens the case, its owner grants them approver in
// Settings, and they approve it with a reason; and finds that an UNSAFE finding is
// never put up for approval; exports the signed PDF report; and imports two scanner exports,
// reading the summary per file. The only things the test does for the user are the answers of the
// native file dialog (the bridge's answerOpen) and the certificate file an organisation would have.
// Each screen is saved to artifacts/screenshots/user-story/.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyCase } from '../main/audit/checkpoint'
import { testP12 } from '../test/fixtures/export/p12'
import { TEST_OS_USER } from './bridge'
import { test, expect, snap } from './fixtures'
import { browse, openSection } from './flows'
import { writeSampleData } from './sample-data'

const S3_HTTPS = 'S3 buckets should require requests to use HTTPS'
const F_ID = /^F-\d+$/

test('a new user opens the demo, follows a finding to its evidence, approves a RISKY plan, exports the signed PDF and imports exports', async ({ page, bridge, openApp }) => {
  // A whole first session (about 25 s here; building the demo case alone takes about 10 s), with
  // room for a machine busy with other runs.
  test.setTimeout(90_000)
  const p12 = testP12() // the organisation's certificate: made by openssl once per machine, then cached

  // ---- first start: nothing yet; the demo case is one button away -----------------------------
  await openApp()
  await expect(page.getByRole('heading', { name: 'No case is open' })).toBeVisible()
  await snap(page, 'user-story/01-first-start')
  await page.getByRole('button', { name: 'Open the demo case' }).click()
  await expect(page.getByTestId('case-name')).toHaveText('Acme demo case', { timeout: 60_000 })
  expect(bridge.app.session.current()?.readOnly, 'the demo opens writable').toBe(false)

  // ---- the board, an initiative, a finding, its evidence timeline ----------------------------
  await expect(page.getByRole('heading', { level: 1, name: 'Initiatives' })).toBeFocused()
  const card = page.getByRole('article', { name: S3_HTTPS })
  await expect(card).toBeVisible()
  await expect(page.getByTestId('board-count')).toHaveText(/^\d+ initiatives$/)
  await snap(page, 'user-story/02-board')

  await card.getByRole('link', { name: S3_HTTPS }).click()
  await expect(page.getByRole('heading', { level: 1, name: S3_HTTPS })).toBeFocused()
  const search = page.getByRole('searchbox', { name: /^Search findings of I-\d+$/ })
  const grid = page.getByRole('grid', { name: /^Findings of I-\d+$/ })
  await expect(grid.locator('tbody tr[data-index]').first()).toBeVisible()
  await expect(page.getByRole('region', { name: 'Timeline events' }).locator('tbody tr').first()).toBeVisible()
  await snap(page, 'user-story/03-initiative')

  // The user notes two of its findings: one the evidence calls UNSAFE to fix, one RISKY.
  const findingOf = async (bucket: string, verdict: string): Promise<string> => {
    await search.fill(bucket)
    const row = grid.locator('tbody tr[data-index]')
    await expect(row).toHaveCount(1)
    await expect(row).toContainText(verdict)
    const id = (await row.getByRole('link', { name: F_ID }).textContent())?.trim() ?? ''
    expect(id).toMatch(F_ID)
    return id
  }
  const unsafe = await findingOf('acme-legacy-exports', 'UNSAFE')
  const risky = await findingOf('acme-www-preview', 'RISKY')

  await grid.getByRole('link', { name: risky, exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: S3_HTTPS })).toBeFocused()
  expect(new URL(page.url()).hash).toBe(`#/findings/${risky}`)
  await expect(page.locator('.rci-head')).toContainText('RISKY')
  const events = page.getByRole('region', { name: 'Timeline events' }).locator('tbody tr')
  await expect(events.first()).toBeVisible()
  await expect(page.getByTestId('timeline-count')).toHaveText(/^\d+ events? in this range\.$/)
  expect(await events.count()).toBeGreaterThan(1)
  await snap(page, 'user-story/04-finding')
  await page.getByRole('heading', { level: 2, name: 'Evidence timeline' }).scrollIntoViewIfNeeded()
  await snap(page, 'user-story/05-finding-timeline')

  // ---- Approvals: plan the RISKY fix; its requester cannot approve it -------------------------
  await openSection(page, 'Approvals')
  await expect(page.getByText('Nothing is waiting for a decision.')).toBeVisible()
  await page.getByLabel('Finding or initiative').fill(risky)
  await page.getByRole('button', { name: 'Plan a fix' }).click()
  const planDialog = page.getByRole('dialog', { name: /^Plan P-\d+$/ })
  const planView = planDialog.getByTestId('plan-view')
  await expect(planView).toContainText(risky)
  await expect(planView).toContainText('four-eyes: the requester cannot approve it')
  await snap(page, 'user-story/06-plan')
  await planDialog.getByRole('button', { name: 'Close' }).click()

  const row = page.getByTestId(`queue-${risky}`)
  await expect(row).toContainText('RISKY')
  await expect(row.getByRole('button', { name: 'Approve' })).toBeDisabled()
  await expect(row).toContainText(/four-eyes: .+ requested this plan/)

  // UNSAFE: never planned, so it never reaches the queue, and the page says why.
  await page.getByLabel('Finding or initiative').fill(unsafe)
  await page.getByRole('button', { name: 'Plan a fix' }).click()
  await expect(page.getByText(/UNSAFE .*: it is never planned; route it to its owner/)).toBeVisible()
  await expect(page.getByTestId(`queue-${unsafe}`)).toHaveCount(0)
  await snap(page, 'user-story/07-approvals-blocked')

  // ---- Settings: this person's signing key; they own the demo case they opened ---------------
  await openSection(page, 'Settings')
  const me = page.getByRole('group', { name: 'Identity' })
  const ownerKey = bridge.app.session.identity().key!
  await expect(me.getByTestId('identity-bound-name')).toHaveText(TEST_OS_USER)
  await expect(me.getByTestId('identity-key')).toHaveText(ownerKey)
  await expect(me.getByTestId('identity-roles')).toContainText('you own this case and grant its roles')
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveCount(0) // no free-text rename

  // ---- a second person, with their own key, opens the case; the owner grants them approver ---
  await bridge.actAs('Rita Reviewer')
  await page.reload()
  await expect(page.getByTestId('identity-name')).toHaveText('Rita Reviewer')
  await openSection(page, 'Settings')
  const ritaKey = bridge.app.session.identity().key!
  expect(ritaKey, 'two people, two keys').not.toBe(ownerKey)
  await expect(page.getByRole('group', { name: 'Identity' }).getByTestId('identity-roles')).toHaveText('Analyst')
  await expect(page.getByRole('checkbox', { name: 'Approver: Rita Reviewer' })).toBeDisabled() // only the owner grants

  await bridge.actAs(TEST_OS_USER)
  await page.reload()
  await openSection(page, 'Settings')
  const grant = page.getByRole('checkbox', { name: 'Approver: Rita Reviewer' })
  // the box shows what the case holds: checked once main has recorded the signed grant
  await grant.click()
  await expect(grant).toBeChecked()
  await snap(page, 'user-story/08-identity')

  await bridge.actAs('Rita Reviewer')
  await page.reload()
  await expect(page.getByTestId('identity-name')).toHaveText('Rita Reviewer')

  // ---- Approvals: approved with a reason, from the keyboard ----------------------------------
  await openSection(page, 'Approvals')
  await expect(row.getByRole('button', { name: 'Approve' })).toBeEnabled()
  await row.focus()
  await page.keyboard.press('a') // "a approve", as the queue's footer says
  const reasonDialog = page.getByRole('dialog', { name: `Approve ${risky}` })
  await reasonDialog.getByRole('button', { name: 'Approve' }).click()
  await expect(reasonDialog.getByText('A reason is required.')).toBeVisible()
  await reasonDialog.getByLabel('Reason').fill('CloudFront origin moves to HTTPS in change CHG-42 first; rollback reviewed')
  await reasonDialog.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByRole('status').filter({ hasText: `Approved ${risky}` })).toBeVisible()
  await expect(row).toHaveCount(0)
  await snap(page, 'user-story/09-approved')

  // ---- Exports: the signed PDF report ---------------------------------------------------------
  const report = join(bridge.root, 'acme-report.pdf')
  await openSection(page, 'Exports')
  const checkpoints = page.getByRole('region', { name: 'Checkpoints' }).locator('tbody tr td.num')
  await expect(checkpoints.first()).toBeVisible()
  const before = await checkpoints.count()
  bridge.answerSave('report', report)
  await browse(page, 'Save the report as', report)
  bridge.answerOpen('certificate', [p12.path])
  await browse(page, 'Signing certificate (.p12)', p12.path)
  await page.getByLabel('Certificate passphrase').fill(p12.passphrase)
  await page.getByRole('button', { name: 'Export signed PDF' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The signed PDF report was written' })).toBeVisible({ timeout: 30_000 })
  await expect(checkpoints).toHaveCount(before + 1)
  await snap(page, 'user-story/10-exports')
  expect(existsSync(report)).toBe(true)
  expect(readFileSync(report).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  if (existsSync('/usr/bin/pdfsig')) {
    expect(execFileSync('/usr/bin/pdfsig', [report], { encoding: 'utf8' })).toContain('Signature is Valid.')
  }

  // ---- Import: two exports chosen in the file dialog, a summary row for each -----------------
  const data = writeSampleData(join(bridge.root, 'exports'))
  await openSection(page, 'Import')
  bridge.answerOpen('import', [data.securityHub, data.prowler])
  await page.getByRole('button', { name: 'Choose files…' }).click()
  await expect(page.getByRole('list', { name: 'Files to import' }).getByRole('listitem')).toHaveCount(2)
  await page.getByRole('button', { name: 'Import 2 files' }).click()
  // an import runs on a worker thread (its start and the files' writes): the same wait as an investigation's
  await expect(page.getByRole('status').filter({ hasText: '2 files imported' })).toContainText(/The case now holds \d+ findings in \d+ initiatives\./, { timeout: 20_000 })
  const rows = page.getByRole('region', { name: 'Summary per file' }).locator('tbody tr')
  await expect(rows).toHaveCount(2)
  const cells = async (i: number): Promise<string[]> => (await rows.nth(i).locator('th, td').allTextContents()).map((t) => t.trim())
  const sh = await cells(0)
  expect(sh.slice(0, 4)).toEqual(['securityhub-findings.json', 'AWS Security Hub (ASFF)', String(data.alarms), String(data.alarms)])
  const prowler = await cells(1)
  expect(prowler.slice(0, 2)).toEqual(['prowler-output.ocsf.json', 'Prowler (JSON-OCSF)'])
  expect(Number(prowler[2])).toBeGreaterThan(0)
  await snap(page, 'user-story/11-import-summary')

  // The audit trail: what the demo recorded, then this session's plan and approval, each by its person.
  const db = bridge.app.session.require().db
  const actions = db.prepare('SELECT action FROM audit_log').pluck().all() as string[]
  expect(actions).toEqual(expect.arrayContaining(['ingest.import', 'evidence.add', 'investigate.run', 'plan.create', 'plan.approve', 'export.pdf']))
  const last = (action: string): { actor: { name: string; key?: string }; details: { reason?: string } } => {
    const r = db.prepare('SELECT actor, details FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1').get(action) as { actor: string; details: string }
    return { actor: JSON.parse(r.actor) as { name: string; key?: string }, details: JSON.parse(r.details) as { reason?: string } }
  }
  expect(last('plan.create').actor.name).toBe(TEST_OS_USER)
  expect(last('plan.approve').actor.name).toBe('Rita Reviewer')
  expect(last('plan.approve').details.reason).toMatch(/^CloudFront origin moves to HTTPS/)
  // four-eyes is two keys: the plan was requested with one key and approved with another, each
  // signature verifies, and the auditor's verification lists who signed what
  expect(last('plan.create').actor.key).toBe(ownerKey)
  expect(last('plan.approve').actor.key).toBe(ritaKey)
  expect(last('plan.approve').actor.key, 'one key requested and approved').not.toBe(last('plan.create').actor.key)
  const v = verifyCase(db, bridge.app.session.require().id)
  expect(v.ok, v.firstBad?.reason).toBe(true)
  expect(v.people.decisions.filter((d) => d.action === 'plan.approve').at(-1)).toMatchObject({ name: 'Rita Reviewer', key: ritaKey, signed: true })
})
