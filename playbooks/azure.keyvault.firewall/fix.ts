// azure.keyvault.firewall: turn the vault's firewall on so that its callers keep their access. The live
// networkAcls are saved first (`az keyvault show`); each public address the AuditEvent log saw succeed
// gets an IP rule (`az keyvault network-rule add`); then the default action becomes Deny with bypass
// AzureServices (`az keyvault update`), so trusted Azure services — a VM or a deployment fetching a
// certificate, Azure Disk Encryption, Backup — keep working. Private endpoint connections are not
// subject to the firewall. The rollback sets the saved default action and bypass back, then removes the
// IP rules the fix added: the networkAcls are exactly the saved ones again (a vault that had none gets
// Azure's defaults, Allow and AzureServices, which is what "none" means).
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, latestConfig, requireConfig, validationText } from '../../main/controls/fix-common'
import type { AzureCallersFacet, AzureKeyVaultConfigFacet } from '../../main/semantics/facets'
import { CONTROL, vaultFirewallVerdict } from './evaluate'
import { callerPlan, MAX_PINNED } from './steps'

const VAULT_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.keyvault\/vaults\/([^/]+)$/

export const vaultFirewallFix: FixRenderer = {
  control: CONTROL,
  summary: "turn the key vault's firewall on (default action Deny, trusted services bypassing), with an IP rule for each public caller seen",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'azure.keyvault.config', 'azure/<subscription>/key-vaults.json')
    const callers = latestConfig(db, target.resourceId, 'azure.callers')
    return {
      values: { vault: cfg.value, callers: callers?.value ?? null },
      evidence: [...cfg.evidence, ...(callers?.evidence ?? [])],
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const { vault: v, callers } = ctx.inputs.values as { vault: AzureKeyVaultConfigFacet; callers: AzureCallersFacet | null }
    const m = VAULT_ID.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an Azure key vault id`)
    const [, subscription, rg, name] = m
    if (vaultFirewallVerdict({ publicNetworkAccess: v.publicNetworkAccess, defaultAction: v.networkAcls?.defaultAction ?? null }).status === 'PASS')
      throw new LastmileError('conflict', `${t.finding}: ${name}'s firewall is already on in the evidence; validate the finding instead`)
    if (!callers)
      throw new LastmileError(
        'not-found',
        `${t.finding}: no AuditEvent log of ${name} in the case's evidence: which addresses to keep cannot be told; add keyvault-logs/ to a bundle before planning`
      )
    // every address seen succeed in the logs the case holds (the investigation judged its window of them)
    const { pin, trusted } = callerPlan(
      v,
      callers.callers.filter((c) => c.succeeded > 0)
    )
    if (pin.length > MAX_PINNED)
      throw new LastmileError(
        'conflict',
        `${t.finding}: ${pin.length} public addresses called ${name}: too many to pin an IP rule each; give its callers a private endpoint instead`
      )
    const header = headerLines(ctx)
    const fns = [
      `RG=${sq(rg)}`,
      `VAULT=${sq(name)}`,
      // a vault without networkAcls prints nothing: null, so that jq (which accepts empty input) judges it
      'acls() { local a; a="$(az keyvault show --resource-group "$RG" --name "$VAULT" --query properties.networkAcls --output json)" || return 1; printf \'%s\\n\' "${a:-null}"; }',
      'SAVED="$ROLLBACK_DIR/network-acls.json"',
      // the IP rules as Key Vault lists them ("203.0.113.7/32" for an address given bare)
      'has_rule() { acls | jq -e --arg ip "$1" \'(. // {}) | (.ipRules // []) | map(.value) | (index($ip) != null or index($ip + "/32") != null)\' >/dev/null; }',
      'firewall_on() { acls | jq -e \'(. // {}) | .defaultAction == "Deny" and .bypass == "AzureServices"\' >/dev/null; }'
    ]
    const fix = bashScript({
      title: `Fix: turn the firewall of ${name} on, keeping the callers seen`,
      lines: [
        ...header,
        `IP rules added for the public callers seen: ${pin.map((c) => c.address).join(', ') || 'none'}`,
        `Trusted Azure services seen (kept by bypass AzureServices): ${[...new Set(trusted.map((c) => c.trustedService))].join(', ') || 'none'}`
      ],
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the networkAcls of ${name} as they are (rollback capture)`,
          check: '[ -s "$SAVED" ]',
          already: 'saved by an earlier run',
          apply: [
            'now="$(acls)" || fail "cannot read the vault\'s networkAcls; nothing was changed"',
            `printf '%s\\n' "$now" | jq -e '(. // {}) | .defaultAction != "Deny"' >/dev/null || fail ${sq(`the firewall of ${name} is already on; nothing was changed — collect evidence again`)}`,
            'printf \'%s\\n\' "$now" > "$SAVED"'
          ]
        },
        ...pin.map((c) => ({
          title: `allow ${c.address} (${c.principals.slice(0, 2).join(', ') || 'a caller'} seen in the AuditEvent log)`,
          check: `has_rule ${sq(c.address)}`,
          already: `${c.address} is already allowed`,
          apply: [`az keyvault network-rule add --resource-group "$RG" --name "$VAULT" --ip-address ${sq(c.address)} --output none`],
          verify: `has_rule ${sq(c.address)}`
        })),
        {
          title: `set the default action of ${name} to Deny, trusted Azure services bypassing`,
          check: 'firewall_on',
          already: 'the firewall is already on with bypass AzureServices',
          apply: ['az keyvault update --resource-group "$RG" --name "$VAULT" --default-action Deny --bypass AzureServices --output none'],
          verify: 'firewall_on'
        }
      ],
      done: `${name} accepts only its IP rules, virtual network rules, private endpoints and trusted Azure services`
    })
    const same =
      'acls | jq -e --slurpfile b "$SAVED" \'def norm: (. // {defaultAction: "Allow", bypass: "AzureServices"}) | [.defaultAction, .bypass, ((.ipRules // []) | map(.value) | sort), ((.virtualNetworkRules // []) | map(.id | ascii_downcase) | sort)]; (. | norm) == ($b[0] | norm)\' >/dev/null'
    const rollback = bashScript({
      title: `Rollback: put the networkAcls of ${name} back as they were`,
      lines: header,
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `set the default action and bypass of ${name} to their saved values`,
          check: `[ -s "$SAVED" ] && acls | jq -e --slurpfile b "$SAVED" '(. // {}) as $n | ($b[0] // {defaultAction: "Allow", bypass: "AzureServices"}) as $o | $n.defaultAction == $o.defaultAction and $n.bypass == $o.bypass' >/dev/null`,
          already: 'the default action and bypass already have their saved values',
          apply: [
            `[ -s "$SAVED" ] || fail ${sq(`no saved networkAcls of ${name} in $ROLLBACK_DIR: the fix did not change them from here; nothing to put back`)}`,
            'action="$(jq -r \'.defaultAction // "Allow"\' "$SAVED")"',
            'bypass="$(jq -r \'.bypass // "AzureServices"\' "$SAVED")"',
            'az keyvault update --resource-group "$RG" --name "$VAULT" --default-action "$action" --bypass "$bypass" --output none'
          ]
        },
        ...pin.map((c) => ({
          title: `remove the IP rule the fix added for ${c.address}`,
          check: `! has_rule ${sq(c.address)} || jq -e --arg ip ${sq(c.address)} '(. // {}) | (.ipRules // []) | map(.value) | (index($ip) != null or index($ip + "/32") != null)' "$SAVED" >/dev/null`,
          already: `${c.address} has no rule, or had one before the fix`,
          apply: [
            `rule="$(acls | jq -r --arg ip ${sq(c.address)} '(.ipRules // []) | map(.value) | map(select(. == $ip or . == ($ip + "/32"))) | .[0]')"`,
            'az keyvault network-rule remove --resource-group "$RG" --name "$VAULT" --ip-address "$rule" --output none'
          ],
          verify: `! has_rule ${sq(c.address)}`
        })),
        {
          title: `check that the networkAcls of ${name} equal the saved ones`,
          check: same,
          already: 'the networkAcls equal the saved ones',
          apply: ['fail "the networkAcls still differ from the saved ones in $SAVED (a rule added since the fix?); nothing else was changed"']
        }
      ],
      done: `${name}'s networkAcls are as they were`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `turn the firewall of ${name} on`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `put the networkAcls of ${name} back`, rollback)],
      preconditions: [
        'Azure CLI (bash 4 or later) and jq on PATH, signed in (az login)',
        `a role on ${name} allowing Microsoft.KeyVault/vaults/read and /write (Key Vault Contributor)`,
        "every caller keeps its access: the investigation must have found, in an AuditEvent log covering the whole window, no caller the firewall would refuse (its RCI says so); a caller from a subnet's service endpoint needs a virtual network rule for that subnet first",
        'callers on changing public addresses (a laptop at home, an App Service app whose outbound addresses change) lose access when their address changes: give them a private endpoint or a virtual network rule',
        'Azure Resource Manager template deployments and VMs that fetch certificates keep working only through bypass AzureServices, which the fix sets'
      ],
      validation: validationText(t),
      notes: [
        `networkAcls.defaultAction: ${v.networkAcls?.defaultAction ?? 'none (Allow)'} -> Deny; bypass: ${v.networkAcls?.bypass ?? 'none (AzureServices)'} -> AzureServices`,
        ...pin.map((c) => `IP rule added: ${c.address} (${c.principals.slice(0, 3).join(', ') || 'caller'}; ${c.succeeded} requests)`)
      ]
    }
  }
}
