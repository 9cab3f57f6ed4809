// Step functions of azure.entra.admin-escalation-path, over the one `azure.entra.escalation` facet
// (main/semantics/inventory-entra-apps.ts): the path edge by edge (who can act as which application,
// what that application can do to which admin group), which edge the fix cuts (./cuts.ts), whether that
// edge was used in the window (the directory audit log: the principal managing the application's
// credentials, or the application adding group members), and whether the application is in use (its
// service principal's sign-ins). A file not in the bundle is unknown, never "none".
import { z } from 'zod'
import type { EscalationFacts, LoggedOp } from '../../main/semantics/inventory-entra-apps'
import { day, inWindow, missingDays, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'
import { cutsOf, cutsText, pathText } from './cuts'

const PRINCIPALS = ['azure.azureactivedirectory/user', 'azure.serviceprincipal/application'] as const
const SOURCES = ['azure.inventory' as const]

function factsOf(ctx: StepContext): { value: EscalationFacts; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id.toLowerCase(), 'azure.entra.escalation')
}

const missing = (what: string) =>
  outcome(
    'unknown',
    `the principal is not in the evidence's Entra application files (entra/applications.json, service-principals.json, app-role-assignments.json, groups.json): ${what} cannot be shown`,
    { sources: SOURCES }
  )

