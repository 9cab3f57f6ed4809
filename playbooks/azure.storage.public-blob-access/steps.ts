// Step functions of azure.storage.public-blob-access: is anonymous access already disallowed, does
// any container allow it (blob-containers/<account>.json), and did anyone read blobs anonymously in
// the window (storage resource logs: identity type Anonymous, by container, object and address).
import { z } from 'zod'
import { publicBlobVerdict } from './evaluate'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep } from '../../main/controls/step'

const ACCOUNT = ['azure.storage.account'] as const

const alreadyDisallowed = defineStep({
  name: 'azure.public-blob-already-disallowed',
  summary: 'whether the account already disallows anonymous blob access (allowBlobPublicAccess false in storage-accounts.json)',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.storage.config')
    if (!cfg) return outcome('unknown', "the storage account is not in the evidence's storage-accounts.json", { sources: ['azure.inventory'] })
    const v = publicBlobVerdict({ allowBlobPublicAccess: cfg.value.allowBlobPublicAccess ?? undefined })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['azure.inventory' as const] }
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
    const c = ctx.ev.config(ctx.finding.resource.id, 'azure.storage.containers')
    const sources = ['azure.inventory' as const]
    if (!c) return outcome('unknown', "the account's containers are not in the evidence (blob-containers/<account>.json): which allow anonymous reads cannot be shown", { sources })
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
    const id = ctx.finding.resource.id
    const logs = ctx.ev.facts(id).azureStorage?.logs ?? null
    const sources = ['azure.storage-logs' as const]
    const events = ctx.ev
      .timeline([id], { from: ctx.window?.from, sources: ['azure.storage-logs'], summaries: false })
      .filter((e) => e.actor === 'anonymous' && /\(status [123]\d\d\)$/.test(e.summary))
    const link = timelineLink(ctx, [id], ['azure.storage-logs'], events)
    if (logs && logs.anonymousOk && inWindow(logs.anonymousOkLast, ctx.window)) {
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
