// Defender for Cloud and Wiz on the control catalogue: writes
// - playbooks/catalogue/sources/wiz-rules.tsv: every Wiz rule in the real Wiz issue exports under
//   test/fixtures/ingest/real/wiz/, read through Lastmile's own Wiz adapter, so the table holds the
//   rule id the app emits (the CSV's Control ID), with title, resource types and severities seen;
// - playbooks/catalogue/overrides/azure.yaml: the hand decisions of azure-mapping.ts (which
//   Prowler check or Security Hub control each Defender recommendation and Wiz rule is a twin of,
//   and the controls they make of their own), checked against the reference tables and the Wiz table.
//
// Run `npx tsx scripts/catalogue/extract-azure.ts` after adding a Wiz export or a decision; the test
// beside this file fails while either file is stale, and refuses a Wiz rule seen in an export that no
// decision maps (it would land on a per-tool fallback control).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SEVERITY_BY_RANK } from '../../main/case/severity'
import { detectFormat } from '../../main/ingest/detect'
import { readExport, readPlan } from '../../main/ingest/reader'
import { folderCatalogueRows } from '../../main/controls/catalogue'
import { ANCHORS, DEFENDER_AWS, DOCS, NEW_CONTROLS, type AnchorEntry, type DefenderRec } from './azure-mapping'

export const WIZ_EXPORTS = join('test', 'fixtures', 'ingest', 'real', 'wiz')
export const WIZ_TABLE = join('playbooks', 'catalogue', 'sources', 'wiz-rules.tsv')
export const AZURE_OVERRIDES = join('playbooks', 'catalogue', 'overrides', 'azure.yaml')
const PROWLER_CHECKS = join('playbooks', 'catalogue', 'sources', 'prowler-checks.tsv')
const FSBP = join('playbooks', 'catalogue', 'sources', 'securityhub-fsbp-to-prowler.tsv')

/** One Wiz rule as the exports show it. */
export interface WizRule {
  id: string
  title: string
  resourceTypes: string[]
  severities: string[]
  alerts: number
  exports: string[]
}

/**
 * The Wiz rules of the issue exports (CSV `Control ID`, or the title where a row has none, as the
 * adapter emits it). Vulnerability exports are skipped: their rule is a CVE, which no catalogue lists.
 */
export function wizRules(root: string): WizRule[] {
  const dir = join(root, WIZ_EXPORTS)
  const byId = new Map<string, { titles: Map<string, number>; types: Set<string>; severities: Set<string>; alerts: number; exports: Set<string> }>()
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    const detected = detectFormat(path, name)
    if (detected.adapter.format !== 'wiz-issues-csv') continue
    readExport(readPlan(path, name, detected), {
      block() {},
      context() {},
      progress() {},
      alert(a) {
        let r = byId.get(a.ruleId)
        if (!r) byId.set(a.ruleId, (r = { titles: new Map(), types: new Set(), severities: new Set(), alerts: 0, exports: new Set() }))
        r.titles.set(a.title, (r.titles.get(a.title) ?? 0) + 1)
        r.types.add(a.res.type)
        r.severities.add(SEVERITY_BY_RANK[a.severity])
        r.alerts++
        r.exports.add(name)
      }
    })
  }
  return [...byId.entries()]
    .map(([id, r]) => ({
      id,
      // the title most rows give (a test export appends dates to some), the shortest on a tie
      title: [...r.titles.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]))[0][0],
      resourceTypes: [...r.types].sort(),
      severities: SEVERITY_BY_RANK.filter((s) => r.severities.has(s)),
      alerts: r.alerts,
      exports: [...r.exports].sort()
    }))
    .sort((a, b) => a.id.localeCompare(b.id))
}

export function renderWizTable(rules: readonly WizRule[]): string {
  const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ')
  const rows = rules.map((r) => [r.id, clean(r.title), r.resourceTypes.join(','), r.severities.join(','), String(r.alerts), r.exports.join(',')].join('\t'))
  return ['rule_id\ttitle\tresource_types\tseverities\talerts\texports', ...rows].join('\n') + '\n'
}

