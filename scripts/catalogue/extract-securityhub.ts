/**
 * Extracts the Security Hub (CSPM) reference tables the catalogue generator reads, from mirrored
 * public sources (never typed row by row):
 *
 *   securityhub-controls.tsv    every current control
 *   securityhub-legacy-ids.tsv  standard-specific ids -> security control id (current controls)
 *   securityhub-retired.tsv     controls the docs once had and the current reference no longer lists, with their legacy ids
 *
 * into playbooks/catalogue/sources/ (SOURCES.md).
 *
 * Usage:
 *   npx tsx scripts/catalogue/extract-securityhub.ts <aws-security-hub-user-guide> <security-hub-controls> <securityhub-controls-export> [--out <dir>]
 *
 * Each source is `<path>[@<rev>][:<subdir>]`: a git checkout or mirror (read with `git show <rev>:<file>`,
 * rev defaults to the pinned commit below) or, without @rev, a plain directory of files.
 *   1. awsdocs/aws-security-hub-user-guide: the user guide as Markdown (doc_source/*.md). Its per-service
 *      control pages (`<service>-controls.md`) give each control's AWS Config rule and resource types, and
 *      asff-changes-consolidation.md the GeneratorId of every standard-specific control (before/after
 *      consolidated control findings). A newer copy in the same Markdown layout (e.g. a crawl of
 *      docs.aws.amazon.com/securityhub/latest/userguide/*.md) parses the same way.
 *   2. iainelder/security-hub-controls: security-hub-controls.jsonl, a daily scrape of the controls
 *      reference table (id, title, applicable standards, severity) — the list of CURRENT controls.
 *   3. SooJongKim2/securityhub-controls-export: securityhub_controls_sample.csv, the Security Hub API's control
 *      definitions joined with each control's documentation page ("Resource type", "AWS Config rule"). Newer
 *      than (1): a control's Config rule and resource types come from here first, from (1) otherwise.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Pinned source commits (SOURCES.md records the same). */
export const PINNED = {
  userGuide: { rev: 'bda5bf7ddbdf498557b2ac6a538577528004e6d5', subdir: 'doc_source' },
  controls: { rev: 'a0fcd0888c98067e3bb986b45b16b6370083b4a7', subdir: '' },
  export: { rev: '6c07ebf07da30b0c1f626f01d07b91f7f1df32af', subdir: '' }
}

export const CONTROL_ID = /^[A-Za-z0-9]+\.\d+$/

/**
 * Controls whose resource types the user guide copy and the export disagree on (the export's crawler takes the first
 * <code> after "Resource type:" — a later control's when the line is written differently). Each was read in the
 * CURRENT user guide page as stored by github.com/c2hans/aws-docs (docs/securityhub/latest/userguide/<page>, commit
 * given) and is taken from there. A new disagreement stops the script until it is looked up the same way.
 */
/**
 * Facts read in the CURRENT user guide page because the sources above get them wrong. The export's crawler takes the
 * first <code> after "Resource type:" and the next "AWS Config rule:" paragraph after the control's heading — a later
 * control's when the control's own line is written differently; the 2023 user guide has a few since corrected.
 * Every disagreement between the export and the user guide copy must be settled here (the script stops on a new one);
 * export-only errors found by spot checks are here too. Pages: docs/securityhub/latest/userguide/<page> as stored by
 * github.com/c2hans/aws-docs (c2) and github.com/crowecawcaw/aws-docs-history (cc), read through the search index.
 */
