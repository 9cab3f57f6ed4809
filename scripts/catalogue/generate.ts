// The control catalogue, generated from the field's published mappings (playbooks/catalogue/sources,
// with their provenance in SOURCES.md) and the hand-made decisions beside them
// (playbooks/catalogue/overrides/*.yaml). Run `npm run catalogue` after a newer Prowler or Security
// Hub release lands in sources/; the test beside this file fails while the committed
// catalogue.generated.json is stale.
//
// How a control is found: every Security Hub control and every Prowler check is a node; the
// FSBP <-> Prowler table joins a Security Hub control to the Prowler checks that test the same
// problem. A connected group of nodes is ONE control (a Prowler check named for two Security Hub
// controls makes them one remediation unit, and the catalogue says why). Overrides cut a pair the
// tables join wrongly (`splits`), join what they keep apart (`merges`), and add the rule ids of
// other tools (Checkov, KICS, tfsec, Trivy, Config, Defender, Wiz). A group that touches a control
// FOLDER (playbooks/<id>/, with its own playbook) becomes that control only for the rules an
// `attach` decision lists: a folder's playbook investigates them, so a person decides.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { folderCatalogueRows } from '../../main/controls/catalogue'
import { legacyControlId } from '../../main/ingest/formats/asff'
import { toolTypeName } from '../../main/ingest/resource-id'
import { FIX_EFFECTS, RULE_KINDS, type FixEffect, type RuleKind } from '../../shared/ingest'
import type { Provider } from '../../shared/model'
import { classifyEffect } from './effect-rules'

export const CATALOGUE_DIR = join('playbooks', 'catalogue')
export const GENERATED = join(CATALOGUE_DIR, 'catalogue.generated.json')

/** What main/controls/catalogue.ts accepts as a control id. */
const CONTROL_ID = /^[a-z0-9]+(\.[a-z0-9-]+)+$/
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const
type Severity = (typeof SEVERITIES)[number]

/** One control as the generator writes it. */
export interface GeneratedControl {
  id: string
  /** true: rules added to a control folder's own entry (its title and playbook stay the folder's) */
  extends?: true
  title: string
  resourceType: string | null
  severity: Severity | null
  /** what its fix does to the running system (effect-rules.ts, or an override's effect:); a folder's extension has none */
  effect?: FixEffect
  /** how the effect was decided */
  effectBy?: string
  rules: Record<string, string[]>
  /** alerts this control takes by what they are rather than by rule id (every CVE on a host) */
  match?: Array<{ kind: RuleKind; resourceType?: string; tool?: string }>
  frameworks?: Record<string, string[]>
  /** why several published controls are one here */
  why?: string
  /** the table rows and override files this control comes from */
  source: string[]
}

const ruleRef = z.string().regex(/^(securityhub|prowler):\S+$/, 'a rule is securityhub:<control id> or prowler:<check id>')
const toolRules = z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(z.string().trim().min(1)).min(1))
const overrideFile = z
  .object({
    controls: z
      .array(
        z
          .object({
            anchor: ruleRef.optional(),
            id: z
              .string()
              .regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/)
              .optional(),
            title: z.string().trim().min(1).optional(),
            resourceType: z.string().min(1).optional(),
            severity: z.enum(SEVERITIES).optional(),
            // what the fix does, where the title rules of effect-rules.ts read the title wrong
            effect: z.enum(FIX_EFFECTS as unknown as [FixEffect, ...FixEffect[]]).optional(),
            rules: toolRules.optional(),
            match: z.array(z.object({ kind: z.enum(RULE_KINDS), resourceType: z.string().min(1).optional(), tool: z.string().min(1).optional() }).strict()).optional(),
            source: z.string().trim().min(1)
          })
          .strict()
          .refine((c) => (c.anchor === undefined) !== (c.id === undefined), 'give exactly one of anchor (an existing control) or id (a new one)')
          .refine((c) => c.anchor !== undefined || (c.title && (c.rules || c.match)), 'a new control needs a title and rules or match')
          .refine((c) => c.anchor === undefined || c.match === undefined, 'match is for a new control')
      )
      .optional(),
    splits: z.array(z.object({ rules: z.tuple([ruleRef, ruleRef]), why: z.string().trim().min(10) }).strict()).optional(),
    merges: z.array(z.object({ rules: z.array(ruleRef).min(2), why: z.string().trim().min(10) }).strict()).optional(),
    attach: z.array(z.object({ control: z.string(), rules: z.array(ruleRef).min(1), why: z.string().trim().min(10) }).strict()).optional()
  })
  .strict()
