// aws.ec2.imdsv2 — EC2 instances should require IMDSv2 (Security Hub EC2.8). What playbook.yaml
// cannot declare: the evaluator, the step functions, the fix with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { arnAttribute, iacTwin, inventoryIdEndingWith, resourceBlock } from '../../main/controls/iac-twin'
import { containerHostSigns, evaluateImdsv2 } from './evaluate'
import { ec2Imdsv2Fix } from './fix'
import { imdsv2Guardrails } from './guardrails'
import { EC2_STEPS } from './steps'

export default defineControl({
  id: 'aws.ec2.imdsv2',
  evaluate: perAccount(evaluateImdsv2),
  steps: EC2_STEPS,
  fix: ec2Imdsv2Fix,
  guardrails: imdsv2Guardrails,
  // Checkov CKV_AWS_79, Trivy/tfsec AVD-AWS-0028 on an aws_instance: the deployed instance answers
  iac: iacTwin({
    aws_instance: {
      resourceType: 'aws.ec2.instance',
      deployed: (v, ev) => arnAttribute(v) ?? (typeof v.id === 'string' ? inventoryIdEndingWith(ev, 'ec2.config', `:instance/${v.id}`) : null),
      change(r) {
        // the same hop-limit rule as the live fix: a container host at hop limit 1 goes to 2
        const opts = Array.isArray(r.values?.metadata_options) ? ((r.values.metadata_options as Array<Record<string, unknown>>)[0] ?? {}) : {}
        const hop = typeof opts.http_put_response_hop_limit === 'number' ? opts.http_put_response_hop_limit : null
        const profile = typeof r.values?.iam_instance_profile === 'string' ? r.values.iam_instance_profile : null
        const signs = containerHostSigns({ tags: (r.values?.tags as Record<string, string> | null) ?? null, instanceProfileArn: profile })
        const raise = signs.length > 0 && (hop ?? 1) < 2
        return {
          summary: 'require IMDSv2 session tokens (metadata_options http_tokens = "required")',
          hcl: resourceBlock(r.type, r.name, [
            'metadata_options {',
            '  http_endpoint = "enabled"',
            '  http_tokens = "required"',
            ...(raise ? ['  http_put_response_hop_limit = 2'] : []),
            '}'
          ]),
          notes: [
            raise
              ? `the deployed instance runs containers (${signs.join(', ')}) at hop limit ${hop ?? 1}: the change raises it to 2 so they keep the metadata service, which also lets them fetch the instance role's credentials`
              : 'the hop limit is left as it is (set http_put_response_hop_limit = 2 if containers in bridge networking run on the instance)',
            'a launch template or launch configuration that starts instances like it needs the same metadata_options, or replacements come back with IMDSv1'
          ]
        }
      }
    }
  })
})
