// Step functions of aws.rds.public-access: is the instance still public, do its security groups
// admit the internet to its port, and who connected to that port from public and private addresses
// (VPC flow logs of each of its interfaces, with coverage: "nobody from outside" needs all of them
// covered for the whole window).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { portClientsCovered as coverageOf } from '../../main/controls/rds-clients'
import { internetPath, type RdsConfig } from './access'

const DB = ['aws.rds.db-instance'] as const
const inventory = ['aws.inventory' as const]
const flowLogs = ['aws.vpc-flow-logs' as const]

function configOf(ctx: StepContext): { value: RdsConfig; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id, 'rds.config')
}

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the DB instance ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence's RDS inventory (inventory/rds-instances.json)`, {
    sources: inventory
  })

const dayOf = (epoch: number | null): string => (epoch === null ? '?' : new Date(epoch * 1000).toISOString().slice(0, 10))

const publiclyAccessible = defineStep({
  name: 'rds.publicly-accessible',
  summary: 'whether the DB instance is still publicly accessible (DescribeDBInstances PubliclyAccessible), with its endpoint',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const d = cfg.value
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: inventory }
    const ep = d.address ? `${d.address}:${d.port ?? '?'}` : 'its endpoint'
    const what = `${d.engine ?? 'DB'} instance ${d.identifier} in ${d.vpcId ?? 'an unknown VPC'}`
    if (d.publiclyAccessible === null)
      return outcome('unknown', `PubliclyAccessible of ${d.identifier} is not in rds-instances.json`, { evidence: [cfg.evidence], sources: inventory })
    if (d.publiclyAccessible) return outcome('yes', `the ${what} is publicly accessible: ${ep} resolves to a public address from outside the VPC`, o)
    return outcome('no', `the ${what} is not publicly accessible (PubliclyAccessible false): the fix would change nothing`, o)
  }
})

const internetPathStep = defineStep({
  name: 'rds.internet-path',
  summary: "whether the instance's security groups admit any public address to its port (a public endpoint no rule admits the internet to is unreachable)",
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const p = internetPath(cfg.value, (arn) => ctx.ev.config(arn, 'sg.config'))
    return outcome(p.answer, p.why, { evidence: [cfg.evidence, p.evidence], certainty: 'proven', sources: inventory })
  }
})

const publicClients = defineStep({
  name: 'rds.public-clients',
  summary:
    'accepted sessions to the database port from addresses outside private space, from VPC flow logs of every interface of the instance; "no" needs every interface covered for the whole window',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const d = cfg.value
    if (d.port === null) return outcome('unknown', "the instance's port is not in the evidence", { evidence: [cfg.evidence], sources: inventory })
    if (d.enis === undefined)
      return outcome(
        'unknown',
        `the network interfaces of ${d.identifier} are not in the evidence (no NetworkInterfaces in rds-instances.json), so its flow logs cannot be chosen`,
        {
          evidence: [cfg.evidence],
          sources: [...inventory, ...flowLogs]
        }
      )
    if (!d.enis.length)
      return outcome('unknown', `rds-instances.json lists no network interface for ${d.identifier}`, { evidence: [cfg.evidence], sources: [...inventory, ...flowLogs] })
    const c = coverageOf(ctx, d)
    const used = c.rows.filter((r) => (r.publicSessions ?? 0) > 0)
    const o = { evidence: [cfg.evidence, c.evidence], sources: flowLogs, windowed: true }
    if (used.length) {
      const n = used.reduce((s, r) => s + (r.publicSessions ?? 0), 0)
      const who = [...new Set(used.flatMap((r) => r.publicSources))].sort()
      const last = Math.max(...used.map((r) => r.last ?? 0))
      return outcome(
        'yes',
        `${plural(n, 'accepted session')} to tcp/${d.port} from ${plural(who.length, 'public address', 'public addresses')} (${who.slice(0, 5).join(', ')}${who.length > 5 ? ', …' : ''}) on ${used.map((r) => r.eni).join(', ')}, the last session to the port on ${dayOf(last)}: these clients reach the database over the internet and would be cut off`,
        { ...o, certainty: 'proven' }
      )
    }
    if (c.problems.length) return outcome('unknown', `no session from a public address is in the flow logs, but ${c.problems.join('; ')}`, o)
    return outcome(
      'no',
      `no session to tcp/${d.port} from a public address ${windowText(ctx.window)} on ${c.rows.map((r) => r.eni).join(', ')} (flow logs cover the whole window)`,
      {
        ...o,
        certainty: 'proven'
      }
    )
  }
})

const privateClients = defineStep({
  name: 'rds.private-clients',
  summary: 'accepted sessions to the database port from private addresses (inside the VPC, peered, over a VPN): clients that keep working after the fix',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const d = cfg.value
    if (d.port === null || !d.enis?.length)
      return outcome('unknown', `the port or the network interfaces of ${d.identifier} are not in the evidence`, { evidence: [cfg.evidence], sources: flowLogs })
    const c = coverageOf(ctx, d)
    const rows = c.rows.filter((r) => r.publicSessions !== null && r.sessions - r.publicSessions > 0)
    const o = { evidence: [cfg.evidence, c.evidence], sources: flowLogs, windowed: true }
    if (rows.length) {
      const n = rows.reduce((s, r) => s + r.sessions - (r.publicSessions ?? 0), 0)
      return outcome(
        'yes',
        `${plural(n, 'session')} to tcp/${d.port} from private addresses on ${rows.map((r) => r.eni).join(', ')}: these clients keep working when the instance is private`,
        {
          ...o,
          certainty: 'proven'
        }
      )
    }
    if (c.problems.length) return outcome('unknown', `no session from a private address is in the flow logs, but ${c.problems.join('; ')}`, o)
    return outcome('no', `no session to tcp/${d.port} from a private address ${windowText(ctx.window)}: nothing inside the VPC uses the database`, { ...o, certainty: 'proven' })
  }
})

export const RDS_PUBLIC_STEPS = [publiclyAccessible, internetPathStep, publicClients, privateClients]
