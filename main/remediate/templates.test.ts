// The playbooks' templates (playbooks/*.yaml), rendered with a finding's real values: every
// placeholder filled, each artefact valid for its language, and no value that could change the
// command or document it lands in.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { loadPlaybooks } from '../investigate/loader'
import { policyProblems } from '../controls/policy-grammar'
import { fillTemplate, templateArtefact, templateValues } from './templates'
import type { FixTarget } from '../controls/fix'

const dir = mkdtempSync(join(tmpdir(), 'lm-templates-'))

const TARGETS: Record<string, FixTarget> = {
  'aws.s3.https-only': {
    finding: 'F-1',
    control: 'aws.s3.https-only',
    resourceId: 'arn:aws:s3:::lm-app-data',
    resourceType: 'aws.s3.bucket',
    account: '111122223333',
    region: 'us-east-1',
    name: 'lm-app-data'
  },
  'aws.s3.public-access': {
    finding: 'F-2',
    control: 'aws.s3.public-access',
    resourceId: 'arn:aws:s3:::lm-public-site',
    resourceType: 'aws.s3.bucket',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'aws.s3.public-access-block': {
    finding: 'F-9',
    control: 'aws.s3.public-access-block',
    resourceId: 'AWS::::Account:111122223333',
    resourceType: 'aws.account',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'aws.ec2.imdsv2': {
    finding: 'F-3',
    control: 'aws.ec2.imdsv2',
    resourceId: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0aaa0000000000001',
    resourceType: 'aws.ec2.instance',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'aws.ec2.sg-open-admin-ports': {
    finding: 'F-4',
    control: 'aws.ec2.sg-open-admin-ports',
    resourceId: 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60001',
    resourceType: 'aws.ec2.security-group',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'aws.ec2.ebs-default-encryption': {
    finding: 'F-5',
    control: 'aws.ec2.ebs-default-encryption',
    resourceId: 'AWS::::Account:111122223333',
    resourceType: 'aws.account',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'aws.iam.unused-access-key': {
    finding: 'F-6',
    control: 'aws.iam.unused-access-key',
    resourceId: 'arn:aws:iam::111122223333:user/alice',
    resourceType: 'aws.iam.user',
    account: '111122223333',
    region: 'us-east-1',
    name: 'alice'
  },
  'azure.storage.secure-transfer': {
    finding: 'F-7',
    control: 'azure.storage.secure-transfer',
    resourceId: '/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups/rg-data/providers/microsoft.storage/storageaccounts/lmstore1',
    resourceType: 'azure.storage.account',
    account: '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    region: 'westeurope',
    name: 'lmstore1'
  },
  'container.image.vulnerable': {
    finding: 'F-8',
    control: 'container.image.vulnerable',
    resourceId: `111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`,
    resourceType: 'container.image',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  },
  'software.package.vulnerable': {
    finding: 'F-9',
    control: 'software.package.vulnerable',
    resourceId: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0b0000000000000a2',
    resourceType: 'aws.ec2.instance',
    account: '111122223333',
    region: 'us-east-1',
    name: null
  }
}

/** What a person would type for the `input` parameters that have no default. */
const INPUTS: Record<string, string> = { approved_cidr: '203.0.113.0/24', access_key_id: 'AKIAIOSFODNN7EXAMPLE', new_tag: 'patched-2026-11', cluster: 'prod', service: 'web' }

function bashOk(name: string, script: string): void {
  const p = join(dir, name.replace(/[^\w.-]/g, '_'))
  writeFileSync(p, script)
  const r = spawnSync('bash', ['-n', p], { encoding: 'utf8' })
  expect(r.stderr, name).toBe('')
}

describe("the built-in playbooks' templates, rendered", () => {
  // the playbooks that carry templates (a control whose code renders its fix carries none)
  const set = loadPlaybooks().playbooks.filter((pb) => pb.def.fix.length + pb.def.rollback.length + pb.def.guardrails.length > 0)

  it('covers every playbook with templates with a target here', () => {
    for (const pb of set) expect(TARGETS[pb.def.controls[0].id], pb.id).toBeDefined()
  })

  for (const pb of set) {
    it(`${pb.id}: every template renders to a valid artefact with no placeholder left`, () => {
      const t = TARGETS[pb.def.controls[0].id]
      const values = templateValues(pb.def.parameters, t, INPUTS)
      const sections = [
        ...pb.def.fix.map((tpl, i) => ({ tpl, role: 'fix' as const, i })),
        ...pb.def.rollback.map((tpl, i) => ({ tpl, role: 'rollback' as const, i })),
        ...pb.def.guardrails.map((tpl, i) => ({ tpl, role: 'guardrail' as const, i }))
      ]
      for (const { tpl, role, i } of sections) {
        const a = templateArtefact(tpl, values, t, { origin: 'plan P-1', role, index: i, playbook: pb.id })
        const what = `${pb.id} ${role}[${i}] ${tpl.title}`
        expect(a.content, what).not.toMatch(/\{\{/)
        if (a.language === 'bash') {
          bashOk(`${pb.id}-${role}-${i}.sh`, a.content)
          expect(a.content).toContain('set -euo pipefail')
          // a template runs as written: its header promises no check of the live state and no rollback capture
          expect(a.content, what).toContain('Its commands run as written, with no check of the')
          expect(a.content, what).not.toContain('skipped when already in place')
          expect(a.content, what).not.toContain('saved here first')
        } else if (a.language === 'json') {
          const doc = JSON.parse(a.content)
          const mechanism = (tpl as { mechanism?: string }).mechanism
          if (mechanism === 'scp' || mechanism === 'rcp') expect(policyProblems(doc, mechanism), what).toEqual([])
        } else if (a.language === 'yaml') {
          expect(() => parseYaml(a.content), what).not.toThrow()
        }
      }
    })
  }
})

describe('values are checked before they land in a template', () => {
  const tpl = { kind: 'aws-cli' as const, title: 'demo template', template: "aws s3api get-bucket-policy --bucket '{{bucket}}'" }
  const params = { bucket: { source: 'resource.native-id', description: 'the bucket' } }

  it("fills the provider's own id", () => {
    const t = TARGETS['aws.s3.https-only']
    expect(fillTemplate(tpl, templateValues(params, t))).toBe("aws s3api get-bucket-policy --bucket 'lm-app-data'")
  })

  it('refuses a value a shell would read as code, one that breaks its pattern, and a missing input', () => {
    const evil = { ...TARGETS['aws.s3.https-only'], resourceId: "arn:aws:s3:::x';rm -rf ~;'" }
    expect(() => fillTemplate(tpl, templateValues(params, evil))).toThrow(/holds characters a shell command cannot take unquoted/)
    expect(() => templateValues({ bucket: { ...params.bucket, pattern: '^[a-z0-9.-]{3,63}$' } }, evil)).toThrow(/does not match its pattern/)
    expect(() => templateValues({ tag: { source: 'input', description: 'the tag of the image' } }, TARGETS['container.image.vulnerable'])).toThrow(
      'F-8: template parameter tag (the tag of the image) has no value: give it (--param tag=VALUE)'
    )
  })
})
