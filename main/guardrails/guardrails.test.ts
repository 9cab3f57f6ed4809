// Guardrails as files ready to apply: every SCP and RCP passes the Organizations grammar and quota,
// CloudFormation templates are YAML with real resource types, the Azure template is an ARM
// subscription deployment, scripts parse in bash — and the resources whose fix is UNSAFE (or whose
// risk was accepted) are excepted where the mechanism allows it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import type { RciVerdict } from '../../shared/model'
import { policyProblems } from '../controls/policy-grammar'
import { MINIMUM_TLS_POLICY, SECURE_TRANSFER_POLICY } from '../../playbooks/azure.storage.secure-transfer/guardrails'
import { DISALLOW_PUBLIC_BLOB_POLICY } from '../../playbooks/azure.storage.public-blob-access/guardrails'
import { RDP_FROM_INTERNET_POLICY, SSH_FROM_INTERNET_POLICY } from '../../playbooks/azure.network.nsg-open-admin-ports/guardrails'
import { CAPABILITIES_POLICY, PRIVILEGED_POLICY } from '../../playbooks/azure.aks.privileged-containers/guardrails'
import { AUTOMOUNT_POLICY } from '../../playbooks/azure.aks.automount-service-account-token/guardrails'
import { AUTHORIZED_RANGES_POLICY } from '../../playbooks/azure.aks.api-server-public/guardrails'
import { loadControls } from '../controls/catalogue'
import { buildGuardrails, DEFAULT_BREAK_GLASS_ROLE, exceptionsOf, GUARDRAIL_CONTROLS, guardrailScope, type GuardrailFinding } from '.'

const dir = mkdtempSync(join(tmpdir(), 'lm-guardrails-'))
const f = (id: string, control: string, resourceId: string, verdict: RciVerdict = 'SAFE', decision: GuardrailFinding['decision'] = null): GuardrailFinding => ({
  id,
  control,
  resourceId,
  account: '111122223333',
  region: 'us-east-1',
  verdict,
  decision,
  owner: null
})

const RESOURCES: Record<string, string> = {
  'aws.s3.https-only': 'arn:aws:s3:::bucket-a',
  'aws.s3.public-access-block': 'arn:aws:s3:::bucket-b',
  'aws.s3.public-access': 'arn:aws:s3:::bucket-c',
  'aws.ec2.imdsv2': 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc',
  'aws.ec2.sg-open-admin-ports': 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc',
  'aws.ec2.ebs-default-encryption': 'AWS::::Account:111122223333',
  'aws.iam.unused-access-key': 'arn:aws:iam::111122223333:user/bob',
  'azure.storage.secure-transfer': '/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups/rg/providers/microsoft.storage/storageaccounts/acct',
  'azure.storage.public-blob-access': '/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups/rg/providers/microsoft.storage/storageaccounts/acct',
  'azure.network.nsg-open-admin-ports': '/subscriptions/6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/acct'
}

/** the built-in Azure Policy definitions each Azure control's template assigns, in order */
const AZURE_POLICIES: Record<string, string[]> = {
  'azure.storage.secure-transfer': [SECURE_TRANSFER_POLICY, MINIMUM_TLS_POLICY],
  'azure.storage.public-blob-access': [DISALLOW_PUBLIC_BLOB_POLICY],
  'azure.network.nsg-open-admin-ports': [RDP_FROM_INTERNET_POLICY, SSH_FROM_INTERNET_POLICY],
  'azure.aks.privileged-containers': [PRIVILEGED_POLICY, CAPABILITIES_POLICY],
  'azure.aks.automount-service-account-token': [AUTOMOUNT_POLICY],
  'azure.aks.api-server-public': [AUTHORIZED_RANGES_POLICY]
}

/** a resource of the control's type, for a control added after this table */
const BY_TYPE: Record<string, string> = {
  'aws.s3.bucket': 'arn:aws:s3:::bucket-x',
  'aws.ec2.instance': 'arn:aws:ec2:us-east-1:111122223333:instance/i-0x',
  'aws.iam.user': 'arn:aws:iam::111122223333:user/x',
  'aws.account': 'AWS::::Account:111122223333'
}
const catalogue = loadControls()
const resourceOf = (control: string): string =>
  RESOURCES[control] ?? BY_TYPE[catalogue.controls.find((c) => c.id === control)?.resourceType ?? ''] ?? `arn:aws:unknown:::${control}`

