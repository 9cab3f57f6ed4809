import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runChecks, STATIC_CHECKS, type Check, type CheckResult } from './test.mjs'

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
  { name: 'build', script: 'build' },
  { name: 'gate', script: 'gate', after: 'build' },
  { name: 'b', script: 'b' }
]

describe('npm test: the static checks side by side (scripts/test.mjs)', () => {
  it('runs at most `jobs` at once, a check waiting for its `after`, and passes when all pass', async () => {
    const c = controlled()
    const reported: string[] = []
    const all = runChecks(CHECKS, 2, c.run, (check, r) => reported.push(`${check.name}:${r.ok}`))
    await new Promise((r) => setImmediate(r))
    expect(c.started).toEqual(['a', 'build'])
    await c.end('a')
    // the gate waits for the build; the next free check takes the slot
    expect(c.started).toEqual(['a', 'build', 'b'])
    await c.end('build')
    expect(c.started).toEqual(['a', 'build', 'b', 'gate'])
    await c.end('gate')
    await c.end('b')
    expect(await all).toBe(true)
    expect(c.most()).toBe(2)
    expect(reported).toEqual(['a:true', 'build:true', 'gate:true', 'b:true'])
  })

  it('starts nothing after a failure, lets the running ones end, and fails', async () => {
    const c = controlled()
    const reported: string[] = []
    const all = runChecks(CHECKS, 2, c.run, (check, r) => reported.push(`${check.name}:${r.ok}`))
    await new Promise((r) => setImmediate(r))
    await c.end('build', false)
    expect(c.started).toEqual(['a', 'build'])
    await c.end('a')
    expect(await all).toBe(false)
    expect(c.started).toEqual(['a', 'build'])
    expect(reported).toEqual(['build:false', 'a:true'])
  })

  it('never runs a check whose `after` failed, even with a slot free', async () => {
    const c = controlled()
    const all = runChecks(CHECKS, 4, c.run, () => {})
    await new Promise((r) => setImmediate(r))
    expect(c.started).toEqual(['a', 'build', 'b'])
    await c.end('a')
    await c.end('b')
    await c.end('build', false)
    expect(await all).toBe(false)
    expect(c.started).not.toContain('gate')
  })

  it('names an npm script for each check, and the gate runs after the build', () => {
    const scripts = (JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    for (const check of STATIC_CHECKS) expect(scripts[check.script], check.script).toBeTruthy()
    expect(STATIC_CHECKS.find((c) => c.name === 'Electronegativity')?.after).toBe('build')
    // lint alone still runs the three lint checks the side-by-side run splits
    expect(scripts.lint).toBe('npm run lint:format && npm run lint:code && npm run lint:boundaries')
    expect(scripts.test).toBe('node scripts/test.mjs')
  })
})
