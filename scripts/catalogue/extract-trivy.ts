// Writes playbooks/catalogue/sources/trivy-checks.tsv: every misconfiguration check Trivy ships,
// read from the METADATA block of each check in aquasecurity/trivy-checks (checks/**/*.rego).
//
//   npx tsx scripts/catalogue/extract-trivy.ts <trivy-checks git dir> [commit]
//
// Trivy has named one check three ways over its releases, and its JSON says whichever the
// release had: `AVDID` AVD-AWS-0086 (what the trivy adapter reads first), `ID` AWS-0086 (the
// current id; newer releases leave AVDID empty) and, for Dockerfile and Kubernetes checks, the
// old short id DS001 / KSV011 / KCV0001 as `ID` (Trivy before 0.4x, as in DefectDojo's sample).
// Each is a column, so the catalogue can list every form an export may carry.
import { parse } from 'yaml'
import { args, cell, writeTable } from './rulelists'

export const TRIVY_COLUMNS = ['avd_id', 'id', 'legacy_id', 'long_id', 'provider', 'service', 'severity', 'title'] as const

/** The METADATA annotation blocks of a rego file, parsed (comment markers stripped). */
export function metadataBlocks(rego: string): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = []
  const lines = rego.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '# METADATA') continue
    const body: string[] = []
    for (i++; i < lines.length && lines[i].startsWith('#'); i++) body.push(lines[i].replace(/^# ?/, ''))
    const v: unknown = parse(body.join('\n'))
    if (v && typeof v === 'object') blocks.push(v as Record<string, unknown>)
  }
  return blocks
}

function main(): void {
  const tree = args('extract-trivy.ts', 'aquasecurity/trivy-checks')
  const paths = tree.files('checks').filter((p) => p.endsWith('.rego') && !p.endsWith('_test.rego'))
  const texts = tree.read(paths)
  const rows: Array<Record<string, string>> = []
  let deprecated = 0
  for (const p of paths) {
    const block = metadataBlocks(texts.get(p)!).find((b) => b.custom && typeof b.custom === 'object' && 'id' in (b.custom as object))
    if (!block) continue // a library or helper module, not a check
    const c = block.custom as Record<string, unknown>
    const id = cell(c.id)
    const aliases = Array.isArray(c.aliases) ? c.aliases.map(cell) : []
    const avd = aliases.find((a) => /^AVD-/.test(a)) ?? cell(c.avd_id) ?? ''
    if (!/^[A-Z]+-\d+$/.test(id)) throw new Error(`${p}: custom.id ${JSON.stringify(c.id)} is not of the form AWS-0086`)
    const top = p.split('/')[1] // checks/<cloud|docker|kubernetes>/…
    if (c.deprecated === true) deprecated++
    rows.push({
      avd_id: avd || `AVD-${id}`,
      id,
      legacy_id: aliases.find((a) => /^[A-Z]+\d+$/.test(a)) ?? '',
      long_id: cell(c.long_id) || aliases.find((a) => a.includes('-') && !/^AVD-/.test(a) && /^[a-z]/.test(a)) || '',
      provider: cell(c.provider) || (top === 'docker' ? 'dockerfile' : top),
      service: cell(c.service),
      severity: cell(c.severity).toLowerCase(),
      title: cell(block.title)
    })
  }
  if (rows.length < 400) throw new Error(`${tree.repo}@${tree.commit}: only ${rows.length} checks read; has checks/ moved?`)
  const file = writeTable('trivy-checks.tsv', TRIVY_COLUMNS, rows)
  console.log(`${file}: ${rows.length} checks (${deprecated} marked deprecated) from ${tree.repo}@${tree.commit}`)
}

if (require.main === module) main()