const C2_EC2 = 'ec2-controls.md@c2hans/aws-docs@63cf41d661d66ec83c0b669091773802db5b9e31'
export const TYPE_CONFLICTS: Record<string, { types: string[]; checked: string }> = {
  'EC2.20': { types: ['AWS::EC2::VPNConnection'], checked: C2_EC2 },
  'EC2.21': { types: ['AWS::EC2::NetworkAcl'], checked: C2_EC2 },
  'EC2.22': { types: ['AWS::EC2::NetworkInterface', 'AWS::EC2::SecurityGroup'], checked: C2_EC2 },
  'EC2.23': { types: ['AWS::EC2::TransitGateway'], checked: C2_EC2 },
  'EC2.24': { types: ['AWS::EC2::Instance'], checked: C2_EC2 },
  'EC2.25': { types: ['AWS::EC2::LaunchTemplate'], checked: C2_EC2 },
  'RDS.11': { types: ['AWS::RDS::DBInstance'], checked: 'rds-controls.md@c2hans/aws-docs@5605cb0e21b90649e1488d84f07f5eaae884904e' },
  // the page says "Evaluated resource: AWS::EC2::Instance" (no "Resource type" line: the export took SSM.2's)
  'SSM.1': { types: ['AWS::EC2::Instance'], checked: 'ssm-controls.md@c2hans/aws-docs@9a3d9b4027a3cf817aa962967024a384f63fa075' },
  // export-only, spot-checked: a neighbour's type, and the first of a bulleted list
  'DynamoDB.7': { types: ['AWS::DAX::Cluster'], checked: 'dynamodb-controls.md@crowecawcaw/aws-docs-history@9e15ffd10c288020c101559e0fec26c01fa7b7bf' },
  'KMS.2': { types: ['AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::User'], checked: 'kms-controls.md@crowecawcaw/aws-docs-history@9e15ffd10c288020c101559e0fec26c01fa7b7bf' }
}

export const RULE_CHECKED: Record<string, { rule: string; checked: string }> = {
  // the export gives it AppRunner.1's rule
  'AppRunner.2': { rule: 'apprunner-vpc-connector-tagged', checked: 'apprunner-controls.md@c2hans/aws-docs@9a3d9b4027a3cf817aa962967024a384f63fa075' }
}

// ---------------------------------------------------------------------------------------------
// reading a source

export interface Source {
  list(): string[]
  read(file: string): string
  describe: string
}

