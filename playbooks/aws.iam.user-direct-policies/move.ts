// What the steps and the fix of aws.iam.user-direct-policies share: the user a finding names (by ARN, or by
// name and account as Prowler 2 gives it) in the account's iam-authorization.json, what it holds of its own,
// and whether a new group dedicated to it can hold all of that within IAM's quotas.
//
// The quotas are IAM's defaults (IAM User Guide, "IAM and AWS STS quotas"): ten managed policies attached to
// a group, ten groups a user is in, 300 groups in an account. An account may have had them raised, which the
// evidence does not show, so going past a default is "cannot be shown", never "fits". A group's inline
// policies may total 5,120 characters, a user's 2,048: the user's inline policies always fit.
import { loadAuthorization } from '../../main/controls/iam-authorization'
import { findUser, ownPolicies, type IamAuthorization, type IamUserDetail } from '../../main/semantics/inventory-iam'
import type { EvidenceFileSummary } from '../../shared/evidence'

export const MANAGED_PER_GROUP = 10
export const GROUPS_PER_USER = 10
export const GROUPS_PER_ACCOUNT = 300
/** Where the fix's groups live: the path says the group is one user's, so that nobody adds others to it. */
export const GROUP_PATH = '/dedicated-to-user/'

/** The group the fix creates for a user (IAM group names: 128 characters of [\w+=,.@-]; user names are 64 of the same). */
export const groupNameFor = (user: string): string => `${user}-policies`

export const accountOf = (resourceId: string, fallback: string | null): string | null => /^arn:[^:]+:iam::(\d{12}):/.exec(resourceId)?.[1] ?? fallback

export type UserLoad = { ok: true; account: string; auth: IamAuthorization; file: string; user: IamUserDetail } | { ok: false; why: string; file?: string }

export function loadUser(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, resourceId: string, account: string | null): UserLoad {
  const acct = accountOf(resourceId, account)
  if (!acct) return { ok: false, why: `the AWS account of ${resourceId} is not known` }
  const l = loadAuthorization(files, bytes, acct, 'what the user holds')
  if (!l.ok) return { ok: false, why: l.why }
  const user = findUser(l.auth, resourceId)
  if (!user) return { ok: false, why: `no IAM user ${resourceId} (or one user of that name) is in iam-authorization.json of ${acct}`, file: l.file }
  return { ok: true, account: acct, auth: l.auth, file: l.file, user }
}

export type Fit = { fits: true; group: string } | { fits: false; why: string[] }

/** Whether a new group dedicated to the user can hold everything it holds of its own. */
export function dedicatedGroupFits(auth: IamAuthorization, user: IamUserDetail): Fit {
  const own = ownPolicies(user)
  const group = groupNameFor(user.UserName)
  const why: string[] = []
  if (own.managed.length > MANAGED_PER_GROUP)
    why.push(
      `the user has ${own.managed.length} managed policies attached, more than the ${MANAGED_PER_GROUP} a group may hold by default (the quota may be raised; the evidence does not say)`
    )
  const groups = user.GroupList ?? []
  if (groups.length >= GROUPS_PER_USER) why.push(`the user is in ${groups.length} groups already, the most IAM allows by default (${GROUPS_PER_USER}): it cannot join a new one`)
  if (auth.GroupDetailList.length >= GROUPS_PER_ACCOUNT)
    why.push(`the account has ${auth.GroupDetailList.length} groups, at IAM's default quota of ${GROUPS_PER_ACCOUNT} (it may have been raised; the evidence does not say)`)
  const taken = auth.GroupDetailList.find((g) => g.GroupName === group)
  if (taken) why.push(`a group named ${group} exists already (${taken.Arn}): the plan's group must be new and the user's alone`)
  return why.length ? { fits: false, why } : { fits: true, group }
}

export function ownText(user: IamUserDetail): string {
  const own = ownPolicies(user)
  const parts = [
    own.managed.length ? `managed ${own.managed.map((a) => a.replace(/^arn:[^:]+:iam::(aws|\d{12}):policy\//, '')).join(', ')}` : '',
    own.inline.length ? `inline ${own.inline.join(', ')}` : ''
  ].filter(Boolean)
  return parts.join('; ')
}
