import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../test/helpers/cli'
import { ACCOUNT, writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { writeScenario } from '../../test/fixtures/evidence/scenario'
import { openCaseDb } from '../db/case-db'
import { ingestInProcess } from '../ingest/service'

const KEY = 'correct horse battery staple'

/** A Prowler finding (JSON-OCSF, as in samples/prowler) on the scenario's prod bucket. */
function prowlerFinding(): string {
  return JSON.stringify([
    {
      metadata: { event_code: 's3_bucket_secure_transport_policy', product: { name: 'Prowler', vendor_name: 'Prowler', version: '4.2.1' }, version: '1.2.0' },
      severity_id: 3,
      severity: 'Medium',
      status: 'New',
      status_code: 'FAIL',
      status_detail: 'S3 Bucket payments-prod-data does not have a bucket policy, thus it allows HTTP requests.',
      status_id: 3,
      activity_name: 'Create',
      activity_id: 1,
      finding_info: {
        created_time: '2026-11-19T10:00:00',
        desc: 'Check if S3 buckets have secure transport policy.',
        product_uid: 'prowler',
        title: 'Check if S3 buckets have secure transport policy.',
        uid: `prowler-aws-s3_bucket_secure_transport_policy-${ACCOUNT}-us-east-1-payments-prod-data`
      },
      resources: [
        {
          cloud_partition: 'aws',
          region: 'us-east-1',
          data: { details: '' },
          group: { name: 's3' },
          labels: [],
          name: 'payments-prod-data',
          type: 'AwsS3Bucket',
          uid: 'arn:aws:s3:::payments-prod-data'
        }
      ],
      category_name: 'Findings',
      category_uid: 2,
      class_name: 'DetectionFinding',
      class_uid: 2004,
      cloud: { account: { name: '', type: 'AWS_Account', type_id: 10, uid: ACCOUNT, labels: [] }, org: { name: '', uid: '' }, provider: 'aws', region: 'us-east-1' },
      time_dt: '2026-11-19T10:00:00',
      remediation: { desc: 'Enforce HTTPS.', references: [] },
      risk_details: 'HTTP',
      type_uid: 200401,
      type_name: 'Create'
    }
  ])
}

describe('lastmile evidence add / facts / coverage / timeline / list', () => {
  it('adds a bundle, answers facts and coverage, and gives the timeline of a finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-ev-cli-'))
    const keyFile = join(dir, 'key.txt')
    writeFileSync(keyFile, `${KEY}\n`)
    const env = { LASTMILE_DATA_DIR: join(dir, 'data') }
    const path = join(dir, 'case.lmcase')
    expect((await cli(['case', 'create', path, '--key-file', keyFile], env)).code).toBe(0)
    const bundle = join(dir, 'bundle')
    writeScenario(bundle)

    const add = await cli(['evidence', 'add', path, bundle, '--key-file', keyFile, '--as', 'Ana', '--role', 'analyst', '--json'], env)
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    const added = add.json() as { bundle: string; files: number; unreadable: Array<{ path: string }> }
    expect(added.files).toBe(26)
    expect(added.unreadable).toHaveLength(1)

    const again = await cli(['evidence', 'add', path, bundle, '--key-file', keyFile], env)
    expect(again.code).toBe(2)
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lastmile evidence add: .*already in the case/)])

    const facts = await cli(['evidence', 'facts', path, 'arn:aws:s3:::payments-prod-data', '--key-file', keyFile, '--json'], env)
    expect(facts.json()).toMatchObject({ environment: { value: 'prod' }, s3: { accessLogs: { plainHttp: 1 } } })

    const cov = await cli(['evidence', 'coverage', path, 'aws.cloudtrail.s3-data', 'arn:aws:s3:::web-assets-dev', '--key-file', keyFile, '--json'], env)
    expect(cov.code).toBe(1)
    expect(cov.json()).toMatchObject({ state: 'none', recording: { recorded: 'none' } })

    // a finding from a scanner export, then its evidence timeline
    const c = openCaseDb(path, KEY)
    const prowler = join(dir, 'prowler.ocsf.json')
    writeFileSync(prowler, prowlerFinding())
    const ing = ingestInProcess(c, [prowler], { actor: { kind: 'engine', name: 'test' } })
    const finding = c.db.prepare("SELECT f.id FROM findings f JOIN resources r ON r.id = f.resource_id WHERE r.canonical_id = 'arn:aws:s3:::payments-prod-data'").get() as
      | { id: number }
      | undefined
    c.close()
    expect(ing.findings).toBe(1)
    const tl = await cli(['timeline', path, `F-${finding!.id}`, '--key-file', keyFile, '--json'], env)
    expect(tl.code).toBe(0)
    const events = tl.json() as Array<Record<string, string>>
    expect(events.length).toBeGreaterThan(3)
    for (const e of events) expect(Object.keys(e)).toEqual(expect.arrayContaining(['time', 'source', 'actor', 'action', 'resource', 'summary', 'evidence']))
    expect(events.find((e) => e.kind === 'event' && /plain HTTP \(proven/.test(e.summary))).toMatchObject({
      source: 'aws.s3-access-logs',
      resource: 'arn:aws:s3:::payments-prod-data',
      place: 'line 2'
    })
    const only = await cli(['timeline', path, `F-${finding!.id}`, '--source', 'aws.cloudtrail', '--events-only', '--key-file', keyFile, '--json'], env)
    expect((only.json() as Array<{ source: string }>).every((e) => e.source === 'aws.cloudtrail')).toBe(true)
    expect((await cli(['timeline', path, 'F-99999', '--key-file', keyFile], env)).code).toBe(2)

    const list = await cli(['evidence', 'list', path, '--key-file', keyFile, '--json'], env)
    expect((list.json() as { files: unknown[] }).files).toHaveLength(26)
  })

  it('refuses a tampered bundle with exit 2 and one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-ev-cli2-'))
    const keyFile = join(dir, 'key.txt')
    writeFileSync(keyFile, `${KEY}\n`)
    const path = join(dir, 'case.lmcase')
    await cli(['case', 'create', path, '--key-file', keyFile], {})
    const b = join(dir, 'b')
    writeBundle(b, { files: { [`aws/${ACCOUNT}/trails.json`]: '{"trails":[]}' } })
    writeFileSync(join(b, `aws/${ACCOUNT}/trails.json`), '{"trails":[{}]}')
    const r = await cli(['evidence', 'add', path, b, '--key-file', keyFile], {})
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/trails\.json: 15 bytes where the manifest says 13/)
  })

  it('lists local profiles without secrets', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lm-ev-home-'))
    writeFileSync(join(home, 'config'), '[profile audit]\nrole_arn = arn:aws:iam::111122223333:role/Audit\nsource_profile = base\n')
    writeFileSync(join(home, 'credentials'), '[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = topsecret\n')
    const r = await cli(['evidence', 'profiles', '--json'], {
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AZURE_CONFIG_DIR: join(home, 'az')
    })
    expect(r.code).toBe(0)
    expect((r.json() as { aws: Array<{ name: string; kind: string }> }).aws.map((p) => [p.name, p.kind])).toEqual([
      ['audit', 'assume-role'],
      ['base', 'static-keys']
    ])
    expect(r.stdout).not.toMatch(/topsecret|AKIA/)
  })
})
