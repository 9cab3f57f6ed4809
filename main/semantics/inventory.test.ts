import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { LastmileError } from '../errors'
import { writeBundle } from './bundle-builder.test-helper'
import { loadBundle } from './inventory'

const INV = 'aws/111122223333/inventory'
const SUB = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'

async function refused(dir: string): Promise<string> {
  try {
    await loadBundle(dir)
  } catch (e) {
    expect(e).toBeInstanceOf(LastmileError)
    expect((e as LastmileError).code).toBe('bad-input')
    expect((e as Error).message).not.toContain('\n')
    return (e as Error).message
  }
  throw new Error('expected the bundle to be refused')
}

describe('loadBundle: what makes a folder a bundle', () => {
  it('refuses a missing folder, a folder without manifest, and a malformed manifest, naming the file (main/evidence readBundle)', async () => {
    const dir = tempDir()
    const manifest = (m: Record<string, unknown>) =>
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({ format: 'lastmile-evidence-bundle', version: 1, collectedAt: '2026-11-20T10:00:00Z', collector: { tool: 'manual' }, files: [], ...m })
      )
    expect(await refused(join(dir, 'nope'))).toMatch(/nope: cannot open the evidence bundle: there is no such file or folder/)
    expect(await refused(dir)).toMatch(/manifest\.json: cannot read the manifest: there is no such file or folder; an evidence bundle needs one/)
    writeFileSync(join(dir, 'manifest.json'), '{"format": "lastmile-evidence-bundle",\n "version": 1,,}')
    expect(await refused(dir)).toMatch(/manifest\.json: bad JSON/)
    manifest({ format: 'something-else' })
    expect(await refused(dir)).toMatch(/manifest\.json: format: /)
    manifest({ version: 2 })
    expect(await refused(dir)).toMatch(/manifest\.json: version: /)
    manifest({ collectedAt: 'last tuesday' })
    expect(await refused(dir)).toMatch(/manifest\.json: collectedAt: "last tuesday" is not an ISO 8601 date and time with a zone/)
    manifest({ files: [{ path: '../etc/passwd', sha256: 'a'.repeat(64), bytes: 1 }] })
    expect(await refused(dir)).toMatch(/files: "\.\.\/etc\/passwd": refused: a "\.\." segment/)
  })

  it('refuses a file that does not match its manifest size or hash, or is listed but missing', async () => {
    const dir = writeBundle(tempDir(), { files: { [`${INV}/s3-account.json`]: { publicAccessBlock: null } } })
    writeFileSync(join(dir, INV, 's3-account.json'), JSON.stringify({ publicAccessBlock: null }) + ' ')
    expect(await refused(dir)).toMatch(/s3-account\.json: \d+ bytes where the manifest says \d+: the file was changed or truncated/)
    const same = writeBundle(tempDir(), { files: { [`${INV}/s3-account.json`]: 'abc' } })
    writeFileSync(join(same, INV, 's3-account.json'), 'abd')
    expect(await refused(same)).toMatch(/s3-account\.json: SHA-256 [0-9a-f]{64} does not match the manifest/)

    const gone = writeBundle(tempDir(), { files: { [`${INV}/s3-account.json`]: { publicAccessBlock: null } } })
    const m = join(gone, 'manifest.json')
    const manifest = JSON.parse(readFileSync(m, 'utf8'))
    manifest.files.push({ path: `${INV}/s3-buckets.json`, sha256: 'a'.repeat(64), bytes: 10 })
    writeFileSync(m, JSON.stringify(manifest))
    expect(await refused(gone)).toMatch(/s3-buckets\.json: listed in the manifest but missing/)
  })

  it('refuses a listed file that is a link leading out of the bundle', async () => {
    const outside = tempDir()
    writeFileSync(join(outside, 'secret.json'), '{"buckets": []}')
    const dir = writeBundle(tempDir(), { files: { [`${INV}/s3-buckets.json`]: '{"buckets": []}' } })
    rmSync(join(dir, INV, 's3-buckets.json'))
    symlinkSync(join(outside, 'secret.json'), join(dir, INV, 's3-buckets.json'))
    expect(await refused(dir)).toMatch(/s3-buckets\.json: refused: a link leaving the bundle/)
  })

  it('a file the manifest does not list is not evidence: ignored, and said so', async () => {
    const dir = writeBundle(tempDir(), { files: { [`${INV}/s3-account.json`]: { publicAccessBlock: null } }, unlisted: [`${INV}/s3-account.json`] })
    const b = await loadBundle(dir)
    expect(b.aws[0].s3Account).toEqual({ state: 'absent', rel: `${INV}/s3-account.json` })
    expect(b.notes).toContain(`${INV}/s3-account.json: ignored: present in the folder but not listed in the manifest`)
  })
})

