import { describe, expect, it } from 'vitest'
import { accessKeyVerdict } from './evaluate'
import type { CredentialReportKey } from '../../main/semantics/credential-report'

const AT = new Date('2026-11-20T10:00:00Z')
const key = (slot: 1 | 2, active: string, lastRotated: string, lastUsedDate: string): CredentialReportKey => ({ slot, active, lastRotated, lastUsedDate })
const none = (slot: 1 | 2) => key(slot, 'false', 'N/A', 'N/A')
const v = (k1: CredentialReportKey, k2: CredentialReportKey = none(2), days = 45) => accessKeyVerdict({ keys: [k1, k2] }, AT, days)

describe('aws.iam.unused-access-key (IAM.22 / CIS 1.12: unused 45 days or more)', () => {
  it('PASS: no active key', () => {
    expect(v(none(1))).toEqual({ status: 'PASS', reason: 'no active access key' })
    expect(v(key(1, 'false', '2020-01-01T00:00:00+00:00', '2020-02-01T00:00:00+00:00'))).toMatchObject({ status: 'PASS' })
  })
  it('PASS: an active key used recently', () => {
    expect(v(key(1, 'true', '2025-01-01T00:00:00+00:00', '2026-11-18T09:00:00+00:00'))).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('last used 2026-11-18, 2 days before collection')
    })
  })
  it('FAIL: an active key last used more than the threshold ago', () => {
    expect(v(key(1, 'true', '2024-01-01T00:00:00+00:00', '2026-09-01T00:00:00+00:00'))).toMatchObject({
      status: 'FAIL',
      reason: 'access key 1 is active and was last used 2026-09-01, 80 days before collection (threshold: 45 days)'
    })
  })
  it('the boundary: exactly 45 days idle FAILs (CIS: 45 days or greater; Prowler passes it), one second less PASSes', () => {
    expect(v(key(1, 'true', '2024-01-01T00:00:00+00:00', '2026-10-06T10:00:00+00:00')).status).toBe('FAIL')
    expect(v(key(1, 'true', '2024-01-01T00:00:00+00:00', '2026-10-06T10:00:01+00:00')).status).toBe('PASS')
  })
  it('FAIL: an active key never used and older than the threshold (Prowler skips never-used keys)', () => {
    expect(v(key(1, 'true', '2025-06-01T00:00:00+00:00', 'N/A'))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('has never been used; it was created 2025-06-01, 537 days')
    })
  })
  it('PASS: a new key not used yet', () => {
    expect(v(key(1, 'true', '2026-11-10T00:00:00+00:00', 'N/A'))).toMatchObject({ status: 'PASS', reason: expect.stringContaining('never been used') })
  })
  it('the threshold is configurable', () => {
    const k = key(1, 'true', '2024-01-01T00:00:00+00:00', '2026-09-01T00:00:00+00:00')
    expect(v(k, none(2), 90).status).toBe('PASS')
    expect(v(k, none(2), 30).status).toBe('FAIL')
  })
  it('either key can fail the user; the reason names the slot', () => {
    const r = v(key(1, 'true', '2026-01-01T00:00:00+00:00', '2026-11-19T00:00:00+00:00'), key(2, 'true', '2025-01-01T00:00:00+00:00', 'N/A'))
    expect(r).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/^access key 2 is active and has never been used/) })
  })
  it('measures from collectedAt, not from the wall clock', () => {
    const k = key(1, 'true', '2024-01-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00')
    expect(accessKeyVerdict({ keys: [k, none(2)] }, AT, 45).status).toBe('PASS')
    expect(accessKeyVerdict({ keys: [k, none(2)] }, new Date('2027-06-01T00:00:00Z'), 45).status).toBe('FAIL')
  })
  it('UNKNOWN on values that are not dates or booleans; never PASS by default', () => {
    expect(v(key(1, 'maybe', 'N/A', 'N/A'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('access_key_1_active is "maybe"') })
    expect(v(key(1, 'true', 'N/A', 'N/A'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('creation time "N/A" is not a date') })
    expect(v(key(1, 'true', '2024-01-01T00:00:00+00:00', 'yesterday'))).toMatchObject({ status: 'UNKNOWN' })
    expect(v(key(1, 'true', '2024-01-01', 'N/A')).status).toBe('UNKNOWN')
  })
  it('a known unused key wins over an unreadable one', () => {
    expect(v(key(1, 'true', '2020-01-01T00:00:00+00:00', 'N/A'), key(2, 'true', 'garbage', 'N/A')).status).toBe('FAIL')
  })
})
