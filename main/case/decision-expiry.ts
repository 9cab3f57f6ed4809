import { LastmileError } from '../errors'

/**
 * When a person's decision on a finding lapses, as both ways of recording one take it (the
 * workflow's `suppress` / `accept-risk`, and `findings decide` — the findings table's decision):
 * an ISO time, in the future; required for a risk acceptance, optional for a suppression. A date
 * already past would record a decision that lapses at once (the next reconciliation reopens the
 * finding), so it is refused rather than taken.
 */
export function decisionExpiry(expires: string | null | undefined, now: string, required: boolean, ref: string): string | null {
  if (!expires) {
    if (required) throw new LastmileError('bad-input', `${ref}: a risk acceptance needs an expiry (--expires 2027-06-30): accepted risks are reviewed, not forgotten`)
    return null
  }
  const t = Date.parse(expires)
  if (!Number.isFinite(t)) throw new LastmileError('bad-input', `--expires ${expires}: not a date (use 2027-06-30 or an ISO time)`)
  if (t <= Date.parse(now)) throw new LastmileError('bad-input', `--expires ${expires}: the expiry must be in the future`)
  return new Date(t).toISOString()
}
