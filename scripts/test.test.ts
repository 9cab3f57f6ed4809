import { readFileSync } from 'node:fs'
import os from 'node:os'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILD, runChecks, runCommand, STATIC_CHECKS, type Check, type CheckResult } from './test.mjs'

/** A run whose checks end when the test says so, recording what ran at once. */
function controlled() {
  const pending = new Map<string, (ok: boolean) => void>()
  const started: string[] = []
  let running = 0
  let most = 0
  const run = (check: Check) =>
    new Promise<CheckResult>((done) => {
      started.push(check.name)
      most = Math.max(most, ++running)
      pending.set(check.name, (ok) => {
        running--
        done({ ok, output: '', seconds: 0 })
      })
    })
  const end = async (name: string, ok = true) => {
    const finish = pending.get(name)
    if (!finish) throw new Error(`${name} is not running (running: ${[...pending.keys()].join(', ')})`)
    pending.delete(name)
    finish(ok)
    await new Promise((r) => setImmediate(r))
  }
  return { run, end, started, pending, most: () => most }
}

const CHECKS: Check[] = [
  { name: 'a', script: 'a' },
  { name: 'b', script: 'b' },
  { name: 'c', script: 'c' }
]

describe('npm test: the static checks side by side (scripts/test.mjs)', () => {
  it('runs at most `jobs` at once, the next as one ends, and passes when all pass', async () => {
    const c = controlled()
    const reported: string[] = []
    const all = runChecks(CHECKS, 2, c.run, (check, r) => reported.push(`${check.name}:${r.ok}`))
    await new Promise((r) => setImmediate(r))
    expect(c.started).toEqual(['a', 'b'])
    await c.end('b')
    expect(c.started).toEqual(['a', 'b', 'c'])
    await c.end('c')
    await c.end('a')
    expect(await all).toBe(true)
    expect(c.most()).toBe(2)
    expect(reported).toEqual(['b:true', 'c:true', 'a:true'])
  })

  it('starts nothing after a failure, lets the running ones end, and fails', async () => {
    const c = controlled()
    const reported: string[] = []
    const all = runChecks(CHECKS, 2, c.run, (check, r) => reported.push(`${check.name}:${r.ok}`))
    await new Promise((r) => setImmediate(r))
    await c.end('b', false)
    expect(c.started).toEqual(['a', 'b'])
    await c.end('a')
    expect(await all).toBe(false)
    expect(c.started).toEqual(['a', 'b'])
    expect(reported).toEqual(['b:false', 'a:true'])
  })

  it.runIf(process.platform === 'linux')('runs a check at the priority asked, and what it starts too', async () => {
    // the child prints its own priority and that of a process it starts
    const probe =
      "const os = require('node:os'); const { execFileSync } = require('node:child_process'); " +
      "process.stdout.write(os.getPriority() + ' ' + execFileSync(process.execPath, ['-e', \"process.stdout.write(String(require('node:os').getPriority()))\"]))"
    const spec = { command: process.execPath, args: ['-e', probe], shell: false }
    const low = await runCommand('probe', spec, 19)
    expect(low).toMatchObject({ ok: true, output: '19 19' })
    const normal = await runCommand('probe', spec)
    expect(normal.output).toBe(`${os.getPriority()} ${os.getPriority()}`)
    const failing = await runCommand('probe', { command: process.execPath, args: ['-e', 'process.exit(3)'], shell: false }, 19)
    expect(failing.ok).toBe(false)
    expect(failing.output).toContain('probe: exit 3')
  })

  it('names an npm script for the build and each check, the gate among the checks that run after the build', () => {
    const scripts = (JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    for (const check of [BUILD, ...STATIC_CHECKS]) expect(scripts[check.script], check.script).toBeTruthy()
    expect(BUILD.script).toBe('build')
    expect(STATIC_CHECKS.map((c) => c.script)).toEqual(['typecheck', 'lint:format', 'lint:code', 'lint:boundaries', 'security'])
    // lint alone still runs the three lint checks the side-by-side run splits
    expect(scripts.lint).toBe('npm run lint:format && npm run lint:code && npm run lint:boundaries')
    expect(scripts.test).toBe('node scripts/test.mjs')
  })
})
