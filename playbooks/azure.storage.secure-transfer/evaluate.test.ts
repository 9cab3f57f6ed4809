import { describe, expect, it } from 'vitest'
import { secureTransferVerdict } from './evaluate'

describe('azure.storage.secure-transfer', () => {
  it('PASS: HTTPS only and TLS 1.2 or later', () => {
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' }).status).toBe('PASS')
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_3' }).status).toBe('PASS')
  })
  it('FAIL: plain HTTP accepted, or TLS 1.0/1.1 accepted', () => {
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_2' })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('supportsHttpsTrafficOnly = false')
    })
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_1' })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('TLS1_1') })
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: false, minimumTlsVersion: undefined }).status).toBe('FAIL')
  })
  it('UNKNOWN, not PASS, when a property is absent', () => {
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: undefined, minimumTlsVersion: 'TLS1_2' })).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringContaining('supportsHttpsTrafficOnly is not in the data')
    })
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: true, minimumTlsVersion: undefined })).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringContaining('minimumTlsVersion is not in the data')
    })
    expect(secureTransferVerdict({ supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS9' }).status).toBe('UNKNOWN')
  })
})
