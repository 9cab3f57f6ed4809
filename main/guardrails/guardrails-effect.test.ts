// What each guardrail does to the calls that matter, evaluated with the project's IAM policy
// evaluator (AWS semantics): it PERMITS the calls Lastmile's fix and rollback make for the control
// (the rollback, which puts the insecure value back, with the break-glass role), it DENIES the
// insecure call to everyone else, and it spares exactly the excepted resources, accounts and
// Regions. The calls here are those the rendered scripts make (the emulator harness checks the
// very calls the fixture plans' scripts made against the emulator the same way). cfn-lint checks
// the policy grammar (E3510/E3512) with each policy wrapped in a template.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import type { RciVerdict } from '../../shared/model'
import { denyingStatement, parsePolicy, type PolicyRequest, type PolicyStatement } from '../semantics/iam-policy'
import { buildGuardrails, DEFAULT_BREAK_GLASS_ROLE, GUARDRAIL_CONTROLS, type GuardrailFinding } from '.'

const A = '111122223333'
const B = '444455556666'
const OPS = (acct: string) => `arn:aws:iam::${acct}:role/ops-admin`
const GLASS = (acct: string) => `arn:aws:iam::${acct}:role/lastmile-break-glass`
const f = (id: string, control: string, resourceId: string, verdict: RciVerdict, account = A, region: string | null = 'us-east-1'): GuardrailFinding => ({
  id,
  control,
  resourceId,
  account,
  region,
  verdict,
  decision: null,
  owner: null
})

function statementsOf(content: string): PolicyStatement[] {
  const p = parsePolicy(content, { requirePrincipal: false })
  if (!p.ok) throw new Error(p.error)
  return p.statements
}

/** A call as the CLI makes it: over TLS, from a principal of one account, in one Region. */
function call(action: string, resource: string, who: string, region: string, extra: Record<string, string> = {}): PolicyRequest {
  const account = who.split(':')[4]
  return {
    action,
    resource,
    principal: who,
    context: { 'aws:PrincipalArn': who, 'aws:PrincipalAccount': account, 'aws:RequestedRegion': region, 'aws:SecureTransport': 'true', ...extra }
  }
}

function policyOf(findings: GuardrailFinding[], name: string): PolicyStatement[] {
  const b = buildGuardrails('I-1', findings)
  const g = b.guardrails.find((x) => x.name === name)
  if (!g) throw new Error(`no ${name} in ${b.guardrails.map((x) => x.name).join(', ')}`)
  return statementsOf(g.content)
}

const denied = (p: PolicyStatement[], r: PolicyRequest): string | null => denyingStatement(p, r)?.sid ?? null

