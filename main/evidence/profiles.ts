// The user's local credential profiles, listed without secrets: AWS shared config/credentials
// files (static keys, role_arn + source_profile, SSO) and Azure CLI subscriptions. Lastmile only
// names a profile; the SDK resolves its credentials when a client is used.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { AwsProfile, AzureProfile } from '../../shared/evidence'

export type { AwsProfile, AzureProfile }

/** INI as the AWS CLI writes it: `[section]`, `key = value`, `#`/`;` comments, indented sub-keys. */
function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  let cur: Map<string, string> | null = null
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, '')
    const t = line.trim()
    if (!t || t.startsWith('#') || t.startsWith(';')) continue
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(t)
    if (sec) {
      cur = out.get(sec[1]) ?? new Map()
      out.set(sec[1], cur)
      continue
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(t)
    // Indented lines are sub-settings of the previous key (s3 = \n  addressing_style = …): skip them.
    if (kv && cur && !/^\s/.test(line)) cur.set(kv[1].toLowerCase(), kv[2])
  }
  return out
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/**
 * Profiles from AWS_CONFIG_FILE (default ~/.aws/config, sections `[profile x]` and `[default]`)
 * and AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials, sections `[x]`). Key values are
 * read only to tell what kind of profile it is and are never returned.
 */
export function listAwsProfiles(env: NodeJS.ProcessEnv = process.env, home = homedir()): AwsProfile[] {
  const configPath = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')
  const credsPath = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials')
  const config = parseIni(readIfExists(configPath) ?? '')
  const creds = parseIni(readIfExists(credsPath) ?? '')
  const sso = new Map<string, Map<string, string>>()
  const profiles = new Map<string, { conf: Map<string, string>; files: string[] }>()
  for (const [section, kv] of config) {
    const m = /^profile\s+(.+)$/.exec(section)
    const s = /^sso-session\s+(.+)$/.exec(section)
    if (s) sso.set(s[1], kv)
    else if (m || section === 'default') profiles.set(m ? m[1] : 'default', { conf: new Map(kv), files: [configPath] })
  }
  for (const [name, kv] of creds) {
    const p = profiles.get(name) ?? { conf: new Map<string, string>(), files: [] as string[] }
    for (const [k, v] of kv) if (!p.conf.has(k)) p.conf.set(k, v)
    p.files.push(credsPath)
    profiles.set(name, p)
  }
  return [...profiles]
    .map(([name, { conf, files }]): AwsProfile => {
      const session = conf.get('sso_session') ?? null
      const sess = session ? sso.get(session) : undefined
      const kind: AwsProfile['kind'] =
        conf.has('sso_start_url') || session
          ? 'sso'
          : conf.has('role_arn') && conf.has('web_identity_token_file')
            ? 'web-identity'
            : conf.has('role_arn')
              ? 'assume-role'
              : conf.has('credential_process')
                ? 'credential-process'
                : conf.has('aws_access_key_id')
                  ? 'static-keys'
                  : 'config-only'
      return {
        name,
        kind,
        region: conf.get('region') ?? sess?.get('sso_region') ?? null,
        roleArn: conf.get('role_arn') ?? null,
        sourceProfile: conf.get('source_profile') ?? (conf.get('credential_source') ? `credential_source=${conf.get('credential_source')}` : null),
        ssoSession: session,
        ssoStartUrl: conf.get('sso_start_url') ?? sess?.get('sso_start_url') ?? null,
        ssoAccountId: conf.get('sso_account_id') ?? null,
        ssoRoleName: conf.get('sso_role_name') ?? null,
        files
      }
    })
    .sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)))
}

/**
 * Azure CLI subscriptions from azureProfile.json (AZURE_CONFIG_DIR, default ~/.azure), a service
 * principal named by environment variables (its secret is not read), and DefaultAzureCredential.
 */
export function listAzureProfiles(env: NodeJS.ProcessEnv = process.env, home = homedir()): AzureProfile[] {
  const dir = env.AZURE_CONFIG_DIR ?? join(home, '.azure')
  const out: AzureProfile[] = []
  const text = readIfExists(join(dir, 'azureProfile.json'))
  if (text) {
    try {
      const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as {
        subscriptions?: Array<{ id?: string; name?: string; tenantId?: string; isDefault?: boolean; user?: { name?: string } }>
      }
      for (const s of doc.subscriptions ?? []) {
        if (!s.id) continue
        out.push({
          name: s.id,
          kind: 'azure-cli',
          subscriptionId: s.id,
          subscriptionName: s.name ?? null,
          tenantId: s.tenantId ?? null,
          user: s.user?.name ?? null,
          isDefault: s.isDefault === true
        })
      }
    } catch {
      // A damaged CLI profile is the CLI's problem: list what else there is.
    }
  }
  if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID) {
    out.push({
      name: 'environment',
      kind: 'environment',
      subscriptionId: env.AZURE_SUBSCRIPTION_ID ?? null,
      subscriptionName: null,
      tenantId: env.AZURE_TENANT_ID,
      user: env.AZURE_CLIENT_ID,
      isDefault: false
    })
  }
  out.push({ name: 'default', kind: 'default-chain', subscriptionId: null, subscriptionName: null, tenantId: null, user: null, isDefault: out.length === 0 })
  return out
}