type OverrideFile = z.infer<typeof overrideFile>

interface Table {
  name: string
  rows: Array<Record<string, string>>
}

/** A reference table: tab-separated, a header row, no quoting (the sources are written that way). */
function readTsv(path: string, name: string, required: readonly string[]): Table {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/)
  const header = lines[0].split('\t')
  for (const col of required) if (!header.includes(col)) throw new Error(`${path}: line 1: no column ${col} (has ${header.join(', ')})`)
  const rows: Table['rows'] = []
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return
    const cells = line.split('\t')
    if (cells.length > header.length) throw new Error(`${path}: line ${i + 2}: ${cells.length} cells for ${header.length} columns`)
    rows.push(Object.fromEntries(header.map((h, k) => [h, (cells[k] ?? '').trim()])))
  })
  return { name, rows }
}

function list(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function severityOf(s: string | undefined): Severity | null {
  const v = (s ?? '').toLowerCase()
  return (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : null
}

/** Union-find over rule refs (`securityhub:RDS.2`, `prowler:rds_instance_no_public_access`). */
class Groups {
  private readonly parent = new Map<string, string>()
  add(x: string): void {
    if (!this.parent.has(x)) this.parent.set(x, x)
  }
  find(x: string): string {
    this.add(x)
    let r = x
    while (this.parent.get(r) !== r) r = this.parent.get(r)!
    let y = x
    while (y !== r) {
      const next = this.parent.get(y)!
      this.parent.set(y, r)
      y = next
    }
    return r
  }
  join(a: string, b: string): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb)
  }
  components(): string[][] {
    const by = new Map<string, string[]>()
    for (const x of this.parent.keys()) {
      const r = this.find(x)
      let c = by.get(r)
      if (!c) by.set(r, (c = []))
      c.push(x)
    }
    return [...by.values()].map((c) => c.sort(compareRefs)).sort((a, b) => compareRefs(a[0], b[0]))
  }
}

/** Security Hub ids in their natural order (IAM.2 before IAM.10), then Prowler checks by name. */
function compareRefs(a: string, b: string): number {
  const [ta, ia] = splitRef(a)
  const [tb, ib] = splitRef(b)
  if (ta !== tb) return ta === 'securityhub' ? -1 : 1
  return ia.localeCompare(ib, 'en', { numeric: true })
}

function splitRef(ref: string): [string, string] {
  const i = ref.indexOf(':')
  return [ref.slice(0, i), ref.slice(i + 1)]
}

const PROWLER_COLUMNS = ['provider', 'check_id', 'service', 'resource_type', 'severity', 'title']
/**
 * Which provider's check a Prowler check id names when several providers have a check of that id
 * (`kms_key_rotation_enabled`: GCP, Huawei Cloud, Oracle Cloud). A Prowler export's rule id is the
 * check id alone, so the id is one rule: the reference table's (AWS, Azure) first, then these, then
 * the rest by name. The control says which other providers' checks share the id.
 */
const PROVIDER_ORDER = ['aws', 'azure', 'gcp', 'kubernetes', 'm365', 'github']
function providerRank(p: string): string {
  const i = PROVIDER_ORDER.indexOf(p)
  return i >= 0 ? `0${i}` : `1${p}`
}

interface Inputs {
  fsbp: Table
  prowler: Table
  cis: Array<{ framework: string; table: Table }>
  shControls: Table | null
  legacy: Table | null
  retired: Table | null
  /** Prowler's checks of the providers prowler-checks.tsv does not cover (GCP, Kubernetes, M365, GitHub, …) */
  prowlerOther: Table | null
  /** checks older Prowler releases had, and their successors where Prowler says it renamed them */
  prowlerRetired: Table | null
  overrides: Array<{ file: string; data: OverrideFile }>
}

