// What the evidence says about one distribution's viewer protocol, read once for the playbook's
// steps and its fix (playbooks/aws.cloudfront.viewer-https): the behaviours that allow plain HTTP,
// whether its standard logs cover the window, the plain-HTTP requests those behaviours served,
// and the policy the fix sets accordingly.
import type { EvidenceFileSummary } from '../../shared/evidence'
import { logGaps, plainHttpRequests, plainHttpUse, type PlainHttpUse } from './cloudfront-logs'
import { distributionOf, plainHttpBehaviours, type Distribution, type ViewerBehaviour } from './inventory-cloudfront'

export type Answer = 'yes' | 'no' | 'unknown'

export interface ViewerEvidence {
  distribution: Distribution
  /** the behaviours whose ViewerProtocolPolicy is allow-all: what the fix changes */
  offending: ViewerBehaviour[]
  use: PlainHttpUse | null
  /** whether the standard logs show every request of the window, and why not */
  logs: { answer: Answer; why: string }
}

/** Null when the distribution is in no CloudFront file of its account; throws (file and place) on a malformed file. */
export function viewerEvidence(
  files: readonly EvidenceFileSummary[],
  bytes: (id: string) => Buffer | null,
  arn: string,
  window: { from: string; to: string } | null
): ViewerEvidence | null {
  const d = distributionOf(files, bytes, arn)
  if (!d) return null
  const offending = plainHttpBehaviours(d)
  const use = plainHttpUse(files, bytes, d.account, d.id, d.behaviours, new Set(offending.map((b) => b.path)), window)
  return { distribution: d, offending, use, logs: logsAnswer(d, use, window) }
}

function logsAnswer(d: Distribution, use: PlainHttpUse | null, window: { from: string; to: string } | null): ViewerEvidence['logs'] {
  const folder = `aws/${d.account}/cloudfront-logs/${d.id}/`
  if (d.logging === null)
    return {
      answer: 'unknown',
      why: `the configuration of ${d.id} (GetDistributionConfig, inventory/cloudfront-distribution-configs.json) is not in the evidence: whether its standard logging is on is unknown`
    }
  if (!d.logging.enabled)
    return {
      answer: 'no',
      why: `standard logging of ${d.id} is off (Logging.Enabled false): no request is recorded, so who uses plain HTTP cannot be shown. Turning it on is additive (S3 storage cost); investigate again after a window of logs`
    }
  if (!use) return { answer: 'unknown', why: `standard logging of ${d.id} is on (to ${d.logging.bucket}/${d.logging.prefix}) but no log file of it is in evidence (${folder})` }
  if (!window) return { answer: 'unknown', why: 'the evidence gives no window to judge the logs against' }
  const gaps = logGaps(use, window)
  if (gaps.length) return { answer: 'no', why: `the standard logs of ${d.id} do not show every request of the window: ${gaps.join('; ')}` }
  return { answer: 'yes', why: `the standard logs of ${d.id} (${folder}) hold requests on every day of the window (${use.records} request${use.records === 1 ? '' : 's'})` }
}

/**
 * The policy the fix sets: https-only when the logs cover the window and no plain-HTTP request
 * reached the behaviours (nobody is refused, and no first request goes out unencrypted before a
 * redirect); otherwise redirect-to-https, which GET and HEAD clients follow.
 */
export function chosenPolicy(e: Pick<ViewerEvidence, 'use' | 'logs'>): 'https-only' | 'redirect-to-https' {
  return e.logs.answer === 'yes' && e.use && plainHttpRequests(e.use) === 0 ? 'https-only' : 'redirect-to-https'
}
