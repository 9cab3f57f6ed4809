// The fixes, rendered from a real evidence bundle and run for real: bash executes every fix and
// rollback script against a fake `aws`/`az` (test/fixtures/remediation/fake-cloud.cjs) that keeps
// the cloud's state, so these tests see what a script changes, that a second run changes nothing,
// that it stops at the first error, and that the rollback restores the state it found.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artefact } from '../../shared/remediation'
import type { WritableCaseDb } from '../db/case-db'
import { httpsOnlyVerdict, parsePolicy } from '../evaluate'
import { securityGroupVerdict } from '../controls/security-group/evaluate'
import { addEvidenceBundle } from '../evidence/service'
import { freshCase } from '../../test/fixtures/ingest/support'
import { changes, fakeCloud } from '../../test/fixtures/remediation/run-script'
import {
  ACCOUNT,
  ALICE_KEY1_CREATED,
  ALICE_KEY1_LAST_USED,
  ALICE_KEY2_CREATED,
  APP_DATA_POLICY,
  OPEN_GROUP_RULES,
  PREFIX_DENY_POLICY,
  REGION,
  STORAGE_ID,
  SUBSCRIPTION,
  writeScenarioBundle
} from '../../test/fixtures/remediation/scenario'
import { fixRendererFor, hasComputedFix, inputsHash, readFixInputs, renderFix, type FixTarget, type RenderedFix } from '.'
import { policyProblems } from '../controls/policy-grammar'
import { mergeHttpsDeny } from '../../playbooks/aws.s3.https-only/policy'

const actor = { kind: 'person' as const, name: 'Ana Analyst', role: 'analyst' as const }
const dir = mkdtempSync(join(tmpdir(), 'lm-remediate-'))
let c: WritableCaseDb

beforeAll(async () => {
  c = freshCase(dir)
  await addEvidenceBundle(c, writeScenarioBundle(join(dir, 'bundle')), { actor, now: () => '2026-11-21T09:00:00Z', threads: 0 })
})
afterAll(() => c?.close())

function target(finding: string, control: string, resourceId: string, extra: Partial<FixTarget> = {}): FixTarget {
  return { finding, control, resourceId, resourceType: '', account: ACCOUNT, region: REGION, name: null, ...extra }
}

const one = (list: Artefact[], suffix: string): string => {
  const a = list.find((x) => x.name.endsWith(suffix))
  if (!a) throw new Error(`no artefact *${suffix} in ${list.map((x) => x.name).join(', ')}`)
  return a.content
}

function bashSyntaxOk(script: string): void {
  const path = join(dir, `syntax-${Math.random().toString(36).slice(2)}.sh`)
  writeFileSync(path, script)
  const r = spawnSync('bash', ['-n', path], { encoding: 'utf8' })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
}

/** Every shell artefact parses, stops on errors, and is pinned to its account or subscription. */
function checkScripts(fix: RenderedFix): void {
  for (const a of [...fix.artefacts, ...fix.rollback].filter((x) => x.language === 'bash')) {
    expect(a.content.startsWith('#!/usr/bin/env bash\n')).toBe(true)
    expect(a.content).toContain('\nset -euo pipefail\n')
    expect(a.content).toMatch(/caller_account|signed_in/)
    bashSyntaxOk(a.content)
  }
  for (const a of fix.artefacts.filter((x) => x.language === 'hcl')) hclBalanced(a.content)
  for (const a of fix.artefacts.filter((x) => x.kind === 'cloudformation')) {
    const t = parseYaml(a.content) as { AWSTemplateFormatVersion: string; Resources: Record<string, { Type: string }> }
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09')
    for (const r of Object.values(t.Resources)) expect(r.Type).toMatch(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/)
  }
}

/** Terraform sanity without the binary: braces balance outside strings and heredocs. */
function hclBalanced(text: string): void {
  let depth = 0
  let heredoc: string | null = null
  for (const line of text.split('\n')) {
    if (heredoc) {
      if (line.trim() === heredoc) heredoc = null
      continue
    }
    const h = /<<-?([A-Z_]+)\s*$/.exec(line)
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/, '')
    for (const ch of code) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0
    expect(depth).toBeGreaterThanOrEqual(0)
    if (h) heredoc = h[1]
  }
  expect(heredoc).toBeNull()
  expect(depth).toBe(0)
}

