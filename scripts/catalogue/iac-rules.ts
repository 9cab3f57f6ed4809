// Reads the IaC scanners' own rule metadata out of git mirrors of their public repositories
// (bare git directories, read with `git show`/`git ls-tree`, nothing checked out):
//   checkov       bridgecrewio/checkov       checkov/terraform/checks/resource/{aws,azure}/*.py (id = "CKV_…", name = "…")
//                                            checkov/terraform/checks/graph_checks/{aws,azure}/*.yaml (metadata id/name)
//   trivy         aquasecurity/trivy-checks  checks/cloud/{aws,azure}/**/*.rego METADATA (id AWS-NNNN, long_id, aliases)
//   tfsec         aquasecurity/defsec        rules/cloud/policies/{aws,azure}/** at the release tfsec's go.mod pins
//                                            (Go: AVDID + Provider/Service/ShortCode; rego: avd_id + short_code)
//                 aquasecurity/tfsec         internal/pkg/legacy/map.go (the pre-1.0 ids: "AWS002": "aws-s3-…")
// Facts only (ids, titles, paths): no scanner code is copied.
import { execFileSync } from 'node:child_process'

export interface Mirror {
  /** the bare git directory */
  gitDir: string
  /** the commit read (resolved from a ref) */
  commit: string
  /** owner/name, for the provenance line */
  repo: string
}

export interface CheckovRule {
  id: string
  name: string
  path: string
}

/** one Trivy/defsec check, keyed by its AVD id (AVD-AWS-0180) */
export interface AvdRule {
  avdId: string
  title: string
  path: string
  /** the rule's own long ids (aws-rds-enable-public-access): Trivy's long_id, defsec's provider-service-shortcode */
  longIds: string[]
  /** Trivy's aliases of the long form (older names, and upstream a few copied from other rules) */
  aliases: string[]
  deprecated: boolean
}

