// The GuardDuty playbooks' guardrails (aws.guardduty.ec2-instance-threat, aws.guardduty.iam-credential-threat).
// No policy can prevent an instance or a credential from being compromised: what can be prevented
// is going blind to it. GuardDuty enabled in every account and
// Region is the preventive control (Security Hub GuardDuty.1; AWS Config managed rule
// guardduty-enabled-centralized), and an SCP keeps anyone but the break-glass role from turning it
// off or hiding its findings: deleting or reconfiguring the detector, leaving the administrator
// account, stopping or removing members, and suppression filters (a filter with action ARCHIVE
// archives new findings as they come). The actions are GuardDuty's own names in the Service
// Authorization Reference.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext, SharedGuardrail } from './control'
import { breakGlassNote, configRules, principalException, sid, withCondition, type Statement } from './guardrail-aws'

const BLINDING_ACTIONS = [
  'guardduty:DeleteDetector',
  'guardduty:UpdateDetector',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DisassociateMembers',
  'guardduty:DeleteMembers',
  'guardduty:StopMonitoringMembers',
  'guardduty:CreateFilter',
  'guardduty:UpdateFilter',
  'guardduty:DeletePublishingDestination',
  'guardduty:UpdateMalwareScanSettings'
]

/**
 * The SCP keeping GuardDuty on, one for every GuardDuty playbook in scope (a shared guardrail: its
 * name is the key's, whichever control asks).
 */
export const KEEP_GUARDDUTY_ON: SharedGuardrail = {
  key: 'aws.guardduty.keep-on',
  render({ opts, policy, controls }) {
    const name = 'aws.guardduty.keep-on'
    const statement: Statement = withCondition({ Sid: sid(name, 'KeepGuardDutyOn'), Effect: 'Deny', Action: BLINDING_ACTIONS, Resource: '*' }, principalException(opts))
    return {
      kind: 'aws-scp',
      language: 'json',
      name: `${name}.scp.json`,
      content: policy('scp', `${name} SCP`, [statement]),
      control: controls[0],
      covers: [...controls],
      prevents: `turning GuardDuty off or blinding it in member accounts: deleting or reconfiguring the detector, leaving the administrator account, removing or stopping members, suppression filters and export destinations; ${breakGlassNote(opts)}. Nothing can prevent an instance or a credential from being compromised: this keeps the next compromise from going unseen`,
      wouldBreak: [
        'turning a GuardDuty protection plan on or off (UpdateDetector) and writing suppression filters, outside the break-glass role: the security team does that through it',
        'nothing in the management account: SCPs do not apply to it; make the delegated GuardDuty administrator a member account'
      ],
      // the SCP keeps GuardDuty on in every account: a resource whose containment is UNSAFE is no exception to that
      exceptions: []
    }
  }
}

/** The Config rule that reports an account or Region without GuardDuty (Security Hub GuardDuty.1). */
export function guardDutyConfigRule({ control }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'GuardDuty not enabled',
      [
        {
          name: 'guardduty-enabled-centralized',
          identifier: 'GUARDDUTY_ENABLED_CENTRALIZED',
          periodic: true,
          description: 'GuardDuty must be enabled in the account and Region (Security Hub GuardDuty.1)'
        }
      ],
      [],
      ['nothing: Config rules only report']
    )
  ]
}
