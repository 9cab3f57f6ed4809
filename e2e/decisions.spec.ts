// A person's decision on findings from the app: suppressing a selection in the Findings table, a
// selection's clearing that skips the findings with no decision and says which, on a finding's
// page a risk acceptance that replaces its suppression, with both kept in its history — and no
// decision buttons for a person without the approver or admin role.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asffExport, type Alarm } from '../test/fixtures/ingest/generate'
import { test, expect } from './fixtures'
import { createCaseInMain, openSection } from './flows'

const alarm = (problem: Alarm['problem'], n: number): Alarm => ({ problem, account: '111111111111', region: 'us-east-1', n, observedAt: '2025-03-01T10:00:00.000Z' })

test('findings are suppressed in bulk, cleared with the undecided ones skipped, a suppression is replaced by a risk acceptance, and an analyst is offered no decision', async ({
  page,
  bridge,
  openApp
}) => {
  createCaseInMain(bridge)
  const path = join(bridge.root, 'scan.json')
  writeFileSync(path, asffExport([alarm('s3-https', 1), alarm('s3-https', 2), alarm('imdsv2', 1)]))
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(path)] })).toMatchObject({ ok: true })
  const db = bridge.app.session.require().db
  const decided = (): string[] => (db.prepare('SELECT id FROM findings WHERE decision IS NOT NULL ORDER BY id').pluck().all() as number[]).map((id) => `F-${id}`)
  await openApp()
  await openSection(page, 'Findings')
  const grid = page.getByRole('grid', { name: 'Findings' })
  const select = async (...rows: number[]): Promise<void> => {
    for (const r of rows) await grid.locator(`tr[data-index="${r}"]`).getByRole('checkbox').check()
  }

  // suppress two: the reason is required, and both are recorded
  await select(0, 1)
  await expect(page.getByTestId('findings-count')).toContainText('2 selected')
  await page.getByRole('button', { name: 'Suppress…' }).click()
  const suppress = page.getByRole('dialog', { name: 'Suppress 2 findings' })
  await suppress.getByRole('button', { name: 'Suppress 2 findings' }).click()
  await expect(suppress.getByText('Say why: the reason is kept in the audit trail with your name.')).toBeVisible()
  await suppress.getByLabel('Reason').fill('sandbox account, torn down weekly')
  await suppress.getByRole('button', { name: 'Suppress 2 findings' }).click()
  await expect(page.getByRole('status').filter({ hasText: '2 decisions recorded.' })).toBeVisible()
  const suppressed = decided()
  expect(suppressed).toHaveLength(2)

  // clear all three: the one with no decision is skipped, and the outcome names it (the selection stayed)
  await select(2)
  await expect(page.getByTestId('findings-count')).toContainText('3 selected')
  await page.getByRole('button', { name: 'Clear decisions…' }).click()
  const clear = page.getByRole('dialog', { name: 'Clear the decision on 3 findings' })
  await clear.getByLabel('Reason').fill('the sandbox is kept after all')
  await clear.getByRole('button', { name: 'Clear the decision on 3 findings' }).click()
  const undecided = (db.prepare('SELECT id FROM findings ORDER BY id').pluck().all() as number[]).map((id) => `F-${id}`).find((f) => !suppressed.includes(f))!
  await expect(page.getByRole('alert')).toContainText(
    `2 decisions recorded. Each is in the audit trail with your name and the reason. 1 finding skipped (${undecided}): ${undecided} is neither suppressed nor risk-accepted: there is no decision to clear.`
  )
  expect(decided()).toEqual([])

  // on a finding's page: suppress it, then accept its risk until a day to come; the acceptance replaces the suppression
  const f = suppressed[0]!
  await page.goto(`${page.url().split('#')[0]}#/findings/${f}`)
  await page.getByRole('button', { name: 'Suppress…' }).click()
  const one = page.getByRole('dialog', { name: `Suppress ${f}` })
  await one.getByLabel('Reason').fill('test bucket')
  await one.getByRole('button', { name: 'Suppress the finding' }).click()
  await expect(page.getByRole('row', { name: /^Decision Suppressed/ })).toBeVisible()
  await page.getByRole('button', { name: 'Accept the risk…' }).click()
  const accept = page.getByRole('dialog', { name: `Accept the risk of ${f}` })
  await expect(accept).toContainText('This replaces the decision recorded now; the finding’s history keeps both.')
  await accept.getByLabel('Reason').fill('decommissioned next quarter')
  await accept.getByLabel('Accepted until').fill('2099-06-30')
  await accept.getByRole('button', { name: 'Accept the risk of the finding' }).click()
  await expect(page.getByRole('row', { name: /^Decision Risk accepted until/ })).toBeVisible()
  expect(db.prepare('SELECT decision, end_reason FROM decision_history WHERE finding_id = ? ORDER BY id').all(Number(f.slice(2)))).toEqual([
    { decision: 'suppressed', end_reason: 'cleared: the sandbox is kept after all' },
    { decision: 'suppressed', end_reason: 'replaced: decommissioned next quarter' },
    { decision: 'risk-accepted', end_reason: null }
  ])

  // a second person of the case, an analyst until its owner grants more: told who decides, offered no button main would refuse
  await bridge.actAs('Rita Reviewer')
  await page.reload()
  await expect(page.getByTestId('identity-name')).toHaveText('Rita Reviewer')
  await expect(page.getByTestId('decision-role')).toHaveText(
    'Suppressing a finding or accepting its risk is an approver’s (or an admin’s) decision: you hold Analyst in this case. Its owner grants roles (Settings, People).'
  )
  await expect(page.getByRole('button', { name: /^(Suppress|Accept the risk|Clear the decision)…$/ })).toHaveCount(0)
})
