import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES } from '../../test/fixtures/ingest/support'
import { cli } from '../../test/helpers/cli'
import { cliProcess } from '../../test/helpers/cli-process'
import { tempDir } from '../../test/helpers/tmp'
import { openCaseDb } from '../db/case-db'
import { casePeople } from '../identity/case-people'
import { readPersonKeyInfo } from '../identity/personal-key'

const KEY = 'correct horse battery staple'

function setup() {
  const dir = tempDir()
  const keyFile = join(dir, 'key.txt')
  writeFileSync(keyFile, `${KEY}\nignored second line\n`)
  return { dir, keyFile, env: { LASTMILE_DATA_DIR: join(dir, 'data') } }
}

describe('lastmile case create / verify', () => {
  it('creates an encrypted case with the key from --key-file and records who did it', async () => {
    const { dir, keyFile, env } = setup()
    const path = join(dir, 'q4.lmcase')
    const r = await cli(['case', 'create', path, '--key-file', keyFile, '--as', 'Dana Ops', '--role', 'operator', '--json'], env)
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ path, name: 'q4', readOnly: false })
    const c = openCaseDb(path, KEY)
    const entry = c.db.prepare('SELECT actor, action FROM audit_log').get() as { actor: string; action: string }
    // Dana's key was made on first use (0600) and signs case.create: she owns the case
    const keyInfo = readPersonKeyInfo(join(dir, 'data', 'people', 'dana-ops.key.json'))!
    expect(statSync(keyInfo.file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(entry.actor)).toEqual({ kind: 'person', name: 'Dana Ops', role: 'operator', key: keyInfo.fingerprint })
    expect(entry.action).toBe('case.create')
    expect(casePeople(c.db)).toEqual([expect.objectContaining({ name: 'Dana Ops', key: keyInfo.fingerprint, owner: true })])
    c.close()

    const again = await cli(['case', 'create', path, '--key-file', keyFile], env)
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already exists/)
  })

  it('takes the key from LASTMILE_KEY, and refuses when there is none', async () => {
    const { dir, env } = setup()
    const path = join(dir, 'env.lmcase')
    expect((await cli(['case', 'create', path], { ...env, LASTMILE_KEY: KEY })).code).toBe(0)
    const none = await cli(['verify', path], env)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/no case key: give --key-file FILE .* or set LASTMILE_KEY/)
    expect(none.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('people: the creator owns the case, grants roles, turns four-eyes off; verify says who signed what and shows it', async () => {
    const { dir, keyFile, env } = setup()
    const path = join(dir, 'people.lmcase')
    const k = ['--key-file', keyFile]
    expect((await cli(['case', 'create', path, ...k, '--as', 'Olive Owner'], env)).code).toBe(0)
    // Rita joins with her own key; nobody but the owner grants her a role
    const join_ = await cli(['join', path, ...k, '--as', 'Rita Reviewer', '--json'], env)
    expect(join_.json()).toMatchObject({ name: 'Rita Reviewer', roles: ['analyst'], owner: false })
    const self = await cli(['grant', path, ...k, '--as', 'Rita Reviewer', '--person', 'Rita Reviewer', '--role', 'approver'], env)
    expect(self.code).toBe(2)
    expect(self.stderr).toMatch(/only the case owner Olive Owner .* can grant roles/)
    expect((await cli(['grant', path, ...k, '--as', 'Olive Owner', '--person', 'Rita Reviewer', '--role', 'approver'], env)).code).toBe(0)
    const people = (await cli(['people', path, ...k, '--json'], env)).json() as Array<{ name: string; roles: string[]; owner: boolean }>
    expect(people.map((p) => [p.name, p.owner, p.roles])).toEqual([
      ['Olive Owner', true, ['admin', 'approver', 'operator', 'auditor', 'analyst']],
      ['Rita Reviewer', false, ['approver', 'analyst']]
    ])
    expect((await cli(['four-eyes', path, 'off', ...k, '--as', 'Rita Reviewer', '--role', 'approver', '--reason', 'mine'], env)).stderr).toMatch(/only the case owner Olive Owner/)
    expect((await cli(['four-eyes', path, 'off', ...k, '--as', 'Olive Owner', '--reason', 'two-person team this week'], env)).code).toBe(0)
    const v = await cli(['verify', path, ...k], env)
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/case owner: Olive Owner \(key [0-9A-F:]+, OS user .+\); roles are granted by the owner/)
    expect(v.stdout).toMatch(/\*\*\* FOUR-EYES TURNED OFF \*\*\* at .* by Olive Owner .*: two-person team this week/)
    expect(v.stdout).toMatch(/identity\.role-granted .* — Olive Owner \(admin, OS user .+\) signed by key/)
    expect((await cli(['verify', path, ...k, '--json'], env)).json()).toMatchObject({ people: { ok: true, fourEyes: [{ enabled: false, by: 'Olive Owner' }] } })
  })

  it('verify: exit 0 on an intact case, 1 naming the entry on tampering, 2 on a wrong key', async () => {
    const { dir, keyFile, env } = setup()
    const path = join(dir, 'case.lmcase')
    await cli(['case', 'create', path, '--key-file', keyFile], env)
    const ok = await cli(['verify', path, '--key-file', keyFile, '--json'], env)
    expect(ok.code).toBe(0)
    expect(ok.json()).toMatchObject({ kind: 'case', ok: true, audit: { entries: 1 } })

    const c = openCaseDb(path, KEY)
    c.db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'someone else' WHERE seq = 1")
    c.close()
    const bad = await cli(['verify', path, '--key-file', keyFile], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/TAMPERED: .*entry 1 \(case\.create\) does not match its hash/)

    writeFileSync(keyFile, 'the wrong passphrase\n')
    const wrong = await cli(['verify', path, '--key-file', keyFile], env)
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/^lastmile verify: .*case\.lmcase: cannot decrypt the case/)
  })

  it('reports bad usage in one line with exit 2', async () => {
    const { env } = setup()
    for (const argv of [['frobnicate'], ['case', 'create'], ['verify', 'x', '--bogus'], ['case', 'create', 'x', '--key-file']]) {
      const r = await cli(argv, env)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect((await cli(['--help'], env)).stdout).toMatch(/case create/)
  })

  it('runs from the checkout with npm run cli, paths relative to where it was typed', () => {
    const { dir, keyFile } = setup()
    const root = join(__dirname, '..', '..')
    const r = spawnSync('npm', ['--prefix', root, 'run', '--silent', 'cli', '--', 'case', 'create', 'rel.lmcase', '--key-file', keyFile, '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LASTMILE_DATA_DIR: join(dir, 'data') }
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(existsSync(join(dir, 'rel.lmcase'))).toBe(true)
    expect(JSON.parse(r.stdout).path).toBe(join(dir, 'rel.lmcase'))
    expect(readFileSync(keyFile, 'utf8')).toContain(KEY)
  })
})

describe('output into a pipe closed early (lastmile … | head)', () => {
  it('ends quietly: no EPIPE stack trace, the exit code of the command', async () => {
    const dir = tempDir()
    const env = { LASTMILE_DATA_DIR: join(dir, 'data'), LASTMILE_KEY: KEY }
    const path = join(dir, 'c.lmcase')
    expect((await cli(['case', 'create', path], env)).code).toBe(0)
    // one alert whose record is far larger than a pipe's buffer
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'written/dedup/securityhub-s3.json'), 'utf8')) as { Findings: Array<Record<string, unknown>> }
    doc.Findings[0].Description = 'x'.repeat(2 * 1024 * 1024)
    const sh = join(dir, 'sh.json')
    writeFileSync(sh, JSON.stringify(doc, null, 2))
    expect((await cli(['ingest', path, sh], env)).code).toBe(0)
    for (const argv of [['alert', path, 'A-1'], ['alert', path, 'A-1', '--json'], ['--help']]) {
      const r = await cliProcess(argv, { env, onStdout: (_chunk, close) => close() })
      expect(r.timedOut, argv.join(' ')).toBe(false)
      expect(r.stderr, argv.join(' ')).toBe('')
      expect(r.code, argv.join(' ')).toBe(0)
    }
  }, 120_000)
})
