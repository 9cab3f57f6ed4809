// The fix and its rollback, rendered from the fixture's case and run with bash against a small fake
// `az rest` (there is no Entra emulator) holding the tenant's owners and app role assignments: the
// owner edge goes (or the Graph permission goes), a second run changes nothing, and the rollback
// re-creates exactly what was removed (the same owner reference; the same principal, resource and app
// role). Everything else in the tenant is left as it was.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { hasBash } from '../../test/fixtures/remediation/run-script'
import { uuidOf } from '../../test/casegen/world'
import { CONTROL, GRAPH } from './fix'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = 'c4d2a8e1-6f3b-4d9a-b2e7-1a5c9e3f7d20'

/** A fake `az` that knows `az rest` on Graph owners and app role assignments, with its state in a JSON file. */
const FAKE_AZ = `#!/usr/bin/env node
const fs = require('fs')
const file = process.env.FAKE_AZ_STATE
const s = JSON.parse(fs.readFileSync(file, 'utf8'))
const a = process.argv.slice(2)
const opt = (k) => { const i = a.indexOf(k); return i < 0 ? null : a[i + 1] }
fs.appendFileSync(file + '.calls', a.join(' ') + '\\n')
if (a[0] !== 'rest') { process.stderr.write('fake az: only az rest\\n'); process.exit(2) }
const method = opt('--method'), url = opt('--url'), body = opt('--body'), query = opt('--query')
const save = () => fs.writeFileSync(file, JSON.stringify(s))
const path = url.startsWith(${JSON.stringify(GRAPH)} + '/') ? url.slice(${JSON.stringify(GRAPH)}.length + 1).split('/') : null
if (!path) process.exit(2)
const out = (ids) => { if (ids.length) process.stdout.write(ids.join('\\n') + '\\n') }
if (path[2] === 'owners') {
  const key = path[0] + '/' + path[1]
  const owners = s.owners[key] ?? []
  if (method === 'get' && path.length === 3) { const m = query.match(/id=='([^']+)'/); out(owners.filter((x) => x === m[1])); process.exit(0) }
  if (method === 'delete' && path.length === 5 && path[4] === '$ref') { s.owners[key] = owners.filter((x) => x !== path[3]); save(); process.exit(0) }
  if (method === 'post' && path.length === 4 && path[3] === '$ref') { const id = JSON.parse(body)['@odata.id'].split('/').pop(); if (owners.includes(id)) process.exit(4); s.owners[key] = [...owners, id]; save(); process.exit(0) }
}
if (path[0] === 'servicePrincipals' && path[2] === 'appRoleAssignments') {
  const list = s.assignments[path[1]] ?? []
  if (method === 'get' && path.length === 3) {
    const id = query.match(/^value\\[\\?id=='([^']+)'\\]/), pair = query.match(/resourceId=='([^']+)' && appRoleId=='([^']+)'/)
    out(list.filter((x) => (id ? x.id === id[1] : x.resourceId === pair[1] && x.appRoleId === pair[2])).map((x) => x.id)); process.exit(0)
  }
  if (method === 'get' && path.length === 4) { const x = list.find((y) => y.id === path[3]); if (!x) { process.stderr.write('Not Found\\n'); process.exit(3) } process.stdout.write(JSON.stringify(x)); process.exit(0) }
  if (method === 'delete' && path.length === 4) { s.assignments[path[1]] = list.filter((x) => x.id !== path[3]); save(); process.exit(0) }
  if (method === 'post' && path.length === 3) { const b = JSON.parse(body); if (b.principalId !== path[1]) process.exit(5); s.assignments[path[1]] = [...list, { id: 'new-' + list.length, ...b }]; save(); process.exit(0) }
}
process.stderr.write('fake az: unexpected ' + method + ' ' + url + '\\n'); process.exit(2)
`

