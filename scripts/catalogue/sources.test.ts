import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CONTROL_ID,
  STANDARDS,
  asffType,
  buildTables,
  type Source,
  normaliseGeneratorId,
  parseControlsExport,
  parseControlsJsonl,
  parseControlsPage,
  parseGeneratorTable,
  parseStandards
} from './extract-securityhub'

const DIR = join(__dirname, '../../playbooks/catalogue/sources')

function table(file: string): { header: string[]; rows: Record<string, string>[] } {
  const lines = readFileSync(join(DIR, file), 'utf8').split('\n')
  expect(lines.pop(), `${file} ends with a newline`).toBe('')
  const header = lines[0].split('\t')
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split('\t')
    expect(cells.length, `${file}:${i + 2} has ${cells.length} cells, the header ${header.length}`).toBe(header.length)
    return Object.fromEntries(header.map((h, j) => [h, cells[j]]))
  })
  return { header, rows }
}

const controls = table('securityhub-controls.tsv')
const legacy = table('securityhub-legacy-ids.tsv')
const retired = table('securityhub-retired.tsv')
const KEYS = new Set(STANDARDS.map((s) => s.key))

describe('securityhub-controls.tsv', () => {
  it('has the columns the catalogue generator reads, then the provenance columns', () => {
    expect(controls.header).toEqual([
      'control_id',
      'title',
      'severity',
      'config_rule',
      'resource_types',
      'standards',
      'config_resource_types',
      'config_rule_custom',
      'details_from',
      'config_rule_shared'
    ])
    expect(controls.rows.length).toBeGreaterThan(500)
  })

  it('has one row per control id (ids compare case-insensitively), each well formed', () => {
    const seen = new Set<string>()
    const rules = new Map<string, string>()
    for (const r of controls.rows) {
      expect(r.control_id).toMatch(CONTROL_ID)
      expect(seen.has(r.control_id.toLowerCase()), `${r.control_id} twice`).toBe(false)
      seen.add(r.control_id.toLowerCase())
      expect(r.title.trim(), r.control_id).not.toBe('')
      expect(['low', 'medium', 'high', 'critical', 'informational'], r.control_id).toContain(r.severity)
      expect(r.config_rule, r.control_id).toMatch(/^[a-z0-9-]*$/)
      for (const t of r.resource_types.split(',').filter(Boolean)) expect(t, r.control_id).toMatch(/^Aws[A-Z][A-Za-z0-9]*$/)
      for (const s of r.standards.split(',').filter(Boolean)) expect(KEYS.has(s), `${r.control_id}: standard ${s}`).toBe(true)
      // every Config rule and resource type says where it was read
      expect(r.details_from, r.control_id).toMatch(/^(rule:(export|(user-guide|checked)\/[a-z0-9]+-controls\.md)? types:(export|(user-guide|checked)\/[a-z0-9]+-controls\.md)?)?$/)
      if (r.config_rule || r.config_rule_shared) expect(r.details_from, r.control_id).toMatch(/^rule:\S/)
      expect(r.config_rule === '' || r.config_rule_shared === '', r.control_id).toBe(true)
      if (r.config_rule) {
        expect(rules.has(r.config_rule), `${r.config_rule} names ${rules.get(r.config_rule)} and ${r.control_id}`).toBe(false)
        rules.set(r.config_rule, r.control_id)
      }
      if (r.resource_types) expect(r.details_from, r.control_id).toMatch(/ types:\S/)
      expect(r.resource_types.split(',').filter(Boolean).length, r.control_id).toBe(new Set(r.resource_types.split(',').filter(Boolean)).size)
      expect(['', 'yes'], r.control_id).toContain(r.config_rule_custom)
    }
  })

  it('knows the controls Lastmile already has folders for, with their Config rule and ASFF resource type', () => {
    const byId = new Map(controls.rows.map((r) => [r.control_id, r]))
    expect(byId.get('S3.5')).toMatchObject({ config_rule: 's3-bucket-ssl-requests-only', resource_types: 'AwsS3Bucket' })
    expect(byId.get('EC2.7')).toMatchObject({ config_rule: 'ec2-ebs-encryption-by-default', resource_types: 'AwsAccount' })
    expect(byId.get('RDS.2')).toMatchObject({ config_rule: 'rds-instance-public-access-check', resource_types: 'AwsRdsDbInstance', severity: 'critical' })
    // the export's crawler gives EC2.20-25 a later control's type (AWS::EC2::Volume): the user guide's line wins
    expect(byId.get('EC2.21')).toMatchObject({ config_rule: 'nacl-no-unrestricted-ssh-rdp', resource_types: 'AwsEc2NetworkAcl' })
    // spot-checked export-only errors: a neighbour's type, the first of three
    expect(byId.get('DynamoDB.7')?.resource_types).toBe('AwsDaxCluster')
    expect(byId.get('KMS.2')?.resource_types).toBe('AwsIamGroup,AwsIamRole,AwsIamUser')
    // the export gives AppRunner.2 AppRunner.1's rule; the current page names its own
    expect(byId.get('AppRunner.2')).toMatchObject({ config_rule: 'apprunner-vpc-connector-tagged', details_from: 'rule:checked/apprunner-controls.md types:export' })
    expect(byId.get('AppRunner.1')?.config_rule).toBe('apprunner-service-tagged')
    // a rule several controls use tells none of them apart
    expect(byId.get('IAM.7')).toMatchObject({ config_rule: '', config_rule_shared: 'iam-password-policy' })
    expect(byId.get('RDS.11')).toMatchObject({ resource_types: 'AwsRdsDbInstance', details_from: 'rule:export types:checked/rds-controls.md' })
    expect(byId.get('RDS.1')?.resource_types.split(',').sort()).toEqual(['AwsRdsDbClusterSnapshot', 'AwsRdsDbSnapshot'])
    expect(byId.get('IAM.3')?.standards.split(',')).toEqual(expect.arrayContaining(['fsbp', 'cis-aws-1.2', 'cis-aws-1.4', 'nist-800-53-r5']))
  })
})

