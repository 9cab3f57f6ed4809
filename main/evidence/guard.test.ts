import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds'
import { CreateInvalidationCommand, DeleteDistributionCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront'
import { CloudTrailClient, CreateEventDataStoreCommand, LookupEventsCommand, StartQueryCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail'
import { CreateWorkGroupCommand, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena'
import { DeleteAlarmsCommand, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeInstancesCommand, ModifyInstanceMetadataOptionsCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import { BatchDeleteImageCommand, DescribeRepositoriesCommand, PutImageScanningConfigurationCommand } from '@aws-sdk/client-ecr'
import { ListClustersCommand as EcsListClustersCommand, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { DeleteClusterCommand, ListClustersCommand as EksListClustersCommand, UpdateClusterConfigCommand } from '@aws-sdk/client-eks'
import { DeleteLoadBalancerCommand, DescribeLoadBalancersCommand, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CreateLoadBalancerListenersCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand
} from '@aws-sdk/client-elastic-load-balancing'
import {
  CreateAccessKeyCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetCredentialReportCommand
} from '@aws-sdk/client-iam'
import { AddPermissionCommand, DeleteFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda'
import { DeleteQueueCommand, ListQueuesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { DeleteTopicCommand, ListTopicsCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns'
import { ListKeysCommand, PutKeyPolicyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms'
import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { DeleteLogGroupCommand, FilterLogEventsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs'
import { DeleteDomainCommand, ListDomainNamesCommand, UpdateDomainConfigCommand } from '@aws-sdk/client-opensearch'
import { DeleteObjectCommand, ListBucketsCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { DeletePublicAccessBlockCommand, GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3-control'
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { athenaClient, awsClients, type AwsClients, cloudTrailClient, ec2Client, iamClient, s3Client } from './clients'
import { isAllowed, READ_EFFECT_EXCEPTIONS, READ_ONLY_OPERATIONS, ReadOnlyViolation, withReadOnlyGuard } from './guard'

/** A request handler that records every request it is asked to send, and answers 200. */
function recorder(body = '') {
  const calls: Array<{ method: string; path: string; headers: Record<string, string> }> = []
  return {
    calls,
    handler: {
      handle: async (req: { method: string; path: string; headers: Record<string, string> }) => {
        calls.push({ method: req.method, path: req.path, headers: { ...req.headers } })
        return { response: { statusCode: 200, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(body)]) } }
      }
    }
  }
}

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }

describe('read-only guard', () => {
  it('refuses PutBucketPolicy and DeleteObject before anything is signed or sent', async () => {
    const r = recorder()
    const s3 = s3Client({ region: 'us-east-1', credentials: creds, requestHandler: r.handler })
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toThrow(/S3Client DeleteObject: refused: Lastmile only makes read-only calls/)
    expect(r.calls).toHaveLength(0)
    // the same client does send an allowed call, signed: the handler above really records
    await s3.send(new ListBucketsCommand({})).catch(() => undefined)
    expect(r.calls).toHaveLength(1)
    expect(r.calls[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
  })

  it('refuses RunInstances and TerminateInstances on EC2, StopLogging on CloudTrail; allows Describe and LookupEvents', async () => {
    const r = recorder()
    const ec2 = ec2Client({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    await expect(ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', MinCount: 1, MaxCount: 1 }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-1'] }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    const ct = cloudTrailClient({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    await expect(ct.send(new StopLoggingCommand({ Name: 'org-main' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    expect(r.calls).toHaveLength(0)
    await ec2.send(new DescribeInstancesCommand({})).catch(() => undefined)
    await ct.send(new LookupEventsCommand({})).catch(() => undefined)
    expect(r.calls.map((c) => c.method)).toEqual(['POST', 'POST'])
  })

  it('is an allow-list: an unknown client or command is refused; only read verbs are listed, plus one reviewed exception', () => {
    expect(isAllowed('S3Client', 'GetObjectCommand')).toBe(true)
    expect(isAllowed('S3Client', 'PutObjectCommand')).toBe(false)
    expect(isAllowed('IAMClient', 'GetCredentialReportCommand')).toBe(true)
    expect(isAllowed('IAMClient', 'GetUserCommand')).toBe(false)
    expect(isAllowed('IAMClient', 'ListVirtualMFADevicesCommand')).toBe(true)
    expect(isAllowed('IAMClient', 'CreateVirtualMFADeviceCommand')).toBe(false)
    expect(isAllowed('IAMClient', 'DeactivateMFADeviceCommand')).toBe(false)
    expect(isAllowed('UnknownClient', 'GetObjectCommand')).toBe(false)
    expect(isAllowed(undefined, 'GetObjectCommand')).toBe(false)
    const notReadVerb: string[] = []
    for (const [client, ops] of Object.entries(READ_ONLY_OPERATIONS)) {
      for (const op of ops) if (!/^(Describe|Get|List|Head|LookupEvents$)/.test(op)) notReadVerb.push(`${client} ${op}`)
    }
    // GenerateCredentialReport, the two query starters and FilterLogEvents are named, not matched: no other Generate*, Start* or Filter* is allowed
    expect(notReadVerb.sort()).toEqual([
      'AthenaClient StartQueryExecution',
      'CloudTrailClient StartQuery',
      'CloudWatchLogsClient FilterLogEvents',
      'IAMClient GenerateCredentialReport'
    ])
    expect([...READ_EFFECT_EXCEPTIONS].sort()).toEqual(notReadVerb)
    expect(isAllowed('IAMClient', 'GenerateServiceLastAccessedDetailsCommand')).toBe(false)
    expect(isAllowed('CloudTrailClient', 'StartLoggingCommand')).toBe(false)
    expect(isAllowed('AthenaClient', 'StartCalculationExecutionCommand')).toBe(false)
  })

  it('IAM: GenerateCredentialReport and GetCredentialReport are sent; GenerateServiceLastAccessedDetails, CreateAccessKey and DeleteUser are not', async () => {
    const r = recorder()
    const iam = iamClient({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    await expect(iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: 'arn:aws:iam::111122223333:role/x' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(iam.send(new CreateAccessKeyCommand({ UserName: 'ci' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(iam.send(new DeleteUserCommand({ UserName: 'ci' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    expect(r.calls).toHaveLength(0)
    await iam.send(new GenerateCredentialReportCommand({})).catch(() => undefined)
    await iam.send(new GetCredentialReportCommand({})).catch(() => undefined)
    expect(r.calls).toHaveLength(2)
  })

  it('every client a collection builds refuses writes with no request sent, and sends its reads', async () => {
    const r = recorder()
    const c = awsClients({ region: 'eu-west-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    const t = new Date('2026-11-20T00:00:00Z')
    // One entry per client of AwsClients: a new client without a line here fails the test.
    const cases: { [K in keyof AwsClients]: { client: AwsClients[K] extends (r: string) => infer C ? C : AwsClients[K]; writes: unknown[]; read: unknown } } = {
      s3: {
        client: c.s3,
        writes: [new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' }), new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })],
        read: new ListBucketsCommand({})
      },
      sts: {
        client: c.sts,
        writes: [new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/Admin', RoleSessionName: 's' }), new GetSessionTokenCommand({})],
        read: new GetCallerIdentityCommand({})
      },
      iam: { client: c.iam, writes: [new CreateAccessKeyCommand({ UserName: 'ci' }), new DeleteUserCommand({ UserName: 'ci' })], read: new GetCredentialReportCommand({}) },
      s3Control: {
        client: c.s3Control,
        writes: [
          new PutPublicAccessBlockCommand({ AccountId: '111122223333', PublicAccessBlockConfiguration: {} }),
          new DeletePublicAccessBlockCommand({ AccountId: '111122223333' })
        ],
        read: new GetAccountPublicAccessBlockCommand({ AccountId: '111122223333' })
      },
      cloudFront: {
        client: c.cloudFront,
        writes: [
          new DeleteDistributionCommand({ Id: 'E1', IfMatch: 'x' }),
          new CreateInvalidationCommand({ DistributionId: 'E1', InvalidationBatch: { CallerReference: 'r', Paths: { Quantity: 1, Items: ['/*'] } } })
        ],
        read: new ListDistributionsCommand({})
      },
      cloudTrail: { client: c.cloudTrail('eu-west-1'), writes: [new StopLoggingCommand({ Name: 't' })], read: new LookupEventsCommand({}) },
      ec2: {
        client: c.ec2('eu-west-1'),
        writes: [new TerminateInstancesCommand({ InstanceIds: ['i-1'] }), new ModifyInstanceMetadataOptionsCommand({ InstanceId: 'i-1', HttpTokens: 'required' })],
        read: new DescribeInstancesCommand({})
      },
      cloudWatch: {
        client: c.cloudWatch('eu-west-1'),
        writes: [new PutMetricDataCommand({ Namespace: 'x', MetricData: [] }), new DeleteAlarmsCommand({ AlarmNames: ['a'] })],
        read: new GetMetricDataCommand({ MetricDataQueries: [], StartTime: t, EndTime: t })
      },
      ecs: { client: c.ecs('eu-west-1'), writes: [new StopTaskCommand({ task: 't' }), new UpdateServiceCommand({ service: 's' })], read: new EcsListClustersCommand({}) },
      eks: {
        client: c.eks('eu-west-1'),
        writes: [new DeleteClusterCommand({ name: 'prod' }), new UpdateClusterConfigCommand({ name: 'prod' })],
        read: new EksListClustersCommand({})
      },
      ecr: {
        client: c.ecr('eu-west-1'),
        writes: [
          new BatchDeleteImageCommand({ repositoryName: 'web', imageIds: [] }),
          new PutImageScanningConfigurationCommand({ repositoryName: 'web', imageScanningConfiguration: {} })
        ],
        read: new DescribeRepositoriesCommand({})
      },
      elbv2: {
        client: c.elbv2('eu-west-1'),
        writes: [new DeleteLoadBalancerCommand({ LoadBalancerArn: 'arn' }), new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: 'arn', Attributes: [] })],
        read: new DescribeLoadBalancersCommand({})
      },
      elb: {
        client: c.elb('eu-west-1'),
        writes: [
          new DeleteLoadBalancerListenersCommand({ LoadBalancerName: 'web', LoadBalancerPorts: [80] }),
          new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'web', Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }] })
        ],
        read: new DescribeClassicLoadBalancersCommand({})
      },
      athena: {
        client: c.athena('eu-west-1'),
        writes: [new CreateWorkGroupCommand({ Name: 'w' }), new StartQueryExecutionCommand({ QueryString: 'DROP TABLE db.cloudtrail_logs' })],
        read: new GetQueryExecutionCommand({ QueryExecutionId: 'q' })
      },
      rds: {
        client: c.rds('eu-west-1'),
        writes: [
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'db', PubliclyAccessible: false }),
          new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'db', SkipFinalSnapshot: true })
        ],
        read: new DescribeDBInstancesCommand({})
      },
      lambda: {
        client: c.lambda('eu-west-1'),
        writes: [
          new AddPermissionCommand({ FunctionName: 'f', StatementId: 's', Action: 'lambda:InvokeFunction', Principal: '*' }),
          new DeleteFunctionCommand({ FunctionName: 'f' })
        ],
        read: new ListFunctionsCommand({})
      },
      sqs: {
        client: c.sqs('eu-west-1'),
        writes: [new SetQueueAttributesCommand({ QueueUrl: 'q', Attributes: { Policy: '{}' } }), new DeleteQueueCommand({ QueueUrl: 'q' })],
        read: new ListQueuesCommand({})
      },
      sns: {
        client: c.sns('eu-west-1'),
        writes: [new SetTopicAttributesCommand({ TopicArn: 't', AttributeName: 'Policy', AttributeValue: '{}' }), new DeleteTopicCommand({ TopicArn: 't' })],
        read: new ListTopicsCommand({})
      },
      kms: {
        client: c.kms('eu-west-1'),
        writes: [new PutKeyPolicyCommand({ KeyId: 'k', Policy: '{}' }), new ScheduleKeyDeletionCommand({ KeyId: 'k' })],
        read: new ListKeysCommand({})
      },
      autoScaling: {
        client: c.autoScaling('eu-west-1'),
        writes: [
          new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MaxSize: 0 }),
          new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web', DesiredCapacity: 0 }),
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'web' })
        ],
        read: new DescribeAutoScalingGroupsCommand({})
      },
      logs: {
        client: c.logs('eu-west-1'),
        writes: [
          new DeleteLogGroupCommand({ logGroupName: '/aws/OpenSearchService/domains/d/audit-logs' }),
          new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 1 })
        ],
        read: new FilterLogEventsCommand({ logGroupName: '/aws/OpenSearchService/domains/d/audit-logs' })
      },
      opensearch: {
        client: c.opensearch('eu-west-1'),
        writes: [new UpdateDomainConfigCommand({ DomainName: 'd', AccessPolicies: '{}' }), new DeleteDomainCommand({ DomainName: 'd' })],
        read: new ListDomainNamesCommand({})
      }
    }
    for (const [name, x] of Object.entries(cases)) {
      const client = x.client as unknown as { send(c: unknown): Promise<unknown> }
      for (const w of x.writes) await expect(client.send(w), `${name} ${(w as object).constructor.name}`).rejects.toBeInstanceOf(ReadOnlyViolation)
    }
    expect(r.calls).toHaveLength(0)
    // the same clients do send their reads, signed: the recorder above really records
    for (const x of Object.values(cases)) await (x.client as unknown as { send(c: unknown): Promise<unknown> }).send(x.read).catch(() => undefined)
    expect(r.calls).toHaveLength(Object.keys(cases).length)
    for (const call of r.calls) expect(call.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
  })

  it('query starters: a single SELECT is sent; DDL, INSERT, CREATE TABLE AS, a second statement, a comment or a copy to S3 is refused unsent', async () => {
    const r = recorder()
    const athena = athenaClient({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    const ct = cloudTrailClient({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    const refused = [
      "CREATE EXTERNAL TABLE x (a string) LOCATION 's3://b/'",
      'DROP TABLE db.cloudtrail_logs',
      'INSERT INTO db.t SELECT 1',
      'CREATE TABLE db.t AS SELECT 1',
      "UNLOAD (SELECT 1) TO 's3://b/' WITH (format = 'JSON')",
      'SELECT 1; DROP TABLE db.t',
      'SELECT 1 -- hidden',
      'SELECT /* x */ 1',
      ' select 1'
    ]
    for (const q of refused) {
      await expect(athena.send(new StartQueryExecutionCommand({ QueryString: q })), q).rejects.toThrow(/StartQueryExecution: refused: .*the statement is not a single SELECT/)
      await expect(ct.send(new StartQueryCommand({ QueryStatement: q })), q).rejects.toBeInstanceOf(ReadOnlyViolation)
    }
    await expect(ct.send(new StartQueryCommand({ QueryStatement: 'SELECT 1 FROM eds', DeliveryS3Uri: 's3://b/p' }))).rejects.toThrow(/DeliveryS3Uri would copy the results into S3/)
    await expect(ct.send(new CreateEventDataStoreCommand({ Name: 'x' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    expect(r.calls).toHaveLength(0)
    await athena
      .send(new StartQueryExecutionCommand({ QueryString: 'SELECT count(*) AS "n"\nFROM db.cloudtrail_logs\nWHERE eventsource = \'s3.amazonaws.com\'' }))
      .catch(() => undefined)
    await ct.send(new StartQueryCommand({ QueryStatement: 'SELECT count(*) FROM eds-1' })).catch(() => undefined)
    expect(r.calls).toHaveLength(2)
  })

  it('runs at the initialize step, before the request is built, and is not duplicated when added twice', () => {
    const anonymousInitialize = (c: CloudTrailClient): number =>
      (c.middlewareStack as unknown as { identify(): string[] }).identify().filter((e) => e === 'anonymous - initialize').length
    const plain = new CloudTrailClient({ region: 'us-east-1', credentials: creds })
    const before = anonymousInitialize(plain)
    withReadOnlyGuard(withReadOnlyGuard(plain))
    expect(anonymousInitialize(plain)).toBe(before + 1)
    const entries = (plain.middlewareStack as unknown as { identify(): string[] }).identify()
    expect(entries.indexOf('anonymous - initialize')).toBeLessThan(entries.findIndex((e) => / - (serialize|build|finalizeRequest)$/.test(e)))
  })

  it('cannot be replaced, removed or bypassed through the middleware stack (issue 13)', async () => {
    const r = recorder()
    const s3 = s3Client({ region: 'us-east-1', credentials: creds, requestHandler: r.handler, maxAttempts: 1 })
    const passThrough = (next: (a: unknown) => Promise<unknown>) => (a: unknown) => next(a)
    const stack = s3.middlewareStack as unknown as {
      add(mw: unknown, o: object): void
      remove(x: string): boolean
    }
    // the name the guard once had, and any other: a same-named middleware with override replaces nothing
    for (const name of ['lastmileReadOnlyGuard', 'anonymous']) {
      stack.add(passThrough, { step: 'initialize', priority: 'high', name, override: true })
      stack.remove(name)
    }
    expect(() => {
      ;(s3 as unknown as { middlewareStack: unknown }).middlewareStack = { add() {}, identify: () => [] }
    }).toThrow(TypeError)
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    // a command's own stack is merged into the client's at send time: an override there, or a
    // middleware that renames the command for the checks after it, changes nothing either
    const put = new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })
    const cmdStack = put.middlewareStack as unknown as { add(mw: unknown, o: object): void }
    cmdStack.add(passThrough, { step: 'initialize', priority: 'high', name: 'lastmileReadOnlyGuard', override: true })
    cmdStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => (a: unknown) => {
        context.commandName = 'ListBucketsCommand'
        return next(a)
      },
      { step: 'initialize', priority: 'high' }
    )
    await expect(s3.send(put)).rejects.toBeInstanceOf(ReadOnlyViolation)
    expect(r.calls).toHaveLength(0)
  })

  it('allows exactly the operations the code calls: every SDK command and paginator it imports, per client', async () => {
    const ROOT = join(__dirname, '..')
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.ts$/.test(e.name) && !/\.test\.ts$|test-helper/.test(e.name) ? [join(dir, e.name)] : []
      )
    const used: Record<string, Set<string>> = {}
    for (const file of files(ROOT)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
        const mod = (await import(m[2])) as Record<string, unknown>
        const client = Object.keys(mod).find((k) => /^[A-Z][A-Za-z0-9]*Client$/.test(k))!
        for (const spec of m[1].split(',')) {
          const name = spec
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]
          const op = /^paginate([A-Z]\w+)$/.exec(name)?.[1] ?? /^([A-Z]\w+)Command$/.exec(name)?.[1]
          if (op) (used[client] ??= new Set()).add(op)
        }
      }
    }
    const sorted = (r: Readonly<Record<string, ReadonlySet<string>>>): Record<string, string[]> =>
      Object.fromEntries(
        Object.keys(r)
          .sort()
          .map((k) => [k, [...r[k]].sort()])
      )
    expect(sorted(used)).toEqual(sorted(READ_ONLY_OPERATIONS))
    expect(isAllowed('EC2Client', 'DescribeInstanceAttributeCommand')).toBe(false)
  })
})
