// The AWS guardrail kit: what every control's guardrails are built from — Organizations SCPs and
// RCPs, and AWS Config managed rules as CloudFormation (FORMATS.md section C). Every policy is checked against the Organizations grammar
// (SCP: no Principal, 5,120 characters; RCP: Principal "*", Deny only) before it is handed out.
//
// Exceptions. Resources whose fix is UNSAFE, or whose risk a person accepted, must keep working
// under the guardrail:
// - by ARN, with NotResource (supported in SCPs and RCPs alongside Resource's other uses;
//   Organizations User Guide "SCP syntax", "RCP syntax"); an RCP or SCP cannot use NotPrincipal;
// - by tag, with aws:ResourceTag, only where the service evaluates resource tags for the action:
//   EC2 does; S3 general purpose buckets only once ABAC is enabled on the bucket (S3 User Guide,
//   "Using tags with S3 general purpose buckets"), so S3 exceptions are by ARN only;
// - break-glass principals, with ArnNotLike on aws:PrincipalArn (the pattern AWS recommends
//   instead of NotPrincipal).
// AWS Config rules report and cannot except a resource: an excepted resource stays NON_COMPLIANT
// there, which is the record of the exception.
import type { GuardrailView } from '../../shared/remediation'
import { LastmileError } from '../errors'
import { cfnLogicalId, cfnYaml } from './formats'
import { assertValidPolicy } from './policy-grammar'
import { breakGlassRolesOf, type GuardrailException, type GuardrailOptions } from './guardrail'

export type Statement = Record<string, unknown>

export function policyJson(kind: 'scp' | 'rcp', name: string, statements: Statement[]): string {
  const doc = { Version: '2012-10-17', Statement: statements }
  const text = `${JSON.stringify(doc, null, 2)}\n`
  // the quota counts every character; fall back to compact JSON when the pretty form is too long
  const compact = JSON.stringify(doc)
  const out = text.length <= 5120 ? text : `${compact}\n`
  if (compact.length > 5120) {
    // Exceptions cannot be spread over several Deny statements (each would deny what the others
    // except), so a list that does not fit one policy is refused, not split.
    throw new LastmileError(
      'conflict',
      `the ${kind.toUpperCase()} with its exceptions is ${compact.length} characters, over the 5,120 an ${kind.toUpperCase()} may have: tag the excepted resources and use the exception tag, or except fewer`
    )
  }
  assertValidPolicy(doc, kind, name, out.trimEnd())
  return out
}

export function principalException(opts: GuardrailOptions): Record<string, unknown> {
  return { ArnNotLike: { 'aws:PrincipalArn': breakGlassRolesOf(opts) } }
}

export function withCondition(s: Statement, extra: Record<string, unknown> | null): Statement {
  if (!extra) return s
  const c = { ...((s.Condition as Record<string, unknown>) ?? {}) }
  for (const [op, block] of Object.entries(extra)) c[op] = { ...((c[op] as Record<string, unknown>) ?? {}), ...(block as Record<string, unknown>) }
  return { ...s, Condition: c }
}

export function resourceOrExcept(arns: string[]): Statement {
  return arns.length ? { NotResource: arns } : { Resource: '*' }
}

export const breakGlassNote = (opts: GuardrailOptions): string => {
  const roles = breakGlassRolesOf(opts)
  return opts.breakGlassRoles?.length
    ? `principals matching ${roles.join(', ')} are exempt (break-glass)`
    : `the break-glass role ${roles[0]} is exempt (the default name: create it with a trust policy for your incident responders, or name your own with --break-glass-role)`
}

/**
 * Statement ids unique across every policy Lastmile generates, so attaching several side by side
 * never has two statements of the same name: the control's name, then the statement's.
 */
export function sid(control: string, name: string): string {
  return cfnLogicalId('Lastmile', control.replace(/^aws\./, ''), name)
}

function exceptionNames(ex: GuardrailException[]): string[] {
  return ex.map((e) => `${e.resourceId} (${e.finding}: ${e.why})`)
}

export interface ConfigRule {
  name: string
  identifier: string
  resourceTypes?: string[]
  params?: Record<string, string>
  periodic?: boolean
  description: string
}

