// aws.s3.https-only — S3 buckets should refuse requests over plain HTTP (Security Hub S3.5). What
// playbook.yaml cannot declare: the evaluator, the step functions, the fix (a Deny on
// aws:SecureTransport = false merged into the bucket policy) with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateHttpsOnly } from './evaluate'
import { s3HttpsOnlyFix } from './fix'
import { httpsOnlyGuardrails } from './guardrails'
import { HTTPS_ONLY_STEPS } from './steps'

export default defineControl({
  id: 'aws.s3.https-only',
  evaluate: perAccount(evaluateHttpsOnly),
  steps: HTTPS_ONLY_STEPS,
  fix: s3HttpsOnlyFix,
  guardrails: httpsOnlyGuardrails
})
