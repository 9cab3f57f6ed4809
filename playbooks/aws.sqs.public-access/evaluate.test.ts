import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const A = '111122223333'
const FILE = `aws/${A}/inventory/sqs-queues.json`
const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/${A}/${name}`
const arn = (name: string) => `arn:aws:sqs:us-east-1:${A}:${name}`
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })

describe('aws.sqs.public-access evaluator', () => {
  it('over a bundle: FAIL for a grant to everyone, PASS for none or an organization-pinned one, UNKNOWN when the attributes were not collected', async () => {
    const doc = {
      Queues: [
        {
          QueueUrl: url('open'),
          Attributes: { QueueArn: arn('open'), Policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arn('open') }) }
        },
        { QueueUrl: url('none'), Attributes: { QueueArn: arn('none') } },
        {
          QueueUrl: url('org'),
          Attributes: {
            Policy: policy({ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: arn('org'), Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })
          }
        },
        { QueueUrl: url('unseen') },
        { QueueUrl: 7 }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.sqs.public-access'] })
    expect(findEvaluation(r, 'aws.sqs.public-access', arn('open'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Queues/0/Attributes/Policy`] })
    expect(findEvaluation(r, 'aws.sqs.public-access', arn('none'))).toMatchObject({ status: 'PASS' })
    // no QueueArn: named from its URL
    expect(findEvaluation(r, 'aws.sqs.public-access', arn('org'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.sqs.public-access', arn('unseen'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    expect(r.evaluations.filter((e) => e.status === 'UNKNOWN' && e.reason.includes('QueueUrl'))).toHaveLength(1)
  })
})
