// Live collection is long work: it shows each step as it goes and can be cancelled, and a
// cancelled collection keeps nothing. The "cloud" is a local endpoint that answers slowly and
// refuses everything (no network here); the SDK reaches it through AWS_ENDPOINT_URL.
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { browse, createCaseInMain, openSection } from './flows'

const ENV = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE'] as const

test('a live collection shows its steps and is cancelled from the Evidence page, keeping nothing', async ({ page, bridge, openApp }) => {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    req.resume()
    setTimeout(() => {
      res.writeHead(403, { 'content-type': 'text/xml' })
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not in this test</Message></Error><RequestId>1</RequestId></ErrorResponse>')
    }, 700)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]))
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_REGION: 'eu-west-1',
    AWS_CONFIG_FILE: join(bridge.root, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(bridge.root, 'no-aws-credentials')
  })
  delete process.env.AWS_PROFILE
  try {
    createCaseInMain(bridge)
    await openApp()
    await openSection(page, 'Evidence')
    const section = page.getByRole('region', { name: 'Collect from the cloud' })
    const out = join(bridge.root, 'collected')
    bridge.answerSave('bundle', out)
    await browse(section, 'Bundle folder', out)
    await section.getByRole('button', { name: 'Collect and add' }).click()
    // the steps show as they are taken
    await expect(section.getByText(/^Step \d+: /)).toBeVisible({ timeout: 15_000 })
    await section.getByRole('button', { name: 'Cancel the collection' }).click()
    await expect(section.getByRole('status').filter({ hasText: 'Collection cancelled' })).toContainText(`the files written to ${out} before the cancel were removed`, {
      timeout: 15_000
    })
    await expect(section.getByRole('button', { name: 'Cancel the collection' })).toHaveCount(0)
    expect(existsSync(out)).toBe(false)
    expect(requests.length).toBeGreaterThan(0)
    // nothing was added to the case
    expect(await bridge.dispatch('evidence.list', {})).toMatchObject({ ok: true, value: { bundles: [] } })
    // cancelling when nothing runs is harmless
    expect(await bridge.dispatch('evidence.cancelCollect', {})).toEqual({ ok: true, value: { cancelled: false } })
  } finally {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})
