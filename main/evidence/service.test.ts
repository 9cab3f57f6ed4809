import { execFileSync } from 'node:child_process'
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, ctFile, gz, s3DataEvent, writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { DIGEST, STORAGE_ID, writeScenario } from '../../test/fixtures/evidence/scenario'
import type { Actor } from '../../shared/model'
import { verifyAudit } from '../audit/chain'
import { type WritableCaseDb, createCaseDb } from '../db/case-db'
import { MAX_MANIFEST_BYTES } from '../semantics/bundle'
import { adminFlowsOutside } from '../case/facts'
import { ITEMISED_PORTS } from '../semantics/port-sets'
import { addEvidenceBundle, setAccountEnvironment } from './service'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'
import { listEvidence, readEvidenceBytes } from '../case/evidence'
import { timelineForResources } from '../case/timeline'

const actor: Actor = { kind: 'person', name: 'Ana Analyst', role: 'analyst' }
const now = (): string => '2026-11-21T09:00:00Z'
const BUCKET = 'arn:aws:s3:::payments-prod-data'
const INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`
const SG = `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0ssh000000000001`

function newCase(dir: string): WritableCaseDb {
  return createCaseDb(join(dir, `c-${Math.random().toString(36).slice(2)}.lmcase`), 'correct horse battery', { now: now() })
}

const counts = (c: WritableCaseDb): Record<string, number> =>
  Object.fromEntries(
    ['evidence_bundles', 'evidence_files', 'evidence_blobs', 'evidence_coverage', 'evidence_facts', 'evidence_timeline', 'audit_log'].map((t) => [
      t,
      (c.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    ])
  )

describe('evidence add: a bundle with every source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-ev-'))
  const bundle = join(dir, 'bundle')
  let c: WritableCaseDb
  let added: Awaited<ReturnType<typeof addEvidenceBundle>>

  beforeAll(async () => {
    writeScenario(bundle)
    c = newCase(dir)
    added = await addEvidenceBundle(c, bundle, { actor, now, threads: 0 })
  })
  afterAll(() => c?.close())

  it('copies every file into the case, hashed, with one audit entry', () => {
    const items = listEvidence(c.db)
    expect(items.length).toBe(added.files)
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> }
    for (const f of manifest.files) expect(items.find((i) => i.path === f.path)?.sha256).toBe(f.sha256)
    const report = items.find((i) => i.path.endsWith('iam-credential-report.csv'))!
    expect(readEvidenceBytes(c.db, report.id)?.toString()).toBe(readFileSync(join(bundle, report.path), 'utf8'))
    const audit = c.db.prepare("SELECT action, target FROM audit_log WHERE action = 'evidence.add'").all()
    expect(audit).toEqual([{ action: 'evidence.add', target: added.bundleId }])
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
  })

  it('says what it ignored: unknown files, digests, files not in the manifest', () => {
    expect(added.notes.join('\n')).toMatch(/notes\.txt: ignored: not a file Lastmile knows/)
    expect(added.notes.join('\n')).toMatch(/CloudTrail-Digest.*ignored/)
    expect(listEvidence(c.db).find((i) => i.path.endsWith('notes.txt'))?.status).toBe('ignored')
  })

  it('records the bad JSON line of the diagnostic activity log as a problem with its place, and still reads the rest', () => {
    const bad = added.unreadable.find((u) => u.path.includes('PT1H.json') && u.path.includes('activity-log'))
    expect(bad?.place).toMatch(/line 2: bad JSON/)
    const facts = getFacts(c.db, STORAGE_ID)
    expect(facts.dependencies).toEqual([])
    const cov = getCoverage(c.db, 'azure.activity-log', STORAGE_ID)
    expect(cov.state).toBe('partial')
    expect(cov.problems[0]).toMatchObject({ place: expect.stringMatching(/line 2/) })
  })

  it('S3 bucket: environment and owner from tags, exposure, encryption, access-log activity with proven plain HTTP', () => {
    const f = getFacts(c.db, BUCKET)
    expect(f.type).toBe('aws.s3.bucket')
    expect(f.environment).toMatchObject({ value: 'prod', basis: 'tag' })
    expect(f.owner).toMatchObject({ value: 'payments-team', basis: 'tag' })
    expect(f.exposure.public).toBe(false)
    expect(f.encryption).toMatchObject({ encrypted: true, detail: expect.stringMatching(/aws:kms/) })
    const logs = f.s3!.accessLogs!
    expect(logs).toMatchObject({
      certainty: 'proven',
      plainHttpCertainty: 'proven',
      requests: 4,
      reads: 3,
      writes: 1,
      plainHttp: 1,
      anonymous: 1,
      lastAccess: '2026-11-03T10:00:00Z'
    })
    expect(logs.principals).toContain('anonymous')
    const ct = f.s3!.cloudTrailData!
    expect(ct).toMatchObject({ certainty: 'proven', nonTlsCertainty: 'inferred', requests: 4, writes: 1, nonTlsInferred: 2, nonTlsLast: '2026-11-03T10:00:00Z' })
    expect(ct.principals).toContain(`arn:aws:iam::${ACCOUNT}:role/legacy-batch`)
  })

  it('S3 data-event coverage: the trail records this bucket since logging started, over a stream covered without gaps', () => {
    const cov = getCoverage(c.db, 'aws.cloudtrail.s3-data', BUCKET)
    expect(cov.recording).toMatchObject({ recorded: 'all', reads: 'all', writes: 'all' })
    expect(cov.recording!.trails.find((t) => t.trail.endsWith('org-main'))?.selectors).toBe('basic')
    expect(cov.gaps).toEqual([])
    expect(cov.state).toBe('covered')
    expect(cov.first).toBe('2026-08-22T00:30:00Z')
  })

  it('S3 data-event coverage of a bucket only an advanced selector records writes for, since October: partial', () => {
    const cov = getCoverage(c.db, 'aws.cloudtrail.s3-data', 'arn:aws:s3:::logs-archive')
    expect(cov.recording).toMatchObject({ recorded: 'some', reads: 'none', writes: 'all' })
    expect(cov.state).toBe('partial')
    expect(cov.gaps.find((g) => g.reason === 'not-recorded')).toMatchObject({ from: '2026-08-22T00:00:00Z', to: '2026-10-01T00:00:00Z' })
  })

  it('S3 data events of a bucket no selector names are "none", never "nothing happened"', () => {
    const cov = getCoverage(c.db, 'aws.cloudtrail.s3-data', 'arn:aws:s3:::web-assets-dev')
    expect(cov.state).toBe('none')
    expect(cov.recording?.recorded).toBe('none')
    expect(cov.gaps[0]).toMatchObject({ reason: 'not-recorded' })
  })

  it('a public website bucket without public access block, fronted by CloudFront, with an inferred environment', () => {
    const f = getFacts(c.db, 'arn:aws:s3:::web-assets-dev')
    expect(f.exposure.public).toBe(true)
    expect(f.exposure.reasons.join('\n')).toMatch(/public by policy: statement PublicRead/)
    expect(f.exposure.reasons.join('\n')).toMatch(/public by ACL: ACL grants READ to everyone/)
    expect(f.exposure.reasons.join('\n')).toMatch(/no public access block/)
    expect(f.environment).toMatchObject({ value: 'dev', basis: 'name-pattern' })
    expect(f.dependencies).toEqual([expect.objectContaining({ kind: 'cloudfront-fronts', resourceId: `arn:aws:cloudfront::${ACCOUNT}:distribution/E123` })])
    // the LookupEvents page names a PutBucketPolicy on it
    const tl = timelineForResources(c.db, ['arn:aws:s3:::web-assets-dev'], { summaries: false })
    expect(tl.map((e) => e.action)).toEqual(expect.arrayContaining(['PutBucketPolicy', 'CreateBucket']))
    expect(tl.find((e) => e.action === 'PutBucketPolicy')?.source).toBe('aws.cloudtrail-lookup')
  })

  it('owner from the creator in CloudTrail when there is no owner tag', () => {
    const f = getFacts(c.db, 'arn:aws:s3:::logs-archive')
    expect(f.owner).toMatchObject({ value: `arn:aws:iam::${ACCOUNT}:user/alice`, basis: 'creator', certainty: 'proven' })
    expect(f.s3?.objectCount).toBe(0)
  })

  it('EC2 instance: IMDS options, MetadataNoToken sum, IMDSv1 role delivery, profile, dependencies, staging by name', () => {
    const f = getFacts(c.db, INSTANCE)
    expect(f.ec2).toMatchObject({
      httpTokens: 'optional',
      hopLimit: 1,
      instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/web-profile`,
      securityGroups: ['sg-0ssh000000000001']
    })
    expect(f.ec2!.metadataNoToken).toMatchObject({ sum: 4, datapoints: 3, lastNonZero: '2026-11-10T12:10:00Z' })
    expect(f.ec2!.roleDelivery).toMatchObject({ v1: 1, v2: 1, v1Last: '2026-11-10T12:00:00Z' })
    expect(f.ec2!.roles).toEqual([`arn:aws:iam::${ACCOUNT}:role/web-role`])
    expect(f.owner).toMatchObject({ value: `arn:aws:iam::${ACCOUNT}:user/bob`, basis: 'creator' })
    expect(f.environment).toMatchObject({ value: 'staging', basis: 'name-pattern' })
    expect(f.exposure).toMatchObject({ public: true })
    expect(f.encryption.detail).toMatch(/EBS encryption by default is off in us-east-1/)
    const kinds = f.dependencies.map((d) => d.kind).sort()
    expect(kinds).toEqual(['instance-uses-instance-profile', 'instance-uses-security-group', 'load-balancer-fronts'])
    const cov = getCoverage(c.db, 'aws.cloudwatch.metadata-no-token', INSTANCE)
    expect(cov).toMatchObject({ state: 'partial', first: '2026-11-10T12:00:00Z', records: 3 })
    expect(cov.gaps.map((g) => g.reason)).toEqual(['before-first-record', 'after-last-record'])
  })

  it('security group: open to the internet; flows on 22 from outside split into a session and a scan', () => {
    const f = getFacts(c.db, SG)
    expect(f.securityGroup!.openToInternet).toEqual([{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }])
    expect(f.owner).toMatchObject({ value: 'platform', basis: 'tag' })
    expect(f.securityGroup!.instances).toEqual([INSTANCE])
    const outside = adminFlowsOutside(f)
    expect(outside.sessions).toBe(1)
    expect(outside.synOnly).toBe(1)
    expect(outside.sources).toEqual(['203.0.113.5'])
    // with the scanner's range approved, only the real session's source remains
    expect(adminFlowsOutside(f, ['10.0.0.0/8', '198.51.100.0/24']).flows.map((x) => x.src)).toEqual(['203.0.113.5'])
    const cov = getCoverage(c.db, 'aws.vpc-flow-logs', SG)
    expect(cov.gaps.some((g) => g.reason === 'skipped-by-source')).toBe(true)
    expect(cov.state).toBe('partial')
    const tl = timelineForResources(c.db, [SG], { sources: ['aws.vpc-flow-logs'] })
    expect(tl).toHaveLength(2)
    expect(tl[0].summary).toMatch(/203\.0\.113\.5 → 10\.0\.1\.10:22 accepted/)
    // every port of the named sets is itemised by source on the group's interfaces
    expect(f.securityGroup!.itemisedPorts).toEqual([...ITEMISED_PORTS])
    expect(f.securityGroup!.portFlowsOverflow).toEqual([])
  })

  it('IAM user: credential report last use, under the ARN with its path; CloudTrail events mapped to it', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:user/automation/ci-bot`
    const f = getFacts(c.db, arn)
    expect(f.iamUser!.accessKeys).toEqual([
      { slot: 1, active: true, lastRotated: '2026-08-25T08:05:00+00:00', lastUsed: '2026-09-01T10:00:00+00:00', lastUsedRegion: 'us-east-1', lastUsedService: 's3' },
      { slot: 2, active: true, lastRotated: '2026-01-01T00:00:00+00:00', lastUsed: null, lastUsedRegion: null, lastUsedService: null }
    ])
    expect(f.owner).toMatchObject({ basis: 'creator', value: `arn:aws:iam::${ACCOUNT}:user/admin` })
    const cov = getCoverage(c.db, 'aws.iam.credential-report', arn)
    expect(cov.records).toBe(2)
  })

  it('container image: running in an ECS task and an EKS pod, last pull from ECR', () => {
    const f = getFacts(c.db, `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/api@${DIGEST}`)
    expect(f.type).toBe('container.image')
    expect(f.image!.running.map((r) => r.kind).sort()).toEqual(['ecs-task', 'eks-pod'])
    expect(f.image!.lastRecordedPull).toBe('2026-11-19T00:00:00Z')
  })

  it('Azure storage: HTTP and TLS 1.0 requests from storage logs; earliest write as an inferred owner; env tag', () => {
    const f = getFacts(c.db, STORAGE_ID.toUpperCase())
    expect(f.azureStorage).toMatchObject({ supportsHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_0' })
    expect(f.azureStorage!.logs).toMatchObject({ requests: 4, http: 1, oldTls: 1, anonymous: 1, writes: 1 })
    expect(f.environment).toMatchObject({ value: 'dev', basis: 'tag' })
    const tl = timelineForResources(c.db, [STORAGE_ID], { summaries: false })
    expect(tl.map((e) => e.action)).toEqual(expect.arrayContaining(['Microsoft.Storage/storageAccounts/write', 'MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION', 'GetBlob']))
    expect(tl.find((e) => e.action === 'MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION')?.actor).toBe('erin@example.com')
  })

  it('the account-to-environment map is audited and applies when there is no tag', () => {
    const before = getFacts(c.db, 'arn:aws:s3:::logs-archive')
    expect(before.environment.basis).toBe('none')
    setAccountEnvironment(c, ACCOUNT, 'prod', { actor, now })
    expect(getFacts(c.db, 'arn:aws:s3:::logs-archive').environment).toMatchObject({ value: 'prod', basis: 'account-map' })
    expect(c.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'evidence.account-environment'").get()).toEqual({ n: 1 })
    expect(() => setAccountEnvironment(c, 'nope', 'prod', { actor, now })).toThrow(/not an AWS account id/)
  })

  it('CloudTrail stream coverage: a gap where the real sample account stopped, and the corrupt-file slot when a file is bad', () => {
    const cov = getCoverage(c.db, 'aws.cloudtrail', INSTANCE)
    expect(cov.state).toBe('covered')
    const other = getCoverage(c.db, 'aws.cloudtrail', 'aws-stream:222222222222:us-east-1')
    expect(other.records).toBe(20)
    expect(other.state).toBe('partial')
  })

  it('the timeline links each event to its evidence file and place', () => {
    const tl = timelineForResources(c.db, [BUCKET])
    const http = tl.find((e) => e.source === 'aws.s3-access-logs' && e.kind === 'event' && /plain HTTP/.test(e.summary))!
    expect(http.place).toBe('line 2')
    expect(http.path).toMatch(/s3-access-logs\/payments-prod-data\//)
    expect(listEvidence(c.db).find((i) => i.id === http.evidence)?.path).toBe(http.path)
    expect(tl.filter((e) => e.kind === 'daily-summary').length).toBeGreaterThan(0)
    expect(tl.map((e) => e.time)).toEqual([...tl.map((e) => e.time)].sort())
  })

  it('a bundle is immutable once added and is added only once', async () => {
    expect(() => c.db.prepare('UPDATE evidence_files SET sha256 = ?').run('0'.repeat(64))).toThrow(/immutable/)
    expect(() => c.db.prepare('DELETE FROM evidence_bundles').run()).toThrow(/immutable/)
    expect(() => c.db.prepare('DELETE FROM evidence_timeline').run()).toThrow(/immutable/)
    const before = counts(c)
    await expect(addEvidenceBundle(c, bundle, { actor, now, threads: 0 })).rejects.toThrow(/already in the case/)
    expect(counts(c)).toEqual(before)
  })
})

describe('evidence add: refusals leave the case unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-ev-bad-'))
  let c: WritableCaseDb
  beforeAll(() => {
    c = newCase(dir)
  })
  afterAll(() => c?.close())

  const good = (): Record<string, string | Buffer> => ({
    [`aws/${ACCOUNT}/cloudtrail/a.json.gz`]: gz(ctFile([s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'b1' })])),
    [`aws/${ACCOUNT}/inventory/s3-buckets.json`]: JSON.stringify({ buckets: [{ name: 'b1', region: 'us-east-1' }] })
  })

  async function refused(name: string, mutate: (dir: string) => void, message: RegExp): Promise<void> {
    const b = join(dir, name)
    writeBundle(b, { files: good() })
    mutate(b)
    const before = counts(c)
    await expect(addEvidenceBundle(c, b, { actor, now, threads: 0 })).rejects.toThrow(message)
    expect(counts(c)).toEqual(before)
  }

  it('a file whose SHA-256 does not match: refused, naming the file', async () => {
    await refused(
      'tampered',
      (b) => writeFileSync(join(b, `aws/${ACCOUNT}/inventory/s3-buckets.json`), JSON.stringify({ buckets: [{ name: 'b2', region: 'us-east-1' }] })),
      new RegExp(`inventory/s3-buckets\\.json: SHA-256 [0-9a-f]{64} does not match the manifest`)
    )
  })

  it('a truncated file: refused by its size', async () => {
    await refused('truncated', (b) => writeFileSync(join(b, `aws/${ACCOUNT}/cloudtrail/a.json.gz`), 'x'), /cloudtrail\/a\.json\.gz: 1 bytes where the manifest says \d+/)
  })

  it('manifest paths with "..", absolute paths, and links leaving the bundle', async () => {
    const edit = (fn: (m: { files: Array<{ path: string; sha256: string; bytes: number }> }) => void) => (b: string) => {
      const m = JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8'))
      fn(m)
      writeFileSync(join(b, 'manifest.json'), JSON.stringify(m))
    }
    await refused(
      'dotdot',
      edit((m) => (m.files[0].path = `aws/${ACCOUNT}/../../etc/passwd`)),
      /"aws\/111122223333\/\.\.\/\.\.\/etc\/passwd": refused: a "\.\." segment/
    )
    await refused(
      'absolute',
      edit((m) => (m.files[0].path = '/etc/passwd')),
      /"\/etc\/passwd": refused: an absolute path/
    )
    await refused(
      'link',
      (b) => {
        const outside = join(dir, 'secret.json')
        writeFileSync(outside, '{"buckets":[]}')
        symlinkSync(outside, join(b, `aws/${ACCOUNT}/inventory/linked.json`))
        edit((m) => m.files.push({ path: `aws/${ACCOUNT}/inventory/linked.json`, sha256: '0'.repeat(64), bytes: 14 }))(b)
      },
      /linked\.json: refused: a link leaving the bundle/
    )
  })

  it('a missing file, a bad manifest', async () => {
    await refused(
      'missing',
      edit2((m) => m.files.push({ path: `aws/${ACCOUNT}/trails.json`, sha256: 'a'.repeat(64), bytes: 3 })),
      /trails\.json: listed in the manifest but missing/
    )
    await refused('badmanifest', (b) => writeFileSync(join(b, 'manifest.json'), '{"format":"x"}'), /manifest\.json: format: Invalid input/)
  })

  it('manifest.json is checked like the files it lists: a link out, a FIFO, a device, an oversized file; content never echoed (issue 13)', async () => {
    const secret = join(dir, 'secret.txt')
    writeFileSync(secret, 'SECRET-TOKEN-abc123 not json')
    const relink = (target: string) => (b: string) => {
      rmSync(join(b, 'manifest.json'))
      symlinkSync(target, join(b, 'manifest.json'))
    }
    await refused('manifest-link-out', relink(secret), /manifest\.json: refused: a link leaving the bundle \(it points to .*secret\.txt\)/)
    await refused('manifest-dev-zero', relink('/dev/zero'), /manifest\.json: refused: a link leaving the bundle \(it points to \/dev\/zero\)/)
    // a FIFO must be refused at once: opening it for reading would wait for a writer forever
    const t0 = Date.now()
    await refused(
      'manifest-fifo',
      (b) => {
        rmSync(join(b, 'manifest.json'))
        execFileSync('mkfifo', [join(b, 'manifest.json')])
      },
      /manifest\.json: is a named pipe \(FIFO\), not a manifest; Lastmile reads only regular files/
    )
    expect(Date.now() - t0).toBeLessThan(10_000)
    // a FIFO given as the bundle itself: refused by its type, never opened
    const fifo = join(dir, 'bundle-fifo')
    execFileSync('mkfifo', [fifo])
    await expect(addEvidenceBundle(c, fifo, { actor, now, threads: 0 })).rejects.toThrow(/bundle-fifo: not a folder/)
    // a bad manifest's own text is not shown, only the place where it breaks
    let message = ''
    const b = join(dir, 'manifest-secret-inside')
    writeBundle(b, { files: good() })
    writeFileSync(join(b, 'manifest.json'), '\nSECRET-TOKEN-abc123')
    await addEvidenceBundle(c, b, { actor, now, threads: 0 }).catch((e: Error) => (message = e.message))
    expect(message).toMatch(/manifest\.json: bad JSON at line 2, column 1$/)
    expect(message).not.toContain('SECRET')
    await refused(
      'manifest-huge',
      (b) => {
        const fd = openSync(join(b, 'manifest.json'), 'r+')
        ftruncateSync(fd, MAX_MANIFEST_BYTES + 1)
        closeSync(fd)
      },
      new RegExp(`manifest\\.json: refused: ${MAX_MANIFEST_BYTES + 1} bytes, more than a manifest may have`)
    )
  })

  it('a decompression bomb is refused as a gap, named, and the rest of the bundle is read', async () => {
    const b = join(dir, 'bomb')
    const bomb = gz(Buffer.alloc(64 * 1024 * 1024, 0x20))
    writeBundle(b, { files: { ...good(), [`aws/${ACCOUNT}/cloudtrail/bomb.json.gz`]: bomb } })
    const r = await addEvidenceBundle(c, b, { actor, now, threads: 0, limits: { ratioFloorBytes: 1024 * 1024 } })
    expect(r.unreadable).toEqual([
      {
        path: `aws/${ACCOUNT}/cloudtrail/bomb.json.gz`,
        place: expect.stringMatching(/decompressed byte/),
        problem: expect.stringMatching(/refused: a \d+-byte gzip file expanding more than 200x/)
      }
    ])
    expect(getFacts(c.db, 'arn:aws:s3:::b1').s3?.cloudTrailData?.requests).toBe(1)
    const cov = getCoverage(c.db, 'aws.cloudtrail', 'arn:aws:s3:::b1')
    expect(cov.problems.map((p) => p.path)).toEqual([`aws/${ACCOUNT}/cloudtrail/bomb.json.gz`])
    expect(cov.gaps.some((g) => g.reason === 'corrupt-file')).toBe(true)
  })

  function edit2(fn: (m: { files: Array<{ path: string; sha256: string; bytes: number }> }) => void) {
    return (b: string): void => {
      const m = JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8'))
      fn(m)
      writeFileSync(join(b, 'manifest.json'), JSON.stringify(m))
    }
  }
})

describe('evidence add: the same file in two bundles is stored and counted once', () => {
  it('links the second copy as a duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-ev-dup-'))
    const c = newCase(dir)
    try {
      const ct = gz(ctFile([s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'b1' })]))
      writeBundle(join(dir, 'one'), { files: { [`aws/${ACCOUNT}/cloudtrail/a.json.gz`]: ct }, collectedAt: '2026-11-20T10:00:00Z' })
      writeBundle(join(dir, 'two'), {
        files: { [`aws/${ACCOUNT}/cloudtrail/copy.json.gz`]: ct, [`aws/${ACCOUNT}/inventory/s3-buckets.json`]: '{"buckets":[{"name":"b1","region":"us-east-1"}]}' },
        collectedAt: '2026-11-21T10:00:00Z'
      })
      await addEvidenceBundle(c, join(dir, 'one'), { actor, now, threads: 0 })
      await addEvidenceBundle(c, join(dir, 'two'), { actor, now, threads: 0 })
      const copy = listEvidence(c.db).find((i) => i.path.endsWith('copy.json.gz'))!
      expect(copy.stored).toBe('duplicate')
      expect(readEvidenceBytes(c.db, copy.id)).toEqual(ct)
      expect(getFacts(c.db, 'arn:aws:s3:::b1').s3?.cloudTrailData?.requests).toBe(1)
    } finally {
      c.close()
    }
  })
})

describe('evidence add: cancelled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-ev-cancel-'))
  const bundle = join(dir, 'bundle')
  beforeAll(() => writeScenario(bundle))

  // where the user cancels: while the files are verified, while CloudTrail is read on this thread or
  // on worker threads (the pool is ended), and at the last moment before the write
  const points: Array<{ name: string; threads: number; at: RegExp }> = [
    { name: 'while verifying the files', threads: 0, at: /^verified 1\// },
    { name: 'before CloudTrail is read on this thread', threads: 0, at: /^CloudTrail: scanning/ },
    { name: 'while CloudTrail is read on worker threads', threads: 2, at: /^CloudTrail: 1\// },
    { name: 'while the access logs are read', threads: 0, at: /^S3 access logs|^VPC flow logs/ }
  ]
  for (const p of points) {
    it(`${p.name}: a clear "cancelled" error, and the case is exactly as it was`, async () => {
      const c = newCase(dir)
      try {
        const before = counts(c)
        const head = verifyAudit(c.db, c.id).headHash
        const signal = { aborted: false }
        const seen: string[] = []
        const run = addEvidenceBundle(c, bundle, {
          actor,
          now,
          threads: p.threads,
          signal,
          onProgress: (m) => {
            seen.push(m)
            if (p.at.test(m)) signal.aborted = true
          }
        })
        await expect(run).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/cancelled.*nothing was added to the case$/) })
        expect(
          seen.some((m) => p.at.test(m)),
          seen.join(' | ')
        ).toBe(true)
        expect(seen).not.toContain('writing to the case')
        expect(counts(c)).toEqual(before)
        expect(verifyAudit(c.db, c.id).headHash).toBe(head)
        // and the same bundle is then added whole
        const added = await addEvidenceBundle(c, bundle, { actor, now, threads: p.threads })
        expect(added.files).toBeGreaterThan(10)
      } finally {
        c.close()
      }
    })
  }
})
