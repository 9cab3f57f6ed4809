// The scenarios, one per playbook: resources of the fictional company Acme in its production
// account (111122223333) and test account (444455556666) and its Azure subscription, the evidence
// about them, the scanner findings that report them, and the verdict each must get. A playbook's
// fixture is its scenario alone; the demo case is all of them together.
import {
  accessLogLine,
  asffControl,
  asffInspectorImage,
  at,
  autoScalingGroup,
  launchTemplateVersion,
  subnet,
  digestOf,
  flowLine,
  hex,
  managementRecord,
  noDataLine,
  prowlerFinding,
  role,
  s3DataRecord,
  azureStorageAccount,
  storageLog,
  trivyReport,
  user,
  type Bucket,
  type Expected,
  type Instance,
  type Json,
  type Principal,
  type World
} from './world'

export const PROD = '111122223333'
export const TEST = '444455556666'
export const SUBSCRIPTION = '9b2f6c1e-3d4a-4e8b-a1f2-7c6d5e4b3a21'
const R = 'us-east-1'

function accounts(w: World): void {
  w.account(PROD, 'acme-prod', 'prod')
  w.account(TEST, 'acme-test', 'test')
}

/** `n` instants spread over the window, each at a fixed hour of its day (stable per seed). */
function spread(n: number, seed: string, firstDay = 0, lastDay = 89): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const d = firstDay + Math.floor((i * (lastDay - firstDay + 1)) / n)
    const h = parseInt(hex(`${seed}:${i}`, 4), 16)
    out.push(at(d, 6 + (h % 14), h % 60))
  }
  return out
}

// ---- S3 -----------------------------------------------------------------------------------------

function bucket(w: World, account: string, b: Partial<Bucket> & Pick<Bucket, 'name'>): Bucket {
  const full: Bucket = {
    region: R,
    tags: {},
    policy: null,
    publicAccessBlock: null,
    acl: ownerOnlyAcl(account),
    objectCount: 0,
    website: false,
    dataEvents: true,
    creationDate: '2024-03-11T09:12:40Z',
    ...b
  }
  const a = w.account(account)
  a.buckets.push(full)
  a.regions.add(full.region)
  a.inventories.add('cloudfront')
  return full
}

const ownerOnlyAcl = (account: string): Json => ({
  Owner: { DisplayName: `acme-${account.slice(-4)}`, ID: hex(`canonical:${account}`, 64) },
  Grants: [{ Grantee: { Type: 'CanonicalUser', DisplayName: `acme-${account.slice(-4)}`, ID: hex(`canonical:${account}`, 64) }, Permission: 'FULL_CONTROL' }]
})

/** An account outside Acme: the partner whose ETL reads Acme's feed */
const PARTNER = '555566667777'
const ANONYMOUS: Principal = { kind: 'anonymous', account: '', name: '' }

/** What a fixture case's step explanations must say, and must not (the texts a user reads). */
type Says = Pick<Expected, 'says' | 'never'>

const aclGranting = (account: string, group: 'AllUsers' | 'AuthenticatedUsers', permission: string): Json => ({
  ...ownerOnlyAcl(account),
  Grants: [...(ownerOnlyAcl(account).Grants as Json[]), { Grantee: { Type: 'Group', URI: `http://acs.amazonaws.com/groups/global/${group}` }, Permission: permission }]
})

