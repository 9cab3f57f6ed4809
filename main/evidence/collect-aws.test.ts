import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand
} from '@aws-sdk/client-ec2'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { CloudFrontClient, ListDistributionsCommand } from '@aws-sdk/client-cloudfront'
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { ECSClient, ListClustersCommand as EcsListClustersCommand } from '@aws-sdk/client-ecs'
import { EKSClient, ListClustersCommand as EksListClustersCommand } from '@aws-sdk/client-eks'
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam'
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { KMSClient } from '@aws-sdk/client-kms'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { OpenSearchClient } from '@aws-sdk/client-opensearch'
import { RDSClient } from '@aws-sdk/client-rds'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, ctFile, gz, managementEvent, s3DataEvent } from '../../test/fixtures/evidence/bundle-builder'
import { createCaseDb } from '../db/case-db'
import { readBundle } from '../semantics/bundle'
import { awsClients, ec2Client } from './clients'
import { runCancellable } from './collect'
import { collectAws } from './collect-aws'
import { addEvidenceBundle } from './service'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'

const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

// s3rver ships no types; this is the part of its API the test uses.
interface S3rver {
  run(): Promise<{ port: number }>
  close(): Promise<void>
}
const S3rver = createRequire(__filename)('s3rver') as new (o: { address: string; port: number; silent: boolean; directory: string }) => S3rver
const NOW = new Date('2026-11-20T00:00:00Z')
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-main`

describe('evidence collect (AWS): trail logs from S3 (s3rver), inventories and Event history (mocked SDK)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-collect-'))
  let server: S3rver
  let endpoint = ''
  const ct = mockClient(CloudTrailClient)
  const ec2 = mockClient(EC2Client)
  // The other services answer through aws-sdk-client-mock (collect-aws-services.test.ts tests them
  // in depth); S3 stays real, on s3rver.
  const sts = mockClient(STSClient)
  const iam = mockClient(IAMClient)
  const s3c = mockClient(S3ControlClient)
  const cw = mockClient(CloudWatchClient)
  const ecs = mockClient(ECSClient)
  const eks = mockClient(EKSClient)
  const ecr = mockClient(ECRClient)
  const cf = mockClient(CloudFrontClient)
  const elb = mockClient(ElasticLoadBalancingV2Client)
  // answered by nothing (undefined): no call may leave for the network
  const quiet = [ElasticLoadBalancingClient, RDSClient, LambdaClient, SQSClient, SNSClient, KMSClient, OpenSearchClient, AutoScalingClient, CloudWatchLogsClient].map(
    (c) => mockClient(c as never) as unknown as typeof elb
  )
  const others = [sts, iam, s3c, cw, ecs, eks, ecr, cf, elb, ...quiet]

  beforeAll(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3rver') })
    const { port } = await server.run()
    endpoint = `http://127.0.0.1:${port}`
    // Setting up the fake cloud needs writes: a plain client, not one of Lastmile's guarded ones.
    const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: creds })
    await s3.send(new CreateBucketCommand({ Bucket: 'org-trail-logs' }))
    await s3.send(new CreateBucketCommand({ Bucket: 'payments-prod-data' }))
    const root = `AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/us-east-1`
    const put = (Key: string, Body: Buffer): Promise<unknown> => s3.send(new PutObjectCommand({ Bucket: 'org-trail-logs', Key, Body }))
    await put(
      `${root}/2026/11/01/${ACCOUNT}_CloudTrail_us-east-1_20261101T0000Z_A.json.gz`,
      gz(
        ctFile([
          s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'payments-prod-data' }),
          s3DataEvent({ time: '2026-11-01T10:05:00Z', bucket: 'payments-prod-data', transport: 'none' })
        ])
      )
    )
    await put(
      `${root}/2026/11/02/${ACCOUNT}_CloudTrail_us-east-1_20261102T0000Z_B.json.gz`,
      gz(ctFile([managementEvent({ time: '2026-11-02T09:00:00Z', source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true })]))
    )
    // outside the 30-day window, and a digest file: neither is collected
    await put(`${root}/2026/09/01/${ACCOUNT}_CloudTrail_us-east-1_20260901T0000Z_C.json.gz`, gz(ctFile([])))
    await put(`AWSLogs/o-abc123/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/11/01/digest.json.gz`, gz('{}'))
    // another member account of the organisation: not ours
    await put(`AWSLogs/o-abc123/999988887777/CloudTrail/us-east-1/2026/11/01/999988887777_CloudTrail_us-east-1_20261101T0000Z_D.json.gz`, gz(ctFile([])))
  })
  afterAll(async () => {
    await server?.close()
    ct.restore()
    ec2.restore()
    for (const m of others) m.restore()
  })
  afterEach(() => {
    ct.reset()
    ec2.reset()
    for (const m of others) m.reset()
  })

  function mockAccount(): void {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [{ Name: 'org-main', TrailARN: TRAIL, S3BucketName: 'org-trail-logs', IsMultiRegionTrail: true, IsOrganizationTrail: true, HomeRegion: 'us-east-1' }]
    })
    ct.on(GetEventSelectorsCommand).resolves({
      TrailARN: TRAIL,
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }]
    })
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true, StartLoggingTime: new Date('2025-01-01T00:00:00Z') })
    const ev = (id: string) => ({
      EventId: id,
      EventName: 'PutBucketPolicy',
      EventTime: new Date('2026-11-03T00:00:00Z'),
      CloudTrailEvent: JSON.stringify(
        managementEvent({ time: '2026-11-03T00:00:00Z', source: 's3.amazonaws.com', name: 'PutBucketPolicy', requestParameters: { bucketName: 'payments-prod-data' } })
      )
    })
    ct.on(LookupEventsCommand)
      .resolves({ Events: [ev('e1')], NextToken: 'p2' })
      .on(LookupEventsCommand, { NextToken: 'p2' })
      .resolves({ Events: [ev('e2')] })
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          OwnerId: ACCOUNT,
          Instances: [{ InstanceId: 'i-1', Placement: { AvailabilityZone: 'us-east-1a' }, MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 } }]
        }
      ],
      NextToken: 'n2'
    })
    ec2
      .on(DescribeInstancesCommand, { NextToken: 'n2' })
      .resolves({ Reservations: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-2', Placement: { AvailabilityZone: 'us-east-1b' } }] }] })
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-1', OwnerId: ACCOUNT, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }] })
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-9', InterfaceType: 'lambda', AvailabilityZone: 'us-east-1a', Groups: [{ GroupId: 'sg-1', GroupName: 'default' }] }]
    })
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false })
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: 'alias/aws/ebs' })
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1', LogDestinationType: 'cloud-watch-logs' }] })
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Audit/me` })
    s3c
      .on(GetAccountPublicAccessBlockCommand)
      .rejects(Object.assign(new Error('The public access block configuration was not found'), { name: 'NoSuchPublicAccessBlockConfiguration' }))
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' })
    iam.on(GetCredentialReportCommand).resolves({
      Content: Buffer.from(
        `user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service\nci,arn:aws:iam::${ACCOUNT}:user/ci,2025-01-01T00:00:00+00:00,false,N/A,false,true,2025-01-01T00:00:00+00:00,2026-11-10T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A\n`
      ),
      ReportFormat: 'text/csv'
    })
    cw.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: Array<{ Id: string }> }) => ({
      MetricDataResults: input.MetricDataQueries.map((q, k) => ({ Id: q.Id, StatusCode: 'Complete', Timestamps: [new Date('2026-11-01T10:00:00Z')], Values: [k === 0 ? 4 : 0] }))
    }))
    ecs.on(EcsListClustersCommand).resolves({ clusterArns: [] })
    eks.on(EksListClustersCommand).resolves({ clusters: [] })
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] })
    cf.on(ListDistributionsCommand).resolves({ DistributionList: { Marker: '', MaxItems: 100, IsTruncated: false, Quantity: 0 } })
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] })
  }

  it('writes a bundle in the bundle format that verifies, and adds to a case with its facts', async () => {
    mockAccount()
    const out = join(dir, 'bundle-1')
    const r = await collectAws({ out, clients: awsClients({ endpoint, forcePathStyle: true, credentials: creds }), regions: ['us-east-1'], days: 30, now: NOW, operator: 'tester' })
    const paths = r.manifest.files.map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        `aws/${ACCOUNT}/cloudtrail/AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/us-east-1/2026/11/01/${ACCOUNT}_CloudTrail_us-east-1_20261101T0000Z_A.json.gz`,
        `aws/${ACCOUNT}/cloudtrail/AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/us-east-1/2026/11/02/${ACCOUNT}_CloudTrail_us-east-1_20261102T0000Z_B.json.gz`,
        `aws/${ACCOUNT}/cloudtrail-lookup/us-east-1-0001.json`,
        `aws/${ACCOUNT}/cloudtrail-lookup/us-east-1-0002.json`,
        `aws/${ACCOUNT}/trails.json`,
        `aws/${ACCOUNT}/inventory/s3-buckets.json`,
        `aws/${ACCOUNT}/inventory/ec2-instances.json`,
        `aws/${ACCOUNT}/inventory/security-groups.json`,
        `aws/${ACCOUNT}/inventory/network-interfaces.json`,
        `aws/${ACCOUNT}/inventory/ebs-encryption.json`,
        `aws/${ACCOUNT}/inventory/s3-account.json`,
        `aws/${ACCOUNT}/inventory/iam-credential-report.csv`,
        `aws/${ACCOUNT}/cloudwatch/metrics.json`,
        `aws/${ACCOUNT}/inventory/ecs-tasks.json`,
        `aws/${ACCOUNT}/inventory/eks-clusters.json`,
        `aws/${ACCOUNT}/inventory/ecr-images.json`,
        `aws/${ACCOUNT}/inventory/cloudfront-distributions.json`,
        `aws/${ACCOUNT}/inventory/load-balancers.json`
      ])
    )
    expect(paths.filter((p) => /Digest|20260901|999988887777_/.test(p))).toEqual([])
    // s3rver does not implement bucket policy/encryption/ACL/PAB: each is a gap with its operation
    // and region, and the bucket has no key for it (unknown), never a null (which means "none")
    const gaps = r.manifest.gaps ?? []
    expect(gaps.find((g) => /GetBucketEncryption payments-prod-data/.test(g.problem))).toMatchObject({
      source: 'aws.inventory',
      resource: 'arn:aws:s3:::payments-prod-data',
      operation: 'GetBucketEncryption',
      region: 'us-east-1'
    })
    expect(gaps.find((g) => g.operation === 'GetBucketPolicy' && g.resource === 'arn:aws:s3:::payments-prod-data')?.problem).toMatch(
      /^GetBucketPolicy payments-prod-data: MethodNotAllowed/
    )
    const inv = JSON.parse(readFileSync(join(out, `aws/${ACCOUNT}/inventory/s3-buckets.json`), 'utf8')) as { buckets: Array<Record<string, unknown>> }
    const prod = inv.buckets.find((b) => b.name === 'payments-prod-data')!
    expect(prod.region).toBe('us-east-1')
    for (const k of ['policy', 'publicAccessBlock', 'encryption', 'acl', 'tags']) expect(k in prod, k).toBe(false)
    expect(gaps.find((g) => /cloud-watch-logs|CloudWatch Logs/.test(g.problem))).toMatchObject({ source: 'aws.vpc-flow-logs' })
    expect(gaps.filter((g) => /not collected by this build/.test(g.problem))).toEqual([])
    expect(r.manifest.collector).toMatchObject({ tool: 'lastmile', operator: 'tester' })

    const verified = await readBundle(out)
    expect(verified.files).toHaveLength(r.files)
    const c = createCaseDb(join(dir, 'c.lmcase'), 'correct horse battery', { now: NOW.toISOString() })
    try {
      await addEvidenceBundle(c, out, { actor: { kind: 'engine', name: 'test' }, threads: 0 })
      const f = getFacts(c.db, 'arn:aws:s3:::payments-prod-data')
      expect(f.s3?.cloudTrailData).toMatchObject({ requests: 2, nonTlsInferred: 1 })
      expect(getFacts(c.db, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-2`).ec2?.instanceId).toBe('i-2')
      expect(getFacts(c.db, `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-1`).securityGroup?.openToInternet).toHaveLength(1)
      const cov = getCoverage(c.db, 'aws.cloudtrail.s3-data', 'arn:aws:s3:::payments-prod-data')
      expect(cov.recording?.recorded).toBe('all')
      expect(getFacts(c.db, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`).ec2?.metadataNoToken).toMatchObject({ sum: 4, datapoints: 1 })
      expect(getCoverage(c.db, 'aws.cloudwatch.metadata-no-token', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`).records).toBe(1)
      expect(getCoverage(c.db, 'aws.iam.credential-report', `AWS::::Account:${ACCOUNT}`).records).toBe(1)
      expect(getFacts(c.db, `arn:aws:iam::${ACCOUNT}:user/ci`).iamUser?.accessKeys[0]).toMatchObject({ slot: 1, active: true })
    } finally {
      c.close()
    }
  })

  it('records a refused call as a coverage gap and carries on', async () => {
    mockAccount()
    ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }))
    ec2.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }))
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
    ct.on(DescribeTrailsCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudtrail:DescribeTrails'), { name: 'AccessDeniedException' }))
    const out = join(dir, 'bundle-2')
    const r = await collectAws({ out, clients: awsClients({ endpoint, forcePathStyle: true, credentials: creds }), regions: ['us-east-1'], days: 30, now: NOW, account: ACCOUNT })
    const problems = (r.manifest.gaps ?? []).map((g) => g.problem)
    expect(problems).toContain('DescribeSecurityGroups in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation.')
    expect(problems).toContain('LookupEvents in us-east-1: ThrottlingException: Rate exceeded')
    // a list of interfaces missing a Region is not written at all: "none uses this group" is read from it
    expect(problems).toContain(
      'DescribeNetworkInterfaces in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation.; network-interfaces.json is not written'
    )
    expect(r.manifest.files.map((f) => f.path)).not.toContain(`aws/${ACCOUNT}/inventory/network-interfaces.json`)
    expect(r.manifest.gaps?.find((g) => g.operation === 'LookupEvents')).toMatchObject({
      source: 'aws.cloudtrail-lookup',
      region: 'us-east-1',
      resource: `aws-stream:${ACCOUNT}:us-east-1`
    })
    expect(r.manifest.files.some((f) => f.path.endsWith('ec2-instances.json'))).toBe(true)
    // no trail listing at all: no trails.json, which would otherwise say "no trail records anything"
    expect(r.manifest.files.some((f) => f.path.endsWith('trails.json'))).toBe(false)
    expect(r.manifest.gaps?.find((g) => g.operation === 'DescribeTrails')).toMatchObject({ source: 'aws.cloudtrail', region: 'us-east-1' })
  })

  it('stops at the next step when cancelled, even inside a call that fails into a gap, and keeps nothing', async () => {
    mockAccount()
    for (const [name, existing] of [
      ['bundle-cancel-new', false],
      ['bundle-cancel-empty', true]
    ] as const) {
      const out = join(dir, name)
      if (existing) mkdirSync(out)
      const signal = { aborted: false }
      // the user cancels while the trail listing is under way, and that call fails: the collector
      // turns the failure into a gap, reported through progress, where the stop is thrown again
      ct.on(DescribeTrailsCommand).callsFake(() => {
        signal.aborted = true
        throw Object.assign(new Error('User is not authorized to perform: cloudtrail:DescribeTrails'), { name: 'AccessDeniedException' })
      })
      const seen: string[] = []
      const r = await runCancellable(
        out,
        signal,
        (m) => seen.push(m),
        (progress) =>
          collectAws({
            out,
            clients: awsClients({ endpoint, forcePathStyle: true, credentials: creds }),
            regions: ['us-east-1'],
            days: 30,
            now: NOW,
            account: ACCOUNT,
            onProgress: progress
          })
      )
      expect(r).toEqual({ out, files: 0, gaps: 0, cancelled: true })
      // the EC2 step ran and wrote its files before the stop; none is left, nor any later step's
      expect(seen[0]).toMatch(/^EC2 us-east-1/)
      expect(seen.at(-1)).toMatch(/^CloudTrail us-east-1: trails/)
      expect(seen.some((m) => /S3 bucket|IAM|ECR/.test(m))).toBe(false)
      expect(existsSync(out)).toBe(existing)
      if (existing) expect(readdirSync(out)).toEqual([])
    }
    // without a cancel it is the collector's result
    mockAccount()
    const signal = { aborted: false }
    const out = join(dir, 'bundle-not-cancelled')
    const r = await runCancellable(out, signal, undefined, (progress) =>
      collectAws({
        out,
        clients: awsClients({ endpoint, forcePathStyle: true, credentials: creds }),
        regions: ['us-east-1'],
        days: 30,
        now: NOW,
        account: ACCOUNT,
        onProgress: progress
      })
    )
    expect(r.cancelled).toBeUndefined()
    expect(r.files).toBeGreaterThan(5)
    expect(existsSync(join(out, 'manifest.json'))).toBe(true)
  })

  it('refuses to write into a folder that is not empty', async () => {
    await expect(collectAws({ out: dir, clients: awsClients({ credentials: creds }), regions: ['us-east-1'], days: 1, now: NOW })).rejects.toThrow(/not empty/)
  })
})

describe('throttling', () => {
  it('the clients retry a throttled call (adaptive retries) instead of failing the collection', async () => {
    const calls: string[] = []
    let n = 0
    const handler = {
      handle: async () => {
        calls.push('request')
        const throttled = n++ === 0
        const body = throttled
          ? '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>'
          : '<GetEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><ebsEncryptionByDefault>true</ebsEncryptionByDefault></GetEbsEncryptionByDefaultResponse>'
        return { response: { statusCode: throttled ? 503 : 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) } }
      }
    }
    const client = ec2Client({ region: 'us-east-1', credentials: creds, requestHandler: handler })
    const r = await client.send(new GetEbsEncryptionByDefaultCommand({}))
    expect(r.EbsEncryptionByDefault).toBe(true)
    expect(calls).toHaveLength(2)
  })
})
