import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { listFindings } from '../../main/case/findings'
import { loadControls } from '../../main/controls/catalogue'
import { detectFormat } from '../../main/ingest/detect'
import { importFile } from '../../main/ingest/importer'
import { readExport, readPlan } from '../../main/ingest/reader'
import type { RuleKind } from '../../main/ingest/types'
import { ANALYST, clock, freshCase } from '../../test/fixtures/ingest/support'
import { AZURE_OVERRIDES, folderWizRules, referenceRules, renderOverrides, renderWizTable, WIZ_TABLE, wizRules, type WizRule } from './extract-azure'

const ROOT = join(__dirname, '..', '..')
const REAL = join(ROOT, 'test', 'fixtures', 'ingest', 'real')

type Failing = { tool: string; ruleId: string; kind: RuleKind; type: string }

/** The failing alerts of a real export, as Lastmile's adapters emit them. */
function failing(file: string): Failing[] {
  const path = join(REAL, file)
  const out: Failing[] = []
  const detected = detectFormat(path, file)
  readExport(readPlan(path, file, detected), {
    block() {},
    context() {},
    progress() {},
    alert(a) {
      if (a.outcome === 'FAIL') out.push({ tool: a.tool, ruleId: a.ruleId, kind: a.kind, type: a.res.type })
    }
  })
  return out
}

/** tool:rule (lower-cased) → the anchor or new control azure.yaml gives it. */
function overrides(): Map<string, string> {
  const m = new Map<string, string>()
  const file = parse(readFileSync(join(ROOT, AZURE_OVERRIDES), 'utf8')) as { controls: Array<{ anchor?: string; id?: string; rules: Record<string, string[]> }> }
  for (const c of file.controls) {
    for (const [tool, ids] of Object.entries(c.rules)) for (const id of ids) m.set(`${tool}:${id.toLowerCase()}`, c.anchor ?? c.id!)
  }
  return m
}

describe('Defender for Cloud and Wiz on the catalogue (scripts/catalogue/extract-azure.ts)', () => {
  it('the committed Wiz table and overrides are what the script writes from the exports and the decisions', () => {
    const wiz = wizRules(ROOT)
    expect(readFileSync(join(ROOT, WIZ_TABLE), 'utf8')).toBe(renderWizTable(wiz))
    expect(readFileSync(join(ROOT, AZURE_OVERRIDES), 'utf8')).toBe(renderOverrides(wiz, referenceRules(ROOT), folderWizRules(ROOT)))
  })

  it('every failing Defender and Wiz alert of the real exports lands on a catalogued control, not on a per-tool fallback', () => {
    const m = overrides()
    const table = loadControls()
    // azure.yaml, or a control folder's own row (Defender's secure-transfer key is in azure.storage.secure-transfer)
    const catalogued = (a: Failing): boolean => m.has(`${a.tool}:${a.ruleId.toLowerCase()}`) || table.isMapped(table.resolve(a.tool, a.ruleId, a.kind, a.type))
    const alerts = [
      ...failing('defender_for_cloud/recommendations_export_many.csv'),
      ...failing('wiz/issues_one_finding.csv'),
      ...failing('wiz/issues_resolved_findings.csv'),
      ...failing('wiz/issues_multiple_findings.csv')
    ]
    expect(alerts.length).toBeGreaterThan(90)
    expect(alerts.filter((a) => !catalogued(a)).map((a) => `${a.tool}:${a.ruleId}`)).toEqual([])
    // the sample's storage account without a private link is Prowler's private-endpoint control
    expect(m.get('defender:cdc78c07-02b0-4af0-1cb2-cb7c672a8b0a')).toBe('prowler:storage_ensure_private_endpoints_in_storage_accounts')
  })

  it('refuses a Wiz rule of an export that no decision maps, naming it and its export', () => {
    const wiz = wizRules(ROOT)
    const stray: WizRule = {
      id: '00000000-0000-4000-8000-000000000000',
      title: 'A new Wiz control',
      resourceTypes: ['azure.compute.vm'],
      severities: ['high'],
      alerts: 1,
      exports: ['x.csv']
    }
    expect(() => renderOverrides([...wiz, stray], referenceRules(ROOT), folderWizRules(ROOT))).toThrow(
      /wiz rule 00000000-0000-4000-8000-000000000000 \(A new Wiz control, x\.csv\) is mapped to no control/
    )
  })

  it('refuses an anchor that no reference table has, whether a Prowler check or a Security Hub control', () => {
    const rules = referenceRules(ROOT)
    rules.delete('prowler:network_watcher_enabled')
    rules.delete('securityhub:RDS.2')
    expect(() => renderOverrides(wizRules(ROOT), rules, folderWizRules(ROOT))).toThrow(
      /anchor: prowler:network_watcher_enabled is in neither .*\n- anchor: securityhub:RDS.2 is in neither/
    )
  })
})

