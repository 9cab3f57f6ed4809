// The finding's way from verdict to closed, as a state machine. Every change of state goes
// through `nextState`: an event that is not allowed in the current state is refused with a
// sentence that names the state and what can be done in it.
//
//   new ──plan──▶ planned ──approve──▶ approved ──execute──▶ remediated ──validate ok──▶ closed
//                   │  ▲ └──reject──▶ rejected      │  ▲        │ validate fails          │ comes back
//                   │  └────void / drift──────────── ┘  └─fail─ failed      ▼              ▼
//                   └──route──▶ routed                             reopened ◀─ expire   regression
//
// Suppression and risk acceptance are a person's decision beside the state (withdraw), and end
// in `reopened` when they expire.
import type { WorkflowState } from '../../shared/remediation'
import { LastmileError } from '../errors'

export type WorkflowEvent =
  | 'plan'
  | 'approve'
  | 'reject'
  | 'void'
  | 'drift'
  | 'route'
  | 'execute'
  | 'execution-failed'
  | 'validate-pass'
  | 'validate-fail'
  | 'regress'
  | 'withdraw'
  | 'expire'

interface Rule {
  from: readonly WorkflowState[]
  to: WorkflowState
  /** how people ask for it, for messages ("plan it", "approve it") */
  verb: string
}

const OPEN_FOR_PLANNING: readonly WorkflowState[] = ['new', 'planned', 'approved', 'rejected', 'routed', 'failed', 'reopened', 'regression']

export const TRANSITIONS: Record<WorkflowEvent, Rule> = {
  plan: { from: OPEN_FOR_PLANNING, to: 'planned', verb: 'plan it (lastmile plan)' },
  approve: { from: ['planned'], to: 'approved', verb: 'approve it (lastmile approve)' },
  reject: { from: ['planned'], to: 'rejected', verb: 'reject it (lastmile reject)' },
  void: { from: ['approved'], to: 'planned', verb: 'void its approval' },
  drift: { from: ['planned', 'approved'], to: 'planned', verb: 're-render its plan' },
  route: { from: ['new', 'planned', 'approved', 'rejected', 'routed', 'failed', 'reopened', 'regression'], to: 'routed', verb: 'route it to its owner (lastmile route)' },
  execute: { from: ['approved', 'failed'], to: 'remediated', verb: 'record its execution (lastmile record-execution)' },
  'execution-failed': { from: ['approved', 'failed'], to: 'failed', verb: 'record a failed execution (lastmile record-execution --outcome failed)' },
  'validate-pass': { from: ['remediated', 'reopened'], to: 'closed', verb: 'validate it (lastmile validate)' },
  'validate-fail': { from: ['remediated'], to: 'reopened', verb: 'validate it (lastmile validate)' },
  // a closed finding is validated again (a later bundle or scan); failing, it is a regression
  regress: { from: ['closed'], to: 'regression', verb: 'validate it (lastmile validate)' },
  withdraw: {
    from: ['new', 'planned', 'approved', 'rejected', 'routed', 'failed', 'reopened', 'regression'],
    to: 'new',
    verb: 'suppress it or accept its risk (lastmile suppress / accept-risk)'
  },
  expire: { from: ['new'], to: 'reopened', verb: 'reopen it when its decision expires' }
}

const DESCRIBE: Record<WorkflowState, string> = {
  new: 'new (not planned yet)',
  planned: 'planned (waiting for a decision)',
  approved: 'approved (ready to run)',
  rejected: 'rejected',
  routed: 'routed to its owner',
  failed: 'failed (its execution failed)',
  remediated: 'remediated, awaiting validation',
  closed: 'closed (validated)',
  reopened: 'reopened',
  regression: 'a regression (it came back after it was closed)'
}

export function describeState(s: WorkflowState): string {
  return DESCRIBE[s]
}

/** What a person can do with a finding in this state, for messages. */
export function allowedIn(state: WorkflowState): string[] {
  const verbs = (Object.entries(TRANSITIONS) as Array<[WorkflowEvent, Rule]>)
    .filter(([e, r]) => r.from.includes(state) && !['void', 'drift', 'expire'].includes(e))
    .map(([, r]) => r.verb)
  return [...new Set(verbs)]
}

/** The state after `event`, or a refusal naming the state and what is allowed in it. */
export function nextState(finding: string, from: WorkflowState, event: WorkflowEvent): WorkflowState {
  const rule = TRANSITIONS[event]
  if (rule.from.includes(from)) return rule.to
  const allowed = allowedIn(from)
  throw new LastmileError(
    'conflict',
    `${finding} is ${describeState(from)}: it cannot ${rule.verb.replace(/ \(.*\)$/, '')} now; ${allowed.length ? `allowed: ${allowed.join('; ')}` : 'nothing is allowed until it changes'}`
  )
}