function git(m: Pick<Mirror, 'gitDir'>, args: string[]): string {
  return execFileSync('git', ['--git-dir', m.gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
}

export function openMirror(gitDir: string, repo: string, ref = 'HEAD'): Mirror {
  let commit: string
  try {
    commit = git({ gitDir }, ['rev-parse', '--verify', `${ref}^{commit}`]).trim()
  } catch {
    throw new Error(`${gitDir}: not a git mirror of ${repo} with a commit '${ref}'`)
  }
  return { gitDir, commit, repo }
}

function listFiles(m: Mirror, dirs: string[]): string[] {
  return git(m, ['ls-tree', '-r', '--name-only', m.commit, '--', ...dirs])
    .split('\n')
    .filter((p) => p !== '')
}

/** every file's text, read in one `git cat-file --batch` */
function readFiles(m: Mirror, paths: string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (paths.length === 0) return out
  const raw = execFileSync('git', ['--git-dir', m.gitDir, 'cat-file', '--batch'], {
    input: paths.map((p) => `${m.commit}:${p}\n`).join(''),
    maxBuffer: 512 * 1024 * 1024
  })
  let at = 0
  for (const path of paths) {
    const nl = raw.indexOf(10, at)
    const header = raw.subarray(at, nl).toString('utf8')
    const size = Number(header.split(' ')[2])
    if (!Number.isFinite(size)) throw new Error(`${m.repo}@${m.commit}: cannot read ${path} (${header})`)
    out.set(path, raw.subarray(nl + 1, nl + 1 + size).toString('utf8'))
    at = nl + 1 + size + 1
  }
  return out
}

const PY_LITERAL = /^(f?)(?:"([^"\n]*)"|'([^'\n]*)')/

/** the keyword arguments of a check's `super().__init__(…)` call: name -> the argument's source text */
function superKwargs(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const call = 'super().__init__('
  const at = text.indexOf(call)
  if (at < 0) return out
  let depth = 1
  let end = at + call.length
  for (; end < text.length && depth > 0; end++) {
    if (text[end] === '(') depth++
    else if (text[end] === ')') depth--
  }
  const args = text.slice(at + call.length, end - 1)
  for (const [, key, value] of args.matchAll(/(\w+)\s*=\s*(f?"[^"\n]*"|f?'[^'\n]*'|-?[\w.]+)/g)) out.set(key, value)
  return out
}

/** fills f-string fields ({port}) and one printf field (%d/%s, from `% port`) with the given values */
function fill(template: string, vars: Map<string, string>, percentVar?: string): string {
  const filled = template.replace(/\{(\w+)\}/g, (field, v: string) => vars.get(v) ?? field)
  const percent = percentVar === undefined ? undefined : vars.get(percentVar)
  return percent === undefined ? filled : filled.replace(/%[ds]/, percent)
}

/**
 * A Python string expression: a literal, or a variable the file assigns one or more adjacent literals
 * (`name = ("…" "…")`, `name = f"… {port}"`, `name = "… %d" % port`), or a value given in vars.
 */
function pyValue(text: string, expr: string | undefined, vars: Map<string, string> = new Map()): string | undefined {
  if (expr === undefined) return undefined
  const literal = PY_LITERAL.exec(expr)
  if (literal) return fill(literal[2] ?? literal[3], vars)
  if (!/^[A-Za-z_]\w*$/.test(expr)) return undefined
  const assigned = new RegExp(`^\\s*${expr}\\s*=\\s*\\(?\\s*((?:f?(?:"[^"\\n]*"|'[^'\\n]*')\\s*)+)\\)?\\s*(?:%\\s*(\\w+))?`, 'm').exec(text)
  if (!assigned) return vars.get(expr)
  const joined = [...assigned[1].matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)].map((p) => p[1] ?? p[2]).join('')
  return fill(joined, vars, assigned[2])
}

/**
 * The id and name a Checkov check registers: from its `super().__init__(…)` arguments, or, when it passes no
 * name, from the base class it extends, which builds the name from the arguments it is given (port=22).
 * readBase reads a file of the same checkout by its path.
 */
export function checkovIdAndName(text: string, readBase: (path: string) => string | undefined): { id: string; name: string | undefined } | undefined {
  const kwargs = superKwargs(text)
  const id = pyValue(text, kwargs.get('id') ?? kwargs.get('check_id'))
  if (!id?.startsWith('CKV')) return undefined
  let name = pyValue(text, kwargs.get('name'))
  if (name === undefined) {
    const base = /^from (checkov\.terraform\.checks\.resource\.\w+\.\w+) import/m.exec(text)
    const baseText = base ? readBase(`${base[1].replace(/\./g, '/')}.py`) : undefined
    if (baseText) {
      const vars = new Map([...kwargs].map(([k, v]): [string, string] => [k, pyValue(text, v) ?? v]))
      name = pyValue(baseText, superKwargs(baseText).get('name'), vars)
    }
  }
  return { id, name }
}

export function checkovRules(m: Mirror, providers: string[]): Map<string, CheckovRule> {
  const rules = new Map<string, CheckovRule>()
  const add = (rule: CheckovRule) => {
    const had = rules.get(rule.id)
    if (had && had.path !== rule.path) throw new Error(`${m.repo}@${m.commit}: ${rule.id} is defined twice (${had.path}, ${rule.path})`)
    rules.set(rule.id, rule)
  }
  const py = listFiles(
    m,
    providers.map((p) => `checkov/terraform/checks/resource/${p}`)
  ).filter((p) => p.endsWith('.py') && !p.endsWith('__init__.py'))
  const files = readFiles(m, py)
  for (const [path, text] of files) {
    const check = checkovIdAndName(text, (base) => files.get(base))
    if (!check) continue
    if (!check.name) throw new Error(`${m.repo}@${m.commit}: ${path} defines ${check.id} with a name this script cannot read`)
    add({ id: check.id, name: check.name, path })
  }
  const graph = listFiles(
    m,
    providers.map((p) => `checkov/terraform/checks/graph_checks/${p}`)
  ).filter((p) => p.endsWith('.yaml') || p.endsWith('.yml'))
  for (const [path, text] of readFiles(m, graph)) {
    const id = /^\s+id:\s*"?(CKV2?_[A-Z]+_\d+)"?/m.exec(text)?.[1]
    const name = /^\s+name:\s*"?(.*?)"?\s*$/m.exec(text)?.[1]
    if (id && name) add({ id, name, path })
  }
  return rules
}

/** the `custom:` keys of a rego METADATA block, plus its title */
export function regoMetadata(text: string): { title?: string; custom: Map<string, string>; aliases: string[]; deprecated: boolean } {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === '# METADATA')
  const custom = new Map<string, string>()
  const aliases: string[] = []
  let title: string | undefined
  let deprecated = false
  if (start < 0) return { custom, aliases, deprecated }
  let inAliases = false
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('#')) break
    const body = line.slice(1)
    const top = /^ (\w+):\s*(.*)$/.exec(body)
    if (top) {
      if (top[1] === 'title') title = unquote(top[2])
      inAliases = false
      continue
    }
    const key = /^ {3}(\w+):\s*(.*)$/.exec(body)
    if (key) {
      inAliases = key[1] === 'aliases'
      if (key[1] === 'deprecated') deprecated = key[2].trim() === 'true'
      else if (key[2] !== '') custom.set(key[1], unquote(key[2]))
      continue
    }
    const item = /^ {3,5}- (.*)$/.exec(body)
    if (item && inAliases) aliases.push(unquote(item[1]))
    else if (!/^ {4,}/.test(body)) inAliases = false
  }
  return { title, custom, aliases, deprecated }
}

function unquote(s: string): string {
  const t = s.trim()
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t
}

const LONG_ID = /^(aws|azure)-[a-z0-9-]+$/

