// The state machine on its own: every allowed step, and the sentence for every refused one.
import { describe, expect, it } from 'vitest'
import { WORKFLOW_STATES } from '../../shared/remediation'
import { allowedIn, nextState, TRANSITIONS, type WorkflowEvent } from './states'

describe('the workflow state machine', () => {
  it('follows the happy path from new to closed', () => {
    const path: Array<[WorkflowEvent, string]> = [
      ['plan', 'planned'],
      ['approve', 'approved'],
      ['execute', 'remediated'],
      ['validate-pass', 'closed'],
      ['regress', 'regression'],
      ['plan', 'planned']
    ]
    let s: (typeof WORKFLOW_STATES)[number] = 'new'
    for (const [event, to] of path) {
      s = nextState('F-1', s, event)
      expect(s).toBe(to)
    }
  })

  it('refuses every step that is not in the table, naming the state and what is allowed', () => {
    let refused = 0
    for (const from of WORKFLOW_STATES) {
      for (const event of Object.keys(TRANSITIONS) as WorkflowEvent[]) {
        if (TRANSITIONS[event].from.includes(from)) continue
        refused++
        expect(() => nextState('F-7', from, event)).toThrow(/^F-7 is .+: it cannot .+ now; (allowed: .+|nothing is allowed until it changes)$/)
      }
    }
    expect(refused).toBeGreaterThan(50)
    expect(() => nextState('F-7', 'remediated', 'approve')).toThrow('F-7 is remediated, awaiting validation: it cannot approve it now; allowed: validate it (lastmile validate)')
    expect(() => nextState('F-7', 'closed', 'execute')).toThrow('F-7 is closed (validated): it cannot record its execution now; allowed: validate it (lastmile validate)')
  })

  it('says what a person can do in each state', () => {
    expect(allowedIn('planned')).toEqual([
      'plan it (lastmile plan)',
      'approve it (lastmile approve)',
      'reject it (lastmile reject)',
      'route it to its owner (lastmile route)',
      'suppress it or accept its risk (lastmile suppress / accept-risk)'
    ])
    expect(allowedIn('remediated')).toEqual(['validate it (lastmile validate)'])
  })
})
