// Step functions of azure.entra.guest-user-high-privileges: is the user a guest (and enabled), which
// directory and Azure roles it holds (with scope), did it sign in during the window (users.json's
// signInActivity, interactive and non-interactive; the sign-in log), and which directory operations it
// initiated (the directory audit log), counted and named. Everything comes from the one `azure.entra.user`
// facet (main/semantics/inventory-entra.ts); a file not in the bundle is unknown, never "none".
import { z } from 'zod'
import { azureRoleName, type EntraUserFacts } from '../../main/semantics/inventory-entra'
import { day, inWindow, missingDays, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'
import { iso } from '../../main/semantics/time'

const USER = ['azure.azureactivedirectory/user'] as const
const SOURCES = ['azure.inventory' as const]

function factsOf(ctx: StepContext): { value: EntraUserFacts; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id.toLowerCase(), 'azure.entra.user')
}

const missing = (what: string) => outcome('unknown', `the user is not in the evidence's Entra files (azure/<subscription>/entra/): ${what} cannot be shown`, { sources: SOURCES })

/** Every role the user holds, as "role (scope)". */
export function rolesText(f: EntraUserFacts): string[] {
  return [
    ...(f.directoryRoles ?? []).map((r) => `${r.role ?? r.roleDefinitionId} (directory role, scope ${r.directoryScopeId})`),
    ...(f.azureRoles ?? []).map((r) => `${azureRoleName(r)} (Azure role on ${r.scope})`)
  ]
}

const guest = defineStep({
  name: 'azure.entra-user-is-guest',
  summary: 'whether the user is a guest (userType Guest in users.json), and whether its account is enabled',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    const u = f?.value.user
    if (!f || !u) return missing('whether it is a guest')
    const state = `${u.accountEnabled === false ? 'disabled' : u.accountEnabled === true ? 'enabled' : 'enabled or not (not said)'}${u.externalUserState ? `, invitation ${u.externalUserState}` : ''}`
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES }
    if (u.userType === 'Guest') return outcome('yes', `${u.userPrincipalName ?? u.id} is a guest (userType Guest; ${state})`, o)
    if (u.userType) return outcome('no', `${u.userPrincipalName ?? u.id} is not a guest (userType ${u.userType}; ${state}): the finding no longer describes it`, o)
    return outcome('unknown', 'users.json does not give the userType (list users with $select=userType)', { evidence: [f.evidence], sources: SOURCES })
  }
})

const roles = defineStep({
  name: 'azure.entra-user-roles',
  summary: 'which directory roles (roleManagement/directory/roleAssignments) and Azure roles (Microsoft.Authorization/roleAssignments) the user holds, with their scope',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('which roles it holds')
    const v = f.value
    const held = rolesText(v)
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES }
    if (held.length) return outcome('yes', `it holds ${plural(held.length, 'role assignment')}: ${held.join('; ')}`, o)
    if (v.directoryRoles === null || v.azureRoles === null)
      return outcome(
        'unknown',
        `no role assignment in the evidence, but ${v.directoryRoles === null ? 'the directory role assignments (entra/directory-role-assignments.json)' : 'the Azure role assignments (role-assignments.json)'} are not in it`,
        { evidence: [f.evidence], sources: SOURCES }
      )
    return outcome('no', 'it holds no directory role and no Azure role assignment today: nothing is left to remove', o)
  }
})

