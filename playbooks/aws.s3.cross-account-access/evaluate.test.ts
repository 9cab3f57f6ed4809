import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { crossAccountGrants, policyWithoutBlocked } from './grants'

const A = '111122223333'
const P = '444455556666'
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
const grants = (text: string) => {
  const r = crossAccountGrants(text, A)
  if (!r.ok) throw new Error(r.error)
  return r.grants
}

describe('aws.s3.cross-account-access grants', () => {
  it('names the statements granting blocked actions to other accounts, not the owner account, a Deny, or unblocked actions', () => {
    const text = policy(
      { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${P}:role/etl` }, Action: ['s3:GetObject', 's3:PutObjectAcl', 's3:PutBucketPolicy'], Resource: '*' },
      { Sid: 'Own', Effect: 'Allow', Principal: { AWS: A }, Action: 's3:PutBucketPolicy', Resource: '*' },
      { Sid: 'Deny', Effect: 'Deny', Principal: '*', Action: 's3:PutBucketAcl', Resource: '*' },
      { Sid: 'Read', Effect: 'Allow', Principal: { AWS: P }, Action: 's3:GetObject', Resource: '*' },
      { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 's3:PutBucketAcl', Resource: '*' }
    )
    const g = grants(text)
    expect(g.map((x) => [x.index, x.accounts, x.actions, x.ownToo])).toEqual([
      [0, [P], ['s3:PutBucketPolicy', 's3:PutObjectAcl'], false],
      // everyone includes the owner account's principals: they lose the grant too
      [4, ['*'], ['s3:PutBucketAcl'], true]
    ])
    const after = JSON.parse(policyWithoutBlocked(text, g)!) as { Statement: Array<{ Sid: string; Action: unknown }> }
    // exactly the blocked actions of those statements go; the Anyone statement is left without one and dropped
    expect(after.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ['Partner', ['s3:GetObject']],
      ['Own', 's3:PutBucketPolicy'],
      ['Deny', 's3:PutBucketAcl'],
      ['Read', 's3:GetObject']
    ])
  })

  it('reports a grant through a pattern or NotAction and refuses to rewrite it; a policy left empty is null', () => {
    const wild = policy({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${P}:root`, A] }, Action: 's3:Put*', Resource: '*' })
    const g = grants(wild)
    expect(g).toMatchObject([{ pattern: 's3:Put*', ownToo: true, actions: ['s3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutObjectAcl'] }])
    expect(() => policyWithoutBlocked(wild, g)).toThrow(/through s3:Put\*: list the actions/)
    expect(grants(policy({ Effect: 'Allow', Principal: { AWS: P }, NotAction: 's3:Get*', Resource: '*' }))[0].pattern).toMatch(/^NotAction/)
    const only = policy({ Effect: 'Allow', Principal: { AWS: P }, Action: 's3:DeleteBucketPolicy', Resource: '*' })
    expect(policyWithoutBlocked(only, grants(only))).toBeNull()
  })
})

describe('aws.s3.cross-account-access evaluator', () => {
  it('over a bundle: FAIL for a grant to another account, PASS for none or no policy, UNKNOWN when the policy was not collected or is unreadable', async () => {
    const FILE = `aws/${A}/inventory/s3-buckets.json`
    const doc = {
      buckets: [
        { name: 'shared', region: 'us-east-1', policy: policy({ Effect: 'Allow', Principal: { AWS: P }, Action: 's3:PutObjectAcl', Resource: 'arn:aws:s3:::shared/*' }) },
        { name: 'own', region: 'us-east-1', policy: policy({ Effect: 'Allow', Principal: { AWS: A }, Action: 's3:*', Resource: '*' }) },
        { name: 'none', region: 'us-east-1', policy: null },
        { name: 'unseen', region: 'us-east-1' },
        { name: 'broken', region: 'us-east-1', policy: '{"Statement": 3' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.s3.cross-account-access'] })
    const at = (b: string) => findEvaluation(r, 'aws.s3.cross-account-access', `arn:aws:s3:::${b}`)
    expect(at('shared')).toMatchObject({ status: 'FAIL', reason: expect.stringContaining(`s3:PutObjectAcl to ${P}`) })
    expect(at('own')).toMatchObject({ status: 'PASS' })
    expect(at('none')).toMatchObject({ status: 'PASS' })
    expect(at('unseen')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    expect(at('broken')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('cannot be read') })
  })
})
