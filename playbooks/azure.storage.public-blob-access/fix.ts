// azure.storage.public-blob-access: disallow anonymous blob access on a storage account
// (`az storage account update --allow-blob-public-access false`; ARM property allowBlobPublicAccess).
// The containers' own public access levels are left as they are: Azure keeps them and they take
// effect again only if the account allows anonymous access again, so the rollback — the saved value
// put back — restores exactly what anonymous clients could read before.
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import { hclName, hclString, terraformHeader } from '../../main/controls/formats'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, latestConfig, requireConfig, validationText } from '../../main/controls/fix-common'
import { CONTROL } from './evaluate'
import { CONTAINER } from './steps'

const STORAGE_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)$/

export const publicBlobAccessFix: FixRenderer = {
  control: CONTROL,
  summary: 'disallow anonymous blob access on the storage account',
  inputs(db, target) {
    // a container's finding (Wiz): its fix is that container made private, not its whole account closed to anonymous reads,
    // which would refuse the readers of containers the investigation did not look at
    if (target.resourceType === CONTAINER)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${target.resourceId} is a blob container; Lastmile computes the account-wide fix (disallow anonymous blob access) only for a finding on the account, and none for one container: set the container's public access level to None (az storage container-rm update --ids <container id> --public-access off) once the investigation shows no anonymous reader`
      )
    const cfg = requireConfig({ db }, target, target.resourceId, 'azure.storage.config', 'azure/<subscription>/storage-accounts.json')
    const containers = latestConfig(db, target.resourceId, 'azure.storage.containers')
    const v = cfg.value
    return {
      values: {
        id: v.id,
        name: v.name,
        allowBlobPublicAccess: v.allowBlobPublicAccess,
        publicContainers: containers
          ? containers.value.containers.filter((c) => c.publicAccess !== null && c.publicAccess !== 'None').map((c) => `${c.name}:${c.publicAccess}`)
          : null
      },
      evidence: [...cfg.evidence, ...(containers?.evidence ?? [])],
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { id: string; allowBlobPublicAccess: boolean | null; publicContainers: string[] | null }
    const m = STORAGE_ID.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an Azure storage account id`)
    const [, subscription, , account] = m
    if (v.allowBlobPublicAccess === false)
      throw new LastmileError('conflict', `${t.finding}: ${account} already disallows anonymous blob access in the evidence; validate the finding instead`)
    const header = headerLines(ctx)
    const fns = [
      `ACCOUNT_ID=${sq(v.id)}`,
      'show_account() { az storage account show --ids "$ACCOUNT_ID" --output json; }',
      "disallowed() { show_account | jq -e '.allowBlobPublicAccess == false' >/dev/null; }"
    ]
    const fix = bashScript({
      title: `Fix: disallow anonymous blob access on storage account ${account}`,
      lines: [
        ...header,
        v.publicContainers?.length
          ? `Containers whose anonymous reads stop (their level is kept, and applies again only if the account allows it again): ${v.publicContainers.join(', ')}`
          : 'No container was public in the evidence.'
      ],
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the live allowBlobPublicAccess of ${account} (rollback capture)`,
          check: '[ -s "$ROLLBACK_DIR/storage-account.before.json" ] || disallowed',
          already: 'the setting was saved by an earlier run, or it is already off',
          // null (never set) is saved as it is: the rollback puts back what anonymous clients had
          apply: ['show_account | jq "{allowBlobPublicAccess}" > "$ROLLBACK_DIR/storage-account.before.json"']
        },
        {
          title: `set --allow-blob-public-access false on ${account}`,
          check: 'disallowed',
          already: `${account} already disallows anonymous blob access`,
          apply: ['az storage account update --ids "$ACCOUNT_ID" --allow-blob-public-access false --output none'],
          verify: 'disallowed'
        }
      ],
      done: `${account} refuses anonymous blob requests`
    })
    const previous = { allowBlobPublicAccess: v.allowBlobPublicAccess }
    const rollback = bashScript({
      title: `Rollback: put back the anonymous blob access setting ${account} had before the fix`,
      lines: header,
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: [
        ...fns,
        'BEFORE="$ROLLBACK_DIR/storage-account.before.json"',
        `[ -s "$BEFORE" ] || printf '%s' ${sq(JSON.stringify(previous))} > "$BEFORE"`,
        'ALLOW="$(jq -r .allowBlobPublicAccess "$BEFORE")"',
        // never set (null): the account allowed anonymous access by the old default; true puts that back explicitly
        '[ "$ALLOW" = true ] || [ "$ALLOW" = null ] || fail "the saved allowBlobPublicAccess is $ALLOW: nothing to put back"'
      ],
      steps: [
        {
          title: `set --allow-blob-public-access true on ${account}`,
          check: "show_account | jq -e '.allowBlobPublicAccess == true' >/dev/null",
          already: `${account} allows anonymous blob access again`,
          apply: ['az storage account update --ids "$ACCOUNT_ID" --allow-blob-public-access true --output none'],
          verify: "show_account | jq -e '.allowBlobPublicAccess == true' >/dev/null"
        }
      ],
      done: `${account} allows anonymous blob access again; each container's own level decides what is public, as before`
    })
    const name = hclName(t.finding, account)
    const tf = [
      terraformHeader(
        [...header, 'azapi_update_resource changes only this property of the existing account (azurerm_storage_account would need the whole account definition).'],
        [{ name: 'azapi', source: 'Azure/azapi', version: '>= 2.0' }]
      ),
      `resource "azapi_update_resource" "${name}" {`,
      `  type        = "Microsoft.Storage/storageAccounts@2023-05-01"`,
      `  resource_id = ${hclString(v.id)}`,
      '  body = {',
      '    properties = {',
      '      allowBlobPublicAccess = false',
      '    }',
      '  }',
      '}',
      ''
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `disallow anonymous blob access on ${account}`, fix),
        artefact(ctx, 'terraform', 'hcl', 'tf', 'the same change as Terraform (azapi_update_resource)', tf)
      ],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `allow anonymous blob access on ${account} again`, rollback)],
      preconditions: [
        'Azure CLI and jq on PATH, signed in (az login)',
        `a role on ${account} allowing Microsoft.Storage/storageAccounts/read and /write`,
        'no one reads its blobs anonymously: the investigation must have found no successful anonymous request in storage logs covering the whole window, or no public container (its RCI says which); anonymous clients get 409/403 once it is off, and deployments that set a container public fail',
        'the static website ($web on the web endpoint) is not affected'
      ],
      validation: validationText(t),
      notes: [
        `before: allowBlobPublicAccess ${v.allowBlobPublicAccess === null ? 'not set' : String(v.allowBlobPublicAccess)}`,
        v.publicContainers === null ? "the account's containers were not in the evidence" : `public containers: ${v.publicContainers.join(', ') || 'none'}`
      ]
    }
  }
}