describe('securityhub-legacy-ids.tsv', () => {
  it('has the columns and no row twice', () => {
    expect(legacy.header).toEqual(['standard', 'standard_control_id', 'generator_id', 'control_id'])
    const seen = new Set<string>()
    for (const r of legacy.rows) {
      const key = `${r.generator_id.toLowerCase()}\t${r.control_id.toLowerCase()}`
      expect(seen.has(key), `${r.generator_id} -> ${r.control_id} twice`).toBe(false)
      seen.add(key)
    }
  })

  it('holds generator ids in the ASFF adapter form: no arn prefix, no /rule/, ending with the standard control id', () => {
    for (const r of legacy.rows) {
      expect(KEYS.has(r.standard), r.generator_id).toBe(true)
      expect(r.generator_id, r.generator_id).not.toMatch(/^arn:|\/rule\//)
      expect(r.generator_id.endsWith(`/${r.standard_control_id}`), r.generator_id).toBe(true)
      expect(normaliseGeneratorId(r.generator_id)).toBe(r.generator_id)
      expect(r.control_id).toMatch(CONTROL_ID)
    }
  })

  it('covers CIS 1.2.0, CIS 1.4.0 and PCI DSS 3.2.1 in the forms the docs show', () => {
    const map = new Map<string, string[]>()
    for (const r of legacy.rows) map.set(r.generator_id, [...(map.get(r.generator_id) ?? []), r.control_id])
    expect(map.get('cis-aws-foundations-benchmark/v/1.2.0/1.10')).toEqual(['IAM.16'])
    expect(map.get('cis-aws-foundations-benchmark/v/1.2.0/2.7')).toEqual(['CloudTrail.2'])
    expect(map.get('cis-aws-foundations-benchmark/v/1.4.0/3.7')).toEqual(['CloudTrail.2'])
    expect(map.get('pci-dss/v/3.2.1/PCI.IAM.4')).toEqual(['IAM.6'])
    expect(map.get('pci-dss/v/3.2.1/PCI.CloudTrail.1')).toEqual(['CloudTrail.2'])
    // FSBP's one id whose tail is not the security control id
    expect(map.get('aws-foundational-security-best-practices/v/1.0.0/ELBv2.1')).toEqual(['ELB.1'])
    const count = (s: string): number => legacy.rows.filter((r) => r.standard === s).length
    expect(count('cis-aws-1.2')).toBeGreaterThanOrEqual(40)
    expect(count('cis-aws-1.4')).toBeGreaterThanOrEqual(35)
    expect(count('pci-dss-3.2.1')).toBeGreaterThanOrEqual(40)
  })

  it('points every row at a current control; the ids of retired controls are in the retired table', () => {
    const current = new Set(controls.rows.map((r) => r.control_id))
    expect(legacy.rows.filter((r) => !current.has(r.control_id)).map((r) => `${r.generator_id} -> ${r.control_id}`)).toEqual([])
    expect(retired.header).toEqual(['control_id', 'title', 'source', 'generator_ids'])
    for (const r of retired.rows) {
      expect(current.has(r.control_id), `${r.control_id} is both current and retired`).toBe(false)
      for (const g of r.generator_ids.split(',').filter(Boolean)) expect(normaliseGeneratorId(g), r.control_id).toBe(g)
    }
    // CIS 1.2.0's 1.1 led to IAM.20 as well as CloudWatch.1 (the 2023 table): IAM.20 is retired, its id kept there
    expect(retired.rows.find((r) => r.control_id === 'IAM.20')?.generator_ids).toBe('cis-aws-foundations-benchmark/v/1.2.0/1.1')
    expect(legacy.rows.filter((r) => r.generator_id === 'cis-aws-foundations-benchmark/v/1.2.0/1.1').map((r) => r.control_id)).toEqual(['CloudWatch.1'])
  })
})

describe('extract-securityhub parsing', () => {
  it('normalises GeneratorIds as the ASFF adapter does', () => {
    expect(normaliseGeneratorId('arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10')).toBe('cis-aws-foundations-benchmark/v/1.2.0/1.10')
    expect(normaliseGeneratorId('arn:aws:securityhub:::standards/pci-dss/v/3.2.1/PCI.IAM.4')).toBe('pci-dss/v/3.2.1/PCI.IAM.4')
    expect(normaliseGeneratorId('cis-aws-foundations-benchmark/v/1.4.0/1.10')).toBe('cis-aws-foundations-benchmark/v/1.4.0/1.10')
  })

  it('derives ASFF resource types from the CloudFormation types the docs give', () => {
    expect(asffType('AWS::RDS::DBInstance')).toBe('AwsRdsDbInstance')
    expect(asffType('AWS::RDS::DBClusterSnapshot')).toBe('AwsRdsDbClusterSnapshot')
    expect(asffType('AWS::EC2::VPNConnection')).toBe('AwsEc2VpnConnection')
    expect(asffType('AWS::ElasticLoadBalancingV2::LoadBalancer')).toBe('AwsElbv2LoadBalancer')
    expect(asffType('AWS::WAFv2::WebACL')).toBe('AwsWafv2WebAcl')
    expect(asffType('AWS::ACM::Certificate')).toBe('AwsCertificateManagerCertificate')
    expect(asffType('AWS::OpenSearch::Domain')).toBe('AwsOpenSearchServiceDomain')
    expect(asffType('AWS::DynamoDB::Table')).toBe('AwsDynamoDbTable')
    expect(asffType('AWS::::Account')).toBe('AwsAccount')
    expect(() => asffType('RDS instance')).toThrow(/not AWS::<Service>::<Resource>/)
  })

  it('reads a control section in the archived (escaped) and in the current Markdown layout', () => {
    const old = [
      '## \\[RDS\\.1\\] RDS snapshot should be private<a name="rds-1"></a>',
      '',
      '**Severity:** Critical',
      '',
      '**Resource type:** `AWS::RDS::DBSnapshot`, `AWS::RDS::DBClusterSnapshot`',
      '',
      '**AWS Config rule:** [https://docs.aws.amazon.com/config/latest/developerguide/rds-snapshots-public-prohibited.html](https://docs.aws.amazon.com/config/latest/developerguide/rds-snapshots-public-prohibited.html)',
      '',
      '## \\[RDS\\.9\\] Database logging should be enabled<a name="rds-9"></a>',
      '**Severity:** Medium',
      '**Resource type:** `AWS::RDS::DBInstance`',
      '**AWS Config rule:** None \\(custom Security Hub rule\\)'
    ].join('\n')
    expect(parseControlsPage('rds-controls.md', old)).toEqual([
      {
        id: 'RDS.1',
        title: 'RDS snapshot should be private',
        severity: 'critical',
        configRule: 'rds-snapshots-public-prohibited',
        custom: false,
        cfnTypes: ['AWS::RDS::DBSnapshot', 'AWS::RDS::DBClusterSnapshot'],
        page: 'rds-controls.md'
      },
      { id: 'RDS.9', title: 'Database logging should be enabled', severity: 'medium', configRule: '', custom: true, cfnTypes: ['AWS::RDS::DBInstance'], page: 'rds-controls.md' }
    ])
    const current = [
      '## [RDS.4] RDS cluster snapshots and database snapshots should be encrypted at rest',
      '<a name="rds-4"></a>',
      '**Severity:** Medium',
      '**Resource type:** `AWS::RDS::DBClusterSnapshot`,` AWS::RDS::DBSnapshot`',
      '**AWS Config rule:** [`rds-snapshot-encrypted`](https://docs.aws.amazon.com/config/latest/developerguide/rds-snapshot-encrypted.html)'
    ].join('\n')
    expect(parseControlsPage('rds-controls.md', current)).toMatchObject([
      { id: 'RDS.4', configRule: 'rds-snapshot-encrypted', cfnTypes: ['AWS::RDS::DBClusterSnapshot', 'AWS::RDS::DBSnapshot'] }
    ])
    expect(() => parseControlsPage('x-controls.md', '## [X.1] t\n**AWS Config rule:** see the console')).toThrow(/x-controls.md \[X.1\]: cannot read the AWS Config rule line/)
  })

  it('reads the controls export: quoted CSV, custom rules, the one rule spelled with a space', () => {
    const csv = [
      '\uFEFFSecurity Control ID,Title,Severity Rating,Resource type,AWS Config rule',
      'ACM.3,ACM certificates should be tagged,LOW,AWS::ACM::Certificate,tagged-acm-certificate (custom Security Hub rule)',
      'Config.1,"AWS Config should be enabled, and ""recording""\nall",CRITICAL,AWS::::Account,None (custom Security Hub rule)',
      'IVS.2,IVS recording configurations should be tagged,LOW,AWS::IVS::RecordingConfiguration,ivs-recording configuration-tagged',
      'RDS.1,RDS snapshot should be private,CRITICAL,"AWS::RDS::DBClusterSnapshot, AWS::RDS::DBSnapshot",rds-snapshots-public-prohibited'
    ].join('\r\n')
    expect(parseControlsExport(csv, 'e.csv').map((c) => [c.id, c.title, c.configRule, c.custom, c.cfnTypes.join('+')])).toEqual([
      ['ACM.3', 'ACM certificates should be tagged', 'tagged-acm-certificate', true, 'AWS::ACM::Certificate'],
      ['Config.1', 'AWS Config should be enabled, and "recording" all', '', true, 'AWS::::Account'],
      ['IVS.2', 'IVS recording configurations should be tagged', 'ivs-recording-configuration-tagged', false, 'AWS::IVS::RecordingConfiguration'],
      ['RDS.1', 'RDS snapshot should be private', 'rds-snapshots-public-prohibited', false, 'AWS::RDS::DBClusterSnapshot+AWS::RDS::DBSnapshot']
    ])
    expect(() => parseControlsExport('Security Control ID,Title\nX.1,"unterminated', 'e.csv')).toThrow(/e.csv: a quoted field never ends/)
    expect(() => parseControlsExport('Security Control ID,Resource type\nX.1,RDS instance', 'e.csv')).toThrow(/e.csv record 2 X.1: resource type "RDS instance"/)
  })

  it('reads the generator id table and refuses a page without it', () => {
    const page = [
      '## Generator IDs before and after turning on consolidated control findings<a name="x"></a>',
      '| GeneratorID before | GeneratorID after |',
      '| --- | --- |',
      '|  arn:aws:securityhub:::ruleset/cis\\-aws\\-foundations\\-benchmark/v/1\\.2\\.0/rule/1\\.10  |  security\\-control/IAM\\.16  |',
      '|  pci\\-dss/v/3\\.2\\.1/PCI\\.IAM\\.4  |  security\\-control/IAM\\.6  |',
      '## Next'
    ].join('\n')
    expect(parseGeneratorTable(page)).toEqual([
      { before: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10', controlId: 'IAM.16' },
      { before: 'pci-dss/v/3.2.1/PCI.IAM.4', controlId: 'IAM.6' }
    ])
    expect(() => parseGeneratorTable('# nothing here')).toThrow(/no "Generator IDs before and after" section/)
  })

  it('maps standard names however the scrape split them, and names an unknown one', () => {
    expect(parseStandards(['CIS AWS Foundations Benchmark v1.4.0 AWS Foundational Security Best Practices v1.0.0', 'PCI DSS v4.0.1,', ''], 'x')).toEqual([
      'fsbp',
      'cis-aws-1.4',
      'pci-dss-4.0.1'
    ])
    expect(() => parseStandards(['ISO 27001'], 'line 3 X.1')).toThrow(/line 3 X.1: unknown standard/)
    expect(() => parseControlsJsonl('{"Id":"X.1","Title":"t","ApplicableStandards":[],"Severity":"SEVERE"}', 'f.jsonl')).toThrow(/f.jsonl:1: X.1 has severity "SEVERE"/)
  })

  describe('buildTables (sources in memory)', () => {
    const source = (files: Record<string, string>): Source => ({ describe: 'mem', list: () => Object.keys(files), read: (f) => files[f] ?? '' })
    const guide = (rds11: string): Source =>
      source({
        'rds-controls.md': [
          '## \\[RDS\\.1\\] RDS snapshot should be private<a name="rds-1"></a>',
          '**Severity:** Critical',
          '**Resource type:** `AWS::RDS::DBSnapshot`, `AWS::RDS::DBClusterSnapshot`',
          '**AWS Config rule:** [https://x/config/latest/developerguide/rds-snapshots-public-prohibited.html](https://x/config/latest/developerguide/rds-snapshots-public-prohibited.html)',
          '## \\[RDS\\.11\\] RDS instances should have automatic backups enabled<a name="rds-11"></a>',
          `**Resource type:** \`${rds11}\``,
          '## \\[RDS\\.99\\] Gone<a name="rds-99"></a>',
          '**Resource type:** `AWS::RDS::DBInstance`'
        ].join('\n'),
        'asff-changes-consolidation.md': [
          '## Generator IDs before and after turning on consolidated control findings',
          '|  arn:aws:securityhub:::ruleset/cis\\-aws\\-foundations\\-benchmark/v/1\\.2\\.0/rule/9\\.9  |  security\\-control/RDS\\.99  |',
          '|  pci\\-dss/v/3\\.2\\.1/PCI\\.RDS\\.1  |  security\\-control/RDS\\.1  |'
        ].join('\n')
      })
    const scrape = source({
      'security-hub-controls.jsonl': [
        '{"Id":"RDS.1","Title":"RDS snapshot should be private","ApplicableStandards":["AWS Foundational Security Best Practices v1.0.0","PCI DSS v3.2.1"],"Severity":"CRITICAL"}',
        '{"Id":"RDS.11","Title":"RDS instances should have automatic backups enabled","ApplicableStandards":["NIST SP 800-53 Rev. 5"],"Severity":"MEDIUM"}'
      ].join('\n')
    })
    const exported = (rds1: string): Source =>
      source({
        'securityhub_controls_sample.csv': [
          'Security Control ID,Title,Severity Rating,Resource type,AWS Config rule',
          `RDS.1,RDS snapshot should be private,CRITICAL,${rds1},rds-snapshots-public-prohibited`,
          'RDS.11,RDS instances should have automatic backups enabled,MEDIUM,AWS::RDS::DBInstance,db-instance-backup-enabled'
        ].join('\n')
      })

    it('takes the rule from the export, the full type line from the guide, a checked type where they disagree; keeps retired targets', () => {
      const t = buildTables(guide('AWS::RDS::DBCluster'), scrape, exported('AWS::RDS::DBClusterSnapshot'))
      expect(t.controls.split('\n').slice(1, 3)).toEqual([
        'RDS.1\tRDS snapshot should be private\tcritical\trds-snapshots-public-prohibited\tAwsRdsDbSnapshot,AwsRdsDbClusterSnapshot\tfsbp,pci-dss-3.2.1\tAWS::RDS::DBSnapshot,AWS::RDS::DBClusterSnapshot\t\trule:export types:user-guide/rds-controls.md\t',
        'RDS.11\tRDS instances should have automatic backups enabled\tmedium\tdb-instance-backup-enabled\tAwsRdsDbInstance\tnist-800-53-r5\tAWS::RDS::DBInstance\t\trule:export types:checked/rds-controls.md\t'
      ])
      expect(t.legacy.split('\n').filter(Boolean).slice(1)).toEqual([
        'fsbp\tRDS.1\taws-foundational-security-best-practices/v/1.0.0/RDS.1\tRDS.1',
        'nist-800-53-r5\tRDS.11\tnist-800-53/v/5.0.0/RDS.11\tRDS.11',
        'pci-dss-3.2.1\tPCI.RDS.1\tpci-dss/v/3.2.1/PCI.RDS.1\tRDS.1'
      ])
      expect(t.retired).toBe('control_id\ttitle\tsource\tgenerator_ids\nRDS.99\tGone\tuser-guide:rds-controls.md\tcis-aws-foundations-benchmark/v/1.2.0/9.9\n')
    })

    it('stops on a type disagreement nobody has checked', () => {
      expect(() => buildTables(guide('AWS::RDS::DBInstance'), scrape, exported('AWS::EC2::Volume'))).toThrow(
        /disagree .* RDS.1 \(guide AWS::RDS::DBSnapshot\+AWS::RDS::DBClusterSnapshot, export AWS::EC2::Volume\): read them in the current user guide/
      )
    })
  })
})
