// aws.s3.public-access-block — S3 Block Public Access should be on (Security Hub S3.8 for a bucket,
// S3.1 for the account). What playbook.yaml cannot declare: the evaluator, the fix (all four
// settings on, with its rollback) and the guardrails. The fix and the preventive SCP are the
// kit's, shared with aws.s3.public-access; so are the step functions its playbook names, which
// aws.s3.public-access defines (a bucket's two findings are investigated alike and cannot disagree).
import { defineControl, perAccount } from '../../main/controls/control'
import { BLOCK_PUBLIC_ACCESS_SCP, blockPublicAccessFix } from '../../main/controls/s3/block-public-access'
import { evaluatePublicAccessBlock } from './evaluate'
import { publicAccessBlockGuardrails } from './guardrails'

export default defineControl({
  id: 'aws.s3.public-access-block',
  evaluate: perAccount(evaluatePublicAccessBlock),
  fix: blockPublicAccessFix('aws.s3.public-access-block'),
  guardrails: publicAccessBlockGuardrails,
  sharedGuardrail: BLOCK_PUBLIC_ACCESS_SCP
})