const opsText = (ops: LoggedOp[]): string => {
  const names = new Map<string, number>()
  for (const o of ops) names.set(o.activity, (names.get(o.activity) ?? 0) + 1)
  return [...names.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} (${n})`)
    .join(', ')
}
const lastOf = (ops: LoggedOp[]): string => day(ops.map((o) => o.time).sort()[ops.length - 1])

const path = defineStep({
  name: 'azure.entra-escalation-path',
  summary:
    'the escalation path edge by edge: which application the principal can act as (it owns the application or its service principal, or holds Application Administrator, Cloud Application Administrator or Application.ReadWrite.All) and what that application can do to a group holding an admin role (a Microsoft Graph permission that writes group membership, ownership of the group, a directory role)',
  resourceTypes: PRINCIPALS,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('whether a path to an admin group remains')
    const v = f.value
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES }
    if (v.paths.length) {
      const shown = v.paths.slice(0, 5).map((p) => pathText(v, p))
      return outcome('yes', `${plural(v.paths.length, 'path')}: ${shown.join('; ')}${v.paths.length > 5 ? '; …' : ''}`, o)
    }
    if (v.missing.length)
      return outcome(
        'unknown',
        `no path in the evidence, but ${v.missing.join(', ')} ${v.missing.length === 1 ? 'is' : 'are'} not in it: a path through what they hold cannot be ruled out`,
        {
          evidence: [f.evidence],
          sources: SOURCES
        }
      )
    return outcome(
      'no',
      `no application ${v.principal.name ?? v.principal.id} owns or can manage holds a permission, ownership or role that adds members to a group with an admin role: the path is gone`,
      o
    )
  }
})

const cut = defineStep({
  name: 'azure.entra-escalation-cut',
  summary:
    'which edge the fix cuts, chosen from the evidence: the principal as owner of the application it owns, or else the application’s Microsoft Graph permission that writes group membership; and whether that cuts every path',
  resourceTypes: PRINCIPALS,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('which edge the fix cuts')
    const v = f.value
    if (!v.paths.length) return outcome('unknown', 'no path in the evidence: there is no edge to cut', { evidence: [f.evidence], sources: SOURCES })
    const c = cutsOf(v)
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES }
    const does = cutsText(c)
    if (c.uncut.length)
      return outcome(
        'no',
        `${plural(c.uncut.length, 'path')} the fix cannot cut (neither an owner to remove nor a Graph permission to take away): ${c.uncut
          .slice(0, 3)
          .map((p) => pathText(v, p))
          .join('; ')}${does.length ? `; the fix would only ${does.join('; ')}` : ''}`,
        o
      )
    return outcome('yes', `the fix will ${does.join('; ')}`, o)
  }
})

const edgeUsed = defineStep({
  name: 'azure.entra-escalation-edge-used',
  summary:
    'whether the edge the fix cuts was used in the window (directory audit log): the principal adding or changing credentials of the application it owns, or the application adding or removing group members with the permission that is taken away',
  resourceTypes: PRINCIPALS,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('whether the edge was used')
    const v = f.value
    if (!v.paths.length) return outcome('unknown', 'no path in the evidence: there is no edge to look for', { evidence: [f.evidence], sources: SOURCES })
    const c = cutsOf(v)
    if (!c.owners.length && !c.assignments.length) return outcome('unknown', 'the fix cuts no edge of these paths', { evidence: [f.evidence], sources: SOURCES })
    if (v.credentialOps === null || v.memberOps === null || !ctx.window)
      return outcome('unknown', 'the directory audit log (entra/directory-audits.json) is not in the evidence', { evidence: [f.evidence], sources: SOURCES, windowed: true })
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES, windowed: true }
    const owned = new Set(c.owners.map((x) => x.objectId))
    const creds = v.credentialOps.filter((x) => inWindow(x.time, ctx.window) && x.targets.some((t) => owned.has(t)))
    const used: string[] = []
    if (creds.length) used.push(`${v.principal.name ?? v.principal.id} managed the credentials of the application it owns: ${opsText(creds)}, the last on ${lastOf(creds)}`)
    for (const a of c.assignments) {
      const ops = (v.memberOps[a.principalId] ?? []).filter((x) => inWindow(x.time, ctx.window))
      if (ops.length)
        used.push(
          `${a.app} changed group members with ${a.permission}: ${opsText(ops)} (${[...new Set(ops.map((x) => x.target))].slice(0, 5).join(', ')}), the last on ${lastOf(ops)}`
        )
    }
    if (used.length) return outcome('yes', `the edge the fix cuts was used during ${windowText(ctx.window)}: ${used.join('; ')}`, o)
    const gap = missingDays(v.auditDays, ctx.window)
    if (gap)
      return outcome('unknown', `no such operation, but the directory audit log misses ${plural(gap, 'day')} of ${windowText(ctx.window)}`, {
        evidence: [f.evidence],
        sources: SOURCES,
        windowed: true
      })
    const what = [
      c.owners.length ? `no credential added to or changed on the owned ${c.owners.length === 1 ? 'application' : 'applications'} by it` : '',
      c.assignments.length ? `no group member added or removed by ${c.assignments.map((a) => a.app).join(', ')}` : ''
    ].filter(Boolean)
    return outcome('no', `the directory audit log holds records for every day of ${windowText(ctx.window)}: ${what.join('; ')}`, o)
  }
})

const appInUse = defineStep({
  name: 'azure.entra-escalation-app-in-use',
  summary: "whether the path's applications signed in during the window (service principal sign-ins, entra/service-principal-sign-ins.json): who the fix could break",
  resourceTypes: PRINCIPALS,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('whether the application is in use')
    const v = f.value
    if (!v.paths.length) return outcome('unknown', 'no path in the evidence: no application to look at', { evidence: [f.evidence], sources: SOURCES })
    if (v.spSignIns === null || !ctx.window)
      return outcome('unknown', 'the service principal sign-in log (entra/service-principal-sign-ins.json) is not in the evidence', {
        evidence: [f.evidence],
        sources: SOURCES,
        windowed: true
      })
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES, windowed: true }
    const apps = new Map(v.paths.map((p) => [p.app.servicePrincipalId, p.app.name ?? p.app.servicePrincipalId]))
    const active = [...apps].flatMap(([id, name]) => {
      const s = v.spSignIns![id]
      return s && inWindow(s.last, ctx.window)
        ? [`${name}: ${plural(s.signIns, 'sign-in')}, the last on ${day(s.last)}${s.resources.length ? ` (to ${s.resources.join(', ')})` : ''}`]
        : []
    })
    if (active.length) return outcome('yes', `in use during ${windowText(ctx.window)}: ${active.join('; ')}`, o)
    const gap = missingDays(v.spSignInDays, ctx.window)
    if (gap)
      return outcome('unknown', `no sign-in by ${[...apps.values()].join(', ')}, but the service principal sign-in log misses ${plural(gap, 'day')} of ${windowText(ctx.window)}`, {
        evidence: [f.evidence],
        sources: SOURCES,
        windowed: true
      })
    return outcome('no', `the service principal sign-in log holds records for every day of ${windowText(ctx.window)}, none by ${[...apps.values()].join(', ')}`, o)
  }
})

export const ESCALATION_STEPS = [path, cut, edgeUsed, appInUse]
