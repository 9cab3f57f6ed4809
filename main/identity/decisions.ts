// Which audit entries are decisions — signed by the acting person's own key — and what exactly a
// decision signature covers.

/**
 * The decisions that matter: asking for a fix, letting it run or not, leaving a finding as it is,
 * sending it to its owner, saying it ran, and the case's rules about people. A person's entry with
 * one of these actions is refused unless that person's key signs it.
 */
const DECISION_ACTIONS: ReadonlySet<string> = new Set([
  'plan.create',
  'plan.approve',
  'plan.reject',
  'finding.risk-accepted',
  'finding.suppressed',
  'finding.decision-cleared',
  'finding.decision.clear',
  'route.create',
  'execution.record',
  'workflow.four-eyes',
  'identity.bound',
  'identity.renamed',
  'identity.role-granted',
  'identity.role-revoked'
])

export function isDecision(action: string): boolean {
  return DECISION_ACTIONS.has(action)
}

/**
 * The bytes a person signs for audit entry `seq`: its hash, which covers the entry's time, actor
 * (with the key id), action, target, details and the previous entry's hash; bound to the case.
 */
export function decisionSigningBytes(caseId: string, seq: number, hash: string): Buffer {
  return Buffer.from(`lastmile-decision-signature/1\n${caseId}\n${seq}\n${hash}`, 'utf8')
}
