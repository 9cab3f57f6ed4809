import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const A = '111122223333'
const FILE = `aws/${A}/inventory/kms-keys.json`
const arn = (id: string) => `arn:aws:kms:us-east-1:${A}:key/${id}`
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
const key = (id: string, p?: string | null) => ({
  KeyId: id,
  KeyArn: arn(id),
  KeyMetadata: { KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
  ...(p === undefined ? {} : { Policy: p })
})

describe('aws.kms.public-access evaluator', () => {
  it('over a bundle: FAIL for a grant to everyone, PASS for an account or kms:CallerAccount-pinned one, UNKNOWN when the policy was not collected', async () => {
    const doc = {
      Keys: [
        key('open', policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' })),
        key('account', policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:*', Resource: '*' })),
        key(
          'managed',
          policy({
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Encrypt', 'kms:Decrypt'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': A, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }
          })
        ),
        key('unseen'),
        { KeyId: 'broken' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.kms.public-access'] })
    expect(findEvaluation(r, 'aws.kms.public-access', arn('open'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Keys/0/Policy`] })
    expect(findEvaluation(r, 'aws.kms.public-access', arn('account'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.kms.public-access', arn('managed'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.kms.public-access', arn('unseen'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    expect(findEvaluation(r, 'aws.kms.public-access', arn('broken'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('KeyArn') })
  })
})