describe('loadBundle: inventory files', () => {
  it('a missing file is absent (no evidence); a scope-only account has every file absent', async () => {
    const b = await loadBundle(writeBundle(tempDir(), { files: {} }))
    expect(b.collectedAt).toBe('2026-11-20T10:00:00Z')
    expect(b.aws).toHaveLength(1)
    expect(b.aws[0]).toMatchObject({ account: '111122223333', scopeRegions: ['us-east-1'], s3Buckets: { state: 'absent' }, credentialReport: { state: 'absent' } })
  })

  it('a corrupt file is invalid with line and column, and does not stop the rest', async () => {
    const b = await loadBundle(
      writeBundle(tempDir(), {
        files: { [`${INV}/s3-buckets.json`]: '{"buckets": [\n  {"name": "a"}\n  {"name": "b"}\n]}', [`${INV}/s3-account.json`]: { publicAccessBlock: null } }
      })
    )
    expect(b.aws[0].s3Buckets).toEqual({ state: 'invalid', rel: `${INV}/s3-buckets.json`, error: "line 3 column 3: expected ',' or ']' after an array element, found \"{\"" })
    expect(b.aws[0].s3Account.state).toBe('ok')
    expect(b.notes.some((n) => n.startsWith(`${INV}/s3-buckets.json: line 3 column 3`))).toBe(true)
  })

  it('a wrong top-level shape is invalid naming the place', async () => {
    const b = await loadBundle(writeBundle(tempDir(), { files: { [`${INV}/security-groups.json`]: { SecurityGroup: [] } } }))
    expect(b.aws[0].securityGroups).toMatchObject({ state: 'invalid', error: 'SecurityGroups: missing (expected array)' })
  })

  it('one malformed element spoils only itself, keeping its name when it has one', async () => {
    const b = await loadBundle(
      writeBundle(tempDir(), { files: { [`${INV}/s3-buckets.json`]: { buckets: [{ name: 'ok', policy: null }, { name: 'bad', policy: 7 }, { policy: null }] } } })
    )
    const f = b.aws[0].s3Buckets
    expect(f.state === 'ok' && f.value).toEqual([
      { ok: true, pointer: '/buckets/0', value: { name: 'ok', policy: null } },
      { ok: false, pointer: '/buckets/1', error: 'buckets[1].policy: expected string, found number', name: 'bad' },
      { ok: false, pointer: '/buckets/2', error: 'buckets[2].name: missing (expected string)', name: null }
    ])
  })

  it('keeps "policy" absent apart from "policy": null', async () => {
    const b = await loadBundle(writeBundle(tempDir(), { files: { [`${INV}/s3-buckets.json`]: { buckets: [{ name: 'a' }, { name: 'b', policy: null }] } } }))
    const f = b.aws[0].s3Buckets
    if (f.state !== 'ok') throw new Error('expected ok')
    const [a, c] = f.value.map((i) => (i.ok ? i.value : null))
    expect('policy' in a! ? a!.policy : 'absent').toBe('absent')
    expect(c!.policy).toBeNull()
  })

  it('accepts the get-public-access-block wrapper, the az CLI array shape, and UTF-16 files', async () => {
    const b = await loadBundle(
      writeBundle(tempDir(), {
        files: {
          [`${INV}/s3-account.json`]: { publicAccessBlock: { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true } } },
          [`azure/${SUB}/storage-accounts.json`]: Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(
              JSON.stringify([
                { id: `/subscriptions/${SUB}/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/x`, enableHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' }
              ]),
              'utf16le'
            )
          ])
        }
      })
    )
    expect(b.aws[0].s3Account).toMatchObject({ state: 'ok', value: { publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true } } })
    expect(b.azure[0].storageAccounts).toMatchObject({ state: 'ok', value: [{ ok: true, pointer: '/0', value: { supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' } }] })
  })

  it('notes files and account folders that are not part of the format', async () => {
    const b = await loadBundle(
      writeBundle(tempDir(), {
        files: { [`${INV}/notes.txt`]: 'x', [`${INV}/load-balancers.json`]: '{}', 'aws/prod/inventory/s3-buckets.json': '{}', 'azure/not-a-guid/storage-accounts.json': '{}' }
      })
    )
    expect(b.notes).toEqual(
      expect.arrayContaining([
        `${INV}/notes.txt: ignored: not a file Lastmile knows (EVIDENCE_BUNDLE.md lists the known ones)`,
        'aws/prod: not a 12-digit AWS account id — its files are ignored',
        'azure/not-a-guid: not an Azure subscription id — its files are ignored'
      ])
    )
    expect(b.notes.some((n) => n.includes('load-balancers.json'))).toBe(false)
    expect(b.aws.map((a) => a.account)).toEqual(['111122223333'])
  })
})

describe('collection gaps: the operation and region of the failed call', () => {
  it('reads the structured fields; for bundles written before them, the start of the problem text', async () => {
    const A = '111122223333'
    const dir = writeBundle(tempDir(), {
      manifest: {
        scopes: [{ provider: 'aws', account: A, regions: ['us-east-1'] }],
        gaps: [
          // this collector: fields, and a problem sentence for people
          {
            source: 'aws.inventory',
            scope: A,
            resource: 'arn:aws:s3:::b',
            operation: 'GetBucketPolicy',
            region: 'eu-west-1',
            problem: 'GetBucketPolicy b: AccessDenied: Access Denied'
          },
          // fields win over the text
          {
            source: 'aws.inventory',
            scope: A,
            operation: 'ListClusters',
            region: 'ap-southeast-2',
            problem: 'ListClusters in us-east-1: ThrottlingException: Rate exceeded (ECS)'
          },
          // older bundles: only the text
          { source: 'aws.inventory', scope: A, problem: 'DescribeInstances in us-gov-west-1: UnauthorizedOperation: You are not authorized' },
          { source: 'aws.inventory', scope: A, resource: 'arn:aws:s3:::b', problem: 'GetBucketAcl b: SlowDown: Please reduce your request rate.' },
          { source: 'aws.inventory', scope: A, problem: 'ListBuckets: AccessDenied: Access Denied' },
          // not a failed call: neither
          { source: 'aws.cloudtrail-lookup', scope: A, problem: 'stopped after 200 pages of Event history in us-east-1; older events not collected' },
          { source: 'aws.inventory', scope: A, region: 'us-east-1', resource: `arn:aws:eks:us-east-1:${A}:cluster/prod`, problem: 'EKS cluster prod: its pods were not collected' },
          // a malformed field is not believed; the text still says what it says
          { source: 'aws.inventory', scope: A, operation: 'rm -rf', region: 'Mars', problem: 'DescribeSecurityGroups in eu-west-1: x' }
        ]
      },
      files: {}
    })
    const b = await loadBundle(dir)
    expect(b.aws[0].gaps.map((g) => [g.index, g.operation, g.region])).toEqual([
      [0, 'GetBucketPolicy', 'eu-west-1'],
      [1, 'ListClusters', 'ap-southeast-2'],
      [2, 'DescribeInstances', 'us-gov-west-1'],
      [3, 'GetBucketAcl', null],
      [4, 'ListBuckets', null],
      [5, null, null],
      [6, null, 'us-east-1'],
      [7, 'DescribeSecurityGroups', 'eu-west-1']
    ])
    expect(b.aws[0].gaps[0]).toEqual({
      index: 0,
      source: 'aws.inventory',
      resource: 'arn:aws:s3:::b',
      operation: 'GetBucketPolicy',
      region: 'eu-west-1',
      problem: 'GetBucketPolicy b: AccessDenied: Access Denied'
    })
  })
})
