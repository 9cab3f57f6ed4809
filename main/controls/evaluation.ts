// The evaluator kit: what every control evaluator receives, and the small helpers they share for turning a missing or
// unreadable file into an honest UNKNOWN.
import type {
  AwsAccountInventory,
  AzureStorageAccount,
  AzureSubscriptionInventory,
  Ec2Instance,
  FileState,
  Item,
  LoadedBundle,
  RdsInstance,
  SecurityGroup
} from '../semantics/inventory'
import { regionOfAz } from '../semantics/inventory-items'
import type { Evaluation } from '../../shared/contract'
import { unknown, type Verdict } from '../semantics/verdict'

/** A control id (aws.s3.https-only). */
export type ControlId = string
import { accountResource, ec2Arn, parseArn, regionOfZone } from '../semantics/ids'
import { gapEvidence, listingGaps } from '../semantics/gaps'

/** CIS AWS Foundations 1.12 and Security Hub IAM.22: credentials unused for 45 days or more. */
export const DEFAULT_UNUSED_KEY_DAYS = 45

export interface EvaluationContext {
  bundle: LoadedBundle
  /** the manifest's collectedAt, as a Date: "now" for every age (never the wall clock) */
  at: Date
  /** an active access key idle this many days or more is unused (DEFAULT_UNUSED_KEY_DAYS unless asked) */
  unusedKeyDays: number
  /** say something that is not a result (a control skipped, an element ignored) */
  note(text: string): void
}

/** Why a file gives no answer: absent (no evidence) or unreadable (with the place). */
export function fileProblem(f: FileState<unknown>): string {
  if (f.state === 'absent') return `${f.rel} is not in the bundle (no evidence, which is not "nothing there")`
  if (f.state === 'invalid') return `${f.rel} cannot be read: ${f.error}`
  return ''
}

/** An account-level UNKNOWN for a control whose file gives no answer. */
export function accountUnknown(control: ControlId, inv: AwsAccountInventory, f: FileState<unknown>, what: string): Evaluation {
  return evaluation(control, accountResource(inv.account), unknown(`cannot evaluate ${what}: ${fileProblem(f)}`), {
    account: inv.account,
    evidence: f.state === 'absent' ? [] : [f.rel]
  })
}

/**
 * Elements of a list that could not be read and do not even say their name: one account-level
 * UNKNOWN per control, naming each place, so nothing unreadable disappears silently.
 */
export function namelessProblems<T>(control: ControlId, inv: AwsAccountInventory, rel: string, list: Array<Item<T>>, what: string): Evaluation[] {
  const bad = list.filter((i): i is Extract<Item<T>, { ok: false }> => !i.ok && i.name === null)
  if (!bad.length) return []
  return [
    evaluation(control, accountResource(inv.account), unknown(`${what} in ${rel} that cannot be read, so not evaluated (${bad.length}): ${bad.map((b) => b.error).join('; ')}`), {
      account: inv.account,
      evidence: bad.map((b) => `${rel}#${b.pointer}`)
    })
  ]
}

/**
 * The Region of a resource whose describe output does not carry it: from its own data when it has
 * some, else the bundle's scope when that names exactly one Region for the account.
 */
export function regionFor(own: string | null, inv: AwsAccountInventory): { region: string } | { problem: string } {
  if (own) return { region: own }
  if (inv.scopeRegions.length === 1) return { region: inv.scopeRegions[0] }
  return {
    problem:
      inv.scopeRegions.length === 0
        ? 'its Region is not in the data and the manifest scope names no Region for the account'
        : `its Region is not in the data and the manifest scope names several (${inv.scopeRegions.join(', ')})`
  }
}

/** Regions where the collector could not list the resources: UNKNOWN on the account, per Region. */
export function listingGapRows(control: ControlId, inv: AwsAccountInventory, operation: string, what: string): Evaluation[] {
  return listingGaps(inv, operation).map(({ region, gap }) =>
    evaluation(control, accountResource(inv.account), unknown(`the collector could not list ${what} in ${region}: ${gap.problem}`), {
      account: inv.account,
      region,
      evidence: [gapEvidence(gap)]
    })
  )
}

/** One evaluation row: a verdict placed on a resource. */
export function evaluation(control: ControlId, resource: string, verdict: Verdict, where: { account: string | null; region?: string | null; evidence: string[] }): Evaluation {
  return {
    control,
    resource,
    status: verdict.status,
    reason: verdict.reason,
    account: where.account,
    region: where.region ?? null,
    evidence: where.evidence
  }
}

