import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { consoleMfaVerdict } from './evaluate'
import { requireMfaPolicy } from './fix'
import { denyingStatement, parsePolicy } from '../../main/semantics/iam-policy'

const cells = (o: Record<string, string>) => (n: string) => o[n]

describe('aws.iam.console-mfa evaluator (IAM.5 console users, IAM.19 every IAM user)', () => {
  it('PASS with an MFA device, FAIL without one (with a password or not: IAM.19 counts every user), UNKNOWN on other values', () => {
    expect(consoleMfaVerdict(cells({ mfa_active: 'true', password_enabled: 'true' }))).toMatchObject({ status: 'PASS' })
    expect(consoleMfaVerdict(cells({ mfa_active: 'false', password_enabled: 'true', password_last_used: '2026-11-19T07:55:00+00:00' }))).toEqual({
      status: 'FAIL',
      reason: 'the user has a console password and no MFA device (password last used 2026-11-19)'
    })
    expect(consoleMfaVerdict(cells({ mfa_active: 'false', password_enabled: 'true', password_last_used: 'no_information' })).reason).toContain('never used')
    expect(consoleMfaVerdict(cells({ mfa_active: 'false', password_enabled: 'false' }))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('IAM.19 counts every IAM user')
    })
    expect(consoleMfaVerdict(cells({ mfa_active: 'maybe', password_enabled: 'true' }))).toMatchObject({ status: 'UNKNOWN' })
    expect(consoleMfaVerdict(cells({ mfa_active: 'false', password_enabled: '' }))).toMatchObject({ status: 'UNKNOWN' })
  })

  const A = '111122223333'
  const FILE = `aws/${A}/inventory/iam-credential-report.csv`
  const HEADER =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'
  const row = (user: string, arn: string, password: string, mfa: string) =>
    `${user},${arn},2022-01-01T00:00:00+00:00,${password},N/A,N/A,N/A,${mfa},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`

  it('over a bundle: one row per IAM user named by its ARN with its path, never the root user (IAM.9 is another control)', async () => {
    const csv = [
      HEADER,
      row('<root_account>', `arn:aws:iam::${A}:root`, 'not_supported', 'false'),
      row('ann', `arn:aws:iam::${A}:user/ops/ann`, 'true', 'false'),
      row('bob', `arn:aws:iam::${A}:user/bob`, 'true', 'true')
    ].join('\n')
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: `${csv}\n` } }), { controls: ['aws.iam.console-mfa'] })
    expect(r.evaluations.map((e) => e.resource).sort()).toEqual([`arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${A}:user/ops/ann`])
    expect(findEvaluation(r, 'aws.iam.console-mfa', `arn:aws:iam::${A}:user/ops/ann`)).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#row=3`] })
    expect(findEvaluation(r, 'aws.iam.console-mfa', `arn:aws:iam::${A}:user/bob`)).toMatchObject({ status: 'PASS' })
  })
})

describe("the fix's require-MFA policy", () => {
  const parsed = parsePolicy(JSON.stringify(requireMfaPolicy('111122223333')), { requirePrincipal: false })
  if (!parsed.ok) throw new Error(parsed.error)
  const req = (action: string, mfa: string | null) => ({
    action,
    resource: '*',
    principal: 'arn:aws:iam::111122223333:user/ann',
    context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/ann', ...(mfa === null ? {} : { 'aws:MultiFactorAuthPresent': mfa }) }
  })
  it('refuses calls without MFA, and calls signed with a long-term key (no MFA key at all)', () => {
    expect(denyingStatement(parsed.statements, req('s3:ListAllMyBuckets', 'false'))?.sid).toBe('DenyEverythingElseWithoutMfa')
    expect(denyingStatement(parsed.statements, req('athena:StartQueryExecution', null))?.sid).toBe('DenyEverythingElseWithoutMfa')
  })
  it('lets the user enroll its own device without MFA, and everything through once signed in with MFA', () => {
    expect(denyingStatement(parsed.statements, req('iam:EnableMFADevice', 'false'))).toBeNull()
    expect(denyingStatement(parsed.statements, req('iam:CreateVirtualMFADevice', null))).toBeNull()
    expect(denyingStatement(parsed.statements, req('s3:ListAllMyBuckets', 'true'))).toBeNull()
  })
})
