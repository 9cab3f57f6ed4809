// What a user does often, written once: the specs read as the steps a person takes.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { expect, type Locator, type Page } from '@playwright/test'
import type { Bridge } from './bridge'

export const PASSPHRASE = 'correct horse battery staple'

/** Create a case through the start screen's form, choosing the file with Browse…. */
export async function createCase(page: Page, bridge: Bridge, opts: { file?: string; name?: string; passphrase?: string; remember?: boolean } = {}): Promise<string> {
  const path = bridge.casePath(opts.file ?? 'acme-q4.lmcase')
  const passphrase = opts.passphrase ?? PASSPHRASE
  await page.getByRole('button', { name: 'Create a case' }).click()
  bridge.answerSave('case', path)
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

/**
 * Choose a file or folder in a path field, as a person does: Browse… opens the dialog, which
 * answers what the test told the bridge (answerOpen / answerSave), and the field shows the path.
 */
export async function browse(scope: Page | Locator, label: string, expected: string): Promise<void> {
  const page = 'goto' in scope ? scope : scope.page()
  const exactLabel = page.locator('label').filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
  const field = scope.locator('.field').filter({ has: exactLabel })
  await field.getByRole('button', { name: 'Browse…' }).click()
  await expect(field.locator('input')).toHaveValue(expected)
}

/** Open a section from the navigation and wait for its heading. */
export async function openSection(page: Page, title: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: new RegExp(`^${title}`) })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeFocused()
}

export async function closeCase(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close case' }).click()
  await expect(page.getByRole('heading', { name: 'No case is open' })).toBeVisible()
}

/** The audit table's body rows as text cells, newest first. */
export async function auditRows(page: Page): Promise<string[][]> {
  const rows = page.getByRole('region', { name: 'Audit entries' }).locator('tbody tr')
  return rows.evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => (c.textContent ?? '').trim())))
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

/**
 * Drop files from disk on an element, as a user dragging them from a file manager would: the
 * page gets File objects, and the bridge tells their paths (in Electron, the preload asks
 * webUtils.getPathForFile). `noPath` files are dropped without one, like a file from a browser.
 */
export async function dropFiles(page: Page, target: Locator, paths: string[], noPath: string[] = []): Promise<void> {
  const transfer = await page.evaluateHandle(
    ([withPath, without]) => {
      const g = globalThis as unknown as {
        __e2eDropped: Map<string, string>
        DataTransfer: new () => { items: { add(f: unknown): void } }
        File: new (bits: string[], name: string) => unknown
      }
      const dt = new g.DataTransfer()
      for (const p of withPath) {
        const name = p.split('/').pop() ?? p
        g.__e2eDropped.set(name, p)
        dt.items.add(new g.File(['(contents are read by main, not the page)'], name))
      }
      for (const name of without) dt.items.add(new g.File(['x'], name))
      return dt
    },
    [paths, noPath] as const
  )
  await target.dispatchEvent('dragenter', { dataTransfer: transfer })
  await target.dispatchEvent('dragover', { dataTransfer: transfer })
  await target.dispatchEvent('drop', { dataTransfer: transfer })
  await transfer.dispose()
}

/** Create a case behind the page's back (main's session), so a test starts with it open. */
export function createCaseInMain(bridge: Bridge, file = 'acme.lmcase', name = 'Acme Q4 review'): string {
  const path = bridge.casePath(file)
  bridge.app.session.create(path, PASSPHRASE, { name })
  return path
}
