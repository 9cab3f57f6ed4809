import { describe, expect, it } from 'vitest'
import type { Loaded } from '../../main/controls/iam-authorization'
import type { IamVirtualMfaDevices } from '../../main/semantics/inventory-iam'
import { rootMfa } from './mfa'

const A = '123456789012'
const list = (devices: IamVirtualMfaDevices['VirtualMFADevices']): Loaded<IamVirtualMfaDevices> => ({ ok: true, value: { VirtualMFADevices: devices }, file: 'f' })
const rootDevice = { SerialNumber: `arn:aws:iam::${A}:mfa/root-account-mfa-device`, User: { Arn: `arn:aws:iam::${A}:root` } }

describe("the root user's MFA: virtual, none or hardware (Security Hub IAM.6, Config root-account-hardware-mfa-enabled)", () => {
  it('a virtual device assigned to root is virtual, whatever mfa_active says (root may hold a hardware device beside it)', () => {
    expect(rootMfa(A, true, list([rootDevice]))).toMatchObject({ state: 'virtual', devices: [rootDevice] })
    expect(rootMfa(A, null, list([rootDevice]))).toMatchObject({ state: 'virtual' })
  })
  it("another user's or an unassigned device is not root's; root with MFA and no virtual device of its own is hardware", () => {
    const others = [{ SerialNumber: `arn:aws:iam::${A}:mfa/ann`, User: { Arn: `arn:aws:iam::${A}:user/ann` } }, { SerialNumber: `arn:aws:iam::${A}:mfa/spare` }]
    expect(rootMfa(A, true, list(others))).toEqual({ state: 'hardware' })
    expect(rootMfa(A, false, list(others))).toEqual({ state: 'none' })
  })
  it('without the device list, or without the credential report, hardware is never concluded', () => {
    expect(rootMfa(A, true, { ok: false, why: 'no inventory/iam-virtual-mfa-devices.json' })).toMatchObject({ state: 'unknown', why: 'no inventory/iam-virtual-mfa-devices.json' })
    expect(rootMfa(A, null, list([]))).toMatchObject({ state: 'unknown', why: expect.stringContaining('credential report') })
    expect(rootMfa(A, false, { ok: false, why: 'x' })).toEqual({ state: 'none' })
  })
})
