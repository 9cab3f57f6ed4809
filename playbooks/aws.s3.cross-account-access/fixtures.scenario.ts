// aws.s3.cross-account-access's fixture world: six buckets of one account, for each way the
// investigation can end. The account's trail records management events all day (the render's
// background) and the S3 data events of the buckets marked so (a basic selector per bucket).
import { accessLogLine, asffControl, at, prowlerFinding, role, s3DataRecord, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const PARTNER = '444455556666'
const R = 'us-east-1'

const arnOf = (name: string) => `arn:aws:s3:::${name}`
const sts = (account: string, name: string) => `arn:aws:sts::${account}:assumed-role/${name}/${name}-session`

/** A server access log line for every day of the window (the partner reading a report), plus `extra`. */
function dailyAccessLogs(w: World, name: string, extra: string[] = []): void {
  const lines: string[] = []
  for (let d = 0; d < 90; d++)
    lines.push(accessLogLine({ bucket: name, owner: ACCOUNT, time: at(d, 9, 15), key: `reports/${d}.pdf`, requester: sts(PARTNER, 'report-reader'), ip: '203.0.113.40' }))
  w.account(ACCOUNT).accessLogs.set(name, [...lines, ...extra])
}

const statement = (sid: string, principal: unknown, action: string[], resource: string) => ({ Sid: sid, Effect: 'Allow', Principal: principal, Action: action, Resource: resource })

function bucket(w: World, name: string, statements: unknown[], dataEvents: boolean): void {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  const owner = { DisplayName: 'acme-3333', ID: 'c0ffee'.repeat(10) + 'c0ff' }
  a.buckets.push({
    name,
    region: R,
    tags: {},
    policy: statements.length ? { Version: '2012-10-17', Statement: statements } : null,
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    acl: { Owner: owner, Grants: [{ Grantee: { Type: 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' }] },
    objectCount: 1200,
    website: false,
    dataEvents,
    creationDate: '2024-05-02T08:00:00Z'
  })
}

export function scenario(w: World): void {
  w.account(ACCOUNT, 'acme-prod', 'prod')
  const partner = role(PARTNER, 'partner-uploader')
  // the partner uploads files and sets their ACL (bucket-owner-full-control) through the grant
  bucket(
    w,
    'acme-xacct-partner-drop',
    [statement('PartnerUpload', { AWS: `arn:aws:iam::${PARTNER}:role/partner-uploader` }, ['s3:PutObject', 's3:PutObjectAcl'], `${arnOf('acme-xacct-partner-drop')}/*`)],
    true
  )
  for (let d = 2; d < 90; d += 3) {
    w.ct(ACCOUNT, R, s3DataRecord({ time: at(d, 10, 5), account: ACCOUNT, region: R, bucket: 'acme-xacct-partner-drop', name: 'PutObject', key: `in/${d}.csv`, who: partner }))
    w.ct(ACCOUNT, R, s3DataRecord({ time: at(d, 10, 6), account: ACCOUNT, region: R, bucket: 'acme-xacct-partner-drop', name: 'PutObjectAcl', key: `in/${d}.csv`, who: partner }))
  }
  // the partner reads reports; PutBucketPolicy was granted once by mistake and never called (a management event)
  bucket(
    w,
    'acme-xacct-shared-reports',
    [
      statement('PartnerRead', { AWS: `arn:aws:iam::${PARTNER}:root` }, ['s3:GetObject', 's3:ListBucket', 's3:PutBucketPolicy'], arnOf('acme-xacct-shared-reports')),
      statement('PartnerObjects', { AWS: `arn:aws:iam::${PARTNER}:root` }, ['s3:GetObject'], `${arnOf('acme-xacct-shared-reports')}/*`)
    ],
    true
  )
  for (let d = 1; d < 90; d += 7)
    w.ct(
      ACCOUNT,
      R,
      s3DataRecord({ time: at(d, 7, 30), account: ACCOUNT, region: R, bucket: 'acme-xacct-shared-reports', key: `reports/${d}.pdf`, who: role(PARTNER, 'report-reader') })
    )
  // the server access logs hold every day of the window and show no blocked operation by the partner
  dailyAccessLogs(w, 'acme-xacct-shared-reports')
  // PutBucketAcl granted; CloudTrail covers the window and shows no call, but the bucket keeps no server
  // access logs: AWS does not document that another account's bucket-level calls reach the owner's trail
  bucket(
    w,
    'acme-xacct-audit-share',
    [statement('AuditorAcl', { AWS: `arn:aws:iam::${PARTNER}:root` }, ['s3:GetBucketAcl', 's3:PutBucketAcl'], arnOf('acme-xacct-audit-share'))],
    true
  )
  // PutBucketAcl granted; the partner's calls are in the bucket's server access logs only (REST.PUT.ACL on the bucket)
  bucket(
    w,
    'acme-xacct-acl-managed',
    [statement('PartnerAcl', { AWS: `arn:aws:iam::${PARTNER}:root` }, ['s3:GetBucketAcl', 's3:PutBucketAcl'], arnOf('acme-xacct-acl-managed'))],
    true
  )
  dailyAccessLogs(
    w,
    'acme-xacct-acl-managed',
    [12, 40, 71].map((d) =>
      accessLogLine({ bucket: 'acme-xacct-acl-managed', owner: ACCOUNT, time: at(d, 14, 2), op: 'REST.PUT.ACL', key: '-', requester: sts(PARTNER, 'acl-sync'), ip: '203.0.113.41' })
    )
  )
  // PutObjectAcl granted, but the trail does not record the bucket's data events: its use is unknown
  bucket(
    w,
    'acme-xacct-legacy-exchange',
    [statement('LegacyPartner', { AWS: PARTNER }, ['s3:GetObject', 's3:PutObject', 's3:PutObjectAcl'], `${arnOf('acme-xacct-legacy-exchange')}/*`)],
    false
  )
  // already fixed: only the account itself is named
  bucket(w, 'acme-xacct-billing-archive', [statement('AccountOnly', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, ['s3:*'], `${arnOf('acme-xacct-billing-archive')}/*`)], true)

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'acme-xacct-partner-drop',
      'UNSAFE',
      { grants: 'yes', used: 'yes' },
      'the partner sets object ACLs through the grant',
      { used: `arn:aws:iam::${PARTNER}:role/partner-uploader` }
    ],
    [
      'acme-xacct-shared-reports',
      'SAFE',
      { grants: 'yes', used: 'no' },
      'PutBucketPolicy is granted to the partner but never called in 90 days of CloudTrail and server access logs',
      { grants: 's3:PutBucketPolicy', used: 'server access logs hold requests for every day' }
    ],
    [
      'acme-xacct-audit-share',
      'RISKY',
      { grants: 'yes', used: 'unknown' },
      "CloudTrail shows no call, but the bucket keeps no server access logs to show other accounts' bucket-level calls",
      { used: 'which record every account' }
    ],
    [
      'acme-xacct-acl-managed',
      'UNSAFE',
      { grants: 'yes', used: 'yes' },
      "the partner sets the bucket ACL: its calls are in the server access logs, not in the owner's trail",
      { used: `arn:aws:sts::${PARTNER}:assumed-role/acl-sync` }
    ],
    [
      'acme-xacct-legacy-exchange',
      'RISKY',
      { grants: 'yes', used: 'unknown' },
      'PutObjectAcl is a data event the trail does not record for the bucket',
      { used: 'PutObjectAcl is an S3 data event' }
    ],
    ['acme-xacct-billing-archive', 'SAFE', { grants: 'no' }, 'a stale finding: only the account is named']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'S3.6',
        title: 'S3 general purpose bucket policies should restrict access to other AWS accounts',
        severity: 'High',
        resourceType: 'AwsS3Bucket',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.s3.cross-account-access', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the partner drop bucket too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 's3_bucket_cross_account_access',
      title: 'Ensure that general-purpose bucket policies restrict access to other AWS accounts.',
      severity: 'High',
      service: 's3',
      resourceType: 'AwsS3Bucket',
      resourceUid: arnOf('acme-xacct-partner-drop'),
      resourceName: 'acme-xacct-partner-drop',
      detail: 'S3 Bucket acme-xacct-partner-drop has cross-account access to blocked actions.'
    })
  )
}
