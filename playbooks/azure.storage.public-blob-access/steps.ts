// Step functions of azure.storage.public-blob-access: is anonymous access already disallowed, does
// any container allow it (blob-containers/<account>.json), and did anyone read blobs anonymously in
// the window (storage resource logs: identity type Anonymous, by container, object and address).
import { z } from 'zod'
import { publicBlobVerdict } from './evaluate'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep } from '../../main/controls/step'

/** a blob container (Wiz reports containers with anonymous access): investigated through its account, its own level and reads */
export const CONTAINER = 'azure.storage.blob-container'
const ACCOUNT = ['azure.storage.account', CONTAINER] as const

/**
 * The account a finding is about, and the container when the finding is a container's; null when a
 * container's id does not name its account.
 */
export function scopeOf(r: { id: string; type: string }): { account: string; container: string | null } | null {
  if (r.type !== CONTAINER) return { account: r.id, container: null }
  const m = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)\/blobservices\/[^/]+\/containers\/([^/]+)$/i.exec(r.id)
  return m ? { account: m[1].toLowerCase(), container: m[2] } : null
}

const NO_SCOPE = (id: string) =>
  outcome('unknown', `${id} does not name its storage account (/subscriptions/…/storageAccounts/<account>/blobServices/default/containers/<container>)`, {})

const alreadyDisallowed = defineStep({
  name: 'azure.public-blob-already-disallowed',
  summary: 'whether the account already disallows anonymous blob access (allowBlobPublicAccess false in storage-accounts.json)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const scope = scopeOf(ctx.finding.resource)
    if (!scope) return NO_SCOPE(ctx.finding.resource.id)
    const cfg = ctx.ev.config(scope.account, 'azure.storage.config')
    if (!cfg) return outcome('unknown', "the storage account is not in the evidence's storage-accounts.json", { sources: ['azure.inventory'] })
    const v = publicBlobVerdict({ allowBlobPublicAccess: cfg.value.allowBlobPublicAccess ?? undefined })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['azure.inventory' as const] }
    if (v.status === 'PASS' && scope.container)
      return outcome('yes', `${v.reason} on its account: no one reads ${scope.container} anonymously, whatever its level; the fix would change nothing`, o)
    if (v.status === 'PASS') return outcome('yes', `${v.reason}: the fix would change nothing`, o)
    if (v.status === 'FAIL') return outcome('no', v.reason, o)
    return outcome('unknown', v.reason, o)
  }
})

const publicContainers = defineStep({
  name: 'azure.public-containers',
  summary: "whether any of the account's blob containers allows anonymous reads (publicAccess Blob or Container in blob-containers/<account>.json)",
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const scope = scopeOf(ctx.finding.resource)
    if (!scope) return NO_SCOPE(ctx.finding.resource.id)
    const c = ctx.ev.config(scope.account, 'azure.storage.containers')
    const sources = ['azure.inventory' as const]
    if (!c) return outcome('unknown', "the account's containers are not in the evidence (blob-containers/<account>.json): which allow anonymous reads cannot be shown", { sources })
    if (scope.container) {
      // a container's finding: its own level decides
      const own = c.value.containers.find((x) => x.name.toLowerCase() === scope.container!.toLowerCase())
      if (!own) return outcome('unknown', `the container ${scope.container} is not in its account's listing (blob-containers/<account>.json)`, { evidence: [c.evidence], sources })
      if (own.publicAccess === null) return outcome('unknown', `the listing gives no public access level for ${own.name}`, { evidence: [c.evidence], sources })
      if (own.publicAccess === 'None')
        return outcome('no', `${own.name} is private (publicAccess None): no one reads it anonymously today, so making it private refuses no one`, {
          evidence: [c.evidence],
          certainty: 'proven',
          sources
        })
      return outcome('yes', `${own.name} allows anonymous reads (${own.publicAccess})`, { evidence: [c.evidence], certainty: 'proven', sources })
    }
    const open = c.value.containers.filter((x) => x.publicAccess !== null && x.publicAccess !== 'None')
    const unsaid = c.value.containers.filter((x) => x.publicAccess === null)
    if (open.length) {
      return outcome(
        'yes',
        `${plural(open.length, 'container')} of ${c.value.containers.length} allow anonymous reads: ${open.map((x) => `${x.name} (${x.publicAccess})`).join(', ')}`,
        {
          evidence: [c.evidence],
          certainty: 'proven',
          sources
        }
      )
    }
    if (unsaid.length) {
      return outcome('unknown', `no container is listed as public, but the listing gives no public access level for ${unsaid.map((x) => x.name).join(', ')}`, {
        evidence: [c.evidence],
        sources
      })
    }
    return outcome(
      'no',
      `${c.value.containers.length ? `all ${plural(c.value.containers.length, 'container')} are private (publicAccess None)` : 'the account has no blob container'}: no one reads anything anonymously that disallowing it would refuse`,
      { evidence: [c.evidence], certainty: 'proven', sources }
    )
  }
})

