// Writes playbooks/catalogue/overrides/iac.yaml: the Checkov, Trivy, tfsec and KICS rule ids of the controls
// in iac-decisions.ts (which rules match which control is decided there, by hand). Everything else is read
// from the tools' own repositories, at pinned commits, out of git mirrors (bare git directories):
//   checkov        bridgecrewio/checkov        rule names and paths
//   trivy          aquasecurity/trivy-checks   AVD-AWS-NNNN, long ids and aliases (Trivy's AWS-NNNN is derived by the loader)
//   tfsec          aquasecurity/defsec         at the release aquasecurity/tfsec's go.mod pins: the long ids tfsec reports
//                  aquasecurity/tfsec          its legacy ids (AWS002)
// and it checks every decision: each anchor is a row of the reference tables and not a control folder's rule
// (nor joined by the tables to one), every rule id exists upstream and is not deprecated, and no rule id is
// given to two controls or is already a control folder's.
//
//   npx tsx scripts/catalogue/extract-iac.ts --mirrors /work/.mirror [--reference ../shared/reference] [--check]
//
// --mirrors: a folder holding <owner>+<name>/repo mirrors (the `fetch` tool's layout), or pass each with
// --checkov/--trivy-checks/--defsec/--tfsec. --check writes nothing and fails when the file is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { format, resolveConfig } from 'prettier'
import { DECISIONS, KICS_SOURCE, MERGES, type IacDecision } from './iac-decisions'
import {
  checkovRules,
  defsecRules,
  openMirror,
  ruleLongIds,
  TFSEC_LEGACY_PATH,
  tfsecDefsecVersion,
  tfsecLegacyIds,
  trivyRules,
  type AvdRule,
  type CheckovRule,
  type Mirror
} from './iac-rules'

/** the commits the file is generated from: bump one to regenerate from a newer release */
export const PINNED = {
  checkov: { repo: 'bridgecrewio/checkov', commit: '03d5fdad8d6154b1565799a7b1fb8070c158866f' },
  trivyChecks: { repo: 'aquasecurity/trivy-checks', commit: '80e5382269707262f35cf893bdc0805cb72217e9' },
  tfsec: { repo: 'aquasecurity/tfsec', commit: '1ade1215f0411885832574ac0ac3339f7452e589' },
  defsec: { repo: 'aquasecurity/defsec' }
}

const OUT = 'playbooks/catalogue/overrides/iac.yaml'
const PROVIDERS = ['aws', 'azure']
const KICS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Sources {
  checkov: { mirror: Mirror; rules: Map<string, CheckovRule> }
  trivy: { mirror: Mirror; rules: Map<string, AvdRule> }
  defsec: { mirror: Mirror; version: string; rules: Map<string, AvdRule> }
  tfsec: { mirror: Mirror; legacy: Map<string, string[]> }
}

function args(argv: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`extract-iac: unexpected argument '${a}'`)
    const next = argv[i + 1]
    if (next !== undefined && !next.startsWith('--')) out.set(a.slice(2), argv[++i])
    else out.set(a.slice(2), true)
  }
  return out
}

function mirrorDir(opts: Map<string, string | true>, flag: string, repo: string): string {
  const given = opts.get(flag)
  if (typeof given === 'string') return given
  const root = opts.get('mirrors')
  if (typeof root !== 'string') throw new Error(`extract-iac: give --mirrors <folder> or --${flag} <git dir> (a mirror of ${repo})`)
  return join(root, repo.replace('/', '+'), 'repo')
}

export function loadSources(opts: Map<string, string | true>): Sources {
  const checkovMirror = openMirror(mirrorDir(opts, 'checkov', PINNED.checkov.repo), PINNED.checkov.repo, PINNED.checkov.commit)
  const trivyMirror = openMirror(mirrorDir(opts, 'trivy-checks', PINNED.trivyChecks.repo), PINNED.trivyChecks.repo, PINNED.trivyChecks.commit)
  const tfsecMirror = openMirror(mirrorDir(opts, 'tfsec', PINNED.tfsec.repo), PINNED.tfsec.repo, PINNED.tfsec.commit)
  const version = tfsecDefsecVersion(tfsecMirror)
  const defsecMirror = openMirror(mirrorDir(opts, 'defsec', PINNED.defsec.repo), PINNED.defsec.repo, version)
  return {
    checkov: { mirror: checkovMirror, rules: checkovRules(checkovMirror, PROVIDERS) },
    trivy: { mirror: trivyMirror, rules: trivyRules(trivyMirror, PROVIDERS) },
    defsec: { mirror: defsecMirror, version, rules: defsecRules(defsecMirror, PROVIDERS) },
    tfsec: { mirror: tfsecMirror, legacy: tfsecLegacyIds(tfsecMirror) }
  }
}

