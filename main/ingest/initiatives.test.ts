import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asffExport, prowlerExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, clock, freshCase } from '../../test/fixtures/ingest/support'
import { listAudit } from '../audit/chain'
import type { WritableCaseDb } from '../db/case-db'
import { isLastmileError } from '../errors'
import { listFindings } from '../case/findings'
import { importFile } from './importer'
import { listInitiatives, mergeInitiatives, renameInitiative, splitInitiative } from './initiatives'

const root = mkdtempSync(join(tmpdir(), 'lastmile-initiatives-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let c: WritableCaseDb
let dir: string
let now: () => string
let n = 0
beforeEach(() => {
  dir = join(root, `t${++n}`)
  mkdirSync(dir)
  c = freshCase(dir)
  now = clock()
})
afterEach(() => c.close())

const A = '111111111111'
const B = '222222222222'
const C = '333333333333'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`

function imp(name: string, content: string): void {
  const p = join(dir, name)
  writeFileSync(p, content)
  importFile(c, p, { actor: ANALYST, now, displayName: name })
}

function byControl(control: string) {
  const all = listInitiatives(c.db).filter((i) => i.controls.includes(control))
  return all
}

describe('initiatives', () => {
  it('group findings by control, with resources, alerts, tools, accounts and the severity mix', () => {
    const alarms: Alarm[] = [
      { problem: 's3-https', account: A, region: 'us-east-1', n: 1 },
      { problem: 's3-https', account: A, region: 'us-east-1', n: 2 },
      { problem: 's3-https', account: B, region: 'eu-west-1', n: 1 },
      { problem: 'rds-public', account: B, region: 'eu-west-1', n: 1 }
    ]
    imp('sh.json', asffExport(alarms))
    imp('prowler.json', prowlerExport(alarms.slice(0, 2)))
    const [https] = byControl('aws.s3.https-only')
    expect(https).toMatchObject({
      title: 'S3 buckets should require requests to use HTTPS',
      findings: 3,
      resources: 3,
      alerts: 5,
      tools: ['prowler', 'securityhub'],
      accounts: 2,
      accountIds: [A, B],
      severity: { informational: 0, low: 0, medium: 3, high: 0, critical: 0 },
      rci: { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 3 }
    })
    // a control folder that takes a catalogued rule (RDS.2) is its own initiative, titled by the folder
    const [rds] = byControl('aws.rds.public-access')
    expect(rds).toMatchObject({
      findings: 1,
      severity: { critical: 1 },
      title: 'RDS DB instances should prohibit public access, as determined by the PubliclyAccessible configuration'
    })
  })

  it('a split by account is kept across re-imports: new findings follow it, new accounts go to the original', () => {
    imp(
      'scan1.json',
      asffExport([
        { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
        { problem: 's3-https', account: B, region: 'us-east-1', n: 1, observedAt: at(1) }
      ])
    )
    const [original] = byControl('aws.s3.https-only')
    const made = splitInitiative(c, original.id, 'account', ANALYST, now)
    expect(made.map((i) => [i.title, i.findings, i.selectors[0].account])).toEqual([
      ['S3 buckets should require requests to use HTTPS — account 111111111111', 1, A],
      ['S3 buckets should require requests to use HTTPS — account 222222222222', 1, B]
    ])
    imp(
      'scan2.json',
      asffExport([
        { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(8) },
        { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(8) },
        { problem: 's3-https', account: C, region: 'us-east-1', n: 1, observedAt: at(8) }
      ])
    )
    const counts = Object.fromEntries(byControl('aws.s3.https-only').map((i) => [i.id, i.findings]))
    expect(counts).toEqual({ [made[0].id]: 2, [made[1].id]: 1, [original.id]: 1 })
    const inC = listFindings(c.db).find((f) => f.resource.account === C)
    expect(inC?.initiative).toBe(original.id)
    const audit = listAudit(c.db, 0, 50).entries.find((e) => e.action === 'initiative.split')
    expect(audit).toMatchObject({ actor: ANALYST, target: original.id, details: { by: 'account', created: made.map((i) => i.id) } })
  })

  it('splits by environment (from resource tags), and refuses a split with nothing to split', () => {
    imp(
      'p.json',
      prowlerExport([
        { problem: 'imdsv2', account: A, region: 'us-east-1', n: 0 },
        { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1 }
      ])
    )
    const [ini] = byControl('aws.ec2.imdsv2')
    const made = splitInitiative(c, ini.id, 'environment', ANALYST, now)
    expect(made.map((i) => i.selectors[0].environment).sort()).toEqual(['prod', 'staging'])
    try {
      splitInitiative(c, made[0].id, 'account', ANALYST, now)
      throw new Error('split accepted')
    } catch (e) {
      expect(isLastmileError(e) && e.code).toBe('conflict')
      expect((e as Error).message).toMatch(/its findings are all in one account; there is nothing to split/)
    }
  })

  it('a merge is kept across re-imports, and the merged initiative cannot be used again', () => {
    imp(
      'scan1.json',
      asffExport([
        { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
        { problem: 's3-pab', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }
      ])
    )
    const [https] = byControl('aws.s3.https-only')
    const [pab] = byControl('aws.s3.public-access-block')
    const merged = mergeInitiatives(c, https.id, pab.id, ANALYST, now)
    expect(merged).toMatchObject({ id: https.id, findings: 2, controls: ['aws.s3.https-only', 'aws.s3.public-access-block'] })
    renameInitiative(c, https.id, 'S3 hardening', ANALYST, now)
    imp(
      'scan2.json',
      asffExport([
        { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(8) },
        { problem: 's3-pab', account: A, region: 'us-east-1', n: 1, observedAt: at(8) },
        { problem: 's3-pab', account: A, region: 'us-east-1', n: 2, observedAt: at(8) }
      ])
    )
    expect(listInitiatives(c.db).map((i) => [i.id, i.title, i.findings])).toEqual([[https.id, 'S3 hardening', 3]])
    expect(() => splitInitiative(c, pab.id, 'account', ANALYST, now)).toThrow(new RegExp(`${pab.id}: was merged into ${https.id}`))
    const actions = listAudit(c.db, 0, 50).entries.map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['initiative.merge', 'initiative.rename']))
  })
})
