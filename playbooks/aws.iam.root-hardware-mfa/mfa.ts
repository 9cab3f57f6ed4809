// What the steps, the evaluator and the fix of aws.iam.root-hardware-mfa share: is the root user's MFA a virtual
// device, none, or hardware only — from the credential report's <root_account> mfa_active and the virtual MFA
// devices assigned to root (ListVirtualMFADevices). Config's root-account-hardware-mfa-enabled fails an account
// whose root user may sign in with a virtual device, even beside a hardware one (root may have up to eight MFA
// devices): "hardware only" needs the device list, and an MFA the list does not show as virtual.
import type { Loaded } from '../../main/controls/iam-authorization'
import { rootVirtualDevices, type IamVirtualMfaDevices } from '../../main/semantics/inventory-iam'

export type Device = IamVirtualMfaDevices['VirtualMFADevices'][number]

export type RootMfa = { state: 'virtual'; devices: Device[]; mfaActive: boolean | null } | { state: 'none' } | { state: 'hardware' } | { state: 'unknown'; why: string }

export const accountOf = (resourceId: string, fallback: string | null): string | null =>
  /^AWS::::Account:(\d{12})$/i.exec(resourceId)?.[1] ?? /^arn:[^:]+:iam::(\d{12}):root$/.exec(resourceId)?.[1] ?? (/^\d{12}$/.test(resourceId) ? resourceId : fallback)

export const rootArn = (account: string): string => `arn:aws:iam::${account}:root`

const enabled = (d: Device): string => (d.EnableDate ? `, enabled ${String(d.EnableDate instanceof Date ? d.EnableDate.toISOString() : d.EnableDate).slice(0, 10)}` : '')
export const devicesText = (ds: readonly Device[]): string => ds.map((d) => `${d.SerialNumber}${enabled(d)}`).join(', ')

/** mfaActive: the report's <root_account> mfa_active (null: no report, or not true/false). */
export function rootMfa(account: string, mfaActive: boolean | null, devices: Loaded<IamVirtualMfaDevices>): RootMfa {
  const virtual = devices.ok ? rootVirtualDevices(devices.value, account) : []
  if (virtual.length) return { state: 'virtual', devices: virtual, mfaActive }
  if (mfaActive === false) return { state: 'none' }
  if (devices.ok && mfaActive === true) return { state: 'hardware' }
  const why = [mfaActive === null ? `the root user of ${account} is not in an IAM credential report in evidence (its mfa_active)` : '', devices.ok ? '' : devices.why].filter(
    Boolean
  )
  return { state: 'unknown', why: why.join('; ') }
}
