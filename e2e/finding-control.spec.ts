// A finding's page shows its canonical control: the catalogue's id and title with every tool rule
// id it covers (the ones this finding's alerts carry marked), or, for a rule the catalogue does not
// map, the per-tool control it landed on, said as such.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { listFindings } from '../main/case/findings'
import { loadControls } from '../main/controls/catalogue'
import { asffFinding } from '../test/fixtures/ingest/generate'
import { test, expect, snap } from './fixtures'
import { createCaseInMain, seriousA11yViolations } from './flows'
import { writeSampleData } from './sample-data'

async function openFinding(page: Page, id: string, title: string): Promise<void> {
  await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), `#/findings/${id}`)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
}

test("a finding's page shows its control with every tool rule id the catalogue maps to it, or says it is a per-tool control", async ({ page, bridge, openApp }) => {
  const data = writeSampleData(join(bridge.root, 'exports'))
  // a Security Hub control no catalogue has: its alert lands on the per-tool control securityhub.Lastmile.99
  const unmapped = asffFinding({ problem: 's3-https', account: '123456789012', region: 'us-east-1', n: 40 })
  unmapped.Id = `${String(unmapped.Id)}-lastmile-99`
  unmapped.GeneratorId = 'security-control/Lastmile.99'
  ;(unmapped.Compliance as Record<string, unknown>).SecurityControlId = 'Lastmile.99'
  const extra = join(bridge.root, 'exports', 'unmapped.json')
  writeFileSync(extra, JSON.stringify({ Findings: [unmapped] }))
  createCaseInMain(bridge)
  const imported = await bridge.dispatch('ingest.import', { paths: [bridge.grant(data.securityHub), bridge.grant(data.prowler), bridge.grant(extra)] })
  expect(imported.ok).toBe(true)
  const all = listFindings(bridge.app.session.require().db)
  await openApp()

  // the bucket both tools report: one finding on the catalogue's control
  const bucket = all.find((f) => f.control === 'aws.s3.https-only' && f.alerts.some((a) => a.tool === 'prowler'))!
  const row = loadControls().row('aws.s3.https-only')!
  await openFinding(page, bucket.id, bucket.title)
  const control = page.getByRole('region', { name: 'Control' })
  await expect(control).toContainText('Alerts of any of these rules on this resource, from any tool, are this one finding.')
  /** a tool's rule ids as the card lists them, all of them (a long list is shortened until asked) */
  const ruleIds = async (tool: string): Promise<string[]> => {
    const more = control.getByRole('button', { name: new RegExp(`^Show all \\d+ ${tool} rule ids$`) })
    if (await more.count()) await more.click()
    return (
      await control
        .getByRole('list', { name: `${tool} rule ids` })
        .getByRole('listitem')
        .allTextContents()
    ).map((t) => t.replace(' (reported here)', ''))
  }
  const cell = (name: string) => control.getByRole('row', { name: new RegExp(`^${name}\\b`) }).getByRole('cell')
  await expect(cell('Id')).toHaveText('aws.s3.https-only')
  await expect(cell('Title')).toHaveText(row.title)
  await expect(cell('Catalogue')).toHaveText('catalogued')
  await expect(cell('Resource type')).toHaveText('aws.s3.bucket')
  // every rule id of every tool, as the catalogue has them; those this finding's alerts carry are marked
  expect(Object.keys(row.rules)).toEqual(expect.arrayContaining(['securityhub', 'prowler', 'config']))
  for (const [tool, ids] of Object.entries(row.rules)) expect(await ruleIds(tool)).toEqual(ids)
  await expect(
    control
      .getByRole('list', { name: 'securityhub rule ids' })
      .getByRole('listitem')
      .filter({ hasText: /^S3\.5 \(reported here\)$/ })
  ).toHaveCount(1)
  await expect(control.getByRole('list', { name: 'prowler rule ids' }).getByRole('listitem').filter({ hasText: 's3_bucket_secure_transport_policy (reported here)' })).toHaveCount(
    1
  )
  await expect(control.getByRole('list', { name: 'config rule ids' }).getByText('(reported here)')).toHaveCount(0)
  expect(await seriousA11yViolations(page)).toEqual([])
  await snap(page, 'finding-control')

  // what the catalogue's tables give beyond the rules: severity, benchmark ids, the rows it was built from
  // (CloudTrail.2: a generated control, no folder; one whose finding Prowler reports too)
  const trail = all.find((f) => f.alerts.some((a) => a.ruleId === 'CloudTrail.2') && f.alerts.some((a) => a.ruleId === 'cloudtrail_kms_encryption_enabled'))!
  const trailRow = loadControls().row(trail.control)!
  expect(trailRow.severity && Object.keys(trailRow.frameworks).length && trailRow.source.length).toBeTruthy()
  await openFinding(page, trail.id, trail.title)
  await expect(cell('Id')).toHaveText(trail.control)
  await expect(cell('Severity')).toHaveText(trailRow.severity!)
  for (const [framework, ids] of Object.entries(trailRow.frameworks)) await expect(cell(framework)).toHaveText(ids.join(', '))
  await expect(cell('Source').getByRole('listitem')).toHaveText(trailRow.source)
  await expect(control.getByRole('list', { name: 'prowler rule ids' }).getByRole('listitem').filter({ hasText: 'cloudtrail_kms_encryption_enabled (reported here)' })).toHaveCount(
    1
  )

  // a long list of one tool's ids shows the first few and the ones reported here, and all when asked
  const pab = all.find((f) => f.alerts.some((a) => a.ruleId === 'S3.8'))!
  const pabRow = loadControls().row(pab.control)!
  const [longTool, longIds] = Object.entries(pabRow.rules).find(([, ids]) => ids.length > 8)!
  await openFinding(page, pab.id, pab.title)
  const longList = control.getByRole('list', { name: `${longTool} rule ids` }).getByRole('listitem')
  await expect(longList).toHaveText(longIds.slice(0, 7))
  await control.getByRole('button', { name: `Show all ${longIds.length} ${longTool} rule ids` }).click()
  await expect(longList).toHaveText(longIds)
  expect(await seriousA11yViolations(page)).toEqual([])
  await control.getByRole('button', { name: `Show fewer ${longTool} rule ids` }).click()
  await expect(longList).toHaveCount(7)

  // the rule no catalogue maps: a control of its own, and the page says what that means
  const alone = all.find((f) => f.control === 'securityhub.Lastmile.99')!
  expect(loadControls().isMapped(alone.control)).toBe(false)
  await openFinding(page, alone.id, alone.title)
  await expect(control).toContainText('A rule the catalogue does not map yet')
  await expect(cell('Id')).toHaveText('securityhub.Lastmile.99')
  await expect(cell('Title')).toHaveText('none: not in the catalogue')
  await expect(cell('Catalogue')).toHaveText('per-tool control')
  await expect(control.getByRole('list', { name: 'securityhub rule ids' }).getByRole('listitem')).toHaveText(['Lastmile.99 (reported here)'])
})
