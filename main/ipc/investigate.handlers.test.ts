import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { InitiativeRci, InvestigationRunResult, PlaybookSummary, RciView } from '../../shared/investigate'
import type { FindingView } from '../../shared/ingest'
import type { Progress } from '../../shared/model'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { fixturesDir } from '../../test/casegen/generate'
import { exportFiles } from '../demo/case-builder'
import { createDispatcher } from './dispatch'
import { createHandlers } from './handlers'

const PASS = 'correct horse battery'
const FIXTURE = fixturesDir('aws.s3.public-access')

describe('investigation through the contract', () => {
  it('runs with progress events, then serves the RCI of a finding and of an initiative', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    expect(await dispatch('investigate.run', {})).toMatchObject({ ok: false, error: { code: 'no-case' } })
    await dispatch('case.create', { path: app.paths.issue(join(dir, 'a.lmcase'), 'save-file'), passphrase: PASS })
    await dispatch('ingest.import', { paths: exportFiles(join(FIXTURE, 'exports')).map((f) => app.paths.issue(f, 'open-file')) })
    await dispatch('evidence.add', { path: app.paths.issue(join(FIXTURE, 'bundle'), 'open-folder') })
    expect(await dispatch('investigate.cancel', {})).toEqual({ ok: true, value: { cancelled: false } })
    expect(await dispatch('investigate.run', { findings: ['X-1'] })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('a finding id (F-12)') }
    })

    const progress: Progress[] = []
    app.events.on('progress', (p) => progress.push(p))
    const run = await dispatch('investigate.run', {})
    expect(run.ok).toBe(true)
    const result = (run as { value: InvestigationRunResult }).value
    expect(result).toMatchObject({ status: 'completed', findings: 9, verdicts: { SAFE: 4, RISKY: 2, UNSAFE: 3 } })
    expect(progress.filter((p) => p.operation === 'investigate').at(-1)).toMatchObject({ done: 9, total: 9 })

    const findings = ((await dispatch('findings.list', {})) as { value: FindingView[] }).value
    const downloads = findings.find((f) => f.resource.id === 'arn:aws:s3:::acme-public-downloads')!
    const rci = ((await dispatch('rci.get', { finding: downloads.id })) as { value: RciView }).value
    expect(rci).toMatchObject({ verdict: 'UNSAFE', history: [{ reason: 'first', verdict: 'UNSAFE' }] })
    const anon = rci.document!.steps.find((s) => s.id === 'anonymous')!
    // the renderer's link into the evidence timeline: the query, and the events behind the answer
    expect(anon.timeline).toMatchObject({ resources: ['arn:aws:s3:::acme-public-downloads'], from: '2026-08-22T00:00:00Z', sources: ['aws.cloudtrail', 'aws.s3-access-logs'] })
    expect(anon.timeline!.events.length).toBe(20)
    const events = await dispatch('evidence.timeline', { resources: anon.timeline!.resources, from: anon.timeline!.from!, sources: anon.timeline!.sources, summaries: false })
    const ids = new Set((events as { value: Array<{ id: number }> }).value.map((e) => e.id))
    expect(anon.timeline!.events.every((id) => ids.has(id))).toBe(true)

    const board = ((await dispatch('initiatives.rci', { id: downloads.initiative! })) as { value: InitiativeRci }).value
    expect(board.counts).toEqual({ SAFE: 4, RISKY: 2, UNSAFE: 3, UNSCORED: 0 })
    expect(board.resources.find((r) => r.finding === downloads.id)).toMatchObject({
      verdict: 'UNSAFE',
      playbook: 'aws.s3.public-access',
      resource: { name: 'acme-public-downloads', account: '111122223333' }
    })

    const playbooks = ((await dispatch('playbooks.list', {})) as { value: PlaybookSummary[] }).value
    expect(playbooks.find((p) => p.id === 'aws.s3.public-access')).toMatchObject({ custom: false, verdicts: ['SAFE', 'RISKY', 'UNSAFE'], windowDays: 90 })
    expect(await dispatch('playbooks.list', { playbooksDir: app.paths.issue(join(dir, 'missing'), 'open-folder') })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('cannot read the playbook folder') }
    })
  })
})
