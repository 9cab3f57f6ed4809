import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listAwsProfiles, listAzureProfiles } from './profiles'

describe('local credential profiles', () => {
  const home = mkdtempSync(join(tmpdir(), 'lm-home-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      '[default]',
      'region = eu-west-1',
      '[profile audit]',
      'role_arn = arn:aws:iam::111122223333:role/SecurityAudit',
      'source_profile = default',
      'region = us-east-1',
      's3 =',
      '  addressing_style = path',
      '[profile sso-dev]',
      'sso_session = corp',
      'sso_account_id = 444455556666',
      'sso_role_name = ReadOnly',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = eu-central-1',
      '# a comment',
      '[profile tool]',
      'credential_process = /usr/local/bin/get-creds'
    ].join('\n')
  )
  writeFileSync(
    join(home, '.aws', 'credentials'),
    '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[ci]\naws_access_key_id = AKIAEXAMPLE2\naws_secret_access_key = secret2\n'
  )

  it('lists static keys, assume-role, SSO and credential-process profiles, from both files', () => {
    const p = listAwsProfiles({}, home)
    expect(p.map((x) => [x.name, x.kind])).toEqual([
      ['default', 'static-keys'],
      ['audit', 'assume-role'],
      ['ci', 'static-keys'],
      ['sso-dev', 'sso'],
      ['tool', 'credential-process']
    ])
    expect(p.find((x) => x.name === 'audit')).toMatchObject({ roleArn: 'arn:aws:iam::111122223333:role/SecurityAudit', sourceProfile: 'default', region: 'us-east-1' })
    expect(p.find((x) => x.name === 'sso-dev')).toMatchObject({
      ssoStartUrl: 'https://corp.awsapps.com/start',
      ssoAccountId: '444455556666',
      ssoRoleName: 'ReadOnly',
      region: 'eu-central-1'
    })
  })

  it('never returns a secret or a key id', () => {
    const text = JSON.stringify(listAwsProfiles({}, home))
    expect(text).not.toMatch(/wJalr|secret2|AKIA/)
  })

  it('never returns a session token or a secret, even of a profile defined only in ~/.aws/credentials', () => {
    const other = mkdtempSync(join(tmpdir(), 'lm-home-'))
    mkdirSync(join(other, '.aws'))
    const secret = 'kT9vQm2ZrX8pL4nW7sYb3cF6hJ1dG5eA0uR8iOpE'
    const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDsessiontoken'
    writeFileSync(
      join(other, '.aws', 'credentials'),
      `[temp]\naws_access_key_id = ASIAEXAMPLETEMPKEY01\naws_secret_access_key = ${secret}\naws_session_token = ${token}\nregion = eu-north-1\n`
    )
    const p = listAwsProfiles({}, other)
    expect(p).toEqual([expect.objectContaining({ name: 'temp', kind: 'static-keys', region: 'eu-north-1', files: [join(other, '.aws', 'credentials')] })])
    // what evidence.profiles answers, as it crosses to the renderer
    const text = JSON.stringify({ aws: p, azure: listAzureProfiles({}, other) })
    for (const s of [secret, token, 'ASIAEXAMPLETEMPKEY01', 'kT9vQm', 'IQoJb3']) expect(text).not.toContain(s)
  })

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', () => {
    const other = join(home, 'other-config')
    writeFileSync(other, '[profile only-here]\nregion = ap-south-1\n')
    const p = listAwsProfiles({ AWS_CONFIG_FILE: other, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') }, home)
    expect(p.map((x) => x.name)).toEqual(['only-here'])
  })

  it('lists Azure CLI subscriptions, an environment service principal (not its secret) and the default chain', () => {
    mkdirSync(join(home, '.azure'))
    writeFileSync(
      join(home, '.azure', 'azureProfile.json'),
      '\uFEFF' + JSON.stringify({ subscriptions: [{ id: 'sub-1', name: 'Prod', tenantId: 't1', isDefault: true, user: { name: 'dana@example.com', type: 'user' } }] })
    )
    const p = listAzureProfiles({ AZURE_CLIENT_ID: 'app-id', AZURE_TENANT_ID: 't1', AZURE_CLIENT_SECRET: 'very-secret' }, home)
    expect(p.map((x) => [x.name, x.kind])).toEqual([
      ['sub-1', 'azure-cli'],
      ['environment', 'environment'],
      ['default', 'default-chain']
    ])
    expect(JSON.stringify(p)).not.toMatch(/very-secret/)
  })
})
