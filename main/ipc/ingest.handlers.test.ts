// The Import screen's call: what the CLI's ingest flags do, through the one contract.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
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
})
