import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { fullAdminStatements, policyDocument, policyHolders, type IamAuthorization, type IamPolicyDetail } from '../../main/semantics/inventory-iam'
import { fullAdminVerdict } from './evaluate'

const A = '111122223333'
const doc = (statement: unknown) => ({ Version: '2012-10-17', Statement: statement })
const admin = (d: unknown): number => {
  const p = policyDocument(d)
  if (!p.ok) throw new Error(p.error)
  return fullAdminStatements(p.statements).length
}
const pol = (name: string, versions: Array<[string, unknown]>, def = versions[versions.length - 1][0]): IamPolicyDetail => ({
  PolicyName: name,
  Arn: `arn:aws:iam::${A}:policy/${name}`,
  DefaultVersionId: def,
  PolicyVersionList: versions.map(([VersionId, Document]) => ({ VersionId, Document, IsDefaultVersion: VersionId === def }))
})

describe('full administrative privileges, by the IAM policy evaluator (main/semantics/inventory-iam.ts)', () => {
  it('an unconditional Allow of every action on every resource, however written', () => {
    expect(admin(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))).toBe(1)
    expect(
      admin(
        doc([
          { Effect: 'Allow', Action: ['s3:*'], Resource: '*' },
          { Effect: 'Allow', Action: '*:*', Resource: ['*'] }
        ])
      )
    ).toBe(1)
    expect(admin(encodeURIComponent(JSON.stringify(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))))).toBe(1)
  })
  it('not a service wildcard, a narrowed resource, a condition, or a Deny', () => {
    expect(admin(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))).toBe(0)
    expect(admin(doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::reports/*' }))).toBe(0)
    expect(admin(doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))).toBe(0)
    expect(admin(doc({ Effect: 'Deny', Action: '*', Resource: '*' }))).toBe(0)
  })
  it('a document that is neither JSON nor URL-encoded JSON is an error, never "allows nothing"', () => {
    expect(policyDocument('%E0%A4%A')).toMatchObject({ ok: false })
    expect(policyDocument(null)).toMatchObject({ ok: false })
  })
  it('who holds a policy: users directly, groups with their members, roles', () => {
    const arn = `arn:aws:iam::${A}:policy/P`
    const auth: IamAuthorization = {
      UserDetailList: [
        { UserName: 'u1', Arn: `arn:aws:iam::${A}:user/u1`, GroupList: ['g'], AttachedManagedPolicies: [] },
        { UserName: 'u2', Arn: `arn:aws:iam::${A}:user/u2`, AttachedManagedPolicies: [{ PolicyArn: arn }] }
      ],
      GroupDetailList: [{ GroupName: 'g', Arn: `arn:aws:iam::${A}:group/g`, AttachedManagedPolicies: [{ PolicyArn: arn }] }],
      RoleDetailList: [{ RoleName: 'r', Arn: `arn:aws:iam::${A}:role/r`, AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${A}:policy/Other` }] }],
      Policies: []
    }
    expect(policyHolders(auth, arn)).toEqual({
      users: [`arn:aws:iam::${A}:user/u2`],
      groups: [{ name: 'g', arn: `arn:aws:iam::${A}:group/g`, members: [`arn:aws:iam::${A}:user/u1`] }],
      roles: []
    })
  })
})

describe('aws.iam.full-admin-policy evaluator (IAM.1)', () => {
  it('reads the default version only', () => {
    const a = doc({ Effect: 'Allow', Action: '*', Resource: '*' })
    const b = doc({ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' })
    expect(fullAdminVerdict(pol('P', [['v1', a]]))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('v1 of P allows every action') })
    expect(
      fullAdminVerdict(
        pol('P', [
          ['v1', a],
          ['v2', b]
        ])
      )
    ).toMatchObject({ status: 'PASS' })
    expect(
      fullAdminVerdict(
        pol(
          'P',
          [
            ['v1', b],
            ['v2', a]
          ],
          'v1'
        )
      )
    ).toMatchObject({ status: 'PASS' })
    // DefaultVersionId naming a version not listed: the version flagged IsDefaultVersion is read
    expect(fullAdminVerdict({ ...pol('P', [['v1', a]]), DefaultVersionId: 'v9' })).toMatchObject({ status: 'FAIL' })
    expect(fullAdminVerdict({ ...pol('P', [['v1', a]]), PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: false, Document: a }], DefaultVersionId: 'v3' })).toMatchObject({
      status: 'UNKNOWN'
    })
    expect(fullAdminVerdict(pol('P', [['v1', 'not a policy']]))).toMatchObject({ status: 'UNKNOWN' })
  })

  const FILE = `aws/${A}/inventory/iam-authorization.json`
  it('over a bundle: one row per customer managed policy, AWS managed ones left out, an account-level UNKNOWN without the file or with a bad one', async () => {
    const auth = {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [
        pol('Admins', [['v1', doc({ Effect: 'Allow', Action: '*', Resource: '*' })]]),
        { ...pol('AdministratorAccess', [['v1', doc({ Effect: 'Allow', Action: '*', Resource: '*' })]]), Arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: auth } }), { controls: ['aws.iam.full-admin-policy'] })
    expect(r.evaluations.map((e) => e.resource)).toEqual([`arn:aws:iam::${A}:policy/Admins`])
    expect(findEvaluation(r, 'aws.iam.full-admin-policy', `arn:aws:iam::${A}:policy/Admins`)).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Policies/0`] })
    const bad = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: { Policies: [] } } }), { controls: ['aws.iam.full-admin-policy'] })
    expect(bad.evaluations).toEqual([expect.objectContaining({ resource: `AWS::::Account:${A}`, status: 'UNKNOWN', reason: expect.stringContaining('UserDetailList') })])
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.iam.full-admin-policy']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
