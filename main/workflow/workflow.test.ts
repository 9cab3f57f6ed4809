// The workflow from verdict to closed finding, on a real case: evidence added from a bundle,
// findings imported from a Security Hub export, verdicts as the investigate stage writes them.
// Each test continues the story of the one before (a plan is approved, run, validated…), so they
// run in order on one case.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor, RciVerdict } from '../../shared/model'
import { listAudit, verifyAudit } from '../audit/chain'
import { openCaseDb, type WritableCaseDb } from '../db/case-db'
import { addEvidenceBundle } from '../evidence/service'
import { decideFinding } from './decisions'
import { importFile } from '../ingest/importer'
import { listInitiatives } from '../ingest/initiatives'
import { parseCsv } from '../semantics/csv'
import { FIXTURES, freshCase, KEY } from '../../test/fixtures/ingest/support'
import { inRole, testPerson } from '../../test/fixtures/people'
import { APP_DATA_POLICY, SCENARIO_FINDINGS, writeAsff, writeScenarioBundle, OPEN_GROUP_RULES } from '../../test/fixtures/remediation/scenario'
import { mergeHttpsDeny } from '../../playbooks/aws.s3.https-only/policy'
import { findingsWhere, workflowTx } from './store'
import { initiativeStage, stageOf } from './board'
import {
  acceptRisk,
  approve,
  board,
  clear,
  exportGuardrails,
  findingWorkflow,
  guardrailBundle,
  plan,
  queue,
  recordExecutionOf,
  reject,
  routeFindings,
  setFourEyes,
  showPlan,
  suppress,
  validate,
  type WorkflowContext
} from '.'

const ana = testPerson('Ana Analyst', 'analyst')
const anaApprover: Actor = inRole(ana, 'approver')
const bob: Actor = testPerson('Bob Approver', 'approver')
const olga: Actor = testPerson('Olga Operator', 'operator')
const admin: Actor = testPerson('Ada Admin', 'admin')

const dir = mkdtempSync(join(tmpdir(), 'lm-workflow-'))
let c: WritableCaseDb
let t = Date.parse('2026-11-21T09:00:00Z')
const now = (): string => new Date((t += 1000)).toISOString()
const as = (actor: Actor): WorkflowContext => ({ actor, now, playbooks: null })
const ref = (resource: string): string => {
  const f = findingsWhere(c.db, 'r.canonical_id = ?', [resource])[0]
  if (!f) throw new Error(`no finding on ${resource}`)
  return f.ref
}
const initiativeOf = (control: string): string => listInitiatives(c.db).find((i) => i.control === control)!.id
const setVerdict = (resource: string, v: RciVerdict): void => {
  c.db.prepare('UPDATE findings SET rci_verdict = ? WHERE id = ?').run(v, Number(ref(resource).slice(2)))
}
const stateOf = (f: string): string => findingWorkflow(c.db, f).state
const bucket = (b: string): string => `arn:aws:s3:::${b}`
const SG = 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60001'
const INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0aaa0000000000001'
const EBS = 'AWS::::Account:111122223333'

beforeAll(async () => {
  c = freshCase(dir)
  await addEvidenceBundle(c, writeScenarioBundle(join(dir, 'bundle-1')), { actor: ana, now, threads: 0 })
  importFile(c, writeAsff(dir, 'securityhub-1.json', SCENARIO_FINDINGS), { actor: ana, now })
  // the verdicts as the investigate stage would have written them
  setVerdict(bucket('lm-app-data'), 'SAFE')
  setVerdict(bucket('lm-no-policy'), 'SAFE')
  setVerdict(bucket('lm-prefix-deny'), 'RISKY')
  setVerdict(bucket('lm-public-site'), 'UNSAFE')
  setVerdict(INSTANCE, 'RISKY')
  setVerdict(SG, 'SAFE')
  setVerdict(EBS, 'SAFE')
  setVerdict('arn:aws:iam::111122223333:user/alice', 'RISKY')
})
afterAll(() => c?.close())

