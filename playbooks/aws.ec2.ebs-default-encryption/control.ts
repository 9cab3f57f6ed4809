// aws.ec2.ebs-default-encryption — EBS encryption by default should be on in every Region (Security
// Hub EC2.7). What playbook.yaml cannot declare: the evaluator, the step functions, the fix with its
// rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateEbsDefaultEncryption } from './evaluate'
import { ebsDefaultEncryptionFix } from './fix'
import { ebsDefaultEncryptionGuardrails } from './guardrails'
import { EBS_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.ebs-default-encryption',
  evaluate: perAccount(evaluateEbsDefaultEncryption),
  steps: EBS_STEPS,
  fix: ebsDefaultEncryptionFix,
  guardrails: ebsDefaultEncryptionGuardrails
})