export function openSource(spec: string, pinned: { rev: string; subdir: string }): Source {
  const m = /^(.*?)(?:@([^:]+))?(?::(.*))?$/.exec(spec)
  if (!m) throw new Error(`${spec}: not <path>[@<rev>][:<subdir>]`)
  const path = resolve(m[1])
  if (!existsSync(path)) throw new Error(`${spec}: no such path`)
  const isGit = existsSync(join(path, 'HEAD')) || existsSync(join(path, '.git'))
  const subdir = m[3] ?? (isGit ? pinned.subdir : '')
  if (isGit || m[2]) {
    const rev = m[2] ?? pinned.rev
    const prefix = subdir ? `${subdir.replace(/\/$/, '')}/` : ''
    const git = (...args: string[]): string => execFileSync('git', ['-C', path, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    const commit = git('rev-parse', `${rev}^{commit}`).trim()
    return {
      describe: `${path}@${commit}${prefix ? `:${prefix}` : ''}`,
      list: () =>
        git('ls-tree', '--name-only', commit, prefix || '.')
          .split('\n')
          .filter(Boolean)
          .map((f) => f.slice(prefix.length)),
      read: (file) => git('show', `${commit}:${prefix}${file}`)
    }
  }
  const dir = join(path, subdir)
  if (!statSync(dir).isDirectory()) throw new Error(`${spec}: ${dir} is not a directory`)
  return { describe: dir, list: () => readdirSync(dir), read: (file) => readFileSync(join(dir, file), 'utf8') }
}

// ---------------------------------------------------------------------------------------------
// standards

export interface Standard {
  /** short form used in the tables */
  key: string
  /** how the controls reference names it */
  name: RegExp
  /** GeneratorId prefix (normalised: no arn:aws:securityhub:::ruleset|standards/, no /rule/) when consolidated control findings is OFF */
  generator?: string
  /** the GeneratorId tail is the security control id itself (so the table can list every member) */
  tailIsControlId?: boolean
}

export const STANDARDS: Standard[] = [
  { key: 'fsbp', name: /AWS Foundational Security Best Practices(?: v1\.0\.0)?/, generator: 'aws-foundational-security-best-practices/v/1.0.0/', tailIsControlId: true },
  { key: 'cis-aws-1.2', name: /CIS AWS Foundations Benchmark v1\.2\.0/, generator: 'cis-aws-foundations-benchmark/v/1.2.0/' },
  { key: 'cis-aws-1.4', name: /CIS AWS Foundations Benchmark v1\.4\.0/, generator: 'cis-aws-foundations-benchmark/v/1.4.0/' },
  { key: 'cis-aws-3.0', name: /CIS AWS Foundations Benchmark v3\.0\.0/, generator: 'cis-aws-foundations-benchmark/v/3.0.0/' },
  { key: 'cis-aws-5.0', name: /CIS AWS Foundations Benchmark v5\.0\.0/, generator: 'cis-aws-foundations-benchmark/v/5.0.0/' },
  { key: 'nist-800-53-r5', name: /NIST SP 800-53 Rev\. 5/, generator: 'nist-800-53/v/5.0.0/', tailIsControlId: true },
  { key: 'nist-800-171-r2', name: /NIST SP 800-171 Rev\. 2/, generator: 'nist-800-171/v/2.0.0/', tailIsControlId: true },
  { key: 'pci-dss-3.2.1', name: /PCI DSS v3\.2\.1/, generator: 'pci-dss/v/3.2.1/' },
  // the GeneratorId form for PCI DSS v4.0.1 is not shown in the docs we read: no legacy rows for it
  { key: 'pci-dss-4.0.1', name: /PCI DSS v4\.0\.1/ },
  // the tagging standard's findings carry security-control/<id> even with consolidation off (sample-control-findings)
  { key: 'tagging', name: /AWS Resource Tagging Standard/ },
  { key: 'control-tower', name: /Service-Managed Standard: AWS Control Tower/, generator: 'service-managed-aws-control-tower/v/1.0.0/', tailIsControlId: true }
]

/** "CIS AWS Foundations Benchmark v1.4.0, AWS Foundational …" (the scrape's list, however split) -> short keys. */
export function parseStandards(names: string[], where: string): string[] {
  let rest = names.join(', ')
  const keys: string[] = []
  for (const s of STANDARDS) {
    const re = new RegExp(s.name.source, 'g')
    if (re.test(rest)) {
      keys.push(s.key)
      rest = rest.replace(re, ' ')
    }
  }
  if (rest.replace(/[\s,]+/g, '') !== '') throw new Error(`${where}: unknown standard in ${JSON.stringify(names)} (left: ${JSON.stringify(rest.trim())})`)
  return keys
}

/** The ASFF adapter's form of a GeneratorId: arn prefix stripped, /rule/ -> /. */
export function normaliseGeneratorId(g: string): string {
  return g
    .trim()
    .replace(/^arn:aws[a-z-]*:securityhub:::(?:ruleset|standards)\//, '')
    .replace(/\/rule\//, '/')
}

// ---------------------------------------------------------------------------------------------
// resource types: CloudFormation/Config type (as the docs give it) -> ASFF Resources[].Type

const ASFF_SERVICE: Record<string, string> = {
  ACM: 'CertificateManager',
  CertificateManager: 'CertificateManager',
  ElasticLoadBalancing: 'Elb',
  ElasticLoadBalancingV2: 'Elbv2',
  Elasticsearch: 'Elasticsearch',
  OpenSearch: 'OpenSearchService',
  OpenSearchService: 'OpenSearchService',
  WAF: 'Waf',
  WAFRegional: 'WafRegional',
  WAFv2: 'Wafv2',
  WAFV2: 'Wafv2',
  StepFunctions: 'StepFunction',
  AmazonMQ: 'AmazonMq'
}

/** "DBClusterSnapshot" -> "DbClusterSnapshot", "VPNConnection" -> "VpnConnection", "EC2" -> "Ec2". */
export function pascalAcronyms(s: string): string {
  return s.replace(/[A-Z]{2,}/g, (run, at: number) => {
    const next = s[at + run.length] ?? ''
    const acronym = /[a-z]/.test(next) ? run.slice(0, -1) : run
    const tail = run.slice(acronym.length)
    return acronym[0] + acronym.slice(1).toLowerCase() + tail
  })
}

/** `AWS::RDS::DBInstance` -> AwsRdsDbInstance; the account forms -> AwsAccount. */
export function asffType(cfn: string): string {
  const t = cfn.trim()
  if (/^AWS::::Account$/.test(t) || /^AWS account$/i.test(t)) return 'AwsAccount'
  // S3.1's account-level Block Public Access setting: Security Hub reports it against the account
  if (t === 'AWS::S3::Account' || t === 'AWS::S3::AccountPublicAccessBlock') return 'AwsAccount'
  const m = /^AWS::([A-Za-z0-9]+)::([A-Za-z0-9]+)$/.exec(t)
  if (!m) throw new Error(`resource type ${JSON.stringify(cfn)}: not AWS::<Service>::<Resource>`)
  return `Aws${ASFF_SERVICE[m[1]] ?? pascalAcronyms(m[1])}${pascalAcronyms(m[2])}`
}

// ---------------------------------------------------------------------------------------------
// parsing the user guide

/** Markdown backslash escapes (`\.`, `\-`, `\(`) removed. */
export function unescapeMd(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!<>|"'])/g, '$1')
}

export interface DocControl {
  id: string
  title: string
  severity: string
  configRule: string
  /** the rule is one Security Hub made (custom), not an AWS Config managed rule */
  custom: boolean
  cfnTypes: string[]
  page: string
}

/** Every `## [Svc.N] Title` section of a `<service>-controls.md` page. */
export function parseControlsPage(page: string, markdown: string): DocControl[] {
  const text = unescapeMd(markdown)
  const heads = [...text.matchAll(/^## \[([A-Za-z0-9]+\.\d+)\] (.+?)(?:<a name="[^"]*"><\/a>)?[ \t]*$/gm)]
  return heads.map((h, i) => {
    const body = text.slice(h.index! + h[0].length, i + 1 < heads.length ? heads[i + 1].index : text.length)
    const where = `${page} [${h[1]}]`
    const severity = /\*\*\s*Severity\s*:\s*\*\*\s*([A-Za-z]+)/i.exec(body)?.[1]?.toLowerCase() ?? ''
    const line = /\*\*\s*AWS Config\s*rules?\s*:\s*\*\*(.*)/i.exec(body)?.[1]?.trim() ?? ''
    return { id: h[1], title: h[2].trim(), severity, configRule: configRule(line, where), custom: isCustomRule(line), cfnTypes: resourceTypes(body, where), page }
  })
}

function isCustomRule(line: string): boolean {
  return /custom (Security Hub )?rule|rule developed by Security Hub/i.test(line)
}

function configRule(line: string, where: string): string {
  if (line === '' || /^None\b/i.test(line)) return ''
  const tick = /`([a-z0-9][a-z0-9-]*)`/.exec(line)
  if (tick) return tick[1]
  const url = /\/developerguide\/([a-z0-9][a-z0-9-]*)(?:\.html)?[)\]#]/.exec(line)
  if (url) return url[1]
  throw new Error(`${where}: cannot read the AWS Config rule line ${JSON.stringify(line)}`)
}

function resourceTypes(body: string, where: string): string[] {
  const line = /\*\*\s*Resource types?\s*:\s*\*\*(.*)/i.exec(body)?.[1]?.trim()
  if (!line) return []
  const found = new Set<string>()
  for (const m of line.matchAll(/AWS::[A-Za-z0-9]*:{1,2}[A-Za-z0-9]+/g)) found.add(m[0].replace(/^AWS::([A-Za-z0-9]+):([A-Za-z0-9]+)$/, 'AWS::$1::$2'))
  if (/\bAWS account\b/i.test(line.replace(/`[^`]*`/g, ''))) found.add('AWS::::Account')
  if (found.size === 0) throw new Error(`${where}: cannot read the resource type line ${JSON.stringify(line)}`)
  return [...found]
}

export interface GeneratorRow {
  before: string
  controlId: string
}

/** The "Generator IDs before and after turning on consolidated control findings" table. */
export function parseGeneratorTable(markdown: string): GeneratorRow[] {
  const text = unescapeMd(markdown)
  const start = text.search(/^## Generator IDs before and after/m)
  if (start < 0) throw new Error('asff-changes-consolidation.md: no "Generator IDs before and after" section')
  const end = text.indexOf('\n## ', start + 3)
  const section = text.slice(start, end < 0 ? undefined : end)
  const rows: GeneratorRow[] = []
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 4) continue
    const after = /^security-control\/([A-Za-z0-9]+\.\d+)$/.exec(cells[2])
    if (!after) continue
    rows.push({ before: cells[1], controlId: after[1] })
  }
  if (rows.length === 0) throw new Error('asff-changes-consolidation.md: the generator id table has no rows')
  return rows
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes doubled, newlines). */
export function parseCsv(text: string, where: string): Record<string, string>[] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const src = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (quoted) throw new Error(`${where}: a quoted field never ends`)
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '')
  return body.map((r, i) => {
    if (r.length !== header.length) throw new Error(`${where}: record ${i + 2} has ${r.length} fields, the header ${header.length}`)
    return Object.fromEntries(header.map((h, j) => [h, r[j]]))
  })
}

/** The controls export: id -> Config rule and resource types (as its documentation crawl found them). */
export function parseControlsExport(text: string, where: string): DocControl[] {
  return parseCsv(text, where).map((r, i) => {
    const at = `${where} record ${i + 2}`
    const id = r['Security Control ID']
    if (!id || !CONTROL_ID.test(id)) throw new Error(`${at}: bad Security Control ID ${JSON.stringify(id)}`)
    const rule = (r['AWS Config rule'] ?? '').trim()
    const name = rule.replace(/\s*\((?:custom Security Hub rule|Custom rule developed by Security Hub)\)\s*$/i, '').trim()
    let configRule = ''
    if (name && !/^None$/i.test(name)) {
      // one entry spells the rule with a space for a hyphen ("ivs-recording configuration-tagged")
      configRule = name.replace(/\s+/g, '-')
      if (!/^[a-z0-9][a-z0-9-]*$/.test(configRule)) throw new Error(`${at} ${id}: cannot read the AWS Config rule ${JSON.stringify(rule)}`)
    }
    const types = (r['Resource type'] ?? '')
      .split(/,\s*/)
      .map((t) => t.trim())
      .filter(Boolean)
    for (const t of types) if (!/^AWS::[A-Za-z0-9]*::[A-Za-z0-9]+$/.test(t)) throw new Error(`${at} ${id}: resource type ${JSON.stringify(t)}`)
    return { id, title: clean(r.Title ?? ''), severity: (r['Severity Rating'] ?? '').toLowerCase(), configRule, custom: isCustomRule(rule), cfnTypes: types, page: 'export' }
  })
}

/** Security control id -> title, from the "How consolidation impacts control IDs and titles" table. */
export function parseIdsTitlesTable(markdown: string): Map<string, string> {
  const text = unescapeMd(markdown)
  const start = text.search(/^## How consolidation impacts control IDs and titles/m)
  const titles = new Map<string, string>()
  if (start < 0) return titles
  const end = text.indexOf('\n## ', start + 3)
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const id = /^\[([A-Za-z0-9]+\.\d+)\]/.exec(cells[4] ?? '')
    if (id && cells[5]) titles.set(id[1], clean(cells[5]))
  }
  return titles
}

// ---------------------------------------------------------------------------------------------
// the current controls (scrape of the controls reference)

export interface CurrentControl {
  id: string
  title: string
  severity: string
  standards: string[]
}

export function parseControlsJsonl(text: string, where: string): CurrentControl[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const at = `${where}:${i + 1}`
      let d: { Id?: unknown; Title?: unknown; ApplicableStandards?: unknown; Severity?: unknown }
      try {
        d = JSON.parse(line)
      } catch (e) {
        throw new Error(`${at}: not JSON (${(e as Error).message})`, { cause: e })
      }
      if (typeof d.Id !== 'string' || !CONTROL_ID.test(d.Id)) throw new Error(`${at}: bad Id ${JSON.stringify(d.Id)}`)
      if (typeof d.Title !== 'string' || !d.Title.trim()) throw new Error(`${at}: ${d.Id} has no Title`)
      if (typeof d.Severity !== 'string' || !/^(LOW|MEDIUM|HIGH|CRITICAL|INFORMATIONAL)$/.test(d.Severity))
        throw new Error(`${at}: ${d.Id} has severity ${JSON.stringify(d.Severity)}`)
      if (!Array.isArray(d.ApplicableStandards) || d.ApplicableStandards.some((s) => typeof s !== 'string')) throw new Error(`${at}: ${d.Id} has no ApplicableStandards list`)
      return { id: d.Id, title: clean(d.Title), severity: d.Severity.toLowerCase(), standards: parseStandards(d.ApplicableStandards as string[], `${at} ${d.Id}`) }
    })
}

function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

function cell(s: string): string {
  if (/[\t\n]/.test(s)) throw new Error(`a table cell holds a tab or newline: ${JSON.stringify(s)}`)
  return s
}

// ---------------------------------------------------------------------------------------------
// building the tables

export interface Tables {
  controls: string
  legacy: string
  retired: string
  notes: string[]
}

export const EXPORT_FILE = 'securityhub_controls_sample.csv'

export function buildTables(userGuide: Source, controlsSrc: Source, exportSrc: Source): Tables {
  const notes: string[] = []
  const current = parseControlsJsonl(controlsSrc.read('security-hub-controls.jsonl'), 'security-hub-controls.jsonl')
  const byId = new Map<string, CurrentControl>()
  for (const c of current) {
    if (byId.has(c.id)) throw new Error(`security-hub-controls.jsonl: ${c.id} twice`)
    byId.set(c.id, c)
  }

  const pages = userGuide
    .list()
    .filter((f) => /^[a-z0-9]+-controls\.md$/.test(f))
    .sort()
  const docs = new Map<string, DocControl>()
  for (const page of pages) {
    for (const c of parseControlsPage(page, userGuide.read(page))) {
      if (docs.has(c.id)) throw new Error(`${page}: ${c.id} also on ${docs.get(c.id)!.page}`)
      docs.set(c.id, c)
    }
  }
  if (docs.size === 0) throw new Error(`${userGuide.describe}: no <service>-controls.md page with controls`)

  const exported = new Map<string, DocControl>()
  for (const c of parseControlsExport(exportSrc.read(EXPORT_FILE), EXPORT_FILE)) {
    if (exported.has(c.id)) throw new Error(`${EXPORT_FILE}: ${c.id} twice`)
    exported.set(c.id, c)
  }
  // Where both know a control: the export's Config rule is read from the rule's own line (newer, taken); its
  // resource type is the FIRST <code> after "Resource type:" (its crawler's find_next), so it is one type only and,
  // when that line has none, a later control's: the user guide's full line is taken where it has one.
  const typeConflicts: string[] = []
  const ruleChanges: string[] = []
  for (const [id, e] of exported) {
    const d = docs.get(id)
    if (!d || !byId.has(id)) continue
    if (d.configRule !== e.configRule) ruleChanges.push(`${id} ${d.configRule || '-'} -> ${e.configRule || '-'}`)
    const guide = new Set(d.cfnTypes.map(asffType))
    if (guide.size && e.cfnTypes.length && !e.cfnTypes.some((t) => guide.has(asffType(t)))) typeConflicts.push(id)
  }
  const unresolved = typeConflicts.filter((id) => !TYPE_CONFLICTS[id])
  if (unresolved.length)
    throw new Error(
      `resource types disagree between the user guide copy and the export for ${unresolved
        .map((id) => `${id} (guide ${docs.get(id)!.cfnTypes.join('+')}, export ${exported.get(id)!.cfnTypes.join('+')})`)
        .join(', ')}: read them in the current user guide and add them to TYPE_CONFLICTS`
    )
  notes.push(`Config rule, user guide -> export (export taken), ${ruleChanges.length}: ${ruleChanges.join('; ')}`)
  notes.push(`resource types where the export's one type is not among the user guide's (taken from TYPE_CONFLICTS), ${typeConflicts.length}: ${typeConflicts.join(', ')}`)

  const order = (a: string, b: string): number => {
    const [sa, na] = a.split('.')
    const [sb, nb] = b.split('.')
    return sa.toLowerCase() < sb.toLowerCase() ? -1 : sa.toLowerCase() > sb.toLowerCase() ? 1 : Number(na) - Number(nb)
  }

  const controlRows = [...byId.values()]
    .sort((a, b) => order(a.id, b.id))
    .map((c) => {
      const e = exported.get(c.id)
      const d = docs.get(c.id)
      const fixed = RULE_CHECKED[c.id]
      const ruleFrom = fixed ? { ...(e ?? d)!, configRule: fixed.rule, page: `checked/${fixed.checked.replace(/@.*/, '')}` } : (e ?? d)
      const checked = TYPE_CONFLICTS[c.id]
      const typesFrom = checked ? undefined : d && d.cfnTypes.length ? d : e && e.cfnTypes.length ? e : undefined
      const cfn = checked?.types ?? typesFrom?.cfnTypes ?? []
      const asff = [...new Set(cfn.map(asffType))]
      const src = (x: DocControl | undefined): string => (!x ? '' : x === e ? 'export' : x.page.startsWith('checked/') ? x.page : `user-guide/${x.page}`)
      const typesSrc = checked ? `checked/${checked.checked.replace(/@.*/, '')}` : src(typesFrom)
      const from = ruleFrom || typesSrc ? `rule:${src(ruleFrom)} types:${typesSrc}` : ''
      return [
        c.id,
        c.title,
        c.severity,
        ruleFrom?.configRule ?? '',
        asff.join(','),
        c.standards.join(','),
        cfn.join(','),
        ruleFrom?.custom && ruleFrom.configRule ? 'yes' : '',
        from
      ]
    })
  // A Config rule several controls use (with different parameters: iam-password-policy for IAM.7 and IAM.10-17) names
  // none of them: it moves to config_rule_shared, and config_rule keeps only rules that tell one control.
  const ruleUse = new Map<string, string[]>()
  for (const r of controlRows) if (r[3]) ruleUse.set(r[3], [...(ruleUse.get(r[3]) ?? []), r[0]])
  for (const r of controlRows) {
    const shared = r[3] && ruleUse.get(r[3])!.length > 1
    r.push(shared ? r[3] : '')
    if (shared) r[3] = ''
  }
  notes.push(
    `Config rules several controls share (config_rule_shared): ${[...ruleUse]
      .filter(([, ids]) => ids.length > 1)
      .map(([rule, ids]) => `${rule} (${ids.join(', ')})`)
      .join('; ')}`
  )

  // the derived ASFF names against the resource-details objects the same user guide documents
  const documented = new Map<string, string>()
  for (const f of userGuide.list().filter((x) => /^asff-resourcedetails-.*\.md$/.test(x)))
    for (const m of unescapeMd(userGuide.read(f)).matchAll(/^#+ (Aws[A-Za-z0-9]+)/gm)) documented.set(m[1].toLowerCase(), m[1])
  const undocumented = [...new Set(controlRows.flatMap((r) => r[4].split(',').filter(Boolean)))].filter((t) => documented.get(t.toLowerCase()) !== t).sort()
  notes.push(
    `resource types not spelled so among the user guide's ASFF resource details (derived by rule): ${undocumented.map((t) => (documented.has(t.toLowerCase()) ? `${t} (docs: ${documented.get(t.toLowerCase())})` : t)).join(', ')}`
  )
  const count = (re: RegExp): number => controlRows.filter((r) => re.test(r[8])).length
  notes.push(
    `${controlRows.length} current controls; rule from the export ${count(/rule:export/)}, from the user guide ${count(/rule:user-guide/)}; types from the user guide ${count(/types:user-guide/)}, from the export ${count(/types:export/)}; neither for ${controlRows.filter((r) => !r[8]).length}: ${controlRows
      .filter((r) => !r[8])
      .map((r) => r[0])
      .join(', ')}`
  )

  // retired: documented once, no longer in the current reference
  const consolidation = userGuide.read('asff-changes-consolidation.md')
  const generator = parseGeneratorTable(consolidation)
  const titles = parseIdsTitlesTable(consolidation)
  const retired = new Map<string, string>()
  for (const d of docs.values()) if (!byId.has(d.id)) retired.set(d.id, d.title)
  for (const e of exported.values()) if (!byId.has(e.id) && !retired.has(e.id)) retired.set(e.id, e.title)
  for (const g of generator) if (!byId.has(g.controlId) && !retired.has(g.controlId)) retired.set(g.controlId, titles.get(g.controlId) ?? '')
  // legacy ids
  const legacy = new Map<string, string[]>()
  const add = (standard: string, tail: string, gen: string, controlId: string): void => {
    const key = `${gen.toLowerCase()}\t${controlId}`
    if (!legacy.has(key)) legacy.set(key, [standard, tail, gen, controlId])
  }
  for (const g of generator) {
    const gen = normaliseGeneratorId(g.before)
    const s = STANDARDS.find((st) => st.generator && gen.startsWith(st.generator))
    if (!s) throw new Error(`asff-changes-consolidation.md: generator id ${g.before} of no known standard`)
    const tail = gen.slice(s.generator!.length)
    if (!tail) throw new Error(`asff-changes-consolidation.md: generator id ${g.before} has no control part`)
    add(s.key, tail, gen, g.controlId)
  }
  for (const c of byId.values())
    for (const key of c.standards) {
      const s = STANDARDS.find((st) => st.key === key)!
      if (s.tailIsControlId && s.generator) add(s.key, c.id, `${s.generator}${c.id}`, c.id)
    }
  const sorted = [...legacy.values()].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[2] !== b[2] ? (a[2] < b[2] ? -1 : 1) : order(a[3], b[3])))
  // a legacy id of a retired control stays with that control in the retired table: the legacy table names current ones only
  const legacyRows = sorted.filter((r) => byId.has(r[3]))
  const retiredGenerators = new Map<string, string[]>()
  for (const r of sorted.filter((x) => !byId.has(x[3]))) retiredGenerators.set(r[3], [...(retiredGenerators.get(r[3]) ?? []), r[2]])
  const retiredRows = [...retired.entries()]
    .sort((a, b) => order(a[0], b[0]))
    .map(([id, title]) => [
      id,
      title,
      docs.get(id) ? `user-guide:${docs.get(id)!.page}` : exported.has(id) ? `export:${EXPORT_FILE}` : 'user-guide:asff-changes-consolidation.md',
      (retiredGenerators.get(id) ?? []).join(',')
    ])
  const perStandard = new Map<string, number>()
  for (const r of legacyRows) perStandard.set(r[0], (perStandard.get(r[0]) ?? 0) + 1)
  notes.push(`legacy ids per standard: ${[...perStandard.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  notes.push(`${retiredRows.length} retired controls (in the user guide copy or the export, not in the current reference): ${retiredRows.map((r) => r[0]).join(', ')}`)

  const tsv = (header: string[], rows: string[][]): string => [header, ...rows].map((r) => r.map(cell).join('\t')).join('\n') + '\n'
  return {
    controls: tsv(
      ['control_id', 'title', 'severity', 'config_rule', 'resource_types', 'standards', 'config_resource_types', 'config_rule_custom', 'details_from', 'config_rule_shared'],
      controlRows
    ),
    legacy: tsv(['standard', 'standard_control_id', 'generator_id', 'control_id'], legacyRows),
    retired: tsv(['control_id', 'title', 'source', 'generator_ids'], retiredRows),
    notes
  }
}

function main(argv: string[]): void {
  const args = [...argv]
  let out = 'playbooks/catalogue/sources'
  const o = args.indexOf('--out')
  if (o >= 0) {
    out = args[o + 1]
    args.splice(o, 2)
  }
  if (args.length !== 3 || !out) {
    process.stderr.write(
      'usage: extract-securityhub.ts <aws-security-hub-user-guide>[@rev][:subdir] <security-hub-controls>[@rev][:subdir] <securityhub-controls-export>[@rev][:subdir] [--out <dir>]\n'
    )
    process.exit(2)
  }
  const userGuide = openSource(args[0], PINNED.userGuide)
  const controls = openSource(args[1], PINNED.controls)
  const exportSrc = openSource(args[2], PINNED.export)
  const t = buildTables(userGuide, controls, exportSrc)
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'securityhub-controls.tsv'), t.controls)
  writeFileSync(join(out, 'securityhub-legacy-ids.tsv'), t.legacy)
  writeFileSync(join(out, 'securityhub-retired.tsv'), t.retired)
  process.stdout.write(`user guide: ${userGuide.describe}\ncontrols:   ${controls.describe}\nexport:     ${exportSrc.describe}\n${t.notes.join('\n')}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? '')) {
  try {
    main(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`extract-securityhub: ${(e as Error).message}\n`)
    process.exit(1)
  }
}
