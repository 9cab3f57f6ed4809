// aws.iam.root-hardware-mfa's fixture world: three accounts, one for each way the investigation can end — root
// signs in with its virtual device every few weeks from the office (RISKY: whoever does must get the hardware
// device first), root with a virtual device nobody used over the whole window (SAFE: the procedure takes nothing
// away), and root already on a hardware device (SAFE: nothing to change). CloudTrail covers the window everywhere.
import { asffControl, at, consoleLoginRecord, credentialReportRow, rootCallRecord, type Expected, type World } from '../../test/casegen/world'

const R = 'us-east-1'
const USED = '810020003000'
const IDLE = '810020003001'
const HARDWARE = '810020003002'

const virtualDevice = (account: string, enabled: string) => ({
  SerialNumber: `arn:aws:iam::${account}:mfa/root-account-mfa-device`,
  User: { UserId: account, Arn: `arn:aws:iam::${account}:root`, CreateDate: '2019-01-07T09:00:00+00:00', PasswordLastUsed: '2026-11-12T09:00:00+00:00' },
  EnableDate: enabled
})

export function scenario(w: World): void {
  const used = w.account(USED, 'acme-billing', 'prod')
  const idle = w.account(IDLE, 'acme-archive', 'prod')
  const hardware = w.account(HARDWARE, 'acme-security', 'prod')
  for (const a of [used, idle, hardware]) a.regions.add(R)
  const root = (account: string, mfa: boolean, passwordUsed: string) =>
    credentialReportRow({ user: '<root_account>', arn: `arn:aws:iam::${account}:root`, created: '2019-01-07T09:00:00+00:00', password: 'not_supported', passwordUsed, mfa })

  // the finance lead signs in as root every two weeks to download invoices, with the authenticator app
  used.credentialReport.push(root(USED, true, '2026-11-12T09:00:00+00:00'))
  used.virtualMfaDevices = [virtualDevice(USED, '2021-03-02T10:00:00+00:00'), { SerialNumber: `arn:aws:iam::${USED}:mfa/unassigned-spare` }]
  for (let d = 5; d < 90; d += 14) {
    w.ct(USED, R, consoleLoginRecord({ time: at(d, 9, 0), account: USED, region: R, user: '<root>', ip: '198.51.100.23', mfa: true }))
    w.ct(
      USED,
      R,
      rootCallRecord({ time: at(d, 9, 5), account: USED, region: R, source: 'billingconsole.amazonaws.com', name: 'GetInvoicePDF', ip: '198.51.100.23', readOnly: true })
    )
  }

  // a virtual device nobody has used since 2024
  idle.credentialReport.push(root(IDLE, true, '2024-06-03T10:00:00+00:00'))
  idle.virtualMfaDevices = [virtualDevice(IDLE, '2020-05-11T10:00:00+00:00')]

  // switched to a security key after the scan
  hardware.credentialReport.push(root(HARDWARE, true, '2026-10-01T10:00:00+00:00'))
  hardware.virtualMfaDevices = []

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      USED,
      'RISKY',
      { 'virtual-mfa': 'yes', 'root-used': 'yes' },
      'root signs in with the virtual device every two weeks',
      { 'virtual-mfa': `mfa/root-account-mfa-device, enabled 2021-03-02`, 'root-used': '7 console sign-ins as root on 7 days from 198.51.100.23, 7 with MFA, 0 without' }
    ],
    [IDLE, 'SAFE', { 'virtual-mfa': 'yes', 'root-used': 'no' }, 'nobody signed in as root over the window', { 'root-used': 'nobody signed in as root' }],
    [HARDWARE, 'SAFE', { 'virtual-mfa': 'no' }, 'a stale finding: root moved to a hardware device', { 'virtual-mfa': 'its MFA is a hardware device' }]
  ]
  for (const [account, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'IAM.6',
        title: 'Hardware MFA should be enabled for the root user',
        severity: 'Critical',
        resourceType: 'AwsAccount',
        resourceId: `AWS::::Account:${account}`
      })
    )
    w.expect({ control: 'aws.iam.root-hardware-mfa', resource: `AWS::::Account:${account}`, verdict, steps, why, says })
  }
}
