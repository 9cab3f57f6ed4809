import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { terraformShowJson, terraformStateV4, type TfResource } from '../../test/casegen/world'
import { CONTROL_CODE } from './registry'
import { alignHcl, arnAttribute, deployedTwins, findTwins, iacParts, terraformTypeOf, twinOutcome, twinSubject, type TwinType } from './iac-twin'
import type { EvidenceView, FindingSubject } from './step'

const ARN = (id: string) => `arn:aws:rds:us-east-1:111122223333:db:${id}`
const db = (address: string, name: string, id: string, index?: number): TfResource => ({ address, type: 'aws_db_instance', name, index, values: { arn: ARN(id), identifier: id } })

/** An evidence view over Terraform state files only (what the twin search reads). */
function view(states: Array<{ path: string; json?: unknown; stored?: 'blob' | 'hash-only'; addedAt?: string }>, inventory: string[] = []): EvidenceView {
  const files: EvidenceFileSummary[] = states.map((s, i) => ({
    id: `evf-${i}`,
    kind: 'iac.terraform-state',
    path: s.path,
    sha256: '0'.repeat(64),
    bytes: 1,
    addedAt: s.addedAt ?? '2026-11-20T10:00:00Z',
    bundle: 'evb-1',
    stored: s.stored ?? 'blob',
    status: 'read',
    problem: null
  }))
  return {
    files: () => files,
    bytes: (id: string) => {
      const s = states[Number(id.slice(4))]
      return s.stored === 'hash-only' ? null : Buffer.from(JSON.stringify(s.json))
    },
    resourcesWith: () => inventory
  } as unknown as EvidenceView
}

const RDS: TwinType = { resourceType: 'aws.rds.db-instance', deployed: arnAttribute, change: () => ({ summary: '', hcl: '', notes: [] }) }

describe('finding an IaC finding’s deployed twin', () => {
  const prod = terraformShowJson([
    db('aws_db_instance.reports', 'reports', 'reports-db'),
    db('aws_db_instance.replica[0]', 'replica', 'replica-a', 0),
    db('aws_db_instance.replica[1]', 'replica', 'replica-b', 1),
    db('module.orders.aws_db_instance.this', 'this', 'orders-db'),
    db('module.billing.aws_db_instance.this', 'this', 'billing-db')
  ])

  it('by the same address, every count instance of it, in every state; the id from the state values', () => {
    const ev = view([
      { path: 'iac/terraform-state/prod.json', json: prod },
      { path: 'iac/terraform-state/dr.tfstate', json: terraformStateV4([db('aws_db_instance.reports', 'reports', 'reports-dr')]) }
    ])
    const s = findTwins(ev, 'infra/rds.tf#aws_db_instance.reports', 'aws_db_instance', RDS)!
    expect(deployedTwins(s).map((t) => t.id)).toEqual([ARN('reports-db'), ARN('reports-dr')])
    expect(s.byLocalAddress).toBe(false)
    const replicas = findTwins(ev, 'infra/rds.tf#aws_db_instance.replica', 'aws_db_instance', RDS)!
    expect(deployedTwins(replicas).map((t) => t.id)).toEqual([ARN('replica-a'), ARN('replica-b')])
    // a finding naming one instance gets that one
    expect(deployedTwins(findTwins(ev, 'infra/rds.tf#aws_db_instance.replica[1]', 'aws_db_instance', RDS)!).map((t) => t.id)).toEqual([ARN('replica-b')])
    const o = twinOutcome(s, 'aws_db_instance')
    expect(o.answer).toBe('yes')
    expect(o.certainty).toBe('proven')
    expect(o.explanation).toContain('2 deployed twins')
    expect(o.evidence).toEqual(['evf-0', 'evf-1'])
  })

  it("a module's file: every module path that applies it, said as inferred; a module-qualified address only under that path", () => {
    const ev = view([{ path: 'iac/terraform-state/prod.json', json: prod }])
    const s = findTwins(ev, 'modules/db/main.tf#aws_db_instance.this', 'aws_db_instance', RDS)!
    expect(s.byLocalAddress).toBe(true)
    expect(deployedTwins(s).map((t) => t.id)).toEqual([ARN('billing-db'), ARN('orders-db')])
    const o = twinOutcome(s, 'aws_db_instance')
    expect(o.certainty).toBe('inferred')
    expect(o.explanation).toContain('under 2 module paths')
    const one = findTwins(ev, 'main.tf#module.orders.aws_db_instance.this', 'aws_db_instance', RDS)!
    expect(deployedTwins(one).map((t) => t.id)).toEqual([ARN('orders-db')])
  })

  it('not found, no state, a state kept as its hash only, no id in the values: unknown, and why', () => {
    const none = twinOutcome(findTwins(view([]), 'a.tf#aws_db_instance.x', 'aws_db_instance', RDS)!, 'aws_db_instance')
    expect(none).toMatchObject({ answer: 'unknown', evidence: [] })
    expect(none.explanation).toContain('no Terraform state is in evidence')
    const ev = view([
      { path: 'iac/terraform-state/prod.json', json: prod },
      { path: 'iac/terraform-state/big.json', stored: 'hash-only' }
    ])
    const missing = twinOutcome(findTwins(ev, 'a.tf#aws_db_instance.archive', 'aws_db_instance', RDS)!, 'aws_db_instance')
    expect(missing.answer).toBe('unknown')
    expect(missing.explanation).toContain('is in none of the 1 Terraform state in evidence (iac/terraform-state/prod.json)')
    expect(missing.explanation).toContain('big.json was kept as its hash only')
    expect(missing.explanation).toContain('a state not in evidence')
    const noArn = view([
      { path: 'iac/terraform-state/p.json', json: terraformShowJson([{ address: 'aws_db_instance.x', type: 'aws_db_instance', name: 'x', values: { id: 'x' } }]) }
    ])
    const o = twinOutcome(findTwins(noArn, 'a.tf#aws_db_instance.x', 'aws_db_instance', RDS)!, 'aws_db_instance')
    expect(o.answer).toBe('unknown')
    expect(o.explanation).toContain('give no id of the deployed resource')
    // a later bundle's copy of the same path replaces the earlier
    const later = view([
      { path: 'iac/terraform-state/prod.json', json: prod, addedAt: '2026-11-20T10:00:00Z' },
      { path: 'iac/terraform-state/prod.json', json: terraformShowJson([]), addedAt: '2026-11-21T10:00:00Z' }
    ])
    expect(twinOutcome(findTwins(later, 'a.tf#aws_db_instance.reports', 'aws_db_instance', RDS)!, 'aws_db_instance').answer).toBe('unknown')
  })

  it('ids and types: <file>#<address>, iac.<terraform type>; the twin subject is the deployed resource', () => {
    expect(iacParts('infra/a.tf#aws_instance.web')).toEqual({ file: 'infra/a.tf', address: 'aws_instance.web' })
    expect(iacParts('infra/Dockerfile#L1')).toBeNull()
    expect(iacParts('infra/a.tf')).toBeNull()
    expect(terraformTypeOf('iac.aws_db_instance')).toBe('aws_db_instance')
    expect(terraformTypeOf('iac.file')).toBeNull()
    expect(terraformTypeOf('iac.module')).toBeNull()
    const f: FindingSubject = {
      ref: 'F-1',
      id: 1,
      control: 'aws.rds.public-access',
      resource: { id: 'a.tf#aws_db_instance.x', type: 'iac.aws_db_instance', account: null, region: null, name: 'aws_db_instance.x', environment: null },
      alerts: []
    }
    expect(twinSubject(f, ARN('x-db'), 'aws.rds.db-instance').resource).toEqual({
      id: ARN('x-db'),
      type: 'aws.rds.db-instance',
      account: '111122223333',
      region: 'us-east-1',
      name: 'x-db',
      environment: null
    })
  })
})