const publicReadPolicy = (name: string): Json => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` }]
})

function tlsTraffic(w: World, account: string, b: Bucket, who: Principal, n: number, names: string[] = ['GetObject', 'PutObject']): void {
  spread(n, `tls:${b.name}`).forEach((time, i) =>
    w.ct(account, b.region, s3DataRecord({ time, account, region: b.region, bucket: b.name, name: names[i % names.length], key: `data/${i % 7}/part-${i}.json`, who }))
  )
}

const sts = (account: string, roleName: string): string => `arn:aws:sts::${account}:assumed-role/${roleName}/${roleName}-session`

export function s3HttpsOnly(w: World): void {
  accounts(w)
  // the empty, unused staging bucket: its data events are recorded and show nobody
  const empty = bucket(w, TEST, {
    name: 'acme-staging-empty-uploads',
    tags: { Environment: 'staging', Owner: 'platform-team' },
    objectCount: 0,
    creationDate: '2025-11-02T14:20:11Z'
  })
  // the production reports bucket: busy, HTTPS only
  const reports = bucket(w, PROD, { name: 'acme-reports-prod', tags: { Environment: 'production', Owner: 'finance-analytics', CostCenter: 'FIN-204' }, objectCount: 12840 })
  tlsTraffic(w, PROD, reports, role(PROD, 'reports-api'), 120)
  // analysts download reports through the console: CloudTrail logs those without TLS details (and
  // without a cipher suite), yet they are HTTPS (FORMATS.md B1)
  spread(150, 'console:reports').forEach((time, i) =>
    w.ct(
      PROD,
      R,
      s3DataRecord({
        time,
        account: PROD,
        region: R,
        bucket: reports.name,
        name: 'GetObject',
        key: `monthly/2026-${String((i % 11) + 1).padStart(2, '0')}/summary.pdf`,
        who: role(PROD, 'finance-analyst'),
        transport: 'console'
      })
    )
  )
  // the legacy exports bucket: a batch job still reads it over plain HTTP, 45 times in 90 days
  const legacy = bucket(w, PROD, { name: 'acme-legacy-exports', tags: { Environment: 'production', Owner: 'data-platform' }, objectCount: 5401 })
  tlsTraffic(w, PROD, legacy, role(PROD, 'exports-writer'), 40, ['PutObject'])
  const lines: string[] = []
  spread(45, 'http:legacy', 1, 88).forEach((time, i) => {
    const key = `exports/2026/${String(i).padStart(3, '0')}/customers.csv`
    w.ct(PROD, R, s3DataRecord({ time, account: PROD, region: R, bucket: legacy.name, name: 'GetObject', key, who: role(PROD, 'legacy-batch'), transport: 'plain' }))
    lines.push(
      accessLogLine({ bucket: legacy.name, owner: PROD, time, key, requester: sts(PROD, 'legacy-batch'), ip: '10.20.7.33', http: true, agent: 'aws-sdk-java/1.11.30 Linux/3.10' })
    )
  })
  spread(40, 'al:legacy-writes').forEach((time, i) =>
    lines.push(
      accessLogLine({
        bucket: legacy.name,
        owner: PROD,
        time,
        op: 'REST.PUT.OBJECT',
        key: `exports/in/${i}.csv`,
        requester: sts(PROD, 'exports-writer'),
        ip: '10.20.4.12',
        agent: 'aws-sdk-java/2.25.60'
      })
    )
  )
  w.account(PROD).accessLogs.set(legacy.name, lines)
  // the 2019 archive: the trail never recorded its data events, and it has no access logs
  const archive = bucket(w, PROD, {
    name: 'acme-archive-2019',
    tags: { Environment: 'production', Owner: 'records-management' },
    objectCount: 88213,
    dataEvents: false,
    creationDate: '2019-02-14T10:03:55Z'
  })
  // a bucket whose policy already refuses HTTP (the finding is stale)
  const config = bucket(w, PROD, {
    name: 'acme-config-prod',
    tags: { Environment: 'production', Owner: 'platform-team' },
    objectCount: 310,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::acme-config-prod', 'arn:aws:s3:::acme-config-prod/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } }
        }
      ]
    }
  })
  tlsTraffic(w, PROD, config, role(PROD, 'config-loader'), 30, ['GetObject'])
  // the preview website: served over HTTP through its website endpoint and CloudFront
  const preview = bucket(w, TEST, {
    name: 'acme-www-preview',
    tags: { Environment: 'test', Owner: 'web-team' },
    objectCount: 642,
    website: true,
    policy: publicReadPolicy('acme-www-preview')
  })
  tlsTraffic(w, TEST, preview, role(TEST, 'web-deployer'), 20, ['PutObject'])
  w.account(TEST).cloudfront.push(distribution(TEST, 'E2PREVIEW0001', 'acme-www-preview.s3-website-us-east-1.amazonaws.com', 'custom', 'allow-all'))

  // an ops scratch bucket: a retired job still knocks over plain HTTP with its revoked role and is
  // refused every time (AccessDenied), while the current tooling uses HTTPS
  const scratch = bucket(w, PROD, { name: 'acme-ops-scratch', tags: { Environment: 'production', Owner: 'sre-team' }, objectCount: 77 })
  tlsTraffic(w, PROD, scratch, role(PROD, 'ops-tooling'), 40, ['GetObject', 'PutObject'])
  const denied: string[] = []
  spread(30, 'http:scratch', 1, 88).forEach((time, i) => {
    const key = `jobs/nightly-${i}.log`
    w.ct(
      PROD,
      R,
      s3DataRecord({ time, account: PROD, region: R, bucket: scratch.name, name: 'GetObject', key, who: role(PROD, 'retired-cron'), transport: 'plain', errorCode: 'AccessDenied' })
    )
    denied.push(
      accessLogLine({
        bucket: scratch.name,
        owner: PROD,
        time,
        key,
        requester: sts(PROD, 'retired-cron'),
        ip: '10.20.9.14',
        http: true,
        status: 403,
        error: 'AccessDenied',
        agent: 'aws-sdk-java/1.11.30 Linux/3.10'
      })
    )
  })
  w.account(PROD).accessLogs.set(scratch.name, denied)

  const all: Array<[string, Bucket, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string, Says?]> = [
    [TEST, empty, 'SAFE', { 'empty-unused': 'yes' }, 'empty and unused for 90 days of recorded data events'],
    [
      PROD,
      scratch,
      'SAFE',
      { 'plain-http': 'no' },
      'plain-HTTP requests, every one refused (AccessDenied): nothing is served over HTTP',
      { says: { 'plain-http': '30 plain-HTTP requests were refused (AccessDenied)' } }
    ],
    [
      PROD,
      reports,
      'SAFE',
      { 'plain-http': 'no' },
      'only HTTPS requests, recorded without a gap; 150 console downloads carry no TLS details',
      { says: { 'plain-http': '270 requests: 120 with TLS details, 150 made through the console' }, never: { 'plain-http': 'each with TLS details' } }
    ],
    [PROD, legacy, 'UNSAFE', { 'plain-http': 'yes' }, '45 plain-HTTP GetObject calls in 90 days'],
    [PROD, archive, 'RISKY', { 'plain-http': 'unknown' }, 'data events never recorded'],
    [PROD, config, 'SAFE', { 'already-enforced': 'yes' }, 'the policy already refuses HTTP'],
    [TEST, preview, 'RISKY', { 'http-by-design': 'yes' }, 'a website served over HTTP']
  ]
  for (const [account, b, verdict, steps, why, says] of all) {
    w.findings.asff.push(
      asffControl({
        account,
        region: b.region,
        control: 'S3.5',
        title: 'S3 general purpose buckets should require requests to use SSL',
        severity: 'Medium',
        resourceType: 'AwsS3Bucket',
        resourceId: `arn:aws:s3:::${b.name}`,
        tags: b.tags
      })
    )
    w.expect({ control: 'aws.s3.https-only', resource: `arn:aws:s3:::${b.name}`, verdict, steps, why, ...says })
  }
  // Prowler reports three of them too: one finding per bucket all the same
  for (const [account, b] of [all[1], all[2], all[3]]) {
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'aws',
        account,
        region: b.region,
        check: 's3_bucket_secure_transport_policy',
        title: 'Check if S3 buckets have secure transport policy.',
        severity: 'Medium',
        service: 's3',
        resourceType: 'AwsS3Bucket',
        resourceUid: `arn:aws:s3:::${b.name}`,
        resourceName: b.name,
        detail: `S3 Bucket ${b.name} does not have a bucket policy, thus it allows HTTP requests.`
      })
    )
  }
}

function distribution(account: string, id: string, originDomain: string, origin: 'custom' | 's3-oac', viewer: string): Json {
  const o: Json =
    origin === 'custom'
      ? { Id: 'website', DomainName: originDomain, OriginPath: '', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'http-only' } }
      : { Id: 's3', DomainName: originDomain, OriginPath: '', S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: `E${hex(`oac:${id}`, 13).toUpperCase()}` }
  return {
    Id: id,
    ARN: `arn:aws:cloudfront::${account}:distribution/${id}`,
    Status: 'Deployed',
    DomainName: `d${hex(`cf:${id}`, 13)}.cloudfront.net`,
    Aliases: { Quantity: 0 },
    Origins: { Quantity: 1, Items: [o] },
    DefaultCacheBehavior: { TargetOriginId: o.Id, ViewerProtocolPolicy: viewer },
    CacheBehaviors: { Quantity: 0 },
    Enabled: true
  }
}

export function s3PublicAccess(w: World): void {
  accounts(w)
  const pabOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
  const customer = bucket(w, PROD, {
    name: 'acme-customer-data',
    tags: { Environment: 'production', Owner: 'crm-team', DataClass: 'confidential' },
    objectCount: 240311,
    publicAccessBlock: pabOn
  })
  tlsTraffic(w, PROD, customer, role(PROD, 'crm-api'), 60, ['GetObject', 'PutObject'])
  // scanners guessing its URLs anonymously: Block Public Access refuses every one
  spread(12, 'probe:customer').forEach((time, i) =>
    w.ct(
      PROD,
      R,
      s3DataRecord({
        time,
        account: PROD,
        region: R,
        bucket: customer.name,
        name: 'GetObject',
        key: ['exports/customers.csv', 'backup.sql', '.env'][i % 3],
        who: ANONYMOUS,
        errorCode: 'AccessDenied'
      })
    )
  )
  // public downloads: anonymous clients fetch installers straight from the bucket
  const downloads = bucket(w, PROD, {
    name: 'acme-public-downloads',
    tags: { Environment: 'production', Owner: 'support-team' },
    objectCount: 86,
    policy: publicReadPolicy('acme-public-downloads'),
    dataEvents: false
  })
  const lines = spread(70, 'anon:downloads').map((time, i) =>
    accessLogLine({
      bucket: downloads.name,
      owner: PROD,
      time,
      key: `installers/acme-agent-4.${i % 3}.msi`,
      requester: '-',
      ip: `198.51.100.${(i * 37) % 250}`,
      agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'
    })
  )
  w.account(PROD).accessLogs.set(downloads.name, lines)
  // the test website: public by design, though nobody visited it lately
  const site = bucket(w, TEST, {
    name: 'acme-test-site',
    tags: { Environment: 'test', Owner: 'web-team' },
    objectCount: 155,
    website: true,
    policy: publicReadPolicy('acme-test-site')
  })
  tlsTraffic(w, TEST, site, role(TEST, 'web-deployer'), 12, ['PutObject'])
  // a QA bucket with a forgotten public ACL grant that nobody uses anonymously
  const qa = bucket(w, TEST, {
    name: 'acme-qa-shared',
    tags: { Environment: 'test', Owner: 'qa-team' },
    objectCount: 4120,
    acl: aclGranting(TEST, 'AllUsers', 'READ')
  })
  tlsTraffic(w, TEST, qa, role(TEST, 'qa-runner'), 50, ['GetObject'])
  // a partner drop-box, public by policy, with no logs of any kind
  const partner = bucket(w, PROD, {
    name: 'acme-partner-drop',
    tags: { Environment: 'production', Owner: 'partnerships' },
    objectCount: 932,
    policy: publicReadPolicy('acme-partner-drop'),
    dataEvents: false
  })
  // a partner feed with no policy: its ACL grants READ to AuthenticatedUsers, i.e. to any AWS
  // account, and the partner's ETL role (another account) lists and reads it every day. Nothing is
  // anonymous, but IgnorePublicAcls removes the very grant the partner reads through.
  const feed = bucket(w, PROD, {
    name: 'acme-partner-feed',
    tags: { Environment: 'production', Owner: 'partnerships' },
    objectCount: 3120,
    acl: aclGranting(PROD, 'AuthenticatedUsers', 'READ')
  })
  tlsTraffic(w, PROD, feed, role(PARTNER, 'partner-etl'), 180, ['ListObjects', 'GetObject'])
  spread(30, 'feed:publisher').forEach((time, i) =>
    w.ct(PROD, R, s3DataRecord({ time, account: PROD, region: R, bucket: feed.name, name: 'PutObject', key: `feed/2026/${i}.csv.gz`, who: role(PROD, 'feed-publisher') }))
  )
  // QA artifacts: a policy publishes only public/*, which nobody fetched; scanners probing other
  // keys anonymously were all refused (AccessDenied) — proof that nothing is served, not use
  const artifacts = bucket(w, TEST, {
    name: 'acme-qa-artifacts',
    tags: { Environment: 'test', Owner: 'qa-team' },
    objectCount: 2210,
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicReports', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-qa-artifacts/public/*' }]
    }
  })
  tlsTraffic(w, TEST, artifacts, role(TEST, 'qa-runner'), 40, ['PutObject'])
  spread(25, 'probe:artifacts').forEach((time, i) =>
    w.ct(
      TEST,
      R,
      s3DataRecord({
        time,
        account: TEST,
        region: R,
        bucket: artifacts.name,
        name: 'GetObject',
        key: ['.env', 'backup.zip', 'config.json', 'id_rsa', '.git/config'][i % 5],
        who: ANONYMOUS,
        errorCode: 'AccessDenied'
      })
    )
  )

  // shared datasets: public/* is public, and a statement also grants the partner account the whole
  // bucket. A public policy under RestrictPublicBuckets is confined to the owner account, so the
  // partner loses even what its own statement grants.
  const datasets = bucket(w, PROD, {
    name: 'acme-shared-datasets',
    tags: { Environment: 'production', Owner: 'data-platform' },
    objectCount: 15230,
    policy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PublicSamples', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-shared-datasets/public/*' },
        {
          Sid: 'PartnerRead',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::acme-shared-datasets', 'arn:aws:s3:::acme-shared-datasets/*']
        }
      ]
    }
  })
  tlsTraffic(w, PROD, datasets, role(PARTNER, 'partner-etl'), 60, ['GetObject'])
  // a vendor exchange with a legacy AuthenticatedUsers grant; the vendor's reads are granted by a
  // policy statement naming its account, which Block Public Access leaves in force
  const exchange = bucket(w, TEST, {
    name: 'acme-vendor-exchange',
    tags: { Environment: 'test', Owner: 'procurement' },
    objectCount: 412,
    acl: aclGranting(TEST, 'AuthenticatedUsers', 'READ'),
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VendorRead',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${PARTNER}:role/partner-etl` },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::acme-vendor-exchange', 'arn:aws:s3:::acme-vendor-exchange/*']
        }
      ]
    }
  })
  tlsTraffic(w, TEST, exchange, role(PARTNER, 'partner-etl'), 45, ['ListObjects', 'GetObject'])

  const all: Array<[string, Bucket, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string, Says?]> = [
    [
      PROD,
      datasets,
      'UNSAFE',
      { anonymous: 'no', 'outside-account': 'yes' },
      'a public policy: RestrictPublicBuckets would cut the partner account even from its own statement',
      { says: { 'outside-account': `60 requests from 1 other AWS account (${PARTNER})` } }
    ],
    [
      TEST,
      exchange,
      'SAFE',
      { 'is-public': 'yes', anonymous: 'no', 'outside-account': 'no' },
      'the vendor reads through a policy statement naming its account, which the fix keeps',
      { says: { 'outside-account': '45 requests from other accounts named in the policy keep their access' } }
    ],
    [
      PROD,
      customer,
      'SAFE',
      { 'is-public': 'no', anonymous: 'no' },
      'not public: Block Public Access is on; anonymous probes all refused',
      { says: { anonymous: 'all 12 anonymous requests were refused (AccessDenied)' }, never: { anonymous: 'refuses them' } }
    ],
    [PROD, downloads, 'UNSAFE', { anonymous: 'yes' }, 'anonymous downloads in the access logs'],
    [TEST, site, 'RISKY', { 'public-origin': 'yes' }, 'a website built on public reads'],
    [TEST, qa, 'SAFE', { anonymous: 'no', 'outside-account': 'no', 'public-origin': 'no' }, 'public ACL nobody uses anonymously or from another account'],
    [PROD, partner, 'RISKY', { anonymous: 'unknown', 'outside-account': 'unknown' }, 'no logs of any kind'],
    [
      PROD,
      feed,
      'UNSAFE',
      { 'is-public': 'yes', anonymous: 'no', 'outside-account': 'yes' },
      'an AuthenticatedUsers ACL grant read daily by another account',
      { says: { 'outside-account': `180 requests from 1 other AWS account (${PARTNER})`, 'is-public': 'AuthenticatedUsers (any AWS account)' } }
    ],
    [
      TEST,
      artifacts,
      'SAFE',
      { 'is-public': 'yes', anonymous: 'no', 'outside-account': 'no', 'public-origin': 'no' },
      'anonymous probes, all refused',
      { says: { anonymous: 'all 25 anonymous requests were refused (AccessDenied)' }, never: { anonymous: 'refuses them' } }
    ]
  ]
  for (const [account, b, verdict, steps, why, says] of all) {
    w.findings.asff.push(
      asffControl({
        account,
        region: b.region,
        control: 'S3.2',
        title: 'S3 general purpose buckets should block public read access',
        severity: 'Critical',
        resourceType: 'AwsS3Bucket',
        resourceId: `arn:aws:s3:::${b.name}`,
        tags: b.tags
      })
    )
    w.expect({ control: 'aws.s3.public-access', resource: `arn:aws:s3:::${b.name}`, verdict, steps, why, ...says })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: PROD,
      region: R,
      check: 's3_bucket_public_access',
      title: 'Ensure there are no S3 buckets open to Everyone or Any AWS user.',
      severity: 'Critical',
      service: 's3',
      resourceType: 'AwsS3Bucket',
      resourceUid: `arn:aws:s3:::${downloads.name}`,
      resourceName: downloads.name,
      detail: `S3 Bucket ${downloads.name} has public access due to bucket policy.`
    })
  )
}

/**
 * Block Public Access as its own finding: Security Hub S3.8 on buckets and S3.1 on the accounts.
 * A bucket's S3.8 and S3.2 findings get the same answers; an account gets the worst of its buckets
 * (in the demo, every bucket of the account counts, so the accounts' verdicts hold there too).
 */
