import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ANALYST, caseForEachTest, FIXTURES } from '../../test/fixtures/ingest/support'
import { listFindings } from '../case/findings'
import { trivyCheckId } from './formats/trivy'
import { importFile } from './importer'
import type { FormatName, ImportSummary } from './types'

const t = caseForEachTest('trivy')

function imp(path: string, format?: FormatName): ImportSummary {
  return importFile(t.c, path, { actor: ANALYST, now: t.now, displayName: path.slice(path.lastIndexOf('/') + 1), format })
}

type Row = { tool: string; rule_id: string; rule_kind: string; control: string; severity: number; resource: string; resource_type: string }
function alertsOf(s: ImportSummary): Row[] {
  return t.c.db
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
    const findings = listFindings(t.c.db)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ control: 'container.image.vulnerable', resource: { id: image, type: 'container.image' } })
  })

  it('a later ASFF export of the image closes the vulnerabilities it no longer reports', () => {
    type Asff = { Findings: Array<Record<string, unknown> & { GeneratorId: string; UpdatedAt: string }> }
    const scan = JSON.parse(readFileSync(join(FIXTURES, 'real/trivy/alpine-310.asff.json'), 'utf8')) as Asff
    imp(join(FIXTURES, 'real/trivy/alpine-310.asff.json'))
    // the next scan: CVE-2019-1551 fixed in both packages
    const later = scan.Findings.filter((f) => f.GeneratorId !== 'Trivy/CVE-2019-1551').map((f) => ({ ...f, CreatedAt: '2021-09-01T12:00:00Z', UpdatedAt: '2021-09-01T12:00:00Z' }))
    writeFileSync(join(t.dir, 'later.asff.json'), JSON.stringify({ Findings: later }))
    const s = imp(join(t.dir, 'later.asff.json'))
    expect(s).toMatchObject({ alerts: 2, new: 0, closed: 2, scope: { tools: ['trivy'], accounts: [], artifacts: ['testdata/fixtures/images/alpine-310.tar.gz'] } })
    const open = t.c.db.prepare('SELECT DISTINCT rule_id FROM alerts WHERE closed_at IS NULL').all() as Array<{ rule_id: string }>
    expect(open.map((r) => r.rule_id)).toEqual(['CVE-2019-1549'])
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
    writeFileSync(join(t.dir, 'a.json'), JSON.stringify(a))
    writeFileSync(join(t.dir, 'b.json'), JSON.stringify(b))
    const sa = imp(join(t.dir, 'a.json'))
    const sb = imp(join(t.dir, 'b.json'))
    expect(new Set(alertsOf(sa).map((x) => x.resource))).toEqual(new Set([`sha256:${'a1'.repeat(32)}`]))
    expect(new Set(alertsOf(sb).map((x) => x.resource))).toEqual(new Set([`sha256:${'b2'.repeat(32)}`]))
    // each is its own scan: the second does not close the first's alerts
    expect(sb.closed).toBe(0)
    expect(listFindings(t.c.db).filter((f) => f.status === 'open')).toHaveLength(2)
    const tagged = { ...scan, ArtifactName: '', Metadata: { RepoTags: ['registry.example.com/team/app:1.4'], ImageID: `sha256:${'c3'.repeat(32)}` } }
    writeFileSync(join(t.dir, 'c.json'), JSON.stringify(tagged))
    expect(new Set(alertsOf(imp(join(t.dir, 'c.json'))).map((x) => x.resource))).toEqual(new Set(['registry.example.com/team/app:1.4']))
  })
})

