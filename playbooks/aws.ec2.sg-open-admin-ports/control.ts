// aws.ec2.sg-open-admin-ports — security groups should not admit the internet to SSH or RDP
// (Security Hub EC2.13, EC2.14, EC2.53, EC2.54). What playbook.yaml cannot declare: the evaluator,
// the step functions and the fix with its rollback — the security-group kit's
// (main/controls/security-group/, shared with aws.ec2.sg-open-high-risk-ports) for the admin port
// set — and the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { securityGroupEvaluator } from '../../main/controls/security-group/evaluate'
import { securityGroupFix } from '../../main/controls/security-group/fix'
import { securityGroupSteps } from '../../main/controls/security-group/steps'
import { PORT_SETS } from '../../main/semantics/port-sets'
import { sgOpenAdminPortsGuardrails } from './guardrails'

const ID = 'aws.ec2.sg-open-admin-ports'

export default defineControl({
  id: ID,
  evaluate: perAccount(securityGroupEvaluator(ID, PORT_SETS.admin)),
  steps: securityGroupSteps(PORT_SETS.admin),
  fix: securityGroupFix(ID, PORT_SETS.admin),
  guardrails: sgOpenAdminPortsGuardrails
})
