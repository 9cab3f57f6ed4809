// aws.ec2.subnet-auto-public-ip — EC2 subnets should not automatically assign public IP addresses
// (Security Hub EC2.15). What playbook.yaml cannot declare: the evaluator, the steps, the fix with its
// rollback, the guardrail.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSubnetPublicIp } from './evaluate'
import { subnetPublicIpFix } from './fix'
import { subnetPublicIpGuardrails } from './guardrails'
import { SUBNET_PUBLIC_IP_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.subnet-auto-public-ip',
  evaluate: perAccount(evaluateSubnetPublicIp),
  steps: SUBNET_PUBLIC_IP_STEPS,
  fix: subnetPublicIpFix,
  guardrails: subnetPublicIpGuardrails
})
