// Step functions of aws.iam.full-admin-policy: does the policy's default version still grant "*" on
// "*", who holds it (users, groups and their members, roles: iam-authorization.json), and what did
// those holders do in the window (CloudTrail, every Region of the account) — which of their calls
// were IAM or Organizations writes, and the actions a narrower policy would need (a suggestion).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural, windowText, inWindow } from '../../main/controls/step-common'
import { accountTrail } from '../../main/controls/cloudtrail-account'
import { policyHolders, type IamAuthorization, type PolicyHolders } from '../../main/semantics/inventory-iam'
import type { SlimRecord } from '../../main/case/cloudtrail-index'
import { loadAuthorization } from '../../main/controls/iam-authorization'
import { accountOfArn, adminState } from './authorization'

const POLICY = ['aws.iam.policy'] as const
const inventory = ['aws.inventory' as const]

function load(ctx: StepContext) {
  const arn = ctx.finding.resource.id
  const account = accountOfArn(arn)
  if (!account) return { error: outcome('unknown', `${arn} is not a customer managed policy ARN (an inline policy or an AWS managed one is not read here)`, {}) }
  const l = loadAuthorization(ctx.ev.files(), (id) => ctx.ev.bytes(id), account, 'who holds the policy')
  if (!l.ok) return { error: outcome('unknown', l.why, { sources: inventory }) }
  const policy = l.auth.Policies.find((p) => p.Arn === arn)
  if (!policy) return { error: outcome('unknown', `${arn} is not among the policies of iam-authorization.json`, { evidence: [[l.file]], sources: inventory }) }
  return { account, auth: l.auth, file: l.file, policy }
}

const fullAdmin = defineStep({
  name: 'iam.policy-full-admin',
  summary: 'whether the default version of the customer managed policy still allows every action on every resource without a condition (the IAM policy evaluator)',
  resourceTypes: POLICY,
  params: z.object({}).strict(),
  run(ctx) {
    const l = load(ctx)
    if ('error' in l) return l.error!
    const s = adminState(l.policy)
    const o = { evidence: [[l.file]], certainty: 'proven' as const, sources: inventory }
    if (s.state === 'unknown') return outcome('unknown', s.why, { evidence: [[l.file]], sources: inventory })
    if (s.state === 'admin') return outcome('yes', `the default version ${s.version} of ${l.policy.PolicyName} allows "*" on "*" (${s.sids.join(', ')})`, o)
    return outcome('no', `the default version ${s.version} of ${l.policy.PolicyName} no longer allows "*" on "*": there is nothing to narrow`, o)
  }
})

