// aws.ec2.imdsv2 — EC2 instances should require IMDSv2 (Security Hub EC2.8). What playbook.yaml
// cannot declare: the evaluator, the step functions, the fix with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateImdsv2 } from './evaluate'
import { ec2Imdsv2Fix } from './fix'
import { imdsv2Guardrails } from './guardrails'
import { EC2_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.imdsv2',
  evaluate: perAccount(evaluateImdsv2),
  steps: EC2_STEPS,
  fix: ec2Imdsv2Fix,
  guardrails: imdsv2Guardrails
})
