// What the steps and the fix of aws.iam.full-admin-policy share: the account's
// iam-authorization.json (the latest bundle's), the policy a finding names, and whether its default
// version grants every action on every resource (the file is read by main/controls/iam-authorization.ts).
import { defaultVersion, fullAdminStatements, policyDocument, type IamPolicyDetail } from '../../main/semantics/inventory-iam'

export const accountOfArn = (arn: string): string | null => /^arn:[^:]+:iam::(\d{12}):policy\//.exec(arn)?.[1] ?? null

export type AdminState = { state: 'admin'; sids: string[]; version: string } | { state: 'not-admin'; version: string } | { state: 'unknown'; why: string }

/** Whether the policy's default version grants every action on every resource (unconditionally). */
export function adminState(p: IamPolicyDetail): AdminState {
  const v = defaultVersion(p)
  if (!v) return { state: 'unknown', why: `the default version ${p.DefaultVersionId} of ${p.PolicyName} is not in its PolicyVersionList` }
  const doc = policyDocument(v.Document)
  if (!doc.ok) return { state: 'unknown', why: `version ${v.VersionId} of ${p.PolicyName}: ${doc.error}` }
  const admin = fullAdminStatements(doc.statements)
  if (admin.length) return { state: 'admin', sids: admin.map((s) => s.sid ?? `Statement[${s.index}]`), version: v.VersionId }
  return { state: 'not-admin', version: v.VersionId }
}
