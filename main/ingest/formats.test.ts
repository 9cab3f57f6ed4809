import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkovSarif } from '../../test/fixtures/ingest/iac-sarif'
import { ANALYST, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { detectFormat } from './detect'
import { alertRecord } from '../case/findings'
import { importFile } from './importer'
import type { FormatName, ImportSummary } from './types'

const dir = mkdtempSync(join(tmpdir(), 'lastmile-formats-'))
let c: WritableCaseDb
beforeAll(() => {
  c = freshCase(dir)
})
afterAll(() => {
  c.close()
  rmSync(dir, { recursive: true, force: true })
})

type AlertRow = {
  id: number
  tool: string
  tool_finding_id: string
  rule_id: string
  rule_kind: string
  control: string
  title: string
  severity: number
  outcome: string
  muted: number
  account: string | null
  region: string | null
  artifact: string | null
  last_seen: string
  resource: string
  resource_type: string
  environment: string | null
}

/** Import a fixture (partial: format tests must not close each other's alerts) and read its alerts back. */
function imp(rel: string, format?: FormatName): { s: ImportSummary; alerts: AlertRow[] } {
  const s = importFile(c, join(FIXTURES, rel), { actor: ANALYST, displayName: rel, partial: true, format })
  const alerts = c.db
    .prepare(
      `SELECT a.*, r.canonical_id AS resource, r.type AS resource_type, r.environment AS environment
       FROM alerts a JOIN resources r ON r.id = a.resource_id WHERE a.last_import = ? ORDER BY a.record_no`
    )
    .all(s.importId) as AlertRow[]
  return { s, alerts }
}

describe('real exports', () => {
  it('ASFF GetFindings: GuardDuty threats on an instance and an access key', () => {
    const { s, alerts } = imp('real/awssecurityhub/guardduty.json')
    expect(s.format).toBe('asff')
    expect(s.records).toBe(4)
    expect(alerts.map((a) => [a.tool, a.rule_kind, a.rule_id, a.resource])).toEqual([
      ['guardduty', 'threat', 'DefenseEvasion:EC2-UnusualDNSResolver', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890'],
      ['guardduty', 'threat', 'Recon:EC2-Portscan', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890'],
      ['guardduty', 'threat', 'UnauthorizedAccess:EC2-SSHBruteForce', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890'],
      ['guardduty', 'threat', 'Discovery:IAMUser-AnomalousBehavior', 'AWS::IAM::AccessKey:123123123']
    ])
    expect(alerts[0]).toMatchObject({ severity: 2, outcome: 'FAIL', account: '123456789012', region: 'us-east-1', last_seen: '2200-01-17T11:21:23.000Z' })
  })

  it('ASFF with lower-case findings: a PASSED control is an alert, not an open problem', () => {
    const { s, alerts } = imp('real/awssecurityhub/config_one_finding.json')
    expect(s).toMatchObject({ format: 'asff', alerts: 1, findings: { new: 0, resolved: 0, reopened: 0 } })
    expect(alerts[0]).toMatchObject({ tool: 'securityhub', rule_id: 'IAM.5', outcome: 'PASS', resource: 'AWS::::Account:012345678912' })
  })

  it('ASFF Inspector: ECR image CVEs become one finding per image, by digest', () => {
    const { s, alerts } = imp('real/awssecurityhub/inspector_ecr.json')
    expect(alerts).toHaveLength(7)
    expect(alerts[0]).toMatchObject({
      tool: 'inspector',
      rule_kind: 'vulnerability',
      rule_id: 'CVE-2023-2650',
      control: 'container.image.vulnerable',
      resource: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/repo-os@sha256:af965ef68c78374a5f987fce98c0ddfa45801df2395bf012c50b863e65978d74',
      resource_type: 'container.image'
    })
    expect(s.findings.new).toBe(7)
  })

  it('ASFF Inspector: a CVE finding with an empty Vulnerabilities block is the vulnerability its title names', () => {
    const { s, alerts } = imp('real/awssecurityhub/inspector_ec2_cve_no_vulnerabilities.json')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      tool: 'inspector',
      rule_kind: 'vulnerability',
      rule_id: 'CVE-2022-3643',
      control: 'software.package.vulnerable',
      title: 'CVE-2022-3643 - kernel',
      severity: 4,
      // the sample's ARN lacks 'instance/' (its account is masked): the id's prefix i- names the kind, as its Type AwsEc2Instance says
      resource: 'arn:aws:ec2:us-east-1:XXXXXXXXXXXX:instance/i-11111111111111111',
      resource_type: 'aws.ec2.instance'
    })
    expect(s.catalogue).toMatchObject({ failing: 1, catalogued: 1, fallback: [] })
  })

  it("Inspector's own JSON (list-findings): CVEs on an instance (its ARN) and an ECR image (by digest), a CLOSED finding passes", () => {
    const { s, alerts } = imp('real/awssecurityhub/inspector2_list_findings.json')
    expect(s).toMatchObject({ format: 'inspector-json', records: 8, alerts: 8 })
    expect(s.scope).toMatchObject({ source: 'inspector', tools: ['inspector'] })
    expect(alerts.every((a) => a.tool === 'inspector' && a.rule_kind === 'vulnerability' && /^CVE-\d{4}-\d+$/.test(a.rule_id))).toBe(true)
    const ec2 = alerts.find((a) => a.rule_id === 'CVE-2015-8035')
    expect(ec2).toMatchObject({
      control: 'software.package.vulnerable',
      outcome: 'FAIL',
      resource: expect.stringMatching(/^arn:aws:ec2:[a-z0-9-]+:\d{12}:instance\/i-0b22a22eec53b9321$/)
    })
    const closed = alerts.find((a) => a.rule_id === 'CVE-2021-3744')
    expect(closed).toMatchObject({
      control: 'container.image.vulnerable',
      outcome: 'PASS',
      resource_type: 'container.image',
      resource: '012345678901.dkr.ecr.us-east-1.amazonaws.com/my-awesome-docker-image@sha256:d667ad018b538adadb5bd1db75836c8561b23bc7d31d9cd8941fa74f5df93802'
    })
    expect(alerts[0].tool_finding_id).toMatch(/^arn:aws:inspector2:us-east-1:012345678901:finding\//)
    expect(s.catalogue).toMatchObject({ failing: 7, catalogued: 7, fallback: [] })
  })

  it('Prowler OCSF (4.2, concrete values) and the placeholder example files', () => {
    const one = imp('real/prowler/one_vuln_after_4_5_0.ocsf.json')
    expect(one.s.format).toBe('prowler-ocsf')
    expect(one.alerts[0]).toMatchObject({
      tool: 'prowler',
      rule_id: 'iam_role_administratoraccess_policy_permissive_trust_relationship',
      tool_finding_id: 'prowler-aws-iam_role_administratoraccess_policy_permissive_trust_relationship-123456789012-us-east-1-myAdministratorExecutionRole',
      resource: 'arn:aws:iam::123456789012:role/myAdministratorExecutionRole',
      severity: 3,
      outcome: 'FAIL'
    })
    // every row of the upstream examples carries the placeholder <finding_uid>, each for another
    // check: an alert per check (not the last row), and the summary says the id was shared
    const ex = imp('real/prowler/example_output_aws.ocsf.json')
    expect(ex.s).toMatchObject({
      records: 3,
      alerts: 3,
      sharedIds: {
        ids: 1,
        alerts: 3,
        example: {
          tool: 'prowler',
          toolFindingId: '<finding_uid>',
          rules: ['accessanalyzer_enabled', 'account_maintain_current_contact_details', 'account_maintain_different_contact_details_to_security_billing_and_operations']
        }
      }
    })
    expect(ex.alerts.map((a) => a.rule_id)).toEqual([
      'accessanalyzer_enabled',
      'account_maintain_current_contact_details',
      'account_maintain_different_contact_details_to_security_billing_and_operations'
    ])
    expect(one.s.sharedIds).toEqual({ ids: 0, alerts: 0, example: null })
  })

  it('Prowler CSV is semicolon-separated and MANUAL rows are neither PASS nor FAIL', () => {
    expect(detectFormat(join(FIXTURES, 'real/prowler/example_output_aws.csv'), 'x')).toMatchObject({ kind: 'csv', delimiter: ';' })
    const { s } = imp('real/prowler/example_output_aws.csv')
    expect(s).toMatchObject({ format: 'prowler-csv', records: 4, alerts: 4, sharedIds: { ids: 1, alerts: 4 } })
    const rows = c.db.prepare("SELECT DISTINCT outcome FROM alerts WHERE tool = 'prowler' AND rule_id = 'account_maintain_current_contact_details'").all()
    expect(rows.length).toBeLessThanOrEqual(1)
  })

  it('Prowler 3 JSON: the check id is the rule, FindingUniqueId the alert, the ARN (else the account) the resource', () => {
    const { s, alerts } = imp('real/prowler/v3_many_vuln.json')
    expect(s).toMatchObject({ format: 'prowler-json', records: 3, alerts: 3 })
    expect(s.scope).toMatchObject({ source: 'prowler', tools: ['prowler'], accounts: ['999999999999'], regions: ['us-east-1'] })
    expect(alerts.map((a) => [a.rule_id, a.control, a.resource, a.resource_type, a.severity, a.outcome])).toEqual([
      ['acm_certificates_expiration_check', 'aws.acm.1', 'arn:aws:acm:us-east-1:999999999999:certificate/ffffffff-0000-0000-0000-000000000000', 'aws.acm.certificate', 3, 'FAIL'],
      ['accessanalyzer_enabled', 'aws.accessanalyzer.enabled', 'AWS::::Account:999999999999', 'aws.account', 1, 'FAIL'],
      ['account_maintain_current_contact_details', 'aws.account.maintain-current-contact-details', 'AWS::::Account:999999999999', 'aws.account', 2, 'FAIL']
    ])
    expect(alerts[0]).toMatchObject({
      tool: 'prowler',
      tool_finding_id: 'prowler-aws-acm_certificates_expiration_check-999999999999-us-east-1-api.teste.teste.com',
      last_seen: '2023-04-25T23:49:42.744Z'
    })
  })

  it("Prowler 3 JSON and CSV: a check id Prowler 4 renamed is read as today's", () => {
    const rows = JSON.parse(readFileSync(join(FIXTURES, 'real/prowler/v3_many_vuln.json'), 'utf8')) as Array<Record<string, unknown>>
    writeFileSync(
      join(dir, 'prowler3-apigw.json'),
      JSON.stringify([{ ...rows[0], CheckID: 'apigateway_authorizers_enabled', FindingUniqueId: 'prowler-aws-apigateway_authorizers_enabled-x' }])
    )
    const json = imp(relative(FIXTURES, join(dir, 'prowler3-apigw.json')))
    expect(json.alerts[0]).toMatchObject({ rule_id: 'apigateway_restapi_authorizers_enabled', tool_finding_id: 'prowler-aws-apigateway_authorizers_enabled-x' })
    expect(json.alerts[0].control).not.toMatch(/^prowler\./)
    const csv = readFileSync(join(FIXTURES, 'real/prowler/example_output_aws.csv'), 'utf8').replace(';accessanalyzer_enabled;', ';apigatewayv2_access_logging_enabled;')
    writeFileSync(join(dir, 'prowler3-apigw.csv'), csv)
    expect(imp(relative(FIXTURES, join(dir, 'prowler3-apigw.csv'))).alerts.map((a) => a.rule_id)).toContain('apigatewayv2_api_access_logging_enabled')
  })

  it('Prowler 3 JSON from Azure: the Azure id names the subscription; PASS rows are alerts, not problems', () => {
    const { s, alerts } = imp('written/prowler-v3-azure.json')
    expect(s.format).toBe('prowler-json')
    expect(alerts.map((a) => [a.control, a.outcome, a.account, a.resource_type])).toEqual([
      ['azure.storage.secure-transfer', 'FAIL', '0f3c1b2a-7d4e-4f5a-9b6c-1d2e3f4a5b6c', 'azure.storage.account'],
      ['azure.defender.ensure-defender-for-storage-is-on', 'PASS', '0f3c1b2a-7d4e-4f5a-9b6c-1d2e3f4a5b6c', expect.any(String)]
    ])
    expect(alerts[0].resource).toBe('/subscriptions/0f3c1b2a-7d4e-4f5a-9b6c-1d2e3f4a5b6c/resourcegroups/rg-payments/providers/microsoft.storage/storageaccounts/stpaymentsprod01')
  })

  it("Prowler -M json-asff (a bare array of ASFF findings) is read as Prowler's, by check id", () => {
    const { s, alerts } = imp('written/prowler-json-asff.json')
    expect(s).toMatchObject({ format: 'asff', records: 2, scope: { source: 'securityhub', tools: ['prowler'] } })
    expect(alerts.map((a) => [a.tool, a.rule_id, a.control, a.outcome, a.resource])).toEqual([
      ['prowler', 's3_bucket_secure_transport_policy', 'aws.s3.https-only', 'FAIL', 'arn:aws:s3:::customer-invoices-123456789012'],
      ['prowler', 'ec2_instance_imdsv2_enabled', 'aws.ec2.imdsv2', 'PASS', 'arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718']
    ])
  })

  it("Prowler 2 JSON (one result per line): v2 check ids become the current ids through Prowler's v2-to-v3 table", () => {
    const { s, alerts } = imp('real/prowler/v2_many_vuln.json')
    expect(s).toMatchObject({ format: 'prowler-v2-json', records: 6, alerts: 6 })
    // the type is the one Prowler 2 declares for the check (its CSV's CHECK_ASFF_RESOURCE_TYPE): an account check's
    // "resource" (root, MFA) is a label, the result is the account's; an EKS cluster's ARN is its name in the account and Region
    const cluster = 'arn:aws:eks:eu-central-1:012345678912:cluster/prod-eksc'
    expect(alerts.map((a) => [a.rule_id, a.outcome, a.severity, a.resource, a.resource_type])).toEqual([
      ['iam_avoid_root_usage', 'PASS', 3, 'AWS::::Account:012345678912', 'aws.account'],
      ['iam_root_hardware_mfa_enabled', 'FAIL', 4, 'AWS::::Account:012345678912', 'aws.account'],
      ['eks_control_plane_endpoint_access_restricted', 'FAIL', 3, cluster, 'aws.eks.cluster'],
      ['eks_control_plane_logging_all_types_enabled', 'FAIL', 2, cluster, 'aws.eks.cluster'],
      // an IAM user's ARN holds a path its name does not give: kept as given
      ['iam_policy_attached_only_to_group_or_roles', 'FAIL', 1, 'dtpa.prod.config_read.iam', 'aws.iam.user'],
      ['account_maintain_current_contact_details', 'INFO', 2, 'AWS::::Account:012345678912', 'aws.account']
    ])
    // EKS.1's and IAM.2's controls are the ids of the folders that own them (playbooks/aws.eks.public-endpoint,
    // playbooks/aws.iam.user-direct-policies); Prowler's iam_root_hardware_mfa_enabled is also a Huawei Cloud check id,
    // so it is split off IAM.6's folder onto a control of its own (decisions.yaml)
    expect(alerts.map((a) => a.control).slice(1, 5)).toEqual(['aws.iam.root-hardware-mfa-enabled', 'aws.eks.public-endpoint', 'aws.eks.8', 'aws.iam.user-direct-policies'])
    // the uid keeps the label Prowler gave, so the root usage and root MFA results stay apart
    expect(alerts[1].tool_finding_id).toBe('prowler-aws-iam_root_hardware_mfa_enabled-012345678912-eu-central-1-MFA')
    expect(alerts[1]).toMatchObject({ tool: 'prowler', account: '012345678912', region: 'eu-central-1', last_seen: '2021-08-23T06:38:46.000Z' })
  })

  it("Prowler 2 CSV (-M csv): the check id in TITLE_TEXT is read as today's; rows without a resource column are told apart by their message", () => {
    const { s, alerts } = imp('real/prowler/v2_csv_many_vuln.csv')
    expect(s).toMatchObject({ format: 'prowler-v2-csv', records: 4, alerts: 4 })
    expect(s.scope).toMatchObject({ source: 'prowler', tools: ['prowler'], accounts: ['012345678910'], regions: ['eu-west-2', 'us-east-1'] })
    expect(alerts.map((a) => [a.rule_id, a.control, a.outcome, a.severity, a.region])).toEqual([
      ['iam_avoid_root_usage', 'aws.iam.avoid-root-usage', 'FAIL', 3, 'us-east-1'],
      // today's table names check13 only as a subset of two checks (unused keys, unused passwords); Prowler 3's table
      // gives it one check, iam_disable_90_days_credentials, which is IAM.8 (CIS AWS 1.2's 1.3; overrides/decisions.yaml)
      ['iam_disable_90_days_credentials', 'aws.iam.unused-access-key', 'FAIL', 2, 'us-east-1'],
      ['iam_password_policy_reuse_24', 'aws.iam.7', 'FAIL', 2, 'us-east-1'],
      ['ec2_securitygroup_not_used', 'aws.ec2.22', 'FAIL', 0, 'eu-west-2']
    ])
    // the root account and the password policy are the account's; the file names no other resource, only its type
    // (CHECK_ASFF_RESOURCE_TYPE): an unnamed IAM user, an unnamed security group
    expect(alerts.map((a) => [a.resource, a.resource_type])).toEqual([
      ['AWS::::Account:012345678910', 'aws.account'],
      ['(no resource given)', 'aws.iam.user'],
      ['AWS::::Account:012345678910', 'aws.account'],
      ['(no resource given)', 'aws.ec2.security-group']
    ])
    expect(new Set(alerts.map((a) => a.tool_finding_id)).size).toBe(4)
    expect(s.catalogue).toMatchObject({ failing: 4, catalogued: 4, fallback: [] })
  })

  it('a CSV whose rows end with the delimiter (Prowler 2 wrote some so: DefectDojo issue 4450) is read; the empty cell beyond the header is dropped', () => {
    const text = readFileSync(join(FIXTURES, 'real/prowler/v2_csv_many_vuln.csv'), 'utf8')
    const [head, ...rows] = text.split('\n')
    const trailing = [head, ...rows.map((r) => (r.trim() ? `${r},` : r))].join('\n')
    expect(trailing).not.toBe(text)
    const path = join(dir, 'prowler2-trailing-comma.csv')
    writeFileSync(path, trailing)
    const s = importFile(c, path, { actor: ANALYST, displayName: 'prowler2-trailing-comma.csv', partial: true })
    expect(s).toMatchObject({ format: 'prowler-v2-csv', records: 4, alerts: 4 })
  })

  it('Checkov JSON, one report per framework: failed and passed checks, file plus Terraform address', () => {
    const { s, alerts } = imp('real/checkov/multiple_check_type.json')
    expect(s).toMatchObject({ format: 'checkov-json', records: 28, alerts: 28, findings: { new: 13 } })
    expect(s.scope).toEqual({ source: 'sarif', tools: ['checkov'], accounts: [], regions: [], artifacts: ['checkov:default'] })
    const imds = alerts.find((a) => a.rule_id === 'CKV_AWS_79')
    expect(imds).toMatchObject({
      tool: 'checkov',
      control: 'aws.ec2.imdsv2',
      outcome: 'FAIL',
      severity: 3,
      resource: 'infra/terraform/aws/db-app.tf#aws_instance.db_app',
      resource_type: 'iac.aws_instance',
      tool_finding_id: 'CKV_AWS_79|infra/terraform/aws/db-app.tf|aws_instance.db_app'
    })
    expect(alerts.filter((a) => a.outcome === 'PASS')).toHaveLength(15)
    // a Dockerfile check has no address: the file and line
    expect(alerts.find((a) => a.rule_id === 'CKV_DOCKER_3')).toMatchObject({ outcome: 'FAIL', resource: 'infra/terraform/aws/resources/Dockerfile#L1', resource_type: 'iac.file' })
  })

  it('Checkov JSON with severities; and a scan with nothing to check (only the summary) imports nothing', () => {
    const sev = imp('real/checkov/severity.json')
    expect(sev.alerts.map((a) => [a.rule_id, a.severity, a.resource])).toEqual([
      ['CKV_GCP_29', 2, 'gcs.tf#google_storage_bucket.terragoat_website'],
      ['CKV_GCP_62', 2, 'gcs.tf#google_storage_bucket.terragoat_website'],
      ['CKV_GCP_78', 1, 'gcs.tf#google_storage_bucket.terragoat_website'],
      ['CKV_GCP_28', 3, 'gcs.tf#google_storage_bucket_iam_binding.allow_public_read']
    ])
    expect(imp('real/checkov/summary_only_0_vuln.json').s).toMatchObject({ format: 'checkov-json', records: 0, alerts: 0 })
  })

  it('Checkov JSON: a skipped check (checkov:skip) is a suppressed failure, as in its SARIF', () => {
    // the real report with its last failed check skipped in the source, as Checkov lists it then
    const report = JSON.parse(readFileSync(join(FIXTURES, 'real/checkov/severity.json'), 'utf8')) as { results: Record<string, Array<Record<string, unknown>>> }
    const skipped = report.results.failed_checks.pop()!
    report.results.skipped_checks.push({ ...skipped, check_result: { result: 'SKIPPED', suppress_comment: 'public website bucket, approved' } })
    writeFileSync(join(dir, 'checkov-skipped.json'), JSON.stringify(report))
    writeFileSync(join(dir, 'checkov-skipped.sarif'), checkovSarif(JSON.stringify(report)))
    const fromJson = imp(relative(FIXTURES, join(dir, 'checkov-skipped.json')))
    const fromSarif = imp(relative(FIXTURES, join(dir, 'checkov-skipped.sarif')))
    for (const { alerts } of [fromJson, fromSarif]) {
      expect(alerts.map((a) => [a.rule_id, a.outcome, a.muted])).toEqual([
        ['CKV_GCP_29', 'FAIL', 0],
        ['CKV_GCP_62', 'FAIL', 0],
        ['CKV_GCP_78', 'FAIL', 0],
        ['CKV_GCP_28', 'FAIL', 1]
      ])
    }
    expect(fromJson.alerts.map((a) => a.id)).toEqual(fromSarif.alerts.map((a) => a.id))
  })

  it('KICS JSON: one alert per file entry of a query, the address only where KICS names type[name]', () => {
    const { s, alerts } = imp('real/kics/many_findings.json')
    // 18 file entries; one query lists the same place four times
    expect(s).toMatchObject({ format: 'kics-json', records: 18, alerts: 15 })
    expect(alerts.slice(1, 4).map((a) => [a.rule_id, a.severity, a.resource])).toEqual([
      ['7af43613-6bb9-4a0e-8c4d-1314b799425e', 3, 'test/charts/example/terraform/s3.tf#aws_s3_bucket_policy.this'],
      ['1df37f4b-7197-45ce-83f8-9994d2fcf885', 3, 'test/charts/example/terraform/s3.tf#aws_s3_bucket_policy.this'],
      // "'aws_s3_bucket.server_side_encryption_configuration' is missing" names a type and an attribute, not a resource
      ['6726dcc0-5ff5-459d-b473-a780bef7665c', 3, 'test/charts/example/terraform/s3.tf#L5']
    ])
    expect(imp('real/kics/no_findings.json').s).toMatchObject({ format: 'kics-json', records: 0 })
  })

  it("tfsec JSON: the long id is the rule, an older release's id read as today's; module instances of one block are one alert", () => {
    const { s, alerts } = imp('real/tfsec/many_findings_current.json')
    expect(s).toMatchObject({ format: 'tfsec-json', records: 19, alerts: 11 })
    // tfsec 0.5x's aws-vpc-no-public-egress-sgr is aws-ec2-no-public-egress-sgr since 1.x (defsec's Aliases)
    expect(alerts.find((a) => a.rule_id === 'aws-ec2-no-public-egress-sgr')).toMatchObject({
      tool: 'tfsec',
      severity: 4,
      resource: '/tmp/aws-eks/modules/security-group/main.tf#aws_security_group_rule.egress_with_cidr_blocks'
    })
    // tfsec before 0.40: no long id, `passed: false`, severity WARNING
    // so they land on the catalogue's controls, not on per-tool fallbacks (the old ids are in no rule list),
    // but for the one old id two of today's checks claim (launch configurations and launch templates)
    expect(alerts.filter((a) => a.control.startsWith('tfsec.')).map((a) => a.rule_id)).toEqual(['aws-autoscaling-enable-at-rest-encryption'])
    // tfsec's own table: GEN003 became general-secrets-no-plaintext-exposure
    expect(imp('real/tfsec/one_finding_legacy.json').alerts[0]).toMatchObject({
      rule_id: 'general-secrets-no-plaintext-exposure',
      outcome: 'FAIL',
      severity: 2,
      resource: 'tfsec-test/identity.tf#L226'
    })
    expect(imp('real/tfsec/no_findings.json').s).toMatchObject({ format: 'tfsec-json', records: 0 })
  })

  it('Wiz issues CSV: multi-line Markdown cells; a resolved issue is not an open problem', () => {
    const one = imp('real/wiz/issues_one_finding.csv')
    expect(one.s.format).toBe('wiz-issues-csv')
    expect(one.alerts[0]).toMatchObject({
      tool: 'wiz',
      tool_finding_id: '0029ee49-c676-432f-8690-12f2862ec708',
      rule_id: '5bd69891-b61f-49c8-85a5-c8f90c3eff80',
      outcome: 'FAIL',
      account: 'fee3535b-9616-486f-a476-6a500a08a02b'
    })
    const raw = alertRecord(c.db, `A-${one.alerts[0].id}`)
    expect(raw.raw.startsWith('2023-01-25T00:19:27Z,AKS role/cluster role assigned permissions that contain wildcards ,INFORMATIONAL,OPEN,"#### Description')).toBe(true)
    expect(raw.raw).toContain('Potential impact')
    expect(raw.context).toMatchObject({ header: expect.stringContaining('Created At,Title,Severity') })
    // two rows share an Issue ID: one alert, the newer observation wins
    const resolved = imp('real/wiz/issues_resolved_findings.csv')
    expect(resolved.s).toMatchObject({ records: 3, alerts: 2 })
  })

  it('Wiz vulnerability CSV', () => {
    const { s, alerts } = imp('real/wiz/vulnerability_findings_sca_format.csv')
    expect(s).toMatchObject({ format: 'wiz-vulnerabilities-csv', alerts: 5 })
    expect(alerts[0]).toMatchObject({ rule_kind: 'vulnerability', rule_id: 'CVE-2024-39474', control: 'software.package.vulnerable', region: 'us-central1' })
    expect(alerts[0].title).toBe('CVE-2024-39474 in github.com/containerd/containerd 1.4.0 (fixed in 1.5.11)')
  })

  it('Trivy image, filesystem (vulns, misconfigurations, secrets) and Terraform config', () => {
    const img = imp('real/trivy/scheme_2_many_vulns.json')
    expect(img.s).toMatchObject({ format: 'trivy-json', alerts: 5, findings: { new: 1 } })
    expect(img.alerts.every((a) => a.control === 'container.image.vulnerable' && a.resource === 'teamdojo:latest')).toBe(true)
    const fs = imp('real/trivy/misconfigurations_and_secrets.json')
    expect(fs.alerts.map((a) => [a.rule_kind, a.rule_id, a.resource])).toEqual([
      ['vulnerability', 'CVE-2021-33503', 'requirements.txt'],
      ['vulnerability', 'CVE-2021-28363', 'requirements.txt'],
      // the check's AVD id, as Trivy's AVDID (absent from this older output) and the catalogue name it
      ['misconfiguration', 'AVD-DS-0002', 'Dockerfile'],
      ['secret', 'github-pat', 'Dockerfile#L24'],
      ['secret', 'github-pat', 'secret.txt#L1']
    ])
    const tf = imp('real/trivy/terraform_misconfig_issue_14136.json')
    expect(tf.alerts[0]).toMatchObject({
      rule_id: 'AVD-AWS-0143',
      resource: 'tofu/aws-credentials/main.tf#module.aws_credentials',
      resource_type: 'iac.module',
      artifact: 'tofu/clusters/sandbox'
    })
  })

  it('Defender for Cloud recommendations CSV with a BOM: Healthy rows pass, ids lower-cased', () => {
    const { s, alerts } = imp('real/defender_for_cloud/recommendations_export_many.csv')
    expect(s).toMatchObject({ format: 'defender-recommendations-csv', alerts: 4, findings: { new: 3 } })
    expect(alerts.map((a) => a.outcome)).toEqual(['FAIL', 'PASS', 'FAIL', 'FAIL'])
    expect(alerts[3]).toMatchObject({
      resource: '/subscriptions/9cfbad7a-7369-42e4-bcce-7677c5b3a44b/resourcegroups/cloud-shell-storage-westeurope/providers/microsoft.storage/storageaccounts/swe10032201245e263h',
      resource_type: 'azure.storage.account',
      rule_id: 'cdc78c07-02b0-4af0-1cb2-cb7c672a8b0a'
    })
  })
})

describe('formats without a public sample', () => {
  it('EventBridge events (an array) and concatenated GetFindings pages', () => {
    const ev = imp('written/securityhub-eventbridge-events.json')
    expect(ev.s.format).toBe('asff')
    expect(ev.alerts.map((a) => a.control)).toEqual(['aws.ec2.imdsv2', 'aws.ec2.sg-open-admin-ports'])
    expect(ev.alerts[0].environment).toBe('prod')
    const pages = imp('written/securityhub-getfindings-pages.json')
    expect(pages.s.records).toBe(4)
    // EBS encryption by default, per region: two findings on the same account
    const ebs = pages.alerts.filter((a) => a.control === 'aws.ec2.ebs-default-encryption')
    expect(ebs.map((a) => [a.resource, a.region])).toEqual([
      ['AWS::::Account:111122223333', 'us-east-1'],
      ['AWS::::Account:111122223333', 'eu-west-1']
    ])
    expect(new Set(ebs.map((a) => a.id)).size).toBe(2)
  })

  it('Security Hub findings from before consolidation (no SecurityControlId): the standard-specific id from the GeneratorId, the consolidated id for FSBP and NIST', () => {
    const { s, alerts } = imp('written/securityhub-legacy-standards.json')
    expect(s.format).toBe('asff')
    expect(alerts.map((a) => [a.rule_id, a.control])).toEqual([
      // CIS 1.2.0's ProductFields.RuleId and CIS 1.4.0's ControlId are both "1.10", for different checks
      // ... and each lands on the control AWS's consolidation table names for it (sources/securityhub-legacy-ids.tsv)
      ['cis-aws-foundations-benchmark/v/1.2.0/2.7', 'aws.cloudtrail.2'],
      ['cis-aws-foundations-benchmark/v/1.2.0/1.10', 'aws.iam.16'],
      // IAM.5, whose rows are now its folder's control
      ['cis-aws-foundations-benchmark/v/1.4.0/1.10', 'aws.iam.console-mfa'],
      // IAM.6, whose rows are now its folder's control
      ['pci-dss/v/3.2.1/PCI.IAM.4', 'aws.iam.root-hardware-mfa'],
      ['S3.5', 'aws.s3.https-only'],
      ['S3.5', 'aws.s3.https-only']
    ])
    // CIS 1.2.0's ProductFields.RuleId and CIS 1.4.0's ControlId are both "1.10", for different checks: never one control
    expect(alerts[1].control).not.toBe(alerts[2].control)
    expect(alerts.slice(4).map((a) => a.control)).toEqual(['aws.s3.https-only', 'aws.s3.https-only'])
    // FSBP and NIST report the same check on the same bucket: one finding, two alerts
    expect(new Set(alerts.slice(4).map((a) => a.resource))).toEqual(new Set(['arn:aws:s3:::customer-invoices-123456789012']))
    expect(new Set(alerts.slice(4).map((a) => a.tool_finding_id)).size).toBe(2)
  })

  it('Security Hub OCSF (GetFindingsV2)', () => {
    const { s, alerts } = imp('written/securityhub-ocsf.json')
    expect(s.format).toBe('securityhub-ocsf')
    expect(alerts.map((a) => [a.tool, a.rule_id, a.control, a.outcome])).toEqual([
      ['securityhub', 'S3.5', 'aws.s3.https-only', 'FAIL'],
      ['securityhub', 'EC2.8', 'aws.ec2.imdsv2', 'PASS']
    ])
  })

  it('generic OCSF vulnerability, compliance and detection findings, one per line', () => {
    const { s, alerts } = imp('written/ocsf-findings.jsonl')
    expect(s.format).toBe('ocsf')
    expect(alerts.map((a) => [a.tool, a.rule_kind, a.rule_id, a.control])).toEqual([
      ['grype', 'vulnerability', 'CVE-2024-3094', 'container.image.vulnerable'],
      ['steampipe', 'check', 's3_bucket_enforces_ssl', 'steampipe.s3_bucket_enforces_ssl'],
      ['falco', 'threat', 'Terminal shell in container', 'falco.Terminal shell in container']
    ])
  })

  it('Wiz API issues: REJECTED is muted in Wiz, Azure ids lower-cased', () => {
    const { s, alerts } = imp('written/wiz-api-issues.json')
    expect(s.format).toBe('wiz-api-json')
    expect(alerts[0]).toMatchObject({ rule_id: 'wc-id-1234', resource: 'arn:aws:s3:::payments-uploads', muted: 0 })
    expect(alerts[1]).toMatchObject({ muted: 1, resource_type: 'azure.storage.account' })
    expect(alerts[1].resource).toBe(alerts[1].resource.toLowerCase())
  })

  it('Trivy k8s: workload images by digest, misconfigurations per workload', () => {
    const { s, alerts } = imp('written/trivy-k8s.json')
    expect(s.scope.artifacts).toEqual(['k8s:prod-eks'])
    const digest = `registry.example.com/payments/api@sha256:${'3c'.repeat(32)}`
    expect(alerts.map((a) => [a.rule_id, a.resource, a.muted])).toEqual([
      ['CVE-2024-2961', digest, 0],
      ['CVE-2023-45853', digest, 1],
      ['AVD-KSV-0001', 'k8s:prod-eks/payments/Deployment/api', 0],
      ['AVD-KSV-0017', 'k8s:prod-eks/kube-system/DaemonSet/aws-node', 0]
    ])
  })

  it("Defender assessments of another cloud's resource and sub-assessments: the native id (an ARN) is the resource, a sub-assessment is its recommendation's rule", () => {
    const { s, alerts } = imp('written/defender-multicloud-assessments.json')
    expect(s.format).toBe('defender-assessments-json')
    expect(alerts.map((a) => [a.rule_id, a.rule_kind, a.control, a.resource, a.resource_type, a.account, a.outcome])).toEqual([
      [
        '72f3b7f1-76b8-4cf5-8da5-4ba5745b512c',
        'check',
        'aws.rds.public-access',
        'arn:aws:rds:us-east-1:123456789012:db:payments-db',
        expect.stringMatching(/^aws\.rds\./),
        '123456789012',
        'FAIL'
      ],
      [
        '1195afff-c881-495e-9bc5-1486211ae03f',
        'vulnerability',
        'azure.compute.vm-vulnerability-findings',
        '/subscriptions/0b6e7b1c-2222-4444-8888-abcdef012345/resourcegroups/payments-rg/providers/microsoft.compute/virtualmachines/payments-worker',
        'azure.compute.vm',
        '0b6e7b1c-2222-4444-8888-abcdef012345',
        'FAIL'
      ]
    ])
  })

  it("Defender recommendations CSV row for an AWS resource: nativeCloudAccountId (the resource's ARN) is the resource", () => {
    const header = readFileSync(join(FIXTURES, 'real/defender_for_cloud/recommendations_export_many.csv'), 'utf8').split(/\r?\n/)[0]
    const connector =
      '/subscriptions/0b6e7b1c-2222-4444-8888-abcdef012345/resourcegroups/defender-connectors/providers/microsoft.security/securityconnectors/aws-payments-prod/securityentitydata/aws-rds-dbinstance-us-east-1-orders-db'
    const row = [
      '2025-03-01T08:00:00.000Z',
      '0b6e7b1c-2222-4444-8888-abcdef012345',
      'Payments',
      'defender-connectors',
      'rds.dbinstance',
      'orders-db',
      connector,
      `${connector}/providers/Microsoft.Security/assessments/72f3b7f1-76b8-4cf5-8da5-4ba5745b512c`,
      '72f3b7f1-76b8-4cf5-8da5-4ba5745b512c',
      'RDS DB Instances should prohibit public access',
      '',
      '',
      'High',
      'Unhealthy',
      '',
      '2025-02-01T00:00:00Z',
      '2025-02-01T00:00:00Z',
      '{}',
      '',
      'arn:aws:rds:us-east-1:123456789012:db:orders-db'
    ].map((v) => `"${v}"`)
    writeFileSync(join(dir, 'aws.csv'), `${header}\n${row.join(',')}\n`)
    const s = importFile(c, join(dir, 'aws.csv'), { actor: ANALYST, displayName: 'aws.csv', partial: true })
    const a = c.db
      .prepare('SELECT a.rule_id, a.control, a.account, r.canonical_id AS resource FROM alerts a JOIN resources r ON r.id = a.resource_id WHERE a.last_import = ?')
      .all(s.importId)
    expect(a).toEqual([
      { rule_id: '72f3b7f1-76b8-4cf5-8da5-4ba5745b512c', control: 'aws.rds.public-access', account: '123456789012', resource: 'arn:aws:rds:us-east-1:123456789012:db:orders-db' }
    ])
  })

  it('Defender assessments and alerts', () => {
    const a = imp('written/defender-assessments.json')
    expect(a.s.format).toBe('defender-assessments-json')
    expect(a.alerts.map((x) => [x.control, x.outcome])).toEqual([
      ['azure.storage.secure-transfer', 'FAIL'],
      ['azure.storage.secure-transfer', 'PASS'],
      ['azure.storage.ensure-private-endpoints-in-storage-accounts', 'INFO']
    ])
    const al = imp('written/defender-alerts.json')
    expect(al.s.format).toBe('defender-alerts-json')
    expect(al.alerts[0]).toMatchObject({ rule_kind: 'threat', rule_id: 'VM_LoginBruteForceSuccess', region: 'westeurope', resource_type: 'azure.compute.vm' })
  })

  it('Orca alerts: ARNs built from the asset name, severity from the score', () => {
    const { s, alerts } = imp('written/orca-alerts.json')
    expect(s.format).toBe('orca-alerts-json')
    expect(alerts.map((a) => [a.tool_finding_id, a.resource, a.severity, a.environment])).toEqual([
      ['orca-101', 'arn:aws:s3:::analytics-staging', 2, 'staging'],
      ['orca-102', 'arn:aws:ec2:eu-west-1:555566667777:instance/i-0aa11bb22cc33dd44', 3, 'staging']
    ])
  })

  it('SARIF from Checkov, KICS and tfsec: file plus Terraform address, mapped controls', () => {
    const ck = imp('written/checkov.sarif')
    expect(ck.s.format).toBe('sarif')
    expect(ck.alerts.map((a) => [a.tool, a.control, a.resource, a.muted, a.severity])).toEqual([
      ['checkov', 'aws.ec2.imdsv2', 'infra/ec2.tf#aws_instance.web', 0, 3],
      ['checkov', 'aws.s3.public-access-block', 'infra/s3.tf#aws_s3_bucket_public_access_block.logs', 0, 3],
      ['checkov', 'aws.s3.public-access-block', 'infra/s3.tf#aws_s3_bucket_public_access_block.assets', 1, 3]
    ])
    const kics = imp('written/kics.sarif')
    expect(kics.alerts.map((a) => [a.tool, a.control, a.resource])).toEqual([
      ['kics', 'aws.ec2.sg-open-admin-ports', '/repo/infra/network.tf#aws_security_group.bastion'],
      ['kics', 'aws.ec2.ebs-default-encryption', '/repo/infra/account.tf#aws_ebs_encryption_by_default.default']
    ])
    const tfsec = imp('written/tfsec.sarif')
    expect(tfsec.alerts.map((a) => [a.control, a.resource])).toEqual([
      ['aws.s3.public-access-block', 'infra/s3.tf#L1'],
      ['azure.storage.secure-transfer', 'azure/storage.tf#azurerm_storage_account.diag']
    ])
  })

  it('--format forces a format, and refuses one the file is not', () => {
    expect(detectFormat(join(FIXTURES, 'written/orca-alerts.json'), 'x', 'orca-alerts-json').adapter.format).toBe('orca-alerts-json')
    expect(() => detectFormat(join(FIXTURES, 'written/orca-alerts.json'), 'orca.json', 'prowler-csv')).toThrow(
      'orca.json: byte offset 0: the format chosen, prowler-csv, is a CSV format, but the file is JSON'
    )
    // a format that would find no records in the file is refused, not imported as an empty scan
    for (const f of ['checkov-json', 'kics-json', 'tfsec-json'] as const) {
      expect(() => detectFormat(join(FIXTURES, 'written/orca-alerts.json'), 'orca.json', f)).toThrow(/^orca\.json: not an export Lastmile recognises/)
    }
    expect(detectFormat(join(FIXTURES, 'real/prowler/v3_many_vuln.json'), 'x', 'prowler-json').adapter.format).toBe('prowler-json')
    expect(() => detectFormat(join(FIXTURES, 'real/wiz/issues_one_finding.csv'), 'w.csv', 'prowler-csv')).toThrow(
      /w\.csv: line 1: the format chosen, prowler-csv: the header lacks the column CHECK_ID$/
    )
  })
})
