import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { writeBundle } from '../semantics/bundle-builder.test-helper'
import { compareEvaluations, evaluateBundle, findEvaluation } from './evaluate'
import { CONTROL_IDS, CONTROLS } from './registry'
import { loadControls } from '../controls/catalogue'

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'evaluate')
const BASIC = join(FIXTURES, 'basic')
const PARTIAL = join(FIXTURES, 'partial')
const ACCT = 'AWS::::Account:111122223333'
const SUB = '/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups'
const digest = (hex: string) => `sha256:${hex.repeat(32)}`

/** the controls these bundles were written for (a control added later has tests in its own folder) */
const FIRST_NINE = [
  'aws.s3.https-only',
  'aws.s3.public-access',
  'aws.s3.public-access-block',
  'aws.ec2.imdsv2',
  'aws.ec2.sg-open-admin-ports',
  'aws.ec2.ebs-default-encryption',
  'aws.iam.unused-access-key',
  'container.image.vulnerable',
  'azure.storage.secure-transfer'
]

describe('evaluate the basic fixture bundle (every control, real AWS CLI / ARM shapes)', () => {
  it('gives each resource the verdict AWS semantics call for', async () => {
    const r = await evaluateBundle(BASIC, { controls: FIRST_NINE })
    expect(r.collectedAt).toBe('2026-11-20T10:00:00Z')
    expect(r.evaluations.map((e) => [e.control, e.resource, e.region, e.status])).toEqual([
      ['aws.ec2.ebs-default-encryption', ACCT, 'ap-southeast-2', 'UNKNOWN'],
      ['aws.ec2.ebs-default-encryption', ACCT, 'eu-west-1', 'FAIL'],
      ['aws.ec2.ebs-default-encryption', ACCT, 'us-east-1', 'PASS'],
      ['aws.ec2.imdsv2', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60002', 'eu-west-1', 'FAIL'],
      ['aws.ec2.imdsv2', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0a1b2c3d4e5f60001', 'us-east-1', 'PASS'],
      ['aws.ec2.imdsv2', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0a1b2c3d4e5f60004', 'us-east-1', 'PASS'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0office00000000003', 'eu-west-1', 'PASS'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0all0000000000005', 'us-east-1', 'FAIL'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0open2200000000001', 'us-east-1', 'FAIL'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0plist00000000006', 'us-east-1', 'UNKNOWN'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0split000000000002', 'us-east-1', 'FAIL'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0v6rdp00000000004', 'us-east-1', 'FAIL'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0web0000000000001', 'us-east-1', 'PASS'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:root', null, 'PASS'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/alice', null, 'PASS'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/bob', null, 'FAIL'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/carol', null, 'PASS'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/ci/deploy-bot', null, 'FAIL'],
      ['aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/dave', null, 'FAIL'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-broken-policy', 'us-east-1', 'UNKNOWN'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-logs-https', 'us-east-1', 'PASS'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-no-policy', 'eu-west-1', 'FAIL'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-not-collected', 'us-east-1', 'UNKNOWN'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-prefix-deny', 'eu-west-1', 'FAIL'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-public-site', 'us-east-1', 'FAIL'],
      ['aws.s3.https-only', 'arn:aws:s3:::lm-vpc-only', 'us-east-1', 'PASS'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-broken-policy', 'us-east-1', 'PASS'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-logs-https', 'us-east-1', 'PASS'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-no-policy', 'eu-west-1', 'PASS'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-not-collected', 'us-east-1', 'UNKNOWN'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-prefix-deny', 'eu-west-1', 'PASS'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-public-site', 'us-east-1', 'FAIL'],
      ['aws.s3.public-access', 'arn:aws:s3:::lm-vpc-only', 'us-east-1', 'PASS'],
      ['aws.s3.public-access-block', ACCT, null, 'FAIL'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-broken-policy', 'us-east-1', 'PASS'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-logs-https', 'us-east-1', 'PASS'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-no-policy', 'eu-west-1', 'FAIL'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-not-collected', 'us-east-1', 'UNKNOWN'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-prefix-deny', 'eu-west-1', 'PASS'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-public-site', 'us-east-1', 'FAIL'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::lm-vpc-only', 'us-east-1', 'FAIL'],
      ['azure.storage.secure-transfer', `${SUB}/rg-data/providers/microsoft.storage/storageaccounts/lmdatalake01`, null, 'PASS'],
      ['azure.storage.secure-transfer', `${SUB}/rg-legacy/providers/microsoft.storage/storageaccounts/lmlegacyfiles`, null, 'FAIL'],
      ['azure.storage.secure-transfer', `${SUB}/rg-legacy/providers/microsoft.storage/storageaccounts/lmoldapi2018`, null, 'FAIL'],
      ['container.image.vulnerable', digest('a1'), null, 'FAIL'],
      ['container.image.vulnerable', digest('c3'), null, 'PASS'],
      ['container.image.vulnerable', digest('d4'), null, 'UNKNOWN']
    ])
    expect(r.notes).toEqual([])
  })

  it('explains each answer, pointing at the evidence', async () => {
    const r = await evaluateBundle(BASIC)
    const get = (c: string, res: string, region?: string) => findEvaluation(r, c, res, region)!
    expect(get('aws.s3.https-only', 'arn:aws:s3:::lm-prefix-deny')).toMatchObject({
      reason: expect.stringContaining('does not cover the bucket itself (arn:aws:s3:::lm-prefix-deny) and every object'),
      evidence: ['aws/111122223333/inventory/s3-buckets.json#/buckets/2/policy']
    })
    expect(get('aws.s3.https-only', 'arn:aws:s3:::lm-broken-policy').reason).toBe(
      'aws/111122223333/inventory/s3-buckets.json#/buckets/5/policy: the policy is not JSON: line 1 column 71: expected a property name in double quotes, found "}"'
    )
    expect(get('aws.s3.public-access', 'arn:aws:s3:::lm-public-site').reason).toMatch(/BlockPublicPolicy is on, but it only refuses new public policies/)
    expect(get('aws.s3.public-access', 'arn:aws:s3:::lm-no-policy').reason).toMatch(/public ACL grants are ignored \(IgnorePublicAcls, account level\)/)
    expect(get('aws.ec2.sg-open-admin-ports', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0split000000000002')).toMatchObject({
      reason: expect.stringContaining('0.0.0.0/1 in rule 1 (tcp 22), 128.0.0.0/1 in rule 2 (tcp 0-65535)'),
      evidence: [
        'aws/111122223333/inventory/security-groups.json#/SecurityGroups/1/IpPermissions/0',
        'aws/111122223333/inventory/security-groups.json#/SecurityGroups/1/IpPermissions/1'
      ]
    })
    expect(get('aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/dave')).toMatchObject({
      reason: 'access key 1 is active and was last used 2026-10-06, 45 days before collection (threshold: 45 days)',
      evidence: ['aws/111122223333/inventory/iam-credential-report.csv#row=6']
    })
    expect(get('aws.ec2.ebs-default-encryption', ACCT, 'ap-southeast-2').reason).toMatch(/ap-southeast-2 is in the bundle's scope but .* has no entry for it/)
    expect(get('container.image.vulnerable', digest('a1')).reason).toMatch(/^runs in ECS task arn:aws:ecs:us-east-1:111122223333:task\/prod\/.*reports 1 CRITICAL, 3 HIGH/)
    // The STOPPED task's image is not running: not evaluated at all.
    expect(findEvaluation(r, 'container.image.vulnerable', digest('b2'))).toBeUndefined()
    // Terminated instances are skipped.
    expect(r.evaluations.some((e) => e.resource.endsWith('i-0a1b2c3d4e5f60003'))).toBe(false)
    // Azure ids are looked up case-insensitively.
    expect(
      findEvaluation(
        r,
        'azure.storage.secure-transfer',
        `/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/RG-Data/providers/Microsoft.Storage/storageAccounts/lmdatalake01`
      )?.status
    ).toBe('PASS')
  })

  it('is byte-identical across runs, sorted by control then resource, one row per resource', async () => {
    const a = JSON.stringify(await evaluateBundle(BASIC))
    const b = JSON.stringify(await evaluateBundle(BASIC))
    expect(a).toBe(b)
    const rows = (await evaluateBundle(BASIC)).evaluations
    expect([...rows].sort(compareEvaluations)).toEqual(rows)
    const keys = rows.map((e) => `${e.control}|${e.resource}|${e.region}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const e of rows) expect(e.reason.length).toBeGreaterThan(10)
  })

  it('evaluates only the controls asked for, and takes the unused-key threshold', async () => {
    const r = await evaluateBundle(BASIC, { controls: ['aws.iam.unused-access-key'], unusedKeyDays: 90 })
    expect(new Set(r.evaluations.map((e) => e.control))).toEqual(new Set(['aws.iam.unused-access-key']))
    expect(r.unusedKeyDays).toBe(90)
    expect(findEvaluation(r, 'aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/bob')?.status).toBe('PASS')
    expect(findEvaluation(r, 'aws.iam.unused-access-key', 'arn:aws:iam::111122223333:user/ci/deploy-bot')?.status).toBe('FAIL')
    await expect(evaluateBundle(BASIC, { controls: ['aws.s3.nope' as never] })).rejects.toThrow(/unknown control "aws.s3.nope"/)
    await expect(evaluateBundle(BASIC, { unusedKeyDays: 0 })).rejects.toThrow(/between 1 and 3650/)
  })

  it('refuses the bundle when a file was changed after collection', async () => {
    const dir = tempDir()
    cpSync(BASIC, dir, { recursive: true })
    const f = join(dir, 'aws/111122223333/inventory/security-groups.json')
    writeFileSync(f, '{"SecurityGroups": []}')
    await expect(evaluateBundle(dir)).rejects.toThrow(/security-groups\.json: \d+ bytes where the manifest says \d+: the file was changed or truncated; the bundle is refused/)
  })
})

describe('evaluate a partial bundle: missing and broken files are UNKNOWN, never PASS', () => {
  it('answers UNKNOWN for what the bundle lacks, naming the file and the place', async () => {
    const r = await evaluateBundle(PARTIAL, { controls: FIRST_NINE })
    const acct = 'AWS::::Account:444455556666'
    const rows = r.evaluations.map((e) => [e.control, e.resource, e.region, e.status])
    expect(rows).toEqual([
      ['aws.ec2.ebs-default-encryption', acct, 'us-west-2', 'UNKNOWN'],
      ['aws.ec2.imdsv2', acct, null, 'UNKNOWN'],
      ['aws.ec2.sg-open-admin-ports', acct, null, 'UNKNOWN'],
      ['aws.iam.unused-access-key', acct, null, 'UNKNOWN'],
      ['aws.s3.https-only', acct, null, 'UNKNOWN'],
      ['aws.s3.https-only', 'arn:aws:s3:::partial-archive', null, 'UNKNOWN'],
      ['aws.s3.https-only', 'arn:aws:s3:::partial-reports', 'us-west-2', 'FAIL'],
      ['aws.s3.public-access', acct, null, 'UNKNOWN'],
      ['aws.s3.public-access', 'arn:aws:s3:::partial-archive', null, 'UNKNOWN'],
      ['aws.s3.public-access', 'arn:aws:s3:::partial-reports', 'us-west-2', 'UNKNOWN'],
      ['aws.s3.public-access-block', acct, null, 'UNKNOWN'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::partial-archive', null, 'UNKNOWN'],
      ['aws.s3.public-access-block', 'arn:aws:s3:::partial-reports', 'us-west-2', 'UNKNOWN']
    ])
    const find = (c: string, res: string) => findEvaluation(r, c, res)!.reason
    expect(find('aws.ec2.imdsv2', acct)).toBe(
      'cannot evaluate the instances: aws/444455556666/inventory/ec2-instances.json is not in the bundle (no evidence, which is not "nothing there")'
    )
    expect(find('aws.ec2.sg-open-admin-ports', acct)).toMatch(/security-groups\.json cannot be read: line 1 column 67: expected a property name/)
    expect(find('aws.s3.https-only', acct)).toBe(
      'buckets in aws/444455556666/inventory/s3-buckets.json that cannot be read, so not evaluated (1): buckets[1].name: missing (expected string)'
    )
    expect(find('aws.s3.public-access-block', acct)).toMatch(/^cannot evaluate the account-level Block Public Access: .*s3-account\.json is not in the bundle/)
    expect(find('aws.s3.https-only', 'arn:aws:s3:::partial-archive')).toBe('aws/444455556666/inventory/s3-buckets.json: buckets[2].policy: expected string, found number')
    expect(find('aws.s3.public-access', 'arn:aws:s3:::partial-reports')).toMatch(/the bucket ACL is not in the bundle/)
    expect(find('aws.ec2.imdsv2', acct)).toMatch(/ec2-instances\.json is not in the bundle/)
    expect(r.notes).toEqual([
      'aws/444455556666/inventory/notes.txt: ignored: not a file Lastmile knows (EVIDENCE_BUNDLE.md lists the known ones)',
      'aws/444455556666/inventory/ec2-instances.json: ignored: present in the folder but not listed in the manifest',
      'aws/444455556666/inventory/security-groups.json: line 1 column 67: expected a property name in double quotes, found "}" — what depends on it is UNKNOWN',
      'aws.s3.public-access-block: buckets in aws/444455556666/inventory/s3-buckets.json that cannot be read, so not evaluated (1): buckets[1].name: missing (expected string)',
      'container.image.vulnerable: not evaluated — no ecs-tasks.json or eks-pods.json says which images run (a vulnerability needs an image that runs, and a scan of it)'
    ])
  })

  it('one row per resource: a bucket described twice with different answers is UNKNOWN', async () => {
    const dir = writeBundle(tempDir(), {
      files: {
        'aws/111122223333/inventory/s3-buckets.json': {
          buckets: [
            { name: 'twice', policy: null },
            {
              name: 'twice',
              policy: JSON.stringify({
                Statement: [
                  {
                    Effect: 'Deny',
                    Principal: '*',
                    Action: 's3:*',
                    Resource: ['arn:aws:s3:::twice', 'arn:aws:s3:::twice/*'],
                    Condition: { Bool: { 'aws:SecureTransport': 'false' } }
                  }
                ]
              })
            }
          ]
        }
      }
    })
    const r = await evaluateBundle(dir, { controls: ['aws.s3.https-only'] })
    expect(findEvaluation(r, 'aws.s3.https-only', 'arn:aws:s3:::twice')).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringMatching(/^the bundle describes this resource 2 times with different answers: FAIL .* \/ PASS/),
      evidence: ['aws/111122223333/inventory/s3-buckets.json#/buckets/0/policy', 'aws/111122223333/inventory/s3-buckets.json#/buckets/1/policy']
    })
  })

  it('EKS pods, multi-region security groups without ARNs, and instances without a zone', async () => {
    const D = `sha256:${'e5'.repeat(32)}`
    const dir = writeBundle(tempDir(), {
      manifest: { scopes: [{ provider: 'aws', account: '111122223333', regions: ['us-east-1', 'eu-west-1'] }] },
      files: {
        'aws/111122223333/inventory/eks-pods.json': {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              metadata: { name: 'web-7d4b9c', namespace: 'shop' },
              status: { phase: 'Running', containerStatuses: [{ name: 'web', image: 'web:1', imageID: `docker-pullable://111122223333.dkr.ecr.us-east-1.amazonaws.com/web@${D}` }] }
            },
            { metadata: { name: 'job-1', namespace: 'shop' }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'job', imageID: `x@sha256:${'f6'.repeat(32)}` }] } }
          ]
        },
        'aws/111122223333/inventory/security-groups.json': {
          SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }]
        },
        'aws/111122223333/inventory/ec2-instances.json': {
          Reservations: [{ OwnerId: '111122223333', Instances: [{ InstanceId: 'i-1', State: { Name: 'running' }, MetadataOptions: { HttpTokens: 'required' } }] }]
        }
      }
    })
    const r = await evaluateBundle(dir, { controls: ['container.image.vulnerable', 'aws.ec2.sg-open-admin-ports', 'aws.ec2.imdsv2'] })
    expect(r.evaluations.map((e) => [e.control, e.resource, e.status])).toEqual([
      ['aws.ec2.imdsv2', 'arn:aws:ec2::111122223333:instance/i-1', 'UNKNOWN'],
      ['aws.ec2.sg-open-admin-ports', 'arn:aws:ec2::111122223333:security-group/sg-1', 'UNKNOWN'],
      ['container.image.vulnerable', D, 'UNKNOWN']
    ])
    expect(r.evaluations[1].reason).toMatch(
      /^cannot name the group: its Region is not in the data and the manifest scope names several \(eu-west-1, us-east-1\); on its own: FAIL — port 22/
    )
    expect(r.evaluations[2].reason).toMatch(/^runs in pod shop\/web-7d4b9c; the image is not in ecr-images.json/)
  })
})

