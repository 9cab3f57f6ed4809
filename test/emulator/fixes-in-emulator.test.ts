/// <reference types="vite/client" />
// Every AWS CLI fix and rollback Lastmile generates for the playbook fixtures, run for real against
// a local AWS (moto): the emulator is seeded with the state the evidence describes (the fix's own
// inputs), the plan is written with `plan --out`'s writer and its scripts run unchanged (only the
// environment points `aws` at the emulator), the fixed state is checked with Lastmile's own
// evaluators, and the rollback must bring the resource back exactly as it was.
//
// The calls the scripts made are then evaluated against the plan's guardrails (SCP/RCP) with the
// IAM policy evaluator: the break-glass role may make every one of them, and an ordinary
// administrator every fix call except where the guardrail says the break-glass role is needed.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artefact, PlanView } from '../../shared/remediation'
import { writePlanFiles } from '../../main/cli/commands/plan'
import { denyingStatement, parsePolicy, type PolicyRequest, type PolicyStatement } from '../../main/semantics/iam-policy'
import { readFixInputs } from '../../main/remediate'
import { targetOf } from '../../main/workflow/plans'
import { findingsOf } from '../../main/workflow/store'
import { loadPlaybooks } from '../../main/investigate/loader'
import { codeFor } from '../../main/controls/registry'
import { fixtureCases, refsOf, tryPlan, type FixtureCase } from '../helpers/fixture-plans'
import { emulatorMissing, startEmulator, type AwsCall, type ControlHarness, type Emulator } from './emulator'

/** each control folder's own harness (playbooks/<id>/emulator.harness.ts), by control id */
const FOLDER_HARNESSES = Object.fromEntries(
  Object.entries(import.meta.glob<ControlHarness | undefined>('../../playbooks/*/emulator.harness.ts', { eager: true, import: 'harness' }))
    .filter((e): e is [string, ControlHarness] => e[1] !== undefined)
    .map(([path, h]) => [path.split('/').at(-2)!, h])
)
const AWS_CONTROLS: Record<string, ControlHarness> = FOLDER_HARNESSES
/**
 * Controls whose scripts moto cannot run, and why: an emulator.harness.ts exporting `cannotRun`
 * instead of `harness` (the root user's access keys: moto has no root user). Their plans are still
 * made and must hold AWS CLI scripts; they are not run, and the reason is printed with the notes.
 */
const CANNOT_RUN = Object.fromEntries(
  Object.entries(import.meta.glob<string | undefined>('../../playbooks/*/emulator.harness.ts', { eager: true, import: 'cannotRun' }))
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([path, why]) => [path.split('/').at(-2)!, why])
)

const BREAK_GLASS = 'lastmile-break-glass'
/** aws-cli artefacts run later than the fix, by a person, after an observation window */
const LATER = /\.delete-after-observation\.sh$/

let cases: FixtureCase[] = []
const root = mkdtempSync(join(tmpdir(), 'lm-emulator-runs-'))

beforeAll(async () => {
  const missing = emulatorMissing()
  if (missing) throw new Error(`the emulator harness needs moto (python3 -m moto), the AWS CLI and jq from the machine image: ${missing}`)
  // only the playbooks whose fixes run here: building a fixture's case is ~0.5 s of CPU
  cases = await fixtureCases((id) => AWS_PLAYBOOKS.some((pb) => pb.id === id))
}, 180_000)

afterAll(async () => {
  if (notes.length) console.log(`emulator harness notes:\n${notes.join('\n')}`)
  for (const c of cases) c.close()
  rmSync(root, { recursive: true, force: true })
})

function runScript(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', [file], { cwd, env })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.stderr.on('data', (d: Buffer) => (out += d.toString()))
    p.on('close', (code) => resolve({ code, out }))
  })
}

const arg = (args: string[], name: string): string | null => {
  const i = args.indexOf(name)
  return i >= 0 ? (args[i + 1] ?? null) : null
}

// The IAM action each CLI command is authorized as, where it is not the command's own name
// (S3 User Guide, "Required permissions for Amazon S3 API operations").
const ACTION_OF: Record<string, string> = {
  's3api put-public-access-block': 's3:PutBucketPublicAccessBlock',
  's3api delete-public-access-block': 's3:PutBucketPublicAccessBlock',
  's3api get-public-access-block': 's3:GetBucketPublicAccessBlock',
  's3api delete-bucket-policy': 's3:DeleteBucketPolicy',
  's3control put-public-access-block': 's3:PutAccountPublicAccessBlock',
  's3control delete-public-access-block': 's3:PutAccountPublicAccessBlock',
  's3control get-public-access-block': 's3:GetAccountPublicAccessBlock'
}
const SERVICE_OF: Record<string, string> = { s3api: 's3', s3control: 's3', ec2: 'ec2', iam: 'iam', sts: 'sts' }