/** One column of a reference table (tab-separated, header row), as written in sources/. */
function column(root: string, file: string, name: string): string[] {
  const lines = readFileSync(join(root, file), 'utf8').split(/\r?\n/)
  const i = lines[0].split('\t').indexOf(name)
  if (i < 0) throw new Error(`${file}: line 1: no column ${name}`)
  return lines
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t')[i].trim())
}

/** The rules an anchor may name: every Prowler check (prowler:<id>) and FSBP control (securityhub:<id>) of the reference tables. */
export function referenceRules(root: string): Set<string> {
  return new Set([...column(root, PROWLER_CHECKS, 'check_id').map((c) => `prowler:${c}`), ...column(root, FSBP, 'requirement_id').map((c) => `securityhub:${c}`)])
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A YAML scalar in the quotes prettier keeps (single, unless the text holds one). */
function quoted(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "''")}'`
}

/** Prose as `#` lines of at most `width` characters, indented. */
function comment(text: string, indent: string, width = 120): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(`${indent}# ${line}`)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(`${indent}# ${line}`)
  return out
}

/** Checks the decisions and writes them as the overrides file the catalogue generator reads. */
/** The control folders' own Wiz rules (a folder that defines a Wiz control lists it in its playbook.yaml, not in azure-mapping.ts). */
export function folderWizRules(root: string): Array<{ control: string; id: string }> {
  return folderCatalogueRows(join(root, 'playbooks')).flatMap((f) => (f.rules?.wiz ?? []).map((id) => ({ control: f.id, id })))
}

