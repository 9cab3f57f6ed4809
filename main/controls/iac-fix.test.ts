import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, type WritableCaseDb } from '../db/case-db'
import { listFindings, type FindingView } from '../case/findings'
import { buildCase } from '../demo/case-builder'
import { loadPlaybooks } from '../investigate/loader'
import { readFixInputs, renderFix, type FixTarget } from '../remediate'

const NOW = () => '2026-11-21T09:00:00.000Z'
const DIR = join(__dirname, '..', '..', 'playbooks', 'aws.rds.public-access', 'fixtures')
let c: WritableCaseDb
let findings: FindingView[]

beforeAll(async () => {
  c = createCaseDb(join(tempDir(), 'case.lmcase'), 'fixture passphrase', { now: NOW() })
  await buildCase(c, {
    exportsDir: join(DIR, 'exports'),
    bundleDir: join(DIR, 'bundle'),
    actor: { kind: 'person', name: 'fixture', role: 'analyst' },
    playbooks: loadPlaybooks(),
    now: NOW
  })
  findings = listFindings(c.db)
}, 120_000)
afterAll(() => c?.close())

const target = (resource: string): FixTarget => {
  const f = findings.find((x) => x.resource.id === resource)!
  return {
    finding: f.id,
    control: f.control,
    resourceId: f.resource.id,
    resourceType: f.resource.type,
    account: f.resource.account,
    region: f.resource.region,
    name: f.resource.name
  }
}

describe('the fix of an IaC finding', () => {
  it('is the code change, with what terraform apply will do to the deployed twin (the folder’s live fix) and the revert as rollback', () => {
    const t = target('infra/modules/db/main.tf#aws_db_instance.this')
    const fix = renderFix(c.db, t, 'P-1')
    expect(fix.artefacts.map((a) => `${a.kind}/${a.language} ${a.name}`)).toEqual([`code-change/hcl ${t.finding}.code-change.hcl`, `procedure/markdown ${t.finding}.apply.md`])
    const [tf, apply] = fix.artefacts
    expect(tf.content).toContain('resource "aws_db_instance" "this" {')
    expect(tf.content).toContain('publicly_accessible = false')
    expect(tf.content).toContain('arn:aws:rds:us-east-1:111122223333:db:orders-db (module.orders.aws_db_instance.this in iac/terraform-state/acme-prod.json)')
    expect(apply.content).toContain('aws rds modify-db-instance')
    expect(apply.content).toContain('orders-db')
    expect(fix.rollback).toHaveLength(1)
    expect(fix.rollback[0].content).toMatch(/git revert/)
    expect(fix.rollback[0].content).toContain('--publicly-accessible')
    expect(fix.validation).toContain('--rescan')
    expect(fix.notes.join('\n')).toContain('maintenance window')
    // the inputs hash covers the twin's live configuration: the same evidence, the same inputs
    const inputs = readFixInputs(c.db, t)
    expect(inputs).toEqual(readFixInputs(c.db, t))
    expect(inputs.collectedAt).toBe('2026-11-20T10:00:00Z')
  })

  it('with no twin in evidence, the code change alone, saying that a state not in evidence may hold it', () => {
    const fix = renderFix(c.db, target('infra/rds/main.tf#aws_db_instance.archive'), 'P-2')
    expect(fix.artefacts.map((a) => a.kind)).toEqual(['code-change'])
    expect(fix.artefacts[0].content).toContain(
      'No deployed twin in the Terraform states in evidence (iac/terraform-state/acme-prod.json, iac/terraform-state/acme-staging.tfstate)'
    )
    expect(fix.rollback[0].content).toMatch(/git revert/)
  })

  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0
  it.runIf(terraform)('the code change is what `terraform fmt` writes', () => {
    for (const r of ['infra/modules/db/main.tf#aws_db_instance.this', 'infra/rds/main.tf#aws_db_instance.archive', 'infra/rds/main.tf#aws_db_instance.reports']) {
      const tf = renderFix(c.db, target(r), 'P-3').artefacts[0].content
      const out = spawnSync('terraform', ['fmt', '-'], { input: tf, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } })
      expect(out.status, out.stderr).toBe(0)
      expect(out.stdout).toBe(tf)
    }
  })
})
