// aws.kms.public-access (Security Hub KMS.5): put the key policy (the only one, "default") without the
// statements that grant to anyone, the rollback putting the saved policy back
// (main/controls/resource-policy-fix.ts). A key must keep a key policy: when every statement is
// public the fix refuses (write it by hand). AWS managed keys' policies cannot be changed: no fix.
// KMS's own lockout check refuses a policy that would no longer let the caller put a policy.
import { policyDocumentFix } from '../../main/controls/resource-policy-fix'
import { sq } from '../../main/controls/shell'

export const kmsPublicAccessFix = policyDocumentFix({
  noun: 'KMS key',
  file: 'kms-keys.json',
  actions: ['kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
  get: (r, region) => `aws kms get-key-policy --region ${sq(region)} --key-id ${sq(r.arn)} --policy-name default --output json | jq -r '.Policy // ""'`,
  set: (r, region) => `aws kms put-key-policy --region ${sq(region)} --key-id ${sq(r.arn)} --policy-name default --policy "$POLICY"`,
  whenEmpty: () => null,
  unchangeable: (r) => (r.detail.keyManager === 'AWS' ? `${r.name} is an AWS managed KMS key: AWS writes its key policy and refuses PutKeyPolicy; there is no fix to plan` : null)
})
