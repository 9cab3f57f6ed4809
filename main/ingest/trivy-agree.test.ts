import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANALYST, clock, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { listFindings } from '../case/findings'
import { importFile } from './importer'
import type { FormatName, ImportSummary } from './types'

const root = mkdtempSync(join(tmpdir(), 'lastmile-trivy-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let dir: string
let c: WritableCaseDb
let now: () => string
let n = 0
beforeEach(() => {
  dir = join(root, `t${++n}`)
  mkdirSync(dir)
  c = freshCase(dir)
  now = clock()
})
afterEach(() => c.close())

function imp(path: string, format?: FormatName): ImportSummary {
  return importFile(c, path, { actor: ANALYST, now, displayName: path.slice(path.lastIndexOf('/') + 1), format })
}

type Row = { tool: string; rule_id: string; rule_kind: string; control: string; severity: number; resource: string; resource_type: string }
function alertsOf(s: ImportSummary): Row[] {
  return c.db
    .prepare(
      `SELECT a.tool, a.rule_id, a.rule_kind, a.control, a.severity, r.canonical_id AS resource, r.type AS resource_type
       FROM alerts a JOIN resources r ON r.id = a.resource_id WHERE a.last_import = ? ORDER BY a.rule_id`
    )
    .all(s.importId) as Row[]
}

describe('one Trivy image scan, whether it arrives as Trivy JSON, SARIF or ASFF', () => {
  it('gives the same tool, rules, kinds, controls, severities and resource (Trivy\u2019s own outputs of one scan)', () => {
    const json = alertsOf(imp(join(FIXTURES, 'real/trivy/alpine-310.json')))
    const sarif = alertsOf(imp(join(FIXTURES, 'real/trivy/alpine-310.sarif')))
    const asff = alertsOf(imp(join(FIXTURES, 'real/trivy/alpine-310.asff.json')))
    const image = 'testdata/fixtures/images/alpine-310.tar.gz'
    const view = (rows: Row[]): unknown[] => rows.map((a) => [a.tool, a.rule_id, a.rule_kind, a.control, a.resource_type, a.resource, a.severity])
    const cve = (id: string): unknown[] => ['trivy', id, 'vulnerability', 'container.image.vulnerable', 'container.image', image, 2]
    // two packages (libcrypto1.1, libssl1.1) share each CVE: an alert per package in every format
    expect(view(json)).toEqual([cve('CVE-2019-1549'), cve('CVE-2019-1549'), cve('CVE-2019-1551'), cve('CVE-2019-1551')])
    expect(view(asff)).toEqual(view(json))
    expect(view(sarif)).toEqual(view(json))
    const findings = listFindings(c.db)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ control: 'container.image.vulnerable', resource: { id: image, type: 'container.image' } })
  })

  it('secrets in ASFF are secrets, one alert each, in the file that holds them', () => {
    const s = imp(join(FIXTURES, 'real/trivy/secrets.asff.json'))
    expect(s).toMatchObject({ alerts: 2, scope: { tools: ['trivy'] }, sharedIds: { ids: 0 } })
    expect(alertsOf(s).map((a) => [a.tool, a.rule_kind, a.rule_id, a.resource])).toEqual([
      ['trivy', 'secret', 'AWS Access Key ID', 'deploy.sh'],
      ['trivy', 'secret', 'GitHub Personal Access Token', 'deploy.sh']
    ])
  })
})

describe('Trivy JSON without an ArtifactName', () => {
  it('names the image by its RepoTags, RepoDigests or ImageID, so two images are not merged', () => {
    const scan = JSON.parse(readFileSync(join(FIXTURES, 'real/trivy/scheme_2_many_vulns.json'), 'utf8')) as Record<string, unknown>
    const a = { ...scan, ArtifactName: '', Metadata: { OS: { Family: 'alpine', Name: '3.9.4' }, ImageID: `sha256:${'a1'.repeat(32)}` } }
    const b = { ...scan, ArtifactName: '', Metadata: { OS: { Family: 'alpine', Name: '3.9.4' }, ImageID: `sha256:${'b2'.repeat(32)}` } }
    writeFileSync(join(dir, 'a.json'), JSON.stringify(a))
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b))
    const sa = imp(join(dir, 'a.json'))
    const sb = imp(join(dir, 'b.json'))
    expect(new Set(alertsOf(sa).map((x) => x.resource))).toEqual(new Set([`sha256:${'a1'.repeat(32)}`]))
    expect(new Set(alertsOf(sb).map((x) => x.resource))).toEqual(new Set([`sha256:${'b2'.repeat(32)}`]))
    // each is its own scan: the second does not close the first's alerts
    expect(sb.closed).toBe(0)
    expect(listFindings(c.db).filter((f) => f.status === 'open')).toHaveLength(2)
    const tagged = { ...scan, ArtifactName: '', Metadata: { RepoTags: ['registry.example.com/team/app:1.4'], ImageID: `sha256:${'c3'.repeat(32)}` } }
    writeFileSync(join(dir, 'c.json'), JSON.stringify(tagged))
    expect(new Set(alertsOf(imp(join(dir, 'c.json'))).map((x) => x.resource))).toEqual(new Set(['registry.example.com/team/app:1.4']))
  })
})
