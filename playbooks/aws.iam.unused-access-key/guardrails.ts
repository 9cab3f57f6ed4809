// aws.iam.unused-access-key's guardrails: the AWS Config rules for unused and old access keys.
// No SCP: the insecure state (a key left unused) has no API call to refuse, and denying
// iam:CreateAccessKey would refuse the rotation the access-keys-rotated rule asks for (and the
// documented rollback of a deleted key, which is a new key).
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function unusedAccessKeyGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'IAM users with unused or old access keys',
      [
        {
          name: 'iam-user-unused-credentials-check',
          identifier: 'IAM_USER_UNUSED_CREDENTIALS_CHECK',
          periodic: true,
          params: { maxCredentialUsageAge: '45' },
          description: 'Credentials unused for 45 days must be removed (CIS 1.12)'
        },
        {
          name: 'access-keys-rotated',
          identifier: 'ACCESS_KEYS_ROTATED',
          periodic: true,
          params: { maxAccessKeyAge: '90' },
          description: 'Access keys must be rotated within 90 days'
        }
      ],
      exceptions,
      [
        'nothing: Config rules only report. There is no preventive SCP: an unused key is not a call to refuse, and denying iam:CreateAccessKey would also refuse the rotation this rule asks for'
      ]
    )
  ]
}