function all(unsafe: boolean) {
  return GUARDRAIL_CONTROLS.flatMap((control, i) => [
    f(`F-${i * 2 + 1}`, control, resourceOf(control)),
    ...(unsafe ? [f(`F-${i * 2 + 2}`, control, resourceOf(control).replace(/(a|b|c|x|0x|abc|bob|acct)$/, 'unsafe'), 'UNSAFE')] : [])
  ])
}

function checkFile(name: string, kind: string, content: string): void {
  if (kind === 'aws-scp' || kind === 'aws-rcp') {
    expect(policyProblems(JSON.parse(content), kind === 'aws-scp' ? 'scp' : 'rcp', content.trimEnd()), name).toEqual([])
  } else if (kind === 'aws-config-rule') {
    const t = parseYaml(content) as {
      AWSTemplateFormatVersion: string
      Resources: Record<string, { Type: string; Properties: { Source: { Owner: string; SourceIdentifier: string } } }>
    }
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09')
    for (const r of Object.values(t.Resources)) {
      expect(r.Type).toBe('AWS::Config::ConfigRule')
      expect(r.Properties.Source.Owner).toBe('AWS')
      expect(r.Properties.Source.SourceIdentifier).toMatch(/^[A-Z0-9_]+$/)
    }
  } else if (kind === 'azure-policy') {
    const t = JSON.parse(content) as { $schema: string; resources: Array<{ type: string; properties: { policyDefinitionId: string } }> }
    expect(t.$schema).toContain('subscriptionDeploymentTemplate.json')
    const control = name.replace(/\.policy-assignments\.json$/, '')
    const ids = t.resources.map((r) => r.properties.policyDefinitionId)
    expect(ids.length, control).toBeGreaterThan(0)
    // every assignment names a built-in definition by its resource id
    for (const id of ids) expect(id, control).toMatch(/^\/providers\/Microsoft\.Authorization\/policyDefinitions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    // the controls this table names assign exactly these; a control added later is checked by the lines above (adding one touches only its folder)
    if (AZURE_POLICIES[control]) expect(ids.map((id) => id.split('/').pop())).toEqual(AZURE_POLICIES[control])
  } else if (kind === 'aws-cli' || kind === 'azure-cli' || kind === 'kubectl') {
    const p = join(dir, name)
    writeFileSync(p, content)
    const r = spawnSync('bash', ['-n', p], { encoding: 'utf8' })
    expect(r.stderr, name).toBe('')
    expect(content).toContain('set -euo pipefail')
  } else throw new Error(`unchecked kind ${kind}`)
}

describe('guardrails for every control', () => {
  for (const unsafe of [false, true]) {
    it(`are valid files ${unsafe ? 'with' : 'without'} exceptions, each saying what it prevents and would break`, () => {
      const b = buildGuardrails('the whole case', all(unsafe), { breakGlassRoles: ['arn:aws:iam::*:role/BreakGlass'] })
      expect(b.controls).toEqual([...GUARDRAIL_CONTROLS].sort())
      for (const g of b.guardrails) {
        checkFile(g.name, g.kind, g.content)
        expect(g.prevents.length).toBeGreaterThan(10)
        expect(g.wouldBreak.length).toBeGreaterThan(0)
      }
      const kinds = new Set(b.guardrails.map((g) => `${g.control}:${g.kind}`))
      for (const k of [
        'aws.s3.https-only:aws-rcp',
        'aws.s3.public-access-block:aws-scp',
        'aws.ec2.imdsv2:aws-scp',
        'aws.ec2.ebs-default-encryption:aws-scp',
        'azure.storage.secure-transfer:azure-policy',
        'azure.storage.public-blob-access:azure-policy',
        'azure.network.nsg-open-admin-ports:azure-policy'
      ]) {
        expect(kinds.has(k), k).toBe(true)
      }
      for (const c of GUARDRAIL_CONTROLS.filter((x) => x.startsWith('aws.'))) expect(kinds.has(`${c}:aws-config-rule`), c).toBe(true)
      expect(b.readme).toContain('**Prevents:**')
      // no SCP for unused keys: denying CreateAccessKey would refuse the rotation the Config rule asks for
      expect(kinds.has('aws.iam.unused-access-key:aws-scp')).toBe(false)
      // one SCP for both S3 public-access controls, so neither cancels the other's exceptions
      expect(b.guardrails.filter((g) => g.kind === 'aws-scp' && g.content.includes('PutBucketPublicAccessBlock')).map((g) => g.name)).toEqual([
        'aws.s3.block-public-access.scp.json'
      ])
      // statement ids unique across every policy, and every SCP statement spares the break-glass role, but the IMDSv1-credentials
      // one and the root user's (it matches only arn:aws:iam::*:root, which no role is)
      const statements = b.guardrails
        .filter((g) => g.kind === 'aws-scp' || g.kind === 'aws-rcp')
        .flatMap((g) => (JSON.parse(g.content) as { Statement: Array<{ Sid: string; Condition?: Record<string, Record<string, unknown>> }> }).Statement.map((st) => ({ g, st })))
      const sids = statements.map((x) => x.st.Sid)
      expect(new Set(sids).size).toBe(sids.length)
      for (const { g, st } of statements.filter((x) => x.g.kind === 'aws-scp' && !/RoleCredentials$|DenyRootUser$/.test(x.st.Sid))) {
        expect(st.Condition?.ArnNotLike?.['aws:PrincipalArn'], `${g.name} ${st.Sid}`).toEqual(['arn:aws:iam::*:role/BreakGlass'])
      }
    })
  }

  it("the shared Block Public Access SCP keeps the exceptions of both controls when only one is asked for (the findings given are guardrailScope's)", () => {
    expect(guardrailScope(['aws.s3.public-access'])).toEqual(['aws.s3.public-access', 'aws.s3.public-access-block'])
    const findings = [f('F-1', 'aws.s3.public-access', 'arn:aws:s3:::site', 'UNSAFE'), f('F-2', 'aws.s3.public-access-block', 'arn:aws:s3:::partner-drop', 'UNSAFE')]
    const b = buildGuardrails('I-1', findings, { controls: ['aws.s3.public-access'] })
    const scp = b.guardrails.find((g) => g.name === 'aws.s3.block-public-access.scp.json')!
    expect(scp.covers).toEqual(['aws.s3.public-access'])
    expect(scp.exceptions).toEqual(['arn:aws:s3:::site', 'arn:aws:s3:::partner-drop'])
    expect(JSON.parse(scp.content).Statement[0].NotResource).toEqual(['arn:aws:s3:::site', 'arn:aws:s3:::partner-drop'])
  })

  it('excepts UNSAFE and accepted resources by ARN where the mechanism allows, and says what stays NON_COMPLIANT', () => {
    const findings = [
      f('F-1', 'aws.s3.https-only', 'arn:aws:s3:::fine'),
      f('F-2', 'aws.s3.https-only', 'arn:aws:s3:::legacy-http', 'UNSAFE'),
      f('F-3', 'aws.s3.https-only', 'arn:aws:s3:::accepted', 'RISKY', 'risk-accepted'),
      f('F-4', 'aws.ec2.imdsv2', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0old', 'UNSAFE')
    ]
    expect(exceptionsOf(findings).map((e) => e.finding)).toEqual(['F-2', 'F-3', 'F-4'])
    const b = buildGuardrails('I-1', findings, {})
    const rcp = JSON.parse(b.guardrails.find((g) => g.kind === 'aws-rcp')!.content)
    expect(rcp.Statement[0]).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      NotResource: ['arn:aws:s3:::legacy-http', 'arn:aws:s3:::legacy-http/*', 'arn:aws:s3:::accepted', 'arn:aws:s3:::accepted/*'],
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } }
    })
    const scp = JSON.parse(b.guardrails.find((g) => g.control === 'aws.ec2.imdsv2' && g.kind === 'aws-scp')!.content)
    const roleDelivery = scp.Statement.find((s: { Sid: string }) => s.Sid === 'LastmileEc2Imdsv2DenyImdsv1RoleCredentials')
    expect(roleDelivery.Condition).toEqual({
      NumericLessThan: { 'ec2:RoleDelivery': '2.0' },
      ArnNotLike: { 'ec2:SourceInstanceARN': ['arn:aws:ec2:us-east-1:111122223333:instance/i-0old'] }
    })
    // EC2 evaluates resource tags: the exception tag works there
    expect(scp.Statement.find((s: { Sid: string }) => s.Sid === 'LastmileEc2Imdsv2DenyTokensOptionalOnModify').Condition.StringNotEquals).toEqual({
      'ec2:Attribute/HttpTokens': 'required',
      'aws:ResourceTag/lastmile-guardrail-exception': 'true'
    })
    const config = b.guardrails.find((g) => g.control === 'aws.s3.https-only' && g.kind === 'aws-config-rule')!
    expect(config.content).toContain('will stay NON_COMPLIANT')
    expect(config.exceptions).toEqual(['arn:aws:s3:::legacy-http', 'arn:aws:s3:::accepted'])
  })

  it('always leaves a break-glass role: a default name when none is given, the named ones otherwise', () => {
    const imds = (opts: { breakGlassRoles?: string[] }) => {
      const b = buildGuardrails('I-1', [f('F-1', 'aws.ec2.imdsv2', RESOURCES['aws.ec2.imdsv2'])], opts)
      const g = b.guardrails.find((x) => x.kind === 'aws-scp')!
      return { g, readme: b.readme, statement: JSON.parse(g.content).Statement[1] }
    }
    const without = imds({})
    expect(without.statement.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': [DEFAULT_BREAK_GLASS_ROLE] })
    expect(without.g.prevents).toContain(`the break-glass role ${DEFAULT_BREAK_GLASS_ROLE} is exempt`)
    expect(without.readme).toContain(`Every SCP exempts the break-glass role \`${DEFAULT_BREAK_GLASS_ROLE}\``)
    const named = imds({ breakGlassRoles: ['arn:aws:iam::111122223333:role/IdentityAdmin'] })
    expect(named.statement.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/IdentityAdmin'] })
  })

  it('refuses an SCP whose exceptions do not fit the quota, keeping the Config rules and saying why', () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      f(`F-${i + 1}`, 'aws.ec2.imdsv2', `arn:aws:ec2:us-east-1:111122223333:instance/i-0000000000000${String(i).padStart(4, '0')}`, 'UNSAFE')
    )
    const b = buildGuardrails('I-1', many)
    expect(b.guardrails.map((g) => g.kind)).toEqual(['aws-cli', 'aws-config-rule'])
    expect(b.notes[0]).toMatch(/^aws.ec2.imdsv2: no preventive policy: the SCP with its exceptions is \d+ characters, over the 5,120 an SCP may have/)
  })

  it('Azure: exemptions (Waiver) for excepted storage accounts in the assignment script', () => {
    const b = buildGuardrails('I-9', [f('F-1', 'azure.storage.secure-transfer', RESOURCES['azure.storage.secure-transfer'], 'UNSAFE')])
    const script = b.guardrails.find((g) => g.kind === 'azure-cli')!.content
    expect(script).toContain(`az policy exemption create --name 'lastmile-storage-secure-transfer-f-1' --scope '${RESOURCES['azure.storage.secure-transfer']}'`)
    expect(script).toContain('--exemption-category Waiver')
  })
})