describe('plans', () => {
  it("renders one plan for an initiative with each finding's artefacts, rollback, guardrails and validation", () => {
    const p = plan(c, initiativeOf('aws.s3.https-only'), as(ana))
    expect(p.id).toBe('P-1')
    expect(p.verdict).toBe('RISKY')
    expect(p.findings.map((f) => f.resource).sort()).toEqual([bucket('lm-app-data'), bucket('lm-no-policy'), bucket('lm-prefix-deny')])
    expect(p.findings.every((f) => f.state === 'planned')).toBe(true)
    expect(p.artefacts.filter((a) => a.kind === 'aws-cli')).toHaveLength(3)
    const merged = p.artefacts.find((a) => a.name === `${ref(bucket('lm-app-data'))}.bucket-policy.json`)!
    expect(JSON.parse(merged.content)).toEqual(mergeHttpsDeny(APP_DATA_POLICY, bucket('lm-app-data')).policy)
    expect(p.rollback.length).toBeGreaterThanOrEqual(3)
    expect(p.guardrails.map((g) => g.kind)).toEqual(['aws-rcp', 'aws-config-rule'])
    expect(p.validation).toContain('lastmile validate CASE P-1 --bundle BUNDLE')
    expect(p.preconditions).toContain('AWS CLI v2 and jq on PATH')
    expect(p.requestedBy).toEqual(ana)
    expect(p.fourEyes).toBe(true)
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses to plan an UNSAFE finding and says to route it; an initiative of UNSAFE ones has nothing to plan', () => {
    const f = ref(bucket('lm-public-site'))
    expect(() => plan(c, f, as(ana))).toThrow(new RegExp(`${f}: no plan: its RCI verdict is UNSAFE .* route it to its owner \\(lastmile route CASE ${f}\\)`))
    expect(() => plan(c, initiativeOf('aws.s3.public-access-block'), as(ana))).toThrow(/nothing to plan/)
  })
})

