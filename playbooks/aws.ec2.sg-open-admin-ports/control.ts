// aws.ec2.sg-open-admin-ports — security groups should not admit the internet to SSH or RDP
// (Security Hub EC2.13, EC2.14, EC2.53, EC2.54). What playbook.yaml cannot declare: the evaluator,
// the step functions, the fix with its rollback (the steps and the fix share one plan, sg-plan.ts),
// the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSecurityGroups } from './evaluate'
import { sgOpenAdminPortsFix } from './fix'
import { sgOpenAdminPortsGuardrails } from './guardrails'
import { SG_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.sg-open-admin-ports',
  evaluate: perAccount(evaluateSecurityGroups),
  steps: SG_STEPS,
  fix: sgOpenAdminPortsFix,
  guardrails: sgOpenAdminPortsGuardrails
})
