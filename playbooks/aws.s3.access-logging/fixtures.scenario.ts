// The world aws.s3.access-logging's fixture is rendered from (npx tsx test/casegen/generate.ts):
// two accounts, their log buckets, and the buckets Security Hub (S3.9) and Prowler report.
import { asffControl, prowlerFinding, type Bucket, type Expected, type Json, type World } from '../../test/casegen/world'

const PROD = '111122223333'
const TEST = '444455556666'
const ACL_OWNER = (account: string): Json => ({
  Owner: { ID: `owner-${account}` },
  Grants: [{ Grantee: { Type: 'CanonicalUser', ID: `owner-${account}` }, Permission: 'FULL_CONTROL' }]
})

/** A log bucket's policy: S3's logging service may write, under the conditions given. */
const logDeliveryPolicy = (bucket: string, condition: Json): Json => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'S3ServerAccessLogsPolicy',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: condition
    }
  ]
})

function bucket(w: World, account: string, b: Partial<Bucket> & Pick<Bucket, 'name'>, logs = false): Bucket {
  const full: Bucket = {
    region: 'us-east-1',
    tags: {},
    policy: null,
    publicAccessBlock: null,
    acl: ACL_OWNER(account),
    objectCount: 120,
    website: false,
    dataEvents: true,
    creationDate: '2024-05-06T10:00:00Z',
    ...b
  }
  const a = w.account(account)
  a.buckets.push(full)
  a.regions.add(full.region)
  // the renderer writes logging into acme-s3-access-logs-<account> for the buckets that have access logs
  if (logs) a.accessLogs.set(full.name, [])
  return full
}

export function scenario(w: World): void {
  w.account(PROD, 'acme-prod', 'prod')
  w.account(TEST, 'acme-test', 'test')
  // production's log bucket: the logging service may write for any bucket of the account
  const prodLogs = `acme-s3-access-logs-${PROD}`
  const logBucket = bucket(w, PROD, { name: prodLogs, tags: { Owner: 'security-ops' }, policy: logDeliveryPolicy(prodLogs, { StringEquals: { 'aws:SourceAccount': PROD } }) })
  const web = bucket(w, PROD, { name: 'acme-web-assets', tags: { Owner: 'web-team' } }, true)
  const payroll = bucket(w, PROD, { name: 'acme-payroll-exports', tags: { Owner: 'finance', Environment: 'production' } })
  const eu = bucket(w, PROD, { name: 'acme-eu-reports', region: 'eu-west-1', tags: { Owner: 'finance' } })
  // the test account's log bucket takes logs from acme-test-web only (aws:SourceArn)
  const testLogs = `acme-s3-access-logs-${TEST}`
  bucket(w, TEST, { name: testLogs, policy: logDeliveryPolicy(testLogs, { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-test-web' } }) })
  bucket(w, TEST, { name: 'acme-test-web' }, true)
  const batch = bucket(w, TEST, { name: 'acme-test-batch', tags: { Owner: 'data-platform' } })

  const cases: Array<[string, Bucket, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Pick<Expected, 'says'>?]> = [
    [
      PROD,
      payroll,
      'SAFE',
      { 'already-logging': 'no', 'log-target': 'yes' },
      `${prodLogs} already receives acme-web-assets' logs and accepts any bucket of the account`,
      { says: { 'log-target': `${prodLogs} (${PROD}, us-east-1) already receives the access logs of acme-web-assets` } }
    ],
    [PROD, web, 'SAFE', { 'already-logging': 'yes' }, 'a stale finding: the bucket already delivers its logs'],
    [PROD, eu, 'RISKY', { 'log-target': 'no' }, 'the only log bucket is in us-east-1, the bucket in eu-west-1', { says: { 'log-target': 'is in us-east-1, not eu-west-1' } }],
    [
      PROD,
      logBucket,
      'RISKY',
      { 'log-target': 'no' },
      'the log bucket itself: logging it into itself would log its own log writes',
      { says: { 'log-target': `no bucket in ${PROD} in us-east-1 receives other buckets' access logs` } }
    ],
    [
      TEST,
      batch,
      'RISKY',
      { 'log-target': 'no' },
      "the test log bucket's policy lets the logging service write for acme-test-web only",
      { says: { 'log-target': 'would not accept this bucket' } }
    ]
  ]
  for (const [account, b, verdict, steps, why, says] of cases) {
    if (b !== web) {
      w.findings.asff.push(
        asffControl({
          account,
          region: b.region,
          control: 'S3.9',
          title: 'S3 general purpose buckets should have server access logging enabled',
          severity: 'Medium',
          resourceType: 'AwsS3Bucket',
          resourceId: `arn:aws:s3:::${b.name}`,
          tags: b.tags
        })
      )
    }
    w.expect({ control: 'aws.s3.access-logging', resource: `arn:aws:s3:::${b.name}`, verdict, steps, why, ...says })
  }
  // Prowler reports the payroll bucket too (one finding with Security Hub's), and the web bucket
  // from a scan older than its logging
  for (const b of [payroll, web]) {
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'aws',
        account: PROD,
        region: b.region,
        check: 's3_bucket_server_access_logging_enabled',
        title: 'Check if S3 buckets have server access logging enabled.',
        severity: 'Medium',
        service: 's3',
        resourceType: 'AwsS3Bucket',
        resourceUid: `arn:aws:s3:::${b.name}`,
        resourceName: b.name,
        detail: `S3 Bucket ${b.name} has server access logging disabled.`
      })
    )
  }
}
