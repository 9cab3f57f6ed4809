import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { DescribeFlowLogsCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client, GetEbsDefaultKmsKeyIdCommand, GetEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, ctFile, gz, managementEvent, s3DataEvent } from '../../test/fixtures/evidence/bundle-builder'
import { createCaseDb } from '../db/case-db'
import { readBundle } from './bundle'
import { awsClients, ec2Client } from './clients'
import { collectAws } from './collect-aws'
import { addEvidenceBundle, getCoverage, getFacts } from './service'

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
    await put(`${root}/2026/11/01/${ACCOUNT}_CloudTrail_us-east-1_20261101T0000Z_A.json.gz`, gz(ctFile([s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'payments-prod-data' }), s3DataEvent({ time: '2026-11-01T10:05:00Z', bucket: 'payments-prod-data', transport: 'none' })])))
    await put(`${root}/2026/11/02/${ACCOUNT}_CloudTrail_us-east-1_20261102T0000Z_B.json.gz`, gz(ctFile([managementEvent({ time: '2026-11-02T09:00:00Z', source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true })])))
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
  })
  afterEach(() => {
    ct.reset()
    ec2.reset()
  })

  function mockAccount(): void {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'org-main', TrailARN: TRAIL, S3BucketName: 'org-trail-logs', IsMultiRegionTrail: true, IsOrganizationTrail: true, HomeRegion: 'us-east-1' }] })
    ct.on(GetEventSelectorsCommand).resolves({ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] })
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true, StartLoggingTime: new Date('2025-01-01T00:00:00Z') })
    const ev = (id: string) => ({ EventId: id, EventName: 'PutBucketPolicy', EventTime: new Date('2026-11-03T00:00:00Z'), CloudTrailEvent: JSON.stringify(managementEvent({ time: '2026-11-03T00:00:00Z', source: 's3.amazonaws.com', name: 'PutBucketPolicy', requestParameters: { bucketName: 'payments-prod-data' } })) })
    ct.on(LookupEventsCommand).resolves({ Events: [ev('e1')], NextToken: 'p2' }).on(LookupEventsCommand, { NextToken: 'p2' }).resolves({ Events: [ev('e2')] })
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-1', Placement: { AvailabilityZone: 'us-east-1a' }, MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 } }] }], NextToken: 'n2' })
    ec2.on(DescribeInstancesCommand, { NextToken: 'n2' }).resolves({ Reservations: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-2', Placement: { AvailabilityZone: 'us-east-1b' } }] }] })
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-1', OwnerId: ACCOUNT, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }] })
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false })
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: 'alias/aws/ebs' })
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1', LogDestinationType: 'cloud-watch-logs' }] })
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
        `aws/${ACCOUNT}/inventory/ebs-encryption.json`
      ])
    )
    expect(paths.filter((p) => /Digest|20260901|999988887777_/.test(p))).toEqual([])
    // s3rver does not implement bucket policy/encryption/ACL/PAB: each is a gap, named, not a crash
    const gaps = r.manifest.gaps ?? []
    expect(gaps.find((g) => /GetBucketEncryption payments-prod-data/.test(g.problem))).toMatchObject({ source: 'aws.inventory', resource: 'arn:aws:s3:::payments-prod-data' })
    expect(gaps.find((g) => /cloud-watch-logs|CloudWatch Logs/.test(g.problem))).toMatchObject({ source: 'aws.vpc-flow-logs' })
    expect(gaps.find((g) => /client-iam/.test(g.problem))).toMatchObject({ source: 'aws.iam.credential-report' })
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
      expect(getCoverage(c.db, 'aws.cloudwatch.metadata-no-token', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`).state).toBe('none')
      expect(getCoverage(c.db, 'aws.iam.credential-report', `AWS::::Account:${ACCOUNT}`).gaps[0]).toMatchObject({ reason: 'collection-failed' })
    } finally {
      c.close()
    }
  })

  it('records a refused call as a coverage gap and carries on', async () => {
    mockAccount()
    ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }))
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
    const out = join(dir, 'bundle-2')
    const r = await collectAws({ out, clients: awsClients({ endpoint, forcePathStyle: true, credentials: creds }), regions: ['us-east-1'], days: 30, now: NOW, account: ACCOUNT })
    const problems = (r.manifest.gaps ?? []).map((g) => g.problem)
    expect(problems).toContain('DescribeSecurityGroups in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation.')
    expect(problems).toContain('LookupEvents in us-east-1: ThrottlingException: Rate exceeded')
    expect(r.manifest.files.some((f) => f.path.endsWith('ec2-instances.json'))).toBe(true)
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
