import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { terraformShowJson, terraformStateV4, type TfResource } from '../../test/casegen/world'
import { writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb } from '../db/case-db'
import { addEvidenceBundle } from '../evidence/service'
import { listEvidence } from '../case/evidence'
import { localAddress, parseTerraformState, stateAddress } from './terraform-state'

const P = 'iac/terraform-state/prod.json'
const RESOURCES: TfResource[] = [
  { address: 'aws_instance.web[0]', type: 'aws_instance', name: 'web', index: 0, values: { id: 'i-0a', arn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0a' } },
  { address: 'aws_instance.web[1]', type: 'aws_instance', name: 'web', index: 1, values: { id: 'i-0b' } },
  { address: 'module.db.aws_db_instance.this', type: 'aws_db_instance', name: 'this', values: { arn: 'arn:aws:rds:us-east-1:111122223333:db:orders' } },
  { address: 'module.net["eu"].module.sg.aws_security_group.this', type: 'aws_security_group', name: 'this', values: { id: 'sg-1' } }
]

describe('Terraform state', () => {
  it('reads `terraform show -json` with nested child modules into full addresses', () => {
    const r = parseTerraformState(JSON.stringify(terraformShowJson(RESOURCES)), P)
    if (!r.ok) throw new Error(r.why)
    expect(r.value.shape).toBe('show-json')
    expect(r.value.terraformVersion).toBe('1.9.8')
    expect(r.value.resources.map((x) => [x.address, x.module, x.index])).toEqual([
      ['aws_instance.web[0]', null, 0],
      ['aws_instance.web[1]', null, 1],
      ['module.db.aws_db_instance.this', 'module.db', null],
      ['module.net["eu"].module.sg.aws_security_group.this', 'module.net["eu"].module.sg', null]
    ])
    expect(r.value.resources[0].values.arn).toBe('arn:aws:ec2:us-east-1:111122223333:instance/i-0a')
  })

  it('reads a raw state (version 4) into the same addresses, instance keys included', () => {
    const r = parseTerraformState(JSON.stringify(terraformStateV4(RESOURCES)), 'iac/terraform-state/prod.tfstate')
    if (!r.ok) throw new Error(r.why)
    expect(r.value.shape).toBe('tfstate-v4')
    expect(r.value.resources.map((x) => x.address).sort()).toEqual(RESOURCES.map((x) => x.address).sort())
    expect(stateAddress('module.x', 'managed', 'aws_s3_bucket', 'b', 'logs')).toBe('module.x.aws_s3_bucket.b["logs"]')
    expect(stateAddress(null, 'data', 'aws_ami', 'ubuntu', null)).toBe('data.aws_ami.ubuntu')
  })

  it('an empty state has no resources; a plan, another raw version and bad JSON are refused naming the file and place', () => {
    expect(parseTerraformState('{"format_version":"1.0"}', P)).toEqual({ ok: true, value: { shape: 'show-json', terraformVersion: null, resources: [] } })
    const plan = parseTerraformState(JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [] }), P)
    expect(plan.ok === false && plan.why).toMatch(/^iac\/terraform-state\/prod\.json: a Terraform plan, not a state/)
    const v3 = parseTerraformState(JSON.stringify({ version: 3, modules: [] }), P)
    expect(v3.ok === false && v3.why).toMatch(/version 3; Lastmile reads version 4/)
    const bad = parseTerraformState('{"version": 4,\n "resources": [}', P)
    expect(bad.ok === false && bad.why).toMatch(/^iac\/terraform-state\/prod\.json: line 2 column \d+/)
    const shape = parseTerraformState(JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'aws_instance', name: 'x' }] }), P)
    expect(shape.ok === false && shape.why).toMatch(/resources\.0\.instances: .*not a Terraform state file/)
    expect(parseTerraformState('[]', P).ok).toBe(false)
  })

  it('the local address drops module paths and the instance key', () => {
    expect(localAddress('module.net["e.u"].module.sg.aws_security_group.this[0]')).toBe('aws_security_group.this')
    expect(localAddress('aws_instance.web')).toBe('aws_instance.web')
  })

  it('a bundle holds states under iac/terraform-state/: each is checked when the bundle is added, a bad one a problem naming its place', async () => {
    const dir = tempDir()
    writeBundle(join(dir, 'bundle'), {
      files: {
        'iac/terraform-state/prod.json': JSON.stringify(terraformShowJson(RESOURCES)),
        'iac/terraform-state/old.tfstate': JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'aws_instance', name: 'x' }] }),
        'iac/terraform-state/plan.json': JSON.stringify({ format_version: '1.2', planned_values: {} }),
        'iac/terraform-state/notes.txt': 'not a state'
      }
    })
    const c = createCaseDb(join(dir, 'case.lmcase'), 'correct horse battery', { now: '2026-11-21T09:00:00Z' })
    try {
      await addEvidenceBundle(c, join(dir, 'bundle'), { actor: { kind: 'person', name: 't', role: 'analyst' }, now: () => '2026-11-21T09:00:00Z', threads: 0 })
      const files = Object.fromEntries(listEvidence(c.db).map((f) => [f.path, f]))
      expect(files['iac/terraform-state/prod.json']).toMatchObject({ kind: 'iac.terraform-state', status: 'read', stored: 'blob', problem: null })
      expect(files['iac/terraform-state/old.tfstate']).toMatchObject({ kind: 'iac.terraform-state', status: 'problem' })
      expect(files['iac/terraform-state/old.tfstate'].problem).toMatch(/resources\.0\.instances: .*not a Terraform state file, version 4/)
      expect(files['iac/terraform-state/plan.json'].problem).toMatch(/a Terraform plan, not a state/)
      expect(files['iac/terraform-state/notes.txt']).toMatchObject({ kind: 'unknown', status: 'ignored' })
    } finally {
      c.close()
    }
  })
})
