// Step functions of aws.rds.storage-encrypted: is the instance's storage still unencrypted, can the
// snapshot → encrypted copy → restore path encrypt it at all (cluster member, read replica, class),
// does it have read replicas the replacement leaves behind, does the evidence hold every setting the
// new instance must be built with (and so the downtime estimate), and who connects to it (the
// clients the downtime window stops; VPC flow logs of each of its interfaces, with coverage).
import { z } from 'zod'
import { portClientsCovered, type RdsConfig } from '../../main/controls/rds-clients'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { blockers, downtimeEstimate, iamAuthNote, missingSettings, type RdsSettings } from './storage'

const DB = ['aws.rds.db-instance'] as const
const inventory = ['aws.inventory' as const]
const flowLogs = ['aws.vpc-flow-logs' as const]

type Found = { d: RdsConfig; s: RdsSettings; evidence: string[] }

/** The instance and its settings, or the unknown outcome saying which is missing. */
function instanceOf(ctx: StepContext): Found | ReturnType<typeof outcome> {
  const cfg = ctx.ev.config(ctx.finding.resource.id, 'rds.config')
  if (!cfg)
    return outcome('unknown', `the DB instance ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence's RDS inventory (inventory/rds-instances.json)`, {
      sources: inventory
    })
  if (!cfg.value.settings)
    return outcome('unknown', `the storage settings of ${cfg.value.identifier} were read by an earlier version of Lastmile; add the bundle again`, {
      evidence: [cfg.evidence],
      sources: inventory
    })
  return { d: cfg.value, s: cfg.value.settings, evidence: cfg.evidence }
}
const found = (x: Found | ReturnType<typeof outcome>): x is Found => 'd' in x

const unencrypted = defineStep({
  name: 'rds.storage-unencrypted',
  summary: "whether the DB instance's storage is still unencrypted (DescribeDBInstances StorageEncrypted), with its engine and size",
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const x = instanceOf(ctx)
    if (!found(x)) return x
    const { d, s } = x
    const o = { evidence: [x.evidence], certainty: 'proven' as const, sources: inventory }
    const what = `${d.engine ?? 'DB'} instance ${d.identifier}${s.allocatedGiB !== null ? ` (${s.allocatedGiB} GiB${s.storageType ? ` ${s.storageType}` : ''})` : ''}`
    if (s.encrypted === null) return outcome('unknown', `StorageEncrypted of ${d.identifier} is not in rds-instances.json`, { evidence: [x.evidence], sources: inventory })
    if (s.encrypted) return outcome('no', `the ${what} is encrypted already (StorageEncrypted true, key ${s.kmsKeyId ?? 'not named'}): there is nothing to replace`, o)
    return outcome(
      'yes',
      `the ${what} is not encrypted (StorageEncrypted false); RDS cannot encrypt an existing instance in place: it must be replaced by one restored from an encrypted copy of a snapshot`,
      o
    )
  }
})

const blocked = defineStep({
  name: 'rds.encryption-blocked',
  summary:
    'whether the snapshot, encrypted copy and restore cannot encrypt this instance as it stands: an Aurora or Multi-AZ cluster member, a read replica, or a class without encryption',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const x = instanceOf(ctx)
    if (!found(x)) return x
    const why = blockers(x.s)
    const o = { evidence: [x.evidence], certainty: 'proven' as const, sources: inventory }
    if (why.length) return outcome('yes', `${x.d.identifier} cannot be encrypted by restoring an encrypted copy of its snapshot: ${why.join('; ')}`, o)
    if (!x.s.instanceClass) return outcome('unknown', `the class of ${x.d.identifier} is not in the evidence (DBInstanceClass), so its encryption support cannot be told`, o)
    return outcome(
      'no',
      `${x.d.identifier} is a standalone instance (no DB cluster, not a read replica) of class ${x.s.instanceClass}, which supports encryption: a snapshot of it can be copied encrypted and restored`,
      o
    )
  }
})

const replicas = defineStep({
  name: 'rds.read-replicas',
  summary: 'whether the instance has read replicas, which would keep replicating from the old unencrypted instance after the cut-over',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const x = instanceOf(ctx)
    if (!found(x)) return x
    const o = { evidence: [x.evidence], certainty: 'proven' as const, sources: inventory }
    const r = x.s.replicas
    if (r.length)
      return outcome(
        'yes',
        `${x.d.identifier} has ${plural(r.length, 'read replica', 'read replicas')} (${r.join(', ')}): after the cut-over they go on replicating from the old unencrypted instance and serve stale data; they must be recreated from the new one, which the plan does not do`,
        o
      )
    return outcome('no', `${x.d.identifier} has no read replica (ReadReplicaDBInstanceIdentifiers is empty)`, o)
  }
})

