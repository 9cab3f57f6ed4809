// aws.s3.access-logging (Security Hub S3.9): turn server access logging on, into the target the
// investigation found (target.ts: same account and Region, already receiving other buckets' logs,
// accepting this bucket's). No target, or a bucket that already logs somewhere: no fix — a person
// chooses (re-pointing a bucket's logs would take them from whoever reads them).
// The fix saves GetBucketLogging first; the rollback puts exactly that back (off, in this case).
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, configuredResources, headerLines, latestConfig, requireAccount, requireConfig, validationText } from '../../main/controls/fix-common'
import { awsProviderBlock, hclName, terraformHeader } from '../../main/controls/formats'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { asBucketConfig, logTargetFor } from './target'

export const accessLoggingFix: Omit<FixRenderer, 'control'> = {
  summary: 'turn S3 server access logging on, into a log bucket of the same account and Region',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 's3.config', 'inventory/s3-buckets.json')
    const b = cfg.value
    if (b.logging === undefined)
      throw new LastmileError(
        'not-found',
        `${target.finding}: the bucket's logging configuration is not in the evidence (inventory/s3-buckets.json has no "logging"); collect it before planning`
      )
    if (b.logging?.targetBucket)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${b.name} already delivers its access logs to ${b.logging.targetBucket} in the evidence; validate the finding instead`
      )
    const t = logTargetFor(target.resourceId, {
      config: (id) => asBucketConfig(latestConfig(db, id, 's3.config')),
      resourcesWith: () => configuredResources(db, 's3.config')
    })
    if (t.answer !== 'yes')
      throw new LastmileError(
        'conflict',
        `${target.finding}: Lastmile found no log target for ${b.name}: ${t.why}. Choose or create one (same account and Region, a policy letting logging.s3.amazonaws.com write, SSE-S3), then investigate again`
      )
    const targetCfg = latestConfig(db, configuredResources(db, 's3.config').find((id) => latestConfig(db, id, 's3.config')?.value.name === t.target.bucket)!, 's3.config')!
    return {
      values: { bucket: b.name, account: b.account, region: b.region, target: t.target.bucket, prefix: `${b.name}/`, targetPolicy: targetCfg.value.policy ?? null },
      evidence: [...new Set([...cfg.evidence, ...targetCfg.evidence])].sort(),
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { bucket: string; account: string; region: string; target: string; prefix: string }
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const status = JSON.stringify({ LoggingEnabled: { TargetBucket: v.target, TargetPrefix: v.prefix } })
    const before = '"$ROLLBACK_DIR/logging.before.json"'
    // GetBucketLogging prints nothing at all when logging is off, and jq 1.6 -e exits 0 on no input:
    // every test of its output checks that there is some first
    const fns = [
      `logs_to_target() { local out; out="$(aws s3api get-bucket-logging --bucket ${sq(v.bucket)} --output json)"; [ -n "$out" ] && printf '%s' "$out" | jq -e --arg t ${sq(v.target)} --arg p ${sq(v.prefix)} '.LoggingEnabled.TargetBucket == $t and .LoggingEnabled.TargetPrefix == $p' >/dev/null; }`
    ]
    const fix = bashScript({
      title: `Fix: deliver the server access logs of ${v.bucket} to ${v.target}`,
      lines: [...header, `Requests to ${v.bucket} are not changed; S3 writes their records under s3://${v.target}/${v.prefix}.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the logging configuration (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'the logging configuration was saved by an earlier run',
          // GetBucketLogging answers nothing at all when logging is off: an empty file means "off"
          apply: [`aws s3api get-bucket-logging --bucket ${sq(v.bucket)} --output json > ${before}`]
        },
        {
          title: `refuse to re-point logs that already go somewhere`,
          check: `! { [ -s ${before} ] && jq -e '.LoggingEnabled.TargetBucket' ${before} >/dev/null; } || logs_to_target`,
          already: 'logging was off before the fix (or is already into the target)',
          apply: [`say "${v.bucket} already delivers its logs to $(jq -r '.LoggingEnabled.TargetBucket' ${before}): not changed; investigate again"`, 'exit 1']
        },
        {
          title: `turn server access logging on into s3://${v.target}/${v.prefix}`,
          check: 'logs_to_target',
          already: `${v.bucket} already logs into ${v.target}`,
          apply: [`aws s3api put-bucket-logging --bucket ${sq(v.bucket)} --bucket-logging-status ${sq(status)}`],
          verify: 'logs_to_target'
        }
      ],
      done: `${v.bucket} delivers its server access logs to ${v.target}`
    })
    const rollback = bashScript({
      title: `Rollback: put the logging configuration of ${v.bucket} back as it was`,
      lines: [...header, 'Log objects already delivered stay in the target bucket.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [
        ...fns,
        `saved_status() { if [ -s ${before} ] && jq -e '.LoggingEnabled' ${before} >/dev/null; then jq -c '{LoggingEnabled: .LoggingEnabled}' ${before}; else echo '{}'; fi; }`,
        `current_status() { local out; out="$(aws s3api get-bucket-logging --bucket ${sq(v.bucket)} --output json)"; if [ -n "$out" ] && printf '%s' "$out" | jq -e '.LoggingEnabled' >/dev/null; then printf '%s' "$out" | jq -c '{LoggingEnabled: .LoggingEnabled}'; else echo '{}'; fi; }`,
        'as_saved() { [ "$(current_status)" = "$(saved_status)" ]; }'
      ],
      steps: [
        {
          title: 'put back the logging configuration saved before the fix',
          check: `[ ! -e ${before} ] && { say "no saved configuration in $ROLLBACK_DIR: the fix did not run here"; exit 1; } || as_saved`,
          already: 'the logging configuration is as it was before the fix',
          apply: [`aws s3api put-bucket-logging --bucket ${sq(v.bucket)} --bucket-logging-status "$(saved_status)"`],
          verify: 'as_saved'
        }
      ],
      done: `the logging configuration of ${v.bucket} is back as it was`
    })
    const tf = [
      terraformHeader(header, [{ name: 'aws', source: 'hashicorp/aws', version: '>= 5.0' }]),
      ...awsProviderBlock({ account, region: v.region }),
      `resource "aws_s3_bucket_logging" "${hclName(t.finding, v.bucket)}" {`,
      `  bucket        = ${JSON.stringify(v.bucket)}`,
      `  target_bucket = ${JSON.stringify(v.target)}`,
      `  target_prefix = ${JSON.stringify(v.prefix)}`,
      '}',
      ''
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `deliver the server access logs of ${v.bucket} to ${v.target}`, fix),
        artefact(ctx, 'terraform', 'hcl', 'tf', 'the same setting as Terraform (aws_s3_bucket_logging)', tf)
      ],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the logging configuration of ${v.bucket} back as it was`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed s3:GetBucketLogging and s3:PutBucketLogging on ${v.bucket}`,
        `${v.target} still lets logging.s3.amazonaws.com write (as it does for the buckets it already receives logs from) and defaults to SSE-S3`
      ],
      validation: validationText(t),
      notes: [`the logs go under s3://${v.target}/${v.prefix}; a lifecycle rule on ${v.target} decides how long they are kept`]
    }
  }
}
