// Step functions for EC2 instances (aws.ec2.imdsv2): is IMDSv2 already required, does anything
// still call IMDS without a token, are role credentials fetched over IMDSv1, and would containers
// on the instance lose the metadata service at hop limit 1.
import { z } from 'zod'
import { containerHostSigns, imdsVerdict } from './evaluate'
import { ec2Arn, parseArn, streamKey } from '../../main/semantics/ids'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

const INSTANCE = ['aws.ec2.instance'] as const

function configOf(ctx: StepContext) {
  return ctx.ev.config(ctx.finding.resource.id, 'ec2.config')
}

const noConfig = (ctx: StepContext) =>
  outcome(
    'unknown',
    `the instance ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence's EC2 inventory (inventory/ec2-instances.json), so its metadata options are unknown`,
    {
      sources: ['aws.inventory']
    }
  )

const imdsv2AlreadyRequired = defineStep({
  name: 'ec2.imdsv2-already-required',
  summary: 'whether the instance already refuses IMDSv1 (HttpTokens required, or the metadata endpoint off), as the control evaluator decides',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return noConfig(ctx)
    const c = cfg.value
    const v = imdsVerdict({
      InstanceId: c.instanceId,
      State: c.state ? { Name: c.state } : undefined,
      MetadataOptions: c.httpTokens || c.httpEndpoint ? { HttpTokens: c.httpTokens ?? undefined, HttpEndpoint: c.httpEndpoint ?? undefined } : undefined
    })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (v === 'skip') return outcome('yes', `the instance is ${c.state}: there is nothing left to change`, o)
    if (v.status === 'PASS') return outcome('yes', `${v.reason}: the fix would change nothing`, o)
    if (v.status === 'FAIL') return outcome('no', v.reason, o)
    return outcome('unknown', v.reason, o)
  }
})

