import { test, expect } from './fixtures'

test('first start: the demo case is built, opened, and its board and findings are real', async ({ page, bridge, openApp }) => {
  test.setTimeout(120_000)
  await openApp()
  await page.getByRole('button', { name: 'Open the demo case' }).click()
  await expect(page.getByTestId('case-name')).toHaveText('Acme demo case', { timeout: 90_000 })
  expect(bridge.app.session.current()?.readOnly).toBe(false)
  // The board: initiatives from three tools, investigated by the real playbooks.
  await expect(page.getByRole('heading', { name: 'Initiatives' })).toBeVisible()
  await expect(page.getByText('S3 buckets should require requests to use HTTPS').first()).toBeVisible()
  // The demo went all the way: one plan approved by a second person, executed, validated.
  const audit = bridge.app.session.require().db.prepare('SELECT action FROM audit_log').pluck().all() as string[]
  expect(audit).toEqual(expect.arrayContaining(['ingest.import', 'investigate.run', 'plan.create', 'export.pdf']))
})
