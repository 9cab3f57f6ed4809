// Investigate at scale (issue #18: "investigate 200k findings: measured and printed; linear"): a case
// of N findings built as the pages benchmark builds one (bench/large-case.ts), with an evidence
// bundle added through `evidence.add` (the service tests' scenario: CloudTrail, flow logs and
// inventories of one account, which a twentieth of the findings are in), then `investigate.run`
// through the real handler — on the investigation worker, as the app runs it — over every open
// finding. Printed: total time, findings/s, ms per finding, CPU (of the process, the worker's
// included), the peak RSS during the run, the findings each kind of playbook took (a playbook of
// their own, or the generic investigation) and the time each took, and the same at N/4 findings, so
// that the ratio of ms per finding says whether it grows linearly. Printed, never asserted.
//
// Run: `npm run bench -- investigate` (INVESTIGATE_BENCH_FINDINGS=20000 for a quicker run).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InvestigationRunResult } from '../shared/investigate'
import { ACCOUNT } from '../test/fixtures/evidence/bundle-builder'
import { writeScenario } from '../test/fixtures/evidence/scenario'
import { PROBLEMS as ALL_PROBLEMS, type Alarm, type Problem } from '../test/fixtures/ingest/generate'
import { buildLargeCase, type LargeCase } from './large-case'
import type { Bench } from './registry'

// every problem the export generator knows: playbooks of their own and generic investigations alike
const PROBLEMS = Object.keys(ALL_PROBLEMS) as Problem[]
// the scenario bundle's account first: a twentieth of the findings are where the evidence speaks
const ACCOUNTS = [ACCOUNT, ...Array.from({ length: 19 }, (_, i) => String(100000000000 + i * 1111))]
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2']

function alarmAt(i: number): Alarm {
  const p = PROBLEMS.length
  return {
    problem: PROBLEMS[i % p]!,
    account: ACCOUNTS[Math.floor(i / p) % ACCOUNTS.length]!,
    region: REGIONS[Math.floor(i / (p * ACCOUNTS.length)) % REGIONS.length]!,
    n: Math.floor(i / p),
    observedAt: '2026-11-15T10:00:00.000Z'
  }
}

interface Measured {
  findings: number
  wallMs: number
  cpuMs: number
  peakRssMb: number
  result: InvestigationRunResult
}

async function investigateOnce(count: number): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-bench-investigate-'))
  let built: LargeCase | null = null
  try {
    const { app, dispatch } = (built = await buildLargeCase(dir, count, alarmAt, 'investigate benchmark'))
    const bundle = join(dir, 'bundle')
    writeScenario(bundle)
    const added = await dispatch('evidence.add', { path: app.paths.issue(bundle, 'open-folder') })
    if (!added.ok) throw new Error(`evidence.add failed: ${added.error.message}`)
    let peak = process.memoryUsage.rss()
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50)
    const t = performance.now()
    const cpu0 = process.cpuUsage()
    const r = await dispatch('investigate.run', {})
    const cpu = process.cpuUsage(cpu0)
    const wallMs = performance.now() - t
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage.rss())
    if (!r.ok) throw new Error(`investigate.run failed: ${r.error.message}`)
    const result = r.value as InvestigationRunResult
    if (result.status !== 'completed') throw new Error('the investigation did not complete')
    return { findings: result.findings, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peak / 1e6, result }
  } finally {
    built?.app.session.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US')

function print(label: string, m: Measured): void {
  const r = m.result
  const perFinding = m.wallMs / m.findings
  console.log(
    `${label}: ${n(m.findings)} open findings in ${(m.wallMs / 1000).toFixed(1)} s wall (${n((m.findings * 1000) / m.wallMs)} findings/s, ${perFinding.toFixed(3)} ms per finding), ` +
      `${(m.cpuMs / 1000).toFixed(1)} s CPU (${(m.cpuMs / m.findings).toFixed(3)} ms per finding), peak RSS ${n(m.peakRssMb)} MB`
  )
  const t = r.timing
  if (t) {
    const dedicated = m.findings - r.generic
    const each = (ms: number, k: number): string => `${n(ms)} ms${k ? ` (${(ms / k).toFixed(3)} ms per finding)` : ''}`
    console.log(
      `  reading the case ${n(t.readMs)} ms; a playbook of their own: ${n(dedicated)} findings, ${each(t.dedicatedMs, dedicated)}; ` +
        `the generic investigation: ${n(r.generic)} findings, ${each(t.genericMs, r.generic)}; writing the run ${n(t.writeMs)} ms`
    )
  }
  console.log(
    `  verdicts ${Object.entries(r.verdicts)
      .map(([v, k]) => `${v} ${n(k)}`)
      .join(', ')}; ${n(r.changed.length)} changed`
  )
}

async function run(): Promise<void> {
  const count = Number(process.env.INVESTIGATE_BENCH_FINDINGS ?? 200_000)
  const quarter = Math.max(1, Math.round(count / 4))
  console.log(`load average ${loadavg()[0].toFixed(1)} on this machine`)
  const small = await investigateOnce(quarter)
  print(`${n(quarter)} findings`, small)
  const large = await investigateOnce(count)
  print(`${n(count)} findings`, large)
  const ratio = large.wallMs / large.findings / (small.wallMs / small.findings)
  const cpuRatio = large.cpuMs / large.findings / (small.cpuMs / small.findings)
  console.log(
    `linearity: ms per finding at ${n(count)} / at ${n(quarter)} = ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU (1.00 is linear; ` +
      `total time ${(large.wallMs / small.wallMs).toFixed(2)}× for ${(large.findings / small.findings).toFixed(2)}× the findings)`
  )
}

export const investigateBench: Bench = {
  name: 'investigate',
  description: 'investigate.run over every open finding of a 200,000-finding case with evidence, on its worker, and at 50,000 for linearity',
  run
}
