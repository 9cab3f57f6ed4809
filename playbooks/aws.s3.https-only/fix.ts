// aws.s3.https-only (Security Hub S3.5): merge a Deny on aws:SecureTransport = false into the
// bucket's existing policy (FORMATS.md C.1; S3 User Guide "Enforce encryption in transit").
//
// The script saves the live policy before anything else (the rollback capture), compares it with
// the policy the merge was computed from, and stops when they differ: merging into a policy the
// plan has not seen could drop a grant somebody added since. It then puts the merged policy and
// reads it back.
import { LastmileError } from '../../main/errors'
import { parseArn } from '../../main/semantics/ids'
import { mergeHttpsDeny } from './policy'
import { bashScript, heredoc, sq } from '../../main/controls/shell'
import { awsProviderBlock, cfnLogicalId, cfnYaml, hclJsonHeredoc, hclName, hclString, terraformHeader } from '../../main/controls/formats'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, validationText, verdictPreconditions, type StepWording } from '../../main/controls/fix-common'

/**
 * jq: does the policy in the file hold our Deny (whatever its Sid, with "*" written either way)?
 * Action, Resource and Principal may be a string or a list, so both sides are normalised first.
 */
export const HAS_HTTPS_DENY_JQ = `def arr: if type == "array" then . else [.] end;
def everyone: . == "*" or . == {"AWS": "*"} or . == {"AWS": ["*"]};
def norm: {e: .Effect, p: (.Principal | everyone), a: (.Action | arr | sort), r: (.Resource | arr | sort), c: .Condition};
(.Statement // [] | arr) | any(.[]; norm == ($want | norm))`

/** What the approver of an HTTPS-only fix must know, per step answer of aws.s3.https-only. */
const HTTPS_ONLY_WORDING: StepWording = {
  'already-enforced': { yes: 'the bucket policy already refuses plain HTTP, so the fix changes nothing' },
  'plain-http': {
    no: 'no plain-HTTP request to the bucket was found over the window',
    unknown: 'whether any client still uses plain HTTP is NOT known; the approver accepts that such a client would be refused'
  },
  'empty-unused': { yes: 'the bucket is empty and unused, so no caller can be refused' },
  'http-by-design': {
    yes: 'the bucket is served over HTTP by design: the owner must confirm that path is retired, since the fix refuses every HTTP visitor',
    unknown: 'whether the bucket is served over HTTP by design (website endpoint, CloudFront with HTTP viewers) is NOT known; the owner must confirm it is not'
  }
}