describe('the gate', () => {
  it('an analyst cannot approve; the requester cannot approve their own plan (four-eyes)', () => {
    expect(() => approve(c, 'P-1', { ...as(ana), reason: 'ok' })).toThrow('Ana Analyst acts as analyst; to approve a plan you need the approver or admin role (--role approver)')
    expect(() => approve(c, 'P-1', { ...as(anaApprover), reason: 'ok' })).toThrow(
      /^four-eyes: Ana Analyst \(key [0-9A-F:]+…\) requested P-1, and the same key cannot also approve it/
    )
  })

  it("four-eyes compares keys, not names: the requester's key is refused under any name, and nothing is written", () => {
    const entries = listAudit(c.db, 0, 1).total
    // the same key under another name is still the requester
    expect(() => approve(c, 'P-1', { ...as({ ...anaApprover, name: 'Somebody Else' }), reason: 'ok' })).toThrow(/the same key cannot also approve it/)
    // a name that is only a string (no key) is not a person who can decide
    expect(() => approve(c, 'P-1', { ...as({ kind: 'person', name: 'Bob Approver', role: 'approver' }), reason: 'ok' })).toThrow(/signed by the person's own key/)
    expect(listAudit(c.db, 0, 1).total).toBe(entries)
  })

  it('approves the SAFE findings in bulk and leaves the RISKY one for its own decision', () => {
    expect(() => approve(c, 'P-1', { ...as(bob), reason: 'all at once', findings: [ref(bucket('lm-app-data')), ref(bucket('lm-prefix-deny'))] })).toThrow(
      `${ref(bucket('lm-prefix-deny'))} (RISKY): RISKY and uninvestigated findings are approved one by one, each with its own reason`
    )
    const r = approve(c, 'P-1', { ...as(bob), reason: 'change window CHG-1' })
    expect(r.approvals.map((a) => a.finding).sort()).toEqual([ref(bucket('lm-app-data')), ref(bucket('lm-no-policy'))].sort())
    expect(r.approvals.every((a) => a.verdict === 'SAFE' && a.actor.kind === 'person' && a.actor.name === 'Bob Approver' && a.batch !== null)).toBe(true)
    expect(r.approvals[0].evidence.length).toBeGreaterThan(0)
    expect(r.pending).toEqual([ref(bucket('lm-prefix-deny'))])
    expect(stateOf(ref(bucket('lm-prefix-deny')))).toBe('planned')
  })

  it('a RISKY finding is approved on its own, with its reason; never in a batch with others', () => {
    const risky = ref(bucket('lm-prefix-deny'))
    expect(() => approve(c, 'P-1', { ...as(bob), reason: 'bulk', findings: [risky, ref(bucket('lm-app-data'))] })).toThrow(/is approved|only a planned finding/)
    const r = approve(c, 'P-1', { ...as(bob), reason: 'uploads only use the SDK over HTTPS (checked with the team)', findings: [risky] })
    expect(r.approvals).toHaveLength(1)
    expect(r.approvals[0]).toMatchObject({ finding: risky, verdict: 'RISKY', batch: null, reason: 'uploads only use the SDK over HTTPS (checked with the team)' })
  })

  it('the queue lists planned findings with their verdict, filters, and marks four-eyes', () => {
    plan(c, ref(INSTANCE), as(ana))
    plan(c, initiativeOf('aws.ec2.sg-open-admin-ports'), as(bob))
    const all = queue(c, {}, as(ana))
    expect(all.map((q) => q.finding).sort()).toEqual([ref(INSTANCE), ref(SG)].sort())
    expect(queue(c, { verdict: 'RISKY' }, as(ana)).map((q) => q.finding)).toEqual([ref(INSTANCE)])
    expect(queue(c, { requester: 'bob approver' }, as(ana)).map((q) => q.finding)).toEqual([ref(SG)])
    expect(queue(c, { as: anaApprover }, as(ana)).find((q) => q.finding === ref(INSTANCE))!.blockedFor).toMatch(/four-eyes/)
    // an analyst is told on each row that approving is not theirs, before trying
    expect(queue(c, { as: ana }, as(ana)).find((q) => q.finding === ref(SG))!.blockedFor).toMatch(/to approve or reject a plan you need the approver or admin role/)
    expect(queue(c, { as: bob }, as(ana)).find((q) => q.finding === ref(INSTANCE))!.blockedFor).toBeNull()
    expect(queue(c, {}, as(ana)).find((q) => q.finding === ref(SG))!.bulk).toBe(true)
  })

  it('rejects with a reason; a rejected finding can be planned again', () => {
    const r = reject(c, 'P-2', { ...as(bob), reason: 'the instance is being replaced next week' })
    expect(r.approvals[0].decision).toBe('rejected')
    expect(stateOf(ref(INSTANCE))).toBe('rejected')
    expect(() => approve(c, 'P-2', { ...as(bob), reason: 'x' })).toThrow(/no finding is waiting for a decision/)
  })

  it('four-eyes can be turned off per case by an admin, and that is audited', () => {
    expect(() => setFourEyes(c, false, 'small team', bob, now)).toThrow(/admin role/)
    setFourEyes(c, false, 'single-person supervised session', admin, now)
    const p = plan(c, ref(INSTANCE), as(anaApprover))
    expect(p.fourEyes).toBe(false)
    expect(approve(c, p.id, { ...as(anaApprover), reason: 'supervised session' }).approvals).toHaveLength(1)
    setFourEyes(c, true, 'back to normal', admin, now)
    expect(listAudit(c.db, 0, 1000).entries.filter((e) => e.action === 'workflow.four-eyes')).toHaveLength(2)
  })
})

describe('approvals are void when the verdict or the evidence changes', () => {
  it('a changed verdict voids the approval and the finding waits for a new decision', () => {
    const f = ref(INSTANCE)
    expect(stateOf(f)).toBe('approved')
    setVerdict(INSTANCE, 'UNSAFE')
    const b = board(c, as(ana))
    expect(b.changes).toContain(`${f}: approval void — the RCI verdict changed from RISKY to UNSAFE`)
    expect(stateOf(f)).toBe('planned')
    expect(findingWorkflow(c.db, f).approvals.at(-1)!.void?.reason).toBe('the RCI verdict changed from RISKY to UNSAFE')
    expect(() => approve(c, 'P-4', { ...as(bob), reason: 'x' })).toThrow(/UNSAFE findings cannot be approved; route them/)
  })
})

describe('routing UNSAFE findings', () => {
  it('writes Markdown, JSON and a ticket CSV (formulas neutralised), one ticket per owner, and moves them to routed', () => {
    const out = join(dir, 'routing')
    const r = routeFindings(c, [initiativeOf('aws.s3.public-access-block'), ref(INSTANCE)], { ...as(ana), groupBy: 'owner', out })
    expect(r.findings.sort()).toEqual([ref(bucket('lm-public-site')), ref(INSTANCE)].sort())
    expect(r.tickets).toBe(2)
    expect(readdirSync(out).sort()).toEqual(['owner-app-team.json', 'owner-app-team.md', 'owner-web-team.json', 'owner-web-team.md', 'tickets.csv'])
    const parsed = parseCsv(readFileSync(join(out, 'tickets.csv'), 'utf8'))
    if (!parsed.ok) throw new Error(`tickets.csv: ${parsed.error}`)
    const csv = parsed.rows.map((r) => r.fields)
    expect(csv[0]).toEqual(['Summary', 'Description', 'Priority', 'Labels', 'Owner', 'Lastmile findings', 'Resources'])
    expect(csv.map((row) => row[4])).toContain("'=web-team")
    const md = readFileSync(join(out, 'owner-web-team.md'), 'utf8')
    expect(md).toContain('### Why it is routed')
    expect(md).toContain('### Suggested path')
    expect(JSON.parse(readFileSync(join(out, 'owner-app-team.json'), 'utf8')).findings[0]).toMatchObject({
      finding: ref(INSTANCE),
      verdict: 'UNSAFE',
      owner: { value: 'app-team' }
    })
    expect(stateOf(ref(bucket('lm-public-site')))).toBe('routed')
    expect(stateOf(ref(INSTANCE))).toBe('routed')
    expect(() => routeFindings(c, [ref(INSTANCE)], { ...as(ana), groupBy: 'owner', out })).toThrow(/already exists|cannot be routed/)
  })
})

describe('risk acceptance and suppression', () => {
  it('needs an approver, a reason and a future expiry; an accepted finding is never planned, approved or routed', () => {
    const key = ref('arn:aws:iam::111122223333:user/alice')
    expect(() => acceptRisk(c, key, { ...as(ana), reason: 'x', expires: '2027-01-01' })).toThrow(/approver or admin role/)
    expect(() => acceptRisk(c, key, { ...as(bob), reason: 'x', expires: null })).toThrow(/needs an expiry/)
    expect(() => acceptRisk(c, key, { ...as(bob), reason: 'x', expires: '2020-01-01' })).toThrow(/must be in the future/)
    const f = acceptRisk(c, key, { ...as(bob), reason: 'break-glass key, kept in the safe', expires: '2026-12-01T00:00:00Z' })
    expect(f.decision).toBe('risk-accepted')
    expect(f.decisionActor).toEqual(bob)
    expect(() => plan(c, key, as(ana))).toThrow(/its risk was accepted until 2026-12-01T00:00:00.000Z: accepted findings are never planned, approved or routed/)
    expect(() => routeFindings(c, [key], { ...as(ana), groupBy: 'initiative', out: join(dir, 'r2') })).toThrow(/never planned, approved or routed/)
  })

  it('reopens the finding automatically when the acceptance expires', () => {
    const key = ref('arn:aws:iam::111122223333:user/alice')
    const saved = t
    t = Date.parse('2026-12-02T00:00:00Z')
    const b = board(c, as(ana))
    expect(b.changes.some((x) => x.startsWith(`${key}: reopened — the risk acceptance by Bob Approver expired`))).toBe(true)
    expect(stateOf(key)).toBe('reopened')
    expect(findingWorkflow(c.db, key).decision).toBeNull()
    t = saved
  })

  it('`findings decide` takes the finding out of its plan at once, replaces a decision keeping its history, and clears one with a reason', () => {
    const sg = ref(SG)
    expect(stateOf(sg)).toBe('planned')
    const audit = (): string[] =>
      listAudit(c.db, 0, 10_000)
        .entries.map((e) => e.action)
        .reverse()
    const before = audit().length
    decideFinding(c, sg, 'suppressed', { actor: bob, now, reason: 'decided in the findings table' })
    // the plan is left in the decision's own transaction, as `suppress` does: not at the next reconciliation
    expect(stateOf(sg)).toBe('new')
    expect(audit().slice(before)).toEqual(['workflow.withdraw', 'finding.suppressed'])
    expect(queue(c, {}, as(ana)).map((q) => q.finding)).not.toContain(sg)
    // a second decision replaces the first in one step (the finding never reopens in between); the history keeps both
    const accepted = decideFinding(c, sg, 'risk-accepted', { actor: bob, now, reason: 'the VPN replaces it in Q3', expires: '2099-09-30' })
    expect(accepted).toMatchObject({ decision: 'risk-accepted', decisionReason: 'the VPN replaces it in Q3', decisionExpires: '2099-09-30T00:00:00.000Z', state: 'new' })
    const history = c.db.prepare('SELECT decision, end_reason FROM decision_history WHERE finding_id = ? ORDER BY id').all(Number(sg.slice(2)))
    expect(history).toEqual([
      { decision: 'suppressed', end_reason: 'replaced: the VPN replaces it in Q3' },
      { decision: 'risk-accepted', end_reason: null }
    ])
    const last = listAudit(c.db, 0, 1).entries[0]!
    expect(last).toMatchObject({ action: 'finding.risk-accepted', target: sg, details: { replaces: { decision: 'suppressed', reason: 'decided in the findings table' } } })
    // clearing needs a reason, as `clear-decision` does; a finding with no decision has none to clear
    expect(() => decideFinding(c, sg, null, { actor: bob, now, reason: ' ' })).toThrow(`${sg}: say why the decision ends (--reason TEXT)`)
    expect(decideFinding(c, sg, null, { actor: bob, now, reason: 'the VPN is late; fix it now' }).decision).toBeNull()
    const cleared = audit().length
    expect(() => decideFinding(c, sg, null, { actor: bob, now, reason: 'again' })).toThrow(`${sg} is neither suppressed nor risk-accepted: there is no decision to clear`)
    expect(audit().length).toBe(cleared)
    expect(plan(c, sg, as(bob)).findings.map((f) => f.state)).toEqual(['planned'])
  })

  it('suppression without expiry stays until cleared; clearing puts it back', () => {
    const key = ref('arn:aws:iam::111122223333:user/alice')
    suppress(c, key, { ...as(bob), reason: 'service account of the audit tool' })
    expect(() => suppress(c, key, { ...as(bob), reason: 'again' })).toThrow(/already suppressed/)
    clear(c, key, { ...as(bob), reason: 'audit tool retired' })
    expect(findingWorkflow(c.db, key).decision).toBeNull()
  })
})

describe('execution and validation', () => {
  it('records what an operator ran; only approved findings can be executed', () => {
    const sgPlan = queue(c, {}, as(ana)).find((q) => q.finding === ref(SG))!.plan
    expect(() => recordExecutionOf(c, sgPlan, { ...as(olga), outcome: 'executed', output: Buffer.from('ok') })).toThrow(/nothing approved to run/)
    const out = Buffer.from('lastmile: step 2/2: …\nlastmile: s3://lm-app-data now refuses plain-HTTP requests\n')
    const ex = recordExecutionOf(c, 'P-1', { ...as(olga), outcome: 'executed', output: out, outputName: 'run.log' })
    expect(ex.map((e) => e.state)).toEqual(['remediated', 'remediated', 'remediated'])
    expect(ex[0]).toMatchObject({ outcome: 'executed', outputName: 'run.log', outputBytes: out.length })
    expect(() => approve(c, 'P-1', { ...as(bob), reason: 'again', findings: [ex[0].finding] })).toThrow(
      /is remediated, awaiting validation: only a planned finding waits for a decision/
    )
    expect(() => plan(c, ex[0].finding, as(ana))).toThrow(/it is remediated, awaiting validation: it cannot plan it now; allowed: validate it/)
  })

  it('validates by evidence: passes close, failures reopen with the reason; a bundle from before the fix proves nothing', async () => {
    const early = await validate(c, 'P-1', { bundle: join(dir, 'bundle-1') }, as(ana))
    expect(early.every((v) => v.result === 'unknown' && /before the fix was run/.test(v.reason))).toBe(true)
    const fixed = mergeHttpsDeny(APP_DATA_POLICY, bucket('lm-app-data')).text
    const after = writeScenarioBundle(join(dir, 'bundle-2'), { appDataPolicy: fixed, collectedAt: '2026-11-25T10:00:00Z' })
    const v = await validate(c, 'P-1', { bundle: after }, as(ana))
    const by = Object.fromEntries(v.map((x) => [x.finding, x]))
    expect(by[ref(bucket('lm-app-data'))]).toMatchObject({ result: 'passed', state: 'closed', method: 'evidence' })
    expect(by[ref(bucket('lm-no-policy'))]).toMatchObject({ result: 'failed', state: 'reopened' })
    expect(by[ref(bucket('lm-no-policy'))].reason).toMatch(/no bucket policy/)
    expect(stateOf(ref(bucket('lm-no-policy')))).toBe('reopened')
    expect(c.db.prepare('SELECT count(*) AS n FROM evidence_bundles').get()).toEqual({ n: 2 })
  })

  it('validates by rescan: a later scan that no longer reports it closes it; one that reports it again flags a regression', () => {
    const sg = ref(SG)
    const sgPlan = queue(c, {}, as(ana)).find((q) => q.finding === sg)!.plan
    approve(c, sgPlan, { ...as(anaApprover), reason: 'SAFE, flow logs clean' })
    recordExecutionOf(c, sgPlan, { ...as(olga), outcome: 'executed', output: Buffer.from('done') })
    expect(stateOf(sg)).toBe('remediated')
    t = Date.parse('2026-11-26T10:00:00Z')
    const rest = SCENARIO_FINDINGS.filter((s) => s.id !== SG)
    importFile(c, writeAsff(dir, 'securityhub-2.json', rest, { at: '2026-11-26T12:00:00.000Z', passing: SCENARIO_FINDINGS.filter((s) => s.id === SG) }), { actor: ana, now })
    const b = board(c, as(ana))
    expect(b.changes.some((x) => x.startsWith(`${sg}: closed — a later securityhub scan`))).toBe(true)
    expect(stateOf(sg)).toBe('closed')
    t = Date.parse('2026-11-28T10:00:00Z')
    importFile(c, writeAsff(dir, 'securityhub-3.json', SCENARIO_FINDINGS, { at: '2026-11-28T12:00:00.000Z' }), { actor: ana, now })
    const b2 = board(c, as(ana))
    expect(stateOf(sg)).toBe('regression')
    expect(b2.initiatives.find((i) => i.control === 'aws.ec2.sg-open-admin-ports')!.regressions).toEqual([sg])
  })
})

describe('drift', () => {
  it('re-renders a plan whose resource changed in the evidence before anyone runs it, voiding its approval', async () => {
    const ebs = ref(EBS)
    const p = plan(c, ebs, as(ana))
    approve(c, p.id, { ...as(bob), reason: 'SAFE' })
    const sg = ref(SG)
    const sgPlan = plan(c, sg, as(ana))
    approve(c, sgPlan.id, { ...as(bob), reason: 'regression fix' })
    const changed = [
      ...OPEN_GROUP_RULES,
      { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }
    ]
    await addEvidenceBundle(
      c,
      writeScenarioBundle(join(dir, 'bundle-3'), {
        collectedAt: '2026-11-29T10:00:00Z',
        openGroupRules: changed,
        ebsEnabled: true,
        appDataPolicy: mergeHttpsDeny(APP_DATA_POLICY, bucket('lm-app-data')).text
      }),
      { actor: ana, now, threads: 0 }
    )
    const b = board(c, as(ana))
    const old = showPlan(c, sgPlan.id, as(ana))
    expect(old.status).toBe('superseded')
    const next = showPlan(c, old.supersededBy!, as(ana))
    expect(next.notes[0]).toMatch(/^drift: the configuration of .*sg-0a1b2c3d4e5f60001 changed after P-\d+ was rendered/)
    expect(next.requestedBy).toEqual(ana)
    expect(next.findings[0].state).toBe('planned')
    expect(JSON.parse(next.artefacts.find((a) => a.name.endsWith('ip-permissions.json'))!.content)).toContainEqual({
      IpProtocol: 'tcp',
      FromPort: 3389,
      ToPort: 3389,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }]
    })
    expect(b.initiatives.find((i) => i.control === 'aws.ec2.sg-open-admin-ports')!.drifted).toEqual([sg])
    // EBS was turned on by hand meanwhile: nothing to re-render, the approval is void
    expect(stateOf(ebs)).toBe('planned')
    expect(b.changes.some((x) => x.startsWith(`${ebs}: `))).toBe(true)
    expect(() => recordExecutionOf(c, p.id, { ...as(olga), outcome: 'executed', output: Buffer.from('x') })).toThrow(/nothing approved to run/)
  })
})

