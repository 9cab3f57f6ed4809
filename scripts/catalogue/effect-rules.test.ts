// What a fix does, read from a control's title: named examples of each rule, the default, and the
// invariant that matters — no control whose title names an access path reads as additive (an
// additive control can be SAFE from generic evidence; that would be a false promise).
import { describe, expect, it } from 'vitest'
import { loadControls } from '../../main/controls/catalogue'
import { classifyEffect, DEFAULT_EFFECT, EFFECT_RULES } from './effect-rules'

describe('the effect of a fix, read from the title', () => {
  it.each([
    ['S3 general purpose buckets should have server access logging enabled', 'additive', 'turns-something-on'],
    ['GuardDuty should be enabled', 'additive', 'turns-something-on'],
    ['AWS Backup recovery points should be tagged', 'additive', 'turns-something-on'],
    ['Security contact information should be provided for an AWS account', 'additive', 'turns-something-on'],
    ['Account has a CloudWatch Logs metric filter and alarm for root account usage', 'additive', 'alarm-or-metric-filter'],
    ['CloudWatch Logs metric filter and alarm exist for IAM policy changes', 'additive', 'alarm-or-metric-filter'],
    ['[DEPRECATED] S3 bucket has default server-side encryption (SSE) enabled', 'additive', 'default-encryption'],
    ['S3 buckets should require requests to use HTTPS', 'restrictive', 'takes-access-away'],
    ['Security groups should not allow unrestricted access to ports with high risk', 'restrictive', 'takes-access-away'],
    ['IAM root user access key should not exist', 'restrictive', 'takes-access-away'],
    ['MFA should be enabled for all IAM users that have a console password', 'restrictive', 'takes-access-away'],
    ['ECR private repositories should have tag immutability configured', 'restrictive', 'takes-access-away'],
    ['Auto Scaling groups associated with a load balancer should use load balancer health checks', 'restrictive', 'takes-access-away'],
    ['CloudTrail should have encryption at-rest enabled', 'restrictive', 'keys-and-encryption'],
    ['SNS topics should be encrypted at-rest using AWS KMS', 'restrictive', 'keys-and-encryption'],
    ['CloudWatch log group is encrypted with an AWS KMS key', 'restrictive', 'keys-and-encryption'],
    ['GuardDuty detector has no high severity findings', 'restrictive', 'no-setting-to-change'],
    ['EC2 instance user data contains no secrets', 'restrictive', 'no-setting-to-change'],
    ['A user successfully logged into an RDS database in your account in an anomalous way.', 'restrictive', 'no-setting-to-change'],
    ["Image tag ':latest' used", 'restrictive', 'takes-access-away'],
    ['Delete pod logs', 'restrictive', 'takes-access-away'],
    ['RDS DB instances should have encryption at-rest enabled', 'replacing', 'encrypt-existing-store'],
    ['Attached EBS volumes should be encrypted at rest', 'replacing', 'encrypt-existing-store'],
    ['ElastiCache for Redis replication groups should be encrypted in transit', 'replacing', 'in-transit-on-cluster'],
    ['RDS DB instances should be configured with multiple Availability Zones', 'replacing', 'placement-and-size'],
    ['RDS automatic minor version upgrades should be enabled', 'replacing', 'placement-and-size'],
    ['Paravirtual EC2 instance types should not be used', 'replacing', 'placement-and-size']
  ])('%s: %s (%s)', (title, effect, rule) => {
    expect(classifyEffect(title)).toEqual({ effect, by: `rule ${rule}` })
  })

  it('a title no rule reads is restrictive, which promises nothing', () => {
    expect(DEFAULT_EFFECT).toBe('restrictive')
    expect(classifyEffect('EC2 instances should not use multiple ENIs')).toEqual({ effect: 'restrictive', by: 'no rule matched: restrictive by default' })
    expect(classifyEffect('')).toEqual({ effect: 'restrictive', by: 'no rule matched: restrictive by default' })
  })

  it('every rule is reached by some title (no rule hides behind an earlier one)', () => {
    const titles = loadControls().controls.map((c) => c.title)
    for (const r of EFFECT_RULES)
      expect(
        titles.some((t) => classifyEffect(t).by === `rule ${r.name}`),
        r.name
      ).toBe(true)
  })
})

describe('the effect of every control in the catalogue', () => {
  const table = loadControls()

  it('every control has one, and says how it was decided', () => {
    for (const c of table.controls) {
      expect(['additive', 'restrictive', 'replacing'], c.id).toContain(c.effect)
      expect(c.effectBy, c.id).toMatch(/^(declared by |set by overrides\/|by source |rule [a-z-]+|no rule matched)/)
    }
    // the folders' own word, and the override file's
    expect(table.row('aws.s3.access-logging')).toMatchObject({ effect: 'additive', effectBy: 'declared by playbooks/aws.s3.access-logging/playbook.yaml' })
    expect(table.row('container.image.vulnerable')?.effect).toBe('replacing')
    expect(table.row('azure.sqlserver.tde-encryption-enabled')).toMatchObject({ effect: 'additive', effectBy: expect.stringMatching(/^set by overrides\/effects\.yaml/) })
    expect(table.row(table.resolve('securityhub', 'RDS.3', 'check', ''))?.effect).toBe('replacing')
    expect(table.row(table.resolve('securityhub', 'RDS.2', 'check', ''))?.effect).toBe('restrictive')
    expect(table.row(table.resolve('securityhub', 'CloudTrail.1', 'check', ''))?.effect).toBe('additive')
  })

  it('no control whose title names access, a network path, a credential or a key reads as additive unless a person decided it', () => {
    const access = /public|0\.0\.0\.0|\bports?\b|password|access key|credential|\bmfa\b|polic(y|ies)|privilege|\bkms\b|encrypt(?!ion by default)/i
    const suspicious = table.controls.filter(
      (c) => c.effect === 'additive' && access.test(c.title) && !/^(rule (alarm-or-metric-filter|default-encryption)|set by |declared by )/.test(c.effectBy)
    )
    expect(suspicious.map((c) => `${c.id}: ${c.title}`)).toEqual([])
  })
})