function readInputs(root: string): Inputs {
  const src = join(root, CATALOGUE_DIR, 'sources')
  const opt = (file: string, cols: string[]): Table | null => (existsSync(join(src, file)) ? readTsv(join(src, file), file, cols) : null)
  const cis = readdirSync(src)
    .map((f) => /^cis-(aws|azure)-([\d.]+)-to-prowler\.tsv$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map((m) => ({ framework: `cis-${m[1]}-${m[2]}`, table: readTsv(join(src, m[0]), m[0], ['requirement_id', 'prowler_checks']) }))
  const dir = join(root, CATALOGUE_DIR, 'overrides')
  const overrides = (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const path = join(dir, f)
      const parsed = overrideFile.safeParse(parse(readFileSync(path, 'utf8')) ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new Error(`${relative(root, path)}: ${issue.path.join('.') || '(top)'}: ${issue.message}`)
      }
      return { file: `overrides/${f}`, data: parsed.data }
    })
  return {
    fsbp: readTsv(join(src, 'securityhub-fsbp-to-prowler.tsv'), 'securityhub-fsbp-to-prowler.tsv', ['requirement_id', 'severity', 'title', 'prowler_checks']),
    prowler: readTsv(join(src, 'prowler-checks.tsv'), 'prowler-checks.tsv', PROWLER_COLUMNS),
    cis,
    shControls: opt('securityhub-controls.tsv', ['control_id', 'title', 'severity', 'config_rule', 'resource_types']),
    legacy: opt('securityhub-legacy-ids.tsv', ['standard', 'generator_id', 'control_id']),
    retired: opt('securityhub-retired.tsv', ['control_id', 'title', 'generator_ids']),
    prowlerOther: opt('prowler-checks-other.tsv', PROWLER_COLUMNS),
    prowlerRetired: opt('prowler-checks-retired.tsv', [...PROWLER_COLUMNS, 'last_release', 'renamed_to', 'renamed_by']),
    overrides
  }
}