describe('board, guardrails and the audit trail', () => {
  it("shows each initiative's stage, with the regressions the later scans flagged", () => {
    const b = board(c, as(ana))
    const https = b.initiatives.find((i) => i.control === 'aws.s3.https-only')!
    // lm-app-data was closed on evidence, then Security Hub's next scans still reported it
    expect(https.regressions).toEqual([ref(bucket('lm-app-data'))])
    expect(findingWorkflow(c.db, ref(bucket('lm-app-data'))).reason).toMatch(/^came back: securityhub reports S3.5 failing again/)
    expect(https.states).toMatchObject({ regression: 1, reopened: 2, closed: 0 })
    expect(https.stage).toBe('investigated')
    expect(b.initiatives.find((i) => i.control === 'aws.s3.public-access-block')!.states.routed).toBe(1)
  })

  it('a finding investigated with no playbook for its control is investigated, not new', () => {
    const base = { decision: null, muted: false, status: 'open', state: 'new', verdict: 'UNSCORED' } as const
    expect(stageOf({ ...base, investigated: false })).toBe('new')
    expect(stageOf({ ...base, investigated: true })).toBe('investigated')
    expect(
      initiativeStage([
        { ...base, investigated: true },
        { ...base, verdict: 'SAFE', investigated: true }
      ])
    ).toBe('investigated')
  })

  it('counts in one grouped pass exactly what a finding-by-finding count gives', () => {
    const b = board(c, as(ana))
    expect(b.initiatives.length).toBeGreaterThan(3)
    for (const ini of b.initiatives) {
      const fs = findingsWhere(c.db, 'f.initiative_id = ?', [Number(ini.id.slice(2))])
      const states: Record<string, number> = {}
      const stages: Record<string, number> = {}
      for (const f of fs) {
        if (!f.decision) states[f.state] = (states[f.state] ?? 0) + 1
        const s = stageOf(f)
        if (s) stages[s] = (stages[s] ?? 0) + 1
      }
      const nonZero = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0))
      expect(nonZero(ini.states), ini.id).toEqual(states)
      expect(nonZero(ini.stages), ini.id).toEqual(stages)
      expect(ini.stage, ini.id).toBe(initiativeStage(fs))
      expect(ini.total).toBe(fs.length)
      expect(ini.suppressed).toBe(fs.filter((f) => f.decision === 'suppressed' || (f.muted && f.status === 'open' && !f.decision)).length)
      expect(ini.accepted).toBe(fs.filter((f) => f.decision === 'risk-accepted').length)
      expect(ini.regressions).toEqual(fs.filter((f) => f.state === 'regression' || (f.regression && f.status === 'open' && f.state === 'new')).map((f) => f.ref))
    }
    // the states this case went through are all counted somewhere
    const seen = new Set(
      b.initiatives.flatMap((i) =>
        Object.entries(i.states)
          .filter(([, n]) => n > 0)
          .map(([s]) => s)
      )
    )
    for (const s of ['regression', 'reopened', 'routed']) expect(seen).toContain(s)
  })

  it('exports guardrails with UNSAFE resources excepted, never over existing files', () => {
    const out = join(dir, 'guardrails')
    const r = exportGuardrails(c, initiativeOf('aws.s3.public-access-block'), out, as(ana))
    expect(r.files.map((f) => f.name).sort()).toEqual(['README.md', 'aws.s3.block-public-access.scp.json', 'aws.s3.public-access-block.config-rules.cfn.yaml'])
    const scp = JSON.parse(readFileSync(join(out, 'aws.s3.block-public-access.scp.json'), 'utf8'))
    expect(scp.Statement[0].NotResource).toEqual([bucket('lm-public-site')])
    expect(() => exportGuardrails(c, initiativeOf('aws.s3.public-access-block'), out, as(ana))).toThrow(/already exists/)
  })

  it('every transition wrote its audit entry and the chain verifies', () => {
    const transitions = (c.db.prepare('SELECT count(*) AS n FROM workflow_transitions').get() as { n: number }).n
    const entries = listAudit(c.db, 0, 10000).entries.filter((e) => e.action.startsWith('workflow.') && e.action !== 'workflow.four-eyes')
    expect(entries).toHaveLength(transitions)
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
  })

  it('a case open read-only refuses every change', () => {
    const ro = openCaseDb(c.path, KEY, { readOnly: true })
    try {
      // A read-only case has no writable handle, so this call does not compile; forced, the
      // connection SQLite opened read-only refuses the write.
      // @ts-expect-error plan needs a WritableCaseDb
      expect(() => plan(ro, ref(EBS), as(ana))).toThrow()
      // @ts-expect-error workflowTx (every workflow write's transaction) needs a WritableCaseDb
      expect(() => workflowTx(ro, now, (tx) => tx.audit({ actor: ana, action: 'test.write', target: 'x' }))).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^SQLITE_READONLY/) })
      )
      expect(board(ro, as(ana)).changes).toEqual([])
    } finally {
      ro.close()
    }
  })
})