export function s3PublicAccessBlock(w: World): void {
  accounts(w)
  // public media: a public policy, and anonymous clients served from it every day
  const media = bucket(w, PROD, {
    name: 'acme-media-public',
    tags: { Environment: 'production', Owner: 'marketing' },
    objectCount: 1804,
    policy: publicReadPolicy('acme-media-public'),
    dataEvents: false
  })
  w.account(PROD).accessLogs.set(
    media.name,
    spread(90, 'anon:media').map((time, i) =>
      accessLogLine({
        bucket: media.name,
        owner: PROD,
        time,
        key: `img/hero-${i % 12}.webp`,
        requester: '-',
        ip: `203.0.113.${(i * 29) % 250}`,
        agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)'
      })
    )
  )
  // a private build cache without a Block Public Access configuration of its own
  const cache = bucket(w, TEST, { name: 'acme-build-cache', tags: { Environment: 'test', Owner: 'platform-team' }, objectCount: 5120 })
  tlsTraffic(w, TEST, cache, role(TEST, 'ci-builder'), 60, ['GetObject', 'PutObject'])
  // a press kit, public by policy, with no logs of any kind
  const press = bucket(w, TEST, {
    name: 'acme-press-kit',
    tags: { Environment: 'test', Owner: 'marketing' },
    objectCount: 48,
    policy: publicReadPolicy('acme-press-kit'),
    dataEvents: false
  })

  const bpa = (account: string, b: Bucket, verdict: Expected['verdict'], steps: Record<string, 'yes' | 'no' | 'unknown'>, why: string) => {
    w.findings.asff.push(
      asffControl({
        account,
        region: b.region,
        control: 'S3.8',
        title: 'S3 general purpose buckets should block public access',
        severity: 'High',
        resourceType: 'AwsS3Bucket',
        resourceId: `arn:aws:s3:::${b.name}`,
        tags: b.tags
      })
    )
    w.expect({ control: 'aws.s3.public-access-block', resource: `arn:aws:s3:::${b.name}`, verdict, steps, why })
  }
  const publicRead = (account: string, b: Bucket, verdict: Expected['verdict'], steps: Record<string, 'yes' | 'no' | 'unknown'>, why: string) => {
    w.findings.asff.push(
      asffControl({
        account,
        region: b.region,
        control: 'S3.2',
        title: 'S3 general purpose buckets should block public read access',
        severity: 'Critical',
        resourceType: 'AwsS3Bucket',
        resourceId: `arn:aws:s3:::${b.name}`,
        tags: b.tags
      })
    )
    w.expect({ control: 'aws.s3.public-access', resource: `arn:aws:s3:::${b.name}`, verdict, steps, why })
  }
  // the same bucket, the same fix, the same answers under both controls
  bpa(PROD, media, 'UNSAFE', { anonymous: 'yes' }, 'S3.8 on a bucket anonymous clients are served from')
  publicRead(PROD, media, 'UNSAFE', { anonymous: 'yes' }, 'S3.2 on the same bucket: the same verdict as its S3.8')
  bpa(TEST, cache, 'SAFE', { 'is-public': 'no' }, 'S3.8 on a private bucket: nothing to take away')
  bpa(TEST, press, 'RISKY', { anonymous: 'unknown', 'outside-account': 'unknown' }, 'S3.8 on a public bucket with no logs')
  publicRead(TEST, press, 'RISKY', { anonymous: 'unknown', 'outside-account': 'unknown' }, 'S3.2 on the same bucket: the same verdict as its S3.8')
  // the account-level setting (S3.1) inherits the worst of the buckets it would make private
  for (const [account, verdict, steps, why] of [
    [PROD, 'UNSAFE', { 'is-public': 'yes', anonymous: 'yes' }, 'the account holds a bucket anonymous clients are served from'],
    [TEST, 'RISKY', { 'is-public': 'yes', anonymous: 'unknown' }, 'the account holds a public bucket with no logs']
  ] as const) {
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'S3.1',
        title: 'S3 general purpose buckets should have block public access settings enabled',
        severity: 'Medium',
        resourceType: 'AwsAccount',
        resourceId: `AWS::::Account:${account}`
      })
    )
    w.expect({ control: 'aws.s3.public-access-block', resource: `AWS::::Account:${account}`, verdict, steps: { ...steps }, why })
  }
}

// ---- EC2 instance metadata ----------------------------------------------------------------------

function instance(w: World, account: string, i: Partial<Instance> & Pick<Instance, 'id' | 'name'>): Instance {
  const n = parseInt(i.id.slice(-2), 16)
  const full: Instance = {
    region: R,
    tags: {},
    httpTokens: 'optional',
    hopLimit: 1,
    profile: null,
    groups: ['sg-0e00000000000000'],
    eni: `eni-${hex(`eni:${i.id}`, 17)}`,
    privateIp: `10.20.${(n >> 4) + 1}.${(n % 200) + 10}`,
    publicIp: null,
    ...i
  }
  const a = w.account(account)
  a.instances.push(full)
  a.regions.add(full.region)
  return full
}

const profileOf = (account: string, name: string): string => `arn:aws:iam::${account}:instance-profile/${name}`

/** MetadataNoToken over the window (or from day `firstDay` on): one daily Sum per day, non-zero on the given days. */
function metadataNoToken(w: World, account: string, inst: Instance, nonZero: Record<number, number> = {}, firstDay = 0): void {
  const timestamps: string[] = []
  const values: number[] = []
  for (let d = firstDay; d < 90; d++) {
    timestamps.push(at(d))
    values.push(nonZero[d] ?? 0)
  }
  w.account(account).metrics.push({
    namespace: 'AWS/EC2',
    name: 'MetadataNoToken',
    dimensions: { InstanceId: inst.id },
    stat: 'Sum',
    period: 86400,
    region: inst.region,
    timestamps,
    values
  })
}

/** Calls an instance made with its role's credentials, delivered over IMDSv1 or v2, in its own Region or another one. */
function roleCalls(w: World, account: string, inst: Instance, roleName: string, delivery: '1.0' | '2.0', n: number, region = inst.region, lastDay = 89): void {
  spread(n, `role:${inst.id}:${delivery}:${region === inst.region ? '' : region}`, 0, lastDay).forEach((time, k) =>
    w.ct(
      account,
      region,
      managementRecord({
        time,
        account,
        region,
        source: k % 2 ? 'ssm.amazonaws.com' : 'sts.amazonaws.com',
        name: k % 2 ? 'UpdateInstanceInformation' : 'GetCallerIdentity',
        readOnly: k % 2 === 0,
        who: { kind: 'instance', account, name: roleName, instance: inst.id, delivery },
        requestParameters: k % 2 ? { instanceId: inst.id, agentVersion: '3.3.40.0', platformType: 'Linux' } : null
      })
    )
  )
}