export const s3HttpsOnlyFix: FixRenderer = {
  control: 'aws.s3.https-only',
  summary: 'merge a Deny on plain-HTTP requests into the bucket policy',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 's3.config', 'inventory/s3-buckets.json describing the bucket and its policy')
    // the fix merges a Deny into the live policy: one nobody collected cannot be merged into
    if (cfg.value.policy === undefined) {
      throw new LastmileError(
        'not-found',
        `${target.finding}: the policy of ${cfg.value.name} was not collected (inventory/s3-buckets.json has no "policy" for it); collect it before planning, or the fix could not keep what the policy already says`
      )
    }
    return {
      values: { bucket: cfg.value.name, region: cfg.value.region, policy: cfg.value.policy },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const bucket = ctx.inputs.values.bucket as string
    const existing = ctx.inputs.values.policy as string | null
    const arn = t.resourceId
    if (parseArn(arn)?.service !== 's3') throw new LastmileError('bad-input', `${t.finding}: ${arn} is not an S3 bucket ARN`)
    const account = requireAccount(t)
    const merged = mergeHttpsDeny(existing, arn)
    const want = JSON.stringify(merged.policy.Statement instanceof Array ? (merged.policy.Statement as unknown[]).find((s) => (s as { Sid?: string }).Sid === merged.sid) : null)
    const header = headerLines(ctx)
    const evidencePolicy = existing === null ? 'null' : existing

    const liveFn = [
      '# Prints the live bucket policy, or null when the bucket has none (S3 answers NoSuchBucketPolicy).',
      'live_policy() {',
      '  local out',
      '  if out="$(aws s3api get-bucket-policy --bucket "$BUCKET" --output json 2>"$ROLLBACK_DIR/get-bucket-policy.err")"; then',
      '    printf "%s" "$out" | jq -r .Policy',
      '  elif grep -q NoSuchBucketPolicy "$ROLLBACK_DIR/get-bucket-policy.err"; then',
      '    printf "null"',
      '  else',
      '    cat "$ROLLBACK_DIR/get-bucket-policy.err" >&2',
      '    return 1',
      '  fi',
      '}',
      `has_https_deny() { jq -e --argjson want "$WANT" ${sq(HAS_HTTPS_DENY_JQ)} "$1" >/dev/null; }`,
      'same_policy() { jq -e -n --slurpfile a "$1" --slurpfile b "$2" \'$a == $b\' >/dev/null; }'
    ].join('\n')

    const fix = bashScript({
      title: `Fix: enforce HTTPS on s3://${bucket} by merging a Deny statement into its bucket policy`,
      lines: [...header, `Existing statements are kept: put-bucket-policy replaces the whole policy, so the new one is the old one plus the Deny.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [
        `BUCKET=${sq(bucket)}`,
        `WANT=${sq(want)}`,
        heredoc('"$ROLLBACK_DIR/bucket-policy.evidence.json"', evidencePolicy),
        heredoc('"$ROLLBACK_DIR/bucket-policy.new.json"', merged.text),
        liveFn
      ],
      steps: [
        {
          title: 'read the live bucket policy and save it (rollback capture)',
          before: ['live_policy > "$ROLLBACK_DIR/bucket-policy.live.json"'],
          // never save an already-fixed policy as "before": a second run must not lose the original
          check: '[ -s "$ROLLBACK_DIR/bucket-policy.before.json" ] || has_https_deny "$ROLLBACK_DIR/bucket-policy.live.json"',
          already: 'the previous policy was saved by an earlier run, or the Deny is already there',
          apply: ['cp "$ROLLBACK_DIR/bucket-policy.live.json" "$ROLLBACK_DIR/bucket-policy.before.json"']
        },
        {
          title: `merge the Deny on aws:SecureTransport=false into the policy of ${bucket}`,
          check: 'has_https_deny "$ROLLBACK_DIR/bucket-policy.live.json"',
          already: `the bucket policy of ${bucket} already denies plain HTTP`,
          apply: [
            '# The merge was computed from the policy in evidence: refuse to overwrite any other.',
            'if ! same_policy "$ROLLBACK_DIR/bucket-policy.live.json" "$ROLLBACK_DIR/bucket-policy.evidence.json"; then',
            `  say ${sq(`the live policy of ${bucket} is not the one in evidence (collected ${ctx.inputs.collectedAt}): it changed since; collect evidence again and re-render the plan. Nothing was changed.`)}`,
            '  exit 3',
            'fi',
            'aws s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$ROLLBACK_DIR/bucket-policy.new.json"'
          ],
          verify: 'live_policy > "$ROLLBACK_DIR/bucket-policy.after.json" && has_https_deny "$ROLLBACK_DIR/bucket-policy.after.json"',
          verifyFailure: `the bucket policy of ${bucket} does not hold the Deny after put-bucket-policy`
        }
      ],
      done: `s3://${bucket} now refuses plain-HTTP requests; the previous policy is saved as bucket-policy.before.json in the rollback folder`
    })

    const rollback = bashScript({
      title: `Rollback: restore the bucket policy of s3://${bucket} as it was before the fix`,
      lines: [...header, 'Restores the policy the fix script saved (or, if it did not run here, the one in evidence).'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [
        `BUCKET=${sq(bucket)}`,
        heredoc('"$ROLLBACK_DIR/bucket-policy.evidence.json"', evidencePolicy),
        heredoc('"$ROLLBACK_DIR/bucket-policy.new.json"', merged.text),
        liveFn,
        'BEFORE="$ROLLBACK_DIR/bucket-policy.before.json"',
        '[ -s "$BEFORE" ] || BEFORE="$ROLLBACK_DIR/bucket-policy.evidence.json"'
      ],
      steps: [
        {
          title: `restore the previous policy of ${bucket}`,
          before: ['live_policy > "$ROLLBACK_DIR/bucket-policy.live.json"'],
          check: 'same_policy "$ROLLBACK_DIR/bucket-policy.live.json" "$BEFORE"',
          already: `the policy of ${bucket} is already the previous one`,
          apply: [
            '# Only undo our own change: a policy edited by someone since is left for a person to merge.',
            'if ! same_policy "$ROLLBACK_DIR/bucket-policy.live.json" "$ROLLBACK_DIR/bucket-policy.new.json"; then',
            `  fail "the live policy of ${bucket} is neither the one Lastmile put nor the previous one; restore it by hand from $BEFORE"`,
            'fi',
            'if [ "$(jq -c . "$BEFORE")" = "null" ]; then',
            '  aws s3api delete-bucket-policy --bucket "$BUCKET"',
            'else',
            '  aws s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$BEFORE"',
            'fi'
          ],
          verify: 'live_policy > "$ROLLBACK_DIR/bucket-policy.after.json" && same_policy "$ROLLBACK_DIR/bucket-policy.after.json" "$BEFORE"'
        }
      ],
      done: `the policy of s3://${bucket} is back as it was`
    })

    const tfName = hclName(t.finding, bucket)
    const terraform = [
      terraformHeader(
        [
          ...header,
          "The policy is the bucket's existing policy with the Deny merged in. If Terraform already manages this",
          "bucket's policy elsewhere, replace that policy with this one instead: two aws_s3_bucket_policy",
          'resources for one bucket overwrite each other.'
        ],
        [{ name: 'aws', source: 'hashicorp/aws', version: '>= 5.0' }]
      ),
      ...awsProviderBlock({ account, region: (ctx.inputs.values.region as string | undefined) ?? t.region }),
      ...(existing !== null
        ? [
            '# Adopt the policy the bucket has now, so the plan shows a change, not a create.',
            'import {',
            `  to = aws_s3_bucket_policy.${tfName}`,
            `  id = ${hclString(bucket)}`,
            '}',
            ''
          ]
        : []),
      `resource "aws_s3_bucket_policy" "${tfName}" {`,
      `  bucket = ${hclString(bucket)}`,
      `  policy = ${hclJsonHeredoc(merged.text, '  ')}`,
      '}',
      ''
    ].join('\n')

    const cfn = cfnYaml(
      [
        ...header,
        'Deploying it puts the merged policy (the existing statements plus the Deny). Retained on stack deletion,',
        'so deleting the stack never leaves the bucket without its policy.'
      ],
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: `Lastmile ${ctx.plan} ${t.finding}: enforce HTTPS on ${bucket}`,
        Resources: {
          [cfnLogicalId(t.finding, bucket, 'policy')]: {
            Type: 'AWS::S3::BucketPolicy',
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
            Properties: { Bucket: bucket, PolicyDocument: merged.policy }
          }
        }
      }
    )

    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `merge the HTTPS-only Deny into the policy of ${bucket} (checks the live policy first)`, fix),
        artefact(ctx, 'policy-json', 'json', 'bucket-policy.json', `the merged bucket policy for ${bucket}`, `${merged.text}\n`),
        artefact(ctx, 'terraform', 'hcl', 'tf', `the same policy as Terraform (aws_s3_bucket_policy, imported)`, terraform),
        artefact(ctx, 'cloudformation', 'yaml', 'cfn.yaml', 'the same policy as a CloudFormation AWS::S3::BucketPolicy', cfn)
      ],
      rollback: [
        artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `restore the previous policy of ${bucket}`, rollback),
        ...(existing !== null
          ? [
              artefact(
                ctx,
                'policy-json',
                'json',
                'bucket-policy.before.json',
                `the policy of ${bucket} before the fix, as in evidence`,
                `${JSON.stringify(JSON.parse(existing), null, 2)}\n`
              )
            ]
          : [])
      ],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed s3:GetBucketPolicy, s3:PutBucketPolicy (and s3:DeleteBucketPolicy for the rollback) on ${bucket}`,
        `the live policy of ${bucket} is the one collected ${ctx.inputs.collectedAt} (the script checks and stops otherwise)`,
        ...verdictPreconditions(
          ctx.db,
          t,
          HTTPS_ONLY_WORDING,
          `nothing shows whether a client still uses plain HTTP to ${bucket}; investigate it first (lastmile investigate), or accept that every such client will be refused`
        )
      ],
      validation: validationText(t),
      notes: merged.notes
    }
  }
}