function readTsv(path: string): string[][] {
  if (!existsSync(path)) throw new Error(`extract-iac: ${path} not found (give --reference <folder with the reference TSVs>)`)
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'))
}

interface Reference {
  securityhub: Set<string>
  prowler: Set<string>
  /** anchor -> every securityhub:/prowler: rule the FSBP table joins to it (its component) */
  component(anchor: string): Set<string>
}

export function loadReference(dir: string): Reference {
  const fsbp = readTsv(join(dir, 'securityhub-fsbp-to-prowler.tsv'))
  const checks = readTsv(join(dir, 'prowler-checks.tsv'))
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    let p = parent.get(x) ?? x
    if (p !== x) {
      p = find(p)
      parent.set(x, p)
    }
    return p
  }
  const union = (a: string, b: string) => parent.set(find(a), find(b))
  for (const [id, , , prowler] of fsbp)
    for (const check of (prowler ?? '').split(',').filter((c) => c !== '')) union(`securityhub:${id}`.toLowerCase(), `prowler:${check}`.toLowerCase())
  const all = [...new Set([...parent.keys(), ...fsbp.map((r) => `securityhub:${r[0]}`.toLowerCase())])]
  return {
    securityhub: new Set(fsbp.map((r) => r[0].toLowerCase())),
    prowler: new Set(checks.map((r) => r[1].toLowerCase())),
    component: (anchor) => new Set(all.filter((r) => find(r) === find(anchor.toLowerCase())))
  }
}

/** tool -> lower-cased rule ids the control folders (playbooks/<id>/playbook.yaml) already carry */
export function folderRules(root: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  const dir = join(root, 'playbooks')
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'playbook.yaml')
    if (!entry.isDirectory() || !existsSync(file)) continue
    const doc = parseYaml(readFileSync(file, 'utf8')) as { controls?: Array<{ id: string; rules?: Record<string, string[]> }> }
    for (const control of doc.controls ?? [])
      for (const [tool, ids] of Object.entries(control.rules ?? {}))
        for (const id of ids) {
          const byTool = out.get(tool) ?? new Map<string, string>()
          byTool.set(id.toLowerCase(), control.id)
          out.set(tool, byTool)
        }
  }
  return out
}

interface Row {
  decision: IacDecision
  title: string
  checkov: Array<{ id: string; name: string; path: string }>
  trivy: Array<{ id: string; comment?: string }>
  tfsec: Array<{ id: string; comment?: string }>
  kics: Array<{ id: string; comment: string }>
  source: string
}