const rebuild = defineStep({
  name: 'rds.rebuild-settings',
  summary:
    'whether the evidence holds every setting the new instance must be restored with (class, subnet group, security groups, parameter and option groups, Multi-AZ, port, backups, deletion protection), and the downtime estimate from its size',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const x = instanceOf(ctx)
    if (!found(x)) return x
    const { d, s } = x
    const missing = missingSettings(d, s)
    const o = { evidence: [x.evidence], sources: inventory }
    if (missing.length) return outcome('unknown', `the evidence does not hold ${missing.join(', ')} of ${d.identifier}: the new instance cannot be built the same from it`, o)
    const est = downtimeEstimate(s.allocatedGiB!)
    const groups = [
      `class ${s.instanceClass}`,
      `${s.multiAz ? 'Multi-AZ' : 'single-AZ'}`,
      `subnet group ${s.subnetGroup}`,
      `security groups ${d.securityGroups.join(', ')}`,
      ...(s.parameterGroups.length ? [`parameter group ${s.parameterGroups.join(', ')}`] : []),
      ...(s.optionGroups.length ? [`option group ${s.optionGroups.join(', ')}`] : []),
      `port ${d.port}`,
      `${d.publiclyAccessible ? 'publicly accessible' : 'private'}`,
      `backups kept ${s.backupRetentionDays} days`,
      `deletion protection ${s.deletionProtection ? 'on' : 'off'}`,
      `IAM database authentication ${s.iamAuth ? 'on' : 'off'}`
    ]
    const iam = iamAuthNote(s)
    return outcome('yes', `the restore reproduces ${groups.join(', ')}; downtime window ${est.text}${iam ? `. ${iam}` : ''}`, { ...o, certainty: 'proven' })
  }
})

const clients = defineStep({
  name: 'rds.port-clients',
  summary:
    'who connected to the database port in the window, from VPC flow logs of every interface of the instance: the clients the downtime window stops and the cut-over reconnects; "no" needs every interface covered for the whole window',
  resourceTypes: DB,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'rds.config')
    if (!cfg) return outcome('unknown', `the DB instance is not in the evidence's RDS inventory (inventory/rds-instances.json)`, { sources: inventory })
    const d = cfg.value
    if (d.port === null || !d.enis?.length)
      return outcome(
        'unknown',
        `the ${d.port === null ? 'port' : 'network interfaces'} of ${d.identifier} ${d.port === null ? 'is' : 'are'} not in the evidence, so who connects to it cannot be told from flow logs`,
        { evidence: [cfg.evidence], sources: [...inventory, ...flowLogs] }
      )
    const c = portClientsCovered(ctx, d)
    const used = c.rows.filter((r) => r.sessions > 0)
    const o = { evidence: [cfg.evidence, c.evidence], sources: flowLogs, windowed: true }
    if (used.length) {
      const n = used.reduce((s, r) => s + r.sessions, 0)
      const pub = used.flatMap((r) => r.publicSources)
      return outcome(
        'yes',
        `${plural(n, 'session')} to tcp/${d.port} on ${used.map((r) => r.eni).join(', ')} ${windowText(ctx.window)}${pub.length ? `, some from public addresses (${[...new Set(pub)].slice(0, 5).join(', ')})` : ''}: these clients lose the database for the downtime window and must reconnect after the cut-over${c.problems.length ? ` (and more may: ${c.problems.join('; ')})` : ''}`,
        { ...o, certainty: 'proven' }
      )
    }
    if (c.problems.length) return outcome('unknown', `no session to tcp/${d.port} is in the flow logs, but ${c.problems.join('; ')}`, o)
    return outcome(
      'no',
      `no session to tcp/${d.port} ${windowText(ctx.window)} on ${c.rows.map((r) => r.eni).join(', ')} (flow logs cover the whole window): nothing connected to it`,
      {
        ...o,
        certainty: 'proven'
      }
    )
  }
})

export const RDS_ENCRYPTION_STEPS = [unencrypted, blocked, replicas, rebuild, clients]
