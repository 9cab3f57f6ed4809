#!/usr/bin/env node
// `npm test`: every check, failing on the first stage that fails.
//
//   1. the build (electron-vite: the three bundles);
//   2. the end-to-end tests (Playwright, two workers) on that build, and beside them the static
//      checks and the security gate — the typecheck, Prettier, ESLint, dependency-cruiser and
//      Electronegativity over the sources and that build — as many at once as the machine has
//      cores, at the lowest CPU priority. The browser tests leave most of a core idle (a page and
//      the bridge serving it take turns), and the checks, which wait for nothing, take that idle
//      time without slowing the browser tests down; each check's output is held and printed whole
//      when it ends, with its time. The renderer tested is the one the gate scanned, built once
//      (no test writes out/; `npm run test:e2e` alone builds first);
//   3. the unit tests (vitest: one fork per core already).
//
// Usage: node scripts/test.mjs [--jobs N]   (N: how many static checks at once; default the cores)
// Exit: 0 when every check passes, else 1 (the failing check's output says why).
import { spawn } from 'node:child_process'
import { availableParallelism, setPriority } from 'node:os'
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

/** The build: the first stage; the end-to-end tests and the gate read what it writes. */
export const BUILD = { name: 'build', script: 'build' }

/**
 * The static checks: a name and the npm script it runs (each also run alone by `npm run
 * <script>`). They run after the build, beside the end-to-end tests.
 */
export const STATIC_CHECKS = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'Prettier', script: 'lint:format' },
  { name: 'ESLint', script: 'lint:code' },
  { name: 'dependency-cruiser', script: 'lint:boundaries' },
  { name: 'Electronegativity', script: 'security' }
]

/** The lowest CPU priority (a nice value on POSIX, the idle class's neighbour on Windows). */
const LOWEST = 19

/**
 * Runs checks at most `jobs` at a time; none is started once one has failed. `run(check)`
 * resolves to { ok, output, seconds }; `report` is called with each as it ends. Resolves to
 * whether all passed.
 */
export function runChecks(checks, jobs, run, report) {
  const waiting = [...checks]
  let failed = false
  let running = 0
  return new Promise((resolve) => {
    const next = () => {
      while (!failed && running < jobs && waiting.length) {
        const check = waiting.shift()
        running++
        run(check).then((result) => {
          running--
          report(check, result)
          if (!result.ok) failed = true
          next()
        })
      }
      if (running === 0) resolve(!failed && waiting.length === 0)
    }
    next()
  })
}

/**
 * A command's run, its output held: `name` names it in messages; `spec` is { command, args, shell }
 * (as npm() gives). With `priority`, the process runs at that CPU priority, and so does what it
 * starts (it is set before npm starts the script, and a process inherits its parent's).
 */
export function runCommand(name, spec, priority) {
  const started = process.hrtime.bigint()
  return new Promise((resolve) => {
    const child = spawn(spec.command, spec.args, { cwd: REPO, shell: spec.shell, env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } })
    const chunks = []
    if (priority !== undefined && child.pid !== undefined) {
      try {
        setPriority(child.pid, priority)
      } catch (e) {
        chunks.push(Buffer.from(`(${name} runs at the normal priority: ${e.message})\n`))
      }
    }
    child.stdout.on('data', (c) => chunks.push(c))
    child.stderr.on('data', (c) => chunks.push(c))
    const done = (ok, extra = '') => resolve({ ok, output: Buffer.concat(chunks).toString('utf8') + extra, seconds: Number(process.hrtime.bigint() - started) / 1e9 })
    child.on('error', (e) => done(false, `\ncould not start ${spec.command}: ${e.message}\n`))
    child.on('close', (code, signal) => done(code === 0, code === 0 ? '' : `\n${name}: exit ${code ?? signal}\n`))
  })
}

/** A check's npm script, its output held (runCommand). */
const runScript = (check, priority) => runCommand(check.name, npm(['run', '--silent', check.script]), priority)

function printResult(check, { ok, output, seconds }) {
  process.stdout.write(`\n── ${check.name} (npm run ${check.script}): ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s ──\n${output}`)
}

/** npm with `args`, its output on this terminal as it comes; resolves to whether it exited 0 (printing why not). */
function inherit(title, args) {
  const { command, args: all, shell } = npm(args)
  return new Promise((resolve) => {
    const child = spawn(command, all, { cwd: REPO, shell, stdio: 'inherit' })
    child.on('error', (e) => {
      process.stdout.write(`\nnpm test: ${title} could not start: ${e.message}\n`)
      resolve(false)
    })
    child.on('close', (code, signal) => {
      if (code !== 0) process.stdout.write(`\nnpm test: ${title} failed (exit ${code ?? signal})\n`)
      resolve(code === 0)
    })
  })
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
  process.stdout.write('══ build ══\n')
  const built = await runScript(BUILD)
  printResult(BUILD, built)
  if (!built.ok) {
    process.stdout.write('\nnpm test: the build failed (above)\n')
    process.exit(1)
  }
  process.stdout.write(`\n══ end-to-end tests, and beside them the static checks and security gate (${jobs} at a time, lowest priority) ══\n`)
  const [e2e, checks] = await Promise.all([
    inherit('the end-to-end tests', ['exec', '--', 'playwright', 'test']),
    runChecks(STATIC_CHECKS, jobs, (check) => runScript(check, LOWEST), printResult)
  ])
  if (!checks) process.stdout.write('\nnpm test: a static check failed (above)\n')
  if (!e2e || !checks) process.exit(1)
  process.stdout.write('\n══ unit tests ══\n')
  if (!(await inherit('the unit tests', ['run', 'test:unit']))) process.exit(1)
  process.stdout.write(`\nnpm test: every check passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
