// aws.iam.root-hardware-mfa (Security Hub IAM.6, Config root-account-hardware-mfa-enabled, Prowler
// iam_root_hardware_mfa_enabled), from the credential report's <root_account> mfa_active and
// inventory/iam-virtual-mfa-devices.json: FAIL when a virtual MFA device is assigned to root, or root has no MFA;
// PASS when root has MFA and the device list shows no virtual one for it; UNKNOWN when either file is missing.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluation, fileProblem } from '../../main/controls/evaluation'
import { accountResource } from '../../main/semantics/ids'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'
import { devicesText, rootMfa } from './mfa'

const CONTROL = 'aws.iam.root-hardware-mfa'

export function evaluateRootHardwareMfa(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const report = inv.credentialReport
  const devices = inv.iamVirtualMfaDevices
  const evidence: string[] = []
  let mfaActive: boolean | null = null
  const problems: string[] = []
  if (report.state === 'ok') {
    const item = report.value.find((i) => (i.ok ? i.value.user === '<root_account>' : (i.name ?? '').endsWith(':root')))
    if (!item) problems.push(`${report.rel} has no <root_account> row`)
    else if (!item.ok) problems.push(`${report.rel}: ${item.error}`)
    else {
      evidence.push(`${report.rel}#${item.pointer}`)
      const v = (item.value.columns.get('mfa_active') ?? '').toLowerCase()
      mfaActive = v === 'true' ? true : v === 'false' ? false : null
      if (mfaActive === null) problems.push(`${report.rel}: <root_account> mfa_active is "${item.value.columns.get('mfa_active') ?? ''}", not true or false`)
    }
  } else problems.push(fileProblem(report))
  if (devices.state === 'ok') evidence.push(devices.rel)
  const loaded = devices.state === 'ok' ? ({ ok: true, value: devices.value, file: devices.rel } as const) : ({ ok: false, why: fileProblem(devices) } as const)
  const m = rootMfa(inv.account, mfaActive, loaded)
  const verdict: Verdict =
    m.state === 'virtual'
      ? fail(`the root user's MFA is the virtual device ${devicesText(m.devices)}`)
      : m.state === 'none'
        ? fail('the root user has no MFA device at all')
        : m.state === 'hardware'
          ? pass('the root user has MFA and no virtual MFA device is assigned to it')
          : unknown([...problems, devices.state === 'ok' ? '' : fileProblem(devices)].filter(Boolean).join('; '))
  return [evaluation(CONTROL, accountResource(inv.account), verdict, { account: inv.account, evidence })]
}
