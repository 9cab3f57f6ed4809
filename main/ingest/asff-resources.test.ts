import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ANALYST, caseForEachTest, FIXTURES } from '../../test/fixtures/ingest/support'
import { listFindings } from '../case/findings'
import { importFile } from './importer'
import type { ImportSummary } from './types'

const t = caseForEachTest('asff')

function imp(path: string): ImportSummary {
  return importFile(t.c, path, { actor: ANALYST, now: t.now, displayName: path.slice(path.lastIndexOf('/') + 1) })
}

type Row = { tool_finding_id: string; rule_id: string; rule_kind: string; control: string; resource: string; resource_type: string; closed_at: string | null }
function alerts(): Row[] {
  return t.c.db
    .prepare(
      `SELECT a.tool_finding_id, a.rule_id, a.rule_kind, a.control, a.closed_at, r.canonical_id AS resource, r.type AS resource_type
       FROM alerts a JOIN resources r ON r.id = a.resource_id ORDER BY a.id`
    )
    .all() as Row[]
}

type Finding = Record<string, unknown> & { Id: string; Resources: Array<Record<string, unknown>>; LastObservedAt: string }
const sample = (): Finding[] => (JSON.parse(readFileSync(join(FIXTURES, 'real/awssecurityhub/inspector_ecr.json'), 'utf8')) as { Findings: Finding[] }).Findings

describe('ASFF findings with several resources', () => {
  it('gives each resource of Resources[] its own alert, told apart by the resource id, matched again whatever the order', () => {
    const [first, second] = sample()
    // one Inspector finding on two images (the second image is the one of the sample's second finding)
    const both = { ...first, Resources: [first.Resources[0], second.Resources[0]] }
    const s1 = imp(writeFindings('scan1.json', [both]))
    expect(s1).toMatchObject({ records: 1, alerts: 2, new: 2, findings: { new: 2 } })
    const ecr = (repo: string, digest: string): string => `123456789012.dkr.ecr.eu-central-1.amazonaws.com/${repo}@${digest}`
    const a = ecr('repo-os', 'sha256:af965ef68c78374a5f987fce98c0ddfa45801df2395bf012c50b863e65978d74')
    const b = ecr('repo-gomod', 'sha256:a94c3dfd6c8ecb573a30fae7c18cf682de4b6c16f3c7250c107de1770db41220')
    expect(alerts().map((x) => [x.tool_finding_id, x.resource, x.control])).toEqual([
      [`${first.Id}|${first.Resources[0].Id as string}`, a, 'container.image.vulnerable'],
      [`${first.Id}|${second.Resources[0].Id as string}`, b, 'container.image.vulnerable']
    ])

    // a later export lists the resources the other way round: the same two alerts, updated
    const s2 = imp(writeFindings('scan2.json', [{ ...both, Resources: [...both.Resources].reverse(), LastObservedAt: '2023-09-06T21:11:07Z' }]))
    expect(s2).toMatchObject({ alerts: 2, new: 0, updated: 2, closed: 0, findings: { new: 0, resolved: 0 } })

    // the finding no longer names the second image: its alert closes and that image's finding resolves
    const s3 = imp(writeFindings('scan3.json', [{ ...first, LastObservedAt: '2023-09-13T21:11:07Z' }]))
    expect(s3.findings).toMatchObject({ new: 0, resolved: 1 })
    const open = listFindings(t.c.db).filter((f) => f.status === 'open')
    expect(open.map((f) => f.resource.id)).toEqual([a])
  })

  it('a resource listed twice in one finding is one alert', () => {
    const [first] = sample()
    const s = imp(writeFindings('twice.json', [{ ...first, Resources: [first.Resources[0], first.Resources[0], { Type: 'AwsAccount', Id: 'AWS::::Account:123456789012' }] }]))
    expect(s).toMatchObject({ records: 1, alerts: 2 })
  })
})

describe('Inspector findings', () => {
  it('on EC2 instances: typed as instances; findings without Vulnerabilities (network reachability) keep distinct rules', () => {
    const s = imp(join(FIXTURES, 'written/inspector-ec2.json'))
    expect(s).toMatchObject({ format: 'asff', alerts: 3, findings: { new: 3 } })
    const instance = 'arn:aws:ec2:eu-central-1:123456789012:instance/i-0a1b2c3d4e5f60718'
    expect(alerts().map((x) => [x.rule_kind, x.rule_id, x.resource, x.resource_type])).toEqual([
      ['vulnerability', 'CVE-2023-2650', instance, 'aws.ec2.instance'],
      ['check', 'Port 22 is reachable from an Internet Gateway - TCP', instance, 'aws.ec2.instance'],
      ['check', 'Port 3389 is reachable from an Internet Gateway - TCP', instance, 'aws.ec2.instance']
    ])
    expect(new Set(alerts().map((x) => x.control)).size).toBe(3)
  })
})

function writeFindings(name: string, findings: unknown[]): string {
  const p = join(t.dir, name)
  writeFileSync(p, JSON.stringify({ Findings: findings }, null, 2))
  return p
}
