import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import type { CredentialReportKey } from '../../main/semantics/credential-report'
import { rootKeyVerdict } from './evaluate'

const key = (slot: 1 | 2, active: string, lastRotated: string, lastUsedDate = 'N/A'): CredentialReportKey => ({ slot, active, lastRotated, lastUsedDate })
const empty = (slot: 1 | 2) => key(slot, 'false', 'N/A')

describe('aws.iam.root-access-key evaluator (IAM.4: the root user has no access key)', () => {
  it('PASS when both slots are empty', () => {
    expect(rootKeyVerdict({ keys: [empty(1), empty(2)] })).toEqual({ status: 'PASS', reason: expect.stringContaining('no access key') })
  })
  it('FAIL on an active key, naming its slot, creation and last use', () => {
    expect(rootKeyVerdict({ keys: [key(1, 'true', '2020-03-11T10:00:00+00:00', '2025-02-03T07:00:00+00:00'), empty(2)] })).toEqual({
      status: 'FAIL',
      reason: 'the root user has an active access key 1, created 2020-03-11, last used 2025-02-03'
    })
  })
  it('FAIL on an inactive key that still exists (Config and Security Hub count it; Prowler looks at the active flag only)', () => {
    expect(rootKeyVerdict({ keys: [empty(1), key(2, 'false', '2019-02-01T10:00:00+00:00')] })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('an inactive (but existing) access key 2, created 2019-02-01, never used')
    })
  })
  it('UNKNOWN on cells that are neither booleans nor dates; a key known to exist wins', () => {
    expect(rootKeyVerdict({ keys: [key(1, 'maybe', 'N/A'), empty(2)] })).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('"maybe"') })
    expect(rootKeyVerdict({ keys: [key(1, 'true', 'yesterday'), empty(2)] })).toMatchObject({ status: 'UNKNOWN' })
    expect(rootKeyVerdict({ keys: [key(1, 'false', '2020-01-01T00:00:00+00:00', 'soon'), empty(2)] })).toMatchObject({ status: 'UNKNOWN' })
    expect(rootKeyVerdict({ keys: [key(1, 'maybe', 'N/A'), key(2, 'true', '2020-01-01T00:00:00+00:00')] }).status).toBe('FAIL')
  })

  const A = '111122223333'
  const FILE = `aws/${A}/inventory/iam-credential-report.csv`
  const HEADER =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'
  const root = (k1: string) =>
    `<root_account>,arn:aws:iam::${A}:root,2019-01-07T09:00:00+00:00,not_supported,2026-11-02T08:10:00+00:00,not_supported,not_supported,true,${k1},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`
  const alice = `alice,arn:aws:iam::${A}:user/alice,2022-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2022-01-01T00:00:00+00:00,N/A,true,true,2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`
  const run = (csv: string) => evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: csv } }), { controls: ['aws.iam.root-access-key'] })

  it("over a bundle: one row for the account, from the <root_account> row, never from an IAM user's keys", async () => {
    const r = await run(`${HEADER}\n${alice}\n${root('true,2020-03-11T10:00:00+00:00,2025-02-03T07:00:00+00:00,us-east-1,s3')}\n`)
    expect(r.evaluations.filter((e) => e.control === 'aws.iam.root-access-key')).toHaveLength(1)
    expect(findEvaluation(r, 'aws.iam.root-access-key', `AWS::::Account:${A}`)).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#row=3`] })
    const clean = await run(`${HEADER}\n${alice}\n${root('false,N/A,N/A,N/A,N/A')}\n`)
    expect(findEvaluation(clean, 'aws.iam.root-access-key', `AWS::::Account:${A}`)).toMatchObject({ status: 'PASS' })
  })
  it('UNKNOWN for the account when the report has no root row, or is not in the bundle', async () => {
    const r = await run(`${HEADER}\n${alice}\n`)
    expect(findEvaluation(r, 'aws.iam.root-access-key', `AWS::::Account:${A}`)).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('no <root_account> row') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.iam.root-access-key']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.iam.root-access-key', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
