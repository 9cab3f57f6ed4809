// Step functions of aws.s3.access-logging: does the bucket already log, and where could it log.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'
import { asBucketConfig, logTargetFor, type ConfigReader } from './target'

const BUCKET = ['aws.s3.bucket'] as const

/** The evidence, as target.ts reads it. */
function stepReader(ctx: StepContext): ConfigReader {
  return {
    config: (id) => asBucketConfig(ctx.ev.config(id, 's3.config')),
    resourcesWith: () => ctx.ev.resourcesWith('s3.config')
  }
}

const name = (ctx: StepContext): string => ctx.finding.resource.name ?? ctx.finding.resource.id

const accessLoggingOn = defineStep({
  name: 's3.access-logging-on',
  summary: 'whether the bucket already delivers server access logs (GetBucketLogging), and where',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 's3.config')
    const sources = ['aws.inventory' as const]
    if (!cfg) return outcome('unknown', `the bucket ${name(ctx)} is not in the evidence's S3 inventory (inventory/s3-buckets.json)`, { sources })
    const l = cfg.value.logging
    if (l === undefined)
      return outcome('unknown', `the bucket's logging configuration was not collected (no "logging" in inventory/s3-buckets.json)`, { evidence: [cfg.evidence], sources })
    if (l?.targetBucket) {
      return outcome('yes', `the bucket delivers its server access logs to ${l.targetBucket}${l.targetPrefix ? ` under ${l.targetPrefix}` : ''}`, {
        evidence: [cfg.evidence],
        certainty: 'proven',
        sources
      })
    }
    return outcome('no', 'server access logging is off (GetBucketLogging has no LoggingEnabled)', { evidence: [cfg.evidence], certainty: 'proven', sources })
  }
})

const accessLogTarget = defineStep({
  name: 's3.access-log-target',
  summary: "whether a bucket in the same account and Region already receives other buckets' access logs and would accept this bucket's",
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const t = logTargetFor(ctx.finding.resource.id, stepReader(ctx))
    return outcome(t.answer, t.why, { evidence: [t.evidence], certainty: t.answer === 'unknown' ? null : 'proven', sources: ['aws.inventory'] })
  }
})

export const ACCESS_LOGGING_STEPS = [accessLoggingOn, accessLogTarget]
