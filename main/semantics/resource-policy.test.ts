// The resource-policy semantics the Lambda, SQS, SNS and KMS controls share: which statements grant
// to anyone, the policy a fix leaves, whether a caller seen in the logs is still allowed after it,
// and whether a trail records a resource's data events.
import { describe, expect, it } from 'vitest'
import { callerAfterFix, parsePolicy, policyWithout, readResourcePolicy, type PolicyStatement } from './iam-policy'
import { resourceDataRecording } from './trail-selectors'
import { parseResourcePolicyFile, resourcePolicyVerdict, sqsQueueArn } from './inventory-resource-policies'
import type { TrailConfig } from './facets'

const A = '111122223333'
const FN = `arn:aws:lambda:us-east-1:${A}:function:f`
const doc = (...s: unknown[]) => JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: s })
const statements = (text: string): PolicyStatement[] => {
  const p = parsePolicy(text)
  if (!p.ok) throw new Error(p.error)
  return p.statements
}

describe('readResourcePolicy', () => {
  it('KMS: "*" pinned by kms:CallerAccount (the AWS managed key pattern) is not public; without it, it is', () => {
    const managed = doc({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': A, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }
    })
    expect(readResourcePolicy('kms', managed)).toMatchObject({ ok: true, public: [] })
    // the same key is public for a service whose pinning keys do not include it
    expect(readResourcePolicy('lambda', managed)).toMatchObject({ ok: true, public: [expect.objectContaining({ index: 0 })] })
    const open = doc({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }
    })
    expect(readResourcePolicy('kms', open)).toMatchObject({ ok: true, public: [{ index: 0, sid: 'Open', why: expect.stringContaining('kms:ViaService') }] })
  })
  it('an unreadable policy says why', () => {
    expect(readResourcePolicy('sqs', '{"Statement": [{"Effect": "Maybe"}]}')).toMatchObject({ ok: false, error: expect.stringContaining('Effect') })
  })
})

describe('policyWithout', () => {
  it('keeps everything but the statements taken out, and null when none remain', () => {
    const text = doc(
      { Sid: 'a', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' },
      { Sid: 'b', Effect: 'Allow', Principal: { AWS: A }, Action: 'sqs:*', Resource: '*' }
    )
    expect(JSON.parse(policyWithout(text, [0])!)).toEqual({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [{ Sid: 'b', Effect: 'Allow', Principal: { AWS: A }, Action: 'sqs:*', Resource: '*' }]
    })
    expect(policyWithout(text, [0, 1])).toBeNull()
  })
})

describe('callerAfterFix', () => {
  const remaining = statements(
    doc(
      { Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'lambda:InvokeFunction', Resource: FN },
      {
        Sid: 's3',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: FN,
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::drop' } }
      }
    )
  )
  it('kept when an unconditional statement names the caller or its account', () => {
    const partner = { principal: 'arn:aws:iam::444455556666:role/sync', account: '444455556666', kind: 'other-account' as const }
    expect(callerAfterFix(remaining, partner, 'lambda:InvokeFunction', FN)).toMatchObject({ answer: 'kept', statement: { sid: 'partner' } })
    // not for another action
    expect(callerAfterFix(remaining, partner, 'lambda:GetFunction', FN)).toMatchObject({ answer: 'cut' })
  })
  it('unknown when only a conditional statement names it; cut when none does', () => {
    expect(callerAfterFix(remaining, { principal: 's3.amazonaws.com', account: null, kind: 'service' }, 'lambda:InvokeFunction', FN)).toMatchObject({ answer: 'unknown' })
    expect(callerAfterFix(remaining, { principal: 'sns.amazonaws.com', account: null, kind: 'service' }, 'lambda:InvokeFunction', FN)).toMatchObject({ answer: 'cut' })
    expect(callerAfterFix(remaining, { principal: 'anonymous', account: null, kind: 'anonymous' }, 'lambda:InvokeFunction', FN)).toMatchObject({ answer: 'cut' })
    expect(callerAfterFix(remaining, { principal: 'arn:aws:iam::999988887777:role/x', account: '999988887777', kind: 'other-account' }, 'lambda:InvokeFunction', FN)).toMatchObject(
      {
        answer: 'cut'
      }
    )
  })
})

describe('resourceDataRecording', () => {
  const trail = (o: Partial<TrailConfig>): TrailConfig => ({
    name: 't',
    arn: `arn:aws:cloudtrail:us-east-1:${A}:trail/t`,
    account: A,
    homeRegion: 'us-east-1',
    multiRegion: true,
    organization: false,
    s3Bucket: null,
    s3KeyPrefix: null,
    basic: null,
    advanced: null,
    isLogging: true,
    startLogging: null,
    stopLogging: null,
    ...o
  })
  const at = { arn: FN, account: A, region: 'us-east-1' }
  it('basic selectors: every function, this function, another function', () => {
    const sel = (values: string[], rw = 'All') => [{ ReadWriteType: rw, DataResources: [{ Type: 'AWS::Lambda::Function', Values: values }] }]
    expect(resourceDataRecording([trail({ basic: sel(['arn:aws:lambda']) })], 'AWS::Lambda::Function', at).level).toBe('all')
    expect(resourceDataRecording([trail({ basic: sel([FN]) })], 'AWS::Lambda::Function', at).level).toBe('all')
    expect(resourceDataRecording([trail({ basic: sel([`${FN}x`]) })], 'AWS::Lambda::Function', at).level).toBe('none')
    expect(resourceDataRecording([trail({ basic: sel([FN], 'ReadOnly') })], 'AWS::Lambda::Function', at).level).toBe('some')
    // a stopped trail or another account's records nothing for it
    expect(resourceDataRecording([trail({ basic: sel([FN]), isLogging: false })], 'AWS::Lambda::Function', at).level).toBe('none')
    expect(resourceDataRecording([trail({ basic: sel([FN]), account: '999988887777' })], 'AWS::Lambda::Function', at).level).toBe('none')
  })
  it('advanced selectors: data category and type, ARN conditions, other fields limit it to some events', () => {
    const adv = (extra: unknown[]) => [
      {
        Name: 'lambda',
        FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }, ...extra]
      }
    ]
    expect(resourceDataRecording([trail({ advanced: adv([]) })], 'AWS::Lambda::Function', at).level).toBe('all')
    expect(
      resourceDataRecording([trail({ advanced: adv([{ Field: 'resources.ARN', StartsWith: [`arn:aws:lambda:us-east-1:${A}:function:`] }]) })], 'AWS::Lambda::Function', at).level
    ).toBe('all')
    expect(resourceDataRecording([trail({ advanced: adv([{ Field: 'resources.ARN', NotEquals: [FN] }]) })], 'AWS::Lambda::Function', at).level).toBe('none')
    expect(resourceDataRecording([trail({ advanced: adv([{ Field: 'eventName', Equals: ['GetFunction'] }]) })], 'AWS::Lambda::Function', at).level).toBe('some')
    expect(resourceDataRecording([trail({ advanced: adv([]) })], 'AWS::SQS::Queue', { ...at, arn: `arn:aws:sqs:us-east-1:${A}:q` }).level).toBe('none')
  })
})