describe('playbook templates', () => {
  it("render a control Lastmile computes no fix for (container images), with the person's inputs", () => {
    const d = mkdtempSync(join(tmpdir(), 'lm-workflow-pb-'))
    const k = freshCase(d)
    try {
      importFile(k, join(FIXTURES, 'real/awssecurityhub/inspector_ecr.json'), { actor: ana, now })
      const f = findingsWhere(k.db, "f.control = 'container.image.vulnerable'")[0]
      k.db.prepare("UPDATE findings SET rci_verdict = 'SAFE' WHERE id = ?").run(f.id)
      const ctx = { actor: ana, now }
      expect(() => plan(k, f.ref, ctx)).toThrow(`${f.ref}: no plan: template parameter new_tag (the tag of the rebuilt image) has no value: give it (--param new_tag=VALUE)`)
      // a misspelt or unknown parameter is refused with the list the fix takes; nothing is planned
      const plansBefore = k.db.prepare('SELECT count(*) AS n FROM remediation_plans').get()
      expect(() => plan(k, f.ref, { ...ctx, inputs: { new_tag: 'patched-1', cluster: 'prod', service: 'web', servce: 'web' } })).toThrow(
        `parameter servce: not taken by the plan for ${f.ref}; it takes cluster (the ECS cluster of a service running the image); new_tag (the tag of the rebuilt image); service (the ECS service running the image). Nothing was planned.`
      )
      expect(k.db.prepare('SELECT count(*) AS n FROM remediation_plans').get()).toEqual(plansBefore)
      const p = plan(k, f.ref, { ...ctx, inputs: { new_tag: 'patched-1', cluster: 'prod', service: 'web' } })
      const fix = p.artefacts.find((a) => a.name === `${f.ref}.fix-1.sh`)!
      expect(fix.kind).toBe('aws-cli')
      expect(fix.content).toContain(f.resourceId)
      expect(fix.content).toContain('caller_account=')
      writeFileSync(join(d, 'fix.sh'), fix.content)
      expect(spawnSync('bash', ['-n', join(d, 'fix.sh')]).status).toBe(0)
      expect(p.rollback.map((a) => a.kind)).toEqual(['aws-cli'])
      expect(p.guardrails.map((g) => g.name).sort()).toEqual(['container.image.vulnerable.aws-config-rule-2.sh', 'container.image.vulnerable.ecr-scanning-1.sh'])
      // and its notes do not say there is none
      expect(p.notes.filter((n) => n.includes('no guardrail'))).toEqual([])
      expect(p.preconditions[0]).toMatch(/idempotency is the template's own/)

      // the guardrail bundle (`guardrails`, its export, the report) holds them too, once a place:
      // every image of the export is in one account and Region, so once
      const b = guardrailBundle(k.db, f.ref)
      expect(b.guardrails.map((g) => g.name).sort()).toEqual(['container.image.vulnerable.aws-config-rule-2.sh', 'container.image.vulnerable.ecr-scanning-1.sh'])
      const scanning = b.guardrails.find((g) => g.name === 'container.image.vulnerable.ecr-scanning-1.sh')!
      expect(scanning).toMatchObject({ control: 'container.image.vulnerable', prevents: 'Continuous enhanced scanning of every ECR repository', exceptions: [] })
      expect(scanning.content).toContain(`# Lastmile guardrails for ${f.ref}, finding ${f.ref}: rendered from playbook container.image.vulnerable, template guardrail[0]`)
      expect(scanning.content).toContain(`--region '${f.region}'`)
      expect(b.notes.filter((n) => n.includes('no guardrail'))).toEqual([])
      expect(b.readme).toContain('## container.image.vulnerable.ecr-scanning-1.sh')
      // images in two Regions: one file for each, named by account and Region
      const all = findingsWhere(k.db, "f.control = 'container.image.vulnerable'")
      k.db.prepare("UPDATE resources SET region = 'us-west-2' WHERE canonical_id = ?").run(all[1].resourceId)
      const whole = guardrailBundle(k.db, null)
      expect(
        whole.guardrails
          .filter((g) => g.control === 'container.image.vulnerable')
          .map((g) => g.name)
          .sort()
      ).toEqual([
        `container.image.vulnerable.aws-config-rule-2.${f.account}.${f.region}.sh`,
        `container.image.vulnerable.aws-config-rule-2.${f.account}.us-west-2.sh`,
        `container.image.vulnerable.ecr-scanning-1.${f.account}.${f.region}.sh`,
        `container.image.vulnerable.ecr-scanning-1.${f.account}.us-west-2.sh`
      ])
    } finally {
      k.close()
    }
  })

  it('do not duplicate the guardrails Lastmile writes itself, nor mix into its computed fixes', () => {
    // the built-in playbooks are loaded (no `playbooks` given)
    const p = plan(c, ref('arn:aws:iam::111122223333:user/alice'), { actor: ana, now })
    // no SCP for unused keys (it would refuse the rotation the Config rule asks for), from Lastmile or the playbook
    expect(p.guardrails.map((g) => g.kind)).toEqual(['aws-config-rule'])
    expect(p.artefacts.map((a) => a.name)).toEqual([`${p.findings[0].id}.fix.sh`, `${p.findings[0].id}.delete-after-observation.sh`])
    // Lastmile's own fix and guardrails take no template parameter: one given is refused, not ignored
    expect(() => plan(c, ref('arn:aws:iam::111122223333:user/alice'), { actor: ana, now, inputs: { hop_limit: '2' } })).toThrow(
      `parameter hop_limit: not taken by the plan for ${p.findings[0].id}; it takes no parameters. Nothing was planned.`
    )
  })
})
