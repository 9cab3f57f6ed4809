// azure.aks.api-server-public: restrict the AKS API server to the public addresses that called it in
// the window (`az aks update --api-server-authorized-ip-ranges`, each address /32): the people, CI/CD
// and the cluster's own egress the audit log shows keep working, every other internet address is
// refused. The fix saves the live ranges first and refuses to run when the cluster already has
// ranges the evidence did not show; the rollback puts exactly the saved ranges back ("" when there
// were none, which opens the API server to every address again). No audit log in evidence, or no
// public address in it: no ranges can be computed, and the fix says so instead of guessing.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireConfig, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import { configuredResources, latestConfig } from '../../main/case/resource-config'
import { addressesToKeep, aksClusterByName, callsOf, exposure } from '../../main/semantics/kubernetes-api'
import { CONTROL } from './evaluate'

const DAY = 86_400_000
/** the playbook's window: who called in the 90 days before the evidence was collected */
const WINDOW_DAYS = 90
const AKS_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/

export const aksApiServerFix: FixRenderer = {
  control: CONTROL,
  summary: 'restrict the AKS API server to the public addresses seen calling it (authorized IP ranges), saving the ranges for the rollback',
  inputs(db, target) {
    // Wiz names a cluster by its own hash: the cluster is then the one of that name in the subscription
    const id = latestConfig(db, target.resourceId.toLowerCase(), 'aks.cluster')
      ? target.resourceId.toLowerCase()
      : (aksClusterByName(configuredResources(db, 'aks.cluster'), target.name, target.account) ?? target.resourceId.toLowerCase())
    const cfg = requireConfig({ db }, target, id, 'aks.cluster', 'azure/<subscription>/aks-clusters.json')
    const c = cfg.value
    const e = exposure({ cloud: 'aks', name: c.name, config: c })!
    if (!e.open) throw new LastmileError('conflict', `${target.finding}: ${e.why}; validate the finding instead`)
    const from = new Date(Date.parse(cfg.collectedAt) - WINDOW_DAYS * DAY).toISOString()
    const calls = callsOf(listEvidence(db), (id) => readEvidenceBytes(db, id), [c.name, target.resourceId], from)
    if (!calls)
      throw new LastmileError(
        'not-found',
        `${target.finding}: no audit log of ${c.name} is in evidence (kubernetes/${c.name}/audit/), so the addresses to authorise are unknown; add the kube-audit log, or choose the ranges yourself`
      )
    const keep = addressesToKeep(calls.callers)
    if (!keep.length)
      throw new LastmileError(
        'conflict',
        `${target.finding}: no public address called the API server of ${c.name} in the window, so there is no range to authorise; choose your administrators' networks yourself (az aks update --api-server-authorized-ip-ranges)`
      )
    return { values: { id: c.id, name: c.name, keep }, evidence: [...cfg.evidence, ...calls.audit.files].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { id: string; name: string; keep: string[] }
    const m = AKS_ID.exec(v.id)
    if (!m) throw new LastmileError('bad-input', `${t.finding}: ${v.id} is not an AKS managed cluster id`)
    const [, subscription, rg] = m
    const header = headerLines(ctx)
    const before = '"$ROLLBACK_DIR/authorized-ip-ranges.before.json"'
    const want = JSON.stringify([...v.keep].sort())
    const fns = [
      `RG=${sq(rg)}`,
      `NAME=${sq(v.name)}`,
      // the Azure CLI prints authorizedIpRanges (ARM's authorizedIPRanges); none is null or absent
      `ranges_now() { az aks show --resource-group "$RG" --name "$NAME" --output json | jq -c '(.apiServerAccessProfile // {}) | (.authorizedIpRanges // .authorizedIPRanges // []) | sort'; }`,
      `is_fixed() { [ "$(ranges_now)" = ${sq(want)} ]; }`,
      `is_as_before() { [ "$(ranges_now)" = "$(jq -c 'sort' ${before})" ]; }`
    ]
    const fix = bashScript({
      title: `Fix: restrict the API server of the AKS cluster ${v.name} to the addresses seen calling it`,
      lines: [...header, `Authorized IP ranges: ${v.keep.join(', ')}`, 'Every other internet address is refused by the API server; the cluster and its workloads keep running.'],
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the authorized IP ranges (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'the ranges were saved by an earlier run',
          apply: [`ranges_now > ${before}`]
        },
        {
          title: 'refuse when the cluster already had authorized ranges the evidence did not show',
          check: `jq -e 'length == 0 or any(.[]; . == "0.0.0.0/0")' ${before} >/dev/null`,
          already: 'the API server was open to every address before the fix',
          apply: [`say "${v.name} had authorized IP ranges before the fix (saved: $(cat ${before})): the evidence is out of date; investigate again"`, 'exit 1']
        },
        {
          title: `authorize only ${v.keep.join(', ')} on ${v.name}`,
          check: 'is_fixed',
          already: `${v.name} already authorizes exactly these ranges`,
          apply: [`az aks update --resource-group "$RG" --name "$NAME" --api-server-authorized-ip-ranges ${sq(v.keep.join(','))} --output none`],
          verify: 'is_fixed'
        }
      ],
      done: `the API server of ${v.name} accepts ${v.keep.join(', ')} only`
    })
    const rollback = bashScript({
      title: `Rollback: put the authorized IP ranges of the AKS cluster ${v.name} back as they were`,
      lines: [...header, 'The ranges exactly as the fix saved them; none saved means open to every address, as before the fix.'],
      tools: ['az', 'jq'],
      azureSubscription: subscription,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'put the authorized IP ranges back as saved before the fix',
          check: `{ [ ! -e ${before} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || is_as_before`,
          already: 'the ranges are as they were before the fix',
          apply: [`az aks update --resource-group "$RG" --name "$NAME" --api-server-authorized-ip-ranges "$(jq -r 'join(",")' ${before})" --output none`],
          verify: 'is_as_before'
        }
      ],
      done: `the authorized IP ranges of ${v.name} are back as they were`
    })
    return {
      artefacts: [artefact(ctx, 'azure-cli', 'bash', 'fix.sh', `authorize only the addresses seen calling the API server of ${v.name}`, fix)],
      rollback: [artefact(ctx, 'azure-cli', 'bash', 'rollback.sh', `put the authorized IP ranges of ${v.name} back as they were`, rollback)],
      preconditions: [
        'Azure CLI and jq on PATH, signed in (az login)',
        `a role on ${v.name} allowing Microsoft.ContainerService/managedClusters/read and /write`,
        'the cluster uses the Standard SKU load balancer and is not a private cluster (authorized IP ranges need both)',
        'whoever calls the API server from an address not listed here (a new office, a CI runner whose address changes) is refused afterwards'
      ],
      validation: validationText(t),
      notes: [
        `authorized: ${v.keep.join(', ')} — every public address that called the API server in the window, the cluster's own egress included`,
        "AKS's control plane reaches the API server on its own side and needs no range"
      ]
    }
  }
}
