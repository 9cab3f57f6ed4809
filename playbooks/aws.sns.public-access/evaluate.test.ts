import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const A = '111122223333'
const FILE = `aws/${A}/inventory/sns-topics.json`
const arn = (name: string) => `arn:aws:sns:us-east-1:${A}:${name}`
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2008-10-17', Statement: statements })

describe('aws.sns.public-access evaluator', () => {
  it("over a bundle: FAIL for a grant to everyone, PASS for SNS's default owner-only policy, UNKNOWN when the attributes were not collected", async () => {
    const doc = {
      Topics: [
        { TopicArn: arn('open'), Attributes: { Policy: policy({ Effect: 'Allow', Principal: '*', Action: 'SNS:Publish', Resource: arn('open') }) } },
        {
          TopicArn: arn('default'),
          Attributes: {
            Policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:Publish'], Resource: arn('default'), Condition: { StringEquals: { 'AWS:SourceOwner': A } } })
          }
        },
        { TopicArn: arn('unseen') },
        { TopicArn: 'not-an-arn', Attributes: {} }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.sns.public-access'] })
    expect(findEvaluation(r, 'aws.sns.public-access', arn('open'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Topics/0/Attributes/Policy`] })
    expect(findEvaluation(r, 'aws.sns.public-access', arn('default'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.sns.public-access', arn('unseen'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    expect(r.evaluations.filter((e) => e.status === 'UNKNOWN' && e.reason.includes('not-an-arn'))).toHaveLength(1)
  })
})
