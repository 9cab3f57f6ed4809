// aws.kms.public-access's guardrails: the AWS Config managed rule kms-key-policy-no-public-access
// (KMS_KEY_POLICY_NO_PUBLIC_ACCESS) only. No SCP: the Service Authorization Reference lists no KMS
// condition key for the policy document a PutKeyPolicy or CreateKey request carries (only
// kms:BypassPolicyLockoutSafetyCheck), so a policy cannot refuse a public key policy without refusing
// every key policy change. An RCP (KMS is one of the services RCPs apply to) could refuse kms:* to
// callers outside the organization (aws:PrincipalOrgID), but it would also refuse the outside
// accounts and services a key legitimately serves: an organization decision, not this fix's.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { configRules } from '../../main/controls/guardrail-aws'

export function kmsPublicAccessGuardrails({ control, exceptions }: GuardrailContext): GuardrailView[] {
  return [
    configRules(
      control,
      'KMS keys whose key policy allows public access',
      [
        {
          name: 'kms-key-policy-no-public-access',
          identifier: 'KMS_KEY_POLICY_NO_PUBLIC_ACCESS',
          resourceTypes: ['AWS::KMS::Key'],
          description: 'KMS key policies must not allow public access'
        }
      ],
      exceptions,
      ['nothing: Config rules only report. KMS has no IAM condition key for the key policy a request sets, so no SCP can refuse a public one']
    )
  ]
}