export function ec2Imdsv2(w: World): void {
  accounts(w)
  const api = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f60001',
    name: 'payments-api-1',
    tags: { Name: 'payments-api-1', Environment: 'production', Owner: 'payments-team' },
    httpTokens: 'required',
    hopLimit: 2,
    profile: profileOf(PROD, 'payments-api')
  })
  metadataNoToken(w, PROD, api)
  const reports = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f60002',
    name: 'reports-worker-1',
    tags: { Name: 'reports-worker-1', Environment: 'production', Owner: 'finance-analytics' },
    profile: profileOf(PROD, 'reports-worker')
  })
  metadataNoToken(w, PROD, reports)
  roleCalls(w, PROD, reports, 'reports-worker', '2.0', 40)
  const legacy = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f60003',
    name: 'legacy-batch-1',
    tags: { Name: 'legacy-batch-1', Environment: 'production', Owner: 'data-platform' },
    profile: profileOf(PROD, 'legacy-batch')
  })
  metadataNoToken(w, PROD, legacy, { 3: 288, 17: 290, 31: 287, 45: 288, 59: 291, 73: 288, 86: 96 })
  roleCalls(w, PROD, legacy, 'legacy-batch', '1.0', 20)
  const runner = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f60004',
    name: 'test-runner-1',
    tags: { Name: 'test-runner-1', Environment: 'test', Owner: 'qa-team' },
    profile: profileOf(TEST, 'test-runner')
  })
  metadataNoToken(w, TEST, runner)
  roleCalls(w, TEST, runner, 'test-runner', '1.0', 6)
  const sandbox = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f60005',
    name: 'qa-sandbox-1',
    tags: { Name: 'qa-sandbox-1', Environment: 'test', Owner: 'qa-team' },
    profile: profileOf(TEST, 'qa-sandbox')
  })
  const node = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f60006',
    name: 'eks-node-a',
    tags: { Name: 'eks-node-a', Environment: 'production', Owner: 'platform-team', 'eks:cluster-name': 'prod-eks', 'eks:nodegroup-name': 'general' },
    profile: profileOf(PROD, 'eks-node')
  })
  metadataNoToken(w, PROD, node)
  roleCalls(w, PROD, node, 'eks-node', '2.0', 30)
  // IMDSv1 credentials used only against another Region's endpoints; the metric only since day 60
  const sync = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f60007',
    name: 'apac-sync-1',
    tags: { Name: 'apac-sync-1', Environment: 'production', Owner: 'data-platform' },
    profile: profileOf(PROD, 'apac-sync')
  })
  metadataNoToken(w, PROD, sync, {}, 60)
  roleCalls(w, PROD, sync, 'apac-sync', '2.0', 10)
  roleCalls(w, PROD, sync, 'apac-sync', '1.0', 45, 'ap-southeast-2', 55)
  // the test account's scope names eu-west-1, whose CloudTrail was not collected
  const test = w.account(TEST)
  test.regions.add('eu-west-1')
  test.trailNotCollected.add('eu-west-1')
  const cache = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f60008',
    name: 'ci-cache-1',
    tags: { Name: 'ci-cache-1', Environment: 'test', Owner: 'qa-team' },
    profile: profileOf(TEST, 'ci-cache')
  })
  metadataNoToken(w, TEST, cache)
  roleCalls(w, TEST, cache, 'ci-cache', '2.0', 12)

  const all: Array<[string, Instance, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [PROD, api, 'SAFE', { 'already-required': 'yes' }, 'IMDSv2 already required'],
    [
      PROD,
      reports,
      'SAFE',
      { 'imdsv1-calls': 'no', 'imdsv1-role-credentials': 'no', 'container-hop-limit': 'no' },
      'no IMDSv1 use in 90 days',
      { 'container-hop-limit': 'the fix keeps hop limit 1' }
    ],
    [PROD, legacy, 'UNSAFE', { 'imdsv1-calls': 'yes' }, 'MetadataNoToken counts IMDSv1 calls'],
    [TEST, runner, 'UNSAFE', { 'imdsv1-calls': 'no', 'imdsv1-role-credentials': 'yes' }, 'role credentials fetched over IMDSv1'],
    [TEST, sandbox, 'RISKY', { 'imdsv1-calls': 'unknown' }, 'no metric in evidence'],
    [
      PROD,
      node,
      'RISKY',
      { 'container-hop-limit': 'yes' },
      'EKS node at hop limit 1',
      { 'container-hop-limit': "the fix raises the hop limit to 2 — which also lets every container on the host fetch the instance role's credentials" }
    ],
    [
      PROD,
      sync,
      'UNSAFE',
      { 'imdsv1-calls': 'unknown', 'imdsv1-role-credentials': 'yes' },
      'IMDSv1 credentials used in ap-southeast-2 only',
      { 'imdsv1-role-credentials': '45 calls in ap-southeast-2' }
    ],
    [
      TEST,
      cache,
      'RISKY',
      { 'imdsv1-calls': 'no', 'imdsv1-role-credentials': 'unknown' },
      'CloudTrail of eu-west-1 not collected',
      { 'imdsv1-role-credentials': 'CloudTrail in eu-west-1: no evidence' }
    ]
  ]
  for (const [account, i, verdict, steps, why, explains] of all) {
    const arn = `arn:aws:ec2:${i.region}:${account}:instance/${i.id}`
    w.findings.asff.push(
      asffControl({
        account,
        region: i.region,
        control: 'EC2.8',
        title: 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
        severity: 'High',
        resourceType: 'AwsEc2Instance',
        resourceId: arn,
        tags: i.tags,
        details: {
          AwsEc2Instance: {
            Type: 't3.large',
            ImageId: 'ami-0c02fb55956c7d316',
            IpV4Addresses: [i.privateIp],
            VpcId: 'vpc-0a11b22c33d44e55f',
            MetadataOptions: { HttpTokens: i.httpTokens }
          }
        }
      })
    )
    w.expect({ control: 'aws.ec2.imdsv2', resource: arn, verdict, steps, why, ...(explains ? { explains } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: TEST,
      region: R,
      check: 'ec2_instance_imdsv2_enabled',
      title: 'Check if EC2 Instance Metadata Service Version 2 (IMDSv2) is Enabled and Required.',
      severity: 'High',
      service: 'ec2',
      resourceType: 'AwsEc2Instance',
      resourceUid: `arn:aws:ec2:${R}:${TEST}:instance/${sandbox.id}`,
      resourceName: sandbox.id,
      detail: `EC2 Instance ${sandbox.id} has IMDSv2 disabled or not required.`
    })
  )
}

// ---- security groups ----------------------------------------------------------------------------

const tcp = (port: number, cidrs: string[], v6: string[] = [], description?: string): Json => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: cidrs.map((c) => ({ CidrIp: c, ...(description ? { Description: description } : {}) })),
  Ipv6Ranges: v6.map((c) => ({ CidrIpv6: c })),
  PrefixListIds: [],
  UserIdGroupPairs: []
})

/** Flow-log records for one interface: a record every 12 hours (traffic or NODATA), plus `extra`. */
function flows(w: World, account: string, inst: Instance, extra: string[], traffic: (time: string, k: number) => string | null): void {
  const a = w.account(account)
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    a.flows.push(traffic(time, k) ?? noDataLine(account, inst.eni, time))
  }
  a.flows.push(...extra)
}

// What scanners leave in a flow log (tcp-flags is the OR of FIN 1, SYN 2, RST 4 and SYN-ACK 18 in
// the interval; ACK is not recorded): a lone SYN of 44 bytes, a SYN and its retry, or a SYN-scan's
// SYN then RST after the instance's SYN-ACK. None of them is a session.
const PROBES = [
  { flags: 2, packets: 1, bytes: 44 },
  { flags: 2, packets: 2, bytes: 120 },
  { flags: 6, packets: 2, bytes: 84 }
]
const scans = (account: string, inst: Instance, port: number, n: number, kinds = 2): string[] =>
  spread(n, `scan:${inst.id}:${port}`).map((time, k) =>
    flowLine({
      account,
      eni: inst.eni,
      src: `45.${(k * 7) % 200}.${(k * 13) % 250}.${(k * 29) % 250}`,
      dst: inst.privateIp,
      srcPort: 40000 + k,
      dstPort: port,
      start: time,
      ...PROBES[k % kinds]
    })
  )

/** A client's session as its own flow record shows it: SYN and FIN (3), data in many packets. */
const session = (o: { account: string; inst: Instance; src: string; srcPort: number; dstPort: number; packets: number; bytes: number; start: string }): string =>
  flowLine({
    account: o.account,
    eni: o.inst.eni,
    src: o.src,
    dst: o.inst.privateIp,
    srcPort: o.srcPort,
    dstPort: o.dstPort,
    packets: o.packets,
    bytes: o.bytes,
    start: o.start,
    flags: 3
  })

