// A severity is stored in the case as its rank (0 informational … 4 critical), so findings sort and
// group by it in SQL. The importer writes ranks and every reader turns them back into names.
import type { Severity } from '../../shared/model'

export const SEVERITY_RANK: Record<Severity, number> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4
}
export const SEVERITY_BY_RANK: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical']
