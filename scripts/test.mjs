#!/usr/bin/env node
// `npm test`: every check, failing on the first stage that fails.
//
//   1. the static checks and the security gate — the typecheck, Prettier, ESLint,
//      dependency-cruiser, and the build with Electronegativity over it — run side by side, as
//      many at once as the machine has cores: each is mostly one thread, so one after the other
//      they would leave a core of a 2-core machine idle for over a minute. Each one's output is
//      held and printed whole when it ends, with its time;
//   2. the unit tests (vitest: one fork per core already);
//   3. the end-to-end tests (Playwright, two workers) on the build stage 1 made and the gate
//      scanned: the renderer tested is the one that passed the gate, built once (no test writes
//      out/; `npm run test:e2e` alone builds first).
//
// Usage: node scripts/test.mjs [--jobs N]   (N: how many static checks at once; default the cores)
// Exit: 0 when every check passes, else 1 (the failing check's output says why).
import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeControlsIndex } from './controls-index.mjs'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')
/** npm with these arguments: the npm running this script (npm_execpath) under this Node, else npm from PATH. */
function npm(args) {
  const cli = process.env.npm_execpath
  if (cli) return { command: process.execPath, args: [cli, ...args], shell: false }
  // npm.cmd on Windows is a batch file, which Node starts only through a shell
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args, shell: process.platform === 'win32' }
}

/**
 * The static checks: a name, the npm script it runs, and the check it must wait for (the gate
 * reads the build). Each script is also run alone by `npm run <script>`.
 */
export const STATIC_CHECKS = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'Prettier', script: 'lint:format' },
  { name: 'ESLint', script: 'lint:code' },
  { name: 'dependency-cruiser', script: 'lint:boundaries' },
  { name: 'build', script: 'build' },
  { name: 'Electronegativity', script: 'security', after: 'build' }
]

/**
 * Runs checks (as STATIC_CHECKS) at most `jobs` at a time, a check with `after` only once that
 * one has passed; none is started once one has failed. `run(check)` resolves to
 * { ok, output, seconds }; `report` is called with each as it ends. Resolves to whether all passed.
 */
export function runChecks(checks, jobs, run, report) {
  const waiting = [...checks]
  const passed = new Set()
  let failed = false
  let running = 0
  return new Promise((resolve) => {
    const next = () => {
      while (!failed && running < jobs) {
        const i = waiting.findIndex((c) => !c.after || passed.has(c.after))
        if (i < 0) break
        const [check] = waiting.splice(i, 1)
        running++
        run(check).then((result) => {
          running--
          report(check, result)
          if (result.ok) passed.add(check.name)
          else failed = true
          next()
        })
      }
      if (running === 0) resolve(!failed && waiting.length === 0)
    }
    next()
  })
}

function runScript(check) {
  const started = process.hrtime.bigint()
  return new Promise((resolve) => {
    const { command, args, shell } = npm(['run', '--silent', check.script])
    const child = spawn(command, args, { cwd: REPO, shell, env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } })
    const chunks = []
    child.stdout.on('data', (c) => chunks.push(c))
    child.stderr.on('data', (c) => chunks.push(c))
    const done = (ok, extra = '') => resolve({ ok, output: Buffer.concat(chunks).toString('utf8') + extra, seconds: Number(process.hrtime.bigint() - started) / 1e9 })
    child.on('error', (e) => done(false, `\ncould not start npm: ${e.message}\n`))
    child.on('close', (code, signal) => done(code === 0, code === 0 ? '' : `\n${check.name}: exit ${code ?? signal}\n`))
  })
}

function printResult(check, { ok, output, seconds }) {
  process.stdout.write(`\n── ${check.name} (npm run ${check.script}): ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s ──\n${output}`)
}

function stage(title, args) {
  process.stdout.write(`\n══ ${title} ══\n`)
  const { command, args: all, shell } = npm(args)
  const result = spawnSync(command, all, { cwd: REPO, shell, stdio: 'inherit' })
  if (result.status !== 0) {
    process.stdout.write(`\nnpm test: ${title} failed (exit ${result.status ?? result.signal})\n`)
    process.exit(1)
  }
}

async function main() {
  const at = process.argv.indexOf('--jobs')
  const jobs = at > 0 ? Number(process.argv[at + 1]) : availableParallelism()
  if (!Number.isInteger(jobs) || jobs < 1) {
    process.stderr.write(`scripts/test.mjs: --jobs wants a whole number of at least 1, got ${process.argv[at + 1]}\n`)
    process.exit(2)
  }
  const started = Date.now()
  writeControlsIndex() // before the checks that each would (re)write it run side by side
  process.stdout.write(`══ static checks and security gate, ${jobs} at a time ══\n`)
  if (!(await runChecks(STATIC_CHECKS, jobs, runScript, printResult))) {
    process.stdout.write('\nnpm test: a static check failed (above)\n')
    process.exit(1)
  }
  stage('unit tests', ['run', 'test:unit'])
  stage('end-to-end tests', ['exec', '--', 'playwright', 'test'])
  process.stdout.write(`\nnpm test: every check passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
