// A finding's page carries its plan: planned from there, opened in the plan view, and its state
// after approval; an UNSAFE finding, or one of a control Lastmile has no fix for (a generic
// investigation's), is never planned: the page says why and routes it to its owner.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { listFindings } from '../main/case/findings'
import { rciView } from '../main/case/rci'
import { controlView } from '../main/controls/view'
import { test, expect } from './fixtures'
import { createCaseInMain } from './flows'

const DEMO = resolve(__dirname, '..', 'resources', 'demo')

test('a RISKY finding is planned from its page and shows its plan; an UNSAFE one says why it is never planned and is routed from there', async ({ page, bridge, openApp }) => {
  // the demo case imported, its evidence added and investigated in main, then findings' pages and a plan (27 s on an idle machine)
  test.setTimeout(90_000)
  createCaseInMain(bridge)
  const exportsDir = join(DEMO, 'exports')
  expect(await bridge.dispatch('ingest.import', { paths: readdirSync(exportsDir).map((f) => bridge.grant(join(exportsDir, f))) })).toMatchObject({ ok: true })
  expect(await bridge.dispatch('evidence.add', { path: bridge.grant(join(DEMO, 'evidence'), 'open-folder') })).toMatchObject({ ok: true })
  expect(await bridge.dispatch('investigate.run', {})).toMatchObject({ ok: true })
  const findings = listFindings(bridge.app.session.require().db)
  const of = (bucket: string): string => findings.find((f) => f.resource.id === `arn:aws:s3:::${bucket}` && f.control === 'aws.s3.https-only')!.id
  const risky = of('acme-www-preview')
  const unsafe = of('acme-legacy-exports')
  // a finding the generic investigation judged, of a control Lastmile renders no fix for
  const generic = findings.find(
    (f) => f.status === 'open' && f.rci.verdict !== 'UNSCORED' && controlView(f.control).fix === false && rciView(bridge.app.session.require().db, f.id).document?.generic
  )!
  expect(generic, 'the demo has a finding only a generic investigation judged').toBeDefined()
  await openApp()

  // UNSAFE: never planned; the page offers to route it to its owner instead, right there
  await page.goto(`${page.url().split('#')[0]}#/findings/${unsafe}`)
  const planOf = page.getByRole('region', { name: 'Plan' })
  await expect(planOf).toContainText('UNSAFE: the evidence shows the fix would break something in use, so it is never planned here.')
  await expect(planOf.getByRole('button', { name: 'Plan the fix' })).toHaveCount(0)
  const out = join(bridge.root, 'to-owner')
  bridge.answerSave('routing', out)
  await planOf.getByRole('button', { name: 'Route to owner…' }).click()
  await expect(planOf.getByRole('status')).toContainText(`files in ${out}`)
  await expect(planOf).toContainText('Routed to its owner')
  expect(readdirSync(out).length).toBeGreaterThanOrEqual(3)
  const wf = await bridge.dispatch('workflow.finding', { id: unsafe })
  expect(wf).toMatchObject({ ok: true, value: { state: 'routed' } })

  // no fix known: nothing to plan, so no 'Plan the fix' that could only fail; routing instead
  await page.goto(`${page.url().split('#')[0]}#/findings/${generic.id}`)
  await expect(planOf.getByTestId('no-fix')).toContainText('Lastmile has no fix for this control, so there is nothing to plan here.')
  await expect(planOf.getByRole('button', { name: 'Route to owner…' })).toBeVisible()
  await expect(planOf.getByRole('button', { name: 'Plan the fix' })).toHaveCount(0)

  await page.goto(`${page.url().split('#')[0]}#/findings/${risky}`)
  await expect(planOf.getByText('No plan yet.')).toBeVisible()
  await planOf.getByRole('button', { name: 'Plan the fix' }).click()
  const dialog = page.getByRole('dialog', { name: /^Plan P-\d+$/ })
  await expect(dialog.getByTestId('plan-view')).toContainText(`For ${risky}`)
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(planOf).toContainText(/In plan P-\d+: planned: waiting for a named approver\./)
  await planOf.getByRole('button', { name: 'Open the plan' }).click()
  await expect(page.getByRole('dialog', { name: /^Plan P-\d+$/ })).toBeVisible()
})

test('a finding validated by evidence reads closed in its header and Validated in the table, though its scanner still reports it open', async ({ page, bridge, openApp }) => {
  test.setTimeout(90_000)
  expect(await bridge.dispatch('case.openDemo', {})).toMatchObject({ ok: true })
  const db = bridge.app.session.require().db
  const closed = db.prepare("SELECT finding_id FROM workflow_findings WHERE state = 'closed' ORDER BY finding_id LIMIT 1").get() as { finding_id: number } | undefined
  expect(closed, 'the demo validates one fix').toBeDefined()
  const id = `F-${closed!.finding_id}`
  await openApp()
  await page.goto(`${page.url().split('#')[0]}#/findings/${id}`)
  await expect(page.locator('.detail-meta')).toContainText('Closed: validated')
  await page.keyboard.press('Alt+2')
  const grid = page.getByRole('grid', { name: 'Findings' })
  await page.getByRole('searchbox', { name: 'Search findings' }).fill(id)
  const row = grid.locator('tbody tr[data-index]').filter({ has: page.getByRole('link', { name: id, exact: true }) })
  await expect(row).toContainText('Validated')
  await expect(row).toContainText('open')

  // a verdict a generic investigation gave says so in the RCI column; a playbook's own does not
  const byPlaybook = (generic: boolean): string => {
    // the highest such id: its text is no other id's prefix, so the search shows it alone (F-1 would also match F-10…F-199)
    const r = db.prepare(`SELECT finding_id FROM rci_results WHERE playbook ${generic ? '' : 'NOT '}LIKE 'generic.%' ORDER BY finding_id DESC LIMIT 1`).get() as {
      finding_id: number
    }
    return `F-${r.finding_id}`
  }
  const rciCell = (ref: string) =>
    grid
      .locator('tbody tr[data-index]')
      .filter({ has: page.getByRole('link', { name: ref, exact: true }) })
      .locator('.rci-generic')
  await page.getByRole('searchbox', { name: 'Search findings' }).fill(byPlaybook(true))
  await expect(rciCell(byPlaybook(true))).toHaveText(/^(SAFE|RISKY) generic$/)
  await expect(rciCell(byPlaybook(true))).toHaveAttribute('title', /generic investigation/)
  await page.getByRole('searchbox', { name: 'Search findings' }).fill(byPlaybook(false))
  await expect(grid.getByRole('link', { name: byPlaybook(false), exact: true })).toBeVisible()
  await expect(rciCell(byPlaybook(false))).toHaveCount(0)
})
