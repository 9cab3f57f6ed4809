import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { terraformShowJson, terraformStateV4 } from '../../test/casegen/world'
import { tempDir } from '../../test/helpers/tmp'
import { readBundle } from '../semantics/bundle'
import { parseTerraformState } from '../semantics/terraform-state'
import { BundleWriter } from './bundle-writer'
import { readTerraformStates, writeTerraformStates } from './collect-terraform'

const ARN = 'arn:aws:rds:us-east-1:111122223333:db:orders-db'
const DB = {
  address: 'aws_db_instance.orders',
  type: 'aws_db_instance',
  name: 'orders',
  values: { arn: ARN, password: 'hunter2', publicly_accessible: true, tags: { Owner: 'data' } }
}

function file(name: string, json: unknown): string {
  const p = join(tempDir(), name)
  writeFileSync(p, typeof json === 'string' ? json : JSON.stringify(json))
  return p
}

describe('evidence collect --terraform-state', () => {
  it('copies `terraform show -json` with the values it marks sensitive removed, ids and settings kept', () => {
    const show = terraformShowJson([DB]) as { values: { root_module: { resources: Array<Record<string, unknown>> } } }
    show.values.root_module.resources[0].sensitive_values = { password: true, tags: {} }
    const [s] = readTerraformStates([file('prod.json', show)])
    expect(s).toMatchObject({ path: 'iac/terraform-state/prod.json', resources: 1, redacted: 1 })
    expect(JSON.stringify(s.json)).not.toContain('hunter2')
    const r = parseTerraformState(JSON.stringify(s.json), s.path)
    expect(r.ok && r.value.resources[0].values).toEqual({ arn: ARN, password: null, publicly_accessible: true, tags: { Owner: 'data' } })
  })

  it('copies a raw state with its sensitive_attributes removed', () => {
    const raw = terraformStateV4([DB]) as { resources: Array<{ instances: Array<Record<string, unknown>> }> }
    raw.resources[0].instances[0].sensitive_attributes = [[{ type: 'get_attr', value: 'password' }]]
    const [s] = readTerraformStates([file('staging.tfstate', raw)])
    expect(s).toMatchObject({ path: 'iac/terraform-state/staging.json', redacted: 1 })
    expect(JSON.stringify(s.json)).not.toContain('hunter2')
    expect(JSON.stringify(s.json)).toContain(ARN)
  })

  it('refuses a file that is not a state, and two files that would be written as one, naming them', () => {
    const plan = file('plan.json', { format_version: '1.2', planned_values: {} })
    expect(() => readTerraformStates([plan])).toThrow(`--terraform-state ${plan}: a Terraform plan, not a state`)
    const broken = file('broken.json', '{"version": 4,')
    expect(() => readTerraformStates([broken])).toThrow(new RegExp(`^--terraform-state ${broken}: line 1 column`))
    const a = file('prod.json', terraformShowJson([DB]))
    const b = file('prod.tfstate', terraformStateV4([DB]))
    expect(() => readTerraformStates([a, b])).toThrow(`--terraform-state ${b}: another state is already written as iac/terraform-state/prod.json`)
  })

  it('lands in the bundle where the reader classifies it as a Terraform state', async () => {
    const dir = join(tempDir(), 'bundle')
    const w = new BundleWriter(dir)
    writeTerraformStates(w, readTerraformStates([file('prod.json', terraformShowJson([DB]))]))
    w.finish({ collectedAt: '2026-11-20T10:00:00Z', collector: { tool: 'lastmile' }, window: { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' }, scopes: [] })
    const b = await readBundle(dir)
    expect(b.files.map((f) => [f.path, f.kind])).toEqual([['iac/terraform-state/prod.json', 'iac.terraform-state']])
    expect(readFileSync(join(dir, 'iac/terraform-state/prod.json'), 'utf8')).toContain(ARN)
  })
})
