// Who connects to an RDS DB instance's port: the sessions VPC flow logs of each of its network
// interfaces record (the `flows.served` facet), and whether those logs cover the window. Shared by
// the RDS controls: aws.rds.public-access asks which clients come from public addresses (they lose
// the database when it is made private), aws.rds.storage-encrypted which clients the replacement's
// downtime window stops.
import type { FacetMap } from '../semantics/facets'
import { eniKey } from '../semantics/ids'
import type { StepContext } from './step'
import { coverageText } from './step-common'

export type RdsConfig = FacetMap['rds.config']
type Facet<K extends keyof FacetMap> = { value: FacetMap[K]; evidence: string[] } | null

export interface PortClients {
  eni: string
  key: string
  /** null: the interface has no flow log in the evidence */
  served: FacetMap['flows.served'] | null
  evidence: string[]
  sessions: number
  /** null: the flow log was read by a version that did not count public sources */
  publicSessions: number | null
  publicSources: string[]
  last: number | null
}

/** The sessions to the instance's port on each of its interfaces, from `flows.served`. */
export function portClients(d: RdsConfig, served: (key: string) => Facet<'flows.served'>): PortClients[] {
  return (d.enis ?? []).map((e) => {
    const key = eniKey(d.account, e.id)
    const f = served(key)
    const ports = (f?.value.ports ?? []).filter((p) => p.protocol === 6 && p.port === d.port)
    const counted = ports.every((p) => p.publicSessions !== undefined)
    return {
      eni: e.id,
      key,
      served: f?.value ?? null,
      evidence: f?.evidence ?? [],
      sessions: ports.reduce((n, p) => n + p.sessions, 0),
      publicSessions: counted ? ports.reduce((n, p) => n + (p.publicSessions ?? 0), 0) : null,
      publicSources: [...new Set(ports.flatMap((p) => p.publicSources ?? []))].sort(),
      last: ports.length ? Math.max(...ports.map((p) => p.last)) : null
    }
  })
}

/**
 * The instance's interfaces with their sessions, and every reason their flow logs cannot say
 * "nobody" over the window (an interface without a log, a log not covering the window, one without
 * flow direction, one read by an earlier version), each naming the interface.
 */
export function portClientsCovered(ctx: StepContext, d: RdsConfig) {
  const rows = portClients(d, (k) => ctx.ev.config(k, 'flows.served'))
  const covs = rows.map((r) => ({ r, cov: ctx.ev.coverage('aws.vpc-flow-logs', r.key, ctx.window) }))
  const problems: string[] = []
  for (const { r, cov } of covs) {
    if (!r.served) problems.push(`${r.eni}: no flow log in evidence`)
    else if (cov.state !== 'covered') problems.push(coverageText(cov, `${r.eni}'s flow log`))
    else if (r.served.directionUnknown)
      problems.push(`${r.eni}: its flow log has no flow-direction field, so clients' sessions cannot be told from the instance's own connections out`)
    else if (r.publicSessions === null) problems.push(`${r.eni}: its flow log was read by an earlier version of Lastmile that did not tell public sources; add the bundle again`)
  }
  return { rows, covs, problems, evidence: [...rows.flatMap((r) => r.evidence), ...covs.flatMap((c) => c.cov.evidence)] }
}
