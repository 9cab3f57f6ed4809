// What must stay on screen at the window sizes people use: at 1024 px the findings table keeps
// its verdict, stage and status columns in view (and at 1280 px every title is read whole) and the board shows all seven stages side by
// side; at 1920 px the board uses the width instead of stopping at a reading column.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page, Locator } from '@playwright/test'
import { asffExport, type Alarm } from '../test/fixtures/ingest/generate'
import { test, expect } from './fixtures'
import { createCaseInMain } from './flows'

const alarm = (problem: Alarm['problem'], n: number): Alarm => ({
  problem,
  account: '111111111111',
  region: 'us-east-1',
  n,
  status: 'FAIL',
  observedAt: '2025-03-01T10:00:00.000Z'
})

async function inView(page: Page, target: Locator): Promise<void> {
  const box = await target.boundingBox()
  const width = page.viewportSize()!.width
  expect(box, 'on the page').not.toBeNull()
  expect(box!.x, 'left edge in the window').toBeGreaterThanOrEqual(0)
  expect(box!.x + box!.width, 'right edge in the window').toBeLessThanOrEqual(width)
}

test('at 1024 px the table keeps RCI, stage and status in view and the board its seven stages; at 1920 the board uses the width', async ({ page, bridge, openApp }) => {
  createCaseInMain(bridge)
  const path = join(bridge.root, 'scan.json')
  writeFileSync(path, asffExport([alarm('s3-https', 1), alarm('s3-https', 2), alarm('imdsv2', 1), alarm('ssh-open', 1)]))
  expect(await bridge.dispatch('ingest.import', { paths: [bridge.grant(path)] })).toMatchObject({ ok: true })
  await openApp()

  await page.setViewportSize({ width: 1024, height: 768 })
  await page.keyboard.press('Alt+2')
  const grid = page.getByRole('grid', { name: 'Findings' })
  for (const name of ['ID', 'Severity', 'RCI', 'Stage', 'Status']) await inView(page, grid.getByRole('columnheader', { name, exact: true }))
  // an id is never cut
  const id = grid.getByRole('link', { name: /^F-\d+$/ }).first()
  expect(
    await id.evaluate((a) => {
      const cell = a.closest('td, [role="gridcell"]')!
      return cell.clientWidth > 0 && cell.scrollWidth <= cell.clientWidth
    })
  ).toBe(true)

  // at 1280 px a finding's title is read whole: it wraps onto the row's second line, not cut
  await page.setViewportSize({ width: 1280, height: 800 })
  const titles = grid.locator('td .two-lines')
  await expect(titles.first()).toBeVisible()
  const cut = await titles.evaluateAll((els) => els.filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent))
  expect(cut, 'titles cut at 1280 px').toEqual([])
  expect(await titles.evaluateAll((els) => els.some((el) => el.getBoundingClientRect().height > 20)), 'a long title takes the second line').toBe(true)
  await page.setViewportSize({ width: 1024, height: 768 })

  await page.keyboard.press('Alt+1')
  const board = page.getByRole('group', { name: 'Initiatives by stage' })
  const columns = board.getByRole('region')
  await expect(columns).toHaveCount(7)
  for (let i = 0; i < 7; i++) await inView(page, columns.nth(i))

  await page.setViewportSize({ width: 1920, height: 900 })
  const right = await columns.nth(6).boundingBox()
  expect(right!.x + right!.width).toBeGreaterThan(1800)
})

test('the first-start card holds all its buttons at 1024 and 1280 px', async ({ page, openApp }) => {
  await openApp()
  const card = page.getByRole('region', { name: 'No case is open' })
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 768 })
    const box = (await card.boundingBox())!
    for (const name of ['Create a case', 'Open a case', 'Open case file for review', 'Open the demo case']) {
      const b = (await card.getByRole('button', { name }).boundingBox())!
      expect(b.x + b.width, `${name} at ${width} px`).toBeLessThanOrEqual(box.x + box.width)
    }
  }
})