interface ShInfo {
  title: string
  severity: Severity | null
  config: string[]
  resourceTypes: string[]
  source: string
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/**
 * The tools' own published rule lists (sources/, extracted by scripts/catalogue/extract-*.ts): a
 * rule no control above covers becomes a control of its own, named in its tool's namespace.
 */
const RULE_LISTS: Array<{
  file: string
  /** the tools that emit these ids (tfsec reports Trivy's checks) */
  tools: string[]
  /** the columns holding the rule's ids, in every form the adapters emit */
  ids: string[]
  id: (r: Record<string, string>) => string
  resourceType?: (r: Record<string, string>) => string | null
  /** what every rule of the list asks for, when its titles do not name a setting */
  effect?: { effect: FixEffect; by: string }
}> = [
  {
    file: 'guardduty-finding-types.tsv',
    tools: ['guardduty'],
    ids: ['rule_id', 'asff_doc_rule_id', 'finding_type'],
    id: (r) => `aws.guardduty.${slug(r.finding_type)}`,
    resourceType: (r) => (r.resource_type ? `aws.${slug(r.resource_type)}` : null),
    effect: { effect: 'restrictive', by: 'a GuardDuty finding type reports activity: its response (credentials revoked, access cut) is no setting to turn on' }
  },
  { file: 'trivy-checks.tsv', tools: ['trivy', 'tfsec'], ids: ['avd_id', 'id', 'legacy_id', 'long_id'], id: (r) => `iac.trivy.${slug(r.id || r.avd_id.replace(/^AVD-/i, ''))}` },
  {
    file: 'trivy-secret-rules.tsv',
    tools: ['trivy'],
    ids: ['id'],
    id: (r) => `secret.trivy.${slug(r.id)}`,
    effect: { effect: 'restrictive', by: 'a secret found in code is rotated: whoever uses it loses access' }
  },
  { file: 'checkov-checks.tsv', tools: ['checkov'], ids: ['id'], id: (r) => `iac.checkov.${slug(r.id)}` },
  { file: 'kics-queries.tsv', tools: ['kics'], ids: ['id'], id: (r) => `iac.kics.${slug(r.id)}` }
]

/** Generate the catalogue; throws with the file and the decision missing when the inputs disagree. */
export function generateCatalogue(root: string): GeneratedControl[] {
  const input = readInputs(root)
  const groups = new Groups()
  const sh = new Map<string, ShInfo>()
  const prowler = new Map<string, Record<string, string>>()
  for (const r of input.prowler.rows) prowler.set(r.check_id, r)
  // the other providers' checks: one rule per check id (see PROVIDER_ORDER); the others sharing it are named
  const sharedId = new Map<string, string[]>() // check id -> "<provider> (<table>)" of the checks that share it
  const otherRows = [...(input.prowlerOther?.rows ?? [])].sort((a, b) => providerRank(a.provider).localeCompare(providerRank(b.provider)))
  for (const r of otherRows) {
    if (['aws', 'azure'].includes(r.provider)) throw new Error(`${input.prowlerOther!.name}: ${r.check_id}: ${r.provider} checks belong in ${input.prowler.name}`)
    const known = prowler.get(r.check_id)
    if (known) {
      sharedId.set(r.check_id, [...(sharedId.get(r.check_id) ?? []), `${r.provider} (${input.prowlerOther!.name})`])
      continue
    }
    prowler.set(r.check_id, { ...r, table: input.prowlerOther!.name })
  }

  // every Security Hub control, its pairs with Prowler checks, and every Prowler check. Security Hub
  // ids compare without case (AWS writes Opensearch.1 where Prowler's table has OpenSearch.1): one
  // spelling, AWS's where its table has the control.
  const spelling = new Map<string, string>()
  const shId = (id: string): string => spelling.get(id.toLowerCase()) ?? id
  for (const r of input.shControls?.rows ?? []) spelling.set(r.control_id.toLowerCase(), r.control_id)
  for (const r of [...input.fsbp.rows.map((x) => ({ id: x.requirement_id })), ...(input.retired?.rows ?? []).map((x) => ({ id: x.control_id }))]) {
    if (!spelling.has(r.id.toLowerCase())) spelling.set(r.id.toLowerCase(), r.id)
  }
  for (const r of input.fsbp.rows) {
    const id = shId(r.requirement_id)
    sh.set(id, { title: r.title, severity: severityOf(r.severity), config: [], resourceTypes: [], source: `${input.fsbp.name} ${r.requirement_id}` })
  }
  for (const r of input.shControls?.rows ?? []) {
    const known = sh.get(r.control_id)
    sh.set(r.control_id, {
      title: r.title || known?.title || r.control_id,
      severity: severityOf(r.severity) ?? known?.severity ?? null,
      config: list(r.config_rule),
      resourceTypes: list(r.resource_types),
      source: [known?.source, `securityhub-controls.tsv ${r.control_id}`].filter(Boolean).join('; ')
    })
  }
  // controls AWS has retired: old exports still carry them
  for (const r of input.retired?.rows ?? []) {
    const id = shId(r.control_id)
    if (!sh.has(id)) sh.set(id, { title: r.title || id, severity: null, config: [], resourceTypes: [], source: `securityhub-retired.tsv ${id}` })
  }
  /** a rule reference with Security Hub's one spelling */
  const norm = (ref: string): string => {
    const [tool, id] = splitRef(ref)
    return tool === 'securityhub' ? `securityhub:${shId(id)}` : ref
  }
  // checks older Prowler releases had (their exports still arrive): nodes of their own, or of their
  // successor's control where Prowler says it renamed them
  const renames: Array<{ from: string; to: string; why: string }> = []
  for (const r of input.prowlerRetired?.rows ?? []) {
    const table = input.prowlerRetired!.name
    if (prowler.has(r.check_id)) {
      sharedId.set(r.check_id, [...(sharedId.get(r.check_id) ?? []), `${r.provider}, until Prowler ${r.last_release} (${table})`])
      continue
    }
    prowler.set(r.check_id, { ...r, table, retired: table })
    if (!r.renamed_to) continue
    const to = prowler.get(r.renamed_to)
    if (!to || to.retired) throw new Error(`${table}: ${r.check_id}: renamed_to ${r.renamed_to} is no current Prowler check`)
    renames.push({
      from: r.check_id,
      to: r.renamed_to,
      why: `Prowler renamed ${r.check_id} (last in Prowler ${r.last_release}) to ${r.renamed_to}: ${r.renamed_by || 'Prowler'} (${table}); exports of either version report the same problem.`
    })
  }
  for (const id of sh.keys()) groups.add(`securityhub:${id}`)
  for (const id of prowler.keys()) groups.add(`prowler:${id}`)

  const splits = new Set<string>()
  const pairKey = (a: string, b: string): string => [a, b].sort().join(' ')
  for (const { file, data } of input.overrides) {
    for (const s of data.splits ?? []) {
      for (const ref of s.rules) requireRef(ref, file)
      splits.add(pairKey(norm(s.rules[0]), norm(s.rules[1])))
    }
  }
  function requireRef(ref: string, file: string): void {
    const [tool, id] = splitRef(norm(ref))
    if (tool === 'securityhub' ? !sh.has(id) : !prowler.has(id)) throw new Error(`${file}: ${ref} is in no source table`)
  }

  const why = new Map<string, string[]>() // component member -> reasons
  for (const r of renames) {
    groups.join(`prowler:${r.from}`, `prowler:${r.to}`)
    why.set(`prowler:${r.from}`, [...(why.get(`prowler:${r.from}`) ?? []), r.why])
  }
  for (const [id, others] of sharedId) {
    const row = prowler.get(id)!
    why.set(`prowler:${id}`, [
      ...(why.get(`prowler:${id}`) ?? []),
      `Prowler's check ${id} is also a check of ${others.join(', ')}: a Prowler export names the check without its provider, so those alerts land on this ${row.provider} control.`
    ])
  }
  for (const r of input.fsbp.rows) {
    for (const check of list(r.prowler_checks)) {
      // a check the mapping names but the check list lacks is an older Prowler's name for it:
      // exports of that version still carry it, so it stays a rule (a merge can join it to its new name)
      if (!prowler.has(check))
        prowler.set(check, { provider: 'aws', check_id: check, service: check.split('_')[0], resource_type: '', severity: '', title: r.title, retired: r.requirement_id })
      const a = `securityhub:${shId(r.requirement_id)}`
      const b = `prowler:${check}`
      if (splits.has(pairKey(a, b))) continue
      groups.join(a, b)
    }
  }
  for (const { file, data } of input.overrides) {
    for (const m of data.merges ?? []) {
      m.rules.forEach((ref) => {
        const [tool, id] = splitRef(ref)
        // a merge may name a check an older Prowler reported (renamed or folded into another since)
        if (tool === 'prowler' && !prowler.has(id) && /renam|older|removed|replaced/i.test(m.why)) {
          prowler.set(id, { provider: 'aws', check_id: id, service: id.split('_')[0], resource_type: '', severity: '', title: id, retired: file })
          groups.add(ref)
        }
        requireRef(ref, file)
      })
      const refs = m.rules.map(norm)
      for (const ref of refs.slice(1)) groups.join(refs[0], ref)
      for (const ref of refs) why.set(ref, [...(why.get(ref) ?? []), `${m.why} (${file})`])
    }
  }

  // the folders: which refs each claims, and what the decisions let each take
  const folderRows = folderCatalogueRows(join(root, 'playbooks'))
  const claimedBy = new Map<string, string>()
  for (const f of folderRows) {
    for (const tool of ['securityhub', 'prowler'] as const) for (const id of f.rules?.[tool] ?? []) claimedBy.set(norm(`${tool}:${id}`), f.id)
  }
  // a check id several providers share resolves to one control: a folder's playbook would investigate the other providers' alerts
  for (const [id, others] of sharedId) {
    const folder = claimedBy.get(`prowler:${id}`)
    if (folder)
      throw new Error(`prowler:${id} is a rule of the control folder ${folder} and also a Prowler check of ${others.join(', ')}: its playbook would investigate those alerts`)
  }
  const attached = new Map<string, { control: string; why: string; file: string }>()
  for (const { file, data } of input.overrides) {
    for (const a of data.attach ?? []) {
      if (!folderRows.some((f) => f.id === a.control)) throw new Error(`${file}: attach names ${a.control}, which is not a control folder`)
      for (const ref of a.rules) {
        requireRef(ref, file)
        attached.set(norm(ref), { control: a.control, why: a.why, file })
      }
    }
  }

  /** a current check before a retired one: a renamed check's control keeps its current name */
  const current = (m: string): boolean => m.startsWith('prowler:') && !prowler.get(splitRef(m)[1])!.retired
  const byRef = new Map<string, GeneratedControl>()
  const out: GeneratedControl[] = []
  const problems: string[] = []
  for (const members of groups.components()) {
    const folders = new Set(members.map((m) => claimedBy.get(m)).filter((x): x is string => x !== undefined))
    if (folders.size > 1) {
      problems.push(`${members.join(', ')} are one control by the tables but touch the folders ${[...folders].join(' and ')}: split them (overrides splits:)`)
      continue
    }
    const folder = [...folders][0]
    let rest = members
    if (folder !== undefined) {
      rest = members.filter((m) => claimedBy.get(m) === undefined && attached.get(m)?.control !== folder)
      if (rest.length > 0) {
        problems.push(
          `${rest.join(', ')} ${rest.length === 1 ? 'is' : 'are'} one control with ${members.filter((m) => claimedBy.has(m)).join(', ')} of the folder ${folder}: attach them to it (its playbook will investigate them) or split them (overrides attach: / splits:)`
        )
        continue
      }
      const extra = members.filter((m) => !claimedBy.has(m))
      const c = build(folder, members, extra)
      c.extends = true
      c.why = [...new Set(extra.map((m) => `${m}: ${attached.get(m)!.why} (${attached.get(m)!.file})`))].join(' ') || undefined
      if (!c.why) delete c.why
      out.push(c)
      for (const m of members) byRef.set(m, c)
      continue
    }
    const id = canonicalId(members)
    if (!CONTROL_ID.test(id)) {
      problems.push(`${members.join(', ')}: ${id} is no control id (lower-case words joined by dots)`)
      continue
    }
    const taken = out.find((o) => o.id === id)
    if (taken) {
      problems.push(`${members.join(', ')} and ${taken.rules.prowler?.[0] ?? taken.rules.securityhub?.[0]} would both be the control ${id}`)
      continue
    }
    const c = build(id, members, members)
    out.push(c)
    for (const m of members) byRef.set(m, c)
  }

  function canonicalId(members: string[]): string {
    const first = members.find((m) => m.startsWith('securityhub:')) ?? members.find(current) ?? members[0]
    const [tool, id] = splitRef(first)
    if (tool === 'securityhub') {
      const [service, n] = id.split('.')
      return `aws.${service.toLowerCase()}.${n}`
    }
    const row = prowler.get(id)!
    const service = row.service
    const rest = id.startsWith(`${service}_`) ? id.slice(service.length + 1) : id
    // Prowler spells a few Kubernetes checks in camel case (core_minimize_hostPID_containers): ids are lower case
    return `${row.provider}.${service.replace(/_/g, '-')}.${rest.replace(/_/g, '-')}`.toLowerCase()
  }

  function build(id: string, members: string[], own: string[]): GeneratedControl {
    const shIds = own.filter((m) => m.startsWith('securityhub:')).map((m) => splitRef(m)[1])
    const checks = own.filter((m) => m.startsWith('prowler:')).map((m) => splitRef(m)[1])
    const rules: Record<string, string[]> = {}
    const add = (tool: string, ids: string[]): void => {
      if (ids.length === 0) return
      rules[tool] = [...new Set([...(rules[tool] ?? []), ...ids])]
    }
    add('securityhub', shIds)
    add(
      'config',
      shIds.flatMap((s) => sh.get(s)!.config)
    )
    add('prowler', checks)
    const firstSh = members.find((m) => m.startsWith('securityhub:'))
    const firstCheck = members.find(current) ?? members.find((m) => m.startsWith('prowler:'))
    const shInfo = firstSh ? sh.get(splitRef(firstSh)[1])! : null
    const check = firstCheck ? prowler.get(splitRef(firstCheck)[1])! : null
    const shType = shInfo?.resourceTypes[0]
    const checkType = check && !['Other', 'NotDefined', ''].includes(check.resource_type) ? check.resource_type : undefined
    const toolType = shType ?? checkType
    const provider = (check?.provider || 'aws') as Provider
    const source = members.map((m) => {
      const [tool, ref] = splitRef(m)
      if (tool === 'securityhub') return sh.get(ref)!.source
      const row = prowler.get(ref)!
      if (!row.retired) return `${row.table ?? input.prowler.name} ${ref}`
      if (row.retired === input.prowlerRetired?.name) return `${row.retired} ${ref} (Prowler ${row.provider}, last in ${row.last_release})`
      return row.retired.startsWith('overrides/')
        ? `${row.retired}: ${ref}, an older Prowler's check`
        : `${input.fsbp.name} ${row.retired} (a check prowler-checks.tsv no longer lists)`
    })
    const c: GeneratedControl = {
      id,
      title: shInfo?.title ?? check?.title ?? id,
      resourceType: toolType ? toolTypeName(provider, toolType) : null,
      severity: shInfo?.severity ?? severityOf(check?.severity),
      rules,
      source
    }
    const shCount = members.filter((m) => m.startsWith('securityhub:')).length
    const reasons = members.flatMap((m) => why.get(m) ?? [])
    if (reasons.length > 0) c.why = [...new Set(reasons)].join(' ')
    else if (shCount > 1) {
      const shared = members.filter((m) => m.startsWith('prowler:')).map((m) => splitRef(m)[1])
      c.why = `Security Hub ${members
        .filter((m) => m.startsWith('securityhub:'))
        .map((m) => splitRef(m)[1])
        .join(
          ' and '
        )} are one control here: the FSBP mapping tests them with the same Prowler check${shared.length > 1 ? 's' : ''} (${shared.join(', ')}), so one fix closes them all.`
    }
    return c
  }

  // legacy (standard-specific) Security Hub ids: rules of the control their consolidated id is in
  // (the id each row's GeneratorId gives is the one the ASFF adapter emits for it: the tail for the
  // standards whose ids are the consolidated ones, the standard-qualified id for CIS and PCI)
  const legacyRows = [
    ...(input.legacy?.rows ?? []).map((r) => ({ generator: r.generator_id, control: r.control_id, file: 'securityhub-legacy-ids.tsv' })),
    ...(input.retired?.rows ?? []).flatMap((r) => list(r.generator_ids).map((g) => ({ generator: g, control: r.control_id, file: 'securityhub-retired.tsv' })))
  ]
  const legacyOwner = new Map<string, string>()
  for (const r of legacyRows) {
    const c = byRef.get(`securityhub:${shId(r.control)}`)
    if (!c) {
      problems.push(`${r.file}: ${r.generator} maps to ${r.control}, which no table lists`)
      continue
    }
    const emitted = legacyControlId(r.generator)
    if (emitted === null) {
      problems.push(`${r.file}: ${r.generator} is no GeneratorId the ASFF adapter reads`)
      continue
    }
    if (emitted.toLowerCase() === r.control.toLowerCase()) continue
    // a standard's own id that is another control's consolidated id cannot name this one too
    if (sh.has(shId(emitted))) continue
    // the current mapping comes first: a retired control's old id that AWS now gives another keeps the current one
    const owner = legacyOwner.get(emitted.toLowerCase())
    if (owner !== undefined && owner !== c.id) {
      if (r.file === 'securityhub-retired.tsv') continue
      problems.push(`${r.file}: ${r.generator} maps to both ${owner} and ${c.id}`)
      continue
    }
    legacyOwner.set(emitted.toLowerCase(), c.id)
    c.rules.securityhub = [...new Set([...(c.rules.securityhub ?? []), emitted])]
  }

  // CIS benchmark ids: the frameworks of the controls their Prowler checks are in
  for (const { framework, table } of input.cis) {
    for (const r of table.rows) {
      for (const check of list(r.prowler_checks)) {
        const c = byRef.get(`prowler:${check}`)
        if (!c) continue
        const f = (c.frameworks ??= {})
        f[framework] = [...new Set([...(f[framework] ?? []), r.requirement_id])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      }
    }
  }

  // the other tools' ids, and new controls, from the hand-made files
  const byId = new Map(out.map((c) => [c.id, c]))
  const effectSet = new Map<string, { effect: FixEffect; file: string }>()
  for (const { file, data } of input.overrides) {
    for (const o of data.controls ?? []) {
      let c: GeneratedControl
      if (o.anchor !== undefined) {
        requireRef(o.anchor, file)
        const found = byRef.get(norm(o.anchor))
        if (!found) {
          problems.push(`${file}: ${o.anchor} is in no control (its group is waiting for a decision above)`)
          continue
        }
        c = found
        if (o.title && !c.extends) c.title = o.title
        if (o.resourceType && !c.extends) c.resourceType = o.resourceType
        if (o.severity && !c.extends) c.severity = o.severity
        if (o.effect && c.extends) problems.push(`${file}: ${o.anchor} is in the control folder ${c.id}, whose playbook.yaml declares its effect`)
      } else {
        if (byId.has(o.id!)) throw new Error(`${file}: control ${o.id} already exists`)
        c = { id: o.id!, title: o.title!, resourceType: o.resourceType ?? null, severity: o.severity ?? null, rules: {}, source: [] }
        if (o.match) c.match = o.match
        out.push(c)
        byId.set(c.id, c)
      }
      for (const [tool, ids] of Object.entries(o.rules ?? {})) c.rules[tool] = [...new Set([...(c.rules[tool] ?? []), ...ids])]
      c.source.push(`${file}: ${o.source}`)
      if (o.effect && !c.extends) {
        const prior = effectSet.get(c.id)
        if (prior && prior.effect !== o.effect) problems.push(`${file}: ${c.id}'s effect is ${o.effect} here and ${prior.effect} in ${prior.file}`)
        effectSet.set(c.id, { effect: o.effect, file })
      }
    }
  }

  // every other published rule no control above covers: a control of its own, as a Prowler-only check is
  const claimed = new Set<string>()
  const claim = (tool: string, id: string): void => {
    claimed.add(`${tool}\u0000${id.toLowerCase()}`)
  }
  for (const c of [...out, ...folderRows]) for (const [tool, ids] of Object.entries(c.rules ?? {})) ids.forEach((id) => claim(tool, id))
  for (const list of RULE_LISTS) {
    const path = join(root, CATALOGUE_DIR, 'sources', list.file)
    if (!existsSync(path)) continue
    const table = readTsv(path, list.file, [...list.ids, 'title'])
    for (const r of table.rows) {
      const ids = [...new Set(list.ids.map((col) => r[col]).filter(Boolean))]
      if (ids.length === 0) continue
      if (list.tools.some((tool) => ids.some((id) => claimed.has(`${tool}\u0000${id.toLowerCase()}`)))) continue
      let id = list.id(r)
      if (byId.has(id)) id = `${id}-${list.tools[0]}`
      if (byId.has(id)) throw new Error(`${list.file}: ${ids[0]}: control id ${id} is taken twice`)
      const c: GeneratedControl = {
        id,
        title: r.title || ids[0],
        resourceType: list.resourceType?.(r) ?? null,
        severity: severityOf(r.severity),
        rules: Object.fromEntries(list.tools.map((tool) => [tool, ids])),
        source: [`${list.file} ${ids[0]}`]
      }
      if (list.effect) effectSet.set(id, { effect: list.effect.effect, file: `${list.file}: ${list.effect.by}` })
      out.push(c)
      byId.set(id, c)
      for (const tool of list.tools) ids.forEach((x) => claim(tool, x))
    }
  }

  // what each fix does: an override's word, else the rule table's reading of the (final) title
  for (const c of out) {
    if (c.extends) continue
    const set = effectSet.get(c.id)
    const e = set ? { effect: set.effect, by: set.file.startsWith('overrides/') ? `set by ${set.file}` : `by source ${set.file}` } : classifyEffect(c.title)
    c.effect = e.effect
    c.effectBy = e.by
  }

  // one rule, one control: a rule two controls list would resolve to whichever the loader reads last
  const ruleOwner = new Map<string, string>()
  for (const c of out) {
    for (const [tool, ids] of Object.entries(c.rules)) {
      for (const id of ids) {
        const key = `${tool}:${id.toLowerCase()}`
        const owner = ruleOwner.get(key)
        if (owner !== undefined && owner !== c.id) problems.push(`${tool} rule ${id} is in both ${owner} and ${c.id}`)
        ruleOwner.set(key, c.id)
      }
    }
  }
  if (problems.length > 0) throw new Error(`the catalogue needs ${problems.length} decision${problems.length === 1 ? '' : 's'}:\n- ${problems.join('\n- ')}`)
  // a folder's extension without any rule beyond the folder's own says nothing
  return out.filter((c) => !c.extends || Object.keys(c.rules).length > 0 || c.frameworks || c.severity).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
}

/** The file's text: one control per line, so a regeneration's diff reads control by control. */
export function renderCatalogue(controls: GeneratedControl[]): string {
  // the effect right after the severity, whatever order the generator filled the fields in
  const ordered = controls.map(({ id, extends: ext, title, resourceType, severity, effect, effectBy, ...rest }) => ({
    id,
    extends: ext,
    title,
    resourceType,
    severity,
    effect,
    effectBy,
    ...rest
  }))
  return `{\n  "generatedBy": "scripts/catalogue/generate.ts (npm run catalogue): do not edit; edit playbooks/catalogue/overrides/ or sources/",\n  "controls": [\n${ordered.map((c) => `    ${JSON.stringify(c)}`).join(',\n')}\n  ]\n}\n`
}

if (process.argv[1] && /generate\.ts$/.test(process.argv[1])) {
  const root = process.cwd()
  try {
    const controls = generateCatalogue(root)
    writeFileSync(join(root, GENERATED), renderCatalogue(controls))
    console.log(`${GENERATED}: ${controls.length} controls`)
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  }
}
