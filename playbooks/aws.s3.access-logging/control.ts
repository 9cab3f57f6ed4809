// aws.s3.access-logging — S3 buckets should have server access logging enabled (Security Hub S3.9).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateAccessLogging } from './evaluate'
import { accessLoggingFix } from './fix'
import { accessLoggingGuardrails } from './guardrails'
import { ACCESS_LOGGING_STEPS } from './steps'

export default defineControl({
  id: 'aws.s3.access-logging',
  evaluate: perAccount(evaluateAccessLogging),
  steps: ACCESS_LOGGING_STEPS,
  fix: accessLoggingFix,
  guardrails: accessLoggingGuardrails
})
