// Step functions any playbook may name, for any resource type: the questions a careful engineer
// asks before any fix, answered from what every evidence bundle has (the facts drawn for the
// resource, its management-plane activity, the inventory's relations). The generic investigation
// (../generic.ts) is made of them; a dedicated playbook may use them too.
//
// They never guess: a question the evidence cannot answer over its whole window is "unknown", and
// only positive evidence (a call that happened) answers yes from partial coverage.
import { z } from 'zod'
import type { Coverage, CoverageSource, TimelineEvent } from '../../../shared/evidence'
import { defineStep, type StepContext, type StepFunction } from '../../controls/step'
import { coverageText, day, inWindow, outcome, plural, timelineLink, whoText, windowText } from '../../controls/step-common'

/** Any resource type: a generic step reads only what every resource has. */
export const ANY_RESOURCE_TYPE = '*'

/** The management-plane log of the resource's cloud: who called its API. */
function managementSource(resourceId: string): CoverageSource | null {
  if (resourceId.startsWith('arn:')) return 'aws.cloudtrail'
  if (resourceId.startsWith('/subscriptions/')) return 'azure.activity-log'
  return null
}

function inventorySource(resourceId: string): CoverageSource {
  return resourceId.startsWith('/subscriptions/') ? 'azure.inventory' : 'aws.inventory'
}

// A call that reads (CloudTrail's Get*/List*/Describe*…, Azure's …/read) leaves the resource as it was.
const READ_ACTION = /(^|[:/.])(Get|List|Describe|Head|Lookup|Search|Select|Scan|Query|BatchGet|Check|View|Preview|Estimate)[A-Za-z]*$|\/read$|\/action\/read$/i

function isWrite(e: TimelineEvent): boolean {
  return e.kind === 'event' && !READ_ACTION.test(e.action)
}

// two steps read the same calls of the same resource: asked once per evidence view (one run)
const eventsMemo = new WeakMap<object, Map<string, TimelineEvent[]>>()

function managementEvents(ctx: StepContext, source: CoverageSource): TimelineEvent[] {
  let memo = eventsMemo.get(ctx.ev)
  if (!memo) eventsMemo.set(ctx.ev, (memo = new Map()))
  const key = `${source}\n${ctx.finding.resource.id}\n${ctx.window?.from ?? ''}\n${ctx.window?.to ?? ''}`
  let events = memo.get(key)
  if (!events) {
    events = ctx.ev
      .timeline([ctx.finding.resource.id], { from: ctx.window?.from, to: ctx.window?.to, sources: [source] })
      .filter((e) => e.kind === 'event' && inWindow(e.time, ctx.window))
    // a run of 200,000 findings must not keep every resource's events: only the last few resources'
    if (memo.size > 64) memo.clear()
    memo.set(key, events)
  }
  return events
}

function coverageOf(ctx: StepContext, source: CoverageSource): Coverage {
  return ctx.ev.coverage(source, ctx.finding.resource.id, ctx.window)
}

const noParams = z.object({}).strict()

export const findingCurrent = defineStep({
  name: 'generic.finding-current',
  summary: 'whether the current configuration in the evidence still shows the problem (only an evaluator that reads this control can say; otherwise unknown)',
  resourceTypes: [ANY_RESOURCE_TYPE],
  params: noParams,
  run(ctx) {
    const alerts = ctx.finding.alerts.filter((a) => a.outcome === 'FAIL')
    const reported = alerts.length ? `${plural(alerts.length, 'open alert')} (${[...new Set(alerts.map((a) => `${a.tool} ${a.ruleId}`))].sort().join(', ')})` : 'its alerts'
    // A scanner's report is what the finding is; it is not the current configuration, which only an
    // evaluator reading the evidence bundle shows (lastmile evaluate). No evaluator reads this control.
    return outcome(
      'unknown',
      `The finding rests on ${reported}. No evaluator in Lastmile reads ${ctx.finding.control} from an evidence bundle, so whether the current configuration still shows the problem is unknown; a person confirms it in the console or by a new scan before the fix.`
    )
  }
})

export const resourceKnown = defineStep({
  name: 'generic.resource-known',
  summary: 'what the resource is, its environment and owner, from the inventory, its tags and the people directory',
  resourceTypes: [ANY_RESOURCE_TYPE],
  params: noParams,
  run(ctx) {
    const f = ctx.ev.facts(ctx.finding.resource.id)
    const r = ctx.finding.resource
    const what = [f.type ?? r.type, f.name ?? r.name, f.account ?? r.account, f.region ?? r.region].filter(Boolean).join(', ')
    const env = f.environment.value
      ? `environment ${f.environment.value} (${f.environment.detail})`
      : `environment unknown (${f.environment.detail || 'no tag, account map or name says'})`
    const owner = f.owner.value ? `owner ${f.owner.value} (${f.owner.detail})` : `owner unknown (${f.owner.detail || 'no owner tag or creator in evidence'})`
    const tags = Object.keys(f.tags).length
    const explanation = `${what}; ${env}; ${owner}${tags ? `; ${plural(tags, 'tag')}` : ''}.`
    if (!f.bundles.length) return outcome('unknown', `No evidence bundle describes ${r.id}: ${explanation}`, { evidence: [f.evidence], sources: [] })
    const known = !!f.environment.value && !!f.owner.value
    return outcome(known ? 'yes' : 'unknown', `${known ? '' : 'Not all known: '}${explanation}`, {
      evidence: [f.evidence, f.environment.evidence, f.owner.evidence],
      certainty: f.owner.certainty === 'proven' && f.environment.basis === 'tag' ? 'proven' : 'inferred',
      sources: [inventorySource(ctx.finding.resource.id)]
    })
  }
})