describe('the policy grammar catches what Organizations and S3 would refuse', () => {
  it('names each problem', () => {
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }, 'rcp')).toContain(
      'Statement[0]: an RCP statement must be a Deny (Allow is reserved for RCPFullAWSAccess)'
    )
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: 'x' }, Action: 's3:*', Resource: '*' }] }, 'rcp')).toContain(
      'Statement[0]: RCPs do not support NotPrincipal'
    )
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] }, 'scp')).toContain(
      'Statement[0]: an SCP names no Principal or NotPrincipal'
    )
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Sid: 'a-b', Effect: 'Deny', Action: 'S3 Get', Resource: '*' }] }, 'scp')).toEqual([
      'Statement[0]: Sid "a-b" must be letters and digits only',
      'Statement[0]: "S3 Get" is not an action name (service:Action)'
    ])
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEqualz: { a: 'b' } } }] }, 'scp')).toContain(
      'Statement[0]: unknown condition operator "StringEqualz"'
    )
    expect(policyProblems({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }, 'bucket')).toContain(
      'Statement[0]: a bucket policy statement needs exactly one of Principal and NotPrincipal'
    )
    const long = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', NotResource: Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-number-${i}`) }] }
    expect(policyProblems(long, 'scp')[0]).toMatch(/over the 5120 characters an SCP may have/)
  })
})

describe('controls a folder serves', () => {
  it("get the folder's guardrails once when its code answers them: the shared GuardDuty SCP, and the folder's Config rule in its name", () => {
    const i = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc'
    const b = buildGuardrails('GuardDuty', [f('F-1', 'aws.guardduty.recon-ec2-portscan', i), f('F-2', 'aws.guardduty.unauthorizedaccess-ec2-sshbruteforce', i, 'UNSAFE')])
    const scp = b.guardrails.filter((g) => g.kind === 'aws-scp')
    expect(scp.map((g) => [g.name, g.covers])).toEqual([
      ['aws.guardduty.keep-on.scp.json', ['aws.guardduty.recon-ec2-portscan', 'aws.guardduty.unauthorizedaccess-ec2-sshbruteforce']]
    ])
    checkFile(scp[0].name, scp[0].kind, scp[0].content)
    expect(scp[0].content).toContain('guardduty:DeleteDetector')
    expect(b.guardrails.filter((g) => g.kind === 'aws-config-rule').map((g) => g.name)).toEqual(['aws.guardduty.ec2-instance-threat.config-rules.cfn.yaml'])
  })
})
