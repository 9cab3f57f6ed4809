// aws.lambda.public-access's guardrails: an SCP refusing AddPermission that names the principal "*"
// (the Service Authorization Reference's lambda:Principal condition key, "the principal that is
// specified in the request", on AddPermission and RemovePermission), and the AWS Config managed rule
// lambda-function-public-access-prohibited. The SCP cannot see a whole policy written with
// PutResourcePolicy, nor a service principal without a source condition: the Config rule reports those.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, principalException, resourceOrExcept, sid, withCondition } from '../../main/controls/guardrail-aws'

export function lambdaPublicAccessGuardrails({ control, exceptions, opts, policy }: GuardrailContext): GuardrailView[] {
  const arns = exceptions.map((e) => e.resourceId)
  const scp = policy('scp', `${control} SCP`, [
    withCondition(
      {
        Sid: sid(control, 'DenyAddPermissionToEveryone'),
        Effect: 'Deny',
        Action: 'lambda:AddPermission',
        ...resourceOrExcept(arns),
        Condition: { StringEquals: { 'lambda:Principal': '*' } }
      },
      principalException(opts)
    )
  ])
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: scp,
      control,
      prevents: `granting a Lambda function to everyone with AddPermission (aws lambda add-permission --principal '*', CloudFormation AWS::Lambda::Permission with Principal "*") (${breakGlassNote(opts)})`,
      wouldBreak: [
        'function URLs with AuthType NONE created from now on: their public permission is an AddPermission with Principal "*" (create them with the break-glass role, or except the function)',
        "Lastmile's rollback (which puts the public statements back) once attached: run it with the break-glass role",
        ...(arns.length ? [] : ['no function is excepted: every new public grant in the attached accounts is refused'])
      ],
      exceptions: arns
    },
    configRules(
      control,
      'Lambda functions whose policy allows public access',
      [
        {
          name: 'lambda-function-public-access-prohibited',
          identifier: 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
          resourceTypes: ['AWS::Lambda::Function'],
          description: 'Lambda function policies must not allow public access'
        }
      ],
      exceptions,
      ['nothing: Config rules only report (the SCP does not see PutResourcePolicy documents or service principals without a source condition; this rule does)']
    )
  ]
}
