import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asffExport, asffFinding, prowlerExport, resourceOf, type Alarm } from '../../test/fixtures/ingest/generate'
import { checkovSarif, kicsSarif, tfsecSarif } from '../../test/fixtures/ingest/iac-sarif'
import { ANALYST, APPROVER, clock, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import { listAudit, verifyAudit } from '../audit/chain'
import { readModelProblems } from '../audit/read-models'
import { verifyState } from '../audit/state-seal'
import type { WritableCaseDb } from '../db/case-db'
import { isLastmileError } from '../errors'
import { alertRecord, getFinding, listFindings } from '../case/findings'
import { decideFinding } from '../workflow/decisions'
import { importFile, type ImportOptions } from './importer'
import { listInitiatives } from './initiatives'
import type { ImportProgress, ImportSummary } from './types'

const root = mkdtempSync(join(tmpdir(), 'lastmile-importer-'))
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

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

function imp(path: string, opts: Partial<ImportOptions> = {}): ImportSummary {
  return importFile(c, path, { actor: ANALYST, now, displayName: path.slice(path.lastIndexOf('/') + 1), ...opts })
}

/** Everything a person could see in the case, to prove an import changed nothing. */
function snapshot(): unknown {
  const count = (t: string): number => (c.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
  return {
    tables: ['imports', 'import_blocks', 'resources', 'alerts', 'alert_contexts', 'findings', 'initiatives', 'initiative_selectors', 'audit_log'].map(count),
    audit: verifyAudit(c.db, c.id).headHash,
    findings: c.db.prepare('SELECT * FROM findings ORDER BY id').all(),
    alerts: c.db.prepare('SELECT id, outcome, closed_at, last_seen, last_import FROM alerts ORDER BY id').all()
  }
}

const A = '111111111111'
const B = '222222222222'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`

describe('deduplication across tools', () => {
  it('Security Hub S3.5 and Prowler s3_bucket_secure_transport_policy on one bucket are one finding with two alerts', () => {
    imp(join(FIXTURES, 'written/dedup/securityhub-s3.json'))
    const s = imp(join(FIXTURES, 'written/dedup/prowler-s3.ocsf.json'))
    expect(s.findings.new).toBe(0)
    const findings = listFindings(c.db)
    expect(findings).toHaveLength(1)
    const f = findings[0]
    expect(f).toMatchObject({ control: 'aws.s3.https-only', status: 'open', severity: 'medium' })
    expect(f.resource).toMatchObject({ id: 'arn:aws:s3:::customer-invoices-123456789012', type: 'aws.s3.bucket', account: '123456789012', region: 'us-east-1' })
    expect(f.alerts.map((a) => [a.tool, a.ruleId])).toEqual([
      ['prowler', 's3_bucket_secure_transport_policy'],
      ['securityhub', 'S3.5']
    ])
    const [ini] = listInitiatives(c.db)
    expect(ini).toMatchObject({
      control: 'aws.s3.https-only',
      title: 'S3 buckets should require requests to use HTTPS',
      findings: 1,
      alerts: 2,
      resources: 1,
      tools: ['prowler', 'securityhub'],
      accounts: 1
    })
    expect(f.initiative).toBe(ini.id)
  })

  it('Prowler 3 JSON and Prowler JSON-OCSF on one bucket are one alert of one finding, and a later scan in either format updates it', () => {
    const v3 = imp(join(FIXTURES, 'written/dedup/prowler-s3.v3.json'))
    expect(v3).toMatchObject({ format: 'prowler-json', new: 1, findings: { new: 1 } })
    const ocsf = imp(join(FIXTURES, 'written/dedup/prowler-s3.ocsf.json'))
    expect(ocsf).toMatchObject({ format: 'prowler-ocsf', new: 0, updated: 1, closed: 0, findings: { new: 0 } })
    const findings = listFindings(c.db)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ control: 'aws.s3.https-only', status: 'open' })
    expect(findings[0].resource).toMatchObject({ id: 'arn:aws:s3:::customer-invoices-123456789012', environment: 'prod' })
    expect(findings[0].alerts.map((a) => [a.tool, a.ruleId])).toEqual([['prowler', 's3_bucket_secure_transport_policy']])
  })

  it('never merges distinct resources, accounts or regions', () => {
    const alarms: Alarm[] = [
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1 },
      { problem: 's3-https', account: A, region: 'us-east-1', n: 2 },
      { problem: 's3-https', account: B, region: 'us-east-1', n: 1 },
      { problem: 'ebs-default', account: A, region: 'us-east-1', n: 1 },
      { problem: 'ebs-default', account: A, region: 'eu-west-1', n: 1 }
    ]
    imp(write('sh.json', asffExport(alarms)))
    imp(write('prowler.json', prowlerExport(alarms)))
    const findings = listFindings(c.db)
    expect(findings).toHaveLength(5)
    expect(findings.every((f) => f.alerts.length === 2 && new Set(f.alerts.map((a) => a.tool)).size === 2)).toBe(true)
    const ebs = findings.filter((f) => f.control === 'aws.ec2.ebs-default-encryption').map((f) => f.resource.region)
    expect(ebs.sort()).toEqual(['eu-west-1', 'us-east-1'])
  })
})

describe('the catalogue share', () => {
  /** a Security Hub finding for a control the catalogue does not map: it lands on its per-tool control */
  function unmapped(control: string, n: number, status: 'FAILED' | 'PASSED' = 'FAILED'): Record<string, unknown> {
    const f = asffFinding({ problem: 's3-https', account: A, region: 'us-east-1', n })
    f.Id = `${String(f.Id)}-${control}`
    f.GeneratorId = `security-control/${control}`
    ;(f.Compliance as Record<string, unknown>).SecurityControlId = control
    ;(f.Compliance as Record<string, unknown>).Status = status
    return f
  }

  it('counts the failing alerts on catalogued controls and names the per-tool controls the others landed on, most first', () => {
    const mapped = [1, 2, 3].map((k) => asffFinding({ problem: 's3-https', account: A, region: 'us-east-1', n: k }))
    const passing = asffFinding({ problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, status: 'PASS' })
    const findings = [...mapped, passing, unmapped('Acme.1', 1), unmapped('Acme.4', 1), unmapped('Acme.4', 2), unmapped('Acme.4', 3, 'PASSED')]
    // the same record twice in the file is one alert
    const s = imp(write('hub.json', JSON.stringify({ Findings: [...findings, mapped[0]] })))
    expect(s.alerts).toBe(8)
    expect(s.catalogue).toEqual({
      failing: 6,
      catalogued: 3,
      fallback: [
        { control: 'securityhub.Acme.4', alerts: 2 },
        { control: 'securityhub.Acme.1', alerts: 1 }
      ]
    })
    // what the summary says is where the alerts are
    const failing = c.db.prepare("SELECT control, count(*) AS n FROM alerts WHERE outcome = 'FAIL' GROUP BY control ORDER BY control").all()
    expect(failing).toEqual([
      { control: 'aws.s3.https-only', n: 3 },
      { control: 'securityhub.Acme.1', n: 1 },
      { control: 'securityhub.Acme.4', n: 2 }
    ])
  })

  it('a rescan counts what it reports failing, new or already known; a duplicate file and a clean scan count none', () => {
    const scan = asffExport([
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
      { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }
    ])
    const p = write('scan1.json', scan)
    expect(imp(p).catalogue).toEqual({ failing: 2, catalogued: 2, fallback: [] })
    expect(imp(p).catalogue).toEqual({ failing: 0, catalogued: 0, fallback: [] })
    const later = imp(write('scan2.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(8) }])))
    expect(later).toMatchObject({ new: 0, updated: 1, catalogue: { failing: 1, catalogued: 1, fallback: [] } })
    const clean = imp(write('scan3.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, status: 'PASS', observedAt: at(9) }])))
    expect(clean.catalogue).toEqual({ failing: 0, catalogued: 0, fallback: [] })
  })
})

describe('IaC scanners: the JSON and the SARIF of one scan are the same alerts and findings', () => {
  // the SARIF is what the tool's own SARIF writer makes of the same results (test/fixtures/ingest/iac-sarif.ts)
  const cases: Array<[string, string, (json: string) => string, number]> = [
    ['Checkov', 'real/checkov/multiple_check_type.json', checkovSarif, 13],
    ['Checkov (severities)', 'real/checkov/severity.json', checkovSarif, 4],
    // 14: KICS 7af43613 (access to any principal) and 1df37f4b (Get from all principals) on one bucket policy are one finding of aws.s3.public-access
    ['KICS', 'real/kics/many_findings.json', kicsSarif, 14],
    ['tfsec', 'real/tfsec/many_findings_current.json', tfsecSarif, 11]
  ]
  const view = (): unknown =>
    listFindings(c.db)
      .map((f) => [f.control, f.resource.id, f.resource.type, f.status, f.alerts.map((a) => [a.tool, a.ruleId])])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

  for (const [tool, rel, toSarif, failing] of cases) {
    it(tool, () => {
      const json = readFileSync(join(FIXTURES, rel), 'utf8')
      const fromJson = imp(join(FIXTURES, rel))
      expect(fromJson.findings.new).toBe(failing)
      const findings = view()
      // the SARIF of the same scan, imported after: nothing new, the same findings, still open
      const s = imp(write('scan.sarif', toSarif(json)))
      expect(s).toMatchObject({ format: 'sarif', new: 0, findings: { new: 0, resolved: 0, reopened: 0 } })
      expect(view()).toEqual(findings)
      // and the other way round, in a case of its own
      c.close()
      c = freshCase(dir, 'sarif-first')
      imp(write('scan-first.sarif', toSarif(json)))
      expect(view()).toEqual(findings)
      expect(imp(join(FIXTURES, rel))).toMatchObject({ new: fromJson.alerts - s.alerts, findings: { new: 0, resolved: 0, reopened: 0 } })
      expect(view()).toEqual(findings)
    })
  }
})

describe('re-import and rescan', () => {
  const scan1: Alarm[] = [
    { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
    { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(1) },
    { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
    { problem: 'imdsv2', account: B, region: 'us-east-1', n: 1, observedAt: at(1) }
  ]

  it('importing the same file twice changes nothing, even under another name', () => {
    const p = write('scan1.json', asffExport(scan1))
    const first = imp(p)
    expect(first).toMatchObject({ new: 4, alerts: 4, findings: { new: 4 } })
    const before = snapshot()
    const again = imp(p)
    expect(again).toMatchObject({ duplicateOf: first.importId, importId: null, new: 0, updated: 0, closed: 0, reopened: 0, alerts: 0 })
    const copy = imp(write('copy-of-scan1.json', readFileSync(p)))
    expect(copy.duplicateOf).toBe(first.importId)
    expect(snapshot()).toEqual(before)
  })

  it('the same records in a differently formatted file are unchanged, not new', () => {
    imp(write('scan1.json', asffExport(scan1)))
    const s = imp(write('scan1-compact.json', JSON.stringify(JSON.parse(asffExport(scan1)))))
    expect(s).toMatchObject({ alerts: 4, new: 0, updated: 0, unchanged: 4, closed: 0, reopened: 0, findings: { new: 0, resolved: 0, reopened: 0 } })
  })

  it('a later scan updates what it still reports, closes what it no longer reports, and resolves findings', () => {
    imp(write('scan1.json', asffExport(scan1)))
    const scan2: Alarm[] = [
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(8) },
      { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, status: 'PASS', observedAt: at(8) }
    ]
    const s = imp(write('scan2.json', asffExport(scan2)))
    // bucket 2 is gone from account A's scan: closed; the instance passes: resolved
    expect(s).toMatchObject({ alerts: 2, new: 0, updated: 2, closed: 1, reopened: 0, findings: { new: 0, resolved: 2, reopened: 0 } })
    expect(s.scope).toEqual({ source: 'securityhub', tools: ['securityhub'], accounts: [A], regions: ['us-east-1'], artifacts: [] })
    const byResource = new Map(listFindings(c.db).map((f) => [f.resource.id, f]))
    expect(byResource.get(resourceOf(scan1[0]).arn)).toMatchObject({ status: 'open', lastSeen: at(8) })
    expect(byResource.get(resourceOf(scan1[1]).arn)?.status).toBe('resolved')
    expect(byResource.get(resourceOf(scan1[2]).arn)?.status).toBe('resolved')
    // account B was not in the second scan's scope: its finding stays open
    expect(byResource.get(resourceOf(scan1[3]).arn)?.status).toBe('open')
  })

  it('a rescan rewrites what each alert it still reports shows, whether the alert stays, moves to another resource or comes back', () => {
    const x: Alarm = { problem: 's3-https', account: A, region: 'us-east-1', n: 1 }
    const y: Alarm = { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1 }
    const z: Alarm = { problem: 's3-https', account: A, region: 'us-east-1', n: 2 }
    imp(write('scan1.json', asffExport([x, y, z].map((a) => ({ ...a, observedAt: at(1) })))))
    // z is gone from the second scan (closed), y passes
    imp(
      write(
        'scan2.json',
        asffExport([
          { ...x, observedAt: at(8) },
          { ...y, status: 'PASS', observedAt: at(8) }
        ])
      )
    )
    // the third: x as it was (its alert updated in place), y failing again on another instance
    // under the same finding id (its alert moves), z back (its alert reopens)
    const movedTo = resourceOf({ ...y, n: 9 }).arn
    const moved = asffFinding({ ...y, observedAt: at(15) })
    ;(moved.Resources as Array<{ Id: string }>)[0].Id = movedTo
    const scan3 = JSON.stringify({ Findings: [asffFinding({ ...x, observedAt: at(15) }), moved, asffFinding({ ...z, observedAt: at(15) })] }, null, 4)
    const s3 = imp(write('scan3.json', scan3))
    expect(s3).toMatchObject({ alerts: 3, new: 0, updated: 1, reopened: 2, closed: 0 })

    // what each alert shows is what a fresh import of the third scan shows
    const shown = (db: WritableCaseDb['db']): unknown[] =>
      (
        db
          .prepare(
            `SELECT a.id, a.tool_finding_id, a.rule_id, a.rule_kind, a.control, r.key AS resource, a.title, a.severity, a.outcome, a.tool_status, a.muted,
                    a.account, a.region, a.artifact, a.last_seen, a.closed_at, a.closed_by_import
             FROM alerts a JOIN resources r ON r.id = a.resource_id ORDER BY a.tool_finding_id`
          )
          .all() as Array<Record<string, unknown> & { id: number }>
      ).map(({ id, ...row }) => ({ ...row, record: JSON.parse(alertRecord(db, `A-${id}`).raw) as unknown }))
    const fresh = freshCase(dir, 'fresh')
    try {
      importFile(fresh, write('scan3-alone.json', scan3), { actor: ANALYST, now })
      expect(shown(c.db)).toEqual(shown(fresh.db))
    } finally {
      fresh.close()
    }
    expect(shown(c.db).map((a) => (a as { resource: string }).resource)).toContain(movedTo)
    expect(c.db.prepare('SELECT DISTINCT last_import FROM alerts').pluck().all()).toEqual([s3.importId])
  })

  it('a finding whose every alert a rescan moved to another resource is resolved, not left open with no alert', () => {
    const x: Alarm = { problem: 's3-https', account: A, region: 'us-east-1', n: 1 }
    const y: Alarm = { problem: 's3-https', account: A, region: 'us-east-1', n: 2 }
    imp(write('scan1.json', asffExport([x, y].map((a) => ({ ...a, observedAt: at(1) })))))
    const [first, second] = [x, y].map((a) => resourceOf(a).arn)
    // Security Hub's finding on the first bucket now names a third (the same finding id: its alert moves)
    const movedTo = resourceOf({ ...x, n: 3 }).arn
    const moved = asffFinding({ ...x, observedAt: at(8) })
    ;(moved.Resources as Array<{ Id: string }>)[0].Id = movedTo
    const s2 = imp(write('scan2.json', JSON.stringify({ Findings: [moved, asffFinding({ ...y, observedAt: at(8) })] }, null, 4)))
    expect(s2).toMatchObject({ alerts: 2, new: 0, updated: 2, closed: 0, findings: { new: 1, resolved: 1, reopened: 0 } })
    const byResource = new Map(listFindings(c.db).map((f) => [f.resource.id, f]))
    expect(byResource.get(first)).toMatchObject({ status: 'resolved', alerts: [] })
    expect(getFinding(c.db, (byResource.get(first) as { id: string }).id)).toMatchObject({ status: 'resolved' })
    expect(byResource.get(second)).toMatchObject({ status: 'open' })
    expect(byResource.get(movedTo)).toMatchObject({ status: 'open' })
    expect(byResource.get(movedTo)?.alerts).toHaveLength(1)
    expect(c.db.prepare('SELECT resolved_by_import FROM findings f JOIN resources r ON r.id = f.resource_id WHERE r.canonical_id = ?').pluck().get(first)).toBe(s2.importId)
    expect(listInitiatives(c.db).find((i) => i.control === 'aws.s3.https-only')).toMatchObject({ findings: 2 })
    // the alert moving back reopens it as a regression, as any finding that comes back
    const s3 = imp(write('scan3.json', asffExport([x, y].map((a) => ({ ...a, observedAt: at(15) })))))
    expect(s3.findings).toEqual({ new: 0, resolved: 1, reopened: 1 })
    expect(listFindings(c.db).find((f) => f.resource.id === first)).toMatchObject({ status: 'open', regression: true })
    expect(listFindings(c.db).find((f) => f.resource.id === movedTo)).toMatchObject({ status: 'resolved', alerts: [] })
    // the counts and rows kept for the pages follow, and the sealed state verifies
    expect(readModelProblems(c.db)).toEqual([])
    expect(verifyState(c.db).problems).toEqual([])
  })

  it('a finding that comes back is reopened and flagged as a regression', () => {
    imp(write('scan1.json', asffExport(scan1)))
    imp(write('scan2.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(8) }])))
    const s3 = imp(
      write(
        'scan3.json',
        asffExport([
          { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(15) },
          { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(15) },
          { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(15) }
        ])
      )
    )
    expect(s3).toMatchObject({ reopened: 2, findings: { new: 0, resolved: 0, reopened: 2 } })
    const regressions = listFindings(c.db).filter((f) => f.regression)
    expect(regressions.map((f) => f.resource.id).sort()).toEqual([resourceOf(scan1[1]).arn, resourceOf(scan1[2]).arn].sort())
    expect(regressions.every((f) => f.status === 'open')).toBe(true)
    expect(listInitiatives(c.db).find((i) => i.control === 'aws.s3.https-only')?.regressions).toBe(1)
  })

  it('an older scan imported late closes nothing seen after it and reopens nothing', () => {
    imp(write('scan1.json', asffExport(scan1)))
    imp(write('scan2.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, status: 'PASS', observedAt: at(8) }])))
    const old = imp(write('old.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(4) }])))
    expect(old).toMatchObject({ unchanged: 1, closed: 0, reopened: 0, findings: { new: 0, resolved: 0, reopened: 0 } })
    expect(listFindings(c.db).find((f) => f.resource.id === resourceOf(scan1[0]).arn)?.status).toBe('resolved')
  })

  it('a rescan closes only alerts of its own source: Prowler via Security Hub does not close Prowler', () => {
    imp(write('prowler.json', prowlerExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }])))
    const viaHub = asffFinding({ problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(8) })
    viaHub.ProductArn = 'arn:aws:securityhub:us-east-1::product/prowler/prowler'
    viaHub.GeneratorId = 'prowler-ec2_instance_imdsv2_enabled'
    const s = imp(write('hub.json', JSON.stringify({ Findings: [viaHub] })))
    expect(s).toMatchObject({ closed: 0, scope: { source: 'securityhub', tools: ['prowler'] } })
    expect(
      listFindings(c.db)
        .map((f) => [f.control, f.status])
        .sort()
    ).toEqual([
      ['aws.ec2.imdsv2', 'open'],
      ['aws.s3.https-only', 'open']
    ])
  })

  it('records sharing one finding id but reporting different checks are an alert each, matched again by id and check', () => {
    const records = JSON.parse(readFileSync(join(FIXTURES, 'real/prowler/one_vuln_after_4_5_0.ocsf.json'), 'utf8')) as Array<Record<string, Record<string, unknown>>>
    const base = records[0]
    // a second check on the same finding uid (a tool whose uid does not name the check)
    const other = { ...base, metadata: { ...base.metadata, event_code: 'iam_role_cross_service_confused_deputy_prevention' } }
    const s1 = imp(write('shared.ocsf.json', JSON.stringify([base, other, base])))
    expect(s1).toMatchObject({ records: 3, alerts: 2, new: 2, sharedIds: { ids: 1, alerts: 2 } })
    expect(s1.sharedIds.example).toEqual({
      tool: 'prowler',
      toolFindingId: 'prowler-aws-iam_role_administratoraccess_policy_permissive_trust_relationship-123456789012-us-east-1-myAdministratorExecutionRole',
      rules: ['iam_role_administratoraccess_policy_permissive_trust_relationship', 'iam_role_cross_service_confused_deputy_prevention']
    })
    expect(new Set(listFindings(c.db).map((f) => f.control)).size).toBe(2)
    // the same two alerts, found again by (id, check), in a rescan listing them the other way round
    const s2 = imp(write('shared-again.ocsf.json', JSON.stringify([other, base], null, 1)))
    expect(s2).toMatchObject({ alerts: 2, new: 0, unchanged: 2, closed: 0 })
    // a rescan with one check left closes the other's alert only
    const s3 = imp(write('one-left.ocsf.json', JSON.stringify([{ ...base, time: 1893456000, time_dt: '2030-01-01T00:00:00.000Z' }])))
    expect(s3).toMatchObject({ alerts: 1, new: 0, closed: 1, sharedIds: { ids: 0, alerts: 0, example: null } })
  })

  it("an empty Prowler JSON-OCSF export ([]) is a clean scan of the account its file name gives: it closes that account's Prowler alerts in every region", () => {
    const alarms: Alarm[] = [
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
      { problem: 'imdsv2', account: A, region: 'eu-west-1', n: 1, observedAt: at(1) },
      { problem: 'imdsv2', account: B, region: 'eu-west-1', n: 1, observedAt: at(1) }
    ]
    imp(write('prowler-output-111111111111-20250301100000.ocsf.json', prowlerExport(alarms)))
    imp(write('sh.json', asffExport([alarms[0]])))
    // without --format, [] says nothing about its tool: refused, saying what to do, and nothing changed
    const before = snapshot()
    expect(() => imp(write('prowler-output-111111111111-20250308100000.ocsf.json', '[]\n'))).toThrow(
      /^prowler-output-111111111111-20250308100000\.ocsf\.json: the file is an empty JSON array \(\[\]\): .*import it as prowler-ocsf .*; choose its format$/
    )
    expect(snapshot()).toEqual(before)
    // an older clean scan imported late closes nothing seen after it
    const old = imp(write('prowler-output-111111111111-20250220100000.ocsf.json', '[]'), { format: 'prowler-ocsf' })
    expect(old).toMatchObject({ records: 0, alerts: 0, closed: 0 })
    const clean = imp(write('prowler-output-111111111111-20250308100000.ocsf.json', '[]\n'), { format: 'prowler-ocsf' })
    expect(clean).toMatchObject({
      format: 'prowler-ocsf',
      records: 0,
      alerts: 0,
      closed: 2,
      findings: { new: 0, resolved: 1 },
      scope: { source: 'prowler', tools: ['prowler'], accounts: [A], regions: [] }
    })
    const status = (control: string, account: string): string[] =>
      listFindings(c.db)
        .filter((f) => f.control === control && f.resource.account === account)
        .map((f) => f.status)
    // the bucket is still reported by Security Hub (another source): open; A's instance: resolved; B: untouched
    expect(status('aws.s3.https-only', A)).toEqual(['open'])
    expect(status('aws.ec2.imdsv2', A)).toEqual(['resolved'])
    expect(status('aws.ec2.imdsv2', B)).toEqual(['open'])
    // an empty export whose name gives no account names no scope: accepted, closes nothing
    const unnamed = imp(write('scan.ocsf.json', '[ ]'), { format: 'prowler-ocsf' })
    expect(unnamed).toMatchObject({ records: 0, closed: 0, scope: { accounts: [] } })
  })

  it('an empty Prowler 3 JSON export ([]), named as Prowler 3 names it, is a clean scan too (--format prowler-json)', () => {
    imp(join(FIXTURES, 'written/dedup/prowler-s3.v3.json'))
    const before = snapshot()
    expect(() => imp(write('prowler-output-123456789012-20250401100000.json', '[]'))).toThrow(/import it as prowler-ocsf \(prowler-json\)/)
    expect(snapshot()).toEqual(before)
    const clean = imp(write('prowler-output-123456789012-20250401100000.json', '[]'), { format: 'prowler-json' })
    expect(clean).toMatchObject({ format: 'prowler-json', records: 0, closed: 1, findings: { resolved: 1 }, scope: { source: 'prowler', accounts: ['123456789012'] } })
  })

  it('a partial export (filtered) closes nothing it does not mention', () => {
    imp(write('scan1.json', asffExport(scan1)))
    const s = imp(write('filtered.json', asffExport([scan1[0]].map((a) => ({ ...a, observedAt: at(9) })))), { partial: true })
    expect(s.closed).toBe(0)
    expect(listFindings(c.db).filter((f) => f.status === 'open')).toHaveLength(4)
  })
})

describe("a person's decisions", () => {
  it('an import never overrides a suppression or a risk acceptance', () => {
    const alarms: Alarm[] = [
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
      { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }
    ]
    imp(write('scan1.json', asffExport(alarms)))
    const [bucket, instance] = ['aws.s3.https-only', 'aws.ec2.imdsv2'].map((ctl) => listFindings(c.db).find((f) => f.control === ctl)!)
    decideFinding(c, bucket.id, 'suppressed', { actor: APPROVER, now, reason: 'public website bucket, HTTP needed by legacy clients' })
    decideFinding(c, instance.id, 'risk-accepted', { actor: APPROVER, now, reason: 'decommissioned next quarter', expires: '2025-06-30T00:00:00.000Z' })
    imp(write('scan2.json', asffExport(alarms.map((a) => ({ ...a, observedAt: at(8) })))))
    imp(write('scan3.json', asffExport([{ ...alarms[0], observedAt: at(15) }])))
    const b = getFinding(c.db, bucket.id)
    const i = getFinding(c.db, instance.id)
    expect(b).toMatchObject({ status: 'suppressed', decision: { decision: 'suppressed', reason: 'public website bucket, HTTP needed by legacy clients', by: APPROVER } })
    expect(i).toMatchObject({ status: 'suppressed', decision: { decision: 'risk-accepted', expires: '2025-06-30T00:00:00.000Z' } })
    // the scans still move underneath: the instance's alert was closed by scan 3
    expect(i.alerts.every((a) => a.closed)).toBe(true)
    const actions = listAudit(c.db, 0, 100).entries.map((e) => e.action)
    expect(actions.filter((a) => a === 'finding.suppressed' || a === 'finding.risk-accepted')).toHaveLength(2)
  })

  it('is an approver’s, a risk acceptance needs an expiry, and no decision takes one already past, as accept-risk and suppress require; a refusal records nothing', () => {
    imp(write('scan1.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }])))
    const [f] = listFindings(c.db)
    const entries = (): number => listAudit(c.db, 0, 100).entries.length
    const before = entries()
    expect(() => decideFinding(c, f.id, 'risk-accepted', { actor: APPROVER, now, reason: 'decommissioned next quarter' })).toThrow(
      `${f.id}: a risk acceptance needs an expiry (--expires 2027-06-30): accepted risks are reviewed, not forgotten`
    )
    expect(() => decideFinding(c, f.id, 'risk-accepted', { actor: APPROVER, now, reason: 'decommissioned next quarter', expires: '2020-01-01' })).toThrow(
      '--expires 2020-01-01: the expiry must be in the future'
    )
    expect(() => decideFinding(c, f.id, 'suppressed', { actor: APPROVER, now, reason: 'test bucket', expires: '2025-13-45' })).toThrow(
      '--expires 2025-13-45: not a date (use 2027-06-30 or an ISO time)'
    )
    // an analyst triages, an approver decides to leave a finding unfixed (the workflow's rule)
    expect(() => decideFinding(c, f.id, 'suppressed', { actor: ANALYST, now, reason: 'test bucket' })).toThrow(
      'Ada Analyst acts as analyst; to suppress a finding you need the approver or admin role (--role approver)'
    )
    expect(() => decideFinding(c, f.id, 'risk-accepted', { actor: ANALYST, now, reason: 'decommissioned', expires: '2025-06-30' })).toThrow(
      /to accept a finding's risk you need the approver or admin role/
    )
    expect(getFinding(c.db, f.id).decision).toBeNull()
    expect(entries()).toBe(before)
    // a suppression may have none; an expiry is kept as an ISO time
    decideFinding(c, f.id, 'suppressed', { actor: APPROVER, now, reason: 'test bucket' })
    expect(getFinding(c.db, f.id).decision).toMatchObject({ decision: 'suppressed', expires: null })
    decideFinding(c, f.id, 'risk-accepted', { actor: APPROVER, now, reason: 'decommissioned next quarter', expires: '2025-06-30' })
    expect(getFinding(c.db, f.id).decision).toMatchObject({ decision: 'risk-accepted', expires: '2025-06-30T00:00:00.000Z' })
    expect(() => decideFinding(c, f.id, null, { actor: ANALYST, now, reason: 'not decommissioned after all' })).toThrow(/to clear a decision you need the approver or admin role/)
    decideFinding(c, f.id, null, { actor: APPROVER, now, reason: 'not decommissioned after all' })
    expect(getFinding(c.db, f.id).decision).toBeNull()
  })

  it('a tool-side suppression shows as suppressed until the tool reopens it', () => {
    const f = asffFinding({ problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) })
    ;(f.Workflow as Record<string, string>).Status = 'SUPPRESSED'
    imp(write('s.json', JSON.stringify({ Findings: [f] })))
    expect(listFindings(c.db)[0].status).toBe('suppressed')
    ;(f.Workflow as Record<string, string>).Status = 'NOTIFIED'
    f.LastObservedAt = at(5)
    imp(write('s2.json', JSON.stringify({ Findings: [f] })))
    expect(listFindings(c.db)[0]).toMatchObject({ status: 'open', decision: null })
  })
})

describe('one transaction with its audit entry', () => {
  it('records each import in the audit trail with its counts and scope', () => {
    const s = imp(write('scan1.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1 }])))
    const e = listAudit(c.db, 0, 1).entries[0]
    expect(e).toMatchObject({ action: 'ingest.import', target: s.importId, actor: ANALYST })
    expect(e.details).toMatchObject({
      file: 'scan1.json',
      format: 'asff',
      new: 1,
      alerts: 1,
      scope: { source: 'securityhub', accounts: [A] },
      catalogue: { failing: 1, catalogued: 1, fallback: [] }
    })
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
  })

  it('says where its time went, phase by phase, adding up to its duration', () => {
    const alarms: Alarm[] = Array.from({ length: 300 }, (_, i) => ({ problem: 'imdsv2' as const, account: B, region: 'eu-west-1', n: i }))
    for (const readerThread of [false, true]) {
      const s = imp(write(`timed-${readerThread}.json`, asffExport(alarms.map((a) => ({ ...a, observedAt: now() })))), { readerThread })
      const t = s.timing
      expect(t && Object.keys(t)).toEqual(['read', 'waitedForReader', 'close', 'findings', 'readModels', 'seal', 'commit'])
      if (!t) continue
      for (const ms of Object.values(t)) expect(ms).toBeGreaterThanOrEqual(0)
      expect(t.waitedForReader).toBeLessThanOrEqual(t.read)
      if (!readerThread) expect(t.waitedForReader).toBe(0)
      // each phase rounded on its own: the sum is within a millisecond a phase of the whole
      const phases = t.read + t.close + t.findings + t.readModels + t.seal + t.commit
      expect(phases).toBeLessThanOrEqual(s.durationMs + 6)
      expect(phases).toBeGreaterThanOrEqual(s.durationMs * 0.5 - 6)
    }
  })

  it('a bad record mid-file leaves the case exactly as it was', () => {
    imp(write('scan1.json', asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1 }])))
    const before = snapshot()
    const alarms: Alarm[] = Array.from({ length: 800 }, (_, i) => ({ problem: 'imdsv2' as const, account: B, region: 'eu-west-1', n: i }))
    const findings = alarms.map(asffFinding)
    delete (findings[499] as Record<string, unknown>).Id
    const p = write('broken.json', JSON.stringify({ Findings: findings }, null, 2))
    const message = badInput(() => imp(p))
    expect(message).toMatch(/^broken\.json: line \d+, byte offset \d+, record 500: an ASFF finding without an Id; Lastmile cannot tell which alert it is$/)
    expect(snapshot()).toEqual(before)
  })

  it('stores the file, so every alert keeps its record byte for byte', () => {
    const text = asffExport([
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1 },
      { problem: 'imdsv2', account: A, region: 'us-east-1', n: 7 }
    ])
    const p = write('scan.json', text)
    imp(p, { chunkBytes: 4096 })
    const ids = (c.db.prepare('SELECT id FROM alerts ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id)
    const records = (JSON.parse(text) as { Findings: unknown[] }).Findings
    ids.forEach((id, i) => {
      const rec = alertRecord(c.db, `A-${id}`)
      expect(JSON.parse(rec.raw)).toEqual(records[i])
      expect(text).toContain(rec.raw)
    })
  })

  it('reports progress: records, bytes and rate', () => {
    const seen: ImportProgress[] = []
    const alarms: Alarm[] = Array.from({ length: 3000 }, (_, i) => ({ problem: 's3-pab' as const, account: A, region: 'us-east-1', n: i }))
    imp(write('big.json', prowlerExport(alarms)), { onProgress: (p) => seen.push(p) })
    const last = seen[seen.length - 1]
    expect(last).toMatchObject({ phase: 'done', records: 3000 })
    expect(last.bytes).toBe(last.totalBytes)
    expect(last.rate).toBeGreaterThan(0)
    expect(seen.some((p) => p.phase === 'findings')).toBe(true)
  })
})

function truncatedInRecord2(): string {
  const text = asffExport([
    { problem: 's3-https', account: A, region: 'us-east-1', n: 1 },
    { problem: 's3-https', account: A, region: 'us-east-1', n: 2 }
  ])
  const second = text.indexOf('"SchemaVersion"', text.indexOf('"SchemaVersion"') + 1)
  return text.slice(0, second + 400)
}

function badInput(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (!isLastmileError(e)) throw e
    expect(e.code).toBe('bad-input')
    expect(e.message.includes('\n')).toBe(false)
    return e.message
  }
  throw new Error('the import was accepted')
}

describe('bad input: one clear error, nothing imported', () => {
  const cases: Array<[string, () => string | Buffer, RegExp]> = [
    [
      'truncated.json',
      () => truncatedInRecord2(),
      /^truncated\.json: line \d+, byte offset \d+, record 2: the file ends inside record 2 \(which starts at byte offset \d+\): the export is truncated or incomplete$/
    ],
    [
      'broken-quote.csv',
      () => readFileSync(join(FIXTURES, 'real/wiz/issues_one_finding.csv'), 'utf8').replace('"#### Description', '#### Description"x'),
      /^broken-quote\.csv: line 2, byte offset \d+, record 1: .*quote/
    ],
    [
      'unknown.json',
      () => JSON.stringify({ items: [{ name: 'x', kind: 'y' }] }),
      /^unknown\.json: not an export Lastmile recognises: a JSON object with the keys name, kind|^unknown\.json: not an export Lastmile recognises/
    ],
    ['unknown.csv', () => 'name,value\nx,1\n', /^unknown\.csv: line 1: not an export Lastmile recognises: a CSV whose header starts name,value/],
    [
      'truncated-prowler3.json',
      () => readFileSync(join(FIXTURES, 'real/prowler/v3_many_vuln.json'), 'utf8').slice(0, 4000),
      /^truncated-prowler3\.json: line \d+, byte offset \d+, record 2: the file ends inside record 2 \(which starts at byte offset \d+\): the export is truncated or incomplete$/
    ],
    [
      'prowler2-no-check.json',
      () => readFileSync(join(FIXTURES, 'real/prowler/v2_many_vuln.json'), 'utf8').replace('"Control":"[check114] Ensure', '"Control":"Ensure'),
      /^prowler2-no-check\.json: line 2, byte offset \d+, record 2: a Prowler 2 result whose Control does not start with its check id in brackets/
    ],
    [
      'truncated-checkov.json',
      () => readFileSync(join(FIXTURES, 'real/checkov/multiple_check_type.json'), 'utf8').slice(0, 20000),
      /^truncated-checkov\.json: line \d+, byte offset \d+, record \d+: the file ends inside record \d+ \(which starts at byte offset \d+\): the export is truncated or incomplete$/
    ],
    [
      'kics-no-file.json',
      () => readFileSync(join(FIXTURES, 'real/kics/many_findings.json'), 'utf8').replace('"file_name": "test/charts/example/terraform/s3.tf"', '"file": "s3.tf"'),
      /^kics-no-file\.json: line \d+, byte offset \d+, record 2: a KICS result of query 7af43613-6bb9-4a0e-8c4d-1314b799425e without file_name; Lastmile cannot tell which alert it is$/
    ],
    [
      'checkov.xml',
      () => '<?xml version="1.0" ?>\n<testsuites><testsuite name="terraform scan" tests="1" failures="1"/></testsuites>\n',
      /^checkov\.xml: line 1, byte offset 0: an XML or HTML report \(JUnit, Checkstyle, HTML…\), which Lastmile does not read: export JSON, SARIF or CSV instead \(.*Checkov -o json or sarif.*\)$/
    ],
    [
      'sbom.json',
      () => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.4', version: 1, components: [] }),
      /^sbom\.json: a software bill of materials \(CycloneDX\), not a findings export: export JSON, SARIF or CSV instead/
    ],
    [
      'tfsec.csv',
      () => 'file,start_line,end_line,rule_id,severity,description,link,passed\nmain.tf,1,4,aws-s3-enable-versioning,MEDIUM,Bucket does not have versioning enabled,,false\n',
      /^tfsec\.csv: line 1: a tfsec CSV, which Lastmile does not read: run tfsec with --format json or sarif$/
    ],
    ['binary.bin', () => Buffer.from([0x00, 0x01, 0x02, 0x7b]), /^binary\.bin: (byte offset 0: )?the file holds NUL bytes/],
    [
      'latin1.csv',
      () =>
        Buffer.concat([
          Buffer.from(readFileSync(join(FIXTURES, 'real/defender_for_cloud/recommendations_export_many.csv'), 'utf8').replace('my_virtual_network', 'my_r\u00e9seau')).subarray(
            0,
            700
          ),
          Buffer.from([0xe9, 0x0a])
        ]),
      /^latin1\.csv: line \d+, byte offset 700: not valid UTF-8 text \(byte 0xe9\)/
    ],
    [
      'proto.json',
      () => asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1 }]).replace('"ProductFields": {', '"ProductFields": {\n "__proto__": {"polluted": "yes"},'),
      /^proto\.json: line 3, byte offset 28, record 1: the record has a key named "__proto__"/
    ],
    [
      // the same key through a \u escape: JSON.parse makes it "__proto__" as well
      'proto-escaped.json',
      () =>
        asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1 }]).replace('"ProductFields": {', '"ProductFields": {\n "\\u005f_proto__": {"polluted": "yes"},'),
      /^proto-escaped\.json: line 3, byte offset 28, record 1: the record has a key named "__proto__"/
    ],
    [
      // what surrounds the records (a SARIF run's tool and its rules) is parsed apart from them, and checked as well
      'proto-context.sarif',
      () => readFileSync(join(FIXTURES, 'written/tfsec.sarif'), 'utf8').replace('"driver": {', '"driver": {\n "\\u005f_proto__": {"polluted": "yes"},'),
      /^proto-context\.sarif: line \d+, byte offset \d+, record 1: the member "tool" around this record has a key named "__proto__"/
    ],
    ['proto.csv', () => 'Issue ID,Control ID,Resource external ID,Status,__proto__\n1,2,3,OPEN,x\n', /^proto\.csv: line 1: a column is named "__proto__"/],
    ['empty.json', () => '', /^empty\.json: the file is empty \(0 bytes\); nothing was imported$/],
    // DefectDojo's unittests/scans/trivy/legacy_no_vuln.json: an old Trivy's scan that found nothing
    ['null.json', () => 'null\n', /^null\.json: the file holds only JSON null: a scan that found nothing \(Trivy's legacy list format writes null so\)/],
    ['blank.json', () => '   \n\n  ', /^blank\.json: the file holds only white space/],
    [
      'extra-cells.csv',
      () => readFileSync(join(FIXTURES, 'real/defender_for_cloud/recommendations_export_many.csv'), 'utf8').replace(/\r?\n$/, ',"extra"\n'),
      /^extra-cells\.csv: line \d+, byte offset \d+, record 4: 21 cells where the header has 20/
    ]
  ]
  for (const [name, content, expected] of cases) {
    it(name, () => {
      const before = snapshot()
      const message = badInput(() => imp(write(name, content())))
      expect(message).toMatch(expected)
      expect(snapshot()).toEqual(before)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })
  }

  it('a single 100 MB line: one record that large is refused without holding the file', () => {
    const p = join(dir, 'huge-line.json')
    const fd = openSync(p, 'w')
    writeSync(fd, '{"Findings":[{"SchemaVersion":"2018-10-08","Id":"x","Description":"')
    const block = Buffer.alloc(1 << 20, 'A')
    for (let i = 0; i < 100; i++) writeSync(fd, block)
    writeSync(fd, '"}]}')
    closeSync(fd)
    const before = snapshot()
    const rss = process.memoryUsage().rss
    const message = badInput(() => imp(p))
    expect(message).toMatch(/^huge-line\.json: line 1, byte offset 13, record 1: record 1 is larger than 64 MiB/)
    expect(snapshot()).toEqual(before)
    expect(process.memoryUsage().rss - rss).toBeLessThan(400 * 1024 * 1024)
  })

  it('a long minified line of many records imports (lines are not a limit)', () => {
    const alarms: Alarm[] = Array.from({ length: 4000 }, (_, i) => ({ problem: 's3-pab' as const, account: A, region: 'us-east-1', n: i }))
    const s = imp(write('minified.json', JSON.stringify({ Findings: alarms.map(asffFinding) })))
    expect(s).toMatchObject({ records: 4000, alerts: 4000, new: 4000 })
  })
})