/** trivy-checks at its current layout: id AWS-0180, aliases [AVD-AWS-0180, …, aws-rds-enable-public-access] */
export function trivyRules(m: Mirror, providers: string[]): Map<string, AvdRule> {
  const rules = new Map<string, AvdRule>()
  const paths = listFiles(
    m,
    providers.map((p) => `checks/cloud/${p}`)
  ).filter((p) => p.endsWith('.rego') && !p.endsWith('_test.rego'))
  for (const [path, text] of readFiles(m, paths)) {
    const meta = regoMetadata(text)
    const id = meta.custom.get('id') ?? meta.custom.get('avd_id')
    if (!id || !meta.title) continue
    const avdId = id.startsWith('AVD-') ? id : `AVD-${id}`
    const longId = meta.custom.get('long_id')
    const longIds = longId && LONG_ID.test(longId) ? [longId] : []
    const aliases = [...new Set(meta.aliases.filter((a) => LONG_ID.test(a) && a !== longId))]
    if (rules.has(avdId)) throw new Error(`${m.repo}@${m.commit}: ${avdId} is defined twice (${rules.get(avdId)?.path}, ${path})`)
    rules.set(avdId, { avdId, title: meta.title, path, longIds, aliases, deprecated: meta.deprecated })
  }
  return rules
}

const PROVIDER_GO: Record<string, string> = { AWSProvider: 'aws', AzureProvider: 'azure' }

/** defsec's rules (what tfsec runs): long id = provider-service-shortcode */
export function defsecRules(m: Mirror, providers: string[]): Map<string, AvdRule> {
  const rules = new Map<string, AvdRule>()
  const paths = listFiles(
    m,
    providers.map((p) => `rules/cloud/policies/${p}`)
  ).filter((p) => (p.endsWith('.go') && !/(_test|\.tf|\.cf)\.go$/.test(p)) || (p.endsWith('.rego') && !p.endsWith('_test.rego')))
  for (const [path, text] of readFiles(m, paths)) {
    let rule: AvdRule | undefined
    if (path.endsWith('.go')) {
      const avdId = /AVDID:\s*"([^"]+)"/.exec(text)?.[1]
      const provider = PROVIDER_GO[/Provider:\s*providers\.(\w+)/.exec(text)?.[1] ?? '']
      const service = /Service:\s*"([^"]+)"/.exec(text)?.[1]
      const short = /ShortCode:\s*"([^"]+)"/.exec(text)?.[1]
      const summary = /Summary:\s*"([^"]+)"/.exec(text)?.[1]
      const deprecated = /Deprecated:\s*true/.test(text)
      if (avdId && provider && service && short && summary) rule = { avdId, title: summary, path, longIds: [`${provider}-${service}-${short}`], aliases: [], deprecated }
    } else {
      const meta = regoMetadata(text)
      const avdId = meta.custom.get('avd_id')
      const provider = meta.custom.get('provider')
      const service = meta.custom.get('service')
      const short = meta.custom.get('short_code')
      if (avdId && provider && service && short && meta.title)
        rule = { avdId, title: meta.title, path, longIds: [`${provider}-${service}-${short}`], aliases: [], deprecated: meta.deprecated }
    }
    if (!rule) continue
    const had = rules.get(rule.avdId)
    if (had) had.longIds = [...new Set([...had.longIds, ...rule.longIds])]
    else rules.set(rule.avdId, rule)
  }
  return rules
}

export const TFSEC_LEGACY_PATH = 'internal/pkg/legacy/map.go'

/** tfsec's pre-1.0 ids by the long id they became: aws-s3-enable-bucket-logging -> [AWS002] */
export function tfsecLegacyIds(m: Mirror): Map<string, string[]> {
  const text = readFiles(m, [TFSEC_LEGACY_PATH]).get(TFSEC_LEGACY_PATH) ?? ''
  const out = new Map<string, string[]>()
  for (const [, legacy, modern] of text.matchAll(/^\s*"([A-Z]+\d+)":\s*"([a-z0-9-]+)",/gm)) out.set(modern, [...(out.get(modern) ?? []), legacy].sort())
  if (out.size === 0) throw new Error(`${m.repo}@${m.commit}: ${TFSEC_LEGACY_PATH} has no legacy ids`)
  return out
}

/** the defsec release a tfsec commit builds with (its go.mod require line) */
export function tfsecDefsecVersion(m: Mirror): string {
  const gomod = readFiles(m, ['go.mod']).get('go.mod') ?? ''
  const v = /github\.com\/aquasecurity\/defsec (v[0-9.]+)/.exec(gomod)?.[1]
  if (!v) throw new Error(`${m.repo}@${m.commit}: go.mod does not require github.com/aquasecurity/defsec`)
  return v
}

/**
 * The long ids an AVD rule is reported under: its own (Trivy's long_id, tfsec's provider-service-shortcode)
 * and those of Trivy's aliases that end in one of its own short codes. Upstream aliases include a few copied
 * from other rules (aws-autoscaling-no-public-ip on AVD-AWS-0029, the secrets-in-user-data check): those
 * would give another rule's findings to this one, so they are left out.
 */
export function ruleLongIds(trivy: AvdRule | undefined, defsec: AvdRule | undefined): string[] {
  const own = [...(trivy?.longIds ?? []), ...(defsec?.longIds ?? [])]
  const shortCodes = own.map((id) => id.split('-').slice(2).join('-'))
  const aliases = (trivy?.aliases ?? []).filter((a) => shortCodes.some((short) => a.endsWith(`-${short}`)))
  return [...new Set([...own, ...aliases])]
}
