import { describe, expect, it } from 'vitest'
import { loadControls, type ControlTable } from './catalogue'
import { controlCode } from './registry'
import { controlView } from './view'

describe("a control as a finding's page shows it", () => {
  it('a catalogued control: its title, resource type and every tool rule id it covers', () => {
    const v = controlView('aws.s3.https-only')
    expect(v).toMatchObject({ id: 'aws.s3.https-only', title: 'S3 buckets should require requests to use HTTPS', catalogued: true, resourceType: 'aws.s3.bucket' })
    expect(v).toMatchObject({ effect: 'restrictive', effectBy: 'declared by playbooks/aws.s3.https-only/playbook.yaml' })
    // its folder's control.ts renders the fix; a catalogued control without code has none
    expect(v.fix).toBe(true)
    const plain = loadControls().controls.find((c) => !controlCode(c.id))!
    expect(controlView(plain.id)).toMatchObject({ catalogued: true, fix: false })
    expect(v.rules).toMatchObject({
      securityhub: expect.arrayContaining(['S3.5']),
      config: expect.arrayContaining(['s3-bucket-ssl-requests-only']),
      prowler: expect.arrayContaining(['s3_bucket_secure_transport_policy'])
    })
    // the rules are the catalogue's: every rule the view names resolves to the control
    const table = loadControls()
    for (const [tool, ids] of Object.entries(v.rules)) for (const id of ids) expect(table.resolve(tool, id, 'check', 'aws.s3.bucket')).toBe('aws.s3.https-only')
  })

  it('a control that takes rules by kind says so', () => {
    expect(controlView('container.image.vulnerable')).toMatchObject({ catalogued: true, match: [{ kind: 'vulnerability', resourceType: 'container.image' }] })
  })

  it('a per-tool control is its one rule of its one tool, not catalogued, with no title of its own', () => {
    expect(controlView('securityhub.Macie.1')).toEqual({
      id: 'securityhub.Macie.1',
      title: null,
      catalogued: false,
      resourceType: null,
      rules: { securityhub: ['Macie.1'] },
      match: [],
      // nothing says what its fix does: restrictive, which never promises SAFE from generic evidence
      effect: 'restrictive',
      effectBy: 'not in the catalogue: restrictive by default',
      // nor does Lastmile render one: such a finding is routed to its owner
      fix: false
    })
    // what the importer makes of a rule the catalogue does not map is what the view takes apart
    const table = loadControls()
    const control = table.resolve('prowler', 'made_up_check_for_the_test', 'check', 'aws.s3.bucket')
    expect(controlView(control).rules).toEqual({ prowler: ['made_up_check_for_the_test'] })
    // an id that is no tool's is shown as it is, with no rule invented for it
    expect(controlView('nothing-known')).toMatchObject({ catalogued: false, rules: {} })
  })

  it("carries the catalogue's severity, frameworks, source and why when its row gives them, and omits what it does not", () => {
    const table = loadControls()
    // a generated row (CloudTrail.4: no control folder)
    const trail = table.resolve('securityhub', 'CloudTrail.4', 'check', 'aws.cloudtrail.trail')
    const row = table.row(trail)!
    expect(row.severity).not.toBeNull()
    expect(Object.keys(row.frameworks ?? {})).not.toEqual([])
    const v = controlView(trail)
    expect(v).toMatchObject({ id: trail, catalogued: true, severity: row.severity, frameworks: row.frameworks, source: row.source })
    expect(v.rules).toMatchObject({ securityhub: expect.arrayContaining(['CloudTrail.4']), prowler: expect.arrayContaining(['cloudtrail_log_file_validation_enabled']) })
    // a row without them: the view has no empty severity, frameworks, source or why
    const plain = { ...row, severity: null, frameworks: {}, source: [], why: null }
    const fake = { row: () => plain, tools: new Set<string>() } as unknown as ControlTable
    expect(Object.keys(controlView(trail, fake)).sort()).toEqual(['catalogued', 'effect', 'effectBy', 'fix', 'id', 'match', 'resourceType', 'rules', 'title'])
    expect(controlView(trail, { row: () => ({ ...plain, why: 'EC2.13 and EC2.14 are one fix' }), tools: new Set<string>() } as unknown as ControlTable).why).toBe(
      'EC2.13 and EC2.14 are one fix'
    )
  })
})
