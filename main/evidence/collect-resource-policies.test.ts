// `evidence collect --provider aws`: Lambda functions, SQS queues, SNS topics, KMS keys and OpenSearch domains with their
// resource policies, through aws-sdk-client-mock (two Regions, paged listings, refusals), written by
// the real collector and read back by the real reader (main/semantics/inventory-resource-policies.ts).
import { auditLogTargets } from './collect-usage-logs'
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import { GetPolicyCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda'
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { DescribeDomainsCommand, ListDomainNamesCommand, OpenSearchClient } from '@aws-sdk/client-opensearch'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { parseResourcePolicyFile } from '../semantics/inventory-resource-policies'
import type { PolicyService } from '../semantics/iam-policy'
import { BundleWriter } from './bundle-writer'
import { awsClients } from './clients'
import type { GapInput, ServiceContext } from './collect-aws-services'
import { kmsKeys, lambdaFunctions, opensearchDomains, resourcePolicies, snsTopics, sqsQueues } from './collect-resource-policies'
import { READ_ONLY_OPERATIONS } from './guard'

const ACCOUNT = '111122223333'
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name })
const regionOf = async (getClient: () => unknown): Promise<string> => (getClient() as { config: { region(): Promise<string> } }).config.region()
const OPEN = (action: string, resource: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'open', Effect: 'Allow', Principal: '*', Action: action, Resource: resource }] })
const OWN = (action: string, resource: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: action, Resource: resource }] })

/** The marker each listing call was made with (the paginators reuse one input object, so the recorded calls cannot tell). */
const asked: Array<string | undefined> = []
function seen(marker: string | undefined): string | undefined {
  asked.push(marker)
  return marker
}

const mocks = { lambda: mockClient(LambdaClient), sqs: mockClient(SQSClient), sns: mockClient(SNSClient), kms: mockClient(KMSClient), opensearch: mockClient(OpenSearchClient) }
const all = Object.values(mocks) as unknown as Array<{ reset(): void; restore(): void; calls(): Array<{ args: unknown[] }> }>

function context(dir: string, regions: string[]): { x: ServiceContext; gaps: GapInput[]; w: BundleWriter } {
  const w = new BundleWriter(dir)
  const gaps: GapInput[] = []
  const x: ServiceContext = {
    w,
    clients: awsClients({ credentials: creds, maxAttempts: 1 }),
    regions,
    base: `aws/${ACCOUNT}`,
    account: ACCOUNT,
    from: new Date('2026-10-01T00:00:00Z'),
    to: new Date('2026-11-01T00:00:00Z'),
    gap: (g) => void gaps.push(g),
    progress: () => undefined,
    sleep: async () => undefined,
    reportPolls: 1,
    maxScanLookups: 0
  }
  return { x, gaps, w }
}

const readBack = (dir: string, service: PolicyService, file: string) => {
  const doc: unknown = JSON.parse(readFileSync(join(dir, `aws/${ACCOUNT}/inventory/${file}`), 'utf8'))
  return { doc, ...parseResourcePolicyFile(service, doc, file) }
}

