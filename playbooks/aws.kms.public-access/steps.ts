// Step functions of aws.kms.public-access: the kit's three resource-policy steps (main/controls/
// resource-policy.ts) and whether AWS manages the key. Decrypt, Encrypt, GenerateDataKey… are
// CloudTrail MANAGEMENT events (read events): "nobody" needs the account's CloudTrail in the key's
// Region over the whole window and a logging trail whose selectors keep management read events of
// kms.amazonaws.com (trails often exclude them for volume). A key policy is the only grant of a KMS
// key (IAM policies count only where it names the account): an own-account caller that no remaining
// statement allows is cut off.
import { z } from 'zod'
import { notInEvidence, policyConfigOf, resourcePolicySteps, type PolicyServiceSpec } from '../../main/controls/resource-policy'
import { defineStep, type StepFunction } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'

export const KMS: PolicyServiceSpec = {
  service: 'kms',
  noun: 'KMS key',
  file: 'kms-keys.json',
  dataType: null,
  actionOf: (eventName) => `kms:${eventName}`,
  managementReads: 'kms.amazonaws.com',
  policyOnly: 'IAM policies grant a KMS key only where its key policy names the account'
}

const awsManaged = defineStep({
  name: 'kms.aws-managed',
  summary: 'whether AWS manages the key (KeyManager AWS, DescribeKey): its key policy cannot be changed, so no fix can be planned',
  resourceTypes: ['aws.kms.key'] as const,
  params: z.object({}).strict(),
  run: (ctx) => {
    const cfg = policyConfigOf(ctx)
    if (!cfg) return notInEvidence(ctx, KMS)
    const manager = cfg.value.detail.keyManager
    const o = { evidence: [cfg.evidence], sources: ['aws.inventory' as const] }
    if (manager === 'AWS')
      return outcome(
        'yes',
        `the KMS key ${cfg.value.name} is an AWS managed key (KeyManager AWS): AWS writes its key policy and refuses PutKeyPolicy, so nothing can be fixed here`,
        {
          ...o,
          certainty: 'proven'
        }
      )
    if (manager === 'CUSTOMER')
      return outcome('no', `the KMS key ${cfg.value.name} is a customer managed key (KeyManager CUSTOMER): its key policy can be changed`, { ...o, certainty: 'proven' })
    return outcome('unknown', `who manages the KMS key ${cfg.value.name} is not in the evidence (no KeyMetadata.KeyManager in kms-keys.json)`, o)
  }
})

export const KMS_PUBLIC_STEPS: StepFunction[] = [...resourcePolicySteps(KMS, 'kms', 'aws.kms.key'), awsManaged as StepFunction]