describe('bundles written by lastmile evidence collect: its recorded gaps are UNKNOWN, never read as facts', () => {
  it('a bucket whose policy could not be fetched (left as null by the collector) is UNKNOWN, not "no policy"', async () => {
    const A = '111122223333'
    const dir = writeBundle(tempDir(), {
      manifest: {
        scopes: [{ provider: 'aws', account: A, regions: ['us-east-1', 'eu-west-1'] }],
        gaps: [
          { source: 'aws.inventory', scope: A, resource: 'arn:aws:s3:::gappy', problem: 'GetBucketPolicy gappy: AccessDenied: Access Denied' },
          { source: 'aws.inventory', scope: A, problem: 'DescribeInstances in eu-west-1: UnauthorizedOperation: You are not authorized' },
          { source: 'aws.inventory', scope: A, problem: 'ListBuckets: AccessDenied: Access Denied' },
          { source: 'aws.inventory', scope: '999999999999', problem: 'DescribeInstances in us-east-1: someone else' }
        ]
      },
      files: {
        [`aws/${A}/inventory/s3-buckets.json`]: {
          buckets: [{ name: 'gappy', region: 'us-east-1', policy: null, publicAccessBlock: null, acl: { Owner: {}, Grants: [] } }]
        },
        [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null },
        [`aws/${A}/inventory/ec2-instances.json`]: {
          Reservations: [
            {
              OwnerId: A,
              Instances: [{ InstanceId: 'i-1', State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' }, MetadataOptions: { HttpTokens: 'required' } }]
            }
          ]
        },
        [`aws/${A}/inventory/security-groups.json`]: {
          SecurityGroups: [
            { GroupId: 'sg-1', OwnerId: A, Region: 'eu-west-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }
          ]
        }
      }
    })
    const r = await evaluateBundle(dir, { controls: ['aws.s3.https-only', 'aws.s3.public-access', 'aws.ec2.imdsv2', 'aws.ec2.sg-open-admin-ports'] })
    expect(r.evaluations.map((e) => [e.control, e.resource, e.region, e.status])).toEqual([
      ['aws.ec2.imdsv2', `AWS::::Account:${A}`, 'eu-west-1', 'UNKNOWN'],
      ['aws.ec2.imdsv2', `arn:aws:ec2:us-east-1:${A}:instance/i-1`, 'us-east-1', 'PASS'],
      ['aws.ec2.sg-open-admin-ports', `arn:aws:ec2:eu-west-1:${A}:security-group/sg-1`, 'eu-west-1', 'FAIL'],
      ['aws.s3.https-only', `AWS::::Account:${A}`, null, 'UNKNOWN'],
      ['aws.s3.https-only', 'arn:aws:s3:::gappy', 'us-east-1', 'UNKNOWN'],
      ['aws.s3.public-access', `AWS::::Account:${A}`, null, 'UNKNOWN'],
      ['aws.s3.public-access', 'arn:aws:s3:::gappy', 'us-east-1', 'UNKNOWN']
    ])
    expect(findEvaluation(r, 'aws.s3.https-only', 'arn:aws:s3:::gappy')).toMatchObject({
      reason: expect.stringMatching(/policy was not collected .*\(the collector: GetBucketPolicy gappy: AccessDenied: Access Denied\)$/),
      evidence: expect.arrayContaining(['manifest.json#/gaps/0'])
    })
    expect(findEvaluation(r, 'aws.ec2.imdsv2', `AWS::::Account:${A}`, 'eu-west-1')?.reason).toBe(
      'the collector could not list the instances in eu-west-1: DescribeInstances in eu-west-1: UnauthorizedOperation: You are not authorized'
    )
    expect(findEvaluation(r, 'aws.s3.https-only', `AWS::::Account:${A}`)?.reason).toMatch(/^the collector could not list the buckets: ListBuckets: AccessDenied/)
  })
})

describe('the control registry', () => {
  it("has one evaluator per control id, each a control of the catalogue with its tools' rule ids", () => {
    expect(new Set(CONTROL_IDS).size).toBe(CONTROLS.length)
    const catalogue = loadControls()
    for (const c of CONTROLS) {
      const entry = catalogue.controls.find((x) => x.id === c.id)
      expect(entry?.title, c.id).toBeTruthy()
      expect(Object.keys(entry?.rules ?? {}).length + (entry?.match.length ?? 0), c.id).toBeGreaterThan(0)
    }
  })
})