describe.runIf(hasBash())('azure.entra.admin-escalation-path fix', () => {
  let fc: FixtureCase
  let dir = ''
  const target = (principal: string) => fc.target(CONTROL, principal)
  const bundleList = (name: string) => (JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'azure', SUB, 'entra', name), 'utf8')) as { value: any[] }).value
  const run = (script: string, state: string) =>
    spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_AZ_STATE: state, LASTMILE_ROLLBACK_DIR: join(dir, 'rollback') }
    })
  const changes = (state: string) =>
    readFileSync(`${state}.calls`, 'utf8')
      .split('\n')
      .filter((l) => / --method (delete|put|post) /.test(` ${l} `))

  beforeAll(async () => {
    fc = await fixtureCase(FIXTURE)
    dir = mkdtempSync(join(tmpdir(), 'lm-escalation-'))
    writeFileSync(join(dir, 'az'), FAKE_AZ)
    chmodSync(join(dir, 'az'), 0o755)
  })
  afterAll(() => {
    fc.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('removes the principal as owner of the application it owns, and the rollback makes it an owner again', () => {
    const dev = uuidOf('esc:dev')
    const hr = bundleList('applications.json').find((x) => x.displayName === 'hr-sync')
    const other = bundleList('service-principals.json').find((x) => x.displayName === 'ci-deployer')
    const fix = renderFix(fc.c.db, target(dev), 'P-1')
    const script = fix.artefacts.find((x) => x.name.endsWith('fix.sh'))!.content
    expect(script).toContain(`az rest --method delete --url '${GRAPH}/applications/${hr.id}/owners/${dev}/$ref'`)
    expect(script).not.toContain('appRoleAssignments/')
    // the preconditions are the investigation's, not a fixed claim: this owner rotated the secret in the window
    expect(fix.preconditions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the RCI verdict is UNSAFE/),
        expect.stringMatching(/^the edge this fix cuts WAS used in the window.*Certificates and secrets management/)
      ])
    )
    const state = join(dir, 'owners.json')
    const initial = { owners: { [`applications/${hr.id}`]: [dev, uuidOf('esc:ana')], [`servicePrincipals/${other.id}`]: [uuidOf('esc:ana')] }, assignments: {} }
    writeFileSync(state, JSON.stringify(initial))
    const r = run(script, state)
    expect(r.stderr).toContain('can no longer reach an admin group')
    expect(r.status).toBe(0)
    // only the principal's own ownership went: the co-owner and the other application are untouched
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ ...initial, owners: { ...initial.owners, [`applications/${hr.id}`]: [uuidOf('esc:ana')] } })
    writeFileSync(`${state}.calls`, '')
    expect(run(script, state).status).toBe(0)
    expect(changes(state)).toEqual([])

    const rollback = fix.rollback[0].content
    expect(rollback).toContain(`--body '{"@odata.id":"${GRAPH}/directoryObjects/${dev}"}'`)
    expect(run(rollback, state).status).toBe(0)
    const back = JSON.parse(readFileSync(state, 'utf8'))
    expect(back.owners[`applications/${hr.id}`].sort()).toEqual([dev, uuidOf('esc:ana')].sort())
    expect(back.owners[`servicePrincipals/${other.id}`]).toEqual([uuidOf('esc:ana')])
    // run again: nothing more is added
    writeFileSync(`${state}.calls`, '')
    expect(run(rollback, state).status).toBe(0)
    expect(changes(state)).toEqual([])
  })

  it("removes the application's Graph permission when the principal's power is a role over applications, and the rollback grants exactly it again", () => {
    const appAdmin = uuidOf('esc:app-admin')
    const bot = bundleList('service-principals.json').find((x) => x.displayName === 'group-bot')
    const grant = bundleList('app-role-assignments.json').find((x) => x.principalId === bot.id)
    const keep = bundleList('app-role-assignments.json').find((x) => x.principalId !== bot.id)
    const fix = renderFix(fc.c.db, target(appAdmin), 'P-2')
    const script = fix.artefacts.find((x) => x.name.endsWith('fix.sh'))!.content
    expect(script).toContain(`az rest --method delete --url '${GRAPH}/servicePrincipals/${bot.id}/appRoleAssignments/${grant.id}'`)
    expect(script).not.toContain('/owners/')
    const state = join(dir, 'grants.json')
    const pick = (x: any) => ({ id: x.id, principalId: x.principalId, resourceId: x.resourceId, appRoleId: x.appRoleId })
    const initial = { owners: {}, assignments: { [bot.id]: [pick(grant)], [keep.principalId]: [pick(keep)] } }
    writeFileSync(state, JSON.stringify(initial))
    const r = run(script, state)
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ owners: {}, assignments: { [bot.id]: [], [keep.principalId]: [pick(keep)] } })
    // the removed assignment was saved live first
    expect(JSON.parse(readFileSync(join(dir, 'rollback', target(appAdmin).finding, `app-role-assignment-${grant.id}.json`), 'utf8'))).toEqual(pick(grant))
    writeFileSync(`${state}.calls`, '')
    expect(run(script, state).status).toBe(0)
    expect(changes(state)).toEqual([])

    expect(run(fix.rollback[0].content, state).status).toBe(0)
    const back = JSON.parse(readFileSync(state, 'utf8'))
    // a new id (Graph assigns it), exactly the same principal, resource and app role
    expect(back.assignments[bot.id]).toEqual([{ id: 'new-0', principalId: bot.id, resourceId: grant.resourceId, appRoleId: grant.appRoleId }])
    expect(back.assignments[keep.principalId]).toEqual([pick(keep)])
    writeFileSync(`${state}.calls`, '')
    expect(run(fix.rollback[0].content, state).status).toBe(0)
    expect(changes(state)).toEqual([])
  })

  it('renders no fix where no edge can be cut, none where no path is left, and none for a principal the evidence does not list', () => {
    expect(() => renderFix(fc.c.db, target(uuidOf('esc:it-ops')), 'P-3')).toThrow(/directory roles or group ownership this fix cannot cut/)
    expect(() => renderFix(fc.c.db, target(uuidOf('esc:former')), 'P-4')).toThrow(/no path to an admin group in the evidence/)
    expect(() => renderFix(fc.c.db, target(uuidOf('esc:unlisted')), 'P-5')).toThrow(/no configuration of .* in the case's evidence/)
  })
})
