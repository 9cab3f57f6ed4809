// Stages 4 and 5 on the command line, in the order `lastmile --help` lists them.
import type { Command } from '../command'
import { acceptRiskCommand } from './accept-risk'
import { approvalsCommand } from './approvals'
import { approveCommand } from './approve'
import { boardCommand } from './board'
import { clearDecisionCommand } from './clear-decision'
import { fourEyesCommand } from './four-eyes'
import { guardrailsCommand } from './guardrails'
import { planCommand } from './plan'
import { recordExecutionCommand } from './record-execution'
import { rejectCommand } from './reject'
import { routeCommand } from './route'
import { suppressCommand } from './suppress'
import { validateCommand } from './validate'
import { workflowCommand } from './workflow'

export const REMEDIATION_COMMANDS: Command[] = [
  planCommand,
  approvalsCommand,
  approveCommand,
  rejectCommand,
  routeCommand,
  acceptRiskCommand,
  suppressCommand,
  clearDecisionCommand,
  recordExecutionCommand,
  validateCommand,
  boardCommand,
  workflowCommand,
  guardrailsCommand,
  fourEyesCommand
]