describe('S3 HTTPS: the Deny is merged into the existing policy', () => {
  it('keeps every existing statement and adds the Deny; the evaluator then passes', () => {
    const m = mergeHttpsDeny(APP_DATA_POLICY, 'arn:aws:s3:::lm-app-data')
    const statements = m.policy.Statement as Array<Record<string, unknown>>
    expect(statements.slice(0, 2)).toEqual(JSON.parse(APP_DATA_POLICY).Statement)
    expect(statements[2]).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::lm-app-data', 'arn:aws:s3:::lm-app-data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } }
    })
    expect(policyProblems(m.policy, 'bucket')).toEqual([])
    const p = parsePolicy(m.text)
    expect(p.ok && httpsOnlyVerdict(p.statements, 'arn:aws:s3:::lm-app-data').status).toBe('PASS')
  })

  it('replaces a narrower Deny that holds the same Sid instead of duplicating the Sid', () => {
    const m = mergeHttpsDeny(PREFIX_DENY_POLICY, 'arn:aws:s3:::lm-prefix-deny')
    const statements = m.policy.Statement as Array<Record<string, unknown>>
    expect(statements).toHaveLength(2)
    expect(statements.filter((s) => s.Sid === 'DenyInsecureTransport')).toHaveLength(1)
    expect(statements[1]).toEqual(JSON.parse(PREFIX_DENY_POLICY).Statement[1])
    expect(m.replaced).toBe(0)
  })

  it('picks another Sid when DenyInsecureTransport names an unrelated statement', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]
    })
    const m = mergeHttpsDeny(policy, 'arn:aws:s3:::b')
    expect((m.policy.Statement as unknown[]).length).toBe(2)
    expect(m.sid).toBe('LastmileDenyInsecureTransport')
    expect(policyProblems(m.policy, 'bucket')).toEqual([])
  })

  it('refuses a policy that already enforces HTTPS, and one that is not JSON', () => {
    const done = mergeHttpsDeny(null, 'arn:aws:s3:::b').text
    expect(() => mergeHttpsDeny(done, 'arn:aws:s3:::b')).toThrow(/already refuses plain HTTP/)
    expect(() => mergeHttpsDeny('{"Version":', 'arn:aws:s3:::b')).toThrow(/not JSON/)
  })

  it('refuses a merge past the 20 KB bucket-policy quota', () => {
    const big = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 120 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/role-with-a-long-name-${i}` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::b/prefix-${i}/*`
      }))
    }
    expect(() => mergeHttpsDeny(JSON.stringify(big), 'arn:aws:s3:::b')).toThrow(/20480 bytes/)
  })

  it('renders a script that merges into the live policy, is idempotent, refuses a drifted policy and rolls back', () => {
    const t = target('F-1', 'aws.s3.https-only', 'arn:aws:s3:::lm-app-data')
    const fix = renderFix(c.db, t, 'P-1')
    checkScripts(fix)
    expect(JSON.parse(one(fix.artefacts, 'bucket-policy.json'))).toEqual(mergeHttpsDeny(APP_DATA_POLICY, 'arn:aws:s3:::lm-app-data').policy)
    expect(one(fix.artefacts, '.tf')).toContain('import {')
    expect(one(fix.artefacts, '.tf')).toContain('resource "aws_s3_bucket_policy"')

    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, s3: { 'lm-app-data': { policy: APP_DATA_POLICY } } })
    const first = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(first.stderr).toContain('now refuses plain-HTTP requests')
    expect(first.code).toBe(0)
    expect(changes(cloud.calls())).toEqual(['aws s3api put-bucket-policy'])
    const live = JSON.parse((cloud.state() as { s3: Record<string, { policy: string }> }).s3['lm-app-data'].policy)
    expect(live.Statement.slice(0, 2)).toEqual(JSON.parse(APP_DATA_POLICY).Statement)

    cloud.clearCalls()
    const second = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(second.code).toBe(0)
    expect(second.stderr).toContain('already in place')
    expect(changes(cloud.calls())).toEqual([])

    cloud.clearCalls()
    const back = cloud.run(one(fix.rollback, 'rollback.sh'))
    expect(back.code).toBe(0)
    expect(changes(cloud.calls())).toEqual(['aws s3api put-bucket-policy'])
    expect(JSON.parse((cloud.state() as { s3: Record<string, { policy: string }> }).s3['lm-app-data'].policy)).toEqual(JSON.parse(APP_DATA_POLICY))
  })

  it('stops without a change when the live policy is not the one in evidence', () => {
    const fix = renderFix(c.db, target('F-1', 'aws.s3.https-only', 'arn:aws:s3:::lm-app-data'), 'P-1')
    const edited = JSON.stringify({ ...JSON.parse(APP_DATA_POLICY), Statement: [JSON.parse(APP_DATA_POLICY).Statement[0]] })
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, s3: { 'lm-app-data': { policy: edited } } })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/is not the one in evidence.*re-render the plan/)
    expect(changes(cloud.calls())).toEqual([])
  })

  it('refuses credentials for another account before reading anything', () => {
    const fix = renderFix(c.db, target('F-1', 'aws.s3.https-only', 'arn:aws:s3:::lm-app-data'), 'P-1')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: '999999999999', s3: { 'lm-app-data': { policy: APP_DATA_POLICY } } })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('these credentials are for account 999999999999, not 111122223333; nothing was changed')
    expect(cloud.calls()).toEqual(['aws sts get-caller-identity'])
  })

  it('stops at the first failing call and can simply be run again', () => {
    const fix = renderFix(c.db, target('F-2', 'aws.s3.https-only', 'arn:aws:s3:::lm-no-policy'), 'P-1')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, s3: { 'lm-no-policy': { policy: null } }, failOn: ['s3api put-bucket-policy'] })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('InternalError')
    expect(r.stderr).not.toContain('now refuses')
    cloud.setState({ ...cloud.state(), failOn: [] })
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    const back = cloud.run(one(fix.rollback, 'rollback.sh'))
    expect(back.code).toBe(0)
    expect((cloud.state() as { s3: Record<string, { policy: string | null }> }).s3['lm-no-policy'].policy).toBeNull()
    expect(cloud.calls()).toContain('aws s3api delete-bucket-policy')
  })
})

