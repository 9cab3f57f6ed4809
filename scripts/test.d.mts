// Types for scripts/test.mjs (plain Node, run by `npm test`); used by its tests.
export interface Check {
  name: string
  script: string
  after?: string
}
export interface CheckResult {
  ok: boolean
  output: string
  seconds: number
}
export const STATIC_CHECKS: readonly Check[]
export function runChecks(
  checks: readonly Check[],
  jobs: number,
  run: (check: Check) => Promise<CheckResult>,
  report: (check: Check, result: CheckResult) => void
): Promise<boolean>
