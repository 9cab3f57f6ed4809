// aws.iam.root-access-key's fixture world: four accounts, one for each way the investigation can
// end. CloudTrail (a multi-Region trail) covers the whole window in the Regions each account uses,
// unless said otherwise.
import { asffControl, at, consoleLoginRecord, credentialReportRow, prowlerFinding, rootCallRecord, type Expected, type World } from '../../test/casegen/world'

const R = 'us-east-1'
const EU = 'eu-west-1'

const rootRow = (account: string, keys: Parameters<typeof credentialReportRow>[0]['keys']) =>
  credentialReportRow({
    user: '<root_account>',
    arn: `arn:aws:iam::${account}:root`,
    created: '2019-01-07T09:00:00+00:00',
    password: 'not_supported',
    passwordUsed: '2026-10-30T08:10:00+00:00',
    mfa: true,
    keys
  })

export function scenario(w: World): void {
  // prod: an old root key, last used in 2025; the root user signs in to the console now and then
  const prod = w.account('111122223333', 'acme-prod', 'prod')
  prod.regions.add(R).add(EU)
  prod.credentialReport.push(rootRow(prod.account, [{ active: true, rotated: '2020-03-11T10:00:00+00:00', used: '2025-02-03T07:00:00+00:00', service: 's3' }]))
  w.ct(prod.account, R, consoleLoginRecord({ time: at(40, 8, 10), account: prod.account, region: R, user: '<root>', ip: '203.0.113.40', mfa: true }))
  w.ct(prod.account, R, rootCallRecord({ time: at(40, 8, 14), account: prod.account, region: R, source: 'account.amazonaws.com', name: 'PutAlternateContact', ip: '203.0.113.40' }))

  // legacy: a nightly backup script signs with the root key, from a machine at a hosting provider
  const legacy = w.account('222233334444', 'acme-legacy', 'prod')
  legacy.regions.add(R).add(EU)
  const KEY = 'AKIAQ3EGROOTBACKUP01'
  legacy.credentialReport.push(rootRow(legacy.account, [{ active: true, rotated: '2018-06-01T12:00:00+00:00', used: '2026-11-19T02:05:00+00:00', region: EU, service: 'ec2' }]))
  for (let d = 0; d < 90; d += 3) {
    w.ct(
      legacy.account,
      EU,
      rootCallRecord({ time: at(d, 2, 0), account: legacy.account, region: EU, source: 'ec2.amazonaws.com', name: 'CreateSnapshot', ip: '198.51.100.23', key: KEY })
    )
    w.ct(
      legacy.account,
      EU,
      rootCallRecord({ time: at(d, 2, 4), account: legacy.account, region: EU, source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', ip: '198.51.100.23', key: KEY })
    )
  }
  w.ct(
    legacy.account,
    R,
    rootCallRecord({ time: at(20, 9, 0), account: legacy.account, region: R, source: 's3.amazonaws.com', name: 'ListBuckets', ip: '198.51.100.23', key: KEY })
  )

  // sandbox: a key created this year and never used, and an inactive one from 2019; but the
  // CloudTrail of eu-west-1 was not collected, so a use there cannot be ruled out
  const sandbox = w.account('333344445555', 'acme-sandbox', 'dev')
  sandbox.regions.add(R).add(EU)
  sandbox.trailNotCollected.add(EU)
  sandbox.credentialReport.push(
    rootRow(sandbox.account, [
      { active: true, rotated: '2026-01-15T16:20:00+00:00' },
      { active: false, rotated: '2019-02-01T10:00:00+00:00', used: '2020-05-04T11:00:00+00:00', service: 'iam' }
    ])
  )

  // data: the key was deleted after the scan; the finding is stale
  const data = w.account('444455556666', 'acme-data', 'prod')
  data.regions.add(R)
  data.credentialReport.push(rootRow(data.account, [null, null]))

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      prod.account,
      'SAFE',
      { 'key-exists': 'yes', 'key-used': 'no' },
      'the key was last used in February 2025, and CloudTrail of both Regions covers the window',
      { 'key-used': 'removing the keys leaves working' }
    ],
    [legacy.account, 'UNSAFE', { 'key-exists': 'yes', 'key-used': 'yes' }, 'a backup script signs with the root key every three days', { 'key-used': '198.51.100.23' }],
    [
      sandbox.account,
      'RISKY',
      { 'key-exists': 'yes', 'key-used': 'unknown' },
      "never used by the report, but eu-west-1's CloudTrail is missing",
      { 'key-used': 'CloudTrail in eu-west-1' }
    ],
    [data.account, 'SAFE', { 'key-exists': 'no' }, 'a stale finding: the root user has no key']
  ]
  for (const [account, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'IAM.4',
        title: 'IAM root user access key should not exist',
        severity: 'Critical',
        resourceType: 'AwsAccount',
        resourceId: `AWS::::Account:${account}`
      })
    )
    w.expect({ control: 'aws.iam.root-access-key', resource: `AWS::::Account:${account}`, region: R, verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the legacy account's root key too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: legacy.account,
      region: R,
      check: 'iam_no_root_access_key',
      title: 'Ensure no root account access key exists',
      severity: 'Critical',
      service: 'iam',
      resourceType: 'AwsIamUser',
      resourceUid: `arn:aws:iam::${legacy.account}:root`,
      resourceName: '<root_account>',
      detail: 'Root account has an active access key.'
    })
  )
}