describe('security group: the fix run against the group', () => {
  it('runs against the group: only the two ranges go, twice is harmless, the rollback restores them', () => {
    const t = target('F-6', 'aws.ec2.sg-open-admin-ports', `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0a1b2c3d4e5f60001`)
    const fix = renderFix(c.db, t, 'P-2')
    checkScripts(fix)
    const groupState = () => ({
      account: ACCOUNT,
      ec2: { [REGION]: { instances: {}, securityGroups: { 'sg-0a1b2c3d4e5f60001': { IpPermissions: structuredClone(OPEN_GROUP_RULES) } }, ebsDefault: false } }
    })
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), groupState())
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect(changes(cloud.calls())).toEqual(['aws ec2 revoke-security-group-ingress', 'aws ec2 revoke-security-group-ingress'])
    const rules = (cloud.state() as any).ec2[REGION].securityGroups['sg-0a1b2c3d4e5f60001'].IpPermissions
    expect(securityGroupVerdict({ IpPermissions: rules }).verdict.status).toBe('PASS')
    expect(rules.find((r: any) => r.FromPort === 22).IpRanges).toEqual([{ CidrIp: '203.0.113.0/24', Description: 'office' }])
    expect(rules.find((r: any) => r.FromPort === 443)).toEqual(OPEN_GROUP_RULES[1])
    cloud.clearCalls()
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect(changes(cloud.calls())).toEqual([])
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    const restored = (cloud.state() as any).ec2[REGION].securityGroups['sg-0a1b2c3d4e5f60001'].IpPermissions
    expect(securityGroupVerdict({ IpPermissions: restored }).verdict.status).toBe('FAIL')
  })
})

