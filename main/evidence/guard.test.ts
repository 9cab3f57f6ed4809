import { CloudTrailClient, LookupEventsCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail'
import { DescribeInstancesCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import { DeleteObjectCommand, ListBucketsCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { cloudTrailClient, ec2Client, s3Client } from './clients'
import { GUARD_NAME, isAllowed, READ_ONLY_OPERATIONS, ReadOnlyViolation, withReadOnlyGuard } from './guard'

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

  it('is an allow-list: an unknown client or command is refused; only read verbs are listed', () => {
    expect(isAllowed('S3Client', 'GetObjectCommand')).toBe(true)
    expect(isAllowed('S3Client', 'PutObjectCommand')).toBe(false)
    expect(isAllowed('IAMClient', 'GetCredentialReportCommand')).toBe(false)
    expect(isAllowed(undefined, 'GetObjectCommand')).toBe(false)
    for (const ops of Object.values(READ_ONLY_OPERATIONS)) {
      for (const op of ops) expect(op).toMatch(/^(Describe|Get|List|Head|LookupEvents$)/)
    }
  })

  it('runs at the initialize step, first, and is not duplicated when added twice', () => {
    const ct = withReadOnlyGuard(cloudTrailClient({ region: 'us-east-1', credentials: creds }))
    const entries = (ct.middlewareStack as unknown as { identify(): string[] }).identify()
    const mine = entries.filter((e) => e.startsWith(GUARD_NAME))
    expect(mine).toEqual([`${GUARD_NAME} - initialize`])
    expect(entries.findIndex((e) => e.startsWith(GUARD_NAME))).toBeLessThan(entries.findIndex((e) => / - (serialize|build|finalizeRequest)$/.test(e)))
    void CloudTrailClient
  })
})