export function configRules(control: string, title: string, rules: ConfigRule[], exceptions: GuardrailException[], wouldBreak: string[]): GuardrailView {
  const resources: Record<string, unknown> = {}
  for (const r of rules) {
    resources[cfnLogicalId('Lastmile', r.name)] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: `lastmile-${r.name}`,
        Description: r.description,
        Source: { Owner: 'AWS', SourceIdentifier: r.identifier },
        ...(r.resourceTypes ? { Scope: { ComplianceResourceTypes: r.resourceTypes } } : {}),
        ...(r.params ? { InputParameters: r.params } : {}),
        ...(r.periodic ? { MaximumExecutionFrequency: 'TwentyFour_Hours' } : {})
      }
    }
  }
  const content = cfnYaml(
    [
      `Lastmile guardrail for ${control}: AWS Config managed rules (${rules.map((r) => r.identifier).join(', ')}).`,
      'Needs an AWS Config configuration recorder in each account and Region it is deployed to (StackSets for many).',
      ...(exceptions.length ? ['These resources are agreed exceptions and will stay NON_COMPLIANT:', ...exceptionNames(exceptions).map((e) => `  ${e}`)] : [])
    ],
    { AWSTemplateFormatVersion: '2010-09-09', Description: `Lastmile guardrail: ${title}`, Resources: resources }
  )
  return {
    kind: 'aws-config-rule',
    language: 'yaml',
    name: `${control}.config-rules.cfn.yaml`,
    content,
    control,
    prevents: `nothing by itself: AWS Config reports (and can trigger remediation for) every ${title.toLowerCase()} as NON_COMPLIANT within a day`,
    wouldBreak,
    exceptions: exceptions.map((e) => e.resourceId)
  }
}

/** Per Region, which accounts are excepted: a Region of null means every Region. */
export function accountsByRegion(exceptions: GuardrailException[]): { everywhere: string[]; byRegion: Map<string, string[]> } {
  const everywhere = new Set<string>()
  const byRegion = new Map<string, Set<string>>()
  for (const e of exceptions) {
    const account = e.account ?? (e.resourceId.startsWith('AWS::::Account:') ? e.resourceId.slice('AWS::::Account:'.length) : null)
    if (!account) continue
    if (!e.region) everywhere.add(account)
    else byRegion.set(e.region, (byRegion.get(e.region) ?? new Set()).add(account))
  }
  const regions = new Map([...byRegion.keys()].sort().map((r) => [r, [...new Set([...byRegion.get(r)!, ...everywhere])].sort()]))
  return { everywhere: [...everywhere].sort(), byRegion: regions }
}

/** Where a regional Deny's exceptions hold, one line per excepted Region and one for every Region (for `wouldBreak`). */
export function exceptedScopes(exceptions: GuardrailException[]): string[] {
  const { everywhere, byRegion } = accountsByRegion(exceptions)
  return [...[...byRegion].map(([r, a]) => `excepted in ${r} only: ${a.join(', ')}`), ...(everywhere.length ? [`excepted in every Region: ${everywhere.join(', ')}`] : [])]
}

/**
 * A Deny that spares the (account, Region) pairs excepted: one statement for the Regions with no
 * exception, and one per excepted Region sparing only its accounts (aws:RequestedRegion), so an
 * exception in one Region never opens the account's other Regions.
 */
export function regionalDeny(control: string, name: string, base: Statement, exceptions: GuardrailException[], principal: Record<string, unknown>): Statement[] {
  const { everywhere, byRegion } = accountsByRegion(exceptions)
  const notAccounts = (accounts: string[]) => (accounts.length ? { StringNotEquals: { 'aws:PrincipalAccount': accounts } } : {})
  const out: Statement[] = []
  const regions = [...byRegion.keys()]
  out.push(
    withCondition(
      { Sid: sid(control, regions.length ? `${name}ElsewhereRegions` : name), ...base },
      {
        ...principal,
        ...(regions.length
          ? { StringNotEquals: { 'aws:RequestedRegion': regions, ...(everywhere.length ? { 'aws:PrincipalAccount': everywhere } : {}) } }
          : notAccounts(everywhere))
      }
    )
  )
  for (const [region, accounts] of byRegion) {
    out.push(withCondition({ Sid: sid(control, `${name}In ${region}`), ...base }, { ...principal, StringEquals: { 'aws:RequestedRegion': region }, ...notAccounts(accounts) }))
  }
  return out
}
