// azure.storage.secure-transfer: secure transfer required and minimum TLS 1.2 on a storage account
// (FORMATS.md C.7; ARM properties supportsHttpsTrafficOnly and minimumTlsVersion, shown by the
// Azure CLI as enableHttpsTrafficOnly and minimumTlsVersion). A minimum TLS version already above
// 1.2 is never lowered.
import { LastmileError } from '../../main/errors'
import { bashScript, shellVar, sq } from '../../main/controls/shell'
import { hclName, hclString, terraformHeader } from '../../main/controls/formats'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText } from '../../main/controls/fix-common'
import { TLS_ORDER } from './evaluate'

function tlsBelow12(v: string | null): boolean {
  const i = TLS_ORDER.indexOf(v ?? 'TLS1_0')
  return i < 2
}

export const azureStorageSecureTransferFix: FixRenderer = {
  control: 'azure.storage.secure-transfer',
  summary: 'require secure transfer (HTTPS) and TLS 1.2 on the storage account',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'azure.storage.config', 'azure/<subscription>/storage-accounts.json')
    const v = cfg.value
    return {
      values: { id: v.id, name: v.name, location: v.location, https: v.supportsHttpsTrafficOnly, tls: v.minimumTlsVersion },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { id: string; name: string | null; https: boolean | null; tls: string | null }
    const m = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)$/.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an Azure storage account id`)
    const [, subscription, , account] = m
    const needHttps = v.https !== true
    const needTls = tlsBelow12(v.tls)
    if (!needHttps && !needTls)
      throw new LastmileError('conflict', `${t.finding}: ${account} already requires secure transfer and TLS ${v.tls} in the evidence; validate the finding instead`)
    const header = headerLines(ctx)
    const want = '.enableHttpsTrafficOnly == true and (.minimumTlsVersion == "TLS1_2" or .minimumTlsVersion == "TLS1_3")'
    const fns = [
      `ACCOUNT_ID=${sq(v.id)}`,
      'show_account() { az storage account show --ids "$ACCOUNT_ID" --output json; }',
      `secure() { show_account | jq -e ${sq(want)} >/dev/null; }`
    ]
    const flags = [...(needHttps ? ['--https-only true'] : []), ...(needTls ? ['--min-tls-version TLS1_2'] : [])].join(' ')
    const fix = bashScript({
      title: `Fix: require secure transfer and TLS 1.2 on storage account ${account}`,
      lines: header,
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the live settings of ${account} (rollback capture)`,
          check: '[ -s "$ROLLBACK_DIR/storage-account.before.json" ] || secure',
          already: 'the settings were saved by an earlier run, or they are already secure',
          apply: ['show_account | jq "{enableHttpsTrafficOnly, minimumTlsVersion}" > "$ROLLBACK_DIR/storage-account.before.json"']
        },
        {
          title: `set ${flags} on ${account}`,
          check: 'secure',
          already: `${account} already requires HTTPS and TLS 1.2 or later`,
          apply: [`az storage account update --ids "$ACCOUNT_ID" ${flags} --output none`],
          verify: 'secure'
        }
      ],
      done: `${account} refuses plain HTTP and TLS below 1.2`
    })
    const previous = { enableHttpsTrafficOnly: v.https ?? false, minimumTlsVersion: v.tls ?? 'TLS1_0' }
    const rollback = bashScript({
      title: `Rollback: put back the transfer settings ${account} had before the fix`,
      lines: header,
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: [
        ...fns,
        'BEFORE="$ROLLBACK_DIR/storage-account.before.json"',
        `[ -s "$BEFORE" ] || printf '%s' ${sq(JSON.stringify(previous))} > "$BEFORE"`,
        'HTTPS="$(jq -r .enableHttpsTrafficOnly "$BEFORE")"',
        'TLS="$(jq -r .minimumTlsVersion "$BEFORE")"'
      ],
      steps: [
        {
          title: `set --https-only ${shellVar('HTTPS')} --min-tls-version ${shellVar('TLS')} on ${account}`,
          check: 'show_account | jq -e --argjson h "$HTTPS" --arg t "$TLS" \'.enableHttpsTrafficOnly == $h and .minimumTlsVersion == $t\' >/dev/null',
          already: `${account} has its previous settings`,
          apply: ['az storage account update --ids "$ACCOUNT_ID" --https-only "$HTTPS" --min-tls-version "$TLS" --output none'],
          verify: 'show_account | jq -e --argjson h "$HTTPS" --arg t "$TLS" \'.enableHttpsTrafficOnly == $h and .minimumTlsVersion == $t\' >/dev/null'
        }
      ],
      done: `${account} has its previous transfer settings again`
    })
    const name = hclName(t.finding, account)
    const tf = [
      terraformHeader(
        [
          ...header,
          'azapi_update_resource changes only these two properties of the existing account (azurerm_storage_account',
          'would need the whole account definition and would take it over).'
        ],
        [{ name: 'azapi', source: 'Azure/azapi', version: '>= 2.0' }]
      ),
      `resource "azapi_update_resource" "${name}" {`,
      `  type        = "Microsoft.Storage/storageAccounts@2023-05-01"`,
      `  resource_id = ${hclString(v.id)}`,
      '  body = {',
      '    properties = {',
      ...(needHttps ? ['      supportsHttpsTrafficOnly = true'] : []),
      ...(needTls ? ['      minimumTlsVersion        = "TLS1_2"'] : []),
      '    }',
      '  }',
      '}',
      ''
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `require HTTPS and TLS 1.2 on ${account}`, fix),
        artefact(ctx, 'terraform', 'hcl', 'tf', 'the same change as Terraform (azapi_update_resource)', tf)
      ],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `put back the previous transfer settings of ${account}`, rollback)],
      preconditions: [
        'Azure CLI and jq on PATH, signed in (az login)',
        `a role on ${account} allowing Microsoft.Storage/storageAccounts/read and /write`,
        "no client uses plain HTTP or TLS 1.0/1.1: the investigation must have found none in storage logs covering the whole window (its RCI says whether they did); SMB 2.1, NFS 3.0 file shares and custom-domain HTTP endpoints stop working under secure transfer, and blob logs show no file-share traffic unless the file service's own diagnostic setting is on"
      ],
      validation: validationText(t),
      notes: [`before: secure transfer ${v.https === null ? 'unknown' : v.https ? 'on' : 'off'}, minimum TLS ${v.tls ?? 'unknown'}`]
    }
  }
}
