// aws.guardduty.iam-credential-threat — GuardDuty threat findings on an access key, answered by
// containing the credential. No evaluator: a threat is activity GuardDuty saw, not a configuration a
// bundle can re-check; the finding closes when GuardDuty's export no longer reports it.
import { defineControl } from '../../main/controls/control'
import { guardDutyConfigRule, KEEP_GUARDDUTY_ON } from '../../main/controls/guardduty-guardrails'
import { guardDutyCredentialFix } from './fix'
import { GUARDDUTY_IAM_STEPS } from './steps'

export default defineControl({
  id: 'aws.guardduty.iam-credential-threat',
  steps: GUARDDUTY_IAM_STEPS,
  fix: guardDutyCredentialFix,
  guardrails: guardDutyConfigRule,
  sharedGuardrail: KEEP_GUARDDUTY_ON,
  // every GuardDuty IAMUser finding type the playbook serves is answered by the same containment
  answersServedControls: true
})