const anonymousReads = defineStep({
  name: 'azure.anonymous-blob-reads',
  summary:
    'successful anonymous blob requests in the window, by container, object and caller address (storage resource logs, identity type Anonymous; the static website endpoint excluded)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const scope = scopeOf(ctx.finding.resource)
    if (!scope) return NO_SCOPE(ctx.finding.resource.id)
    const id = scope.account
    const logs = ctx.ev.facts(id).azureStorage?.logs ?? null
    const sources = ['azure.storage-logs' as const]
    const events = ctx.ev
      .timeline([id], { from: ctx.window?.from, sources: ['azure.storage-logs'], summaries: false })
      .filter((e) => e.actor === 'anonymous' && /\(status [123]\d\d\)$/.test(e.summary))
    const link = timelineLink(ctx, [id], ['azure.storage-logs'], events)
    if (scope.container && logs && logs.anonymousOk && inWindow(logs.anonymousOkLast, ctx.window)) {
      // a container's finding: the account's anonymous reads of that container (the logs count them by container)
      const name = Object.keys(logs.anonymousContainers).find((c) => c.toLowerCase() === scope.container!.toLowerCase())
      const n = name ? logs.anonymousContainers[name] : 0
      if (n > 0) {
        const readers = logs.anonymousReaders.filter((r) => r.toLowerCase().startsWith(`${scope.container!.toLowerCase()}/`)).slice(0, 10)
        return outcome(
          'yes',
          `${plural(n, 'anonymous blob request')} to ${name} succeeded${readers.length ? `: ${readers.join('; ')}` : ''}. Making it private would refuse them — proven (identity type Anonymous on each request)`,
          { evidence: [logs.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
        )
      }
    }
    if (!scope.container && logs && logs.anonymousOk && inWindow(logs.anonymousOkLast, ctx.window)) {
      const containers = Object.entries(logs.anonymousContainers)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([c, n]) => `${c} (${n})`)
      const readers = logs.anonymousReaders.slice(0, 10)
      return outcome(
        'yes',
        `${plural(logs.anonymousOk, 'anonymous blob request')} succeeded (the last on ${day(logs.anonymousOkLast)}), in ${containers.join(', ')}${readers.length ? `: ${readers.join('; ')}${logs.anonymousReaders.length > readers.length ? `, and ${logs.anonymousReaders.length - readers.length} more` : ''}` : ''}. Disallowing anonymous access would refuse them — proven (identity type Anonymous on each request)`,
        { evidence: [logs.evidence, events.map((e) => e.evidence)], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    if (logs && (logs.anonymousOk === null || logs.blobRequests === null)) {
      return outcome('unknown', 'the storage logs were read by an earlier version that did not count anonymous blob requests by container: add the bundle again', {
        evidence: [logs.evidence],
        sources,
        windowed: true
      })
    }
    const cov = ctx.ev.coverage('azure.storage-logs', id, ctx.window)
    if (cov.state === 'covered' && !logs?.blobRequests) {
      return outcome(
        'unknown',
        `the storage logs cover ${windowText(ctx.window)} but hold no blob-service request: anonymous reads are logged only where the blob service's diagnostic setting sends StorageRead`,
        {
          evidence: [cov.evidence, logs?.evidence],
          sources,
          windowed: true
        }
      )
    }
    if (cov.state === 'covered' && scope.container) {
      const elsewhere = Object.entries(logs?.anonymousContainers ?? {}).filter(([c, n]) => n > 0 && c.toLowerCase() !== scope.container!.toLowerCase())
      return outcome(
        'no',
        `the storage logs hold requests for every day of ${windowText(ctx.window)} (${plural(logs?.blobRequests ?? 0, 'blob request')}), none anonymous and successful to ${scope.container}${elsewhere.length ? ` (anonymous reads of other containers: ${elsewhere.map(([c, n]) => `${c} (${n})`).join(', ')}; they are not this finding's)` : ''}`,
        { evidence: [cov.evidence, logs?.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    if (cov.state === 'covered') {
      const other = (logs?.anonymous ?? 0) - (logs?.anonymousOk ?? 0)
      return outcome(
        'no',
        `the storage logs hold requests for every day of ${windowText(ctx.window)} (${plural(logs?.blobRequests ?? 0, 'blob request')}), none anonymous and successful${other > 0 ? ` (${plural(other, 'other anonymous request')}: failed, so refused today already, or to the static website, which the setting does not govern)` : ''}`,
        { evidence: [cov.evidence, logs?.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    return outcome('unknown', `no anonymous read was seen, but ${coverageText(cov, 'the storage resource logs')} (storage logs exist only where a diagnostic setting sends them)`, {
      evidence: [cov.evidence],
      sources,
      windowed: true,
      timeline: link
    })
  }
})

export const PUBLIC_BLOB_STEPS = [alreadyDisallowed, publicContainers, anonymousReads]
