import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { policyAssignmentGuardrails, subscriptionOf, type PolicyGuardrail } from './guardrail-azure'

const SUB = '6F1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D'
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`
const OTHER = '/subscriptions/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups/rg2/providers/microsoft.keyvault/vaults/kv2'

const guardrail = (over: Partial<PolicyGuardrail> = {}): PolicyGuardrail => ({
  control: 'azure.keyvault.purge-protection',
  exceptions: [],
  subscriptions: [SUB],
  assignments: [
    {
      name: 'lastmile-kv-purge',
      displayName: 'Key vaults should have deletion protection enabled',
      definition: '0b60c0b2-2dc2-4e1c-b5c9-abbed971de53',
      parameters: { effect: 'Deny' }
    }
  ],
  what: 'the key vault policies',
  description: 'deny key vaults without purge protection',
  prevents: 'key vaults without purge protection',
  excepted: 'vault',
  wouldBreak: ['creating a vault without purge protection is refused'],
  ...over
})

describe('the Azure guardrail kit', () => {
  it('reads the subscription of a resource id, lower-cased', () => {
    expect(subscriptionOf(VAULT)).toBe(SUB.toLowerCase())
    expect(subscriptionOf('/providers/Microsoft.Authorization/policyDefinitions/x')).toBeNull()
  })

  it('renders the assignments as a subscription deployment template and a script, for any control', () => {
    const [template, script] = policyAssignmentGuardrails(guardrail())
    expect(template).toMatchObject({
      kind: 'azure-policy',
      name: 'azure.keyvault.purge-protection.policy-assignments.json',
      prevents: 'key vaults without purge protection',
      exceptions: []
    })
    const doc = JSON.parse(template.content) as {
      metadata: { description: string }
      resources: Array<{ name: string; properties: { policyDefinitionId: string; parameters: unknown } }>
    }
    expect(doc.metadata.description).toBe('Lastmile guardrail for azure.keyvault.purge-protection: deny key vaults without purge protection')
    expect(doc.resources).toMatchObject([
      {
        name: 'lastmile-kv-purge',
        properties: { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/0b60c0b2-2dc2-4e1c-b5c9-abbed971de53', parameters: { effect: { value: 'Deny' } } }
      }
    ])
    expect(template.wouldBreak).toEqual(['creating a vault without purge protection is refused'])
    expect(script).toMatchObject({ kind: 'azure-cli', prevents: 'the same, assigned with the Azure CLI, with a Waiver exemption for each excepted vault' })
    expect(script.content).toContain(`SUBSCRIPTIONS='${SUB.toLowerCase()}'`)
    expect(script.content).not.toContain('az policy exemption create')
  })

  it('exempts each excepted resource from each assignment in the script, in its own subscription, which it adds', () => {
    const exceptions = [
      { finding: 'F-1', resourceId: VAULT, account: SUB, region: null, why: 'UNSAFE to change' },
      { finding: 'F-2', resourceId: OTHER, account: null, region: null, why: 'risk accepted by a person' }
    ]
    const [template, script] = policyAssignmentGuardrails(guardrail({ exceptions }))
    expect(template.exceptions).toEqual([VAULT, OTHER])
    expect(template.wouldBreak.at(-1)).toBe('the template has no exemptions: deploy the script beside it, which adds them')
    expect(template.content).not.toContain('exemption')
    expect(script.content).toContain(`SUBSCRIPTIONS='0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d ${SUB.toLowerCase()}'`)
    expect(script.content).toContain(
      `az policy exemption create --name 'lastmile-kv-purge-f-1' --scope '${VAULT}' --policy-assignment '/subscriptions/${SUB.toLowerCase()}/providers/Microsoft.Authorization/policyAssignments/lastmile-kv-purge' --exemption-category Waiver`
    )
    expect(script.content).toContain(
      `--policy-assignment '/subscriptions/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/providers/Microsoft.Authorization/policyAssignments/lastmile-kv-purge'`
    )
    const file = join(tempDir(), 'assign.sh')
    writeFileSync(file, script.content)
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' }).stderr).toBe('')
  })
})
