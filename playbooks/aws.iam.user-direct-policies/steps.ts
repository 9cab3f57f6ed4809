// Step functions of aws.iam.user-direct-policies: what the user holds of its own (iam-authorization.json),
// and whether a new group dedicated to it can hold all of that (IAM's default quotas, a free group name).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'
import { ownPolicies } from '../../main/semantics/inventory-iam'
import { dedicatedGroupFits, GROUP_PATH, loadUser, ownText } from './move'

const USER = ['aws.iam.user'] as const
const inventory = ['aws.inventory' as const]

function load(ctx: StepContext) {
  return loadUser(ctx.ev.files(), (id) => ctx.ev.bytes(id), ctx.finding.resource.id, ctx.finding.resource.account)
}

const ownPoliciesStep = defineStep({
  name: 'iam.user-own-policies',
  summary: 'what managed and inline policies the IAM user holds of its own, not through a group, and its permissions boundary (iam-authorization.json)',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const l = load(ctx)
    if (!l.ok) return outcome('unknown', l.why, { evidence: [l.file ? [l.file] : []], sources: inventory })
    const own = ownPolicies(l.user)
    const o = { evidence: [[l.file]], certainty: 'proven' as const, sources: inventory }
    const boundary = l.user.PermissionsBoundary
      ? `; its permissions boundary ${l.user.PermissionsBoundary.PermissionsBoundaryArn} caps a group's policies as it caps its own`
      : '; it has no permissions boundary'
    const groups = l.user.GroupList?.length ? `; it is in ${l.user.GroupList.join(', ')}` : '; it is in no group'
    if (!own.managed.length && !own.inline.length) return outcome('no', `${l.user.UserName} holds no policy of its own any more${groups}`, o)
    return outcome('yes', `${l.user.UserName} holds ${ownText(l.user)} of its own${groups}${boundary}`, o)
  }
})

const groupFits = defineStep({
  name: 'iam.user-dedicated-group-fits',
  summary:
    "whether a new group dedicated to the user can hold everything it holds of its own: IAM's default quotas (10 managed policies per group, 10 groups per user, 300 groups per account) and a group name no group has",
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const l = load(ctx)
    if (!l.ok) return outcome('unknown', l.why, { evidence: [l.file ? [l.file] : []], sources: inventory })
    const own = ownPolicies(l.user)
    const o = { evidence: [[l.file]], certainty: 'proven' as const, sources: inventory }
    const fit = dedicatedGroupFits(l.auth, l.user)
    if (!fit.fits) return outcome('no', `${fit.why.join('; ')}`, o)
    return outcome(
      'yes',
      `a new group ${GROUP_PATH}${fit.group} can hold the user's ${own.managed.length} managed and ${own.inline.length} inline policies (IAM's default quotas: 10 managed policies per group; the user is in ${l.user.GroupList?.length ?? 0} of its 10 groups; the account has ${l.auth.GroupDetailList.length} of 300 groups; a group's inline policies may be longer than a user's), and no group has that name`,
      o
    )
  }
})

export const USER_DIRECT_POLICIES_STEPS = [ownPoliciesStep, groupFits]
