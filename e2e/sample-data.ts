// Exports and evidence for the end-to-end tests, written to the test's own folder: a Security
// Hub (ASFF) export and a Prowler (JSON-OCSF) export of one estate (three accounts, seven kinds
// of problem, the two tools overlapping so their alerts deduplicate), a truncated export, and
// the evidence scenario bundle of main/evidence's tests. Three resources of the exports are the
// scenario's own (the prod data bucket, the IMDSv1 instance, the SSH group), so their findings
// have an evidence timeline.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACCOUNT } from '../test/fixtures/evidence/bundle-builder'
import { writeScenario } from '../test/fixtures/evidence/scenario'
import { asffFinding, prowlerFinding, resourceOf, type Alarm, type Problem } from '../test/fixtures/ingest/generate'

export interface SampleData {
  securityHub: string
  prowler: string
  broken: string
  bundle: string
  /** alarms in the Security Hub export (one finding each) */
  alarms: number
}

const ACCOUNTS = [ACCOUNT, '222233334444', '333344445555']
const PER_ACCOUNT: ReadonlyArray<[Problem, number]> = [
  ['s3-https', 6],
  ['s3-pab', 3],
  ['imdsv2', 5],
  ['ssh-open', 2],
  ['unused-key', 4],
  ['rds-public', 2],
  ['cloudtrail-logs', 1]
]
/** The scenario bundle's resources (test/fixtures/evidence/scenario.ts), by problem. */
const SCENARIO_NAME: Partial<Record<Problem, string>> = {
  's3-https': 'payments-prod-data',
  imdsv2: 'i-0abc1234def567890',
  'ssh-open': 'sg-0ssh000000000001'
}

function record(a: Alarm, make: (a: Alarm) => Record<string, unknown>): Record<string, unknown> {
  const scenario = a.account === ACCOUNT && a.region === 'us-east-1' && a.n === 1 ? SCENARIO_NAME[a.problem] : undefined
  if (!scenario) return make(a)
  return JSON.parse(JSON.stringify(make(a)).replaceAll(resourceOf(a).name, scenario)) as Record<string, unknown>
}

export function writeSampleData(dir: string): SampleData {
  mkdirSync(dir, { recursive: true })
  const alarms: Alarm[] = []
  for (const account of ACCOUNTS) {
    for (const [problem, count] of PER_ACCOUNT) {
      for (let n = 1; n <= count; n++) alarms.push({ problem, account, region: n % 2 ? 'us-east-1' : 'eu-west-1', n })
    }
  }
  const securityHub = join(dir, 'securityhub-findings.json')
  writeFileSync(securityHub, JSON.stringify({ Findings: alarms.map((a) => record(a, asffFinding)) }, null, 4))
  // Prowler sees two thirds of the same problems, and passes some of them
  const prowlerAlarms = alarms.filter((_, i) => i % 3 !== 1).map((a, i): Alarm => (i % 7 === 3 ? { ...a, status: 'PASS' } : a))
  const prowler = join(dir, 'prowler-output.ocsf.json')
  writeFileSync(
    prowler,
    JSON.stringify(
      prowlerAlarms.map((a) => record(a, prowlerFinding)),
      null,
      4
    )
  )
  const broken = join(dir, 'truncated-export.json')
  writeFileSync(broken, JSON.stringify({ Findings: alarms.slice(0, 2).map(asffFinding) }, null, 4).slice(0, 1500))
  const bundle = join(dir, 'evidence-2026-11')
  writeScenario(bundle)
  return { securityHub, prowler, broken, bundle, alarms: alarms.length }
}
