// aws.iam.console-mfa's guardrails: the AWS Config rules for console users without MFA (IAM.5) and
// IAM users without MFA (IAM.19). No SCP: an organization policy requiring MFA
// (aws:MultiFactorAuthPresent) for IAM users would refuse every call signed with a long-term access
// key too, and no condition key tells a login profile created without an MFA device apart; MFA is
// enforced per user (the fix's policy) or by moving people to IAM Identity Center.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function consoleMfaGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'IAM users without MFA',
      [
        {
          name: 'mfa-enabled-for-iam-console-access',
          identifier: 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
          periodic: true,
          description: 'IAM users with a console password must have MFA (Security Hub IAM.5)'
        },
        { name: 'iam-user-mfa-enabled', identifier: 'IAM_USER_MFA_ENABLED', periodic: true, description: 'Every IAM user must have MFA (Security Hub IAM.19)' }
      ],
      exceptions,
      [
        'nothing: Config rules only report. No SCP: requiring MFA organization-wide would refuse every call signed with an access key, and no condition key tells a console password without MFA apart'
      ]
    )
  ]
}