describe("each guardrail permits Lastmile's fix and rollback and denies the insecure call", () => {
  it('IMDSv2: tokens required passes, tokens optional (or omitted) is refused except to the break-glass role and excepted instances', () => {
    const inst = (id: string) => `arn:aws:ec2:us-east-1:${A}:instance/${id}`
    const scp = policyOf([f('F-1', 'aws.ec2.imdsv2', inst('i-0fix'), 'SAFE'), f('F-2', 'aws.ec2.imdsv2', inst('i-0legacy'), 'UNSAFE')], 'aws.ec2.imdsv2.scp.json')
    const modify = (id: string, who: string, tokens?: string, hop?: string) =>
      call('ec2:ModifyInstanceMetadataOptions', inst(id), who, 'us-east-1', {
        ...(tokens ? { 'ec2:Attribute/HttpTokens': tokens } : {}),
        ...(hop ? { 'ec2:Attribute/HttpPutResponseHopLimit': hop } : {})
      })
    // the fix: `modify-instance-metadata-options --http-tokens required` (and, for EKS nodes, --http-put-response-hop-limit 2)
    expect(denied(scp, modify('i-0fix', OPS(A), 'required'))).toBeNull()
    expect(denied(scp, modify('i-0fix', OPS(A), 'required', '2'))).toBeNull()
    // the rollback puts the saved value back: the insecure call, left to the break-glass role
    expect(denied(scp, modify('i-0fix', GLASS(A), 'optional'))).toBeNull()
    expect(denied(scp, modify('i-0fix', OPS(A), 'optional'))).toBe('LastmileEc2Imdsv2DenyTokensOptionalOnModify')
    expect(denied(scp, modify('i-0fix', OPS(A)))).toBe('LastmileEc2Imdsv2DenyTokensOptionalOnModify')
    // the UNSAFE instance keeps working as it is
    expect(denied(scp, modify('i-0legacy', OPS(A), 'optional'))).toBeNull()
    // launches
    expect(denied(scp, call('ec2:RunInstances', inst('i-0new'), OPS(A), 'us-east-1', { 'ec2:MetadataHttpTokens': 'required' }))).toBeNull()
    expect(denied(scp, call('ec2:RunInstances', inst('i-0new'), OPS(A), 'us-east-1', { 'ec2:MetadataHttpTokens': 'optional' }))).toBe('LastmileEc2Imdsv2RequireTokensAtLaunch')
    // the scripts' own reads are never refused
    expect(denied(scp, call('ec2:DescribeInstances', '*', OPS(A), 'us-east-1', { 'ec2:RoleDelivery': '2.0' }))).toBeNull()
  })

  it('EBS: an exception in one Region spares that account in that Region only', () => {
    const scp = policyOf(
      [
        f('F-1', 'aws.ec2.ebs-default-encryption', `AWS::::Account:${A}`, 'UNSAFE', A, 'us-east-1'),
        f('F-2', 'aws.ec2.ebs-default-encryption', `AWS::::Account:${B}`, 'SAFE', B, 'eu-west-1')
      ],
      'aws.ec2.ebs-default-encryption.scp.json'
    )
    const disable = (who: string, region: string) => call('ec2:DisableEbsEncryptionByDefault', '*', who, region)
    // the fix (enable) is never refused; the rollback (disable) is the insecure call
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) expect(denied(scp, call('ec2:EnableEbsEncryptionByDefault', '*', OPS(B), region))).toBeNull()
    expect(denied(scp, disable(GLASS(B), 'eu-west-1'))).toBeNull()
    expect(denied(scp, disable(OPS(B), 'eu-west-1'))).not.toBeNull()
    // A is excepted in us-east-1 only: not in eu-west-1 nor any other Region
    expect(denied(scp, disable(OPS(A), 'us-east-1'))).toBeNull()
    expect(denied(scp, disable(OPS(A), 'eu-west-1'))).not.toBeNull()
    expect(denied(scp, disable(OPS(A), 'ap-southeast-2'))).not.toBeNull()
    expect(denied(scp, disable(OPS(B), 'us-east-1'))).not.toBeNull()
    const volume = (who: string, region: string, encrypted: string) =>
      call('ec2:CreateVolume', `arn:aws:ec2:${region}:${who.split(':')[4]}:volume/*`, who, region, { 'ec2:Encrypted': encrypted })
    expect(denied(scp, volume(OPS(A), 'eu-west-1', 'false'))).not.toBeNull()
    expect(denied(scp, volume(OPS(A), 'us-east-1', 'false'))).toBeNull()
    expect(denied(scp, volume(OPS(B), 'eu-west-1', 'true'))).toBeNull()
  })

  it('S3 Block Public Access: one SCP honours the exceptions of both S3 controls; the break-glass role runs fix and rollback', () => {
    const findings = [
      f('F-1', 'aws.s3.public-access', 'arn:aws:s3:::public-downloads', 'UNSAFE'),
      f('F-2', 'aws.s3.public-access', 'arn:aws:s3:::customer-data', 'SAFE'),
      f('F-3', 'aws.s3.public-access-block', 'arn:aws:s3:::team-site', 'UNSAFE'),
      f('F-4', 'aws.s3.public-access-block', `AWS::::Account:${B}`, 'UNSAFE', B, null)
    ]
    const b = buildGuardrails('I-1', findings)
    expect(b.guardrails.filter((g) => g.kind === 'aws-scp').map((g) => g.name)).toEqual(['aws.s3.block-public-access.scp.json'])
    const scp = statementsOf(b.guardrails.find((g) => g.kind === 'aws-scp')!.content)
    const put = (bucket: string, who: string) => call('s3:PutBucketPublicAccessBlock', `arn:aws:s3:::${bucket}`, who, 'us-east-1')
    // fix (put all four true), rollback (put the saved configuration, or delete-public-access-block:
    // authorized as s3:PutBucketPublicAccessBlock) — with the break-glass role
    expect(denied(scp, put('customer-data', GLASS(A)))).toBeNull()
    // S3 has no condition key on the settings: anyone else is refused, turning it on included
    expect(denied(scp, put('customer-data', OPS(A)))).toBe('LastmileS3PublicAccessBlockDenyBucketSettingChanges')
    // both controls' UNSAFE buckets stay changeable
    expect(denied(scp, put('public-downloads', OPS(A)))).toBeNull()
    expect(denied(scp, put('team-site', OPS(A)))).toBeNull()
    const account = (who: string) => call('s3:PutAccountPublicAccessBlock', '*', who, 'us-east-1')
    expect(denied(scp, account(OPS(B)))).toBeNull()
    expect(denied(scp, account(OPS(A)))).toBe('LastmileS3PublicAccessBlockDenyAccountSettingChanges')
    expect(denied(scp, account(GLASS(A)))).toBeNull()
  })

  it('S3 HTTPS: the RCP lets every TLS call of the fix and rollback through and refuses plain HTTP', () => {
    const rcp = policyOf(
      [f('F-1', 'aws.s3.https-only', 'arn:aws:s3:::reports', 'SAFE'), f('F-2', 'aws.s3.https-only', 'arn:aws:s3:::legacy', 'UNSAFE')],
      'aws.s3.https-only.rcp.json'
    )
    for (const action of ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'])
      expect(denied(rcp, call(action, 'arn:aws:s3:::reports', OPS(A), 'us-east-1'))).toBeNull()
    expect(denied(rcp, call('s3:GetObject', 'arn:aws:s3:::reports/a.csv', OPS(A), 'us-east-1', { 'aws:SecureTransport': 'false' }))).toBe('LastmileS3HttpsOnlyDenyPlainHttp')
    expect(denied(rcp, call('s3:GetObject', 'arn:aws:s3:::legacy/a.csv', OPS(A), 'us-east-1', { 'aws:SecureTransport': 'false' }))).toBeNull()
  })

  it('IAM keys: no SCP refuses CreateAccessKey, which the access-keys-rotated rule asks for', () => {
    const b = buildGuardrails('I-1', [f('F-1', 'aws.iam.unused-access-key', `arn:aws:iam::${A}:user/bob`, 'SAFE')])
    expect(b.guardrails.map((g) => g.kind)).toEqual(['aws-config-rule'])
    expect(b.guardrails[0].content).toContain('ACCESS_KEYS_ROTATED')
  })

  it('the default break-glass role is the one exempted when none is named', () => {
    const scp = policyOf([f('F-1', 'aws.ec2.imdsv2', `arn:aws:ec2:us-east-1:${A}:instance/i-0fix`, 'SAFE')], 'aws.ec2.imdsv2.scp.json')
    expect(DEFAULT_BREAK_GLASS_ROLE).toBe('arn:aws:iam::*:role/lastmile-break-glass')
    const r = call('ec2:ModifyInstanceMetadataOptions', `arn:aws:ec2:us-east-1:${A}:instance/i-0fix`, GLASS(A), 'us-east-1', { 'ec2:Attribute/HttpTokens': 'optional' })
    expect(denied(scp, r)).toBeNull()
  })
})

