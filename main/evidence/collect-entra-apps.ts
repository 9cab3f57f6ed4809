// `evidence collect --provider azure`, the Entra files of the application escalation path
// (docs/evidence-bundle.md, main/semantics/inventory-entra-apps.ts): applications and service
// principals with their owners, every service principal's app role assignments, the groups that are
// role-assignable or hold an Azure role (with owners and members) and the service principals'
// sign-ins. Only GETs of the collections GRAPH_READS allows; each file whole or not at all (a list that
// fails is a gap and no file, so the steps answer unknown, never "none").

/** Every item of a Graph list (all pages). */
export type GraphList = (path: string, query: Record<string, string>) => Promise<unknown[]>

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const idOf = (x: unknown): string | null => {
  const id = (x as { id?: unknown } | null)?.id
  return typeof id === 'string' && GUID.test(id) ? id : null
}

/** The group principals of ARM role assignments (`{"value":[…]}` items, properties nested or flattened). */
export function groupPrincipals(assignments: unknown[]): string[] {
  const out = new Set<string>()
  for (const a of assignments) {
    const p = ((a as { properties?: unknown })?.properties ?? a) as { principalType?: unknown; principalId?: unknown }
    if (p?.principalType === 'Group' && typeof p.principalId === 'string' && GUID.test(p.principalId)) out.add(p.principalId.toLowerCase())
  }
  return [...out].sort()
}

export async function collectEntraApps(o: {
  all: GraphList
  write: (path: string, doc: unknown) => void
  dir: string
  from: Date
  /** groups holding an Azure role in the subscriptions collected */
  roleGroups: string[]
  gap: (problem: string) => void
  progress: (m: string) => void
}): Promise<void> {
  const file = async (name: string, what: string, read: () => Promise<unknown[]>): Promise<unknown[] | null> => {
    o.progress(`Entra ID: ${what}`)
    try {
      const value = await read()
      o.write(`${o.dir}/${name}`, { value })
      return value
    } catch (e) {
      o.gap(`reading ${what}: ${(e as Error).message}`)
      return null
    }
  }
  const CREDENTIALS = 'id,appId,displayName,passwordCredentials,keyCredentials'
  await file('applications.json', 'applications and their owners', () => o.all('/v1.0/applications', { $select: CREDENTIALS, $expand: 'owners' }))
  const sps = await file('service-principals.json', 'service principals and their owners', () =>
    o.all('/v1.0/servicePrincipals', { $select: `${CREDENTIALS},servicePrincipalType,accountEnabled`, $expand: 'owners' })
  )
  if (sps)
    await file('app-role-assignments.json', "the service principals' app role assignments", async () => {
      const value: unknown[] = []
      for (const id of sps.map(idOf)) if (id) value.push(...(await o.all(`/v1.0/servicePrincipals/${id}/appRoleAssignments`, {})))
      return value
    })
  await file('groups.json', 'role-assignable groups and groups holding Azure roles, with owners and members', async () => {
    const groups = new Map<string, Record<string, unknown>>()
    const add = (list: unknown[]): void => {
      for (const g of list) {
        const id = idOf(g)
        if (id) groups.set(id.toLowerCase(), g as Record<string, unknown>)
      }
    }
    add(await o.all('/v1.0/groups', { $filter: 'isAssignableToRole eq true', $expand: 'owners' }))
    // Graph's `in` filter takes at most 15 values
    for (let i = 0; i < o.roleGroups.length; i += 15)
      add(
        await o.all('/v1.0/groups', {
          $filter: `id in (${o.roleGroups
            .slice(i, i + 15)
            .map((g) => `'${g}'`)
            .join(',')})`,
          $expand: 'owners'
        })
      )
    const value: unknown[] = []
    for (const [id, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1)))
      value.push({ ...g, members: await o.all(`/v1.0/groups/${id}/members`, { $select: 'id,displayName,userPrincipalName' }) })
    return value
  })
  await file('service-principal-sign-ins.json', 'the service principal sign-in log', () =>
    o.all('/beta/auditLogs/signIns', { $filter: `createdDateTime ge ${o.from.toISOString()} and signInEventTypes/any(t: t eq 'servicePrincipal')` })
  )
}