/** One recorded CLI call as an authorization request, made by `principal` in `account`. */
function requestOf(call: AwsCall, account: string, principal: string): PolicyRequest {
  const [svc, cmd] = call.args
  const action = ACTION_OF[`${svc} ${cmd}`] ?? `${SERVICE_OF[svc] ?? svc}:${cmd.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase())}`
  const region = arg(call.args, '--region') ?? 'us-east-1'
  const bucket = arg(call.args, '--bucket')
  const instance = arg(call.args, '--instance-id')
  const resource = bucket ? `arn:aws:s3:::${bucket}` : instance ? `arn:aws:ec2:${region}:${account}:instance/${instance}` : '*'
  const tokens = arg(call.args, '--http-tokens')
  const hop = arg(call.args, '--http-put-response-hop-limit')
  return {
    action,
    resource,
    principal,
    context: {
      'aws:PrincipalArn': principal,
      'aws:PrincipalAccount': account,
      'aws:RequestedRegion': region,
      'aws:SecureTransport': 'true',
      ...(tokens ? { 'ec2:Attribute/HttpTokens': tokens } : {}),
      ...(hop ? { 'ec2:Attribute/HttpPutResponseHopLimit': hop } : {})
    }
  }
}

function policies(p: PlanView): Array<{ name: string; statements: PolicyStatement[] }> {
  return p.guardrails
    .filter((g) => g.kind === 'aws-scp' || g.kind === 'aws-rcp')
    .map((g) => {
      const parsed = parsePolicy(g.content, { requirePrincipal: false })
      if (!parsed.ok) throw new Error(`${g.name}: ${parsed.error}`)
      return { name: g.name, statements: parsed.statements }
    })
}

function deniedBy(list: ReturnType<typeof policies>, r: PolicyRequest): string | null {
  for (const p of list) {
    const s = denyingStatement(p.statements, r)
    if (s) return `${p.name} ${s.sid}`
  }
  return null
}

const isMutation = (c: AwsCall) => !/^(get|list|describe)-/.test(c.args[1] ?? '') && c.args[0] !== 'sts'

interface Ran {
  finding: string
  control: string
}

async function runPlan(emu: Emulator, fc: FixtureCase, ref: string, p: PlanView, ran: Ran[]): Promise<void> {
  const f = findingsOf(fc.c.db, ref).findings[0]
  const target = targetOf(f)
  // a control a folder's playbook serves is fixed by that folder's code, and seeded by its harness
  const folder = codeFor(f.control)?.id ?? f.control
  const harness = AWS_CONTROLS[folder]
  const scripts = (list: Artefact[]) => list.filter((a) => a.kind === 'aws-cli' && a.language === 'bash')
  const fixes = scripts(p.artefacts).filter((a) => !LATER.test(a.name))
  const rollbacks = scripts(p.rollback)
  if (!fixes.length && !rollbacks.length) return
  expect(harness, `${fc.playbook} ${ref}: ${f.control} has AWS CLI scripts but no emulator seeding (playbooks/<id>/emulator.harness.ts)`).toBeDefined()
  const label = `${fc.playbook} ${ref} (${f.control} on ${f.resourceId}, ${f.verdict})`
  const values = readFixInputs(fc.c.db, target).values
  const account = String(values.account ?? f.account)
  await emu.reset()
  const env = await emu.envFor(account)
  await harness.seed(emu, env, values)
  const before = await harness.snapshot(emu, env, values)
  // a fix planned for a resource the evidence already shows fixed must change nothing
  const alreadyFixed = harness.notFixed(before, values) === null

  const dir = join(root, fc.playbook, ref)
  writePlanFiles(dir, p)
  const scriptEnv = { ...env, LASTMILE_ROLLBACK_DIR: join(dir, 'lastmile-rollback') }
  emu.takeCalls()
  for (const a of fixes) {
    const r = await runScript(a.name, dir, scriptEnv)
    expect(r.code, `${label}: ${a.name} failed\n${r.out}`).toBe(0)
  }
  const fixCalls = emu.takeCalls()
  const after = await harness.snapshot(emu, env, values)
  expect(harness.notFixed(after, values), `${label}: not fixed after ${fixes.map((a) => a.name).join(', ')}`).toBeNull()
  for (const a of rollbacks) {
    const r = await runScript(a.name, dir, scriptEnv)
    expect(r.code, `${label}: ${a.name} failed\n${r.out}`).toBe(0)
  }
  const rollbackCalls = emu.takeCalls()
  expect(await harness.snapshot(emu, env, values), `${label}: the rollback did not restore the state`).toEqual(before)

  // the guardrails of the same plan, against the calls just made
  const guard = policies(p)
  const glass = `arn:aws:iam::${account}:role/${BREAK_GLASS}`
  const ops = `arn:aws:iam::${account}:role/ops-admin`
  for (const c of [...fixCalls, ...rollbackCalls])
    expect(deniedBy(guard, requestOf(c, account, glass)), `${label}: the break-glass role is refused aws ${c.args.join(' ')}`).toBeNull()
  for (const c of fixCalls.filter(isMutation)) {
    const by = deniedBy(guard, requestOf(c, account, ops))
    // S3 has no condition key on the Block Public Access settings: that SCP leaves every change to the break-glass role (it says so)
    if (by) expect(by, `${label}: the fix call aws ${c.args.join(' ')} is refused to an administrator by ${by}`).toMatch(/^aws\.s3\.block-public-access\.scp\.json /)
  }
  if (alreadyFixed) expect(after, `${label}: the evidence shows it fixed already, and the fix changed it`).toEqual(before)
  else expect(fixCalls.filter(isMutation).length, `${label}: the fix changed nothing through aws`).toBeGreaterThan(0)
  if (alreadyFixed) notes.push(`${label}: planned although the evidence shows it fixed; the fix changed nothing`)
  ran.push({ finding: ref, control: folder })
}

