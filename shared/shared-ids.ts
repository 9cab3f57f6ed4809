// ImportSummary.sharedIds in words, the same for the CLI and the Import screen: records that share
// one tool finding id but report different checks were kept as separate alerts, not merged.
import type { ImportSummary } from './ingest'

/** `3 alerts share 1 finding id with other checks (e.g. prowler <finding_uid>: a, b, c); each check is its own alert`, or null. */
export function sharedIdsSentence(s: ImportSummary['sharedIds']): string | null {
  if (!s.ids) return null
  const ex = s.example ? ` (e.g. ${s.example.tool} ${s.example.toolFindingId}: ${s.example.rules.join(', ')})` : ''
  const ids = s.ids === 1 ? '1 finding id' : `${s.ids.toLocaleString('en-US')} finding ids`
  return `${s.alerts.toLocaleString('en-US')} alerts share ${ids} across different checks${ex}; each check is kept as its own alert`
}
