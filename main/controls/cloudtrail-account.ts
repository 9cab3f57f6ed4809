// What steps asking "who did this in the account, over the window" share: CloudTrail's coverage of
// every Region the evidence holds for the account (a credential works against any Region, and
// console sign-ins are recorded in the Region of the sign-in endpoint), and calls summed up by
// service and name. "Nobody did it" needs every Region covered for the whole window and every
// trail file of the account readable; anything less is unknown, never "no".
import type { CloudTrailIndex, SlimRecord } from '../case/cloudtrail-index'
import { streamKey } from '../semantics/ids'
import type { StepContext } from './step'
import { coverageText, plural } from './step-common'

export interface AccountTrail {
  account: string
  regions: string[]
  /** the account's records (every readable trail file of the account) */
  index: CloudTrailIndex
  /** empty: every Region covered the whole window and every file was read */
  gaps: string[]
  covered: string[]
  /** evidence behind the coverage (coverage rows' files) */
  evidence: string[]
}

/** The account's CloudTrail, with what keeps a "nobody did it" from being proven. */
export function accountTrail(ctx: StepContext, account: string): AccountTrail {
  const regions = ctx.ev.regions(account)
  const index = ctx.ev.cloudTrail(account)
  const covs = regions.map((r) => ({ region: r, cov: ctx.ev.coverage('aws.cloudtrail', streamKey(account, r), ctx.window) }))
  const gaps = covs.filter((c) => c.cov.state !== 'covered').map((c) => coverageText(c.cov, `CloudTrail in ${c.region}`))
  if (!regions.length) gaps.push(`no Region of account ${account} is in the evidence, so no CloudTrail of it was read`)
  for (const u of index.unreadable) gaps.push(`${u.path} ${u.why}`)
  return {
    account,
    regions,
    index,
    gaps,
    covered: covs.filter((c) => c.cov.state === 'covered').map((c) => c.region),
    evidence: covs.flatMap((c) => c.cov.evidence)
  }
}

/** "iam ListUsers ×3, s3 ListBuckets" — calls by service and name, the most frequent first. */
export function callsText(records: readonly SlimRecord[], max = 6): string {
  const n = new Map<string, number>()
  for (const r of records) {
    const k = `${r.source.replace(/\.amazonaws\.com$/, '')} ${r.name}`
    n.set(k, (n.get(k) ?? 0) + 1)
  }
  const list = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const shown = list.slice(0, max).map(([k, c]) => (c > 1 ? `${k} ×${c}` : k))
  return `${shown.join(', ')}${list.length > max ? `, and ${plural(list.length - max, 'other call')}` : ''}`
}

/** The distinct source addresses of records, at most `max` named. */
export function addressesText(records: readonly SlimRecord[], max = 5): string {
  const ips = [...new Set(records.map((r) => r.ip).filter((x): x is string => !!x))].sort()
  if (!ips.length) return 'no source address recorded'
  return `${ips.length === 1 ? 'from' : `from ${ips.length} addresses:`} ${ips.slice(0, max).join(', ')}${ips.length > max ? ', …' : ''}`
}
