// azure.entra.admin-escalation-path: a principal FAILs when it can act as an application that can add
// members to a group holding an admin role (the path of main/semantics/inventory-entra-apps.ts, from
// the bundle's Entra configuration files), PASSes when every file the path needs is there and none
// exists, and the tenant is UNKNOWN when a file is absent or cannot be read ("no path" is never said
// without it). The Entra files are tenant-wide: read from every subscription folder that holds them,
// merged by id (as the evidence stage does).
import { evaluation, fileProblem, type EvaluationContext } from '../../main/controls/evaluation'
import { problemOf } from '../../main/semantics/bad-evidence'
import { parseAzureRoleAssignments, parseDirectoryRoleAssignments, parseEntraUsers } from '../../main/semantics/inventory-entra'
import {
  escalationFacts,
  parseEntraAppRoleAssignments,
  parseEntraApplications,
  parseEntraGroups,
  parseEntraServicePrincipals,
  type EscalationDocuments
} from '../../main/semantics/inventory-entra-apps'
import { fail, pass, unknown } from '../../main/semantics/verdict'
import type { Evaluation } from '../../shared/contract'
import { pathText } from './cuts'

export const CONTROL = 'azure.entra.admin-escalation-path'

type Docs = Omit<EscalationDocuments, 'audits' | 'spSignIns'>
const READERS: Array<[string, keyof Docs, (doc: unknown, file: string) => Array<{ id: string }>]> = [
  ['/entra/users.json', 'users', parseEntraUsers],
  ['/entra/directory-role-assignments.json', 'directoryRoles', parseDirectoryRoleAssignments],
  ['/role-assignments.json', 'azureRoles', parseAzureRoleAssignments],
  ['/entra/applications.json', 'applications', parseEntraApplications],
  ['/entra/service-principals.json', 'servicePrincipals', parseEntraServicePrincipals],
  ['/entra/app-role-assignments.json', 'appRoleAssignments', parseEntraAppRoleAssignments],
  ['/entra/groups.json', 'groups', parseEntraGroups]
]

export function evaluateEscalationPaths(ctx: EvaluationContext): Evaluation[] {
  const home = ctx.bundle.azure.find((s) => [...s.entra.keys()].some((k) => k.includes('/entra/')))
  if (!home) return []
  const account = home.subscription
  const tenant = `/subscriptions/${account}`
  const d: Record<string, Array<{ id: string }> | null> = {}
  const problems: string[] = []
  const evidence: string[] = []
  for (const sub of ctx.bundle.azure)
    for (const [path, f] of sub.entra) {
      const r = READERS.find(([end]) => path.endsWith(end))
      if (!r) continue
      if (f.state !== 'ok') {
        if (f.state === 'invalid') problems.push(fileProblem(f))
        continue
      }
      try {
        const list = r[2](f.value, path)
        const have = d[r[1]] ?? []
        d[r[1]] = [...have, ...list.filter((x) => !have.some((y) => y.id === x.id))]
        evidence.push(path)
      } catch (e) {
        const p = problemOf(e, path)
        problems.push(`${path} cannot be read: ${p.place ? `${p.place}: ` : ''}${p.problem}`)
      }
    }
  const docs = Object.fromEntries(READERS.map(([, k]) => [k, d[k] ?? null])) as unknown as Docs
  const out: Evaluation[] = []
  const facts = escalationFacts({ ...docs, audits: null, spSignIns: null })
  const missing = READERS.filter(([, k]) => docs[k] === null && k !== 'users').map(([end]) => end.slice(1))
  if (problems.length || missing.length || !facts.size)
    out.push(
      evaluation(
        CONTROL,
        tenant,
        unknown(
          `cannot tell which principals have no path to an admin group: ${[...problems, ...missing.map((m) => `${m} is not in the bundle (no evidence, which is not "nothing there")`)].join('; ')}`
        ),
        { account, evidence }
      )
    )
  for (const [id, f] of facts) {
    if (f.paths.length)
      out.push(
        evaluation(
          CONTROL,
          id,
          fail(
            `can act as an application that adds members to an admin group: ${f.paths
              .slice(0, 3)
              .map((p) => pathText(f, p))
              .join('; ')}`
          ),
          { account, evidence }
        )
      )
    else if (!f.missing.length && !problems.length)
      out.push(evaluation(CONTROL, id, pass('no application it can act as can add members to a group holding an admin role'), { account, evidence }))
  }
  return out
}
