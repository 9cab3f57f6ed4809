// aws.iam.root-hardware-mfa's guardrail: the AWS Config rule root-account-hardware-mfa-enabled. No SCP: no condition
// key carries the kind of MFA device a sign-in used (aws:MultiFactorAuthPresent says only that one was), SCPs never
// apply to the management account's root user, and refusing root altogether in member accounts is the root-usage
// SCP's job (aws.iam.root-access-key). In an organization, centralized root access (deleting member accounts' root
// credentials, so there is nothing to sign in with) is the stronger answer for member accounts.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function rootHardwareMfaGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'root users without hardware MFA',
      [
        {
          name: 'root-account-hardware-mfa-enabled',
          identifier: 'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED',
          periodic: true,
          description: 'The root user must sign in with a hardware MFA device, and no virtual device (Security Hub IAM.6)'
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. No SCP: no condition key tells a hardware MFA device from a virtual one, and SCPs never apply to the management account; in member accounts, centralized root access can remove root credentials altogether'
      ]
    )
  ]
}
