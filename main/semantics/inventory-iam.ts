// inventory/iam-authorization.json: `aws iam get-account-authorization-details` output as it is
// (UserDetailList, GroupDetailList, RoleDetailList, Policies with their PolicyVersionList), every
// page merged into one document. Read strictly for the IAM policy controls (aws.iam.full-admin-policy):
// who has which managed policy attached, directly or through a group, and what each version of a
// customer managed policy allows.
//
// A policy document is what the API returns: a URL-encoded JSON string (the SDKs), or the decoded
// object (the AWS CLI decodes it). Both are read; a document that is neither is unknown, never
// "allows nothing".
import { z } from 'zod'
import { parsePolicy, statementApplies, type PolicyStatement } from './iam-policy'

const Attached = z.object({ PolicyName: z.string().optional(), PolicyArn: z.string() })
const Inline = z.object({ PolicyName: z.string(), PolicyDocument: z.unknown() })

export const IamUserDetail = z.object({
  UserName: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  GroupList: z.array(z.string()).optional(),
  AttachedManagedPolicies: z.array(Attached).optional(),
  UserPolicyList: z.array(Inline).optional(),
  /** the user's permissions boundary: it caps group policies as it caps the user's own */
  PermissionsBoundary: z.object({ PermissionsBoundaryArn: z.string(), PermissionsBoundaryType: z.string().optional() }).optional()
})
export const IamGroupDetail = z.object({
  GroupName: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  AttachedManagedPolicies: z.array(Attached).optional(),
  GroupPolicyList: z.array(Inline).optional()
})
export const IamRoleDetail = z.object({
  RoleName: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  AttachedManagedPolicies: z.array(Attached).optional(),
  RolePolicyList: z.array(Inline).optional(),
  AssumeRolePolicyDocument: z.unknown().optional()
})
export const IamPolicyDetail = z.object({
  PolicyName: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  DefaultVersionId: z.string(),
  AttachmentCount: z.number().optional(),
  IsAttachable: z.boolean().optional(),
  PolicyVersionList: z.array(z.object({ VersionId: z.string(), IsDefaultVersion: z.boolean(), Document: z.unknown(), CreateDate: z.string().optional() }))
})
export const IamAuthorization = z.object({
  UserDetailList: z.array(IamUserDetail),
  GroupDetailList: z.array(IamGroupDetail),
  RoleDetailList: z.array(IamRoleDetail),
  Policies: z.array(IamPolicyDetail)
})
export type IamAuthorization = z.infer<typeof IamAuthorization>
export type IamPolicyDetail = z.infer<typeof IamPolicyDetail>
export type IamUserDetail = z.infer<typeof IamUserDetail>

/** A policy document as the API or the CLI gives it, parsed; an error when it is neither. */
export function policyDocument(doc: unknown): { ok: true; statements: PolicyStatement[] } | { ok: false; error: string } {
  let text: string
  if (typeof doc === 'string') {
    try {
      text = doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc)
    } catch {
      return { ok: false, error: 'the document is not URL-encoded JSON' }
    }
  } else if (doc && typeof doc === 'object') text = JSON.stringify(doc)
  else return { ok: false, error: 'no document' }
  const p = parsePolicy(text, { requirePrincipal: false })
  return p.ok ? { ok: true, statements: p.statements } : { ok: false, error: p.error }
}

/** A request no statement could name: any action, any resource, no context. */
const ANYTHING = { action: 'lastmileprobe:AnyActionAtAll', resource: 'arn:aws:lastmileprobe:xx-nowhere-1:000000000000:anything/at/all', context: {} }

/**
 * The Allow statements granting every action on every resource with no condition: `"Action": "*"`
 * with `"Resource": "*"` (or the same in effect), as the IAM policy evaluator reads them — what
 * Security Hub IAM.1 and Config's iam-policy-no-statements-with-admin-access call full
 * administrative privileges.
 */
export function fullAdminStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((s) => s.effect === 'Allow' && statementApplies(s, ANYTHING))
}

export function defaultVersion(p: IamPolicyDetail): IamPolicyDetail['PolicyVersionList'][number] | null {
  return p.PolicyVersionList.find((v) => v.VersionId === p.DefaultVersionId) ?? p.PolicyVersionList.find((v) => v.IsDefaultVersion) ?? null
}

export interface PolicyHolders {
  users: string[]
  groups: Array<{ name: string; arn: string; members: string[] }>
  roles: string[]
}

/** Who has a managed policy attached: users directly, groups (with their members), roles — by ARN. */
export function policyHolders(a: IamAuthorization, policyArn: string): PolicyHolders {
  const has = (list?: Array<{ PolicyArn: string }>) => (list ?? []).some((x) => x.PolicyArn === policyArn)
  const groups = a.GroupDetailList.filter((g) => has(g.AttachedManagedPolicies)).map((g) => ({
    name: g.GroupName,
    arn: g.Arn,
    members: a.UserDetailList.filter((u) => (u.GroupList ?? []).includes(g.GroupName)).map((u) => u.Arn)
  }))
  return {
    users: a.UserDetailList.filter((u) => has(u.AttachedManagedPolicies)).map((u) => u.Arn),
    groups,
    roles: a.RoleDetailList.filter((r) => has(r.AttachedManagedPolicies)).map((r) => r.Arn)
  }
}

/**
 * The IAM user a finding names, by ARN (with or without its path) or by name alone (Prowler 2 names
 * users in its message): the one user of that name in the file, or null.
 */
export function findUser(a: IamAuthorization, idOrName: string): IamUserDetail | null {
  const byArn = a.UserDetailList.find((u) => u.Arn === idOrName)
  if (byArn) return byArn
  const name = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(idOrName)?.[1] ?? idOrName
  const named = a.UserDetailList.filter((u) => u.UserName === name)
  return named.length === 1 ? named[0] : null
}

/** What an IAM user holds of its own, not through a group: managed policies by ARN, inline policies by name. */
export function ownPolicies(u: IamUserDetail): { managed: string[]; inline: string[] } {
  return { managed: (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn).sort(), inline: (u.UserPolicyList ?? []).map((p) => p.PolicyName).sort() }
}

/**
 * inventory/iam-virtual-mfa-devices.json: `aws iam list-virtual-mfa-devices` output (AssignmentStatus Any), every page
 * merged: `{"VirtualMFADevices":[{SerialNumber, User?: {Arn, UserName?}, EnableDate?}]}`. A device assigned to the
 * root user has User.Arn `arn:aws:iam::<account>:root` (its serial is usually `…:mfa/root-account-mfa-device`):
 * the root user's MFA is then a virtual device, which Security Hub IAM.6 fails.
 */
export const IamVirtualMfaDevices = z.object({
  VirtualMFADevices: z.array(
    z.object({
      SerialNumber: z.string(),
      User: z.object({ Arn: z.string(), UserName: z.string().optional() }).optional(),
      EnableDate: z.union([z.string(), z.date()]).optional()
    })
  )
})
export type IamVirtualMfaDevices = z.infer<typeof IamVirtualMfaDevices>

/** The virtual MFA devices assigned to the account's root user. */
export function rootVirtualDevices(d: IamVirtualMfaDevices, account: string): IamVirtualMfaDevices['VirtualMFADevices'] {
  return d.VirtualMFADevices.filter((v) => v.User?.Arn === `arn:aws:iam::${account}:root` || (!!v.User && v.SerialNumber === `arn:aws:iam::${account}:mfa/root-account-mfa-device`))
}