describe('the code change of each folder that declares IaC twins', () => {
  const declared = CONTROL_CODE.flatMap((m) => Object.entries(m.iac?.terraform ?? {}).map(([type, spec]) => ({ control: m.id, type, spec })))

  it('aligns arguments as terraform fmt does', () => {
    expect(alignHcl(['  a = 1', '  long_name = "x"', '  block {', '    b = 2', '  }'])).toEqual(['  a         = 1', '  long_name = "x"', '  block {', '    b = 2', '  }'])
  })

  it('the folders wired for the real exports declare their Terraform types', () => {
    expect(declared.map((d) => `${d.control} ${d.type}`)).toEqual(
      expect.arrayContaining([
        'aws.ec2.imdsv2 aws_instance',
        'aws.rds.public-access aws_db_instance',
        'aws.rds.storage-encrypted aws_db_instance',
        'aws.s3.public-access aws_s3_bucket',
        'aws.s3.public-access aws_s3_bucket_policy'
      ])
    )
    const imds = declared.find((d) => d.type === 'aws_instance')!.spec
    const plain = imds.change({ type: 'aws_instance', name: 'web', address: 'aws_instance.web', values: null })
    expect(plain.hcl).toContain('http_tokens   = "required"')
    expect(plain.hcl).not.toContain('hop_limit')
    const node = imds.change({
      type: 'aws_instance',
      name: 'node',
      address: 'aws_instance.node',
      values: { tags: { 'eks:cluster-name': 'prod' }, metadata_options: [{ http_put_response_hop_limit: 1 }] }
    })
    expect(node.hcl).toContain('http_put_response_hop_limit = 2')
    expect(node.notes[0]).toContain('eks:cluster-name')
  })

  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0
  it.runIf(terraform)('every rendered change is what `terraform fmt` writes', () => {
    for (const d of declared) {
      for (const values of [null, { tags: { 'eks:cluster-name': 'prod' }, metadata_options: [{ http_put_response_hop_limit: 1 }], bucket: 'b' }]) {
        const hcl = d.spec.change({ type: d.type, name: 'this', address: `${d.type}.this`, values }).hcl
        const r = spawnSync('terraform', ['fmt', '-'], { input: hcl, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } })
        expect(r.status, `${d.control} ${d.type}: ${r.stderr}`).toBe(0)
        expect(r.stdout, `${d.control} ${d.type}`).toBe(hcl)
      }
    }
  })
})