describe('policy grammar, checked by cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-guardrail-lint-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("every SCP and RCP passes cfn-lint's IAM policy rules (wrapped as a managed policy / bucket policy)", () => {
    const findings = GUARDRAIL_CONTROLS.filter((c) => c.startsWith('aws.')).flatMap((c, i) => [
      f(`F-${i * 2 + 1}`, c, c.includes('ebs') ? `AWS::::Account:${A}` : `arn:aws:s3:::bucket-${i}`, 'SAFE'),
      f(`F-${i * 2 + 2}`, c, c.includes('ebs') ? `AWS::::Account:${B}` : `arn:aws:s3:::unsafe-${i}`, 'UNSAFE', B, 'eu-west-1')
    ])
    const b = buildGuardrails('the whole case', findings)
    const resources: Record<string, unknown> = {}
    for (const [i, g] of b.guardrails.filter((x) => x.kind === 'aws-scp' || x.kind === 'aws-rcp').entries()) {
      const doc = JSON.parse(g.content)
      // an SCP has an identity policy's grammar (no Principal); an RCP a resource policy's
      resources[`Policy${i}`] =
        g.kind === 'aws-scp'
          ? { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc } }
          : { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: 'example-bucket', PolicyDocument: doc } }
    }
    expect(Object.keys(resources).length).toBeGreaterThanOrEqual(3)
    const file = join(dir, 'policies.yaml')
    writeFileSync(file, stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }))
    const r = spawnSync('cfn-lint', ['--format', 'parseable', '--', file], { encoding: 'utf8', timeout: 120_000 })
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('')
    expect(r.status).toBe(0)
  }, 120_000)
})
