// aws.cloudfront.viewer-https — CloudFront distributions should require encryption in transit
// (Security Hub CloudFront.3). What playbook.yaml cannot declare: the evaluator, the steps, the fix
// with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateViewerHttps } from './evaluate'
import { viewerHttpsFix } from './fix'
import { viewerHttpsGuardrails } from './guardrails'
import { CLOUDFRONT_VIEWER_STEPS } from './steps'

export default defineControl({
  id: 'aws.cloudfront.viewer-https',
  evaluate: perAccount(evaluateViewerHttps),
  steps: CLOUDFRONT_VIEWER_STEPS,
  fix: viewerHttpsFix,
  guardrails: viewerHttpsGuardrails
})