describe('the inventory files', () => {
  it('SQS: the queue ARN from QueueArn or the URL; an absent Policy attribute is no policy, absent attributes not collected', () => {
    expect(sqsQueueArn(`https://sqs.eu-west-1.amazonaws.com/${A}/jobs`)).toBe(`arn:aws:sqs:eu-west-1:${A}:jobs`)
    const { items, problems } = parseResourcePolicyFile(
      'sqs',
      {
        Queues: [
          { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${A}/a`, Attributes: { QueueArn: `arn:aws:sqs:us-east-1:${A}:a` } },
          { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${A}/b` },
          { nope: 1 }
        ]
      },
      'f.json'
    )
    expect(items.map((i) => [i.name, 'policy' in i ? i.policy : 'absent'])).toEqual([
      ['a', null],
      ['b', 'absent']
    ])
    expect(problems).toEqual([expect.stringContaining('/Queues/2')])
  })
  it('resourcePolicyVerdict: not collected UNKNOWN, none PASS', () => {
    expect(resourcePolicyVerdict('sns', undefined, 'topic t').status).toBe('UNKNOWN')
    expect(resourcePolicyVerdict('sns', null, 'topic t').status).toBe('PASS')
  })
})

describe('callerAfterFix judges the conditions an IAM caller’s own call carries', () => {
  const owner = statements(
    doc({
      Sid: 'owner',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'SNS:Publish',
      Resource: 'arn:aws:sns:us-east-1:111122223333:t',
      Condition: { StringEquals: { 'AWS:SourceOwner': A } }
    })
  )
  const T = 'arn:aws:sns:us-east-1:111122223333:t'
  it('a direct call carries no aws:SourceOwner: the owner statement does not allow another account’s role, nor the account’s own', () => {
    expect(callerAfterFix(owner, { principal: 'arn:aws:iam::777788889999:role/v', account: '777788889999', kind: 'other-account' }, 'sns:Publish', T)).toMatchObject({
      answer: 'cut'
    })
    expect(callerAfterFix(owner, { principal: `arn:aws:iam::${A}:role/d`, account: A, kind: 'account' }, 'sns:Publish', T)).toMatchObject({ answer: 'cut' })
    // a service call carries it, with a value the logs do not hold
    expect(callerAfterFix(owner, { principal: 'cloudwatch.amazonaws.com', account: null, kind: 'service' }, 'sns:Publish', T)).toMatchObject({ answer: 'unknown' })
  })
  it('kms:CallerAccount and aws:PrincipalAccount are the caller’s account', () => {
    const key = statements(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': A } } }))
    const K = `arn:aws:kms:us-east-1:${A}:key/k`
    expect(callerAfterFix(key, { principal: `arn:aws:iam::${A}:role/app`, account: A, kind: 'account' }, 'kms:Decrypt', K)).toMatchObject({ answer: 'kept' })
    expect(callerAfterFix(key, { principal: 'arn:aws:iam::777788889999:role/x', account: '777788889999', kind: 'other-account' }, 'kms:Decrypt', K)).toMatchObject({
      answer: 'cut'
    })
  })
})
