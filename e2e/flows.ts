// What a user does often, written once: the specs read as the steps a person takes.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { expect, type Page } from '@playwright/test'
import type { Bridge } from './bridge'

export const PASSPHRASE = 'correct horse battery staple'

/** Create a case through the start screen's form, choosing the file with Browse…. */
export async function createCase(
  page: Page,
  bridge: Bridge,
  opts: { file?: string; name?: string; passphrase?: string; remember?: boolean } = {}
): Promise<string> {
  const path = bridge.casePath(opts.file ?? 'acme-q4.lmcase')
  const passphrase = opts.passphrase ?? PASSPHRASE
  await page.getByRole('button', { name: 'Create a case' }).click()
  bridge.answerDialog('create', path)
  await page.getByRole('button', { name: 'Browse…' }).click()
  await expect(page.getByLabel('Case file')).toHaveValue(path)
  if (opts.name) await page.getByLabel('Name (optional)').fill(opts.name)
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Repeat the passphrase').fill(passphrase)
  if (opts.remember) await page.getByLabel('Remember the passphrase on this machine').check()
  await page.getByRole('button', { name: 'Create case' }).click()
  await expect(page.getByTestId('case-path')).toHaveText(path)
  return path
}

export async function closeCase(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close case' }).click()
  await expect(page.getByRole('heading', { name: 'No case is open' })).toBeVisible()
}

/** The audit table's body rows as text cells, newest first. */
export async function auditRows(page: Page): Promise<string[][]> {
  const rows = page.getByRole('region', { name: 'Audit entries' }).locator('tbody tr')
  return rows.evaluateAll((trs) =>
    trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => (c.textContent ?? '').trim()))
  )
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/**
 * Run axe-core on the page as it is now and return the serious and critical violations. axe is
 * served from the page's own origin, so it loads under the app's CSP like a bundled script.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object')
  if (!loaded) await page.addScriptTag({ url: '/__e2e__/axe.min.js' })
  const violations = await page.evaluate(async () => {
    type Result = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }
    const axe = (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: Result[] }> } }).axe
    const r = await axe.run({ resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
