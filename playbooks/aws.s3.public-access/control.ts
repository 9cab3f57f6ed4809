// aws.s3.public-access — S3 buckets should not be public (Security Hub S3.2, S3.3). What
// playbook.yaml cannot declare: the evaluator, the step functions (also named by
// aws.s3.public-access-block's playbook), the fix (Block Public Access on, with its rollback) and
// the guardrails; the fix and the preventive SCP are the kit's, shared with
// aws.s3.public-access-block.
import { defineControl, perAccount } from '../../main/controls/control'
import { BLOCK_PUBLIC_ACCESS_SCP, blockPublicAccessFix } from '../../main/controls/s3/block-public-access'
import { evaluatePublicAccess } from './evaluate'
import { publicAccessGuardrails } from './guardrails'
import { PUBLIC_ACCESS_STEPS } from './steps'

export default defineControl({
  id: 'aws.s3.public-access',
  evaluate: perAccount(evaluatePublicAccess),
  steps: PUBLIC_ACCESS_STEPS,
  fix: blockPublicAccessFix('aws.s3.public-access'),
  guardrails: publicAccessGuardrails,
  sharedGuardrail: BLOCK_PUBLIC_ACCESS_SCP
})
