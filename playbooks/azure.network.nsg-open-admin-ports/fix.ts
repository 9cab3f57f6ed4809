// azure.network.nsg-open-admin-ports: delete the NSG's inbound rules that admit the internet to SSH or
// RDP (`az network nsg rule delete`). Each rule is saved first exactly as the live NSG has it (`az
// network nsg rule show`), and the rollback creates it again from that file, every property the
// Azure CLI takes (priority, direction, access, protocol, source and destination prefixes, port
// ranges, application security groups, description). A rule that opens other ports as well is not
// deleted: taking those away is not what the finding asks, so the fix is refused with the rule named.
import { LastmileError } from '../../main/errors'
import { bashScript, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText } from '../../main/controls/fix-common'
import { onlyAdminPorts, ruleText, type NsgRule } from '../../main/semantics/azure-nsg'
import { CONTROL, openAdminRules } from './evaluate'

const NSG_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/networksecuritygroups\/([^/]+)$/

/** A rule name as a file name part: ARM rule names are letters, digits, _ . - (up to 80). */
const fileOf = (rule: string) => `rule-${rule.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`

export const nsgAdminPortsFix: FixRenderer = {
  control: CONTROL,
  summary: "delete the NSG's inbound rules that admit the internet to SSH or RDP",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'azure.nsg.config', 'azure/<subscription>/network-security-groups.json')
    return { values: { id: cfg.value.id, rules: openAdminRules(cfg.value.rules) }, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { id: string; rules: NsgRule[] }
    const m = NSG_ID.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an Azure network security group id`)
    const [, subscription, rg, nsg] = m
    if (!v.rules.length) throw new LastmileError('conflict', `${t.finding}: ${nsg} admits the internet to no administration port in the evidence; validate the finding instead`)
    const mixed = v.rules.filter((r) => !onlyAdminPorts(r))
    if (mixed.length)
      throw new LastmileError(
        'conflict',
        `${t.finding}: ${mixed.map((r) => `${r.name} opens ${r.ports.join(', ')}`).join('; ')} — more than SSH/RDP: deleting it would take the other ports away too; split the rule (admin ports apart) and plan again`
      )
    const header = headerLines(ctx)
    const fns = [
      `RG=${sq(rg)}`,
      `NSG=${sq(nsg)}`,
      'show_rule() { az network nsg rule show --resource-group "$RG" --nsg-name "$NSG" --name "$1" --output json 2>/dev/null; }',
      // the live rule must still be the one the evidence showed: inbound, allowing
      'still_open() { show_rule "$1" | jq -e \'(.direction | ascii_downcase) == "inbound" and (.access | ascii_downcase) == "allow"\' >/dev/null; }'
    ]
    const fix = bashScript({
      title: `Fix: delete the rules of ${nsg} that admit the internet to SSH/RDP`,
      lines: [...header, ...v.rules.map((r) => `Rule: ${ruleText(r)}`)],
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: v.rules.flatMap((r) => [
        {
          title: `save rule ${r.name} of ${nsg} as it is (rollback capture)`,
          check: `[ -s "$ROLLBACK_DIR/${fileOf(r.name)}" ] || ! show_rule ${sq(r.name)} >/dev/null`,
          already: `${r.name} was saved by an earlier run, or it is gone`,
          apply: [
            `still_open ${sq(r.name)} || fail ${sq(`rule ${r.name} of ${nsg} no longer allows inbound traffic as the evidence showed; nothing was changed — collect evidence again`)}`,
            `show_rule ${sq(r.name)} > "$ROLLBACK_DIR/${fileOf(r.name)}"`
          ]
        },
        {
          title: `delete rule ${r.name} of ${nsg}`,
          check: `! show_rule ${sq(r.name)} >/dev/null`,
          already: `${r.name} is already gone`,
          apply: [`az network nsg rule delete --resource-group "$RG" --nsg-name "$NSG" --name ${sq(r.name)} --output none`],
          verify: `! show_rule ${sq(r.name)} >/dev/null`
        }
      ]),
      done: `${nsg} no longer admits the internet to SSH or RDP through ${v.rules.map((r) => r.name).join(', ')}`
    })
    // Recreate a saved rule with every property the CLI takes; lists are read into arrays (a prefix may be "*").
    const recreate = (r: NsgRule): string[] => [
      `R="$ROLLBACK_DIR/${fileOf(r.name)}"`,
      `[ -s "$R" ] || fail ${sq(`no saved copy of rule ${r.name} in $ROLLBACK_DIR: the fix did not delete it from here; nothing to put back`)}`,
      'args=(--priority "$(jq -r .priority "$R")" --direction "$(jq -r .direction "$R")" --access "$(jq -r .access "$R")" --protocol "$(jq -r .protocol "$R")")',
      ...[
        ['sourceAddressPrefix', 'sourceAddressPrefixes', '--source-address-prefixes'],
        ['sourcePortRange', 'sourcePortRanges', '--source-port-ranges'],
        ['destinationAddressPrefix', 'destinationAddressPrefixes', '--destination-address-prefixes'],
        ['destinationPortRange', 'destinationPortRanges', '--destination-port-ranges']
      ].flatMap(([one, many, flag]) => [
        `mapfile -t list < <(jq -r '([.${one}] + (.${many} // [])) | map(select(. != null and . != "")) | .[]' "$R")`,
        `if [ "\${#list[@]}" -gt 0 ]; then args+=(${flag} "\${list[@]}"); fi`
      ]),
      ...[
        ['sourceApplicationSecurityGroups', '--source-asgs'],
        ['destinationApplicationSecurityGroups', '--destination-asgs']
      ].flatMap(([key, flag]) => [`mapfile -t list < <(jq -r '(.${key} // []) | .[].id' "$R")`, `if [ "\${#list[@]}" -gt 0 ]; then args+=(${flag} "\${list[@]}"); fi`]),
      'desc="$(jq -r \'.description // empty\' "$R")"',
      'if [ -n "$desc" ]; then args+=(--description "$desc"); fi',
      `az network nsg rule create --resource-group "$RG" --nsg-name "$NSG" --name ${sq(r.name)} "\${args[@]}" --output none`
    ]
    const same = (r: NsgRule) =>
      `show_rule ${sq(r.name)} | jq -e --slurpfile b "$ROLLBACK_DIR/${fileOf(r.name)}" '[.priority, .direction, .access, .protocol, .sourceAddressPrefix, .sourceAddressPrefixes, .destinationPortRange, .destinationPortRanges] == ($b[0] | [.priority, .direction, .access, .protocol, .sourceAddressPrefix, .sourceAddressPrefixes, .destinationPortRange, .destinationPortRanges])' >/dev/null`
    const rollback = bashScript({
      title: `Rollback: create again the rules the fix deleted from ${nsg}, as they were`,
      lines: header,
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: v.rules.map((r) => ({
        title: `create rule ${r.name} of ${nsg} again from its saved copy`,
        check: `show_rule ${sq(r.name)} >/dev/null`,
        already: `${r.name} exists`,
        apply: recreate(r),
        verify: same(r)
      })),
      done: `${nsg} has ${v.rules.map((r) => r.name).join(', ')} again`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `delete the SSH/RDP rules open to the internet from ${nsg}`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `create the deleted rules of ${nsg} again`, rollback)],
      preconditions: [
        'Azure CLI (bash 4 or later) and jq on PATH, signed in (az login)',
        `a role on ${nsg} allowing Microsoft.Network/networkSecurityGroups/securityRules/read, /write and /delete`,
        'no one administers the machines behind it from the internet: the investigation must have found no internet session through these rules in NSG flow logs covering the whole window, or the NSG associated with nothing (its RCI says which); give administrators Azure Bastion, a VPN or just-in-time access first',
        'rules with a narrower source (an office range) at other priorities keep working; sessions from the virtual network stay allowed by the default AllowVnetInBound rule'
      ],
      validation: validationText(t),
      notes: v.rules.map((r) => `deleted: ${ruleText(r)}`)
    }
  }
}
