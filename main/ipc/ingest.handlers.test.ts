// The Import screen's call: what the CLI's ingest flags do, through the one contract.
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { FindingView, IngestResult } from '../../shared/ingest'
import { FIXTURES } from '../../test/fixtures/ingest/support'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { createDispatcher } from './dispatch'
import { createHandlers } from './handlers'

describe('ingest.import through the contract', () => {
  it('names the cluster of Trivy Operator reports, and refuses a blank name', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    await dispatch('case.create', { path: app.paths.issue(join(dir, 'a.lmcase'), 'save-file'), passphrase: 'correct horse battery' })
    const reports = (): string => app.paths.issue(join(FIXTURES, 'written/trivy-operator/reports-list.json'), 'open-file')
    expect(await dispatch('ingest.import', { paths: [reports()], cluster: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining("give the cluster's name") }
    })
    const r = await dispatch('ingest.import', { paths: [reports()], cluster: ' prod-eks ' })
    expect(r).toMatchObject({ ok: true, value: { imports: [{ format: 'trivy-operator-json', new: 12 }] } })
    expect((r as { value: IngestResult }).value.findings).toBe(11)
    const findings = (await dispatch('findings.list', {})) as { ok: true; value: FindingView[] }
    expect(findings.value.map((f) => f.resource.id)).toContain('k8s:prod-eks/kube-system/DaemonSet/aws-node')
  })

  it('lets a passphrase change follow an import at once: it waits for the worker to let go of the case', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    await dispatch('case.create', { path: app.paths.issue(join(dir, 'a.lmcase'), 'save-file'), passphrase: 'correct horse battery' })
    expect(app.session.workerKey(app.session.requireWritable())).not.toBeNull() // the import runs in a worker
    const file = app.paths.issue(join(FIXTURES, 'written/trivy-operator/reports-list.json'), 'open-file')
    const held = vi.spyOn(app.session, 'holdWhile')
    expect(await dispatch('ingest.import', { paths: [file], cluster: 'prod-eks' })).toMatchObject({ ok: true })
    // the worker's work after the result is held: the session knows when it ends
    expect(held).toHaveBeenCalledTimes(1)
    expect(await dispatch('case.changePassphrase', { current: 'correct horse battery', next: 'another passphrase' })).toEqual({ ok: true, value: null })
    await expect(held.mock.calls[0][0]).resolves.toBeUndefined()
  })

  it('lets a passphrase change follow a findings table read on a thread: it waits for the read', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    await dispatch('case.create', { path: app.paths.issue(join(dir, 'a.lmcase'), 'save-file'), passphrase: 'correct horse battery' })
    expect(
      await dispatch('ingest.import', { paths: [app.paths.issue(join(FIXTURES, 'written/trivy-operator/reports-list.json'), 'open-file')], cluster: 'prod-eks' })
    ).toMatchObject({
      ok: true
    })
    expect(app.session.readerKey(app.session.require())).not.toBeNull() // the table is read on a worker thread
    // asked together, as the Findings page and Settings can: the change waits for the thread to let go
    const [table, changed] = await Promise.all([
      dispatch('findings.table', {}),
      dispatch('case.changePassphrase', { current: 'correct horse battery', next: 'another passphrase' })
    ])
    expect(table).toMatchObject({ ok: true, value: { count: 11, id: expect.any(Int32Array) } })
    expect(changed).toEqual({ ok: true, value: null })
  })
})
