// aws.iam.console-mfa's fixture world: six IAM users of two accounts, one for each way the
// investigation can end. CloudTrail (a multi-Region trail) covers the whole window in both Regions
// of the prod account; the sandbox account's eu-west-1 CloudTrail was not collected.
import { asffControl, at, consoleLoginRecord, credentialReportRow, managementRecord, prowlerFinding, user, type Expected, type World } from '../../test/casegen/world'

const R = 'us-east-1'
const EU = 'eu-west-1'
const PROD = '111122223333'
const SANDBOX = '333344445555'

const rootRow = (account: string) =>
  credentialReportRow({
    user: '<root_account>',
    arn: `arn:aws:iam::${account}:root`,
    created: '2019-01-07T09:00:00+00:00',
    password: 'not_supported',
    passwordUsed: '2026-10-30T08:10:00+00:00',
    mfa: true
  })

export function scenario(w: World): void {
  const prod = w.account(PROD, 'acme-prod', 'prod')
  prod.regions.add(R).add(EU)
  const sandbox = w.account(SANDBOX, 'acme-sandbox', 'dev')
  sandbox.regions.add(R).add(EU)
  sandbox.trailNotCollected.add(EU)
  prod.credentialReport.push(rootRow(PROD))
  sandbox.credentialReport.push(rootRow(SANDBOX))
  const arn = (account: string, path: string) => `arn:aws:iam::${account}:user/${path}`
  const row = (account: string, path: string, o: Omit<Parameters<typeof credentialReportRow>[0], 'user' | 'arn'>) =>
    credentialReportRow({ user: path.split('/').pop()!, arn: arn(account, path), ...o })

  // enrolled a device after the scan
  prod.credentialReport.push(row(PROD, 'j.silva', { created: '2022-02-01T08:00:00+00:00', password: 'true', passwordUsed: '2026-11-18T08:30:00+00:00', mfa: true }))
  w.ct(PROD, R, consoleLoginRecord({ time: at(88, 8, 30), account: PROD, region: R, user: 'j.silva', ip: '203.0.113.12', mfa: true }))

  // signs in every few days with the password alone
  prod.credentialReport.push(row(PROD, 'k.brandt', { created: '2023-04-11T08:00:00+00:00', password: 'true', passwordUsed: '2026-11-19T07:55:00+00:00', mfa: false }))
  for (let d = 1; d < 90; d += 4)
    w.ct(PROD, d % 8 === 1 ? EU : R, consoleLoginRecord({ time: at(d, 7, 55), account: PROD, region: d % 8 === 1 ? EU : R, user: 'k.brandt', ip: '203.0.113.77', mfa: false }))
  w.ct(PROD, R, consoleLoginRecord({ time: at(30, 7, 50), account: PROD, region: R, user: 'k.brandt', ip: '198.51.100.99', mfa: false, success: false }))

  // a contractor whose console password has been idle since 2025; its key feeds a nightly export
  prod.credentialReport.push(
    row(PROD, 'contractors/old.contractor', {
      created: '2024-03-05T08:00:00+00:00',
      password: 'true',
      passwordUsed: '2025-12-01T16:20:00+00:00',
      mfa: false,
      keys: [{ active: true, rotated: '2024-03-05T08:10:00+00:00', used: '2026-11-19T01:00:00+00:00', service: 's3' }]
    })
  )
  w.ct(
    PROD,
    R,
    managementRecord({ time: at(89, 1, 0), account: PROD, region: R, source: 's3.amazonaws.com', name: 'ListBuckets', who: user(PROD, 'old.contractor', 'AKIAQ3EGRCONTRACT01X') })
  )

  // a reporting job's user: no password, its key in daily use
  prod.credentialReport.push(
    row(PROD, 'svc/reporting', {
      created: '2023-01-09T08:00:00+00:00',
      password: 'false',
      mfa: false,
      keys: [{ active: true, rotated: '2023-01-09T08:05:00+00:00', used: '2026-11-19T23:00:00+00:00', service: 'athena' }]
    })
  )
  for (let d = 0; d < 90; d += 10)
    w.ct(
      PROD,
      R,
      managementRecord({
        time: at(d, 23, 0),
        account: PROD,
        region: R,
        source: 'athena.amazonaws.com',
        name: 'StartQueryExecution',
        readOnly: false,
        who: user(PROD, 'reporting', 'AKIAQ3EGRREPORTING01')
      })
    )

  // an auditor's API user, its key never used
  prod.credentialReport.push(
    row(PROD, 'audit-readonly', { created: '2024-06-20T08:00:00+00:00', password: 'false', mfa: false, keys: [{ active: true, rotated: '2024-06-20T08:05:00+00:00' }] })
  )

  // a sandbox user whose password was last used in May; eu-west-1's CloudTrail is missing
  sandbox.credentialReport.push(row(SANDBOX, 't.nguyen', { created: '2025-09-01T08:00:00+00:00', password: 'true', passwordUsed: '2026-05-02T10:00:00+00:00', mfa: false }))

  const cases: Array<[string, string, string[], Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [PROD, 'j.silva', ['IAM.5'], 'SAFE', { 'mfa-missing': 'no' }, 'a stale finding: the user enrolled a device'],
    [PROD, 'k.brandt', ['IAM.5', 'IAM.19'], 'UNSAFE', { 'console-without-mfa': 'yes' }, 'signs in without MFA every four days', { 'console-without-mfa': '203.0.113.77' }],
    [
      PROD,
      'contractors/old.contractor',
      ['IAM.5', 'IAM.19'],
      'SAFE',
      { password: 'yes', 'console-without-mfa': 'no', 'keys-used': 'yes' },
      'the password is idle since 2025; deleting it leaves the nightly key working',
      { 'console-without-mfa': 'last used 2025-12-01, before the window' }
    ],
    [
      PROD,
      'svc/reporting',
      ['IAM.19'],
      'UNSAFE',
      { password: 'no', 'keys-used': 'yes' },
      'a require-MFA policy would refuse its daily Athena queries',
      { 'keys-used': 'athena StartQueryExecution' }
    ],
    [PROD, 'audit-readonly', ['IAM.19'], 'SAFE', { password: 'no', 'keys-used': 'no' }, 'no password, and its key was never used'],
    [
      SANDBOX,
      't.nguyen',
      ['IAM.5', 'IAM.19'],
      'RISKY',
      { 'console-without-mfa': 'unknown' },
      "eu-west-1's CloudTrail is missing",
      { 'console-without-mfa': 'CloudTrail in eu-west-1' }
    ]
  ]
  for (const [account, path, controls, verdict, steps, why, says] of cases) {
    for (const control of controls)
      w.findings.asff.push(
        asffControl({
          account,
          region: R,
          control,
          title: control === 'IAM.5' ? 'MFA should be enabled for all IAM users that have a console password' : 'MFA should be enabled for all IAM users',
          severity: 'Medium',
          resourceType: 'AwsIamUser',
          resourceId: arn(account, path)
        })
      )
    w.expect({ control: 'aws.iam.console-mfa', resource: arn(account, path), verdict, steps, why, ...(says ? { says } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: PROD,
      region: R,
      check: 'iam_user_mfa_enabled_console_access',
      title: 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password.',
      severity: 'High',
      service: 'iam',
      resourceType: 'AwsIamUser',
      resourceUid: arn(PROD, 'k.brandt'),
      resourceName: 'k.brandt',
      detail: 'User k.brandt has Console Password enabled but MFA disabled.'
    })
  )
}
