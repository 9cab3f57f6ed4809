// aws.ec2.sg-open-high-risk-ports — security groups should not admit the internet to the ports AWS
// lists as high risk (Security Hub EC2.19). The evaluator, step functions and fix with its rollback
// are the security-group kit's (main/controls/security-group/, shared with
// aws.ec2.sg-open-admin-ports) for the high-risk port set; the guardrails are this folder's.
import { defineControl, perAccount } from '../../main/controls/control'
import { securityGroupEvaluator } from '../../main/controls/security-group/evaluate'
import { securityGroupFix } from '../../main/controls/security-group/fix'
import { securityGroupSteps } from '../../main/controls/security-group/steps'
import { PORT_SETS } from '../../main/semantics/port-sets'
import { sgOpenHighRiskPortsGuardrails } from './guardrails'

const ID = 'aws.ec2.sg-open-high-risk-ports'

export default defineControl({
  id: ID,
  evaluate: perAccount(securityGroupEvaluator(ID, PORT_SETS['high-risk'])),
  steps: securityGroupSteps(PORT_SETS['high-risk']),
  fix: securityGroupFix(ID, PORT_SETS['high-risk']),
  guardrails: sgOpenHighRiskPortsGuardrails
})
