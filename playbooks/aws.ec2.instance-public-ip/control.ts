// aws.ec2.instance-public-ip — EC2 instances should not have a public IPv4 address (Security Hub
// EC2.9). What playbook.yaml cannot declare: the evaluator, the steps, the fix with its rollback,
// the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateInstancePublicIp } from './evaluate'
import { ec2PublicIpFix } from './fix'
import { ec2PublicIpGuardrails } from './guardrails'
import { EC2_PUBLIC_IP_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.instance-public-ip',
  evaluate: perAccount(evaluateInstancePublicIp),
  steps: EC2_PUBLIC_IP_STEPS,
  fix: ec2PublicIpFix,
  guardrails: ec2PublicIpGuardrails
})
