// aws.ec2.default-security-group — a VPC's default security group should allow no traffic
// (Security Hub EC2.2). What playbook.yaml cannot declare: the evaluator, the step functions, the
// fix with its rollback, the guardrail.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateDefaultSecurityGroups } from './evaluate'
import { defaultSecurityGroupFix } from './fix'
import { defaultSecurityGroupGuardrails } from './guardrails'
import { DEFAULT_SG_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.default-security-group',
  evaluate: perAccount(evaluateDefaultSecurityGroups),
  steps: DEFAULT_SG_STEPS,
  fix: defaultSecurityGroupFix,
  guardrails: defaultSecurityGroupGuardrails
})
