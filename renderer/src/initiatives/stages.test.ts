import { describe, expect, it } from 'vitest'
import type { InitiativeView } from '../../../shared/ingest'
import { stageOf } from './stages'

function initiative(findings: number, rci: Partial<InitiativeView['rci']>, resolved = 0): InitiativeView {
  return {
    id: 'I-1',
    control: 'aws.s3.https-only',
    controls: ['aws.s3.https-only'],
    title: 'S3 buckets should require requests to use HTTPS',
    findings,
    resolved,
    suppressed: 0,
    alerts: findings,
    resources: findings,
    tools: ['securityhub'],
    accounts: 1,
    accountIds: ['111122223333'],
    severity: { informational: 0, low: 0, medium: findings, high: 0, critical: 0 },
    rci: { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0, ...rci },
    regressions: 0,
    origin: 'auto',
    parent: null,
    selectors: []
  }
}

describe('the stage of an initiative', () => {
  it('is new while no open finding has a verdict, investigating when some do, ready when all do', () => {
    expect(stageOf(initiative(3, { UNSCORED: 3 }))).toBe('new')
    expect(stageOf(initiative(3, { UNSCORED: 2, SAFE: 1 }))).toBe('investigating')
    expect(stageOf(initiative(3, { SAFE: 1, RISKY: 1, UNSAFE: 1 }))).toBe('ready')
  })

  it('is validated when a later scan resolved every finding, and none when people set them all aside', () => {
    expect(stageOf(initiative(0, {}, 4))).toBe('validated')
    expect(stageOf(initiative(0, {}, 0))).toBeNull()
    // one finding still open keeps it in the work, whatever was resolved
    expect(stageOf(initiative(1, { UNSCORED: 1 }, 9))).toBe('new')
  })
})