describe('Trivy misconfiguration ids', () => {
  it('are the AVD id whichever form the output gives (AVDID, old DS002/KSV001, new DS-0002/AWS-0086); custom ids stay', () => {
    expect(['AVD-DS-0002', 'DS002', 'DS-0002', 'ds002'].map(trivyCheckId)).toEqual(['AVD-DS-0002', 'AVD-DS-0002', 'AVD-DS-0002', 'AVD-DS-0002'])
    expect(['KSV001', 'AWS-0086', 'AVD-AWS-0086'].map(trivyCheckId)).toEqual(['AVD-KSV-0001', 'AVD-AWS-0086', 'AVD-AWS-0086'])
    expect(trivyCheckId('USER-CHECK-1')).toBe('USER-CHECK-1')
  })

  it('agree across JSON, SARIF (ruleId = ID) and ASFF (GeneratorId Trivy/<ID>) of one Dockerfile check', () => {
    const fs = JSON.parse(readFileSync(join(FIXTURES, 'real/trivy/misconfigurations_and_secrets.json'), 'utf8')) as {
      Results: Array<{ Target: string; Class: string; Type?: string; Misconfigurations?: Array<Record<string, string>> }>
    }
    const result = fs.Results.find((r) => r.Misconfigurations?.length)!
    const m = result.Misconfigurations![0]
    // what pkg/report/sarif.go and contrib/asff.tpl write for this misconfiguration
    const sarif = {
      version: '2.1.0',
      $schema: 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json',
      runs: [
        {
          tool: {
            driver: {
              fullName: 'Trivy Vulnerability Scanner',
              informationUri: 'https://github.com/aquasecurity/trivy',
              name: 'Trivy',
              rules: [
                {
                  id: m.ID,
                  name: 'Misconfiguration',
                  shortDescription: { text: m.Title },
                  fullDescription: { text: m.Description },
                  defaultConfiguration: { level: 'error' },
                  helpUri: m.PrimaryURL,
                  properties: { precision: 'very-high', 'security-severity': '8.0', tags: ['misconfiguration', 'security', m.Severity] }
                }
              ],
              version: '0.56.2'
            }
          },
          results: [
            {
              ruleId: m.ID,
              ruleIndex: 0,
              level: 'error',
              message: {
                text: `Artifact: ${result.Target}\nType: ${result.Type}\nVulnerability ${m.ID}\nSeverity: ${m.Severity}\nMessage: ${m.Message}\nLink: [${m.ID}](${m.PrimaryURL})`
              },
              locations: [
                {
                  physicalLocation: { artifactLocation: { uri: result.Target, uriBaseId: 'ROOTPATH' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } },
                  message: { text: result.Target }
                }
              ]
            }
          ],
          columnKind: 'utf16CodeUnits',
          originalUriBaseIds: { ROOTPATH: { uri: 'file:///src/' } }
        }
      ]
    }
    const asff = {
      Findings: [
        {
          SchemaVersion: '2018-10-08',
          Id: `${result.Target}/${m.ID}`,
          ProductArn: 'arn:aws:securityhub:eu-west-1::product/aquasecurity/aquasecurity',
          GeneratorId: `Trivy/${m.ID}`,
          AwsAccountId: '123456789012',
          Types: ['Software and Configuration Checks'],
          CreatedAt: '2024-05-02T10:00:00Z',
          UpdatedAt: '2024-05-02T10:00:00Z',
          Severity: { Label: m.Severity },
          Title: `Trivy found a misconfiguration in ${result.Target}: ${m.Title}`,
          Description: m.Description,
          Remediation: { Recommendation: { Text: m.Resolution, Url: m.PrimaryURL } },
          ProductFields: { 'Product Name': 'Trivy' },
          Resources: [
            {
              Type: 'Other',
              Id: result.Target,
              Partition: 'aws',
              Region: 'eu-west-1',
              Details: { Other: { Message: m.Message, Filename: result.Target, StartLine: '0', EndLine: '0' } }
            }
          ],
          RecordState: 'ACTIVE'
        }
      ]
    }
    writeFileSync(join(t.dir, 'trivy.sarif'), JSON.stringify(sarif, null, 2))
    writeFileSync(join(t.dir, 'trivy.asff.json'), JSON.stringify(asff, null, 2))
    const rows = [
      ...alertsOf(imp(join(FIXTURES, 'real/trivy/misconfigurations_and_secrets.json'))).filter((a) => a.rule_kind === 'misconfiguration'),
      ...alertsOf(imp(join(t.dir, 'trivy.sarif'))),
      ...alertsOf(imp(join(t.dir, 'trivy.asff.json')))
    ]
    expect(rows.map((a) => [a.tool, a.rule_id, a.rule_kind, a.control, a.severity])).toEqual(Array(3).fill(['trivy', 'AVD-DS-0002', 'misconfiguration', rows[0].control, 3]))
    expect(rows[0].control).not.toBe('trivy.AVD-DS-0002')
    expect(new Set(rows.map((a) => a.resource_type))).toEqual(new Set(['iac.file']))
  })
})