/**
 * Every group of the account's security-groups.json (DescribeSecurityGroups), each named as the
 * security-group evaluators report it, with the verdict `judge` gives it and the places inside the
 * group it rests on (`/IpPermissions/0`; none: the group's entry). `judge` returns null for a group
 * the control does not apply to. A group that cannot be read is UNKNOWN, a group whose Region
 * cannot be told is UNKNOWN with what the rules alone say, and a Region the collector could not
 * list is UNKNOWN on the account.
 */
export function evaluateSecurityGroupList(control: ControlId, inv: AwsAccountInventory, judge: (g: SecurityGroup) => { verdict: Verdict; places: string[] } | null): Evaluation[] {
  const f = inv.securityGroups
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, 'the security groups')]
  const out = namelessProblems(control, inv, f.rel, f.value, 'security groups')
  for (const item of f.value) {
    const raw = item.ok ? item.value : null
    const id = raw ? raw.GroupId : item.ok ? null : item.name
    if (id === null) continue
    const account = raw?.OwnerId ?? inv.account
    // Recent DescribeSecurityGroups output carries SecurityGroupArn; older output has no Region at
    // all, and `lastmile evidence collect` adds the Region it listed the group in.
    const fromArn = raw?.SecurityGroupArn ? parseArn(raw.SecurityGroupArn)?.region || null : null
    const where = regionFor(fromArn ?? raw?.Region ?? null, inv)
    const resource = 'region' in where ? ec2Arn(where.region, account, 'security-group', id) : `arn:aws:ec2::${account}:security-group/${id}`
    const region = 'region' in where ? where.region : null
    if (!item.ok) {
      out.push(evaluation(control, resource, unknown(`${f.rel}: ${item.error}`), { account, region, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const judged = judge(item.value)
    if (!judged) continue
    const evidence = judged.places.length ? judged.places.map((p) => `${f.rel}#${item.pointer}${p}`) : [`${f.rel}#${item.pointer}`]
    const v = 'region' in where ? judged.verdict : unknown(`cannot name the group: ${where.problem}; on its own: ${judged.verdict.status} — ${judged.verdict.reason}`)
    out.push(evaluation(control, resource, v, { account, region, evidence }))
  }
  out.push(...listingGapRows(control, inv, 'DescribeSecurityGroups', 'the security groups'))
  return out
}

/**
 * Every instance of the account's ec2-instances.json (DescribeInstances), named by its ARN (the Region
 * from its Availability Zone), with the verdict `judge` gives it; `judge` returns 'skip' for an
 * instance the control does not apply to (terminated). An instance that cannot be read is UNKNOWN, one
 * whose Region cannot be told is UNKNOWN with what its configuration alone says, and a Region the
 * collector could not list is UNKNOWN on the account.
 */
export function evaluateInstanceList(control: ControlId, inv: AwsAccountInventory, judge: (i: Ec2Instance) => Verdict | 'skip'): Evaluation[] {
  const f = inv.ec2Instances
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, 'the instances')]
  const out = namelessProblems(control, inv, f.rel, f.value, 'instances')
  for (const item of f.value) {
    const account = item.ownerId ?? inv.account
    const zone = item.ok ? (item.value.Placement?.AvailabilityZone ?? null) : null
    const where = regionFor(zone ? regionOfZone(zone) : null, inv)
    const id = item.ok ? item.value.InstanceId : item.name
    if (id === null) continue
    const resource = 'region' in where ? ec2Arn(where.region, account, 'instance', id) : `arn:aws:ec2::${account}:instance/${id}`
    const evidence = [`${f.rel}#${item.pointer}`]
    if (!item.ok) {
      out.push(evaluation(control, resource, unknown(`${f.rel}: ${item.error}`), { account, region: 'region' in where ? where.region : null, evidence }))
      continue
    }
    const v = judge(item.value)
    if (v === 'skip') continue
    if (!('region' in where)) {
      out.push(evaluation(control, resource, unknown(`cannot name the instance: ${where.problem}; on its own: ${v.status} — ${v.reason}`), { account, evidence }))
      continue
    }
    out.push(evaluation(control, resource, v, { account, region: where.region, evidence }))
  }
  out.push(...listingGapRows(control, inv, 'DescribeInstances', 'the instances'))
  return out
}

/**
 * One evaluation per storage account of each subscription's storage-accounts.json, judged by
 * `judge`; a subscription whose file is absent or unreadable is one UNKNOWN, and accounts that cannot
 * be read are UNKNOWN (those without an id in one subscription-level row). Resource ids are the
 * lower-cased ARM ids (Azure ids are case-insensitive; shared/model.ts).
 */
export function evaluateStorageAccountList(control: ControlId, ctx: EvaluationContext, judge: (a: AzureStorageAccount, sub: AzureSubscriptionInventory) => Verdict): Evaluation[] {
  return evaluateAzureList(
    control,
    ctx,
    'the storage accounts',
    (sub) => sub.storageAccounts,
    (a) => a.id,
    judge
  )
}

/**
 * One evaluation per element of an Azure list file of each subscription (the storage accounts, the
 * network security groups…), judged by `judge`; the file absent or unreadable is one UNKNOWN for the
 * subscription, elements that cannot be read are UNKNOWN (those without an id in one
 * subscription-level row). Resource ids are the lower-cased ARM ids.
 */
export function evaluateAzureList<T>(
  control: ControlId,
  ctx: EvaluationContext,
  what: string,
  file: (sub: AzureSubscriptionInventory) => FileState<Array<Item<T>>>,
  idOf: (t: T) => string,
  judge: (t: T, sub: AzureSubscriptionInventory) => Verdict
): Evaluation[] {
  const out: Evaluation[] = []
  for (const sub of ctx.bundle.azure) {
    const f = file(sub)
    const subscription = `/subscriptions/${sub.subscription}`
    if (f.state !== 'ok') {
      out.push(
        evaluation(control, subscription, unknown(`cannot evaluate ${what}: ${fileProblem(f)}`), { account: sub.subscription, evidence: f.state === 'absent' ? [] : [f.rel] })
      )
      continue
    }
    const nameless = f.value.filter((i): i is Extract<Item<T>, { ok: false }> => !i.ok && i.name === null)
    if (nameless.length) {
      out.push(
        evaluation(control, subscription, unknown(`${what} in ${f.rel} that cannot be read, so not evaluated (${nameless.length}): ${nameless.map((i) => i.error).join('; ')}`), {
          account: sub.subscription,
          evidence: nameless.map((i) => `${f.rel}#${i.pointer}`)
        })
      )
    }
    for (const item of f.value) {
      const id = item.ok ? idOf(item.value) : item.name
      if (id === null) continue
      const v = item.ok ? judge(item.value, sub) : unknown(`${f.rel}: ${item.error}`)
      out.push(evaluation(control, id.toLowerCase(), v, { account: sub.subscription, evidence: [`${f.rel}#${item.pointer}`] }))
    }
  }
  return out
}

/**
 * Every DB instance of the account's rds-instances.json (DescribeDBInstances), named by its ARN (or,
 * without one, from its Availability Zone or the scope's single Region), with the verdict `judge`
 * gives it and the field of the item it rests on (`PubliclyAccessible`). An element that cannot be
 * read is UNKNOWN in its place, an instance that cannot be named is UNKNOWN with what its settings
 * alone say, and a Region the collector could not list is UNKNOWN on the account.
 */
export function evaluateRdsInstanceList(control: ControlId, inv: AwsAccountInventory, judge: (d: RdsInstance) => { verdict: Verdict; field: string }): Evaluation[] {
  const f = inv.rdsInstances
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, 'the DB instances')]
  const out = namelessProblems(control, inv, f.rel, f.value, 'DB instances')
  for (const item of f.value) {
    const d = item.ok ? item.value : null
    const id = d ? d.DBInstanceIdentifier : item.ok ? null : item.name
    if (id === null) continue
    const arnMatch = d?.DBInstanceArn ? /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):db:/.exec(d.DBInstanceArn) : null
    const account = arnMatch?.[2] ?? inv.account
    const where = regionFor(arnMatch?.[1] ?? regionOfAz(d?.AvailabilityZone ?? null), inv)
    const region = 'region' in where ? where.region : null
    const resource = d?.DBInstanceArn ?? (region ? `arn:aws:rds:${region}:${account}:db:${id}` : `arn:aws:rds::${account}:db:${id}`)
    if (!item.ok) {
      out.push(evaluation(control, resource, unknown(`${f.rel}: ${item.error}`), { account, region, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const { verdict: v, field } = judge(item.value)
    const named = d?.DBInstanceArn || 'region' in where ? v : unknown(`cannot name the instance: ${'problem' in where ? where.problem : ''}; on its own: ${v.status} — ${v.reason}`)
    out.push(evaluation(control, resource, named, { account, region, evidence: [`${f.rel}#${item.pointer}/${field}`] }))
  }
  out.push(...listingGapRows(control, inv, 'DescribeDBInstances', 'the DB instances'))
  return out
}