export function sgOpenAdminPorts(w: World): void {
  accounts(w)
  // production's Auto Scaling groups are listed (an instance one launched and terminated within the
  // window is in no inventory of today, and its sessions in no flow fact of the group); the test
  // account's are not, so no group of it can be shown unused by the sessions of today's interfaces
  w.account(PROD).inventories.add('asgs')
  const sgs = w.account(PROD).securityGroups
  const tsgs = w.account(TEST).securityGroups
  const vpc = 'vpc-0a11b22c33d44e55f'
  const tvpc = 'vpc-0b22c33d44e55f66a'
  sgs.push({ id: 'sg-0c00000000000001', region: R, name: 'internal-ssh', vpc, tags: { Owner: 'platform-team' }, permissions: [tcp(22, ['10.0.0.0/8'])] })
  sgs.push({
    id: 'sg-0c00000000000002',
    region: R,
    name: 'bastion-ssh',
    vpc,
    tags: { Owner: 'platform-team', Environment: 'production' },
    permissions: [tcp(22, ['0.0.0.0/0'], [], 'SSH to the bastion')]
  })
  sgs.push({ id: 'sg-0c00000000000003', region: R, name: 'vendor-rdp', vpc, tags: { Owner: 'erp-team', Environment: 'production' }, permissions: [tcp(3389, ['0.0.0.0/0'])] })
  sgs.push({
    id: 'sg-0c00000000000006',
    region: R,
    name: 'sftp-ssh',
    vpc,
    tags: { Owner: 'data-team', Environment: 'production' },
    permissions: [tcp(22, ['0.0.0.0/0', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])]
  })
  sgs.push({
    id: 'sg-0c00000000000008',
    region: R,
    name: 'office-ssh',
    vpc,
    tags: { Owner: 'build-team', Environment: 'production' },
    permissions: [{ ...tcp(22, ['0.0.0.0/0']), IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '198.51.100.0/24', Description: 'office' }] }]
  })
  tsgs.push({
    id: 'sg-0d00000000000004',
    region: R,
    name: 'web-all-open',
    vpc: tvpc,
    tags: { Owner: 'web-team', Environment: 'test' },
    permissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'open for the load test' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]
  })
  tsgs.push({ id: 'sg-0d00000000000005', region: R, name: 'legacy-ssh', vpc: tvpc, tags: { Owner: 'qa-team', Environment: 'test' }, permissions: [tcp(22, ['0.0.0.0/0'])] })
  tsgs.push({ id: 'sg-0d00000000000009', region: R, name: 'batch-ssh', vpc: tvpc, tags: { Owner: 'qa-team', Environment: 'test' }, permissions: [tcp(22, ['0.0.0.0/0'])] })
  tsgs.push({
    id: 'sg-0d00000000000007',
    region: R,
    name: 'api-any-tcp',
    vpc: tvpc,
    tags: { Owner: 'api-team', Environment: 'test' },
    permissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]
  })

  const bastion = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f600b1',
    name: 'bastion-1',
    tags: { Name: 'bastion-1', Environment: 'production', Owner: 'platform-team' },
    httpTokens: 'required',
    groups: ['sg-0c00000000000002'],
    publicIp: '54.210.17.4'
  })
  const erp = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f600b2',
    name: 'erp-gateway-1',
    tags: { Name: 'erp-gateway-1', Environment: 'production', Owner: 'erp-team' },
    httpTokens: 'required',
    groups: ['sg-0c00000000000003'],
    publicIp: '54.210.17.9'
  })
  const sftp = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f600b6',
    name: 'sftp-1',
    tags: { Name: 'sftp-1', Environment: 'production', Owner: 'data-team' },
    httpTokens: 'required',
    groups: ['sg-0c00000000000006'],
    publicIp: '54.210.17.12'
  })
  const build = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f600b8',
    name: 'build-1',
    tags: { Name: 'build-1', Environment: 'production', Owner: 'build-team' },
    httpTokens: 'required',
    groups: ['sg-0c00000000000008'],
    publicIp: '54.210.17.15'
  })
  const web = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f600b3',
    name: 'web-test-1',
    tags: { Name: 'web-test-1', Environment: 'test', Owner: 'web-team' },
    httpTokens: 'required',
    groups: ['sg-0d00000000000004'],
    publicIp: '3.91.44.120'
  })
  instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f600b4',
    name: 'legacy-tools-1',
    tags: { Name: 'legacy-tools-1', Environment: 'test', Owner: 'qa-team' },
    httpTokens: 'required',
    groups: ['sg-0d00000000000005'],
    publicIp: '3.91.44.121'
  })
  const api = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f600b7',
    name: 'api-test-1',
    tags: { Name: 'api-test-1', Environment: 'test', Owner: 'api-team' },
    httpTokens: 'required',
    groups: ['sg-0d00000000000007'],
    publicIp: '3.91.44.127'
  })

  // bastion: two administrators on private addresses — one over the client VPN (172.20.5.10), one
  // from the office through a peered network (192.168.40.12) — every few days, and the scans every
  // open port gets. No other rule admits them: they come in through 0.0.0.0/0.
  flows(w, PROD, bastion, scans(PROD, bastion, 22, 60), (time, k) =>
    k % 6 === 0
      ? session({ account: PROD, inst: bastion, src: k % 12 === 0 ? '172.20.5.10' : '192.168.40.12', srcPort: 50000 + k, dstPort: 22, packets: 410, bytes: 88210, start: time })
      : null
  )
  // the ERP gateway: a vendor administers it over RDP from their own office
  flows(
    w,
    PROD,
    erp,
    [
      ...scans(PROD, erp, 3389, 40),
      ...spread(13, 'vendor-rdp').map((time, k) =>
        session({ account: PROD, inst: erp, src: '203.0.113.50', srcPort: 51000 + k, dstPort: 3389, packets: 5200, bytes: 2_480_113, start: time })
      )
    ],
    () => null
  )
  // the SFTP host: 179 probes from the internet (SYN, SYN and retry, SYN then RST), and a batch job
  // in the VPC that the 10.0.0.0/8 range of the same rule admits
  flows(w, PROD, sftp, scans(PROD, sftp, 22, 179, PROBES.length), (time, k) =>
    k % 14 === 0 ? session({ account: PROD, inst: sftp, src: '10.20.9.14', srcPort: 52000 + k, dstPort: 22, packets: 96, bytes: 61_440, start: time }) : null
  )
  // the build host: engineers log in from the office's public range, which its own rule admits
  // beside 0.0.0.0/0; revoking 0.0.0.0/0 leaves them their way in
  flows(w, PROD, build, scans(PROD, build, 22, 50), (time, k) =>
    k % 8 === 0 ? session({ account: PROD, inst: build, src: '198.51.100.23', srcPort: 53000 + k, dstPort: 22, packets: 240, bytes: 51_200, start: time }) : null
  )
  // the test web server: public HTTPS traffic, and scans of port 22
  flows(w, TEST, web, scans(TEST, web, 22, 30), (time, k) =>
    session({ account: TEST, inst: web, src: `198.51.100.${(k * 11) % 250}`, srcPort: 43000 + k, dstPort: 443, packets: 22, bytes: 9120, start: time })
  )
  // the test API: daily HTTPS clients from the internet, replies to its own calls out (from a
  // remote 443 to an ephemeral port, SYN-ACK 18 | FIN 1: not a port it serves), SYN probes on 22
  flows(
    w,
    TEST,
    api,
    [
      ...scans(TEST, api, 22, 45),
      ...spread(30, 'api-out').map((time, k) =>
        flowLine({ account: TEST, eni: api.eni, src: '52.94.0.12', dst: api.privateIp, srcPort: 443, dstPort: 41000 + k, packets: 30, bytes: 40_200, start: time, flags: 19 })
      )
    ],
    (time, k) => session({ account: TEST, inst: api, src: `203.0.113.${(k * 7) % 250}`, srcPort: 44000 + k, dstPort: 443, packets: 18, bytes: 7_320, start: time })
  )
  // legacy-tools-1: no flow log on its interface
  // batch-test-1: its flow log was turned on 60 days into the window; only scans since
  const batch = instance(w, TEST, {
    id: 'i-0b1b2c3d4e5f600b9',
    name: 'batch-test-1',
    tags: { Name: 'batch-test-1', Environment: 'test', Owner: 'qa-team' },
    httpTokens: 'required',
    groups: ['sg-0d00000000000009'],
    publicIp: '3.91.44.129'
  })
  for (let k = 120; k < 180; k++) w.account(TEST).flows.push(noDataLine(TEST, batch.eni, at(Math.floor(k / 2), (k % 2) * 12 + 1)))
  w.account(TEST).flows.push(
    ...spread(20, `scan:${batch.id}:22`, 61, 89).map((time, k) =>
      flowLine({
        account: TEST,
        eni: batch.eni,
        src: `45.${(k * 7) % 200}.${(k * 13) % 250}.${(k * 29) % 250}`,
        dst: batch.privateIp,
        srcPort: 40000 + k,
        dstPort: 22,
        start: time,
        ...PROBES[k % 2]
      })
    )
  )

  // the CI runners: an Auto Scaling group launches them into their own group, open to SSH from the
  // internet. Today's runner saw only scans over the whole window, but the runners the group
  // launched and terminated within it are in no inventory, and their sessions were not read.
  sgs.push({ id: 'sg-0c0000000000000a', region: R, name: 'ci-runners-ssh', vpc, tags: { Owner: 'build-team', Environment: 'production' }, permissions: [tcp(22, ['0.0.0.0/0'])] })
  w.account(PROD).subnets.push(subnet({ account: PROD, region: R, id: 'subnet-0c0a000000000001', vpc, cidr: '10.11.40.0/24', mapPublicIp: true, name: 'ci-runners-a' }))
  const runner = instance(w, PROD, {
    id: 'i-0a1b2c3d4e5f600ba',
    name: 'ci-runner-1',
    tags: { Name: 'ci-runner-1', Environment: 'production', Owner: 'build-team', 'aws:autoscaling:groupName': 'ci-runners-asg' },
    httpTokens: 'required',
    groups: ['sg-0c0000000000000a'],
    publicIp: '54.210.17.31'
  })
  w.account(PROD).autoScalingGroups.push(
    autoScalingGroup({
      account: PROD,
      region: R,
      name: 'ci-runners-asg',
      subnets: ['subnet-0c0a000000000001'],
      template: { id: 'lt-0c0a000000000001', version: '$Default' },
      min: 1,
      max: 10,
      instances: [runner.id]
    })
  )
  w.account(PROD).launchTemplateVersions.push(
    launchTemplateVersion({ region: R, id: 'lt-0c0a000000000001', name: 'ci-runners', version: 1, isDefault: true, publicIp: true, groups: ['sg-0c0000000000000a'] })
  )
  flows(w, PROD, runner, scans(PROD, runner, 22, 25), () => null)

  const all: Array<[string, string, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string, string, Record<string, string>?]> = [
    [PROD, 'sg-0c00000000000001', 'SAFE', { open: 'no' }, 'SSH only from 10.0.0.0/8', 'EC2.13'],
    [
      PROD,
      'sg-0c0000000000000a',
      'RISKY',
      { open: 'yes', 'outside-sessions': 'unknown' },
      "today's runner saw only scans, but the Auto Scaling group launched and terminated others within the window",
      'EC2.13',
      {
        'outside-sessions':
          '1 Auto Scaling group launches instances into the group (ci-runners-asg (1 instance now, 1–10)): what they launched into the group and ended within the window is in no inventory of today'
      }
    ],
    [
      PROD,
      'sg-0c00000000000002',
      'SAFE',
      { open: 'yes', 'all-traffic': 'no', 'outside-sessions': 'no', 'admitted-first': 'yes' },
      'admins on private addresses come in only through 0.0.0.0/0: the plan admits them first',
      'EC2.13'
    ],
    [PROD, 'sg-0c00000000000003', 'UNSAFE', { 'outside-sessions': 'yes' }, 'a vendor administers over RDP from the internet', 'EC2.14'],
    [
      PROD,
      'sg-0c00000000000006',
      'SAFE',
      { open: 'yes', 'all-traffic': 'no', 'outside-sessions': 'no', 'admitted-first': 'no' },
      '179 SYN and SYN-then-RST probes are not sessions; the batch job comes in through 10.0.0.0/8',
      'EC2.13'
    ],
    [
      PROD,
      'sg-0c00000000000008',
      'SAFE',
      { open: 'yes', 'outside-sessions': 'no', 'admitted-first': 'no' },
      'the engineers come from the office range that the same rule also admits, which the fix keeps',
      'EC2.13'
    ],
    [
      TEST,
      'sg-0d00000000000004',
      'RISKY',
      { 'all-traffic': 'yes', 'outside-sessions': 'unknown', 'admitted-first': 'no' },
      "an all-traffic rule: the plan keeps 443/tcp; no session from outside today, but the test account's Auto Scaling groups are not listed",
      'EC2.53',
      {
        'outside-sessions': `but the Auto Scaling groups of ${TEST} are not in the evidence (inventory/auto-scaling-groups.json): what they launched into the group and ended within the window is in no inventory of today`
      }
    ],
    [TEST, 'sg-0d00000000000005', 'RISKY', { 'outside-sessions': 'unknown', 'admitted-first': 'unknown' }, 'no flow logs', 'EC2.13'],
    [TEST, 'sg-0d00000000000009', 'RISKY', { 'outside-sessions': 'unknown', 'admitted-first': 'unknown' }, 'flow logs only for the last 30 days of the window', 'EC2.13'],
    [
      TEST,
      'sg-0d00000000000007',
      'RISKY',
      { 'all-traffic': 'yes', 'outside-sessions': 'unknown', 'admitted-first': 'no' },
      'tcp 0-65535 also serves 443 (daily sessions); only probes on 22',
      'EC2.13'
    ]
  ]
  for (const [account, id, verdict, steps, why, control, says] of all) {
    const arn = `arn:aws:ec2:${R}:${account}:security-group/${id}`
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control,
        title:
          control === 'EC2.14'
            ? 'Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389'
            : 'Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22',
        severity: 'High',
        resourceType: 'AwsEc2SecurityGroup',
        resourceId: arn
      })
    )
    w.expect({ control: 'aws.ec2.sg-open-admin-ports', resource: arn, verdict, steps, why, ...(says ? { says } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: PROD,
      region: R,
      check: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389',
      title: 'Ensure no security groups allow ingress from 0.0.0.0/0 or ::/0 to port 3389.',
      severity: 'High',
      service: 'ec2',
      resourceType: 'AwsEc2SecurityGroup',
      resourceUid: `arn:aws:ec2:${R}:${PROD}:security-group/sg-0c00000000000003`,
      resourceName: 'sg-0c00000000000003',
      detail: 'Security group vendor-rdp (sg-0c00000000000003) has RDP port 3389 open to the Internet.'
    })
  )
}

