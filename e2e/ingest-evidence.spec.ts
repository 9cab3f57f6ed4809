// Ingest and evidence through the screens, against the real services: exports imported from the
// Import screen (chosen and dropped, several at once) with a summary per file; the findings
// table, a finding with its raw alerts and evidence timeline; the initiatives board and an
// initiative.
import { join } from 'node:path'
import { listFindings } from '../main/case/findings'
import { listInitiatives } from '../main/ingest/initiatives'
import { loadControls } from '../main/controls/catalogue'
import { shareSentence } from '../shared/catalogue-share'
import { test, expect, snap } from './fixtures'
import { createCaseInMain, dropFiles } from './flows'
import { writeSampleData } from './sample-data'

test('exports are imported from the Import screen, picked and dropped at once, with a summary per file', async ({ page, bridge, openApp }) => {
  const data = writeSampleData(join(bridge.root, 'exports'))
  createCaseInMain(bridge)
  await openApp()

  // An empty case's board leads to the import.
  await expect(page.getByRole('heading', { level: 1, name: 'Initiatives' })).toBeFocused()
  await page.getByRole('button', { name: 'Import exports…' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import' })).toBeFocused()

  // Two files from the dialog, one dropped, and one dropped that has no place on disk.
  bridge.answerOpen('import', [data.securityHub, data.prowler])
  await page.getByRole('button', { name: 'Choose files…' }).click()
  await dropFiles(page, page.locator('.dropzone'), [data.broken], ['from-a-browser.json'])
  await expect(page.getByRole('list', { name: 'Files to import' }).getByRole('listitem')).toHaveCount(3)
  await expect(page.getByText('from-a-browser.json has no place on disk')).toBeVisible()
  await page.getByRole('button', { name: 'Import 3 files' }).click()

  const notice = page.getByRole('alert').filter({ hasText: 'files imported' })
  // an import runs on a worker thread (its start and the files' writes): the same wait as an investigation's
  await expect(notice).toContainText('2 files imported, 1 file not imported', { timeout: 20_000 })
  const db = bridge.app.session.require().db
  const findings = listFindings(db).length
  const initiatives = listInitiatives(db).filter((i) => i.findings + i.resolved + i.suppressed > 0).length
  await expect(notice).toContainText(`The case now holds ${findings} findings in ${initiatives} initiatives.`)

  const rows = page.getByRole('region', { name: 'Summary per file' }).locator('tbody tr')
  await expect(rows).toHaveCount(3)
  // the counts say what they count: alerts, and what became of findings
  expect((await page.getByRole('region', { name: 'Summary per file' }).locator('thead th').allTextContents()).map((t) => t.trim())).toEqual([
    'File',
    'Format found',
    'Alerts read',
    'New alerts',
    'Updated alerts',
    'Closed alerts',
    'Reopened alerts',
    'Findings',
    'On catalogued controls',
    'Time'
  ])
  const cells = async (i: number): Promise<string[]> => (await rows.nth(i).locator('th, td').allTextContents()).map((t) => t.trim())
  const sh = await cells(0)
  expect(sh.slice(0, 7)).toEqual(['securityhub-findings.json', 'AWS Security Hub (ASFF)', String(data.alarms), String(data.alarms), '0', '0', '0'])
  const prowler = await cells(1)
  expect(prowler.slice(0, 2)).toEqual(['prowler-output.ocsf.json', 'Prowler (JSON-OCSF)'])
  const broken = await cells(2)
  expect(broken[0]).toBe('truncated-export.json')
  expect(broken[1]).toBe('Not imported')
  // where the failing alerts landed, as the alerts in the case say: catalogued controls, or per-tool ones
  const failing = db.prepare("SELECT control, count(*) AS n FROM alerts WHERE outcome = 'FAIL' GROUP BY control").all() as Array<{ control: string; n: number }>
  const table = loadControls()
  const share = {
    failing: failing.reduce((t, r) => t + r.n, 0),
    catalogued: failing.filter((r) => table.isMapped(r.control)).reduce((t, r) => t + r.n, 0),
    fallback: failing
      .filter((r) => !table.isMapped(r.control))
      .map((r) => ({ control: r.control, alerts: r.n }))
      .sort((a, b) => b.alerts - a.alerts || a.control.localeCompare(b.control))
  }
  expect(share.failing).toBeGreaterThan(data.alarms)
  await expect(page.getByTestId('catalogue-share')).toContainText(`${shareSentence(share)}.`)
  expect(sh[7]).toMatch(/^\+\d+ new/)
  expect(sh[8]).toMatch(/^(100|\d{1,2}(\.\d)?)%$/)
  expect(broken[2]).toMatch(/^[A-Z/].*\. Check that it is a complete export from a supported tool, or choose its format above and import it again\.$/)
  await snap(page, 'import-summary')

  // Importing the same file again changes nothing, and says so.
  bridge.answerOpen('import', [data.securityHub])
  await page.getByRole('button', { name: 'Choose files…' }).click()
  await page.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: '1 file imported' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Summary per file' }).locator('tbody tr').first()).toContainText('Already imported')
  expect(listFindings(db).length).toBe(findings)

  await page.getByRole('button', { name: 'Open the findings' }).click()
  await expect(page.getByTestId('findings-count')).toHaveText(`${findings} findings`)
})

test('findings are filtered, searched and opened: raw alerts per tool and the evidence timeline; the board filters and opens an initiative', async ({ page, bridge, openApp }) => {
  // a long walk: table, finding, board, two initiatives investigated (31 s on an idle machine)
  test.setTimeout(90_000)
  const data = writeSampleData(join(bridge.root, 'exports'))
  createCaseInMain(bridge)
  const imported = await bridge.dispatch('ingest.import', { paths: [bridge.grant(data.securityHub), bridge.grant(data.prowler)] })
  expect(imported.ok).toBe(true)
  const db = bridge.app.session.require().db
  const all = listFindings(db)
  await openApp()

  // Evidence first: a bundle folder chosen on the Evidence page.
  await page.keyboard.press('Alt+4')
  await expect(page.getByRole('heading', { level: 1, name: 'Evidence' })).toBeFocused()
  bridge.answerOpen('evidence', [data.bundle])
  await page.getByRole('button', { name: 'Choose folders…' }).click()
  await page.getByRole('button', { name: 'Add the bundle' }).click()
  await expect(page.getByRole('status').filter({ hasText: /^Added evb-[0-9a-f]+ from evidence-2026-11/ })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Evidence bundles' }).locator('tbody tr')).toHaveCount(1)
  // the same bundle again: nothing wrong happened, nothing changed, and it reads that way
  bridge.answerOpen('evidence', [data.bundle])
  await page.getByRole('button', { name: 'Choose folders…' }).click()
  await page.getByRole('button', { name: 'Add the bundle' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'evidence-2026-11 is already in the case' })).toContainText('Nothing changed.')
  await expect(page.getByRole('alert').filter({ hasText: 'already in the case' })).toHaveCount(0)

  // The table: every finding; a column filter and the search narrow it.
  await page.keyboard.press('Alt+2')
  const count = page.getByTestId('findings-count')
  await expect(count).toHaveText(`${all.length} findings`)
  const grid = page.getByRole('grid', { name: 'Findings' })
  await grid.getByLabel('Filter Severity').selectOption({ label: `high (${all.filter((f) => f.severity === 'high').length})` })
  await expect(count).toHaveText(`${all.filter((f) => f.severity === 'high').length} of ${all.length} findings`)
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.keyboard.press('/')
  await page.keyboard.type('payments-prod-data')
  const bucket = all.find((f) => f.resource.id === 'arn:aws:s3:::payments-prod-data')!
  await expect(count).toHaveText(`1 of ${all.length} findings`)
  await expect(grid.locator('tbody tr[data-index]')).toHaveCount(1)

  // The keyboard reaches the row and opens it.
  await page.keyboard.press('Tab')
  await grid.locator('tbody tr[data-index="0"]').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: bucket.title })).toBeFocused()
  expect(new URL(page.url()).hash).toBe(`#/findings/${bucket.id}`)

  // Raw alerts per tool, pretty-printed, and as in the file.
  await expect(page.getByRole('region', { name: 'Alerts from securityhub' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Alerts from prowler' })).toBeVisible()
  const shAlert = bucket.alerts.find((a) => a.tool === 'securityhub')!
  const pretty = page.getByRole('region', { name: `${shAlert.id} pretty-printed` })
  await expect(pretty).toContainText('"SchemaVersion": "2018-10-08"')
  await expect(pretty).toContainText('"Id": "arn:aws:s3:::payments-prod-data"')

  // The evidence timeline of the bucket: filter by source, zoom in.
  const timeline = page.getByRole('region', { name: 'Timeline events' })
  await expect(timeline.locator('tbody tr').first()).toBeVisible()
  const before = await timeline.locator('tbody tr').count()
  await page.getByRole('button', { name: /^aws\.s3-access-logs/ }).click()
  await expect(page.getByRole('button', { name: /^aws\.s3-access-logs/ })).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(async () => timeline.locator('tbody tr').count()).toBeLessThan(before)
  for (const event of await timeline.locator('tbody tr td:nth-child(2)').allTextContents()) expect(event).toContain('aws.s3-access-logs')
  const range = await page.getByTestId('timeline-range').textContent()
  await page.getByRole('button', { name: 'Zoom in' }).click()
  await expect(page.getByTestId('timeline-range')).not.toHaveText(range ?? '')
  await snap(page, 'finding-detail')

  // Back to the table, as it was left.
  await page.getByRole('button', { name: '← All findings' }).click()
  await expect(count).toHaveText(`1 of ${all.length} findings`)

  // The board: cards by stage, filtered by tool; a card opens its initiative.
  await page.keyboard.press('Alt+1')
  const board = page.getByRole('region', { name: /^New/ })
  const initiatives = listInitiatives(db).filter((i) => i.findings > 0)
  await expect(board.getByRole('article')).toHaveCount(initiatives.length)
  await page.getByLabel('Account', { exact: true }).selectOption('222233334444')
  await expect(page.getByTestId('board-count')).toHaveText(`${initiatives.length} of ${initiatives.length} initiatives`)
  await page.getByLabel('Tool', { exact: true }).selectOption('prowler')
  const https = initiatives.find((i) => i.control === 'aws.s3.https-only')!
  const card = board.getByRole('article', { name: https.title })
  await expect(card).toContainText(/\d+ findings? of \d+ match the filters/)
  await card.getByRole('link', { name: https.title }).click()
  await expect(page.getByRole('heading', { level: 1, name: https.title })).toBeFocused()
  await expect(page.getByTestId('findings-count')).toHaveText(`${https.findings} findings`)
  await expect(page.getByRole('region', { name: 'Timeline events' })).toBeVisible()

  // Investigating the initiative gives its findings a verdict, with reasons on each finding.
  await page.getByRole('button', { name: 'Investigate', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: `Investigated ${https.findings} open findings` })).toBeVisible({ timeout: 20_000 })
  await page.getByRole('searchbox', { name: `Search findings of ${https.id}` }).fill('payments-prod-data')
  await page
    .getByRole('grid', { name: `Findings of ${https.id}` })
    .getByRole('link', { name: bucket.id })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: bucket.title })).toBeFocused()
  const rci = await bridge.dispatch('rci.get', { finding: bucket.id })
  expect(rci.ok).toBe(true)
  const view = (rci as { value: { verdict: string; document: { because: string; steps: Array<{ question: string }> } } }).value
  expect(view.verdict).not.toBe('UNSCORED')
  await expect(page.getByText(view.document.because)).toBeVisible()
  for (const step of view.document.steps) await expect(page.getByText(step.question, { exact: true })).toBeVisible()
  await snap(page, 'finding-rci')

  // An initiative no playbook of its own covers says so before the run: the generic investigation
  // gives its findings a verdict, which says so plainly, and the initiative leaves "New".
  const books = await bridge.dispatch('playbooks.list', {})
  expect(books.ok).toBe(true)
  const covered = new Set((books as { value: Array<{ controls: Array<{ id: string }> }> }).value.flatMap((b) => b.controls.map((c) => c.id)))
  const bare = initiatives.find((i) => !covered.has(i.control))!
  expect(bare, 'the sample case has a control no playbook covers').toBeDefined()
  await page.keyboard.press('Alt+1')
  await page.getByLabel('Tool', { exact: true }).selectOption('')
  await page.getByRole('region', { name: /^New/ }).getByRole('article', { name: bare.title }).getByRole('link', { name: bare.title }).click()
  await expect(page.getByRole('heading', { level: 1, name: bare.title })).toBeFocused()
  await expect(page.getByRole('note')).toHaveText(
    `No playbook of its own covers ${bare.control}: its findings get the generic investigation, whose verdict follows what the fix does (a restrictive or replacing fix is RISKY at best).`
  )
  await page.getByRole('button', { name: 'Investigate', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: /had no playbook of its own and got the generic investigation/ })).toBeVisible({ timeout: 20_000 })
  const bareRci = await bridge.dispatch('initiatives.rci', { id: bare.id })
  expect(bareRci.ok).toBe(true)
  const first = (bareRci as { value: { counts: Record<string, number>; resources: Array<{ finding: string; verdict: string; playbook: string | null }> } }).value
  // every open finding got a verdict; none SAFE unless its fix only turns something on
  expect(first.counts.UNSCORED).toBe(0)
  const judged = first.resources.find((r) => r.playbook?.startsWith('generic.'))!
  expect(judged, 'a finding judged by the generic investigation').toBeDefined()
  await page
    .getByRole('grid', { name: `Findings of ${bare.id}` })
    .getByRole('link', { name: judged.finding })
    .click()
  await expect(page.getByTestId('rci-generic')).toContainText(`Generic investigation. No playbook of its own covers ${bare.control}: its verdict follows what the fix does`)
  await expect(page.getByText(/^Generic investigation: no playbook of its own covers /)).toBeVisible()
  await expect(page.getByTestId('control-effect')).toContainText(/^(additive|restrictive|replacing): /)
  await snap(page, 'finding-generic-rci')
  await page.keyboard.press('Alt+1')
  await expect(page.getByRole('region', { name: /^Investigated/ }).getByRole('article', { name: bare.title })).toBeVisible()
  await expect(page.getByRole('region', { name: /^New/ }).getByRole('article', { name: bare.title })).toHaveCount(0)
})