export function buildRows(
  src: Sources,
  reference: Reference,
  folders: Map<string, Map<string, string>>,
  fsbpTitles: Map<string, string>,
  prowlerTitles: Map<string, string>
): Row[] {
  const errors: string[] = []
  const seen = new Map<string, string>()
  const claim = (tool: string, id: string, anchor: string) => {
    const key = `${tool}:${id.toLowerCase()}`
    const folder = folders.get(tool)?.get(id.toLowerCase())
    if (folder) errors.push(`${anchor}: ${tool} ${id} is already a rule of the control folder ${folder}`)
    const other = seen.get(key)
    if (other && other !== anchor) errors.push(`${anchor}: ${tool} ${id} is also given to ${other}`)
    seen.set(key, anchor)
  }
  const folderIds = new Map<string, string>()
  for (const [tool, ids] of folders) if (tool === 'securityhub' || tool === 'prowler') for (const [id, control] of ids) folderIds.set(`${tool}:${id}`, control)

  const rows: Row[] = []
  const anchors = new Set<string>()
  for (const decision of DECISIONS) {
    const [kind, id] = decision.anchor.split(':')
    const lower = decision.anchor.toLowerCase()
    if (anchors.has(lower)) errors.push(`${decision.anchor}: anchored twice`)
    anchors.add(lower)
    if (kind === 'securityhub' ? !reference.securityhub.has(id.toLowerCase()) : kind === 'prowler' ? !reference.prowler.has(id.toLowerCase()) : true) {
      errors.push(`${decision.anchor}: not a row of the reference tables (securityhub-fsbp-to-prowler.tsv, prowler-checks.tsv)`)
      continue
    }
    for (const joined of reference.component(decision.anchor)) {
      const folder = folderIds.get(joined)
      if (folder) errors.push(`${decision.anchor}: the reference tables join it to ${joined}, a rule of the control folder ${folder}`)
    }
    const checkov = (decision.checkov ?? []).map((ckId) => {
      const rule = src.checkov.rules.get(ckId)
      if (!rule) errors.push(`${decision.anchor}: ${ckId} is not a Checkov rule at ${src.checkov.mirror.repo}@${src.checkov.mirror.commit}`)
      claim('checkov', ckId, decision.anchor)
      return { id: ckId, name: rule?.name ?? '', path: rule?.path ?? '' }
    })
    const trivy: Row['trivy'] = []
    const tfsec: Row['tfsec'] = []
    const avdPaths: string[] = []
    const defsecPaths: string[] = []
    for (const avdId of decision.avd ?? []) {
      const t = src.trivy.rules.get(avdId)
      const d = src.defsec.rules.get(avdId)
      if (!t && !d) {
        errors.push(`${decision.anchor}: ${avdId} is neither a Trivy check (${src.trivy.mirror.repo}) nor a tfsec one (${src.defsec.mirror.repo} ${src.defsec.version})`)
        continue
      }
      if (t?.deprecated) errors.push(`${decision.anchor}: ${avdId} is deprecated in ${src.trivy.mirror.repo}`)
      const longs = ruleLongIds(t, d)
      const legacy = [...new Set(longs.flatMap((l) => src.tfsec.legacy.get(l) ?? []))]
      const title = (t ?? d)?.title ?? ''
      if (t) {
        avdPaths.push(t.path)
        trivy.push({ id: avdId, comment: title }, ...longs.map((l) => ({ id: l })))
        for (const x of [avdId, ...longs]) claim('trivy', x, decision.anchor)
      }
      if (!d) continue
      defsecPaths.push(d.path)
      tfsec.push(
        { id: avdId, comment: t ? d.title : `${d.title} (tfsec only: no longer in Trivy)` },
        ...longs.map((l) => ({ id: l })),
        ...legacy.map((l) => ({ id: l, comment: 'tfsec legacy id' }))
      )
      for (const x of [avdId, ...longs, ...legacy]) claim('tfsec', x, decision.anchor)
    }
    const kics = (decision.kics ?? []).map((q) => {
      if (!KICS_ID.test(q.id)) errors.push(`${decision.anchor}: ${q.id} is not a KICS query id`)
      claim('kics', q.id, decision.anchor)
      return { id: q.id, comment: q.name }
    })
    const sources = [
      checkov.length ? `checkov ${src.checkov.mirror.repo}@${src.checkov.mirror.commit} ${checkov.map((c) => c.path).join(', ')}` : '',
      trivy.length ? `trivy ${src.trivy.mirror.repo}@${src.trivy.mirror.commit} ${avdPaths.join(', ')}` : '',
      tfsec.length
        ? `tfsec ${src.defsec.mirror.repo}@${src.defsec.mirror.commit} (${src.defsec.version}, pinned by ${src.tfsec.mirror.repo}@${src.tfsec.mirror.commit} go.mod) ${defsecPaths.join(', ')}` +
          (tfsec.some((r) => r.comment === 'tfsec legacy id') ? `; ${src.tfsec.mirror.repo}@${src.tfsec.mirror.commit} ${TFSEC_LEGACY_PATH}` : '')
        : '',
      kics.length ? `kics ${KICS_SOURCE.repo}@${KICS_SOURCE.commit} ${KICS_SOURCE.path}` : ''
    ].filter((s) => s !== '')
    const title = (kind === 'securityhub' ? fsbpTitles.get(id) : prowlerTitles.get(id)) ?? ''
    rows.push({ decision, title, checkov, trivy, tfsec, kics, source: sources.join('; ') })
  }
  for (const merge of MERGES)
    for (const rule of merge.rules)
      if (!reference.prowler.has(rule.replace(/^prowler:/, '').toLowerCase())) errors.push(`merge: ${rule} is not a Prowler check of the reference tables`)
  if (errors.length) throw new Error(`extract-iac: ${errors.length} problem(s):\n  ${errors.join('\n  ')}`)
  return rows
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`

function list(key: string, items: Array<{ id: string; comment?: string }>): string[] {
  if (items.length === 0) return []
  return [`      ${key}:`, ...items.map((i) => `        - ${i.id}${i.comment ? ` # ${i.comment}` : ''}`)]
}

export function render(rows: Row[], src: Sources): string {
  const withRules = rows.filter((r) => r.checkov.length + r.trivy.length + r.tfsec.length + r.kics.length > 0)
  const unmapped = rows.filter((r) => !withRules.includes(r))
  const count = (tool: 'checkov' | 'trivy' | 'tfsec' | 'kics') => withRules.reduce((n, r) => n + r[tool].length, 0)
  const lines = [
    '# Generated by scripts/catalogue/extract-iac.ts from the repositories of the tools: do not edit; change',
    '# scripts/catalogue/iac-decisions.ts (the hand-made matches) and regenerate.',
    '#',
    '# The rule ids of IaC scanners for the controls real exports fail most: each entry adds to the control its',
    '# anchor names (a Security Hub control, or a Prowler check where Security Hub has none) the Checkov,',
    '# Trivy, tfsec and KICS rules that report the same problem on the same resource. Chosen by volume:',
    '# per-resource controls on the resource types accounts hold most of (S3, security groups, IAM, EBS,',
    '# RDS, Lambda, load balancers, EKS, CloudFront, SNS/SQS, OpenSearch, DynamoDB, ECR, VPC flow logs;',
    '# Azure storage, SQL, Key Vault, NSGs, App Service, AKS), the controls the CIS AWS/Azure benchmarks',
    '# also carry, and among them those an IaC scanner checks. A rule that checks more or less than the',
    '# control is left out (the note above an entry says which, when close). Controls a folder under',
    '# playbooks/ owns are not here: their folders list their IaC ids.',
    '#',
    '# Sources (the `source:` of every entry names the files):',
    `#   checkov  ${src.checkov.mirror.repo}@${src.checkov.mirror.commit}`,
    `#   trivy    ${src.trivy.mirror.repo}@${src.trivy.mirror.commit} (AVD ids and long ids; the loader derives AWS-NNNN)`,
    `#   tfsec    ${src.defsec.mirror.repo}@${src.defsec.mirror.commit} = ${src.defsec.version}, the release ${src.tfsec.mirror.repo}@${src.tfsec.mirror.commit} builds with;`,
    `#            legacy ids from ${src.tfsec.mirror.repo} ${TFSEC_LEGACY_PATH}`,
    `#   kics     ${KICS_SOURCE.repo}@${KICS_SOURCE.commit} ${KICS_SOURCE.path} (query ids and names)`,
    '#',
    `# ${withRules.length} controls; rule ids: checkov ${count('checkov')}, trivy ${count('trivy')}, tfsec ${count('tfsec')}, kics ${count('kics')}.`,
    ...unmapped.map((r) => `# ${r.decision.anchor}: no IaC rule; ${r.decision.note ?? ''}`),
    'controls:'
  ]
  for (const row of withRules) {
    lines.push(`  # ${row.title}`)
    if (row.decision.note) lines.push(`  # ${row.decision.note}`)
    lines.push(`  - anchor: ${row.decision.anchor}`, '    rules:')
    lines.push(
      ...list(
        'checkov',
        row.checkov.map((c) => ({ id: c.id, comment: c.name }))
      )
    )
    lines.push(...list('trivy', row.trivy), ...list('tfsec', row.tfsec), ...list('kics', row.kics))
    lines.push(`    source: ${q(row.source)}`)
  }
  lines.push('merges:')
  for (const merge of MERGES) lines.push(`  - rules: [${merge.rules.join(', ')}]`, `    why: ${q(merge.why)}`)
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  const opts = args(process.argv.slice(2))
  const root = resolve(typeof opts.get('root') === 'string' ? (opts.get('root') as string) : '.')
  const refDir = typeof opts.get('reference') === 'string' ? (opts.get('reference') as string) : join(root, 'playbooks/catalogue/sources')
  const src = loadSources(opts)
  const reference = loadReference(refDir)
  const fsbpTitles = new Map(readTsv(join(refDir, 'securityhub-fsbp-to-prowler.tsv')).map((r) => [r[0], r[2]]))
  const prowlerTitles = new Map(readTsv(join(refDir, 'prowler-checks.tsv')).map((r) => [r[1], r[5]]))
  const rows = buildRows(src, reference, folderRules(root), fsbpTitles, prowlerTitles)
  const out = join(root, OUT)
  const text = await format(render(rows, src), { ...(await resolveConfig(out)), parser: 'yaml' })
  if (opts.get('check')) {
    if (!existsSync(out) || readFileSync(out, 'utf8') !== text) throw new Error(`extract-iac: ${OUT} is stale: run scripts/catalogue/extract-iac.ts`)
    console.log(`${OUT} is up to date`)
    return
  }
  writeFileSync(out, text)
  console.log(`wrote ${OUT}: ${rows.length} anchors`)
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('extract-iac.ts')) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  })
}
