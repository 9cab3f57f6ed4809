// The fix and its rollback, rendered from the fixture's case and run with bash against a small fake
// `az rest` (there is no Azure emulator) holding the tenant's role assignments: the guest's assignments
// go, a second run changes nothing, and the rollback re-creates exactly the saved assignments (the
// same principal, role definition and scope; the Azure one under its own id).
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCaseDb, type WritableCaseDb } from '../../main/db/case-db'
import { buildCase } from '../../main/demo/case-builder'
import { listFindings } from '../../main/case/findings'
import { loadPlaybooks } from '../../main/investigate/loader'
import { renderFix } from '../../main/remediate'
import { hasBash } from '../../test/fixtures/remediation/run-script'
import { uuidOf } from '../../test/casegen/world'
import { ARM, GRAPH } from './fix'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '7b1d3f5a-9c2e-4e6f-8a1b-2c3d4e5f6a7b'
const CONSULTANT = uuidOf('entra:consultant')

/** A fake `az` that knows `az rest` on Graph directory role assignments and ARM role assignments, with its state in a JSON file. */
const FAKE_AZ = `#!/usr/bin/env node
const fs = require('fs')
const file = process.env.FAKE_AZ_STATE
const s = JSON.parse(fs.readFileSync(file, 'utf8'))
const a = process.argv.slice(2)
const opt = (k) => { const i = a.indexOf(k); return i < 0 ? null : a[i + 1] }
fs.appendFileSync(file + '.calls', a.join(' ') + '\\n')
if (a[0] !== 'rest') { process.stderr.write('fake az: only az rest\\n'); process.exit(2) }
const method = opt('--method'), url = opt('--url'), body = opt('--body'), query = opt('--query')
const G = ${JSON.stringify(GRAPH)}, A = ${JSON.stringify(ARM)}
const save = () => fs.writeFileSync(file, JSON.stringify(s))
if (url.startsWith(G + '?')) {
  const f = decodeURIComponent(url).match(/principalId eq '([^']+)' and roleDefinitionId eq '([^']+)'/)
  const m = Object.values(s.graph).filter((x) => x.principalId === f[1] && x.roleDefinitionId === f[2])
  const scope = query && query.match(/directoryScopeId=='([^']*)'/)
  const hit = m.filter((x) => !scope || x.directoryScopeId === scope[1])
  if (query) { if (hit.length) process.stdout.write(hit[0].id + '\\n'); process.exit(0) }
  process.stdout.write(JSON.stringify({ value: m })); process.exit(0)
}
if (url === G && method === 'post') { const b = JSON.parse(body); const id = 'new-' + Object.keys(s.graph).length; s.graph[id] = { id, ...b }; save(); process.exit(0) }
const [kind, key] = url.startsWith(G + '/') ? ['graph', url.slice(G.length + 1)] : ['arm', url.slice(A.length).split('?')[0]]
if (method === 'get') { if (!s[kind][key]) { process.stderr.write('Not Found\\n'); process.exit(3) } process.stdout.write(JSON.stringify(s[kind][key])); process.exit(0) }
if (method === 'delete') { delete s[kind][key]; save(); process.exit(0) }
if (method === 'put') { s[kind][key] = { id: key, ...JSON.parse(body) }; save(); process.exit(0) }
process.exit(2)
`

