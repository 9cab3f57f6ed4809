// Types for scripts/electronegativity-gate.mjs (plain Node, `npm run security`); used by its tests.
export interface Finding {
  check: string
  severity: string
  confidence: string
  file: string
  line: number
  column: number
  sample: string
  description: string
  manualReview: boolean
}
export interface Acceptance {
  check: string
  files: string[]
  sample: RegExp
  reason: string
}
export const SCAN_ROOTS: string[]
export const REQUIRED_FILES: string[]
export const FAILING_SEVERITIES: Set<string>
export const ACCEPTED: Acceptance[]
export function copyScanTree(root: string, dest: string): void
export function acceptanceFor(finding: Finding, accepted?: Acceptance[]): Acceptance | undefined
export function judge(findings: Finding[], accepted?: Acceptance[]): { failing: Finding[]; accepted: Array<{ finding: Finding; reason: string }>; other: Finding[] }
export function toCsv(findings: Finding[], verdictOf: (f: Finding) => string): string
export function main(argv: string[], out?: (m: string) => void, err?: (m: string) => void): Promise<number>