const imdsv1Calls = defineStep({
  name: 'ec2.imdsv1-calls',
  summary: 'IMDSv1 (token-less) calls in the window, from the CloudWatch metric MetadataNoToken; "no" needs the metric for the whole window',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const m = ctx.ev.facts(id).ec2?.metadataNoToken ?? null
    const cov = ctx.ev.coverage('aws.cloudwatch.metadata-no-token', id, ctx.window)
    const sources = ['aws.cloudwatch.metadata-no-token' as const]
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['aws.cloudwatch.metadata-no-token'], summaries: false })
    const link = timelineLink(ctx, [id], ['aws.cloudwatch.metadata-no-token'], events)
    if (m && m.sum > 0 && inWindow(m.lastNonZero, ctx.window)) {
      return outcome(
        'yes',
        `MetadataNoToken counted ${plural(m.sum, 'IMDSv1 call')} (the last non-zero datapoint on ${day(m.lastNonZero)}): something on the instance reads the metadata service without a token, and requiring tokens would refuse it — proven (AWS/EC2 metric)`,
        { evidence: [m.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    if (cov.state === 'covered') {
      return outcome(
        'no',
        `MetadataNoToken was 0 in every one of its ${plural(m?.datapoints ?? cov.records, 'datapoint')} over ${windowText(ctx.window)}: nothing called IMDS without a token`,
        {
          evidence: [cov.evidence, m?.evidence],
          certainty: 'proven',
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    return outcome('unknown', `no IMDSv1 call was seen, but ${coverageText(cov, 'the MetadataNoToken metric')} (EC2 publishes it only while the instance runs)`, {
      evidence: [cov.evidence],
      sources,
      windowed: true,
      timeline: link
    })
  }
})

const imdsv1RoleCredentials = defineStep({
  name: 'ec2.imdsv1-role-credentials',
  summary:
    'calls made with the instance role\'s credentials fetched over IMDSv1 (CloudTrail ec2RoleDelivery 1.0) in the window, searched in every Region the evidence holds for the account (the credentials work against any Region\'s endpoint); "no" needs CloudTrail for all of them',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const arn = parseArn(id)
    const cfg = configOf(ctx)
    const ec2 = ctx.ev.facts(id).ec2
    const rd = ec2?.roleDelivery ?? null
    const sources = ['aws.cloudtrail' as const]
    const account = arn?.account || ctx.finding.resource.account || ''
    const home = arn?.region || ctx.finding.resource.region || ''
    const regions = [...new Set([home, ...(account ? ctx.ev.regions(account) : [])])].filter(Boolean).sort()
    // calls in another Region are kept under that Region's ARN of the instance
    const ids = [id, ...(rd?.byRegion ?? []).filter((r) => r.region !== home).map((r) => ec2Arn(r.region, account, 'instance', arn?.resource.split('/').pop() ?? ''))]
    const events = ctx.ev.timeline(ids, { from: ctx.window?.from, sources: ['aws.cloudtrail'], summaries: false }).filter((e) => /IMDSv1/.test(e.summary))
    const link = timelineLink(ctx, ids, ['aws.cloudtrail'], events)
    const covs = regions.map((r) => ({ region: r, cov: ctx.ev.coverage('aws.cloudtrail', streamKey(account, r), ctx.window) }))
    const uncovered = covs.filter((c) => c.cov.state !== 'covered')
    const uncoveredText = uncovered.map((c) => coverageText(c.cov, `CloudTrail in ${c.region}`)).join('; ')
    const v1 = (rd?.byRegion ?? []).filter((r) => r.v1 > 0 && inWindow(r.v1Last, ctx.window))
    if (rd && v1.length) {
      const where = v1.map((r) => `${plural(r.v1, 'call')} in ${r.region}${r.region === home ? ' (its own Region)' : ''}, the last on ${day(r.v1Last)}`).join('; ')
      return outcome(
        'yes',
        `${where}, with role credentials delivered over IMDSv1 (ec2RoleDelivery "1.0")${ec2?.roles.length ? ` (role ${ec2.roles.join(', ')})` : ''}: the software that fetched them would lose its credentials — proven${uncovered.length ? `. Not searched for lack of evidence: ${uncoveredText}` : ''}`,
        { evidence: [rd.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    if (cfg && cfg.value.instanceProfileArn === null) {
      return outcome('no', 'the instance has no instance profile: IMDS hands it no role credentials', { evidence: [cfg.evidence], certainty: 'proven', sources: ['aws.inventory'] })
    }
    const seen =
      rd && rd.v2
        ? `${plural(rd.v2, 'call')} with its role credentials, all delivered over IMDSv2 (${rd.byRegion
            .filter((r) => r.v2)
            .map((r) => `${r.region}: ${r.v2.toLocaleString('en-US')}`)
            .join(', ')})`
        : 'no call with its role credentials'
    if (!uncovered.length) {
      return outcome(
        'no',
        `CloudTrail covered every Region the evidence holds for account ${account} (${regions.join(', ')}) over ${windowText(ctx.window)} without a gap: ${seen} (management events; S3 data calls are counted only where recorded); Regions outside the evidence are not searched`,
        { evidence: [...covs.map((c) => c.cov.evidence), rd?.evidence], certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    const covered = covs.filter((c) => c.cov.state === 'covered').map((c) => c.region)
    return outcome(
      'unknown',
      `no IMDSv1 role delivery was seen${covered.length ? ` in ${covered.join(', ')}` : ''}, but the credentials work in every Region and ${uncoveredText}`,
      { evidence: [...covs.map((c) => c.cov.evidence), rd?.evidence], sources, windowed: true, timeline: link }
    )
  }
})

const containerHopLimit = defineStep({
  name: 'ec2.container-hop-limit',
  summary:
    "whether containers on the instance would lose the metadata service once tokens are required: hop limit 1 on a container host (EKS/ECS tags or node role), where the token reply does not survive the extra hop; the fix then raises the hop limit, which also lets containers fetch the host role's credentials",
  resourceTypes: INSTANCE,
  params: z.object({ minimum: z.number().int().min(1).max(64).default(2) }).strict(),
  run(ctx, p) {
    const cfg = configOf(ctx)
    if (!cfg) return noConfig(ctx)
    const c = cfg.value
    const o = { evidence: [cfg.evidence], sources: ['aws.inventory' as const] }
    if (c.hopLimit === null) return outcome('unknown', 'HttpPutResponseHopLimit is not in the inventory', o)
    if (c.hopLimit >= p.minimum)
      return outcome('no', `the hop limit is ${c.hopLimit}: a token reply reaches containers behind one bridge hop, and the fix keeps it`, { ...o, certainty: 'proven' })
    const signs = containerHostSigns(c)
    if (signs.length) {
      return outcome(
        'yes',
        `the hop limit is ${c.hopLimit} and the instance runs containers (${signs.join(', ')}): containers in bridge networking would get no token and lose the metadata service, so the fix raises the hop limit to ${p.minimum} — which also lets every container on the host fetch the instance role's credentials (pods using their own role, e.g. IRSA or EKS Pod Identity, do not need them)`,
        { ...o, certainty: 'inferred' }
      )
    }
    return outcome(
      'no',
      `the hop limit is ${c.hopLimit}, and nothing marks the instance as a container host (no EKS/ECS tags or node role): processes on the instance reach IMDS in one hop, and the fix keeps hop limit ${c.hopLimit}`,
      { ...o, certainty: 'inferred' }
    )
  }
})

export const EC2_STEPS = [imdsv2AlreadyRequired, imdsv1Calls, imdsv1RoleCredentials, containerHopLimit]