// ---- EBS encryption by default ------------------------------------------------------------------

export function ebsDefaultEncryption(w: World): void {
  accounts(w)
  const prod = w.account(PROD)
  const test = w.account(TEST)
  prod.ebs['us-east-1'] = { EbsEncryptionByDefault: true, KmsKeyId: `arn:aws:kms:us-east-1:${PROD}:alias/aws/ebs` }
  prod.ebs['eu-west-1'] = { EbsEncryptionByDefault: false, KmsKeyId: `arn:aws:kms:eu-west-1:${PROD}:alias/aws/ebs` }
  prod.ebs['us-west-2'] = { EbsEncryptionByDefault: false, KmsKeyId: `arn:aws:kms:us-west-2:${PROD}:alias/aws/ebs` }
  test.ebs['us-east-1'] = { EbsEncryptionByDefault: false, KmsKeyId: `arn:aws:kms:us-east-1:${TEST}:key/5f0e3c2a-8d41-4b7e-9a6c-1d2e3f4a5b6c` }
  for (const r of ['us-east-1', 'eu-west-1', 'us-west-2']) prod.regions.add(r)
  test.regions.add('us-east-1')
  // volumes are created by Auto Scaling and by the CI role
  const asg = role(PROD, 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling')
  for (const [acct, region, who] of [
    [PROD, 'eu-west-1', asg],
    [PROD, 'us-west-2', role(PROD, 'ci-deploy')],
    [TEST, 'us-east-1', role(TEST, 'ci-deploy')]
  ] as const) {
    spread(8, `runinstances:${acct}:${region}`).forEach((time, k) =>
      w.ct(
        acct,
        region,
        managementRecord({
          time,
          account: acct,
          region,
          source: 'ec2.amazonaws.com',
          name: k % 2 ? 'CreateVolume' : 'RunInstances',
          who,
          requestParameters:
            k % 2 ? { size: 100, volumeType: 'gp3', availabilityZone: `${region}a` } : { instancesSet: { items: [{ imageId: 'ami-0c02fb55956c7d316', minCount: 1, maxCount: 1 }] } }
        })
      )
    )
  }
  // us-west-2: the build account shares golden AMI snapshots with the test account every fortnight
  spread(6, 'share:snapshots', 5, 85).forEach((time, k) =>
    w.ct(
      PROD,
      'us-west-2',
      managementRecord({
        time,
        account: PROD,
        region: 'us-west-2',
        source: 'ec2.amazonaws.com',
        name: 'ModifySnapshotAttribute',
        who: role(PROD, 'image-builder'),
        requestParameters: {
          snapshotId: `snap-0${hex(`snap:${k}`, 16)}`,
          createVolumePermission: { add: { items: [{ userId: TEST }] } },
          attributeType: 'CREATE_VOLUME_PERMISSION'
        }
      })
    )
  )
  // the test account's volumes are backed up nightly by AWS Backup (its calls come from the service)
  spread(12, 'backup:test', 2, 88).forEach((time, k) => {
    const r = managementRecord({
      time,
      account: TEST,
      region: 'us-east-1',
      source: 'ec2.amazonaws.com',
      name: 'CreateSnapshot',
      who: role(TEST, 'service-role/AWSBackupDefaultServiceRole'),
      readOnly: false,
      requestParameters: { volumeId: `vol-0${hex(`vol:backup:${k}`, 16)}`, description: 'This snapshot is created by the AWS Backup service.' }
    })
    r.sourceIPAddress = 'backup.amazonaws.com'
    r.userAgent = 'backup.amazonaws.com'
    ;(r.userIdentity as Json).invokedBy = 'backup.amazonaws.com'
    w.ct(TEST, 'us-east-1', r)
  })
  const all: Array<[string, string, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string]> = [
    [PROD, 'us-east-1', 'SAFE', { 'already-enabled': 'yes' }, 'already on (stale finding)'],
    [PROD, 'eu-west-1', 'SAFE', { 'key-usable': 'yes', shares: 'no' }, 'AWS managed key, nothing shared'],
    [PROD, 'us-west-2', 'UNSAFE', { shares: 'yes' }, 'snapshots shared with the test account'],
    [TEST, 'us-east-1', 'RISKY', { 'key-usable': 'unknown', shares: 'unknown' }, 'a customer managed key whose policy is not in evidence; AWS Backup backs up its volumes']
  ]
  for (const [account, region, verdict, steps, why] of all) {
    w.findings.asff.push(
      asffControl({
        account,
        region,
        control: 'EC2.7',
        title: 'EBS default encryption should be enabled',
        severity: 'Medium',
        resourceType: 'AwsAccount',
        resourceId: `AWS::::Account:${account}`
      })
    )
    // the words a person reads where AWS Backup leaves the sharing unknown
    const says = steps.shares === 'unknown' ? { says: { shares: 'AWS Backup worked in us-east-1' } } : {}
    w.expect({ control: 'aws.ec2.ebs-default-encryption', resource: `AWS::::Account:${account}`, region, verdict, steps, why, ...says })
  }
}

// ---- IAM access keys ----------------------------------------------------------------------------

export const REPORT_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'

function reportRow(
  account: string,
  path: string,
  o: {
    created: string
    password: boolean
    passwordUsed?: string
    mfa: boolean
    key1: { active: boolean; rotated: string; used?: string; service?: string } | null
    key2?: { active: boolean; rotated: string; used?: string; service?: string }
  }
): string {
  const name = path.split('/').pop()!
  const k = o.key1
  const k2 = o.key2 ?? null
  return [
    name,
    `arn:aws:iam::${account}:user/${path}`,
    o.created,
    String(o.password),
    o.password ? (o.passwordUsed ?? 'no_information') : 'N/A',
    o.password ? o.created : 'N/A',
    'N/A',
    String(o.mfa),
    k ? String(k.active) : 'false',
    k ? k.rotated : 'N/A',
    k?.used ?? 'N/A',
    k?.used ? 'us-east-1' : 'N/A',
    k?.used ? (k.service ?? 's3') : 'N/A',
    k2 ? String(k2.active) : 'false',
    k2 ? k2.rotated : 'N/A',
    k2?.used ?? 'N/A',
    k2?.used ? 'us-east-1' : 'N/A',
    k2?.used ? (k2.service ?? 's3') : 'N/A',
    'false',
    'N/A',
    'false',
    'N/A'
  ].join(',')
}

export function iamUnusedAccessKey(w: World): void {
  accounts(w)
  const prod = w.account(PROD)
  const test = w.account(TEST)
  const rootRow = (account: string) =>
    `<root_account>,arn:aws:iam::${account}:root,2019-01-07T09:00:00+00:00,not_supported,2026-11-02T08:10:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`
  if (!prod.credentialReport.length) prod.credentialReport.push(rootRow(PROD))
  if (!test.credentialReport.length) test.credentialReport.push(rootRow(TEST))
  // deactivated by its owner after the scan: nothing left to do
  prod.credentialReport.push(
    reportRow(PROD, 'dana.whitfield', {
      created: '2022-05-10T08:00:00+00:00',
      password: true,
      passwordUsed: '2026-11-18T16:02:00+00:00',
      mfa: true,
      key1: { active: false, rotated: '2023-01-09T10:00:00+00:00', used: '2026-06-30T12:00:00+00:00' }
    })
  )
  // a person's old key, idle since March
  prod.credentialReport.push(
    reportRow(PROD, 'm.okafor', {
      created: '2021-02-01T08:00:00+00:00',
      password: true,
      passwordUsed: '2026-11-19T08:40:00+00:00',
      mfa: true,
      key1: { active: true, rotated: '2024-04-02T09:00:00+00:00', used: '2026-03-02T15:21:00+00:00', service: 'ec2' }
    })
  )
  // a sync job that runs every two months: idle 61 days, but used inside the window
  prod.credentialReport.push(
    reportRow(PROD, 'service/report-sync', {
      created: '2023-07-19T08:00:00+00:00',
      password: false,
      mfa: false,
      key1: { active: true, rotated: '2023-07-19T08:05:00+00:00', used: '2026-09-20T02:00:00+00:00', service: 's3' }
    })
  )
  // the CI user of the test account: idle since May, automation
  test.credentialReport.push(
    reportRow(TEST, 'automation/ci-deployer', {
      created: '2022-11-03T08:00:00+00:00',
      password: false,
      mfa: false,
      key1: { active: true, rotated: '2022-11-03T08:07:00+00:00', used: '2026-05-14T04:10:00+00:00', service: 'cloudformation' }
    })
  )
  w.ct(
    PROD,
    R,
    managementRecord({
      time: '2026-09-20T02:00:00Z',
      account: PROD,
      region: R,
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      readOnly: true,
      who: user(PROD, 'report-sync', 'AKIAQ3EGRSYNC7EXAMPL')
    })
  )
  // a person's key used yesterday: nothing idle, and the answer says it was used
  prod.credentialReport.push(
    reportRow(PROD, 'l.moreau', {
      created: '2022-03-01T08:00:00+00:00',
      password: true,
      passwordUsed: '2026-11-18T09:10:00+00:00',
      mfa: true,
      key1: { active: true, rotated: '2024-09-12T10:00:00+00:00', used: '2026-11-19T16:45:00-08:00', service: 'sts' }
    })
  )
  // two active keys; the report (older than the calls) says key 1 is idle since April, but
  // CloudTrail shows both key ids signing calls, one yesterday
  prod.credentialReport.push(
    reportRow(PROD, 'r.tanaka', {
      created: '2021-06-01T08:00:00+00:00',
      password: true,
      passwordUsed: '2026-11-17T08:00:00+00:00',
      mfa: true,
      key1: { active: true, rotated: '2023-02-14T09:00:00+00:00', used: '2026-04-02T11:00:00+00:00', service: 'ec2' },
      key2: { active: true, rotated: '2025-01-20T09:00:00+00:00', used: '2026-11-10T13:30:00+00:00', service: 's3' }
    })
  )
  w.ct(
    PROD,
    R,
    managementRecord({
      time: '2026-11-10T13:30:00Z',
      account: PROD,
      region: R,
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      readOnly: true,
      who: user(PROD, 'r.tanaka', 'AKIAQ3EGRTANAKA2EXMP')
    })
  )
  w.ct(
    PROD,
    R,
    managementRecord({
      time: '2026-11-19T07:12:00Z',
      account: PROD,
      region: R,
      source: 'ec2.amazonaws.com',
      name: 'DescribeInstances',
      readOnly: true,
      who: user(PROD, 'r.tanaka', 'AKIAQ3EGRTANAKA1EXMP')
    })
  )
  // IAM.22 counts console passwords too: keys in use, but a console password idle since July
  // (the finding is about the password, which deactivating keys does not remove)
  prod.credentialReport.push(
    reportRow(PROD, 'h.castellanos', {
      created: '2020-09-14T08:00:00+00:00',
      password: true,
      passwordUsed: '2026-07-02T14:20:00+00:00',
      mfa: true,
      key1: { active: true, rotated: '2025-03-03T09:00:00+00:00', used: '2026-11-19T11:05:00+00:00', service: 's3' }
    })
  )
  // a console password set in 2023 and never used (password_last_used no_information), no key
  prod.credentialReport.push(
    reportRow(PROD, 'p.oyelaran', {
      created: '2023-01-16T08:00:00+00:00',
      password: true,
      mfa: true,
      key1: null
    })
  )
  const all: Array<[string, string, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string]> = [
    [PROD, 'dana.whitfield', 'SAFE', { 'still-unused': 'no', 'password-idle': 'no' }, 'the key was deactivated after the scan'],
    [PROD, 'm.okafor', 'SAFE', { 'password-idle': 'no', 'used-in-window': 'no', automation: 'no' }, "a person's key idle since March"],
    [PROD, 'service/report-sync', 'UNSAFE', { 'used-in-window': 'yes' }, 'a bimonthly job used it 61 days ago'],
    [TEST, 'automation/ci-deployer', 'RISKY', { automation: 'yes' }, 'a CI machine user'],
    [PROD, 'l.moreau', 'SAFE', { 'still-unused': 'no', 'used-in-window': 'yes' }, 'the key was used yesterday: nothing to deactivate'],
    [PROD, 'r.tanaka', 'UNSAFE', { 'used-in-window': 'yes' }, 'CloudTrail shows both keys in use; the report is older'],
    [PROD, 'h.castellanos', 'RISKY', { 'still-unused': 'no', 'password-idle': 'yes' }, 'keys in use; the console password is idle since July (not this fix)'],
    [PROD, 'p.oyelaran', 'RISKY', { 'still-unused': 'no', 'password-idle': 'yes' }, 'no key; a console password set in 2023 and never used']
  ]
  // the idle password's answer names what the fix leaves alone and the remedy
  const says: Record<string, Record<string, string>> = {
    'h.castellanos': { 'password-idle': "the finding is about the console password, which this folder's fix (deactivating access keys) does not touch" },
    'p.oyelaran': { 'password-idle': 'has never been used; it was set on 2023-01-16' }
  }
  for (const [account, path, verdict, steps, why] of all) {
    const arn = `arn:aws:iam::${account}:user/${path}`
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'IAM.22',
        title: 'IAM user credentials unused for 45 days should be removed',
        severity: 'Medium',
        resourceType: 'AwsIamUser',
        resourceId: arn
      })
    )
    w.expect({ control: 'aws.iam.unused-access-key', resource: arn, verdict, steps, why, ...(says[path] ? { says: says[path] } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: TEST,
      region: R,
      check: 'iam_user_accesskey_unused',
      title: 'Ensure User Access Keys unused are disabled.',
      severity: 'Medium',
      service: 'iam',
      resourceType: 'AwsIamUser',
      resourceUid: `arn:aws:iam::${TEST}:user/automation/ci-deployer`,
      resourceName: 'ci-deployer',
      detail: 'User ci-deployer has not used access key 1 in the last 45 days (189 days).'
    })
  )
}

