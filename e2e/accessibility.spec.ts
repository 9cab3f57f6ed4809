// Every screen, in the light and the dark theme: axe-core finds no serious or critical
// violation, and a screenshot of each is kept in artifacts/screenshots/ for people to review.
// A new page or dialog gets its `await screen('<name>')` here.
import type { Page } from '@playwright/test'
import { test, expect, snap } from './fixtures'
import { closeCase, createCase, PASSPHRASE, seriousA11yViolations } from './flows'

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every screen passes axe and is captured (${colorScheme})`, async ({ page, bridge, openApp }) => {
    // A walk through every screen with axe on each: longer than one user action.
    test.setTimeout(60_000)
    await page.emulateMedia({ colorScheme })
    const screen = async (name: string): Promise<void> => {
      await settle(page)
      await snap(page, `${name}-${colorScheme}`)
      const violations = await seriousA11yViolations(page)
      expect(violations, `axe on "${name}" (${colorScheme})`).toEqual([])
    }

    await openApp()
    await screen('start-empty')

    await page.getByRole('button', { name: 'Change…' }).click()
    await expect(page.getByRole('dialog', { name: 'Who is acting' })).toBeVisible()
    await screen('identity-dialog')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Create a case' }).click()
    await page.getByLabel('Case file').fill(bridge.casePath('acme.lmcase'))
    await page.getByLabel('Passphrase', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Create case' }).click()
    await expect(page.getByText('The passphrase needs at least 8 characters.')).toBeVisible()
    await screen('create-case-invalid')
    await page.getByRole('button', { name: 'Cancel' }).click()

    await createCase(page, bridge, { file: 'acme-q4.lmcase', name: 'Acme Q4 review' })
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expect(page.getByText('The audit chain is intact')).toBeVisible()
    await screen('audit')

    await page.getByRole('link', { name: /Settings/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
    await screen('settings')

    await closeCase(page)
    await screen('start-recent')

    await page.getByRole('complementary', { name: 'Recent cases' }).getByRole('button', { name: /acme-q4/ }).click()
    const prompt = page.getByRole('dialog', { name: 'Open Acme Q4 review' })
    await prompt.getByLabel('Passphrase', { exact: true }).fill(`${PASSPHRASE}?`)
    await prompt.getByRole('button', { name: 'Open case' }).click()
    await expect(prompt.getByRole('alert')).toBeVisible()
    await screen('open-wrong-passphrase')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Open a case' }).click()
    await screen('open-case')
  })
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
