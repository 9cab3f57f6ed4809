// The generated catalogue: up to date with its sources, and true to them. Every pair the
// published FSBP <-> Prowler mapping names, reported by both tools on one resource, is ONE finding
// (unless a decision in overrides/ splits the pair, and says why).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { ANALYST, clock, freshCase } from '../../test/fixtures/ingest/support'
import { listFindings } from '../../main/case/findings'
import { loadControls } from '../../main/controls/catalogue'
import { importFile } from '../../main/ingest/importer'
import { appRoot } from '../../main/platform/app-root'
import { GENERATED, generateCatalogue, renderCatalogue } from './generate'

const ROOT = appRoot()
const tmp = mkdtempSync(join(tmpdir(), 'lastmile-catalogue-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function tsv(name: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(join(ROOT, 'playbooks', 'catalogue', 'sources', name), 'utf8').split('\n')
  const cols = head.split('\t')
  return lines.filter((l) => l.trim()).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v.trim()])))
}

function splitPairs(): Set<string> {
  const text = readFileSync(join(ROOT, 'playbooks', 'catalogue', 'overrides', 'decisions.yaml'), 'utf8')
  const doc = parse(text) as { splits?: Array<{ rules: [string, string] }> }
  return new Set((doc.splits ?? []).map((s) => [...s.rules].sort().join(' ')))
}

/** Every (Security Hub control, Prowler check) pair the FSBP mapping names. */
const PAIRS = tsv('securityhub-fsbp-to-prowler.tsv').flatMap((r) =>
  r.prowler_checks
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((check) => ({ sh: r.requirement_id, check, severity: r.severity || 'medium', title: r.title }))
)

const ACCOUNT = '111111111111'
const REGION = 'eu-west-1'

function resourceArn(sh: string, i: number): string {
  const service = sh.split('.')[0].toLowerCase()
  return `arn:aws:${service}:${REGION}:${ACCOUNT}:resource/pair-${i}`
}

function asff(p: (typeof PAIRS)[number], i: number): Record<string, unknown> {
  const arn = resourceArn(p.sh, i)
  return {
    SchemaVersion: '2018-10-08',
    Id: `arn:aws:securityhub:${REGION}:${ACCOUNT}:security-control/${p.sh}/finding/pair-${i}`,
    ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: REGION,
    GeneratorId: `security-control/${p.sh}`,
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices'],
    CreatedAt: '2025-03-01T10:00:00.000Z',
    UpdatedAt: '2025-03-01T10:00:00.000Z',
    Severity: { Label: p.severity.toUpperCase() },
    Title: p.title,
    Description: p.title,
    Resources: [{ Type: 'Other', Id: arn, Partition: 'aws', Region: REGION }],
    Compliance: { Status: 'FAILED', SecurityControlId: p.sh },
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE'
  }
}

