import type { FormatName } from '../types'
import type { CsvAdapter, FormatAdapter, JsonAdapter } from './adapter'
import { asff } from './asff'
import { defenderAlertsJson, defenderAssessmentsJson, defenderRecommendationsCsv } from './defender'
import { checkovJson, kicsJson, tfsecJson } from './iac-json'
import { inspectorJson } from './inspector'
import { genericOcsf, prowlerOcsf, securityHubOcsf } from './ocsf'
import { orca } from './orca'
import { prowlerCsv, prowlerV2Csv } from './prowler-csv'
import { prowlerJson, prowlerV2Json } from './prowler-json'
import { sarif } from './sarif'
import { trivy } from './trivy'
import { trivyOperatorJson } from './trivy-operator'
import { wizApiJson, wizIssuesCsv, wizVulnerabilitiesCsv } from './wiz'

/**
 * Every format, in the order detection tries them: the most specific shapes first, the generic
 * OCSF reader last among JSON formats.
 */
export const JSON_ADAPTERS: readonly JsonAdapter[] = [
  asff,
  inspectorJson,
  prowlerOcsf,
  prowlerJson,
  prowlerV2Json,
  securityHubOcsf,
  trivy,
  trivyOperatorJson,
  sarif,
  checkovJson,
  kicsJson,
  tfsecJson,
  wizApiJson,
  defenderAssessmentsJson,
  defenderAlertsJson,
  orca,
  genericOcsf
]

export const CSV_ADAPTERS: readonly CsvAdapter[] = [prowlerCsv, prowlerV2Csv, wizIssuesCsv, wizVulnerabilitiesCsv, defenderRecommendationsCsv]

export const ADAPTERS: readonly FormatAdapter[] = [...JSON_ADAPTERS, ...CSV_ADAPTERS]

export function adapterFor(format: FormatName): FormatAdapter {
  const a = ADAPTERS.find((x) => x.format === format)
  if (!a) throw new Error(`no adapter for ${format}`)
  return a
}

/**
 * The source of each format: exports of one product's findings, whatever their file format.
 * A rescan closes alerts of its own source only: Prowler findings forwarded through Security
 * Hub are a different stream from Prowler's own output, and neither closes the other.
 */
export const SOURCE_OF: Record<FormatName, string> = {
  asff: 'securityhub',
  'securityhub-ocsf': 'securityhub',
  'prowler-ocsf': 'prowler',
  'prowler-csv': 'prowler',
  'prowler-json': 'prowler',
  'prowler-v2-json': 'prowler',
  'prowler-v2-csv': 'prowler',
  ocsf: 'ocsf',
  'wiz-issues-csv': 'wiz-issues',
  'wiz-api-json': 'wiz-issues',
  'wiz-vulnerabilities-csv': 'wiz-vulnerabilities',
  'trivy-json': 'trivy',
  // Trivy inside the cluster: its reports are another stream than `trivy k8s` JSON (other alerts,
  // the same findings), and neither closes what the other reported
  'trivy-operator-json': 'trivy-operator',
  'defender-recommendations-csv': 'defender-assessments',
  'defender-assessments-json': 'defender-assessments',
  'defender-alerts-json': 'defender-alerts',
  'orca-alerts-json': 'orca',
  'inspector-json': 'inspector',
  sarif: 'sarif',
  // an IaC scanner's own JSON is the same stream as its SARIF (the same alerts, iac-json.ts): a
  // rescan in either closes what the other reported; the scope's tool keeps Checkov's from KICS's
  'checkov-json': 'sarif',
  'kics-json': 'sarif',
  'tfsec-json': 'sarif'
}
