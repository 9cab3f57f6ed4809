// The tool rule lists in playbooks/catalogue/sources/ (written by scripts/catalogue/extract-*.ts
// from mirrored public repositories): their shape, and that they name the rule ids Lastmile's
// adapters emit for real exports, so the catalogue built from them catches those alerts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANALYST, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../../main/db/case-db'
import { importFile } from '../../main/ingest/importer'
import { adapterRuleId, asffDocType, asffType, GUARDDUTY_COLUMNS } from './extract-guardduty'
import { CHECKOV_COLUMNS } from './extract-checkov'
import { KICS_COLUMNS } from './extract-kics'
import { TRIVY_COLUMNS } from './extract-trivy'
import { SECRET_COLUMNS } from './extract-trivy-secrets'
import { readTable } from './rulelists'

const TABLES = [
  { file: 'guardduty-finding-types.tsv', columns: GUARDDUTY_COLUMNS, title: 'title', atLeast: 190 },
  { file: 'trivy-checks.tsv', columns: TRIVY_COLUMNS, title: 'title', atLeast: 500 },
  { file: 'trivy-secret-rules.tsv', columns: SECRET_COLUMNS, title: 'title', atLeast: 90 },
  { file: 'checkov-checks.tsv', columns: CHECKOV_COLUMNS, title: 'title', atLeast: 1300 },
  { file: 'kics-queries.tsv', columns: KICS_COLUMNS, title: 'title', atLeast: 1700 }
] as const

