import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Progress } from '../../shared/model'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { createDispatcher } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'

describe('case.openDemo', () => {
  it('builds the demo case once in the app data folder, opens it, and reopens it later', async () => {
    const app = testServices(join(tempDir(), 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false })
    const messages: string[] = []
    app.events.on('progress', (p: Progress) => p.message && messages.push(p.message))
    const first = await dispatch('case.openDemo', {})
    expect(first).toMatchObject({ ok: true, value: { name: 'Acme demo case', readOnly: false } })
    expect(messages.some((m) => /investigate/.test(m))).toBe(true)
    const findings = await dispatch('findings.list', {})
    expect(findings.ok && (findings.value as unknown[]).length).toBeGreaterThan(30)
    await dispatch('case.close', {})
    const again = await dispatch('case.openDemo', {})
    expect(again).toMatchObject({ ok: true, value: { id: (first as { value: { id: string } }).value.id } })
  })
})
