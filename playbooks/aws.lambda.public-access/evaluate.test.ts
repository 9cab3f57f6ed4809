import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { parsePolicy } from '../../main/semantics/iam-policy'
import { addPermissionArgs } from './fix'

const A = '111122223333'
const FILE = `aws/${A}/inventory/lambda-functions.json`
const arn = (name: string) => `arn:aws:lambda:us-east-1:${A}:function:${name}`
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
const allow = (name: string, o: Record<string, unknown> = {}) => ({ Sid: 'pub', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: arn(name), ...o })

describe('aws.lambda.public-access evaluator', () => {
  it('over a bundle: FAIL for a grant to everyone, PASS for none or a pinned one, UNKNOWN when not collected or unreadable', async () => {
    const doc = {
      Functions: [
        { FunctionName: 'open', FunctionArn: arn('open'), policy: policy(allow('open')) },
        { FunctionName: 'none', FunctionArn: arn('none'), policy: null },
        // "*" pinned to one bucket of one account: not public
        {
          FunctionName: 'pinned',
          FunctionArn: arn('pinned'),
          policy: policy(allow('pinned', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::drop' }, StringEquals: { 'AWS:SourceAccount': A } } }))
        },
        // a wildcard SourceArn pins nothing
        { FunctionName: 'wild', FunctionArn: arn('wild'), policy: policy(allow('wild', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } } })) },
        // the organization pins the caller
        { FunctionName: 'org', FunctionArn: arn('org'), policy: policy(allow('org', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })) },
        { FunctionName: 'unseen', FunctionArn: arn('unseen') },
        { FunctionName: 'garbled', FunctionArn: arn('garbled'), policy: '{"Statement": [' },
        { FunctionName: 'bad', FunctionArn: 42 }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), {
      controls: ['aws.lambda.public-access']
    })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('open'))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('statement 1 (Sid "pub")'),
      evidence: [`${FILE}#/Functions/0/policy`]
    })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('none'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('pinned'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('wild'))).toMatchObject({ status: 'FAIL' })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('org'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('unseen'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('garbled'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('cannot be read') })
    expect(findEvaluation(r, 'aws.lambda.public-access', arn('bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('FunctionArn') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.lambda.public-access']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.lambda.public-access', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})

describe('addPermissionArgs: the rollback writes the statement back exactly, or the fix is refused', () => {
  const one = (s: Record<string, unknown>) => {
    const p = parsePolicy(policy(s))
    if (!p.ok) throw new Error(p.error)
    return addPermissionArgs(p.statements[0], arn('f'))
  }
  it('principal, action, qualifier and the conditions AddPermission writes', () => {
    expect(one(allow('f'))).toEqual({ args: ['--statement-id', 'pub', '--action', 'lambda:InvokeFunction', '--principal', '*'] })
    expect(one(allow('f', { Action: 'lambda:InvokeFunctionUrl', Resource: `${arn('f')}:live`, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } }))).toEqual({
      args: ['--statement-id', 'pub', '--action', 'lambda:InvokeFunctionUrl', '--principal', '*', '--qualifier', 'live', '--function-url-auth-type', 'NONE']
    })
    expect(one(allow('f', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } } }))).toMatchObject({ args: expect.arrayContaining(['--source-arn', 'arn:aws:s3:::*']) })
  })
  it('refuses what AddPermission cannot write back', () => {
    expect(one(allow('f', { Sid: undefined }))).toMatchObject({ refused: expect.stringContaining('no Sid') })
    expect(one(allow('f', { Action: ['lambda:InvokeFunction', 'lambda:GetFunction'] }))).toMatchObject({ refused: expect.stringContaining('2 actions') })
    expect(one(allow('f', { Condition: { StringLike: { 'aws:UserAgent': 'x*' } } }))).toMatchObject({ refused: expect.stringContaining('aws:UserAgent') })
    expect(one(allow('f', { Condition: { ArnEquals: { 'AWS:SourceArn': 'arn:aws:s3:::*' } } }))).toMatchObject({ refused: expect.stringContaining('ArnEquals') })
    expect(one(allow('f', { Resource: arn('other') }))).toMatchObject({ refused: expect.stringContaining('not the function') })
  })
})