const signedIn = defineStep({
  name: 'azure.entra-user-signed-in',
  summary: "whether the user signed in during the window: users.json's signInActivity (interactive and non-interactive, Entra ID P1) and the sign-in log (entra/sign-ins.json)",
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('whether it signed in')
    const v = f.value
    const a = v.user?.signInActivity ?? null
    const logs = v.signIns
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES, windowed: true }
    const logged = logs && logs.lastSignIn !== null && inWindow(iso(logs.lastSignIn), ctx.window)
    if (logged || (a && (inWindow(a.lastSignIn, ctx.window) || inWindow(a.lastNonInteractiveSignIn, ctx.window)))) {
      const parts = [
        logged
          ? `the sign-in log holds ${plural(logs.signIns, 'sign-in')} by it (${logs.signInsOk} successful, the last on ${day(iso(logs.lastSignIn!))}${logs.apps.length ? `; ${logs.apps.join(', ')}` : ''})`
          : '',
        a?.lastSignIn ? `signInActivity's last interactive sign-in: ${day(a.lastSignIn)}` : '',
        a?.lastNonInteractiveSignIn ? `last non-interactive: ${day(a.lastNonInteractiveSignIn)}` : ''
      ].filter(Boolean)
      return outcome('yes', `it signed in during ${windowText(ctx.window)}: ${parts.join('; ')}`, o)
    }
    if (a && ctx.window)
      return outcome(
        'no',
        `no sign-in since ${day(ctx.window.from)}: signInActivity (every interactive and non-interactive sign-in, refresh tokens included) gives the last on ${a.lastSignIn ? day(a.lastSignIn) : 'never'} (interactive) and ${a.lastNonInteractiveSignIn ? day(a.lastNonInteractiveSignIn) : 'never'} (non-interactive); without a sign-in it holds no token to use a role with`,
        o
      )
    if (logs && ctx.window) {
      const gap = missingDays(v.signInDays, ctx.window)
      return outcome(
        'unknown',
        `the sign-in log ${gap ? `misses ${plural(gap, 'day')} of ${windowText(ctx.window)}` : `covers ${windowText(ctx.window)}`} and holds no sign-in by it, but Graph v1.0 sign-ins are interactive only (a refresh token's use is a non-interactive sign-in); signInActivity (users.json, Entra ID P1) would say`,
        { evidence: [f.evidence], sources: SOURCES, windowed: true }
      )
    }
    return outcome('unknown', 'neither signInActivity (users.json, Entra ID P1) nor the sign-in log is in the evidence: whether it signed in cannot be shown', {
      evidence: [f.evidence],
      sources: SOURCES,
      windowed: true
    })
  }
})

const operations = defineStep({
  name: 'azure.entra-user-privileged-operations',
  summary: 'the directory operations the user initiated during the window (directory audit log, initiatedBy.user), counted and named',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const f = factsOf(ctx)
    if (!f) return missing('what it did')
    const v = f.value
    const ops = v.operations
    const o = { evidence: [f.evidence], certainty: 'proven' as const, sources: SOURCES, windowed: true }
    if (ops && ops.operations && ops.lastOperation !== null && inWindow(iso(ops.lastOperation), ctx.window)) {
      const names = Object.entries(ops.operationNames)
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
        .map(([k, n]) => `${k} (${n})`)
      return outcome('yes', `it initiated ${plural(ops.operations, 'directory operation')} (the last on ${day(iso(ops.lastOperation))}): ${names.join(', ')}`, o)
    }
    if (!ops || !ctx.window)
      return outcome('unknown', 'the directory audit log (entra/directory-audits.json) is not in the evidence', { evidence: [f.evidence], sources: SOURCES, windowed: true })
    const gap = missingDays(v.auditDays, ctx.window)
    if (gap) return outcome('unknown', `no operation by it, but the directory audit log misses ${plural(gap, 'day')} of ${windowText(ctx.window)}`, { ...o, certainty: null })
    if (v.azureRoles?.length)
      return outcome(
        'unknown',
        `the directory audit log covers ${windowText(ctx.window)} with no operation by it, but its Azure role assignments are used through Azure Resource Manager, which the directory audit log does not record`,
        { ...o, certainty: null }
      )
    return outcome('no', `the directory audit log holds records for every day of ${windowText(ctx.window)}, none initiated by it`, o)
  }
})

export const GUEST_STEPS = [guest, roles, signedIn, operations]
