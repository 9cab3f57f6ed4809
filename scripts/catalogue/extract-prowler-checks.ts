// Writes playbooks/catalogue/sources/prowler-checks-gcp-kubernetes.tsv: every Prowler GCP and
// Kubernetes check, in the columns of prowler-checks.tsv (which holds AWS and Azure, copied from the
// project's reference set), read from each check's metadata (prowler/providers/<provider>/services/
// <service>/<check>/<check>.metadata.json: CheckID, ServiceName, ResourceType, Severity, CheckTitle).
// Real Prowler exports of GCP projects and Kubernetes clusters report these checks
// (DefectDojo's unittests/scans/prowler/example_output_{gcp,kubernetes}.*, copies of Prowler's own
// examples/output), and the catalogue makes each a control of its own (gcp.<service>.<check>,
// kubernetes.<service>.<check>), as it does Azure's.
//
//   npx tsx scripts/catalogue/extract-prowler-checks.ts <prowler-cloud/prowler git dir> [commit]
//
// Use the commit prowler-checks.tsv was read at (sources/SOURCES.md), so the two tables agree.
import { args, writeTable } from './rulelists'

export const PROWLER_CHECK_COLUMNS = ['check_id', 'provider', 'service', 'resource_type', 'severity', 'title'] as const
const PROVIDERS = ['gcp', 'kubernetes'] as const

function main(): void {
  const tree = args('extract-prowler-checks.ts', 'prowler-cloud/prowler')
  const rows: Array<Record<string, string>> = []
  for (const provider of PROVIDERS) {
    const paths = tree.files(`prowler/providers/${provider}/services`).filter((p) => p.endsWith('.metadata.json'))
    for (const [path, text] of tree.read(paths)) {
      const m = JSON.parse(text) as Record<string, unknown>
      const id = String(m.CheckID ?? '')
      if (!id || !path.endsWith(`/${id}/${id}.metadata.json`)) throw new Error(`${path}: CheckID ${JSON.stringify(m.CheckID)} is not the check's folder`)
      if (String(m.Provider ?? '').toLowerCase() !== provider) throw new Error(`${path}: Provider ${JSON.stringify(m.Provider)}, not ${provider}`)
      rows.push({
        check_id: id,
        provider,
        service: String(m.ServiceName ?? ''),
        resource_type: String(m.ResourceType ?? ''),
        severity: String(m.Severity ?? '').toLowerCase(),
        title: String(m.CheckTitle ?? id)
      })
    }
    if (rows.filter((r) => r.provider === provider).length < 50) throw new Error(`${provider}: fewer than 50 checks read at ${tree.commit}; has the tree moved?`)
  }
  const out = writeTable('prowler-checks-gcp-kubernetes.tsv', PROWLER_CHECK_COLUMNS, rows)
  console.log(`${out}: ${rows.length} checks (${PROVIDERS.map((p) => `${p} ${rows.filter((r) => r.provider === p).length}`).join(', ')}) from prowler-cloud/prowler@${tree.commit}`)
}

main()