const holdersText = (h: PolicyHolders): string =>
  [
    ...h.users.map((u) => `user ${u.replace(/^arn:[^:]+:iam::\d{12}:user\//, '')}`),
    ...h.groups.map((g) => `group ${g.name} (${g.members.length ? `members ${g.members.map((m) => m.replace(/^.*:user\//, '')).join(', ')}` : 'no members'})`),
    ...h.roles.map((r) => `role ${r.replace(/^arn:[^:]+:iam::\d{12}:role\//, '')}`)
  ].join('; ')

const attached = defineStep({
  name: 'iam.policy-holders',
  summary: 'who has the policy attached: users directly, groups with their members, roles (iam-authorization.json)',
  resourceTypes: POLICY,
  params: z.object({}).strict(),
  run(ctx) {
    const l = load(ctx)
    if ('error' in l) return l.error!
    const h = policyHolders(l.auth, l.policy.Arn)
    const o = { evidence: [[l.file]], certainty: 'proven' as const, sources: inventory }
    const n = h.users.length + h.groups.length + h.roles.length
    if (n) return outcome('yes', `${l.policy.PolicyName} is attached to ${holdersText(h)}`, o)
    if ((l.policy.AttachmentCount ?? 0) > 0)
      return outcome('unknown', `IAM counts ${l.policy.AttachmentCount} attachment(s) of ${l.policy.PolicyName}, but no user, group or role of the file holds it`, {
        evidence: [[l.file]],
        sources: inventory
      })
    return outcome('no', `no user, group or role has ${l.policy.PolicyName} attached`, o)
  }
})

/** The principals whose calls count as the policy's holders': users (directly or by group) and role sessions. */
function holderOf(r: SlimRecord, users: Set<string>, roles: Set<string>): string | null {
  if (r.identity.type === 'IAMUser' && r.identity.arn && users.has(r.identity.arn)) return r.identity.arn.replace(/^arn:[^:]+:iam::\d{12}:/, '')
  if (r.identity.type === 'AssumedRole' && r.identity.issuer && roles.has(r.identity.issuer)) return r.identity.issuer.replace(/^arn:[^:]+:iam::\d{12}:/, '')
  return null
}

const READ = /^(Get|List|Describe|Head|Lookup|BatchGet|Search|Select|Check|Simulate|Generate(Credential|ServiceLastAccessed))/
const actionOf = (r: SlimRecord): string => `${r.source.replace(/\.amazonaws\.com$/, '')}:${r.name}`

const holdersActivity = defineStep({
  name: 'iam.policy-holders-activity',
  summary:
    'what the holders of the policy called in the window (CloudTrail in every Region of the account): the actions a narrower policy would need (a suggestion, not a plan), and whether they called IAM or Organizations write APIs',
  resourceTypes: POLICY,
  params: z.object({}).strict(),
  run(ctx) {
    const l = load(ctx)
    if ('error' in l) return l.error!
    const auth: IamAuthorization = l.auth
    const h = policyHolders(auth, l.policy.Arn)
    const users = new Set([...h.users, ...h.groups.flatMap((g) => g.members)])
    const roles = new Set(h.roles)
    if (!users.size && !roles.size)
      return outcome('no', `nobody holds ${l.policy.PolicyName}, so nobody used it`, { evidence: [[l.file]], certainty: 'proven', sources: inventory })
    const trail = accountTrail(ctx, l.account)
    const by = new Map<string, Set<string>>()
    const writes = new Map<string, Set<string>>()
    const files = new Set<string>()
    for (const r of trail.index.records) {
      if (!inWindow(r.time, ctx.window) || r.error) continue
      const who = holderOf(r, users, roles)
      if (!who) continue
      files.add(r.file)
      const a = actionOf(r)
      by.set(who, (by.get(who) ?? new Set()).add(a))
      if ((r.source === 'iam.amazonaws.com' || r.source === 'organizations.amazonaws.com') && !READ.test(r.name)) writes.set(who, (writes.get(who) ?? new Set()).add(a))
    }
    const idle = [...users, ...roles].map((a) => a.replace(/^arn:[^:]+:iam::\d{12}:/, '')).filter((p) => !by.has(p))
    const sources = [...inventory, 'aws.cloudtrail' as const]
    const evidence = [[l.file], [...files], trail.evidence]
    if (by.size) {
      const all = [...new Set([...by.values()].flatMap((s) => [...s]))].sort()
      const lines = [...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, s]) => `${p}: ${[...s].sort().join(', ')}`)
      const w = [...writes].map(([p, s]) => `${p} (${[...s].sort().join(', ')})`)
      return outcome(
        'yes',
        `${plural(by.size, 'holder')} of ${l.policy.PolicyName} made calls ${windowText(ctx.window)} — ${lines.join('; ')}. ${w.length ? `IAM or Organizations writes: ${w.join('; ')}: a narrower policy must keep or hand over this administration.` : 'No IAM or Organizations write call.'} Suggested least-privilege Action list (a suggestion from the calls seen, not a plan): ${JSON.stringify(all)}${idle.length ? `. No call seen from ${idle.join(', ')}` : ''}${trail.gaps.length ? `. Not seen for lack of evidence: ${trail.gaps.join('; ')}` : ''}`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    }
    if (trail.gaps.length)
      return outcome('unknown', `no call by the holders of ${l.policy.PolicyName} is in the evidence, but ${trail.gaps.join('; ')}`, { evidence, sources, windowed: true })
    return outcome('no', `CloudTrail covering every Region over ${windowText(ctx.window)} shows no call by ${idle.join(', ')}`, {
      evidence,
      certainty: 'proven',
      sources,
      windowed: true
    })
  }
})

export const FULL_ADMIN_STEPS = [fullAdmin, attached, holdersActivity]
