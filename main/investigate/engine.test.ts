import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import type { StepAnswer } from '../../shared/model'
import { LastmileError } from '../errors'
import { playbookWindow } from '../case/evidence'
import { applyRules, deriveRci } from './engine'
import type { LoadedPlaybook, LoadedRule } from './loader'
import type { EvidenceView, FindingSubject, StepFunction } from './steps'

const rules: LoadedRule[] = [
  { when: { already: ['yes'] }, requires: [], verdict: 'SAFE', because: 'already done' },
  { when: { used: ['yes'] }, requires: [], verdict: 'UNSAFE', because: 'in use' },
  { when: { used: ['no'] }, requires: ['design'], verdict: 'SAFE', because: 'unused' },
  { when: {}, requires: [], verdict: 'RISKY', because: 'cannot tell' }
]
const answers = (a: Record<string, StepAnswer>) => new Map(Object.entries(a))

describe('verdict rules', () => {
  it('takes the first rule that holds', () => {
    expect(applyRules(rules, answers({ already: 'yes', used: 'yes', design: 'no' }))).toMatchObject({ verdict: 'SAFE', rule: 1, capped: null })
    expect(applyRules(rules, answers({ already: 'no', used: 'yes', design: 'no' }))).toMatchObject({ verdict: 'UNSAFE', rule: 2 })
    expect(applyRules(rules, answers({ already: 'no', used: 'no', design: 'no' }))).toMatchObject({ verdict: 'SAFE', rule: 3, because: 'unused', capped: null })
    expect(applyRules(rules, answers({ already: 'no', used: 'unknown', design: 'no' }))).toMatchObject({ verdict: 'RISKY', rule: 4 })
  })

  it('caps SAFE at RISKY when a step the matched rule requires answered unknown, and names it', () => {
    const r = applyRules(rules, answers({ already: 'no', used: 'no', design: 'unknown' }))
    expect(r).toMatchObject({ verdict: 'RISKY', rule: 3, capped: { from: 'SAFE', steps: ['design'] } })
    expect(r.because).toContain('unused — but capped at RISKY: design answered unknown')
  })

  it('does not cap on an unknown the matched rule does not depend on, and never caps UNSAFE', () => {
    expect(applyRules(rules, answers({ already: 'yes', used: 'unknown', design: 'unknown' }))).toMatchObject({ verdict: 'SAFE', capped: null })
    expect(applyRules(rules, answers({ already: 'unknown', used: 'yes', design: 'unknown' }))).toMatchObject({ verdict: 'UNSAFE', capped: null })
  })

  it('treats a step that gave no answer as unknown', () => {
    expect(applyRules(rules, answers({ already: 'no', design: 'no' }))).toMatchObject({ verdict: 'RISKY', rule: 4 })
  })

  it('ends the window where the evidence ends, never at the wall clock', () => {
    expect(playbookWindow('2026-11-20T00:00:00Z', 90)).toEqual({ from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' })
    expect(playbookWindow(null, 90)).toBeNull()
  })
})

describe('deriveRci', () => {
  const subject: FindingSubject = {
    ref: 'F-7',
    id: 7,
    control: 'aws.s3.https-only',
    resource: { id: 'arn:aws:s3:::b', type: 'aws.s3.bucket', account: '111122223333', region: 'us-east-1', name: 'b', environment: null },
    alerts: []
  }
  const ev = {} as EvidenceView
  const step = (name: string, run: () => ReturnType<StepFunction['run']>): StepFunction => ({ name, summary: name, resourceTypes: ['aws.s3.bucket'], params: z.object({}), run })
  const pb = (fns: StepFunction[]): LoadedPlaybook =>
    ({
      id: 'test.playbook',
      def: { version: 3, resourceTypes: ['aws.s3.bucket'], window: { days: 30 } },
      file: 'x.yaml',
      sha256: 'ab'.repeat(32),
      custom: true,
      steps: fns.map((fn, i) => ({ id: ['already', 'used', 'design'][i], question: `${fn.name}?`, fn, rawParams: {}, params: {} })),
      rules,
      verdicts: ['SAFE', 'RISKY', 'UNSAFE'],
      rulesByControl: {},
      fixturesDir: null
    }) as unknown as LoadedPlaybook
  const ok = (answer: StepAnswer) => () => ({ answer, explanation: answer, evidence: ['evf-2', 'evf-1', 'evf-2'], certainty: 'proven' as const, sources: [], windowed: true })

  it('is UNSCORED without a playbook, or for a resource type the playbook does not cover', () => {
    expect(deriveRci(null, subject, ev, { evidenceEnd: null, bundleOf: () => null })).toMatchObject({
      verdict: 'UNSCORED',
      rule: null,
      steps: [],
      because: 'no playbook serves the control aws.s3.https-only: the finding is not scored'
    })
    const other = { ...subject, resource: { ...subject.resource, type: 'aws.s3.object' } }
    expect(deriveRci(pb([]), other, ev, { evidenceEnd: null, bundleOf: () => null }).because).toContain("this finding's resource is a aws.s3.object")
  })

  it('records every step with its window, sorted evidence and the playbook pinned by hash', () => {
    const d = deriveRci(pb([step('a', ok('no')), step('b', ok('no')), step('c', ok('no'))]), subject, ev, {
      evidenceEnd: '2026-11-20T00:00:00Z',
      bundleOf: (id) => (id === 'evf-1' ? 'evb-1' : null)
    })
    expect(d).toMatchObject({
      verdict: 'SAFE',
      rule: 3,
      bundles: ['evb-1'],
      playbook: { id: 'test.playbook', version: 3, sha256: 'ab'.repeat(32), custom: true },
      window: { from: '2026-10-21T00:00:00Z', to: '2026-11-20T00:00:00Z' }
    })
    expect(d.steps[0]).toMatchObject({ id: 'already', answer: 'no', evidence: ['evf-1', 'evf-2'], window: { from: '2026-10-21T00:00:00Z' } })
  })

  it('answers unknown when a step cannot read its evidence, and still stops on a bug', () => {
    const broken = step('b', () => {
      throw new LastmileError('not-found', 'evidence file evf-9: not in this case')
    })
    const d = deriveRci(pb([step('a', ok('no')), broken, step('c', ok('no'))]), subject, ev, { evidenceEnd: null, bundleOf: () => null })
    expect(d.steps[1]).toMatchObject({ answer: 'unknown', explanation: 'the evidence for this step could not be read: evidence file evf-9: not in this case' })
    expect(d.verdict).toBe('RISKY')
    const bug = step('b', () => {
      throw new TypeError('x is undefined')
    })
    expect(() => deriveRci(pb([step('a', ok('no')), bug, step('c', ok('no'))]), subject, ev, { evidenceEnd: null, bundleOf: () => null })).toThrow(TypeError)
  })
})
