import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { accessLoggingVerdict } from './evaluate'
import { logTargetFor, type BucketConfig } from './target'

describe('aws.s3.access-logging evaluator', () => {
  it('PASS when logs are delivered, FAIL when logging is off, UNKNOWN when it was not collected', () => {
    expect(accessLoggingVerdict({ logging: { TargetBucket: 'logs', TargetPrefix: 'a/' } })).toMatchObject({ status: 'PASS', reason: expect.stringContaining('logs under a/') })
    expect(accessLoggingVerdict({ logging: null })).toMatchObject({ status: 'FAIL' })
    expect(accessLoggingVerdict({})).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: one row per bucket, pointing at its logging, and an account-level UNKNOWN without the bucket list', async () => {
    const BUCKETS = 'aws/111122223333/inventory/s3-buckets.json'
    const buckets = {
      buckets: [
        { name: 'web', region: 'us-east-1', logging: { TargetBucket: 'logs', TargetPrefix: 'web/' } },
        { name: 'app', region: 'us-east-1', logging: null },
        { name: 'old', region: 'us-east-1' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [BUCKETS]: buckets } }), { controls: ['aws.s3.access-logging'] })
    expect(findEvaluation(r, 'aws.s3.access-logging', 'arn:aws:s3:::web')).toMatchObject({ status: 'PASS', evidence: [`${BUCKETS}#/buckets/0/logging`] })
    expect(findEvaluation(r, 'aws.s3.access-logging', 'arn:aws:s3:::app')).toMatchObject({ status: 'FAIL' })
    expect(findEvaluation(r, 'aws.s3.access-logging', 'arn:aws:s3:::old')).toMatchObject({ status: 'UNKNOWN' })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: {} }), { controls: ['aws.s3.access-logging'] })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.s3.access-logging', resource: 'AWS::::Account:111122223333', status: 'UNKNOWN' })])
  })
})

const A = '111122223333'
const policy = (condition: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/*', Condition: condition }]
  })
const sse = (alg: string) => ({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: alg } }] } })

function reader(buckets: BucketConfig[]) {
  const byId = new Map(buckets.map((b) => [`arn:aws:s3:::${b.name}`, b]))
  return { config: (id: string) => (byId.has(id) ? { value: byId.get(id)!, evidence: [`s3#${id}`] } : null), resourcesWith: () => [...byId.keys()] }
}
const base = { account: A, region: 'us-east-1', creationDate: null, tags: {}, versioning: null, objectCount: null, website: null, acl: null }
const logs = (over: Partial<BucketConfig> = {}): BucketConfig => ({
  ...base,
  name: 'logs',
  policy: policy({ StringEquals: { 'aws:SourceAccount': A } }),
  encryption: sse('AES256'),
  logging: null,
  ...over
})
const web: BucketConfig = { ...base, name: 'web', policy: null, encryption: sse('AES256'), logging: { targetBucket: 'logs', targetPrefix: 'web/' } }
const app: BucketConfig = { ...base, name: 'app', policy: null, encryption: sse('AES256'), logging: null }

describe('the log target (target.ts)', () => {
  it('is a bucket of the same account and Region that already receives logs and lets the logging service write', () => {
    const t = logTargetFor('arn:aws:s3:::app', reader([app, web, logs()]))
    expect(t).toMatchObject({ answer: 'yes', target: { bucket: 'logs', receives: ['web'] } })
  })
  it('is refused when the policy limits delivery to other source buckets, when it defaults to SSE-KMS, or in another Region', () => {
    const onlyWeb = logs({ policy: policy({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::web' } }) })
    expect(logTargetFor('arn:aws:s3:::app', reader([app, web, onlyWeb]))).toMatchObject({ answer: 'no', why: expect.stringContaining('logs would not accept') })
    expect(logTargetFor('arn:aws:s3:::app', reader([app, web, logs({ encryption: sse('aws:kms') })]))).toMatchObject({ answer: 'no' })
    expect(logTargetFor('arn:aws:s3:::app', reader([{ ...app, region: 'eu-west-1' }, web, logs()]))).toMatchObject({ answer: 'no', why: expect.stringContaining('not eu-west-1') })
  })
  it('accepts the legacy LogDelivery ACL grant, and never the bucket itself or a bucket nobody logs to', () => {
    const acl = { Grants: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'WRITE' }] }
    expect(logTargetFor('arn:aws:s3:::app', reader([app, web, logs({ policy: null, acl })]))).toMatchObject({ answer: 'yes' })
    expect(logTargetFor('arn:aws:s3:::app', reader([app, logs()]))).toMatchObject({ answer: 'no', why: expect.stringContaining("receives other buckets' access logs") })
    const selfLogging: BucketConfig = { ...app, logging: { targetBucket: 'app', targetPrefix: '' } }
    expect(logTargetFor('arn:aws:s3:::web', reader([{ ...web, logging: null }, selfLogging]))).toMatchObject({ answer: 'no' })
  })
  it("answers unknown when a candidate target's policy and ACL were not collected", () => {
    const { policy: _p, acl: _a, ...bare } = logs()
    expect(logTargetFor('arn:aws:s3:::app', reader([app, web, bare]))).toMatchObject({ answer: 'unknown' })
  })
})
