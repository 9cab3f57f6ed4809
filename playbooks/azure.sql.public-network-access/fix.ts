// azure.sql.public-network-access: disable the server's public network access (`az sql server update
// --enable-public-network false`). The live value is saved first (`az sql server show`), and the
// rollback sets exactly that value again. The firewall rules and virtual network rules are left as
// they are: Azure keeps them while public access is off (they are not enforced), so putting the value
// back brings every client path back as it was. Refused when the evidence shows public access off.
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText } from '../../main/controls/fix-common'
import type { AzureSqlConfigFacet } from '../../main/semantics/facets'
import { CONTROL } from './evaluate'

const SERVER_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.sql\/servers\/([^/]+)$/

export const sqlPublicAccessFix: FixRenderer = {
  control: CONTROL,
  summary: "disable the SQL server's public network access (only private endpoint connections remain)",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'azure.sql.config', 'azure/<subscription>/sql-servers.json')
    return { values: cfg.value, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as AzureSqlConfigFacet
    const m = SERVER_ID.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an Azure SQL server id`)
    const [, subscription, rg, server] = m
    if (!/^enabled$/i.test(v.publicNetworkAccess ?? ''))
      throw new LastmileError(
        'conflict',
        `${t.finding}: ${server}'s publicNetworkAccess is ${v.publicNetworkAccess ?? 'not in the evidence'}, not Enabled; validate the finding (or collect evidence again) instead`
      )
    const header = headerLines(ctx)
    const fns = [
      `RG=${sq(rg)}`,
      `SERVER=${sq(server)}`,
      'public_access() { az sql server show --resource-group "$RG" --name "$SERVER" --query publicNetworkAccess --output tsv; }',
      'SAVED="$ROLLBACK_DIR/public-network-access.txt"'
    ]
    const approved = (v.privateEndpoints ?? []).filter((p) => /^approved$/i.test(p.state ?? ''))
    const fix = bashScript({
      title: `Fix: disable public network access on ${server}`,
      lines: [
        ...header,
        `Firewall rules kept (not enforced while public access is off): ${v.firewallRules?.map((r) => `${r.name} ${r.start}-${r.end}`).join(', ') || 'none'}`,
        `Private endpoints that stay: ${approved.map((p) => p.id?.split('/').pop() ?? '?').join(', ') || 'none'}`
      ],
      tools: ['az'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save ${server}'s publicNetworkAccess as it is (rollback capture)`,
          check: '[ -s "$SAVED" ]',
          already: 'saved by an earlier run',
          apply: [
            'now="$(public_access)" || fail "cannot read the server\'s publicNetworkAccess; nothing was changed"',
            `[ "$now" = Enabled ] || [ "$now" = Disabled ] || fail ${sq(`publicNetworkAccess of ${server} is neither Enabled nor Disabled; nothing was changed — collect evidence again`)}`,
            'printf \'%s\\n\' "$now" > "$SAVED"'
          ]
        },
        {
          title: `disable public network access on ${server}`,
          check: '[ "$(public_access)" = Disabled ]',
          already: 'public network access is already disabled',
          apply: ['az sql server update --resource-group "$RG" --name "$SERVER" --enable-public-network false --output none'],
          verify: '[ "$(public_access)" = Disabled ]'
        }
      ],
      done: `${server} accepts logins through its private endpoints only`
    })
    const rollback = bashScript({
      title: `Rollback: set ${server}'s public network access back to what it was`,
      lines: header,
      tools: ['az'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `set publicNetworkAccess of ${server} to its saved value`,
          check: `[ -s "$SAVED" ] && [ "$(public_access)" = "$(cat "$SAVED")" ]`,
          already: 'publicNetworkAccess already has its saved value',
          apply: [
            `[ -s "$SAVED" ] || fail ${sq(`no saved publicNetworkAccess of ${server} in $ROLLBACK_DIR: the fix did not change it from here; nothing to put back`)}`,
            'case "$(cat "$SAVED")" in Enabled) flag=true ;; Disabled) flag=false ;; *) fail "the saved value is neither Enabled nor Disabled" ;; esac',
            'az sql server update --resource-group "$RG" --name "$SERVER" --enable-public-network "$flag" --output none'
          ],
          verify: '[ "$(public_access)" = "$(cat "$SAVED")" ]'
        }
      ],
      done: `${server}'s publicNetworkAccess is as it was`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `disable public network access on ${server}`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `set ${server}'s public network access back`, rollback)],
      preconditions: [
        'Azure CLI (bash 4 or later) on PATH, signed in (az login)',
        `a role on ${server} allowing Microsoft.Sql/servers/read and /write (SQL Server Contributor)`,
        'every client connects through a private endpoint: the investigation must have found, in a SQL audit log covering the whole window, no login from a public address or through a virtual network rule (its RCI says which); move such clients to a private endpoint first',
        'applications connect by the server name (<server>.database.windows.net), which resolves to the private endpoint inside the virtual network once its privatelink.database.windows.net DNS zone is linked'
      ],
      validation: validationText(t),
      notes: [
        `publicNetworkAccess: ${v.publicNetworkAccess} -> Disabled`,
        ...(v.firewallRules?.length ? [`firewall rules kept but no longer enforced: ${v.firewallRules.map((r) => r.name).join(', ')}`] : []),
        ...(v.virtualNetworkRules?.length ? [`virtual network rules kept but no longer enforced: ${v.virtualNetworkRules.map((r) => r.name).join(', ')}`] : [])
      ]
    }
  }
}
