// The resource-policy kit's "who used it" answer over a stub of the evidence: callers judged
// against what the fix leaves, and what keeps "nobody" from being said.
import { describe, expect, it } from 'vitest'
import type { Coverage } from '../../shared/evidence'
import type { EvidenceView, StepContext } from './step'
import { outsideCallersOutcome, type PolicyServiceSpec } from './resource-policy'
import { readResourcePolicy } from '../semantics/iam-policy'

const A = '111122223333'
const Q = `arn:aws:sqs:us-east-1:${A}:q`
const SPEC: PolicyServiceSpec = { service: 'sqs', noun: 'SQS queue', file: 'sqs-queues.json', dataType: null, actionOf: (e) => `sqs:${e}` }
const policy = JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q }] })
const covered = { state: 'covered', evidence: [], gaps: [], problems: [], notes: [], records: 10, files: 1, window: null } as unknown as Coverage

function ctx(o: { callers?: unknown[]; files?: Array<{ kind: string; path: string }> }): StepContext {
  const facts: Record<string, unknown> = {
    'resource-policy.config': {
      service: 'sqs',
      account: A,
      region: 'us-east-1',
      arn: Q,
      name: 'q',
      policy,
      policyError: null,
      public: readResourcePolicy('sqs', policy).ok ? [{ index: 0, sid: 'Open', why: 'statement 1 allows sqs:SendMessage to Principal "*"' }] : [],
      detail: {}
    },
    'activity.aws.cloudtrail.calls': o.callers ? { events: o.callers.length, dataEvents: 0, callers: o.callers, callersTruncated: false } : undefined
  }
  const ev = {
    config: (_id: string, facet: string) => (facts[facet] ? { value: facts[facet], evidence: [] } : null),
    coverage: () => covered,
    files: () => o.files ?? []
  } as unknown as EvidenceView
  return { finding: { resource: { id: Q, name: 'q' } } as StepContext['finding'], window: { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' }, ev }
}

const partner = {
  principal: 'arn:aws:iam::444455556666:role/p',
  account: '444455556666',
  kind: 'other-account',
  events: 3,
  errors: 0,
  first: 1790000000,
  last: 1790000000,
  actions: ['SendMessage']
}

describe('outsideCallersOutcome', () => {
  it('names a caller of another account the fix cuts off (yes), and says no when CloudTrail covers the window and nobody outside used it', () => {
    expect(outsideCallersOutcome(ctx({ callers: [partner] }), SPEC)).toMatchObject({ answer: 'yes', explanation: expect.stringContaining('444455556666:role/p') })
    expect(outsideCallersOutcome(ctx({ callers: [] }), SPEC)).toMatchObject({ answer: 'no' })
  })
  it('a caller whose every call was refused did not use the grant', () => {
    expect(outsideCallersOutcome(ctx({ callers: [{ ...partner, errors: 3 }] }), SPEC)).toMatchObject({ answer: 'no' })
  })
  it('CloudTrail as Lake/Athena answers holds no callers: unknown, never "nobody"', () => {
    const o = outsideCallersOutcome(ctx({ callers: [], files: [{ kind: 'aws.cloudtrail-query', path: `aws/${A}/cloudtrail-query/lake.json` }] }), SPEC)
    expect(o).toMatchObject({ answer: 'unknown', explanation: expect.stringContaining('query answers') })
  })
})