function ocsf(p: (typeof PAIRS)[number], i: number): Record<string, unknown> {
  const arn = resourceArn(p.sh, i)
  return {
    message: `pair ${i} fails ${p.check}`,
    metadata: { event_code: p.check, product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.4.2' }, version: '1.4.0' },
    severity_id: 3,
    severity: 'Medium',
    status_code: 'FAIL',
    status_detail: `pair ${i} fails ${p.check}`,
    finding_info: { uid: `prowler-aws-${p.check}-${ACCOUNT}-${REGION}-pair-${i}`, title: p.check, desc: p.check, created_time: 1740823200 },
    resources: [{ cloud_partition: 'aws', region: REGION, name: `pair-${i}`, type: 'Other', uid: arn }],
    class_name: 'Detection Finding',
    class_uid: 2004,
    cloud: { account: { uid: ACCOUNT, type: 'AWS Account' }, provider: 'aws', region: REGION },
    time: 1740823200
  }
}

describe('the generated catalogue', () => {
  it('is the generator output of the sources and overrides committed beside it (npm run catalogue regenerates it)', () => {
    expect(readFileSync(join(ROOT, GENERATED), 'utf8')).toBe(renderCatalogue(generateCatalogue(ROOT)))
  })

  it('has a canonical control for every Security Hub control and every Prowler check of the reference tables', () => {
    const t = loadControls()
    for (const r of tsv('securityhub-fsbp-to-prowler.tsv')) expect(t.isMapped(t.resolve('securityhub', r.requirement_id, 'check', 'other')), r.requirement_id).toBe(true)
    for (const r of tsv('prowler-checks.tsv')) expect(t.isMapped(t.resolve('prowler', r.check_id, 'check', 'other')), r.check_id).toBe(true)
    const more = tsv('prowler-checks-other.tsv').filter((r) => r.provider === 'gcp' || r.provider === 'kubernetes')
    expect(more.length).toBeGreaterThan(150)
    for (const r of more) expect(t.isMapped(t.resolve('prowler', r.check_id, 'check', 'other')), r.check_id).toBe(true)
    expect(t.resolve('prowler', 'compute_firewall_rdp_access_from_the_internet_allowed', 'check', 'other')).toBe('gcp.compute.firewall-rdp-access-from-the-internet-allowed')
    expect(t.resolve('prowler', 'apiserver_anonymous_requests', 'check', 'other')).toBe('kubernetes.apiserver.anonymous-requests')
  })

  it("has a control for every Prowler check of the other providers and of older releases, in its provider's namespace", () => {
    const t = loadControls()
    const other = tsv('prowler-checks-other.tsv')
    const retired = tsv('prowler-checks-retired.tsv')
    const providers = new Set(other.map((r) => r.provider))
    for (const p of ['gcp', 'kubernetes', 'm365', 'github']) expect(providers.has(p), p).toBe(true)
    expect(providers.has('aws') || providers.has('azure')).toBe(false)
    expect(other.length).toBeGreaterThan(700)
    expect(retired.length).toBeGreaterThan(20)
    const reference = new Set(tsv('prowler-checks.tsv').map((r) => r.check_id))
    for (const r of [...other, ...retired]) {
      const control = t.resolve('prowler', r.check_id, 'check', 'other')
      expect(t.isMapped(control), `${r.provider} ${r.check_id}`).toBe(true)
      // a check id no other table has is a control of its own provider (aws.…, gcp.…, kubernetes.…)
      if (!reference.has(r.check_id) && !r.renamed_to && other.filter((o) => o.check_id === r.check_id).length <= 1) expect(control.split('.')[0], r.check_id).toBe(r.provider)
    }
    expect(t.resolve('prowler', 'compute_firewall_rdp_access_from_the_internet_allowed', 'check', 'other')).toBe('gcp.compute.firewall-rdp-access-from-the-internet-allowed')
    expect(t.resolve('prowler', 'apiserver_always_pull_images_plugin', 'check', 'other')).toBe('kubernetes.apiserver.always-pull-images-plugin')
    // Prowler spells a few checks in camel case; control ids are lower case
    expect(t.resolve('prowler', 'core_minimize_hostPID_containers', 'check', 'other')).toBe('kubernetes.core.minimize-hostpid-containers')
  })

  it("puts a check Prowler renamed on its successor's control, saying so and where Prowler says it", () => {
    const t = loadControls()
    const renamed = tsv('prowler-checks-retired.tsv').filter((r) => r.renamed_to)
    expect(renamed.map((r) => r.check_id)).toEqual(
      expect.arrayContaining(['eks_control_plane_endpoint_access_restricted', 'eks_endpoints_not_publicly_accessible', 'ec2_elastic_ip_unassgined'])
    )
    for (const r of renamed) {
      const control = t.resolve('prowler', r.check_id, 'check', 'other')
      expect(control, r.check_id).toBe(t.resolve('prowler', r.renamed_to, 'check', 'other'))
      expect(t.row(control)?.why, r.check_id).toContain(`Prowler renamed ${r.check_id}`)
      expect(r.renamed_by, r.check_id).toMatch(/CheckAliases @ [0-9a-f]{40}|prowler-cloud\/prowler@[0-9a-f]{10} /)
    }
    // the Security Hub control Prowler's EKS checks of three releases report (EKS.1, whose folder is aws.eks.public-endpoint)
    expect(t.resolve('prowler', 'eks_control_plane_endpoint_access_restricted', 'check', 'other')).toBe('aws.eks.public-endpoint')
    // a retired check no rename names stays a control of its own, unless a decision joins it (90 days: CIS AWS 1.2's 1.3, IAM.8)
    expect(t.resolve('prowler', 'iam_disable_30_days_credentials', 'check', 'other')).toBe('aws.iam.disable-30-days-credentials')
    expect(t.resolve('prowler', 'iam_disable_90_days_credentials', 'check', 'other')).toBe(t.resolve('securityhub', 'IAM.8', 'check', 'other'))
  })

  it('makes a renamed check and its successor on one resource ONE finding (an export of each Prowler version)', () => {
    const renamed = tsv('prowler-checks-retired.tsv').filter((r) => r.renamed_to)
    const record = (check: string, i: number, version: string): Record<string, unknown> => ({
      message: `${check} fails`,
      metadata: { event_code: check, product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version }, version: '1.4.0' },
      severity_id: 3,
      severity: 'Medium',
      status_code: 'FAIL',
      finding_info: { uid: `prowler-aws-${check}-${ACCOUNT}-${REGION}-renamed-${i}`, title: check, desc: check, created_time: 1740823200 },
      resources: [{ cloud_partition: 'aws', region: REGION, name: `renamed-${i}`, type: 'Other', uid: `arn:aws:x:${REGION}:${ACCOUNT}:resource/renamed-${i}` }],
      class_name: 'Detection Finding',
      class_uid: 2004,
      cloud: { account: { uid: ACCOUNT, type: 'AWS Account' }, provider: 'aws', region: REGION },
      time: 1740823200
    })
    const oldFile = join(tmp, 'prowler-old.ocsf.json')
    const newFile = join(tmp, 'prowler-new.ocsf.json')
    writeFileSync(oldFile, JSON.stringify(renamed.map((r, i) => record(r.check_id, i, r.last_release))))
    writeFileSync(newFile, JSON.stringify(renamed.map((r, i) => record(r.renamed_to, i, '5.39.1'))))
    const c = freshCase(tmp, 'renamed')
    try {
      importFile(c, oldFile, { actor: ANALYST, now: clock(), displayName: 'prowler-old.ocsf.json' })
      importFile(c, newFile, { actor: ANALYST, now: clock(), displayName: 'prowler-new.ocsf.json' })
      const findings = listFindings(c.db)
      expect(findings.filter((f) => f.alerts.length !== 2).map((f) => `${f.control}: ${f.alerts.map((a) => a.ruleId).join(', ')}`)).toEqual([])
      expect(findings).toHaveLength(renamed.length)
    } finally {
      c.close()
    }
  })

  it('puts a check id several Prowler providers share on one control that names the others', () => {
    const t = loadControls()
    const control = t.resolve('prowler', 'kms_key_rotation_enabled', 'check', 'other')
    expect(control).toBe('gcp.kms.key-rotation-enabled')
    expect(t.row(control)?.why).toMatch(/also a check of huaweicloud .*oraclecloud/)
    // the reference table's provider first: GCP's kms_key_not_publicly_accessible lands on the aws control of that check, split
    // from Security Hub's KMS.5 (decisions.yaml) so that the folder answering KMS.5 (aws.kms.public-access) never judges GCP keys
    const shared = t.resolve('prowler', 'kms_key_not_publicly_accessible', 'check', 'other')
    expect(shared).toBe('aws.kms.key-not-publicly-accessible')
    expect(t.row(shared)?.why).toMatch(/also a check of gcp/)
    expect(t.resolve('securityhub', 'KMS.5', 'check', 'AwsKmsKey')).toBe('aws.kms.public-access')
  })

  it('names Trivy rules by their current AWS-NNNN id as well as AVD-AWS-NNNN', () => {
    const t = loadControls()
    expect(t.resolve('trivy', 'AWS-0086', 'check', 'iac.aws_s3_bucket')).toBe(t.resolve('trivy', 'AVD-AWS-0086', 'check', 'iac.aws_s3_bucket'))
    expect(t.resolve('trivy', 'AWS-0086', 'check', 'iac.aws_s3_bucket')).toBe('aws.s3.public-access-block')
  })

  it('gives every control a title, its sources, and a why where several Security Hub controls are one', () => {
    for (const c of loadControls().controls.filter((x) => x.origin === 'catalogue')) {
      expect(c.source.length, c.id).toBeGreaterThan(0)
      if ((c.rules.securityhub ?? []).filter((r) => /^[A-Za-z0-9]+\.\d+$/.test(r)).length > 1) expect(c.why, c.id).toBeTruthy()
    }
  })

  it('makes a Security Hub finding and a Prowler finding of every mapped pair on one resource ONE finding', () => {
    const splits = splitPairs()
    const kept = PAIRS.map((p, i) => ({ p, i })).filter(({ p }) => !splits.has([`securityhub:${p.sh}`, `prowler:${p.check}`].sort().join(' ')))
    expect(kept.length).toBeGreaterThan(200)
    const shFile = join(tmp, 'securityhub.json')
    const prowlerFile = join(tmp, 'prowler.ocsf.json')
    writeFileSync(shFile, JSON.stringify({ Findings: kept.map(({ p, i }) => asff(p, i)) }))
    writeFileSync(prowlerFile, JSON.stringify(kept.map(({ p, i }) => ocsf(p, i))))
    const c = freshCase(tmp)
    try {
      const now = clock()
      importFile(c, shFile, { actor: ANALYST, now, displayName: 'securityhub.json' })
      importFile(c, prowlerFile, { actor: ANALYST, now, displayName: 'prowler.ocsf.json' })
      const findings = listFindings(c.db)
      const alone = findings.filter((f) => f.alerts.length !== 2).map((f) => `${f.control} on ${f.resource.id}: ${f.alerts.map((a) => `${a.tool}:${a.ruleId}`).join(', ')}`)
      expect(alone).toEqual([])
      expect(findings).toHaveLength(kept.length)
    } finally {
      c.close()
    }
  })

  it('keeps apart the pairs a decision splits, each on a control of its own', () => {
    const t = loadControls()
    for (const key of splitPairs()) {
      const [a, b] = key.split(' ').map((ref) => ref.split(':') as [string, string])
      expect(t.resolve(a[0], a[1], 'check', 'other'), key).not.toBe(t.resolve(b[0], b[1], 'check', 'other'))
    }
  })
})
