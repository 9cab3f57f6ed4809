// Every screen, in the light and the dark theme: axe-core finds no serious or critical
// violation, and a screenshot of each is kept in artifacts/screenshots/ for people to review.
// A new page or dialog gets its `await screen('<name>')` here.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { listFindings } from '../main/case/findings'
import { testP12 } from '../test/fixtures/export/p12'
import { test, expect, snap } from './fixtures'
import { browse, closeCase, createCase, createCaseInMain, openSection, PASSPHRASE, seriousA11yViolations } from './flows'
import { writeSampleData } from './sample-data'

const DEMO = resolve(__dirname, '..', 'resources', 'demo')

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every screen passes axe and is captured (${colorScheme})`, async ({ page, bridge, openApp }) => {
    // A walk through every screen with axe on each: longer than one user action.
    test.setTimeout(90_000)
    await page.emulateMedia({ colorScheme })
    const screen = screenOf(page, colorScheme)

    await openApp()
    await screen('start-empty')

    await page.getByRole('button', { name: 'Change…' }).click()
    await expect(page.getByRole('dialog', { name: 'Who is acting' })).toBeVisible()
    await screen('identity-dialog')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Create a case' }).click()
    bridge.answerSave('case', bridge.casePath('acme.lmcase'))
    await browse(page, 'Case file', bridge.casePath('acme.lmcase'))
    await page.getByLabel('Passphrase', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Create case' }).click()
    await expect(page.getByText('The passphrase needs at least 8 characters.')).toBeVisible()
    await screen('create-case-invalid')
    await page.getByRole('button', { name: 'Cancel' }).click()

    await createCase(page, bridge, { file: 'acme-q4.lmcase', name: 'Acme Q4 review' })
    await openSection(page, 'Audit')
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expect(page.getByText('The audit chain is intact')).toBeVisible()
    await screen('audit')

    await page.getByRole('link', { name: /Settings/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
    await screen('settings')

    // The work screens, with data imported and evidence added through them.
    const data = writeSampleData(join(bridge.root, 'exports'))
    await openSection(page, 'Import')
    bridge.answerOpen('import', [data.securityHub, data.prowler, data.broken])
    await page.getByRole('button', { name: 'Choose files…' }).click()
    await page.getByRole('button', { name: 'Import 3 files' }).click()
    // an import runs on a worker thread (its start and the files' writes): the same wait as an investigation's
    await expect(page.getByRole('region', { name: 'Summary per file' })).toBeVisible({ timeout: 20_000 })
    await screen('import-summary')

    await openSection(page, 'Evidence')
    bridge.answerOpen('evidence', [data.bundle])
    await page.getByRole('button', { name: 'Choose folders…' }).click()
    await page.getByRole('button', { name: 'Add the bundle' }).click()
    await expect(page.getByRole('status').filter({ hasText: /^Added evb-/ })).toBeVisible()
    await screen('evidence')

    // An initiative investigated from its page: verdicts with reasons, then one of its findings.
    await openSection(page, 'Initiatives')
    await page
      .getByRole('article', { name: /^S3 buckets should require/ })
      .getByRole('link')
      .click()
    await page.getByRole('button', { name: 'Investigate', exact: true }).click()
    await expect(page.getByRole('status').filter({ hasText: /^Investigated/ })).toBeVisible({ timeout: 20_000 })
    await expect(page.getByRole('region', { name: 'Timeline events' })).toBeVisible()
    await screen('initiative-detail')
    await page.getByRole('searchbox', { name: /^Search findings of I-/ }).fill('payments-prod-data')
    await page
      .getByRole('grid', { name: /^Findings of I-/ })
      .getByRole('link', { name: /^F-\d+$/ })
      .click()
    await expect(page.getByRole('heading', { level: 3, name: 'How the verdict evolved' })).toBeVisible()
    await expect(page.getByRole('region', { name: 'Timeline events' })).toBeVisible()
    await screen('finding-detail')

    await openSection(page, 'Findings')
    const grid = page.getByRole('grid', { name: 'Findings' })
    await grid.locator('tr[data-index="1"]').getByRole('checkbox').check()
    await grid.locator('tr[data-index="2"]').getByRole('checkbox').check()
    await expect(page.getByTestId('findings-count')).toContainText('2 selected')
    await screen('findings')
    await page.getByLabel('Group by').selectOption('control')
    await expect(grid.locator('tr.group-row').first()).toBeVisible()
    await screen('findings-grouped')

    await openSection(page, 'Initiatives')
    await expect(page.getByRole('article').first()).toBeVisible()
    await screen('initiatives')

    await closeCase(page)
    await screen('start-recent')

    await page
      .getByRole('complementary', { name: 'Recent cases' })
      .getByRole('button', { name: /acme-q4/ })
      .click()
    const prompt = page.getByRole('dialog', { name: 'Open Acme Q4 review' })
    await prompt.getByLabel('Passphrase', { exact: true }).fill(`${PASSPHRASE}?`)
    await prompt.getByRole('button', { name: 'Open case' }).click()
    await expect(prompt.getByRole('alert')).toBeVisible()
    await screen('open-wrong-passphrase')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Open a case' }).click()
    await screen('open-case')
  })

  // The sample exports above have no finding with enough evidence to plan, so Approvals and
  // Exports are walked on a case holding the demo data (set up in main: the walk is about the
  // screens, e2e/user-story.spec.ts plans and approves through them from the start).
  test(`Approvals, with a plan open, and Exports pass axe and are captured (${colorScheme})`, async ({ page, bridge, openApp }) => {
    // the demo case imported, its evidence added and investigated, a plan and a PDF: 46 s on an idle machine
    test.setTimeout(120_000)
    await page.emulateMedia({ colorScheme })
    const screen = screenOf(page, colorScheme)
    createCaseInMain(bridge)
    const exportsDir = join(DEMO, 'exports')
    expect(await bridge.dispatch('ingest.import', { paths: readdirSync(exportsDir).map((f) => bridge.grant(join(exportsDir, f))) })).toMatchObject({ ok: true })
    expect(await bridge.dispatch('evidence.add', { path: bridge.grant(join(DEMO, 'evidence'), 'open-folder') })).toMatchObject({ ok: true })
    expect(await bridge.dispatch('investigate.run', {})).toMatchObject({ ok: true })
    const preview = listFindings(bridge.app.session.require().db).find((f) => f.resource.id === 'arn:aws:s3:::acme-www-preview')
    expect(preview?.initiative, 'the demo data has the acme-www-preview HTTPS finding in an initiative').toMatch(/^I-\d+$/)
    const initiative = preview!.initiative!

    // The initiative's plan: its SAFE findings together, its RISKY ones one by one, its UNSAFE one left out with why.
    await openApp()
    await openSection(page, 'Approvals')
    await page.getByLabel('Finding or initiative').fill(initiative)
    await page.getByRole('button', { name: 'Plan a fix' }).click()
    const plan = page.getByRole('dialog', { name: /^Plan P-\d+$/ })
    await expect(plan.getByTestId('plan-view')).toContainText(`For ${initiative}`)
    await expect(plan.getByRole('heading', { name: 'Excluded findings' })).toBeVisible()
    await screen('plan-view')
    await plan.getByRole('button', { name: 'Close' }).click()

    // The queue, as its requester sees it: every row blocked by four-eyes, and the sentence says so.
    const queue = page.getByRole('region', { name: 'Approval queue' })
    await expect(queue.getByRole('button', { name: 'Approve' }).first()).toBeDisabled()
    await expect(queue.getByText(/^four-eyes: /).first()).toBeVisible()
    await screen('approvals')

    // Exports, after a signed PDF was written: the outcome, the progress and the new checkpoint.
    const p12 = testP12()
    await openSection(page, 'Exports')
    bridge.answerSave('report', join(bridge.root, 'report.pdf'))
    await browse(page, 'Save the report as', join(bridge.root, 'report.pdf'))
    bridge.answerOpen('certificate', [p12.path])
    await browse(page, 'Signing certificate (.p12)', p12.path)
    await page.getByLabel('Certificate passphrase').fill(p12.passphrase)
    await page.getByRole('button', { name: 'Export signed PDF' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'The signed PDF report was written' })).toBeVisible({ timeout: 30_000 })
    await expect(page.getByRole('region', { name: 'Checkpoints' }).locator('tbody tr td.num')).toHaveCount(1)
    await screen('exports')
  })
}

/** Settle, screenshot as `<name>-<scheme>.png`, and fail on any serious or critical axe violation. */
function screenOf(page: Page, colorScheme: 'light' | 'dark'): (name: string) => Promise<void> {
  return async (name) => {
    await settle(page)
    await snap(page, `${name}-${colorScheme}`)
    const violations = await seriousA11yViolations(page)
    expect(violations, `axe on "${name}" (${colorScheme})`).toEqual([])
  }
}

/** Wait for what is on screen to stop changing: fonts loaded, no pending animation frame. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): void }
        g.requestAnimationFrame(() => g.requestAnimationFrame(() => done()))
      })
  )
}
