// The case at a glance above the board: the open findings' RCI verdicts and severity, where the
// findings are by stage, and open findings after each import — each chart saying in words what
// it draws, from the real services.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asffExport, type Alarm } from '../test/fixtures/ingest/generate'
import { test, expect, snap } from './fixtures'
import { createCaseInMain } from './flows'

const A = '111111111111'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`
const alarm = (problem: Alarm['problem'], n: number, day: number, status: Alarm['status'] = 'FAIL'): Alarm => ({
  problem,
  account: A,
  region: 'us-east-1',
  n,
  status,
  observedAt: at(day)
})

test('the board shows the verdict mix, the findings per stage and the open findings after each import', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  const scan = (name: string, alarms: Alarm[]): string => {
    const path = join(bridge.root, name)
    writeFileSync(path, asffExport(alarms))
    return path
  }
  const first = scan('scan1.json', [alarm('s3-https', 1, 1), alarm('s3-https', 2, 1), alarm('imdsv2', 1, 1)])
  const second = scan('scan2.json', [alarm('s3-https', 1, 8), alarm('imdsv2', 1, 8, 'PASS')])
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(first), bridge.grant(second)] })).toMatchObject({ ok: true })
  await openApp()

  const glance = page.getByRole('group', { name: 'The case at a glance' })
  await expect(glance.getByRole('img', { name: /^RCI verdicts of the open findings: 1 not scored$/ })).toBeVisible()
  await expect(glance.getByRole('img', { name: /^Severity of the open findings: 1 / })).toBeVisible()
  // 3 findings opened by the first scan; the second resolved 2 (one bucket gone, the instance passing)
  await expect(
    glance.getByRole('img', {
      name: 'Open findings after each import: 3 open findings after 2025-03-01, 1 open finding after 2025-03-08; highest 3 open findings after 2025-03-01'
    })
  ).toBeVisible()
  const stages = glance.getByRole('list', { name: 'Findings per stage' }).getByRole('listitem')
  await expect(stages).toHaveCount(7)
  await expect(stages.nth(0)).toHaveText('New: 1 finding')
  await expect(stages.nth(6)).toHaveText('Validated: 2 findings')
  await snap(page, 'board-overview')
})

test('selected findings are investigated on their own from the Findings table', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  const path = join(bridge.root, 'scan.json')
  writeFileSync(path, asffExport([alarm('s3-https', 1, 1), alarm('s3-https', 2, 1), alarm('imdsv2', 1, 1), alarm('ssh-open', 1, 1)]))
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(path)] })).toMatchObject({ ok: true })
  await openApp()
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: /^Findings/ })
    .click()
  const grid = page.getByRole('grid', { name: 'Findings' })
  await grid.locator('tr[data-index="0"]').getByRole('checkbox').check()
  await grid.locator('tr[data-index="2"]').getByRole('checkbox').check()
  await expect(page.getByTestId('findings-count')).toContainText('2 selected')
  await page.getByRole('button', { name: 'Investigate 2 findings' }).click()
  // no evidence in this case: each playbook answers from what it has, and says so
  await expect(page.getByRole('status').filter({ hasText: /^Investigated 2 findings/ })).toBeVisible({ timeout: 20_000 })
  // one run, over those two only
  const runs = bridge.app.session.require().db.prepare("SELECT details FROM audit_log WHERE action = 'investigate.run'").all() as Array<{ details: string }>
  expect(runs.map((r) => (JSON.parse(r.details) as { findings: number }).findings)).toEqual([2])
})