// ---- container images ---------------------------------------------------------------------------

export function containerImages(w: World): void {
  accounts(w)
  const prod = w.account(PROD)
  prod.inventories.add('ecs').add('eks').add('ecr')
  const registry = `${PROD}.dkr.ecr.${R}.amazonaws.com`
  const img = (name: string) => ({ name, repository: `${registry}/${name}`, digest: digestOf(name) })
  const payments = img('payments-api')
  const ledger = img('ledger-worker')
  const batch = img('batch-reports')
  const edge = img('edge-proxy')
  for (const i of [payments, ledger, batch, edge]) {
    prod.ecrImages.push({
      registryId: PROD,
      repositoryName: i.name,
      imageDigest: i.digest,
      imageTags: ['2026.09.30'],
      imagePushedAt: '2026-09-30T12:04:11Z',
      lastRecordedPullTime: i === batch ? '2026-08-30T03:00:00Z' : '2026-11-19T21:02:40Z'
    })
  }
  const cluster = `arn:aws:ecs:${R}:${PROD}:cluster/prod-services`
  const task = (id: string, i: { name: string; repository: string; digest: string }, status: string): Json => ({
    taskArn: `arn:aws:ecs:${R}:${PROD}:task/prod-services/${hex(`task:${id}`, 32)}`,
    clusterArn: cluster,
    lastStatus: status,
    desiredStatus: status === 'RUNNING' ? 'RUNNING' : 'STOPPED',
    group: `service:${i.name}`,
    containers: [{ name: i.name, image: `${i.repository}:2026.09.30`, imageDigest: i.digest, lastStatus: status }]
  })
  prod.ecsTasks.push(task('payments-1', payments, 'RUNNING'), task('payments-2', payments, 'RUNNING'), task('edge-1', edge, 'RUNNING'), task('batch-0930', batch, 'STOPPED'))
  prod.eksPods.push({
    metadata: { name: 'ledger-worker-7d9f8c6b5-x2kqz', namespace: 'ledger' },
    spec: { nodeName: 'ip-10-20-1-16.ec2.internal' },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'worker',
          image: `${ledger.repository}:2026.09.30`,
          imageID: `${ledger.repository}@${ledger.digest}`,
          ready: true,
          state: { running: { startedAt: '2026-10-02T07:55:00Z' } }
        }
      ]
    }
  })
  const alpine = { family: 'alpine', name: '3.19.1' }
  w.findings.trivy.push({
    name: 'payments-api',
    report: trivyReport({
      repository: payments.repository,
      digest: payments.digest,
      tag: '2026.09.30',
      os: alpine,
      osVulns: [
        {
          id: 'CVE-2023-45853',
          pkg: 'zlib',
          installed: '1.3-r2',
          fixed: '1.3.1-r0',
          severity: 'HIGH',
          title: 'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6'
        }
      ],
      langVulns: [
        {
          id: 'CVE-2022-42003',
          pkg: 'com.fasterxml.jackson.core:jackson-databind',
          installed: '2.13.4',
          fixed: '2.13.4.2, 2.12.7.1',
          severity: 'HIGH',
          title: 'jackson-databind: deep wrapper array nesting wrt UNWRAP_SINGLE_VALUE_ARRAYS',
          target: 'app/payments-api.jar',
          type: 'jar'
        }
      ]
    })
  })
  w.findings.trivy.push({
    name: 'ledger-worker',
    report: trivyReport({
      repository: ledger.repository,
      digest: ledger.digest,
      tag: '2026.09.30',
      os: { family: 'debian', name: '12.5' },
      osVulns: [],
      langVulns: [
        {
          id: 'CVE-2019-17571',
          pkg: 'log4j:log4j',
          installed: '1.2.17',
          fixed: '2.17.1',
          severity: 'CRITICAL',
          title: 'log4j: deserialization of untrusted data in SocketServer',
          target: 'opt/ledger/lib/ledger-worker.jar',
          type: 'jar'
        }
      ]
    })
  })
  w.findings.trivy.push({
    name: 'edge-proxy',
    report: trivyReport({
      repository: edge.repository,
      digest: edge.digest,
      tag: '2026.09.30',
      os: alpine,
      osVulns: [{ id: 'CVE-2024-8176', pkg: 'libexpat', installed: '2.6.2-r0', fixed: null, severity: 'HIGH', title: 'libexpat: stack overflow on deeply nested entities' }],
      langVulns: []
    })
  })
  w.findings.asff.push(
    asffInspectorImage({
      account: PROD,
      region: R,
      repository: 'batch-reports',
      digest: batch.digest,
      cve: 'CVE-2024-0727',
      pkg: 'openssl',
      version: '3.0.8',
      fixed: '1:3.0.8-1.amzn2023.0.12',
      manager: 'OS',
      severity: 'Medium'
    })
  )
  const all: Array<[{ repository: string; digest: string }, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string]> = [
    [payments, 'RISKY', { running: 'yes', 'major-upgrade': 'no' }, 'patch upgrades of a running image: a production redeploy, for its owners'],
    [ledger, 'UNSAFE', { running: 'yes', 'major-upgrade': 'yes' }, 'log4j 1 → 2 in a running worker'],
    [batch, 'SAFE', { running: 'no' }, 'the image no longer runs'],
    [edge, 'RISKY', { 'fix-available': 'no' }, 'no fixed version yet']
  ]
  // Trivy reports only the image reference: the Region (and account) come from its ECR registry
  for (const [i, verdict, steps, why] of all) w.expect({ control: 'container.image.vulnerable', resource: `${i.repository}@${i.digest}`, region: R, verdict, steps, why })
}

