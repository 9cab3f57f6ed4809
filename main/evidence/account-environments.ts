// The account → environment map as people see it in Settings: the mappings set so far (who set
// each and when) and the accounts of the case's findings that are not mapped yet. Writing the map
// is setAccountEnvironment in ./service (audited).
import type { AccountEnvironmentMap, AccountEnvironmentMapping, UnmappedAccount } from '../../shared/evidence'
import { ROLES, type Actor, type Role } from '../../shared/model'
import type { Db } from '../db/case-db'

/** What setAccountEnvironment accepts: only these accounts can be offered as "left to map". */
const MAPPABLE = /^(\d{12}|[0-9a-fA-F-]{36})$/

export function listAccountEnvironments(db: Db): AccountEnvironmentMap {
  const perAccount = new Map<string, { provider: string; findings: number }>()
  const seen = db
    .prepare(
      'SELECT r.account AS account, r.provider AS provider, count(*) AS findings FROM findings f JOIN resources r ON r.id = f.resource_id WHERE r.account IS NOT NULL GROUP BY r.account, r.provider'
    )
    .all() as Array<{ account: string; provider: string; findings: number }>
  for (const s of seen) {
    const a = perAccount.get(s.account)
    if (a) a.findings += s.findings
    else perAccount.set(s.account, { provider: s.provider, findings: s.findings })
  }

  const rows = db.prepare('SELECT account, environment, set_at, set_by FROM evidence_account_environments ORDER BY account').all() as Array<{
    account: string
    environment: string
    set_at: string
    set_by: string
  }>
  const mapped = new Set<string>()
  const mappings: AccountEnvironmentMapping[] = rows.map((r) => {
    mapped.add(r.account.toLowerCase())
    return {
      account: r.account,
      environment: r.environment,
      setAt: r.set_at,
      setBy: actorOf(r.set_by),
      findings: perAccount.get(r.account)?.findings ?? 0
    }
  })
  const unmapped: UnmappedAccount[] = [...perAccount]
    .filter(([account]) => MAPPABLE.test(account) && !mapped.has(account.toLowerCase()))
    .map(([account, a]) => ({ account, provider: a.provider, findings: a.findings }))
    .sort((x, y) => y.findings - x.findings || x.account.localeCompare(y.account))
  return { mappings, unmapped }
}

/** set_by holds the actor's JSON; a value written otherwise is shown as the name it holds. */
function actorOf(text: string): Actor {
  try {
    const a = JSON.parse(text) as Partial<Actor>
    if (a && typeof a === 'object' && typeof a.name === 'string') {
      const { role, key } = a as { role?: unknown; key?: unknown }
      if (a.kind !== 'person' || !ROLES.includes(role as Role)) return { kind: 'engine', name: a.name }
      return typeof key === 'string' ? { kind: 'person', name: a.name, role: role as Role, key } : { kind: 'person', name: a.name, role: role as Role }
    }
  } catch {
    // not JSON: fall through
  }
  return { kind: 'engine', name: text }
}