describe('evidence collect (AWS): resource policies of Lambda, SQS, SNS, KMS, OpenSearch (mocked SDK)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lm-collect-respol-'))
  afterEach(() => {
    all.forEach((m) => m.reset())
    asked.length = 0
  })
  afterAll(() => all.forEach((m) => m.restore()))

  it('Lambda: pages ListFunctions (NextMarker); a refused GetPolicy is a gap naming the function, ResourceNotFound is no policy', async () => {
    const fn = (name: string, region = 'us-east-1') => ({ FunctionName: name, FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`, Runtime: 'nodejs20.x' })
    mocks.lambda.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string }, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('AccessDeniedException', 'not authorized to perform lambda:ListFunctions')
      return seen(input.Marker) === 'p2' ? { Functions: [fn('denied'), fn('none')] } : { Functions: [fn('public')], NextMarker: 'p2' }
    })
    mocks.lambda.on(GetPolicyCommand).callsFake(async (input: { FunctionName: string }) => {
      if (input.FunctionName.endsWith(':public')) return { Policy: OPEN('lambda:InvokeFunction', input.FunctionName) }
      if (input.FunctionName.endsWith(':denied')) throw awsError('AccessDeniedException', 'not authorized to perform lambda:GetPolicy')
      throw awsError('ResourceNotFoundException', 'The resource you requested does not exist.')
    })
    const dir = join(root, 'lambda')
    const { x, gaps } = context(dir, ['us-east-1', 'eu-west-1'])
    await lambdaFunctions(x)
    expect(asked).toEqual([undefined, 'p2'])
    const { doc, items, problems } = readBack(dir, 'lambda', 'lambda-functions.json')
    expect(problems).toEqual([])
    // the documented shape: ListFunctions items with "policy" added; no policy key when not read, null when none
    const fns = (doc as { Functions: Array<Record<string, unknown>> }).Functions
    expect(fns.map((f) => [f.FunctionName, 'policy' in f ? (f.policy === null ? null : 'doc') : 'absent'])).toEqual([
      ['public', 'doc'],
      ['denied', 'absent'],
      ['none', null]
    ])
    expect(items.map((i) => [i.name, i.policy === undefined ? 'unknown' : i.policy === null ? 'none' : i.public?.length ? 'public' : 'private'])).toEqual([
      ['public', 'public'],
      ['denied', 'unknown'],
      ['none', 'none']
    ])
    expect(gaps.map((g) => [g.operation, g.region, g.resource ?? null])).toEqual([
      ['GetPolicy', 'us-east-1', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:denied`],
      ['ListFunctions', 'eu-west-1', null]
    ])
    expect(gaps[0].problem).toMatch(/^GetPolicy arn:aws:lambda:us-east-1:111122223333:function:denied: AccessDeniedException: .*its resource policy is unknown$/)
  })

  it('SQS: pages ListQueues (NextToken) with GetQueueAttributes All; a queue without Policy has none, a refused one is a gap and unknown', async () => {
    const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`
    mocks.sqs
      .on(ListQueuesCommand)
      .callsFake(async (input: { NextToken?: string }) =>
        seen(input.NextToken) === 't2' ? { QueueUrls: [url('denied')] } : { QueueUrls: [url('open'), url('plain')], NextToken: 't2' }
      )
    mocks.sqs.on(GetQueueAttributesCommand).callsFake(async (input: { QueueUrl: string; AttributeNames?: string[] }) => {
      expect(input.AttributeNames).toEqual(['All'])
      const name = input.QueueUrl.split('/').pop()!
      const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`
      if (name === 'denied') throw awsError('AccessDenied', 'not authorized to perform sqs:getqueueattributes')
      return { Attributes: name === 'open' ? { QueueArn: arn, Policy: OPEN('sqs:SendMessage', arn) } : { QueueArn: arn, VisibilityTimeout: '30' } }
    })
    const dir = join(root, 'sqs')
    const { x, gaps } = context(dir, ['us-east-1'])
    await sqsQueues(x)
    expect(asked).toEqual([undefined, 't2'])
    const { items, problems } = readBack(dir, 'sqs', 'sqs-queues.json')
    expect(problems).toEqual([])
    expect(items.map((i) => [i.name, i.policy === undefined ? 'unknown' : i.policy === null ? 'none' : i.public?.length ? 'public' : 'private'])).toEqual([
      ['open', 'public'],
      ['plain', 'none'],
      ['denied', 'unknown']
    ])
    expect(gaps.map((g) => [g.operation, g.resource])).toEqual([['GetQueueAttributes', url('denied')]])
  })

  it('SNS: pages ListTopics (NextToken); a refused GetTopicAttributes is a gap naming the topic', async () => {
    const arn = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`
    mocks.sns
      .on(ListTopicsCommand)
      .callsFake(async (input: { NextToken?: string }) =>
        seen(input.NextToken) === 'n2' ? { Topics: [{ TopicArn: arn('denied') }] } : { Topics: [{ TopicArn: arn('alerts') }], NextToken: 'n2' }
      )
    mocks.sns.on(GetTopicAttributesCommand).callsFake(async (input: { TopicArn: string }) => {
      if (input.TopicArn.endsWith(':denied')) throw awsError('AuthorizationError', 'not authorized to perform SNS:GetTopicAttributes')
      return { Attributes: { TopicArn: input.TopicArn, Policy: OWN('SNS:Publish', input.TopicArn) } }
    })
    const dir = join(root, 'sns')
    const { x, gaps } = context(dir, ['us-east-1'])
    await snsTopics(x)
    expect(asked).toEqual([undefined, 'n2'])
    const { items, problems } = readBack(dir, 'sns', 'sns-topics.json')
    expect(problems).toEqual([])
    expect(items.map((i) => [i.name, i.policy === undefined ? 'unknown' : i.public?.length ? 'public' : 'private'])).toEqual([
      ['alerts', 'private'],
      ['denied', 'unknown']
    ])
    expect(gaps.map((g) => [g.operation, g.resource])).toEqual([['GetTopicAttributes', arn('denied')]])
  })

  it('KMS: pages ListKeys (NextMarker); DescribeKey and the default key policy; AccessDenied on GetKeyPolicy is a gap, never "no policy"', async () => {
    const key = (id: string) => ({ KeyId: id, KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}` })
    mocks.kms
      .on(ListKeysCommand)
      .callsFake(async (input: { Marker?: string }) =>
        seen(input.Marker) === 'k2' ? { Keys: [key('k-denied')], Truncated: false } : { Keys: [key('k-open')], NextMarker: 'k2', Truncated: true }
      )
    mocks.kms.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }) => ({
      KeyMetadata: { KeyId: input.KeyId, KeyManager: 'CUSTOMER', KeyState: 'Enabled', CreationDate: new Date('2025-01-01T00:00:00Z') }
    }))
    mocks.kms.on(GetKeyPolicyCommand).callsFake(async (input: { KeyId: string; PolicyName?: string }) => {
      expect(input.PolicyName).toBe('default')
      if (input.KeyId === 'k-denied') throw awsError('AccessDeniedException', 'not authorized to perform kms:GetKeyPolicy')
      return { Policy: OPEN('kms:Decrypt', '*'), PolicyName: 'default' }
    })
    const dir = join(root, 'kms')
    const { x, gaps } = context(dir, ['us-east-1'])
    await kmsKeys(x)
    expect(asked).toEqual([undefined, 'k2'])
    const { doc, items, problems } = readBack(dir, 'kms', 'kms-keys.json')
    expect(problems).toEqual([])
    const keys = (doc as { Keys: Array<Record<string, unknown>> }).Keys
    expect(keys.map((k) => ['Policy' in k, (k.KeyMetadata as { KeyState?: string }).KeyState])).toEqual([
      [true, 'Enabled'],
      [false, 'Enabled']
    ])
    expect(items.map((i) => [i.name, i.policy === undefined ? 'unknown' : i.public?.length ? 'public' : 'private', i.detail])).toEqual([
      ['k-open', 'public', { keyManager: 'CUSTOMER', keyState: 'Enabled' }],
      ['k-denied', 'unknown', { keyManager: 'CUSTOMER', keyState: 'Enabled' }]
    ])
    expect(gaps.map((g) => [g.operation, g.resource])).toEqual([['GetKeyPolicy', `arn:aws:kms:us-east-1:${ACCOUNT}:key/k-denied`]])
  })

  it('all five together use exactly the operations the read-only guard allows them; nothing listed writes an empty list', async () => {
    mocks.lambda.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: 'f', FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` }] })
    mocks.lambda.on(GetPolicyCommand).rejects(awsError('ResourceNotFoundException', 'no policy'))
    mocks.sqs.on(ListQueuesCommand).resolves({})
    mocks.sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` }] })
    mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` } })
    mocks.kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'k', KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k` }] })
    mocks.kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyManager: 'AWS' } })
    mocks.kms.on(GetKeyPolicyCommand).resolves({ Policy: OWN('kms:*', '*') })
    mocks.opensearch.on(ListDomainNamesCommand).resolves({ DomainNames: [] })
    const dir = join(root, 'all')
    const { x, gaps } = context(dir, ['us-east-1'])
    await resourcePolicies(x)
    expect(gaps).toEqual([])
    expect(readBack(dir, 'sqs', 'sqs-queues.json').doc).toEqual({ Queues: [] })
    expect(readBack(dir, 'sns', 'sns-topics.json').items.map((i) => i.policy)).toEqual([null])
    const sent = (m: { calls(): Array<{ args: unknown[] }> }): string[] => [...new Set(m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')))].sort()
    expect(sent(mocks.lambda)).toEqual([...READ_ONLY_OPERATIONS.LambdaClient].sort())
    expect(sent(mocks.sns)).toEqual([...READ_ONLY_OPERATIONS.SNSClient].sort())
    expect(sent(mocks.kms)).toEqual([...READ_ONLY_OPERATIONS.KMSClient].sort())
    expect(sent(mocks.sqs)).toEqual(['ListQueues'])
    expect(sent(mocks.opensearch)).toEqual(['ListDomainNames'])
    expect(readBack(dir, 'opensearch', 'opensearch-domains.json').doc).toEqual({ DomainStatusList: [] })
  })

  it('OpenSearch: DescribeDomains five names a call; a refused batch is a gap naming its domains; an audit log published is a gap naming its log group', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'denied']
    const arn = (n: string) => `arn:aws:es:us-east-1:${ACCOUNT}:domain/${n}`
    mocks.opensearch.on(ListDomainNamesCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('AccessDeniedException', 'not authorized to perform es:ListDomainNames')
      return { DomainNames: names.map((DomainName) => ({ DomainName, EngineType: 'OpenSearch' })) }
    })
    mocks.opensearch.on(DescribeDomainsCommand).callsFake(async (input: { DomainNames: string[] }) => {
      if (input.DomainNames.includes('denied')) throw awsError('AccessDeniedException', 'not authorized to perform es:DescribeDomains')
      return {
        DomainStatusList: input.DomainNames.map((n) => ({
          DomainName: n,
          ARN: arn(n),
          DomainId: `${ACCOUNT}/${n}`,
          Endpoint: `search-${n}.us-east-1.es.amazonaws.com`,
          AccessPolicies: n === 'a' ? OPEN('es:*', `${arn(n)}/*`) : '',
          AdvancedSecurityOptions: { Enabled: n === 'a', InternalUserDatabaseEnabled: n === 'a' },
          LogPublishingOptions: n === 'a' ? { AUDIT_LOGS: { Enabled: true, CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/os/a` } } : {}
        }))
      }
    })
    const dir = join(root, 'opensearch')
    const { x, gaps } = context(dir, ['us-east-1', 'eu-west-1'])
    const described = await opensearchDomains(x)
    const batches = mocks.opensearch.commandCalls(DescribeDomainsCommand).map((c) => c.args[0].input.DomainNames)
    expect(batches).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['f', 'denied']
    ])
    const back = readBack(dir, 'opensearch', 'opensearch-domains.json')
    expect(back.problems).toEqual([])
    expect(back.items.map((i) => [i.name, i.policy === null ? null : (i.public ?? []).length, i.detail.fgac])).toEqual([
      ['a', 1, true],
      ['b', null, false],
      ['c', null, false],
      ['d', null, false],
      ['e', null, false]
    ])
    expect(gaps.map((g) => [g.operation, g.region, g.resource ?? null])).toEqual([
      ['DescribeDomains', 'us-east-1', 'f, denied'],
      ['ListDomainNames', 'eu-west-1', null]
    ])
    // the audit log is copied later, from the log group the domain publishes to (collect-usage-logs.ts)
    expect(auditLogTargets(described)).toEqual([{ domain: 'a', arn: arn('a'), region: 'us-east-1', logGroup: '/aws/os/a' }])
  })
})
