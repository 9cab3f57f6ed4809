import type { ReactElement } from 'react'
import type { AwsProfile, AzureProfile } from '../../../shared/evidence'
import { call } from '../api'
import { useLoad } from '../use-load'
import { Notice } from './Notice'
import { Section } from './Page'

const AWS_KIND: Record<AwsProfile['kind'], string> = {
  'static-keys': 'access keys',
  'assume-role': 'assume role',
  sso: 'IAM Identity Center (SSO)',
  'credential-process': 'credential process',
  'web-identity': 'web identity',
  'config-only': 'settings only'
}

const AZURE_KIND: Record<AzureProfile['kind'], string> = {
  'azure-cli': 'Azure CLI sign-in',
  environment: 'service principal (environment)',
  'default-chain': 'default chain'
}

const dash = <span className="muted">—</span>

/**
 * The AWS and Azure credential profiles on this machine, as `evidence collect` can use them. Only
 * names and settings are shown: the service never returns a key, a secret or a token.
 */
export function CredentialProfiles(): ReactElement {
  const profiles = useLoad(() => call('evidence.profiles', {}), [])
  const aws = profiles.value?.aws ?? []
  // DefaultAzureCredential is always listed by the service: it is not a profile found here.
  const azure = (profiles.value?.azure ?? []).filter((p) => p.kind !== 'default-chain')
  return (
    <Section
      title="Credential profiles on this machine"
      description="What live evidence collection can sign in with. Names and settings only: keys, secrets and tokens are never read into Lastmile, and nothing here is shown to anyone else."
    >
      <div className="stack">
        {profiles.error ? (
          <Notice tone="error" title="The profiles could not be listed">
            {profiles.error}
          </Notice>
        ) : null}
        <h3 className="sub-title">AWS</h3>
        {profiles.value && aws.length === 0 ? (
          <p className="muted" data-testid="aws-profiles-empty">
            No AWS profile found. Lastmile looks in the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config and ~/.aws/credentials; without a
            profile, collection uses the AWS SDK’s default credential chain (environment variables, instance or container role).
          </p>
        ) : (
          <div className="table-scroll" role="region" aria-label="AWS profiles" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Profile</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Region</th>
                  <th scope="col">Role or account</th>
                  <th scope="col">Defined in</th>
                </tr>
              </thead>
              <tbody>
                {aws.map((p) => (
                  <tr key={p.name} data-testid={`aws-profile-${p.name}`}>
                    <th scope="row" className="mono nowrap">
                      {p.name}
                    </th>
                    <td className="nowrap">{AWS_KIND[p.kind]}</td>
                    <td className="mono nowrap">{p.region ?? dash}</td>
                    <td className="break">
                      <AwsRole profile={p} />
                    </td>
                    <td className="mono break small-print">{p.files.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3 className="sub-title">Azure</h3>
        {profiles.value && azure.length === 0 ? (
          <p className="muted" data-testid="azure-profiles-empty">
            No Azure subscription found. Lastmile reads the Azure CLI’s sign-ins in ~/.azure (or AZURE_CONFIG_DIR) and a service principal named by AZURE_CLIENT_ID and
            AZURE_TENANT_ID; without them, collection uses the default Azure credential chain.
          </p>
        ) : (
          <div className="table-scroll" role="region" aria-label="Azure subscriptions" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Subscription</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">User</th>
                  <th scope="col">Default</th>
                </tr>
              </thead>
              <tbody>
                {azure.map((p) => (
                  <tr key={`${p.kind}:${p.name}`} data-testid={`azure-profile-${p.name}`}>
                    <th scope="row" className="break">
                      {p.subscriptionName ? <div>{p.subscriptionName}</div> : null}
                      <div className="mono small-print">{p.subscriptionId ?? dash}</div>
                    </th>
                    <td className="nowrap">{AZURE_KIND[p.kind]}</td>
                    <td className="mono small-print break">{p.tenantId ?? dash}</td>
                    <td className="break">{p.user ?? dash}</td>
                    <td>{p.isDefault ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={profiles.reload} disabled={profiles.loading}>
            {profiles.loading ? 'Looking…' : 'Look again'}
          </button>
        </div>
      </div>
    </Section>
  )
}

function AwsRole({ profile: p }: { profile: AwsProfile }): ReactElement {
  if (p.kind === 'sso') {
    return (
      <>
        {p.ssoAccountId || p.ssoRoleName ? (
          <div>
            <span className="mono">{p.ssoAccountId ?? '?'}</span> as {p.ssoRoleName ?? '?'}
          </div>
        ) : null}
        {p.ssoStartUrl ? <div className="mono small-print muted">{p.ssoStartUrl}</div> : null}
        {p.ssoSession ? <div className="small-print muted">session {p.ssoSession}</div> : null}
      </>
    )
  }
  if (p.roleArn) {
    return (
      <>
        <div className="mono">{p.roleArn}</div>
        {p.sourceProfile ? <div className="small-print muted">from {p.sourceProfile}</div> : null}
      </>
    )
  }
  return dash
}
