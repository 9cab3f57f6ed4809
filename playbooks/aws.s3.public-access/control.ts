// aws.s3.public-access — S3 buckets should not be public (Security Hub S3.2, S3.3). What
// playbook.yaml cannot declare: the evaluator, the step functions (also named by
// aws.s3.public-access-block's playbook), the fix (Block Public Access on, with its rollback) and
// the guardrails; the fix and the preventive SCP are the kit's, shared with
// aws.s3.public-access-block.
import { defineControl, perAccount } from '../../main/controls/control'
import { arnAttribute, iacTwin, type CodeResource, type TwinType } from '../../main/controls/iac-twin'
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
  sharedGuardrail: BLOCK_PUBLIC_ACCESS_SCP,
  // Checkov, Trivy/tfsec and KICS rules on the bucket or its policy: the deployed bucket answers
  iac: iacTwin({ aws_s3_bucket: bucketTwin((r) => `${r.type}.${r.name}.id`), aws_s3_bucket_policy: bucketTwin((r) => `${r.type}.${r.name}.bucket`) })
})

/** The bucket a resource of it names (by its `bucket` argument, or its own name for the bucket), fixed in code as the live fix does: Block Public Access on the bucket. */
function bucketTwin(ref: (r: CodeResource) => string): TwinType {
  return {
    resourceType: 'aws.s3.bucket',
    deployed: (v) => (typeof v.bucket === 'string' && v.bucket ? `arn:aws:s3:::${v.bucket}` : arnAttribute(v)),
    change: (r) => ({
      summary: 'turn on S3 Block Public Access for the bucket (aws_s3_bucket_public_access_block)',
      hcl: [
        `resource "aws_s3_bucket_public_access_block" "${r.name}" {`,
        `  bucket                  = ${ref(r)}`,
        '  block_public_acls       = true',
        '  block_public_policy     = true',
        '  ignore_public_acls      = true',
        '  restrict_public_buckets = true',
        '}',
        ''
      ].join('\n'),
      notes: [
        'add the block beside the bucket (or set the four arguments to true in the one already there); the policy statements that allow everyone then stop working, and S3 refuses new ones',
        'a static website or anonymous reader the investigation names loses access: serve it through CloudFront with origin access control first'
      ]
    })
  }
}
