import { readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../../test/helpers/cli'
import { builtinPlaybooksDir } from '../../investigate/loader'

describe('lastmile controls', () => {
  it('lists the catalogue: every control folder with its rule ids and what Lastmile has for it', async () => {
    const r = await cli(['controls', '--json'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as Array<{ id: string; rules: Record<string, string[]>; evaluator: boolean; playbook: string | null; fix: boolean; guardrails: boolean }>
    const folders = readdirSync(builtinPlaybooksDir()).filter((n) => existsSync(join(builtinPlaybooksDir(), n, 'playbook.yaml')))
    expect(list.map((c) => c.id)).toEqual(expect.arrayContaining(folders))
    expect(list.find((c) => c.id === 'aws.s3.access-logging')).toMatchObject({
      rules: { securityhub: ['S3.9', 'cis-aws-foundations-benchmark/v/1.4.0/3.6'], prowler: ['s3_bucket_server_access_logging_enabled'] },
      effect: 'additive',
      effectBy: 'declared by playbooks/aws.s3.access-logging/playbook.yaml',
      evaluator: true,
      playbook: 'aws.s3.access-logging',
      fix: true,
      guardrails: true
    })
    // a folder control carries the published severity of the Security Hub control it covers (S3.5: medium)
    expect(list.find((c) => c.id === 'aws.s3.https-only')).toMatchObject({ severity: 'medium' })
    // container images: a fix only as the playbook's templates, found by kind rather than rule id
    expect(list.find((c) => c.id === 'container.image.vulnerable')).toMatchObject({ rules: {}, fix: true, effect: 'replacing' })
    // every control says what its fix does; the generated ones say which rule of the title table decided
    expect(list.every((c) => ['additive', 'restrictive', 'replacing'].includes((c as unknown as { effect: string }).effect))).toBe(true)
    expect(list.find((c) => c.rules.securityhub?.includes('RDS.4'))).toMatchObject({ effect: 'replacing', effectBy: expect.stringMatching(/^rule encrypt-existing-store/) })
  })

  it('people get a table with a line per control and the count', async () => {
    const r = await cli(['controls'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^CONTROL\s+TITLE\s+RESOURCE TYPE\s+FIX IS\s+RULES\s+LASTMILE HAS/)
    expect(r.stdout).toMatch(/aws\.ec2\.imdsv2\s+EC2 instances should require IMDSv2.*restrictive.*evaluator, playbook, fix, guardrails/)
    expect(r.stdout).toMatch(/\n\d+ controls; a tool rule mapped to none becomes its own control/)
    // a control without a playbook of its own is investigated generically, by what its fix does
    expect(r.stdout).toMatch(/aws\.rds\.4\s+RDS cluster snapshots and database snapshots should be encrypted at rest.*replacing.*generic replacing investigation/)
  })

  it('finds the control a rule lands on, and the controls of one tool', async () => {
    const r = await cli(['controls', '--find', 'rds_instance_no_public_access', '--json'])
    expect(r.code).toBe(0)
    const found = JSON.parse(r.stdout) as Array<{ id: string; rules: Record<string, string[]> }>
    expect(found.length).toBeGreaterThan(0)
    expect(
      found.every(
        (c) =>
          Object.values(c.rules)
            .flat()
            .some((id) => id.toLowerCase().includes('rds_instance_no_public_access')) || c.id.includes('rds_instance_no_public_access')
      )
    ).toBe(true)
    expect(found.some((c) => c.rules.securityhub?.includes('RDS.2'))).toBe(true)
    // a whole rule id names its control only: RDS.2 is not RDS.20
    const rds2 = JSON.parse((await cli(['controls', '--find', 'rds.2', '--json'])).stdout) as Array<{ rules: Record<string, string[]> }>
    expect(rds2).toHaveLength(1)
    expect(rds2[0].rules.securityhub).toContain('RDS.2')
    // other text searches titles
    const titles = JSON.parse((await cli(['controls', '--find', 'publicly accessible', '--json'])).stdout) as Array<{ title: string }>
    expect(titles.length).toBeGreaterThan(1)
    const text = await cli(['controls', '--tool', 'guardduty'])
    expect(text.stdout).toMatch(/\n\d+ of \d+ controls; /)
    expect(text.stdout).not.toMatch(/\naws\.s3\.https-only /)
  })
})