describe.runIf(hasBash())('azure.entra.guest-user-high-privileges fix', () => {
  let c: WritableCaseDb
  let dir = ''
  const target = (user: string) => {
    const f = listFindings(c.db).find((x) => x.control === 'azure.entra.guest-user-high-privileges' && x.resource.id === user)!
    return {
      finding: f.id,
      control: f.control,
      resourceId: f.resource.id,
      resourceType: f.resource.type,
      account: f.resource.account,
      region: f.resource.region,
      name: f.resource.name
    }
  }
  const bundleList = (name: string) => (JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'azure', SUB, name), 'utf8')) as { value: any[] }).value

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lm-guest-'))
    c = createCaseDb(join(dir, 'case.lmcase'), 'fixture passphrase', { now: '2026-11-21T09:00:00.000Z' })
    await buildCase(c, {
      exportsDir: join(FIXTURE, 'exports'),
      bundleDir: join(FIXTURE, 'bundle'),
      actor: { kind: 'person', name: 'test', role: 'analyst' },
      playbooks: loadPlaybooks(),
      now: () => '2026-11-21T09:00:00.000Z'
    })
    writeFileSync(join(dir, 'az'), FAKE_AZ)
    chmodSync(join(dir, 'az'), 0o755)
  })
  afterAll(() => {
    c.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const run = (script: string, state: string) =>
    spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_AZ_STATE: state, LASTMILE_ROLLBACK_DIR: join(dir, 'rollback') }
    })

  it("removes the guest's directory and Azure role assignments, and the rollback re-creates exactly them", () => {
    const fix = renderFix(c.db, target(CONSULTANT), 'P-1')
    const script = fix.artefacts.find((a) => a.name.endsWith('fix.sh'))!.content
    const dirRole = bundleList('entra/directory-role-assignments.json').find((r) => r.principalId === CONSULTANT)
    const azRole = bundleList('role-assignments.json').find((r) => r.properties.principalId === CONSULTANT)
    // the tenant: the guest's two assignments and another user's, which must not be touched
    const other = bundleList('entra/directory-role-assignments.json').find((r) => r.principalId !== CONSULTANT)
    const state = join(dir, 'state.json')
    const { roleDefinition: _d, ...dirSaved } = dirRole
    const { roleDefinition: _o, ...otherSaved } = other
    const initial = { graph: { [dirRole.id]: dirSaved, [other.id]: otherSaved }, arm: { [azRole.id]: { id: azRole.id, properties: azRole.properties } } }
    writeFileSync(state, JSON.stringify(initial))
    expect(script).toContain(`az rest --method delete --url '${GRAPH}/${dirRole.id}'`)
    expect(script).toContain(`az rest --method delete --url '${ARM}${azRole.id}?api-version=2022-04-01'`)

    const r = run(script, state)
    expect(r.stderr).toContain('holds none of the roles it had')
    expect(r.status).toBe(0)
    const after = JSON.parse(readFileSync(state, 'utf8'))
    expect(after).toEqual({ graph: { [other.id]: otherSaved }, arm: {} })
    // a second run finds nothing left to do and changes nothing
    writeFileSync(`${state}.calls`, '')
    expect(run(script, state).status).toBe(0)
    expect(
      readFileSync(`${state}.calls`, 'utf8')
        .split('\n')
        .filter((l) => / --method (delete|put|post) /.test(` ${l} `))
    ).toEqual([])

    const rb = run(fix.rollback[0].content, state)
    expect(rb.status).toBe(0)
    const back = JSON.parse(readFileSync(state, 'utf8'))
    // the directory assignment comes back with a new id, and exactly the saved principal, role and scope
    const recreated = Object.values(back.graph).filter((x: any) => x.principalId === CONSULTANT)
    expect(recreated).toEqual([
      { id: expect.stringMatching(/^new-/), principalId: CONSULTANT, roleDefinitionId: dirRole.roleDefinitionId, directoryScopeId: dirRole.directoryScopeId }
    ])
    // the Azure assignment comes back under its own id, with the same role definition and principal
    expect(back.arm[azRole.id]).toEqual({
      id: azRole.id,
      properties: { roleDefinitionId: azRole.properties.roleDefinitionId, principalId: CONSULTANT, principalType: 'User' }
    })
    // run again: nothing more is created
    const twice = run(fix.rollback[0].content, state)
    expect(twice.status).toBe(0)
    expect(Object.values(JSON.parse(readFileSync(state, 'utf8')).graph).filter((x: any) => x.principalId === CONSULTANT)).toHaveLength(1)
  })

  it('renders no fix for a guest that holds no role, and none for a user the evidence does not list', () => {
    expect(() => renderFix(c.db, target(uuidOf('entra:former')), 'P-2')).toThrow(/holds no role assignment in the evidence/)
    expect(() => renderFix(c.db, target(uuidOf('entra:unlisted')), 'P-3')).toThrow(/no configuration of .* in the case's evidence/)
  })
})