export function renderOverrides(wiz: readonly WizRule[], reference: ReadonlySet<string>, folders: ReadonlyArray<{ control: string; id: string }> = []): string {
  const problems: string[] = []
  const wizById = new Map(wiz.map((r) => [r.id, r]))
  const owner = new Map<string, string>()
  const claim = (tool: string, id: string, by: string): void => {
    const key = `${tool}:${id.toLowerCase()}`
    const prior = owner.get(key)
    if (prior !== undefined) problems.push(`${tool} rule ${id} is mapped to both ${prior} and ${by}`)
    owner.set(key, by)
  }
  for (const f of folders) claim('wiz', f.id, `the control folder ${f.control}`)
  const checkAnchor = (ref: string, where: string): void => {
    if (!reference.has(ref)) problems.push(`${where}: ${ref} is in neither ${PROWLER_CHECKS} nor ${FSBP}`)
  }

  const lines: string[] = [
    "# Defender for Cloud recommendations and Wiz rules on the catalogue's controls. Written by",
    '# scripts/catalogue/extract-azure.ts from the decisions in scripts/catalogue/azure-mapping.ts and the',
    '# Wiz rules of sources/wiz-rules.tsv: edit those and run it, not this file.',
    '#',
    '# defender: the assessment key the Defender adapters emit (portal CSV recommendationName, REST',
    '# assessment name), read from the recommendations reference (each title links to',
    '# .../RecommendationsBlade/assessmentKey/<key>):'
  ]
  for (const page of Object.values(DOCS)) lines.push(`#   ${page}`)
  lines.push('# wiz: the Control ID of Wiz issue exports (see sources/wiz-rules.tsv and sources/SOURCES.md).', '', 'controls:')

  const rules = (defender: readonly DefenderRec[] | undefined, wizIds: readonly string[] | undefined, by: string): string[] => {
    const out: string[] = ['    rules:']
    if (defender?.length) {
      out.push('      defender:')
      for (const r of defender) {
        if (!GUID.test(r.key)) problems.push(`${by}: defender key ${r.key} is not a lower-case GUID`)
        claim('defender', r.key, by)
        out.push(`        - ${r.key} # ${r.title}`)
      }
    }
    if (wizIds?.length) {
      out.push('      wiz:')
      for (const id of wizIds) {
        const seen = wizById.get(id)
        if (!seen) problems.push(`${by}: wiz rule ${id} is in no export of ${WIZ_EXPORTS}`)
        claim('wiz', id, by)
        out.push(`        - ${id} # ${seen?.title ?? '?'}`)
      }
    }
    if (out.length === 1) problems.push(`${by}: maps no Defender or Wiz rule`)
    return out
  }
  const source = (defender: readonly DefenderRec[] | undefined, wizIds: readonly string[] | undefined): string => {
    const parts: string[] = []
    const pages = [...new Set((defender ?? []).map((r) => r.page))]
    if (pages.length) parts.push(`defender: ${pages.map((p) => DOCS[p]).join('; ')}`)
    if (wizIds?.length) parts.push(`wiz: ${WIZ_TABLE.replace(/^playbooks\/catalogue\//, '')} (${[...new Set(wizIds.flatMap((id) => wizById.get(id)?.exports ?? []))].join(', ')})`)
    return `    source: ${quoted(parts.join('; '))}`
  }

  for (const a of ANCHORS) {
    checkAnchor(a.anchor, 'anchor')
    if (a.why) lines.push(...comment(a.why, '  '))
    lines.push(`  - anchor: ${a.anchor}`, ...(a.title ? [`    title: ${quoted(a.title)}`] : []), ...rules(a.defender, a.wiz, a.anchor), source(a.defender, a.wiz))
  }
  // Defender's AWS recommendations, one entry per control they re-evaluate
  const aws = new Map<string, AnchorEntry>()
  for (const { anchor, rec } of DEFENDER_AWS) {
    const e = aws.get(anchor) ?? { anchor, defender: [] }
    e.defender!.push(rec)
    aws.set(anchor, e)
  }
  lines.push(
    ...comment(
      "Defender for Cloud's AWS recommendations (its AWS connector): each re-evaluates a Security Hub control or a CIS AWS requirement; " +
        'the ones whose control is a control folder are left to its owner (see DEFENDER_AWS in azure-mapping.ts).',
      '  '
    )
  )
  for (const a of aws.values()) {
    checkAnchor(a.anchor, 'anchor')
    lines.push(`  - anchor: ${a.anchor}`, ...rules(a.defender, undefined, a.anchor), source(a.defender, undefined))
  }
  const ids = new Set<string>()
  for (const c of NEW_CONTROLS) {
    if (ids.has(c.id)) problems.push(`control ${c.id} is defined twice`)
    ids.add(c.id)
    if (c.why) lines.push(...comment(c.why, '  '))
    lines.push(
      `  - id: ${c.id}`,
      `    title: ${quoted(c.title)}`,
      `    resourceType: ${c.resourceType}`,
      `    severity: ${c.severity}`,
      ...(c.effect ? [`    effect: ${c.effect}`] : []),
      ...rules(c.defender, c.wiz, c.id),
      source(c.defender, c.wiz)
    )
  }
  for (const r of wiz) {
    if (!owner.has(`wiz:${r.id.toLowerCase()}`)) problems.push(`wiz rule ${r.id} (${r.title}, ${r.exports.join(', ')}) is mapped to no control`)
  }
  if (problems.length > 0)
    throw new Error(`${AZURE_OVERRIDES}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in scripts/catalogue/azure-mapping.ts:\n- ${problems.join('\n- ')}`)
  return lines.join('\n') + '\n'
}

if (process.argv[1] && /extract-azure\.ts$/.test(process.argv[1])) {
  const root = process.cwd()
  try {
    const wiz = wizRules(root)
    writeFileSync(join(root, WIZ_TABLE), renderWizTable(wiz))
    writeFileSync(join(root, AZURE_OVERRIDES), renderOverrides(wiz, referenceRules(root), folderWizRules(root)))
    console.log(
      `${WIZ_TABLE}: ${wiz.length} Wiz rules; ${AZURE_OVERRIDES}: ${ANCHORS.length} anchored Azure entries, ${DEFENDER_AWS.length} Defender AWS keys, ${NEW_CONTROLS.length} new controls`
    )
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  }
}