describe('one problem reported by Defender for Cloud and by Prowler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-azure-catalogue-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("the real Defender export's storage account without a private link and Prowler's finding on it are one finding with two alerts", () => {
    // Prowler 5 JSON-OCSF for the storage account the Defender sample reports (its ARM id as Azure writes it, mixed case)
    const account =
      '/subscriptions/9cfbad7a-7369-42e4-bcce-7677c5b3a44b/resourceGroups/cloud-shell-storage-westeurope/providers/Microsoft.Storage/storageAccounts/swe10032201245e263h'
    const prowler = join(dir, 'prowler-azure.ocsf.json')
    writeFileSync(
      prowler,
      JSON.stringify([
        {
          metadata: {
            event_code: 'storage_ensure_private_endpoints_in_storage_accounts',
            product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.4.0' },
            version: '1.4.0'
          },
          severity_id: 3,
          severity: 'Medium',
          status_code: 'FAIL',
          status_id: 1,
          finding_info: {
            uid: 'prowler-azure-storage_ensure_private_endpoints_in_storage_accounts-9cfbad7a-7369-42e4-bcce-7677c5b3a44b-westeurope-swe10032201245e263h',
            title: 'Storage account has private endpoint connections',
            created_time_dt: '2025-03-01T10:00:00.000000'
          },
          cloud: { provider: 'azure', account: { uid: '9cfbad7a-7369-42e4-bcce-7677c5b3a44b', type: 'Azure_AD_Tenant' }, region: 'westeurope' },
          resources: [{ region: 'westeurope', name: 'swe10032201245e263h', type: 'Microsoft.Storage/storageAccounts', uid: account }],
          class_uid: 2004
        }
      ])
    )
    const c = freshCase(dir)
    try {
      const now = clock()
      importFile(c, join(REAL, 'defender_for_cloud/recommendations_export_many.csv'), { actor: ANALYST, now, displayName: 'defender.csv' })
      const s = importFile(c, prowler, { actor: ANALYST, now, displayName: 'prowler.ocsf.json' })
      expect(s.findings.new).toBe(0)
      const [f, ...others] = listFindings(c.db, { control: 'azure.storage.ensure-private-endpoints-in-storage-accounts' })
      expect(others).toEqual([])
      expect(f.resource).toMatchObject({ id: account.toLowerCase(), type: 'azure.storage.account' })
      expect(f.alerts.map((a) => [a.tool, a.ruleId])).toEqual([
        ['defender', 'cdc78c07-02b0-4af0-1cb2-cb7c672a8b0a'],
        ['prowler', 'storage_ensure_private_endpoints_in_storage_accounts']
      ])
    } finally {
      c.close()
    }
  })
})

describe("one AWS problem reported by Defender for Cloud's AWS connector and by Prowler", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-defender-aws-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("Defender's 'RDS DB Instances should prohibit public access' and Prowler's rds_instance_no_public_access on one database are one finding (Security Hub RDS.2)", () => {
    const arn = 'arn:aws:rds:us-east-1:123456789012:db:payments-db'
    const prowler = join(dir, 'prowler-rds.ocsf.json')
    writeFileSync(
      prowler,
      JSON.stringify([
        {
          metadata: { event_code: 'rds_instance_no_public_access', product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.4.0' }, version: '1.4.0' },
          severity_id: 4,
          severity: 'High',
          status_code: 'FAIL',
          status_id: 1,
          finding_info: {
            uid: 'prowler-aws-rds_instance_no_public_access-123456789012-us-east-1-payments-db',
            title: 'RDS instance is not publicly accessible',
            created_time_dt: '2025-03-01T10:00:00.000000'
          },
          cloud: { provider: 'aws', account: { uid: '123456789012', type: 'AWS_Account' }, region: 'us-east-1' },
          resources: [{ cloud_partition: 'aws', region: 'us-east-1', name: 'payments-db', type: 'AwsRdsDbInstance', uid: arn }],
          class_uid: 2004
        }
      ])
    )
    const c = freshCase(dir)
    try {
      const now = clock()
      importFile(c, join(REAL, '..', 'written', 'defender-multicloud-assessments.json'), { actor: ANALYST, now, displayName: 'defender.json' })
      importFile(c, prowler, { actor: ANALYST, now, displayName: 'prowler.ocsf.json' })
      const rds = listFindings(c.db).filter((f) => f.resource.id === arn)
      expect(rds).toHaveLength(1)
      expect(rds[0].control).toBe(loadControls().resolve('securityhub', 'RDS.2', 'check', 'aws.rds.db-instance'))
      expect(rds[0].alerts.map((a) => [a.tool, a.ruleId])).toEqual([
        ['defender', '72f3b7f1-76b8-4cf5-8da5-4ba5745b512c'],
        ['prowler', 'rds_instance_no_public_access']
      ])
    } finally {
      c.close()
    }
  })
})