export const usedInWindow = defineStep({
  name: 'generic.used-in-window',
  summary: 'who and what called the resource in the window (CloudTrail or the Azure activity log, and any data-plane activity the evidence drew), with coverage',
  resourceTypes: [ANY_RESOURCE_TYPE],
  params: noParams,
  run(ctx) {
    const id = ctx.finding.resource.id
    const f = ctx.ev.facts(id)
    const activity = f.activity.filter((a) => a.requests > 0 && inWindow(a.lastAccess, ctx.window))
    const source = managementSource(id)
    const events = source ? managementEvents(ctx, source) : []
    const sources = [...new Set([...(source ? [source] : []), ...f.activity.map((a) => a.source)])] as CoverageSource[]
    const link = timelineLink(ctx, [id], sources, events)
    if (activity.length || events.length) {
      const principals = [...new Set(activity.flatMap((a) => a.principals))].sort()
      const parts = [
        ...activity.map((a) => `${a.source}: ${plural(a.requests, 'request')} (${a.reads} reads, ${a.writes} writes), last ${day(a.lastAccess)}`),
        ...(events.length ? [`${source}: ${plural(events.length, 'call')} by ${whoText(events)}`] : [])
      ]
      return outcome(
        'yes',
        `Used in ${windowText(ctx.window)}: ${parts.join('; ')}${principals.length ? `; principals: ${principals.slice(0, 8).join(', ')}${principals.length > 8 ? `, and ${principals.length - 8} more` : ''}` : ''}.`,
        {
          evidence: [...activity.map((a) => a.evidence), events.map((e) => e.evidence)],
          certainty: 'proven',
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    if (!source)
      return outcome('unknown', `No log of calls to ${id} is in the evidence (no management-plane log exists for this kind of resource); whether it is used is unknown.`, {
        sources
      })
    const cov = coverageOf(ctx, source)
    // management events show configuration calls; data-plane use (reads of the data, connections)
    // is in other logs, which only a dedicated playbook knows for this resource
    return outcome(
      'unknown',
      `No call to the resource is recorded in ${windowText(ctx.window)}. ${coverageText(cov, source)}. Management events do not record the data-plane use (reads, writes, connections) a fix could cut off, so no call recorded is not "unused".`,
      { evidence: [cov.evidence], sources, windowed: true, timeline: link }
    )
  }
})

export const dependents = defineStep({
  name: 'generic.dependents',
  summary:
    'what the inventory shows depending on the resource, or the resource depending on (instances on a security group, images run by tasks, origins behind CloudFront or a load balancer)',
  resourceTypes: [ANY_RESOURCE_TYPE],
  params: noParams,
  run(ctx) {
    const f = ctx.ev.facts(ctx.finding.resource.id)
    if (f.dependencies.length) {
      const list = f.dependencies.slice(0, 8).map((d) => `${d.kind} ${d.resourceId}`)
      return outcome('yes', `${plural(f.dependencies.length, 'relation')} in the inventory: ${list.join('; ')}${f.dependencies.length > 8 ? '; …' : ''}.`, {
        evidence: f.dependencies.map((d) => d.evidence),
        certainty: 'proven',
        sources: [inventorySource(ctx.finding.resource.id)]
      })
    }
    return outcome(
      'unknown',
      f.bundles.length
        ? 'The inventory records no relation to this resource, but it links only instances, security groups, instance profiles, images and CloudFront or load-balancer origins: other dependents are not in evidence.'
        : 'No evidence bundle describes the resource, so nothing is known of what depends on it.',
      { evidence: [f.evidence] }
    )
  }
})

export const lastChanged = defineStep({
  name: 'generic.last-changed',
  summary: 'when and by whom the resource was last changed in the window (CloudTrail or the Azure activity log)',
  resourceTypes: [ANY_RESOURCE_TYPE],
  params: noParams,
  run(ctx) {
    const id = ctx.finding.resource.id
    const source = managementSource(id)
    if (!source) return outcome('unknown', `No management-plane log exists in the evidence for ${id}: when it last changed is unknown.`)
    const writes = managementEvents(ctx, source).filter(isWrite)
    const link = timelineLink(ctx, [id], [source], writes)
    if (writes.length) {
      const last = [...writes].sort((a, b) => (a.time > b.time ? -1 : a.time < b.time ? 1 : b.id - a.id))[0]
      return outcome(
        'yes',
        `Changed ${plural(writes.length, 'time')} in ${windowText(ctx.window)}; last ${last.action} on ${day(last.time)} by ${last.actor}. Changes by: ${whoText(writes)}.`,
        {
          evidence: [writes.map((e) => e.evidence)],
          certainty: 'proven',
          sources: [source],
          windowed: true,
          timeline: link
        }
      )
    }
    const cov = coverageOf(ctx, source)
    if (cov.state === 'covered') {
      return outcome('no', `No change to the resource in ${windowText(ctx.window)}. ${coverageText(cov, source)}.`, {
        evidence: [cov.evidence],
        certainty: 'proven',
        sources: [source],
        windowed: true,
        timeline: link
      })
    }
    return outcome('unknown', `No change recorded in ${windowText(ctx.window)}, but ${coverageText(cov, source).replace(/\.$/, '')}.`, {
      evidence: [cov.evidence],
      sources: [source],
      windowed: true,
      timeline: link
    })
  }
})

export const GENERIC_STEPS: readonly StepFunction[] = [findingCurrent, resourceKnown, usedInWindow, dependents, lastChanged] as StepFunction[]
