// The remediation verbs as a user types them: CLI.md's conventions (--json on stdout, one-line
// errors on stderr, exit 0/1/2, --as/--role, the key from LASTMILE_KEY), on a case built from a
// real evidence bundle and a Security Hub export.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCaseDb } from '../../db/case-db'
import { addEvidenceBundle } from '../../evidence/service'
import { importFile } from '../../ingest/importer'
import { listInitiatives } from '../../ingest/initiatives'
import { SCENARIO_FINDINGS, writeAsff, writeScenarioBundle } from '../../../test/fixtures/remediation/scenario'
import { cli } from '../../../test/helpers/cli'

const KEY = 'correct horse battery staple'
const ana = ['--as', 'Ana Analyst', '--role', 'analyst']
const bob = ['--as', 'Bob Approver', '--role', 'approver']

describe('lastmile plan / approve / reject / approvals / record-execution / validate / route / accept-risk / suppress / guardrails / board', () => {
  // one case for the whole story (tempDir() would remove it after each test)
  const dir = mkdtempSync(join(tmpdir(), 'lm-cli-remediation-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = { LASTMILE_DATA_DIR: join(dir, 'data'), LASTMILE_KEY: KEY }
  const path = join(dir, 'c.lmcase')
  let https = ''
  let unsafe = ''
  let bucketFinding = ''

  beforeAll(async () => {
    const c = createCaseDb(path, KEY, { now: '2026-11-21T09:00:00Z' })
    const actor = { kind: 'person' as const, name: 'Ana Analyst', role: 'analyst' as const }
    await addEvidenceBundle(c, writeScenarioBundle(join(dir, 'bundle')), { actor, threads: 0 })
    importFile(c, writeAsff(dir, 'sh.json', SCENARIO_FINDINGS), { actor })
    const byResource = (id: string) => (c.db.prepare('SELECT f.id FROM findings f JOIN resources r ON r.id = f.resource_id WHERE r.canonical_id = ?').get(id) as { id: number }).id
    // verdicts as the investigate stage writes them
    c.db.prepare("UPDATE findings SET rci_verdict = 'SAFE' WHERE control = 'aws.s3.https-only'").run()
    c.db.prepare("UPDATE findings SET rci_verdict = 'UNSAFE' WHERE id = ?").run(byResource('arn:aws:s3:::lm-public-site'))
    https = listInitiatives(c.db).find((i) => i.control === 'aws.s3.https-only')!.id
    unsafe = listInitiatives(c.db).find((i) => i.control === 'aws.s3.public-access-block')!.id
    bucketFinding = `F-${byResource('arn:aws:s3:::lm-app-data')}`
    c.close()
  })

  it('lists the new verbs in --help', async () => {
    const r = await cli(['--help'], env)
    for (const v of ['plan', 'approve', 'reject', 'approvals', 'route', 'accept-risk', 'suppress', 'record-execution', 'validate', 'guardrails', 'board'])
      expect(r.stdout).toMatch(new RegExp(`^  ${v} `, 'm'))
  })

  it("plan --json prints CLI.md's shape and --out writes runnable scripts", async () => {
    const out = join(dir, 'plan-files')
    const r = await cli(['plan', path, https, ...ana, '--json', '--out', out], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const p = r.json() as Record<string, unknown> & { artefacts: Array<Record<string, unknown>> }
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['id', 'target', 'verdict', 'artefacts', 'rollback', 'guardrails', 'preconditions', 'validation']))
    expect(p).toMatchObject({ id: 'P-1', target: https, verdict: 'SAFE' })
    expect(p.artefacts[0]).toMatchObject({ kind: 'aws-cli', language: 'bash', content: expect.stringContaining('set -euo pipefail') })
    const fix = readdirSync(out).find((f) => f.endsWith('.fix.sh'))!
    expect(statSync(join(out, fix)).mode & 0o111).not.toBe(0)
    expect(spawnSync('bash', ['-n', join(out, fix)]).status).toBe(0)
    expect(readdirSync(join(out, 'guardrails')).sort()).toEqual(['aws.s3.https-only.config-rules.cfn.yaml', 'aws.s3.https-only.rcp.json'])
  })

  it('refuses with one line and exit 2: four-eyes, a missing reason, an unknown plan, an UNSAFE finding', async () => {
    const self = await cli(['approve', path, 'P-1', '--as', 'Ana Analyst', '--role', 'approver', '--reason', 'mine'], env)
    expect(self.code).toBe(2)
    expect(self.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^lastmile approve: four-eyes: Ana Analyst \(key [0-9A-F:]+…\) requested P-1, and the same key cannot also approve it/)
    ])
    const noReason = await cli(['approve', path, 'P-1', ...bob], env)
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain('--reason TEXT is required')
    expect((await cli(['approve', path, 'P-9', ...bob, '--reason', 'x'], env)).stderr).toContain('P-9: no such plan in this case')
    const u = await cli(['plan', path, unsafe, ...ana], env)
    expect(u.code).toBe(2)
    expect(u.stderr).toMatch(/nothing to plan .*UNSAFE/)
    const misspelt = await cli(['plan', path, https, ...ana, '--param', 'brake_glass_role=Admin'], env)
    expect(misspelt.code).toBe(2)
    expect(misspelt.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^lastmile plan: parameter brake_glass_role: not taken by the plan for ${https}; it takes .*Nothing was planned\\.$`))
    ])
    expect((await cli(['plan', path, 'P-2', '--json'], env)).stderr).toContain('P-2: no such plan in this case')
  })

  it('approves in bulk, lists the queue, records the execution and validates by rescan (exit 1 until a scan shows it)', async () => {
    expect((await cli(['approvals', path, '--json'], env)).json()).toHaveLength(3)
    const a = await cli(['approve', path, 'P-1', ...bob, '--reason', 'change window CHG-7', '--json'], env)
    expect(a.code).toBe(0)
    expect((a.json() as { approvals: unknown[] }).approvals).toHaveLength(3)
    expect((await cli(['approvals', path, '--json'], env)).json()).toEqual([])
    const log = join(dir, 'run.log')
    writeFileSync(log, 'lastmile: done\n')
    const e = await cli(['record-execution', path, 'P-1', '--outcome', 'executed', '--output', log, '--as', 'Olga Operator', '--role', 'operator', '--json'], env)
    expect(e.code).toBe(0)
    expect((e.json() as Array<{ state: string }>).map((x) => x.state)).toEqual(['remediated', 'remediated', 'remediated'])
    const v = await cli(['validate', path, 'P-1', '--rescan', '--json'], env)
    expect(v.code).toBe(1)
    expect((v.json() as Array<{ result: string }>).every((x) => x.result === 'unknown')).toBe(true)
    const w = await cli(['workflow', path, bucketFinding, '--json'], env)
    expect((w.json() as { history: Array<{ to: string }> }).history.map((h) => h.to)).toEqual(['planned', 'approved', 'remediated'])
    // the findings list says where it stands beside what the scanner last said
    const human = await cli(['findings', path], env)
    expect(human.stdout.split('\n').find((l) => l.startsWith(`${bucketFinding} `))).toMatch(/\bopen\s+remediated\s+aws\.s3\.https-only/)
  })

  it('routes, accepts a risk, suppresses, exports guardrails and shows the board', async () => {
    const out = join(dir, 'route')
    const r = await cli(['route', path, unsafe, '--out', out, '--by', 'owner', ...ana, '--json'], env)
    expect(r.code).toBe(0)
    expect(readdirSync(out)).toContain('tickets.csv')
    const ebs = (await cli(['findings', path, '--json', '--control', 'aws.ec2.ebs-default-encryption'], env)).json() as Array<{ id: string }>
    const acc = await cli(['accept-risk', path, ebs[0].id, ...bob, '--reason', 'legacy AMIs until Q2', '--expires', '2099-06-30'], env)
    expect(acc.code).toBe(0)
    expect(acc.stdout).toContain('risk accepted by Bob Approver until 2099-06-30T00:00:00.000Z')
    const analyst = await cli(['suppress', path, ebs[0].id, ...ana, '--reason', 'x'], env)
    expect(analyst.code).toBe(2)
    expect(analyst.stderr).toContain('approver or admin role')
    const g = join(dir, 'guardrails')
    expect((await cli(['guardrails', path, '--out', g, '--break-glass-role', 'arn:aws:iam::*:role/BreakGlass', ...ana], env)).code).toBe(0)
    expect(existsSync(join(g, 'README.md'))).toBe(true)
    const scp = JSON.parse(readFileSync(join(g, 'aws.ec2.ebs-default-encryption.scp.json'), 'utf8'))
    // the accepted account is excepted, in the Region of its finding only
    const excepted = (scp.Statement as Array<{ Condition: Record<string, Record<string, unknown>> }>).filter((s) => s.Condition.StringEquals?.['aws:RequestedRegion'])
    expect(excepted.length).toBeGreaterThan(0)
    for (const s of excepted) expect(s.Condition.StringNotEquals['aws:PrincipalAccount']).toEqual(['111122223333'])
    expect(scp.Statement[0].Condition.StringNotEquals['aws:RequestedRegion']).toEqual(expect.arrayContaining([excepted[0].Condition.StringEquals['aws:RequestedRegion']]))
    const b = await cli(['board', path, '--json'], env)
    const board = b.json() as { initiatives: Array<{ id: string; stage: string; states: Record<string, number> }> }
    expect(board.initiatives.find((i) => i.id === https)).toMatchObject({ stage: 'remediated', states: { remediated: 3 } })
  })

  it('never writes a package over the case, its side files, a link to it, or an existing file (issue 13)', async () => {
    const sha = (): string => createHash('sha256').update(readFileSync(path)).digest('hex')
    const before = sha()
    const link = join(dir, 'case-link')
    symlinkSync(path, link)
    const refused = (r: { code: number; stderr: string }, what: RegExp): void => {
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(what)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    for (const out of [path, `${path}-wal`, link]) {
      refused(await cli(['plan', path, https, ...ana, '--out', out], env), /which this command reads/)
      refused(await cli(['route', path, unsafe, '--out', out, ...ana], env), /which this command reads/)
      refused(await cli(['guardrails', path, '--out', out, ...ana], env), /which this command reads/)
    }
    expect(existsSync(`${path}-wal`) && statSync(`${path}-wal`).isDirectory()).toBe(false)
    // the guardrails folder of the test above: its files are never replaced
    const g = join(dir, 'guardrails')
    const readme = readFileSync(join(g, 'README.md'))
    refused(await cli(['guardrails', path, '--out', g, ...ana], env), /guardrails\/\S+: already exists; export into an empty folder/)
    expect(readFileSync(join(g, 'README.md')).equals(readme)).toBe(true)
    refused(await cli(['plan', path, 'P-1', ...ana, '--out', join(dir, 'plan-files')], env), /already exists; write the plan into an empty folder/)
    expect(sha()).toBe(before)
    // a refused --out leaves no new plan behind
    const plans = (await cli(['plan', path, 'P-9', ...ana], env)).code
    expect(plans).toBe(2)
  })
  it("findings decide keeps the workflow's rules: a fixed finding is validated, not decided on; a decision replaces the one recorded; clearing needs a reason", async () => {
    const refusal = (r: { code: number; stderr: string }, what: string): void => {
      expect(r.code).toBe(2)
      expect(r.stderr.trim()).toBe(`lastmile findings decide: ${what}`)
    }
    // remediated by the test above: its validation decides, not a suppression
    refusal(
      await cli(['findings', 'decide', path, bucketFinding, '--decision', 'suppressed', '--reason', 'test bucket', ...bob], env),
      `${bucketFinding} is remediated, awaiting validation: validate it instead of suppressing it`
    )
    const ebs = (await cli(['findings', path, '--json', '--control', 'aws.ec2.ebs-default-encryption'], env)).json() as Array<{ id: string }>
    const f = ebs[0].id
    const replaced = await cli(['findings', 'decide', path, f, '--decision', 'suppressed', '--reason', 'volumes re-created from encrypted snapshots', ...bob, '--json'], env)
    expect(replaced.code).toBe(0)
    expect(replaced.json()).toMatchObject({ id: f, decision: { decision: 'suppressed', reason: 'volumes re-created from encrypted snapshots', expires: null } })
    refusal(await cli(['findings', 'decide', path, f, '--decision', 'clear', ...bob], env), `${f}: say why the decision ends (--reason TEXT)`)
    const cleared = await cli(['findings', 'decide', path, f, '--decision', 'clear', '--reason', 'the snapshots were not encrypted', ...bob], env)
    expect(cleared.stdout.trim()).toBe(`${f}: decision cleared`)
    refusal(
      await cli(['findings', 'decide', path, f, '--decision', 'clear', '--reason', 'again', ...bob], env),
      `${f} is neither suppressed nor risk-accepted: there is no decision to clear`
    )
  })
})
