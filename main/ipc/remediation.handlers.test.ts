// The remediation calls through the one contract, as the renderer makes them: the session's
// identity acts, inputs are checked by their schemas, mutating calls are declared so, and the
// signed report receives the plans, decisions and stages.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contract } from '../../shared/contract'
import type { BoardInitiative, PlanView } from '../../shared/remediation'
import { assembleReportData } from '../export/report-assemble'
import { listInitiatives } from '../ingest/initiatives'
import { remediationReportContributor } from '../workflow/report'
import { SCENARIO_FINDINGS, writeAsff, writeScenarioBundle } from '../../test/fixtures/remediation/scenario'
import { testServices } from '../../test/helpers/services'
import { createDispatcher } from './dispatch'
import { createHandlers } from './handlers'

const dir = mkdtempSync(join(tmpdir(), 'lm-ipc-remediation-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CHANNELS = [
  'remediation.plan',
  'remediation.getPlan',
  'remediation.plans',
  'approvals.queue',
  'approvals.approve',
  'approvals.reject',
  'workflow.board',
  'workflow.finding',
  'workflow.route',
  'workflow.acceptRisk',
  'workflow.suppress',
  'workflow.clearDecision',
  'workflow.recordExecution',
  'workflow.validate',
  'workflow.settings',
  'workflow.setFourEyes',
  'guardrails.bundle',
  'guardrails.export'
] as const
const READS = new Set(['remediation.getPlan', 'remediation.plans', 'approvals.queue', 'workflow.board', 'workflow.finding', 'workflow.settings', 'guardrails.bundle'])

describe('remediation through the contract', () => {
  it('declares every call, and every call that changes the case as mutating (refused on a case open for review)', () => {
    for (const c of CHANNELS) expect(contract[c].mutates, c).toBe(!READS.has(c))
  })

  it('plans, queues, approves (four-eyes by identity), records, validates, and fills the report', async () => {
    // two people, two apps, two keys: Ana creates (and owns) the case, Bob joins it
    const app = testServices(join(dir, 'ana'), { osUser: 'ana' })
    const bobApp = testServices(join(dir, 'bob'), { osUser: 'bob' })
    const anaCalls = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    const bobCalls = createDispatcher(createHandlers(bobApp), { paths: bobApp.paths, isReadOnly: () => bobApp.session.current()?.readOnly ?? false })
    expect(await anaCalls('identity.create', { name: 'Ana Analyst' })).toMatchObject({ ok: true, value: { name: 'Ana Analyst', key: expect.any(String) } })
    expect(await bobCalls('identity.create', { name: 'Bob Approver' })).toMatchObject({ ok: true })
    let dispatch = anaCalls
    expect(await dispatch('case.create', { path: app.paths.issue(join(dir, 'c.lmcase'), 'save-file'), passphrase: 'correct horse battery' })).toMatchObject({ ok: true })
    expect(await dispatch('evidence.add', { path: app.paths.issue(writeScenarioBundle(join(dir, 'bundle')), 'open-folder') })).toMatchObject({ ok: true })
    expect(await dispatch('ingest.import', { paths: [app.paths.issue(writeAsff(dir, 'sh.json', SCENARIO_FINDINGS), 'open-file')] })).toMatchObject({ ok: true })
    const db = app.session.requireWritable().db
    db.prepare("UPDATE findings SET rci_verdict = 'SAFE' WHERE control = 'aws.s3.https-only'").run()
    const ini = listInitiatives(db).find((i) => i.control === 'aws.s3.https-only')!.id

    expect(await dispatch('remediation.plan', { ref: 'X-1' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('a finding (F-12) or initiative (I-3) id') }
    })
    const planned = await dispatch('remediation.plan', { ref: ini })
    expect(planned).toMatchObject({ ok: true, value: { id: 'P-1', target: ini, verdict: 'SAFE', requestedBy: { name: 'Ana Analyst', role: 'admin' } } })
    const plan = (planned as { value: PlanView }).value

    // Ana owns the case and so holds the approver role, but her key requested the plan
    const mine = await dispatch('approvals.queue', {})
    expect(mine).toMatchObject({ ok: true, value: [{ blockedFor: expect.stringMatching(/four-eyes/) }, {}, {}] })
    expect(await dispatch('approvals.approve', { plan: plan.id, reason: 'mine' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/^four-eyes: .* the same key cannot also approve it/) }
    })
    expect(await dispatch('approvals.approve', { plan: plan.id, reason: '' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('a reason is required') }
    })

    // Bob opens the case (his key joins it) and holds nothing but analyst until Ana grants more
    expect(await bobCalls('case.open', { path: bobApp.paths.issue(join(dir, 'c.lmcase'), 'open-file'), passphrase: 'correct horse battery' })).toMatchObject({ ok: true })
    dispatch = bobCalls
    expect(await dispatch('approvals.approve', { plan: plan.id, reason: 'window CHG-3' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/to approve a plan you need the approver or admin role/) }
    })
    expect(await bobCalls('people.setRole', { person: bobApp.session.identity().key!, role: 'approver', grant: true })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/only the case owner Ana Analyst/) }
    })
    expect(await anaCalls('people.setRole', { person: bobApp.session.identity().key!, role: 'approver', grant: true })).toMatchObject({ ok: true })
    expect(await anaCalls('people.setRole', { person: bobApp.session.identity().key!, role: 'operator', grant: true })).toMatchObject({ ok: true })
    expect(await dispatch('approvals.approve', { plan: plan.id, reason: 'window CHG-3' })).toMatchObject({ ok: true, value: { decision: 'approved', pending: [] } })
    expect(await dispatch('workflow.recordExecution', { plan: plan.id, outcome: 'executed' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('give the output as text or as a file path') }
    })
    const ex = await dispatch('workflow.recordExecution', { plan: plan.id, outcome: 'executed', output: 'lastmile: done' })
    expect(ex).toMatchObject({ ok: true, value: [{ state: 'remediated', actor: { name: 'Bob Approver' } }, {}, {}] })
    expect(await dispatch('workflow.validate', { ref: plan.id, method: 'evidence' })).toMatchObject({ ok: false, error: { code: 'bad-input' } })
    expect(await dispatch('workflow.validate', { ref: plan.id, method: 'rescan' })).toMatchObject({ ok: true, value: [{ result: 'unknown' }, {}, {}] })
    const board = await dispatch('workflow.board', {})
    expect(board).toMatchObject({ ok: true })
    const boardInitiatives = (board as { value: { initiatives: BoardInitiative[] } }).value.initiatives
    expect(boardInitiatives.find((i) => i.id === ini)!.stage).toBe('remediated')
    // every finding is in one stage, with its owner (routed), or set aside
    for (const i of boardInitiatives) {
      const staged = Object.values(i.stages).reduce((a, b) => a + b, 0)
      expect(staged + i.states.routed + i.suppressed + i.accepted, i.id).toBe(i.total)
    }
    expect(boardInitiatives.find((i) => i.id === ini)!.stages.remediated).toBeGreaterThan(0)
    expect(await dispatch('guardrails.bundle', { ref: ini })).toMatchObject({
      ok: true,
      value: { controls: ['aws.s3.https-only'], guardrails: [{ kind: 'aws-rcp' }, { kind: 'aws-config-rule' }] }
    })
    expect(await dispatch('workflow.settings', {})).toEqual({ ok: true, value: { fourEyes: true } })
    expect(await dispatch('workflow.setFourEyes', { enabled: false, reason: 'x' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('only the case owner Ana Analyst') }
    })
    bobApp.session.close()

    // the signed report: the initiative as the ingest stage lists it, then this stage's part
    const data = assembleReportData(app.session.require(), {
      generatedAt: '2026-11-30T00:00:00Z',
      generatedBy: { kind: 'person', name: 'Bob Approver', role: 'approver' },
      contributors: [
        {
          name: 'initiatives (test stand-in for the ingest contributor)',
          fills: ['initiatives'],
          contribute: (_ctx, d) => {
            d.initiatives = listInitiatives(db).map((i) => ({
              id: i.id,
              control: i.control,
              title: i.title,
              stage: 'new',
              tools: i.tools,
              findingIds: [],
              timeline: [],
              plan: null,
              decisions: [],
              validation: null,
              guardrails: []
            }))
          }
        },
        remediationReportContributor
      ]
    })
    const reported = data.initiatives.find((i) => i.id === ini)!
    expect(reported.stage).toBe('remediated')
    expect(reported.plan).toMatchObject({ id: 'P-1', verdict: 'SAFE', requestedBy: { name: 'Ana Analyst' }, validation: plan.validation })
    expect(reported.plan!.artefacts.length).toBe(plan.artefacts.length)
    expect(reported.decisions).toHaveLength(3)
    expect(reported.decisions[0]).toMatchObject({ plan: 'P-1', decision: 'approved', actor: { name: 'Bob Approver', role: 'approver', key: bobApp.session.identity().key } })
    expect(reported.validation).toMatchObject({ method: 'rescan', result: 'still-open' })
    expect(reported.guardrails.map((g) => g.kind)).toEqual(['aws-rcp', 'aws-config-rule'])
    expect(data.recorded).toEqual(expect.arrayContaining(['plans', 'decisions', 'validation', 'guardrails']))
    const other = data.initiatives.find((i) => i.control === 'aws.ec2.imdsv2')!
    expect(other.plan).toBeNull()
    expect(other.guardrails.map((g) => g.kind)).toContain('aws-scp')
  })
})
