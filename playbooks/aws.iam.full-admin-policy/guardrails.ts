// aws.iam.full-admin-policy's guardrail: the AWS Config rule iam-policy-no-statements-with-admin-access.
// No SCP: IAM has no condition key on the content of a policy document, so a policy could not refuse
// CreatePolicy or CreatePolicyVersion with "*" on "*" without refusing every policy change.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function fullAdminPolicyGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'IAM policies with full administrative privileges',
      [
        {
          name: 'iam-policy-no-statements-with-admin-access',
          identifier: 'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS',
          resourceTypes: ['AWS::IAM::Policy'],
          description: 'Customer managed policies must not allow "*" on "*"'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. No SCP: IAM has no condition key on what a policy document grants']
    )
  ]
}
