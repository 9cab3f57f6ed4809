// aws.guardduty.ec2-instance-threat — GuardDuty threat findings on an EC2 instance, answered by
// containment. No evaluator: a threat is activity GuardDuty saw, not a configuration a bundle can
// re-check; the finding closes when GuardDuty's export no longer reports it (validate --rescan).
import { defineControl } from '../../main/controls/control'
import { guardDutyEc2ContainmentFix } from './fix'
import { guardDutyConfigRule, KEEP_GUARDDUTY_ON } from '../../main/controls/guardduty-guardrails'
import { GUARDDUTY_EC2_STEPS } from './steps'

export default defineControl({
  id: 'aws.guardduty.ec2-instance-threat',
  steps: GUARDDUTY_EC2_STEPS,
  fix: guardDutyEc2ContainmentFix,
  guardrails: guardDutyConfigRule,
  sharedGuardrail: KEEP_GUARDDUTY_ON,
  // every GuardDuty EC2 finding type the playbook serves is answered by the same containment
  answersServedControls: true
})
