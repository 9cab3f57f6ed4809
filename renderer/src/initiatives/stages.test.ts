import { describe, expect, it } from 'vitest'
import { WORKFLOW_STATES, type BoardInitiative, type BoardStage, type WorkflowState } from '../../../shared/remediation'
import { stageOf } from './stages'

function initiative(stage: BoardStage, total: number, over: Partial<Record<WorkflowState, number>> = {}, setAside = { suppressed: 0, accepted: 0 }): BoardInitiative {
  return {
    id: 'I-1',
    title: 'S3 buckets should require requests to use HTTPS',
    control: 'aws.s3.https-only',
    stage,
    states: { ...(Object.fromEntries(WORKFLOW_STATES.map((s) => [s, 0])) as Record<WorkflowState, number>), ...over },
    stages: { new: 0, investigated: 0, planned: 0, approved: 0, remediated: 0, validated: 0, [stage]: total },
    ...setAside,
    regressions: [],
    drifted: [],
    total
  }
}

describe('the board column of an initiative', () => {
  it('is the workflow stage while findings are in it', () => {
    expect(stageOf(initiative('new', 3, { new: 3 }))).toBe('new')
    expect(stageOf(initiative('planned', 3, { planned: 2, approved: 1 }))).toBe('planned')
    expect(stageOf(initiative('validated', 2, { closed: 2 }))).toBe('validated')
  })

  it('is routed when every remaining finding went to its owners, and none when all were set aside', () => {
    expect(stageOf(initiative('new', 3, { routed: 2 }, { suppressed: 1, accepted: 0 }))).toBe('routed')
    expect(stageOf(initiative('approved', 3, { routed: 1, approved: 2 }))).toBe('approved')
    expect(stageOf(initiative('new', 2, {}, { suppressed: 1, accepted: 1 }))).toBeNull()
  })
})