// ---- Azure storage ------------------------------------------------------------------------------

const storageId = (rg: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`

function storageAccount(rg: string, name: string, https: boolean, tls: string, tags: Record<string, string>, kind = 'StorageV2'): Json {
  return azureStorageAccount(storageId(rg, name), name, { https, tls, tags, kind })
}

/** A request every day of the window (so the logs cover it without a gap), of the given kind. */
function dailyRequests(id: string, name: string, kind: (k: number) => { protocol: 'HTTPS' | 'HTTP' | 'SMB' | 'NFS'; tls?: string | null }): string[] {
  const out: string[] = []
  for (let k = 0; k < 90; k++) out.push(storageLog(id, name, at(k, 3 + (k % 5)), kind(k)))
  return out
}

export function azureSecureTransfer(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const prodTags = { Environment: 'production', Owner: 'data-platform' }
  const accountsList: Array<
    [string, string, boolean, string, Record<string, string>, string[] | null, 'SAFE' | 'RISKY' | 'UNSAFE', Record<string, 'yes' | 'no' | 'unknown'>, string]
  > = [
    [
      'rg-prod-data',
      'stacmeprodsecure',
      true,
      'TLS1_2',
      prodTags,
      dailyRequests(storageId('rg-prod-data', 'stacmeprodsecure'), 'stacmeprodsecure', () => ({ protocol: 'HTTPS', tls: 'TLS 1.2' })),
      'SAFE',
      { 'already-secure': 'yes' },
      'already secure'
    ],
    [
      'rg-prod-data',
      'stacmeappdata',
      false,
      'TLS1_2',
      prodTags,
      dailyRequests(storageId('rg-prod-data', 'stacmeappdata'), 'stacmeappdata', (k) => ({ protocol: 'HTTPS', tls: k % 4 ? 'TLS 1.2' : 'TLS 1.3' })),
      'SAFE',
      { 'http-or-old-tls': 'no', nfs: 'no', smb: 'no' },
      'HTTPS and TLS ≥ 1.2 only'
    ],
    [
      'rg-shared',
      'stacmelegacyftp',
      false,
      'TLS1_0',
      { Environment: 'production', Owner: 'finance-ops' },
      dailyRequests(storageId('rg-shared', 'stacmelegacyftp'), 'stacmelegacyftp', (k) =>
        k % 9 === 0 ? { protocol: 'HTTP', tls: null } : k % 7 === 0 ? { protocol: 'HTTPS', tls: 'TLS 1.0' } : { protocol: 'HTTPS', tls: 'TLS 1.2' }
      ),
      'UNSAFE',
      { 'http-or-old-tls': 'yes' },
      'plain HTTP and TLS 1.0 clients'
    ],
    [
      'rg-shared',
      'stacmenfsshare',
      false,
      'TLS1_2',
      { Environment: 'production', Owner: 'hpc-team' },
      dailyRequests(storageId('rg-shared', 'stacmenfsshare'), 'stacmenfsshare', (k) => (k % 2 ? { protocol: 'NFS' } : { protocol: 'HTTPS', tls: 'TLS 1.2' })),
      'UNSAFE',
      { nfs: 'yes' },
      'an NFS share in use'
    ],
    [
      'rg-shared',
      'stacmeteamfiles',
      false,
      'TLS1_2',
      { Environment: 'production', Owner: 'it-workplace' },
      dailyRequests(storageId('rg-shared', 'stacmeteamfiles'), 'stacmeteamfiles', (k) => (k % 3 ? { protocol: 'SMB', tls: null } : { protocol: 'HTTPS', tls: 'TLS 1.2' })),
      'RISKY',
      { smb: 'yes', nfs: 'no' },
      'SMB file shares in use'
    ],
    ['rg-test', 'stacmetestnologs', false, 'TLS1_0', { Environment: 'test', Owner: 'qa-team' }, null, 'RISKY', { 'http-or-old-tls': 'unknown' }, 'no storage logs'],
    // HTTPS requests whose log lines carry no tlsVersion: "all TLS 1.2 or later" is not shown
    [
      'rg-test',
      'stacmetestuploads',
      false,
      'TLS1_0',
      { Environment: 'test', Owner: 'qa-team' },
      dailyRequests(storageId('rg-test', 'stacmetestuploads'), 'stacmetestuploads', (k) => (k % 5 ? { protocol: 'HTTPS', tls: 'TLS 1.2' } : { protocol: 'HTTPS', tls: null })),
      'RISKY',
      { 'http-or-old-tls': 'unknown' },
      'HTTPS requests without a TLS version'
    ]
  ]
  for (const [rg, name, https, tls, tags, logs, verdict, steps, why] of accountsList) {
    z.storageAccounts.push(storageAccount(rg, name, https, tls, tags, name === 'stacmenfsshare' ? 'FileStorage' : 'StorageV2'))
    if (logs) z.storageLogs.push(...logs)
    const id = storageId(rg, name)
    w.expect({ control: 'azure.storage.secure-transfer', resource: id.toLowerCase(), verdict, steps, why })
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'azure',
        account: SUBSCRIPTION,
        region: 'westeurope',
        check: 'storage_secure_transfer_required_is_enabled',
        title: 'Ensure that all data transferred between clients and your Azure Storage account is encrypted using the HTTPS protocol.',
        severity: 'High',
        service: 'storage',
        resourceType: 'AzureStorageAccount',
        resourceUid: id,
        resourceName: name,
        detail: `Storage account ${name} from subscription ${SUBSCRIPTION} has secure transfer required ${https ? 'enabled' : 'disabled'}.`
      })
    )
  }
  // Prowler's separate minimum-TLS check has no playbook of its own: the generic investigation
  // judges it by its restrictive fix (old TLS clients are refused), RISKY at best
  const legacy = storageId('rg-shared', 'stacmelegacyftp')
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'azure',
      account: SUBSCRIPTION,
      region: 'westeurope',
      check: 'storage_ensure_minimum_tls_version_12',
      title: "Ensure the 'Minimum TLS version' for storage accounts is set to 'Version 1.2'",
      severity: 'Medium',
      service: 'storage',
      resourceType: 'AzureStorageAccount',
      resourceUid: legacy,
      resourceName: 'stacmelegacyftp',
      detail: 'Storage account stacmelegacyftp from subscription has TLS version less than 1.2.'
    })
  )
  w.expect({
    control: 'azure.storage.ensure-minimum-tls-version-12',
    resource: legacy.toLowerCase(),
    verdict: 'RISKY',
    steps: { 'finding-current': 'unknown' },
    why: 'generic investigation: no playbook of its own covers the minimum-TLS control, and a restrictive fix is never SAFE from generic evidence'
  })
}

export const PIECES: Record<string, (w: World) => void> = {
  'aws.s3.https-only': s3HttpsOnly,
  'aws.s3.public-access': s3PublicAccess,
  'aws.s3.public-access-block': s3PublicAccessBlock,
  'aws.ec2.imdsv2': ec2Imdsv2,
  'aws.ec2.sg-open-admin-ports': sgOpenAdminPorts,
  'aws.ec2.ebs-default-encryption': ebsDefaultEncryption,
  'aws.iam.unused-access-key': iamUnusedAccessKey,
  'container.image.vulnerable': containerImages,
  'azure.storage.secure-transfer': azureSecureTransfer
}

export type { Principal }