// a control whose code renders no fix (a replacing one left to a person: aws.opensearch.in-vpc) has no script to run
const AWS_PLAYBOOKS = loadPlaybooks().playbooks.filter((pb) => pb.id.startsWith('aws.') && pb.fixturesDir && codeFor(pb.id)?.fix)
const ran: Ran[] = []
const refused: string[] = []
const notes: string[] = []
const manual: string[] = []

// The playbooks run two at a time (one per core), each lane with its own emulator (moto and a warm
// AWS CLI, started once and reused by the lane's playbooks), reset between findings: the scripts of
// one never see another's state. Each `aws` call still costs a fork of the CLI (~0.1 s), and a
// playbook's findings make dozens: hence the long per-playbook timeout.
const LANES = 2
const idle: Emulator[] = []
const started: Emulator[] = []
let lanesStarted = 0
const waiting: Array<(emu: Emulator) => void> = []
async function lane<T>(fn: (emu: Emulator) => Promise<T>): Promise<T> {
  let emu: Emulator
  if (idle.length) emu = idle.pop()!
  else if (lanesStarted < LANES) {
    lanesStarted++
    try {
      emu = await startEmulator()
    } catch (e) {
      lanesStarted--
      throw e
    }
    started.push(emu)
  } else emu = await new Promise<Emulator>((resolve) => waiting.push(resolve))
  try {
    return await fn(emu)
  } finally {
    const next = waiting.shift()
    if (next) next(emu)
    else idle.push(emu)
  }
}
afterAll(async () => {
  for (const [i, emu] of started.entries()) {
    const u = emu.usage()
    console.log(
      `emulator lane ${i + 1}: ${u.calls} aws calls, warm AWS CLI ${u.cliCpu.toFixed(1)} s CPU (${((u.cliCpu / u.calls) * 1000).toFixed(0)} ms a call), moto ${u.motoCpu.toFixed(1)} s CPU`
    )
  }
  await Promise.all(started.map((emu) => emu.stop()))
})

describe.concurrent('generated AWS CLI fixes and rollbacks, run against moto', () => {
  for (const pb of AWS_PLAYBOOKS) {
    if (CANNOT_RUN[pb.id]) {
      it(`${pb.id}: its AWS CLI scripts are planned, and moto cannot run them (${CANNOT_RUN[pb.id]})`, () => {
        expect(CANNOT_RUN[pb.id].length, `${pb.id}: say why moto cannot run its scripts`).toBeGreaterThan(40)
        expect(AWS_CONTROLS[pb.id], `${pb.id}: both a harness and cannotRun`).toBeUndefined()
        const fc = cases.find((x) => x.playbook === pb.id)!
        const planned = refsOf(fc.c).findings.filter((ref) => {
          const r = tryPlan(fc.c, ref)
          return 'plan' in r && r.plan.artefacts.some((a) => a.kind === 'aws-cli' && a.language === 'bash')
        })
        expect(planned.length, `${pb.id}: no finding's plan has AWS CLI scripts`).toBeGreaterThan(0)
        notes.push(`${pb.id}: ${planned.length} plan(s) with AWS CLI scripts not run — ${CANNOT_RUN[pb.id]}`)
      })
      continue
    }
    it(`${pb.id}: every finding's fix and rollback, from the evidence's state to fixed and back exactly`, async () => {
      await lane(async (emu) => {
        const fc = cases.find((x) => x.playbook === pb.id)!
        for (const ref of refsOf(fc.c).findings) {
          const r = tryPlan(fc.c, ref)
          if (!('plan' in r)) {
            refused.push(`${fc.playbook} ${ref}: ${r.refused}`)
            continue
          }
          if (r.plan.artefacts.length && [...r.plan.artefacts, ...r.plan.rollback].every((a) => a.kind === 'procedure')) manual.push(`${fc.playbook} ${ref}`)
          await runPlan(emu, fc, ref, r.plan, ran)
        }
      })
      // a control whose fix only a person can make (a hardware MFA device registered on root) plans procedures and no script
      if (!ran.some((x) => x.control === pb.id) && manual.some((x) => x.startsWith(`${pb.id} `))) {
        notes.push(`${pb.id}: its plans are manual procedures (${manual.filter((x) => x.startsWith(`${pb.id} `)).length}), with no AWS CLI script for moto to run`)
        return
      }
      expect(
        ran.some((x) => x.control === pb.id),
        `no ${pb.id} fix was run (refused: ${refused.filter((x) => x.startsWith(pb.id)).join(' | ')})`
      ).toBe(true)
    }, 1_200_000)
  }
})