describe('the other controls', () => {
  it('IMDSv2: requires tokens, keeps the endpoint and hop limit (passed explicitly), rolls back to the saved options exactly', () => {
    const fix = renderFix(c.db, target('F-5', 'aws.ec2.imdsv2', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0aaa0000000000001`), 'P-3')
    checkScripts(fix)
    expect(one(fix.artefacts, 'fix.sh')).toContain('# The hop limit stays as it is (2): nothing marks the instance as a container host.')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), {
      account: ACCOUNT,
      ec2: {
        [REGION]: { instances: { 'i-0aaa0000000000001': { MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 3 } } }, securityGroups: {} }
      }
    })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('now refuses IMDSv1 (token-less) metadata requests, hop limit 3\n')
    expect(changes(cloud.calls())).toEqual(['aws ec2 modify-instance-metadata-options'])
    expect((cloud.state() as any).ec2[REGION].instances['i-0aaa0000000000001'].MetadataOptions).toMatchObject({
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 3
    })
    cloud.clearCalls()
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect(changes(cloud.calls())).toEqual([])
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    expect((cloud.state() as any).ec2[REGION].instances['i-0aaa0000000000001'].MetadataOptions).toMatchObject({
      HttpTokens: 'optional',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 3
    })
  })

  it('IMDSv2 on an EKS node at hop limit 1: the fix raises it to 2 and says why; the rollback puts 1 and optional back', () => {
    const fix = renderFix(c.db, target('F-6', 'aws.ec2.imdsv2', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0aaa0000000000002`), 'P-3')
    checkScripts(fix)
    expect(one(fix.artefacts, 'fix.sh')).toContain(
      "# The hop limit goes from 1 to 2: the instance runs containers (eks:cluster-name, eks:nodegroup-name), which need it to get a token reply; at 2 they can also fetch the instance role's credentials."
    )
    expect(fix.preconditions.join('\n')).toContain('accepts hop limit 2')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), {
      account: ACCOUNT,
      ec2: {
        [REGION]: { instances: { 'i-0aaa0000000000002': { MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 } } }, securityGroups: {} }
      }
    })
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect((cloud.state() as any).ec2[REGION].instances['i-0aaa0000000000002'].MetadataOptions).toMatchObject({
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 2
    })
    const back = cloud.run(one(fix.rollback, 'rollback.sh'))
    expect(back.stderr).toContain('step 1/1: set the metadata options of i-0aaa0000000000002 back to HttpTokens=optional, hop limit 1, endpoint enabled\n')
    expect(back.code).toBe(0)
    expect((cloud.state() as any).ec2[REGION].instances['i-0aaa0000000000002'].MetadataOptions).toMatchObject({
      HttpTokens: 'optional',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 1
    })
  })

  it('EBS default encryption: enables it in the Region, idempotent, rollback turns it off', () => {
    const fix = renderFix(c.db, target('F-7', 'aws.ec2.ebs-default-encryption', `AWS::::Account:${ACCOUNT}`), 'P-4')
    checkScripts(fix)
    expect(one(fix.artefacts, '.tf')).toContain('resource "aws_ebs_encryption_by_default"')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, ec2: { [REGION]: { instances: {}, securityGroups: {}, ebsDefault: false } } })
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect((cloud.state() as any).ec2[REGION].ebsDefault).toBe(true)
    cloud.clearCalls()
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect(changes(cloud.calls())).toEqual([])
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    expect((cloud.state() as any).ec2[REGION].ebsDefault).toBe(false)
  })

  it('access key: deactivates the unused key only, refuses to delete before the observation period', () => {
    const fix = renderFix(c.db, target('F-8', 'aws.iam.unused-access-key', `arn:aws:iam::${ACCOUNT}:user/alice`), 'P-5')
    checkScripts(fix)
    const keys = [
      { AccessKeyId: 'AKIAKEYONE0000000001', Status: 'Active', CreateDate: ALICE_KEY1_CREATED, LastUsedDate: ALICE_KEY1_LAST_USED },
      { AccessKeyId: 'AKIAKEYTWO0000000002', Status: 'Active', CreateDate: ALICE_KEY2_CREATED, LastUsedDate: '2026-11-19T08:00:00+00:00' }
    ]
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, iam: { alice: { keys } } })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.stderr).toContain('unused access key(s) of alice are inactive')
    expect(r.code).toBe(0)
    expect((cloud.state() as any).iam.alice.keys.map((k: any) => k.Status)).toEqual(['Inactive', 'Active'])
    expect(changes(cloud.calls())).toEqual(['aws iam update-access-key'])
    const del = cloud.run(one(fix.artefacts, 'delete-after-observation.sh'))
    expect(del.code).toBe(1)
    // the script's own variables are printed with their values, never as $NAME
    expect(del.stderr).toContain('lastmile: step 1/2: check access key 1 of alice was deactivated by the fix at least 30 days ago\n')
    expect(del.stderr).toContain('lastmile: access key 1 of alice was deactivated less than 30 days ago; wait before deleting it\n')
    expect(del.stderr).not.toMatch(/\$[A-Z_]/)
    expect((cloud.state() as any).iam.alice.keys).toHaveLength(2)
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    expect((cloud.state() as any).iam.alice.keys.map((k: any) => k.Status)).toEqual(['Active', 'Active'])
    // the delete script never deletes an active key, whatever the dates say
    writeFileSync(join(cloud.dir, 'rollback', 'F-8', 'access-key-1.deactivated-at'), '0\n')
    const refused = cloud.run(one(fix.artefacts, 'delete-after-observation.sh'))
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('is active: it must be deactivated (and watched) before it is deleted')
  })

  it('access key: the delete script refuses a key that was already inactive when the fix ran (no deactivation time)', () => {
    const fix = renderFix(c.db, target('F-8', 'aws.iam.unused-access-key', `arn:aws:iam::${ACCOUNT}:user/alice`), 'P-5')
    const keys = [
      { AccessKeyId: 'AKIAKEYONE0000000001', Status: 'Inactive', CreateDate: ALICE_KEY1_CREATED, LastUsedDate: ALICE_KEY1_LAST_USED },
      { AccessKeyId: 'AKIAKEYTWO0000000002', Status: 'Active', CreateDate: ALICE_KEY2_CREATED, LastUsedDate: '2026-11-19T08:00:00+00:00' }
    ]
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, iam: { alice: { keys } } })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('already in place: access key 1 of alice is inactive; skipped')
    expect(changes(cloud.calls())).toEqual([])
    const del = cloud.run(one(fix.artefacts, 'delete-after-observation.sh'))
    expect(del.code).toBe(1)
    expect(del.stderr).toContain(
      `lastmile: no record of when access key 1 of alice was deactivated (${join(cloud.dir, 'rollback', 'F-8')}/access-key-1.deactivated-at is missing: the key was already inactive when the fix ran, or the fix ran elsewhere), so the 30-day observation cannot be shown; nothing was deleted\n`
    )
    expect((cloud.state() as any).iam.alice.keys).toHaveLength(2)
    expect(changes(cloud.calls())).toEqual([])
    // a deactivation time that is not a number is refused as well, not read as "long ago"
    writeFileSync(join(cloud.dir, 'rollback', 'F-8', 'access-key-1.deactivated-at'), 'yesterday\n')
    const bad = cloud.run(one(fix.artefacts, 'delete-after-observation.sh'))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('access-key-1.deactivated-at does not hold a time (epoch seconds); nothing was deleted')
    expect((cloud.state() as any).iam.alice.keys).toHaveLength(2)
    // recorded 31 days ago by the fix: deleted
    writeFileSync(join(cloud.dir, 'rollback', 'F-8', 'access-key-1.deactivated-at'), `${Math.floor(Date.now() / 1000) - 31 * 86400}\n`)
    const ok = cloud.run(one(fix.artefacts, 'delete-after-observation.sh'))
    expect(ok.code).toBe(0)
    expect((cloud.state() as any).iam.alice.keys.map((k: any) => k.AccessKeyId)).toEqual(['AKIAKEYTWO0000000002'])
  })

  it('access key: stops when the key was used after the evidence was collected', () => {
    const fix = renderFix(c.db, target('F-8', 'aws.iam.unused-access-key', `arn:aws:iam::${ACCOUNT}:user/alice`), 'P-5')
    const keys = [{ AccessKeyId: 'AKIAKEYONE0000000001', Status: 'Active', CreateDate: ALICE_KEY1_CREATED, LastUsedDate: '2026-11-25T00:00:00+00:00' }]
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, iam: { alice: { keys } } })
    const r = cloud.run(one(fix.artefacts, 'fix.sh'))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('the evidence (collected 2026-11-20T10:00:00Z) is stale')
    expect(changes(cloud.calls())).toEqual([])
  })

  it('Azure storage: https-only and TLS 1.2 through az, pinned to the subscription, rolled back', () => {
    const fix = renderFix(c.db, target('F-9', 'azure.storage.secure-transfer', STORAGE_ID, { account: SUBSCRIPTION, region: null }), 'P-6')
    checkScripts(fix)
    expect(one(fix.artefacts, '.tf')).toContain('resource "azapi_update_resource"')
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), {
      azure: { subscription: SUBSCRIPTION, accounts: { [STORAGE_ID]: { enableHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_0' } } }
    })
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect((cloud.state() as any).azure.accounts[STORAGE_ID]).toEqual({ enableHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' })
    cloud.clearCalls()
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect(changes(cloud.calls())).toEqual([])
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    expect((cloud.state() as any).azure.accounts[STORAGE_ID]).toEqual({ enableHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_0' })
  })

  it('Block Public Access on a public bucket: all four on, previous configuration restored', () => {
    const fix = renderFix(c.db, target('F-4', 'aws.s3.public-access-block', 'arn:aws:s3:::lm-public-site'), 'P-7')
    checkScripts(fix)
    const cloud = fakeCloud(mkdtempSync(join(dir, 'cloud-')), { account: ACCOUNT, s3: { 'lm-public-site': { policy: null, pab: null } } })
    expect(cloud.run(one(fix.artefacts, 'fix.sh')).code).toBe(0)
    expect((cloud.state() as any).s3['lm-public-site'].pab).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
    expect(cloud.run(one(fix.rollback, 'rollback.sh')).code).toBe(0)
    expect((cloud.state() as any).s3['lm-public-site'].pab).toBeNull()
  })
})

/** Terraform's own parser, where the binary is installed (the build machines may not have it). */
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0

describe('Terraform artefacts', () => {
  it.runIf(terraform)('parse with `terraform fmt` for every control that renders one', () => {
    const targets = [
      target('F-1', 'aws.s3.https-only', 'arn:aws:s3:::lm-app-data'),
      target('F-4', 'aws.s3.public-access-block', 'arn:aws:s3:::lm-public-site'),
      target('F-7', 'aws.ec2.ebs-default-encryption', `AWS::::Account:${ACCOUNT}`),
      target('F-9', 'azure.storage.secure-transfer', STORAGE_ID, { account: SUBSCRIPTION, region: null })
    ]
    for (const t of targets) {
      const tf = one(renderFix(c.db, t, 'P-1').artefacts, '.tf')
      const r = spawnSync('terraform', ['fmt', '-'], { input: tf, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } })
      expect(r.stderr, t.control).not.toMatch(/Error/)
      expect(r.status, t.control).toBe(0)
    }
  })
})

describe('refusals and drift inputs', () => {
  it('says which evidence is missing instead of guessing', () => {
    expect(() => readFixInputs(c.db, target('F-10', 'aws.s3.https-only', 'arn:aws:s3:::not-in-evidence'))).toThrow(
      /no configuration of arn:aws:s3:::not-in-evidence.*s3-buckets\.json/
    )
    expect(() => renderFix(c.db, target('F-11', 'container.image.vulnerable', 'sha256:00'), 'P-1')).toThrow(/no fix is known for control container.image.vulnerable.*route/)
  })

  it('hashes the configuration the fix depends on, the same every time', () => {
    const t = target('F-1', 'aws.s3.https-only', 'arn:aws:s3:::lm-app-data')
    expect(inputsHash(readFixInputs(c.db, t))).toBe(inputsHash(readFixInputs(c.db, t)))
    expect(renderFix(c.db, t, 'P-9').artefacts.map((a) => a.content)).toEqual(renderFix(c.db, t, 'P-9').artefacts.map((a) => a.content))
  })

  it('writes nothing but the scripts it was asked for', () => {
    expect(readdirSync(dir).some((f) => f.startsWith('lastmile-rollback'))).toBe(false)
  })
})

describe('controls a folder serves', () => {
  it("are fixed by the folder's code only when it says its fix answers them", () => {
    // every GuardDuty EC2 finding type the containment folder serves is answered by its fix
    expect(hasComputedFix('aws.guardduty.recon-ec2-portscan')).toBe(true)
    expect(fixRendererFor('aws.guardduty.recon-ec2-portscan').control).toBe('aws.guardduty.ec2-instance-threat')
    // a GuardDuty type the folder does not serve (the instance was only probed) gets none
    expect(hasComputedFix('aws.guardduty.recon-ec2-portprobeunprotectedport')).toBe(false)
    // software.package.vulnerable serves Wiz's VM issues with its playbook, and its EC2 package fix does not answer them
    expect(hasComputedFix('azure.compute.vm-vulnerability-findings')).toBe(false)
    expect(() => fixRendererFor('azure.compute.vm-vulnerability-findings')).toThrow(/no fix is known for control azure.compute.vm-vulnerability-findings/)
  })
})
