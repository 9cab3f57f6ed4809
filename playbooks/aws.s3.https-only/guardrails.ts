// aws.s3.https-only's guardrails: a resource control policy refusing plain HTTP to every bucket of
// the accounts it is attached to (whatever the bucket policies say), and the AWS Config rule.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules, resourceOrExcept, sid } from '../../main/controls/guardrail-aws'

export function httpsOnlyGuardrails({ control, exceptions, policy: policyJson }: GuardrailContext): GuardrailView[] {
  const arns = exceptions.flatMap((e) => [e.resourceId, `${e.resourceId}/*`])
  // No break-glass here: nobody needs plain HTTP to mend an incident, and every S3 call of
  // Lastmile's fix and rollback goes over TLS.
  const rcp = policyJson('rcp', `${control} RCP`, [
    {
      Sid: sid(control, 'DenyPlainHttp'),
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      ...resourceOrExcept(arns),
      // BoolIfExists, as AWS's data-perimeter RCP examples: a request without the key is not TLS either
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } }
    }
  ])
  return [
    {
      kind: 'aws-rcp',
      language: 'json',
      name: `${control}.rcp.json`,
      content: rcp,
      control,
      prevents: 'any request to an S3 bucket in the attached accounts over plain HTTP, whatever the bucket policy says, including buckets created later',
      wouldBreak: [
        'every client that still reads or writes S3 over HTTP in those accounts, in any bucket not listed as an exception',
        ...(exceptions.length ? [] : ['no bucket is excepted: check the case has no UNSAFE https-only finding left']),
        'RCPs apply to every account under the OU they are attached to, not only the accounts in this case'
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'S3 buckets that accept plain HTTP',
      [
        {
          name: 's3-bucket-ssl-requests-only',
          identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY',
          resourceTypes: ['AWS::S3::Bucket'],
          description: 'Bucket policies must deny requests without TLS (aws:SecureTransport false)'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
