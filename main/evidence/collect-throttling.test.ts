// Throttling, through the real SDK stack (guard → retry → signing → a recording request handler,
// no aws-sdk-client-mock on these clients): a throttled call is retried with backoff, the number of
// attempts is bounded, and a call still throttled after the last attempt becomes a coverage gap
// while the rest of the collection carries on.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudFrontClient, ListDistributionsCommand } from '@aws-sdk/client-cloudfront'
import { CloudTrailClient, DescribeTrailsCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand
} from '@aws-sdk/client-ec2'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { ListClustersCommand } from '@aws-sdk/client-ecs'
import { EKSClient, ListClustersCommand as EksListClusters } from '@aws-sdk/client-eks'
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { GenerateCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam'
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { GetPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda'
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns'
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { OpenSearchClient } from '@aws-sdk/client-opensearch'
import { RDSClient } from '@aws-sdk/client-rds'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { ACCOUNT } from '../../test/fixtures/evidence/bundle-builder'
import { awsClients, ecsClient, iamClient } from './clients'
import { collectAws } from './collect-aws'

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

/** A request handler answering from a script, one reply per request, recording when each came. */
function scripted(replies: (n: number) => Reply) {
  const at: number[] = []
  return {
    at,
    handler: {
      handle: async () => {
        const r = replies(at.length)
        at.push(Date.now())
        return { response: { statusCode: r.status, headers: r.headers, body: Readable.from([Buffer.from(r.body)]) } }
      }
    }
  }
}

// ECS speaks JSON 1.1; IAM the query protocol (XML).
const ecsThrottled: Reply = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException' },
  body: '{"__type":"ThrottlingException","message":"Rate exceeded"}'
}
const ecsClusters: Reply = { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: `{"clusterArns":["arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web"]}` }
const iamThrottled: Reply = {
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>'
}
const iamComplete: Reply = {
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: '<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></GenerateCredentialReportResponse>'
}

describe('throttling: retried with backoff, bounded, then a gap', () => {
  it('ECS (JSON): two ThrottlingExceptions, then the answer — three requests, spaced out', async () => {
    const s = scripted((n) => (n < 2 ? ecsThrottled : ecsClusters))
    const ecs = ecsClient({ region: 'us-east-1', credentials: creds, requestHandler: s.handler })
    const r = await ecs.send(new ListClustersCommand({}))
    expect(r.clusterArns).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`])
    expect(s.at).toHaveLength(3)
    expect(r.$metadata.attempts).toBe(3)
    expect(r.$metadata.totalRetryDelay).toBeGreaterThan(0)
  })

  it('IAM (query XML): Throttling is retried the same way', async () => {
    const s = scripted((n) => (n < 1 ? iamThrottled : iamComplete))
    const iam = iamClient({ region: 'us-east-1', credentials: creds, requestHandler: s.handler })
    const r = await iam.send(new GenerateCredentialReportCommand({}))
    expect(r.State).toBe('COMPLETE')
    expect(s.at).toHaveLength(2)
  })

  it('the attempts are bounded: throttled every time, the call fails after maxAttempts requests', async () => {
    const s = scripted(() => ecsThrottled)
    const ecs = ecsClient({ region: 'us-east-1', credentials: creds, requestHandler: s.handler, maxAttempts: 3 })
    await expect(ecs.send(new ListClustersCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 3 } })
    expect(s.at).toHaveLength(3)
  })
})

describe('a collection with one service throttled past its retries', () => {
  // Every other service answers through aws-sdk-client-mock; ECS goes through the real stack. The
  // mocks are made in the test, not when the file loads: mockClient stubs the send of every
  // instance of a class, which would have taken the real clients of the tests above too.
  const restore: Array<() => void> = []
  afterAll(() => restore.forEach((r) => r()))

  it('records the throttled listing as a gap and writes everything else', async () => {
    const sts = mockClient(STSClient)
    const ct = mockClient(CloudTrailClient)
    const ec2 = mockClient(EC2Client)
    const s3 = mockClient(S3Client)
    const s3c = mockClient(S3ControlClient)
    const iam = mockClient(IAMClient)
    const eks = mockClient(EKSClient)
    const ecr = mockClient(ECRClient)
    const cf = mockClient(CloudFrontClient)
    const elb = mockClient(ElasticLoadBalancingV2Client)
    const cw = mockClient(CloudWatchClient) // no answer needed: there are no instances to ask about
    const lambda = mockClient(LambdaClient)
    const sqs = mockClient(SQSClient)
    const sns = mockClient(SNSClient)
    const kms = mockClient(KMSClient)
    // answered by nothing (undefined): no call may leave for the network
    const clb = mockClient(ElasticLoadBalancingClient)
    const opensearch = mockClient(OpenSearchClient)
    const autoScaling = mockClient(AutoScalingClient)
    const rds = mockClient(RDSClient)
    const logs = mockClient(CloudWatchLogsClient)
    restore.push(...[sts, ct, ec2, s3, s3c, iam, eks, ecr, cf, elb, cw, lambda, sqs, sns, kms, clb, opensearch, autoScaling, rds, logs].map((m) => () => m.restore()))
    lambda.on(ListFunctionsCommand).resolves({ Functions: [] })
    sqs.on(ListQueuesCommand).resolves({})
    sns.on(ListTopicsCommand).resolves({ Topics: [] })
    kms.on(ListKeysCommand).resolves({ Keys: [] })
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT })
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] }).on(LookupEventsCommand).resolves({ Events: [] })
    ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [] })
      .on(DescribeFlowLogsCommand)
      .resolves({ FlowLogs: [] })
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true }).on(GetEbsDefaultKmsKeyIdCommand).resolves({})
    s3.on(ListBucketsCommand).resolves({ Buckets: [] })
    s3c.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true } })
    iam.on(GenerateCredentialReportCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
    eks.on(EksListClusters).resolves({ clusters: [] })
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] })
    cf.on(ListDistributionsCommand).resolves({ DistributionList: { Marker: '', MaxItems: 100, IsTruncated: false, Quantity: 0 } })
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] })

    const s = scripted(() => ecsThrottled)
    const base = awsClients({ credentials: creds })
    const clients = { ...base, ecs: (region: string) => ecsClient({ region, credentials: creds, requestHandler: s.handler, maxAttempts: 2 }) }
    const out = join(mkdtempSync(join(tmpdir(), 'lm-throttle-')), 'b')
    const r = await collectAws({ out, clients, regions: ['us-east-1'], days: 7, now: new Date('2026-11-20T00:00:00Z'), sleep: async () => undefined })
    expect(s.at).toHaveLength(2)
    expect(r.manifest.gaps).toEqual(
      expect.arrayContaining([
        { source: 'aws.inventory', scope: ACCOUNT, operation: 'ListClusters', region: 'us-east-1', problem: 'ListClusters in us-east-1: ThrottlingException: Rate exceeded (ECS)' },
        {
          source: 'aws.iam.credential-report',
          scope: ACCOUNT,
          operation: 'GenerateCredentialReport',
          region: 'us-east-1',
          problem: 'GenerateCredentialReport: Throttling: Rate exceeded'
        }
      ])
    )
    const paths = r.manifest.files.map((f) => f.path)
    // no ecs-tasks.json: the tasks are unknown, not "none"
    expect(paths).not.toContain(`aws/${ACCOUNT}/inventory/ecs-tasks.json`)
    expect(paths).toEqual(
      expect.arrayContaining([`aws/${ACCOUNT}/inventory/s3-account.json`, `aws/${ACCOUNT}/inventory/load-balancers.json`, `aws/${ACCOUNT}/inventory/ecr-images.json`])
    )
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).gaps).toHaveLength(r.gaps)
  })
})