describe.each(TABLES)('$file', ({ file, columns, title, atLeast }) => {
  const { header, rows } = readTable(file)

  it('has the agreed columns, in order', () => {
    expect(header).toEqual([...columns])
  })

  it(`has at least ${atLeast} rows, each with an id and a title`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(atLeast)
    for (const r of rows) {
      expect(r[columns[0]], JSON.stringify(r)).toMatch(/\S/)
      expect(r[title], `${r[columns[0]]} has no title`).toMatch(/\S/)
    }
  })

  it('names each id once (ids compare case-insensitively)', () => {
    const ids = rows.map((r) => r[columns[0]].toLowerCase())
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('keeps severities to the catalogue words', () => {
    const sev = rows.map((r) => r.severity).filter((s) => s !== undefined)
    expect(sev.filter((s) => !['', 'critical', 'high', 'medium', 'low', 'informational'].includes(s))).toEqual([])
  })
})

describe('the tables name what the adapters emit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-rulelists-'))
  let c: WritableCaseDb
  beforeAll(() => {
    c = freshCase(dir)
  })
  afterAll(() => {
    c.close()
    rmSync(dir, { recursive: true, force: true })
  })

  function ruleIds(rel: string, tool: string): Array<{ kind: string; id: string }> {
    const s = importFile(c, join(FIXTURES, rel), { actor: ANALYST, displayName: rel, partial: true })
    const rows = c.db.prepare('SELECT rule_kind AS kind, rule_id AS id FROM alerts WHERE last_import = ? AND tool = ? ORDER BY record_no').all(s.importId, tool)
    return rows as Array<{ kind: string; id: string }>
  }

  it("GuardDuty findings from Security Hub land on a row's rule_id", () => {
    const table = new Set(readTable('guardduty-finding-types.tsv').rows.map((r) => r.rule_id))
    const ids = ruleIds('real/awssecurityhub/guardduty.json', 'guardduty').map((a) => a.id)
    expect(ids).toHaveLength(4)
    expect(ids.filter((id) => !table.has(id))).toEqual([])
  })

  it("every rule_id is what the ASFF adapter makes of the type's ASFF form today (re-run extract-guardduty.ts when it changes)", () => {
    for (const r of readTable('guardduty-finding-types.tsv').rows) {
      expect(adapterRuleId(asffType(r.finding_type)), r.finding_type).toBe(r.rule_id)
      const doc = asffDocType(r.finding_type)
      const docRule = doc ? adapterRuleId(doc) : ''
      expect(r.asff_doc_rule_id, r.finding_type).toBe(docRule === r.rule_id ? '' : docRule)
    }
  })

  it('a GuardDuty finding type is the ASFF form with its first / as -, the !Artifact kept', () => {
    expect(asffType('Backdoor:EC2/C&CActivity.B!DNS')).toBe('TTPs/Backdoor/Backdoor:EC2-C&CActivity.B!DNS')
    expect(adapterRuleId(asffType('Backdoor:EC2/C&CActivity.B!DNS'))).toBe('Backdoor:EC2-C&CActivity.B!DNS')
    expect(adapterRuleId('TTPs/Credential Access/IAMUser-AnomalousBehavior')).toBe('CredentialAccess:IAMUser-AnomalousBehavior')
    expect(() => asffType('Recon:EC2')).toThrow(/not a GuardDuty finding type/)
  })

  it('Trivy misconfigurations (old short ids and AVD ids) and secrets land on a row', () => {
    const checks = readTable('trivy-checks.tsv').rows
    const known = new Set(checks.flatMap((r) => [r.avd_id, r.id, r.legacy_id]).filter(Boolean))
    const secrets = new Set(readTable('trivy-secret-rules.tsv').rows.map((r) => r.id))
    const alerts = [...ruleIds('real/trivy/misconfigurations_and_secrets.json', 'trivy'), ...ruleIds('real/trivy/terraform_misconfig_issue_14136.json', 'trivy')]
    const misconf = alerts.filter((a) => a.kind === 'misconfiguration').map((a) => a.id)
    const secret = alerts.filter((a) => a.kind === 'secret').map((a) => a.id)
    // the adapters name a built-in check by its AVD id whatever form the output gives (DS002 here: trivyCheckId)
    expect(misconf.sort()).toEqual(['AVD-AWS-0143', 'AVD-DS-0002'])
    expect(misconf.filter((id) => !known.has(id))).toEqual([])
    expect(secret).toContain('github-pat')
    expect(secret.filter((id) => !secrets.has(id))).toEqual([])
  })

  it('Checkov and KICS results (SARIF) land on a row', () => {
    const checkov = new Set(readTable('checkov-checks.tsv').rows.map((r) => r.id))
    const kics = new Set(readTable('kics-queries.tsv').rows.map((r) => r.id))
    const ck = ruleIds('written/checkov.sarif', 'checkov').map((a) => a.id)
    const kx = ruleIds('written/kics.sarif', 'kics').map((a) => a.id)
    expect(ck.length).toBeGreaterThan(0)
    expect(kx.length).toBeGreaterThan(0)
    expect(ck.filter((id) => !checkov.has(id))).toEqual([])
    expect(kx.filter((id) => !kics.has(id))).toEqual([])
  })

  it('a Checkov check names what it looks at; a KICS override is a query of its own', () => {
    const rows = readTable('checkov-checks.tsv').rows
    expect(rows.find((r) => r.id === 'CKV_AWS_20')).toMatchObject({ provider: 'aws' })
    expect(rows.find((r) => r.id === 'CKV_AWS_20')!.resource_types.split(',')).toContain('aws_s3_bucket')
    expect(rows.find((r) => r.id === 'CKV_DOCKER_2')).toMatchObject({ provider: 'dockerfile' })
    const kics = readTable('kics-queries.tsv').rows
    // assets/queries/openAPI/general/api_key_exposed_in_global_security: the 3.0 query and its 2.0 override
    expect(kics.find((r) => r.id === 'aecee30b-8ea1-4776-a99c-d6d600f0862f')).toMatchObject({ platform: 'OpenAPI', title: 'API Key Exposed In Global Security (v3)' })
    expect(kics.find((r) => r.id === '533a0d13-6e89-4551-ae33-bce14e5849c1')).toMatchObject({ platform: 'OpenAPI', title: 'API Key Exposed In Global Security (v2)' })
  })

  it('a Trivy check carries all its id forms: AVD-DS-0002 is DS-0002 is DS002', () => {
    const row = readTable('trivy-checks.tsv').rows.find((r) => r.avd_id === 'AVD-DS-0002')
    expect(row).toMatchObject({ id: 'DS-0002', legacy_id: 'DS002', provider: 'dockerfile' })
  })
})
