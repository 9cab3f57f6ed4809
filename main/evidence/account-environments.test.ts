import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prowlerExport } from '../../test/fixtures/ingest/generate'
import { ANALYST, clock, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { importFile } from '../ingest/importer'
import { listAccountEnvironments } from './account-environments'
import { setAccountEnvironment } from './service'

const PROD = '111111111111'
const TEST = '222222222222'
const root = mkdtempSync(join(tmpdir(), 'lastmile-account-env-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('evidence.accountEnvironments', () => {
  let c: WritableCaseDb
  beforeAll(() => {
    c = freshCase(root)
    const file = join(root, 'prowler.json')
    writeFileSync(
      file,
      prowlerExport([
        { problem: 's3-https', account: PROD, region: 'us-east-1', n: 1 },
        { problem: 's3-https', account: TEST, region: 'eu-west-1', n: 2 },
        { problem: 'ssh-open', account: TEST, region: 'eu-west-1', n: 3 }
      ])
    )
    importFile(c, file, { actor: ANALYST, now: clock(), displayName: 'prowler.json' })
  })
  afterAll(() => c.close())

  it('lists every account of the findings as left to map while nothing is mapped, most findings first', () => {
    expect(listAccountEnvironments(c.db)).toEqual({
      mappings: [],
      unmapped: [
        { account: TEST, provider: 'aws', findings: 2 },
        { account: PROD, provider: 'aws', findings: 1 }
      ]
    })
  })

  it('lists a mapping with who set it and when, and no longer offers its account as unmapped', () => {
    setAccountEnvironment(c, PROD, 'prod', { actor: ANALYST, now: () => '2026-01-02T03:04:05.000Z' })
    // an account no finding mentions can be mapped too (the evidence may name it)
    setAccountEnvironment(c, '333333333333', 'dev', { actor: ANALYST, now: () => '2026-01-02T03:04:06.000Z' })
    expect(listAccountEnvironments(c.db)).toEqual({
      mappings: [
        { account: PROD, environment: 'prod', setAt: '2026-01-02T03:04:05.000Z', setBy: ANALYST, findings: 1 },
        { account: '333333333333', environment: 'dev', setAt: '2026-01-02T03:04:06.000Z', setBy: ANALYST, findings: 0 }
      ],
      unmapped: [{ account: TEST, provider: 'aws', findings: 2 }]
    })
  })

  it('offers an account again once its mapping is removed', () => {
    setAccountEnvironment(c, PROD, null, { actor: ANALYST })
    const map = listAccountEnvironments(c.db)
    expect(map.mappings.map((m) => m.account)).toEqual(['333333333333'])
    expect(map.unmapped.map((u) => u.account)).toEqual([TEST, PROD])
  })
})
