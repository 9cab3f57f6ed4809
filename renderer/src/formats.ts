// How the Import screen names each export format (shared/ingest.ts FORMAT_NAMES).
import type { FormatName } from '../../shared/ingest'

export const FORMAT_LABELS: Record<FormatName, string> = {
  asff: 'AWS Security Hub (ASFF)',
  'securityhub-ocsf': 'AWS Security Hub (OCSF)',
  'prowler-ocsf': 'Prowler (JSON-OCSF)',
  ocsf: 'OCSF findings',
  'prowler-csv': 'Prowler (CSV)',
  'prowler-json': 'Prowler 3 (JSON)',
  'prowler-v2-json': 'Prowler 2 (JSON)',
  'prowler-v2-csv': 'Prowler 2 (CSV)',
  'wiz-issues-csv': 'Wiz issues (CSV)',
  'wiz-vulnerabilities-csv': 'Wiz vulnerabilities (CSV)',
  'wiz-api-json': 'Wiz API (JSON)',
  'trivy-json': 'Trivy (JSON)',
  'trivy-operator-json': 'Trivy Operator reports (JSON)',
  'defender-recommendations-csv': 'Defender for Cloud recommendations (CSV)',
  'defender-assessments-json': 'Defender for Cloud assessments (JSON)',
  'defender-alerts-json': 'Defender for Cloud alerts (JSON)',
  'orca-alerts-json': 'Orca alerts (JSON)',
  'inspector-json': 'Amazon Inspector (JSON)',
  sarif: 'SARIF (Checkov, KICS, tfsec)',
  'checkov-json': 'Checkov (JSON)',
  'kics-json': 'KICS (JSON)',
  'tfsec-json': 'tfsec (JSON)'
}

export function formatLabel(f: string | null): string {
  return f === null ? '—' : ((FORMAT_LABELS as Record<string, string>)[f] ?? f)
}

/** The file's name without its folder, for tables; the full path stays in a title. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return cut >= 0 ? path.slice(cut + 1) : path
}
