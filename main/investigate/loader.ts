// Loading playbooks: the built-in ones (playbooks/<control-id>/playbook.yaml) and a user's own from a folder they
// choose (marked custom). Each file is checked against the schema (schema.ts) and then against
// what the schema cannot say — step functions that exist, their parameters, rules naming real
// steps, template placeholders that are declared, rule ids that agree with playbooks/controls.yaml.
// A playbook that fails is refused with its file, its line and what is wrong.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { isNode, LineCounter, parseDocument, type Document } from 'yaml'
import type { PlaybookSummary } from '../../shared/investigate'
import type { RciVerdict, StepAnswer } from '../../shared/model'
import type { FixEffect } from '../../shared/ingest'
import { LastmileError, fsReason } from '../errors'
import { loadControls } from '../controls/catalogue'
import { playbookSchema, type PlaybookFile } from './schema'
import { STEP_FUNCTIONS, type StepFunction } from './steps'
import { ANY_RESOURCE_TYPE } from './steps/generic'
import { appRoot } from '../platform/app-root'

type Verdict3 = Exclude<RciVerdict, 'UNSCORED'>

interface LoadedStep {
  id: string
  question: string
  fn: StepFunction
  /** as the playbook wrote them */
  rawParams: Record<string, unknown>
  /** parsed by the function's schema (defaults filled in) */
  params: unknown
}

export interface LoadedRule {
  when: Record<string, StepAnswer[]>
  requires: string[]
  verdict: Verdict3
  because: string
}

export interface LoadedPlaybook {
  def: PlaybookFile
  id: string
  file: string
  sha256: string
  custom: boolean
  steps: LoadedStep[]
  rules: LoadedRule[]
  verdicts: Verdict3[]
  /** control id → its tool rule ids (controls.yaml merged with the playbook's own list) */
  rulesByControl: Record<string, Record<string, string[]>>
  fixturesDir: string | null
  /** set on the generic investigation (./generic.ts): the effect of the fixes it judges */
  generic?: FixEffect
}

export interface PlaybookSet {
  playbooks: LoadedPlaybook[]
  forControl(control: string): LoadedPlaybook | null
}

/** playbooks/ from the sources (main/investigate) and from the build (out/main). */
export function builtinPlaybooksDir(): string {
  return join(appRoot(), 'playbooks')
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g

function fail(file: string, line: number | null, message: string): never {
  throw new LastmileError('bad-input', `${file}: ${line ? `line ${line}: ` : ''}${message}`)
}

/** Parse and check one playbook's text. */
export function parsePlaybook(text: string, file: string, opts: { custom: boolean }): LoadedPlaybook {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  if (doc.errors.length) {
    const e = doc.errors[0]
    fail(file, e.linePos?.[0]?.line ?? null, e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''))
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | null => lineIn(doc, lines, path)
  const parsed = playbookSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issuePath(issue)
    fail(file, lineOf(path), `${path.map(String).join('.') || '(top)'}: ${issue.message}`)
  }
  const def = parsed.data

  // steps: unique ids, known functions, valid parameters, resource types the function answers for
  const seen = new Set<string>()
  const steps: LoadedStep[] = def.steps.map((s, i) => {
    if (seen.has(s.id)) fail(file, lineOf(['steps', i, 'id']), `step ${s.id} is defined twice`)
    seen.add(s.id)
    const fn = STEP_FUNCTIONS.get(s.function)
    if (!fn) fail(file, lineOf(['steps', i, 'function']), `step ${s.id}: no step function "${s.function}" (known: ${[...STEP_FUNCTIONS.keys()].sort().join(', ')})`)
    const missing = fn.resourceTypes.includes(ANY_RESOURCE_TYPE) ? [] : def.resourceTypes.filter((t) => !fn.resourceTypes.includes(t))
    if (missing.length) fail(file, lineOf(['steps', i, 'function']), `step ${s.id}: ${s.function} answers for ${fn.resourceTypes.join(', ')}, not ${missing.join(', ')}`)
    const p = fn.params.safeParse(s.params ?? {})
    if (!p.success) {
      const issue = p.error.issues[0]
      const path = issuePath(issue)
      fail(file, lineOf(['steps', i, 'params', ...path]), `step ${s.id}: params${path.length ? `.${path.map(String).join('.')}` : ''}: ${issue.message}`)
    }
    return { id: s.id, question: s.question, fn, rawParams: s.params ?? {}, params: p.data }
  })

  // verdict rules: real steps, one default and it comes last, no SAFE that the cap always lowers
  const rules: LoadedRule[] = def.verdict.map((r, i) => {
    for (const [sid, a] of Object.entries(r.when ?? {})) {
      if (!seen.has(sid)) fail(file, lineOf(['verdict', i, 'when', sid]), `rule ${i + 1}: no step "${sid}" in this playbook`)
      if (r.verdict === 'SAFE' && (Array.isArray(a) ? a : [a]).includes('unknown')) {
        fail(file, lineOf(['verdict', i, 'when', sid]), `rule ${i + 1}: SAFE when ${sid} is unknown can never hold (an unknown step caps SAFE at RISKY)`)
      }
    }
    for (const [k, sid] of (r.requires ?? []).entries()) {
      if (!seen.has(sid)) fail(file, lineOf(['verdict', i, 'requires', k]), `rule ${i + 1}: requires step "${sid}", which is not in this playbook`)
    }
    const isDefault = !r.when || Object.keys(r.when).length === 0
    const last = i === def.verdict.length - 1
    if (isDefault && !last) fail(file, lineOf(['verdict', i]), `rule ${i + 1} has no "when", so the rules after it could never match: only the last rule is the default`)
    if (!isDefault && last) fail(file, lineOf(['verdict', i]), `the last rule must be the default (no "when"), so that every combination of answers gets a verdict`)
    return {
      when: Object.fromEntries(Object.entries(r.when ?? {}).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]) as StepAnswer[]])),
      requires: r.requires ?? [],
      verdict: r.verdict,
      because: r.because
    }
  })
  const verdicts = new Set<Verdict3>(rules.map((r) => r.verdict))
  // a SAFE rule that depends on a step which can answer unknown may be capped to RISKY
  if (rules.some((r) => r.verdict === 'SAFE' && Object.keys(r.when).length + r.requires.length > 0)) verdicts.add('RISKY')

  // templates: every placeholder is a declared parameter
  const params = new Set(Object.keys(def.parameters))
  for (const section of ['fix', 'rollback', 'guardrails'] as const) {
    def[section].forEach((t, i) => {
      for (const m of t.template.matchAll(PLACEHOLDER)) {
        if (!params.has(m[1]))
          fail(
            file,
            lineOf([section, i, 'template']),
            `${section}[${i}] (${t.title}): placeholder {{${m[1]}}} is not a declared parameter (declared: ${[...params].sort().join(', ') || 'none'})`
          )
      }
    })
  }

  // controls: rule ids agree with the control table the ingest stage maps alerts with
  const table = loadControls()
  const rulesByControl: Record<string, Record<string, string[]>> = {}
  def.controls.forEach((c, i) => {
    const known = table.controls.find((x) => x.id === c.id)
    const merged: Record<string, Set<string>> = {}
    for (const [tool, ids] of Object.entries(known?.rules ?? {})) merged[tool] = new Set(ids)
    for (const [tool, ids] of Object.entries(c.rules ?? {})) {
      if (!table.tools.has(tool))
        fail(file, lineOf(['controls', i, 'rules', tool]), `control ${c.id}: unknown tool ${tool} (tools in playbooks/controls.yaml: ${[...table.tools].join(', ')})`)
      ids.forEach((rid, k) => {
        const maps = table.resolve(tool, rid, 'check', known?.resourceType ?? '')
        if (known && maps !== c.id) {
          fail(file, lineOf(['controls', i, 'rules', tool, k]), `control ${c.id}: ${tool} rule ${rid} is mapped to ${maps} in playbooks/controls.yaml, not to ${c.id}`)
        }
        ;(merged[tool] ??= new Set()).add(rid)
      })
    }
    rulesByControl[c.id] = Object.fromEntries(Object.entries(merged).map(([t, s]) => [t, [...s].sort()]))
  })

  const dir = resolve(file, '..')
  const fixturesDir = def.fixtures ? resolve(dir, def.fixtures) : null
  if (fixturesDir && !existsSync(fixturesDir)) fail(file, lineOf(['fixtures']), `fixtures: ${def.fixtures} does not exist beside the playbook`)

  return {
    def,
    id: def.id,
    file,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    custom: opts.custom,
    steps,
    rules,
    verdicts: (['SAFE', 'RISKY', 'UNSAFE'] as const).filter((v) => verdicts.has(v)),
    rulesByControl: rulesByControl,
    fixturesDir
  }
}

/** Where a zod issue points; for an unknown key, the key itself (so the line is the key's). */
function issuePath(issue: { path: readonly PropertyKey[]; code: string; keys?: readonly string[] }): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys?.length ? [...issue.path, issue.keys[0]] : [...issue.path]
}

function lineIn(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number | null {
  // the deepest node that exists on the path
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true)
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line
  }
  return null
}

/** The playbooks of a folder: loose *.yaml files, and each control folder's playbook.yaml. */
function yamlFiles(dir: string): string[] {
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch (e) {
    throw new LastmileError('bad-input', `${dir}: cannot read the playbook folder: ${fsReason(e)}`)
  }
  const out: string[] = []
  for (const d of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, d.name)
    if (d.isFile() && /\.ya?ml$/i.test(d.name) && d.name !== 'controls.yaml') out.push(p)
    else if (d.isDirectory() && existsSync(join(p, 'playbook.yaml'))) out.push(join(p, 'playbook.yaml'))
  }
  return out
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new LastmileError('bad-input', `${path}: cannot read the playbook: ${fsReason(e)}`)
  }
}

interface LoadOptions {
  /** a folder of the user's own playbooks (marked custom) */
  customDir?: string | null
  /** the built-in folder (tests point it elsewhere) */
  builtinDir?: string
}

/**
 * Playbooks parsed before, by file, kind and content. Every plan, board and decision loads the set
 * (parsing all the built-in YAML is ~50 ms of CPU, most of a plan's cost); a file is read each time
 * and parsed again only when its text changed. A parse depends only on the text, the file, the kind
 * and the control table (loaded once per process: the memo is kept per table), and the folder its
 * fixtures name, checked again on every use. Loaded playbooks are read-only to their users.
 */
const PARSED = new WeakMap<object, Map<string, LoadedPlaybook>>()
const PARSED_MAX = 512

function parsedPlaybook(text: string, file: string, custom: boolean): LoadedPlaybook {
  const table = loadControls()
  let memo = PARSED.get(table)
  if (!memo) PARSED.set(table, (memo = new Map()))
  const key = `${custom ? 'custom' : 'builtin'}\0${file}\0${createHash('sha256').update(text, 'utf8').digest('hex')}`
  const hit = memo.get(key)
  if (hit && (hit.fixturesDir === null || existsSync(hit.fixturesDir))) return hit
  const pb = parsePlaybook(text, file, { custom })
  if (memo.size >= PARSED_MAX) memo.clear()
  memo.set(key, pb)
  return pb
}

/** Load every playbook. One control is served by one playbook; an id is defined once. */
export function loadPlaybooks(opts: LoadOptions = {}): PlaybookSet {
  const files = [
    ...yamlFiles(opts.builtinDir ?? builtinPlaybooksDir()).map((f) => ({ f, custom: false })),
    ...(opts.customDir ? yamlFiles(resolve(opts.customDir)).map((f) => ({ f, custom: true })) : [])
  ]
  const playbooks: LoadedPlaybook[] = []
  const byId = new Map<string, LoadedPlaybook>()
  const byControl = new Map<string, LoadedPlaybook>()
  for (const { f, custom } of files) {
    const pb = parsedPlaybook(readText(f), f, custom)
    const other = byId.get(pb.id)
    if (other) fail(f, 1, `playbook ${pb.id} is already defined by ${other.file}`)
    byId.set(pb.id, pb)
    for (const c of pb.def.controls) {
      const o = byControl.get(c.id)
      if (o) fail(f, 1, `control ${c.id} is already served by playbook ${o.id} (${basename(o.file)}); one control, one playbook`)
      byControl.set(c.id, pb)
    }
    playbooks.push(pb)
  }
  return { playbooks, forControl: (c) => byControl.get(c) ?? null }
}

export function summarise(pb: LoadedPlaybook): PlaybookSummary {
  const d = pb.def
  return {
    id: pb.id,
    version: d.version,
    title: d.title,
    summary: d.summary,
    controls: d.controls.map((c) => ({ id: c.id, rules: pb.rulesByControl[c.id] ?? {} })),
    resourceTypes: d.resourceTypes,
    windowDays: d.window.days,
    evidence: d.evidence,
    steps: pb.steps.map((s) => ({ id: s.id, question: s.question, function: s.fn.name, params: s.rawParams })),
    rules: pb.rules,
    verdicts: pb.verdicts,
    parameters: Object.entries(d.parameters).map(([name, p]) => ({ name, ...p })),
    fix: d.fix,
    rollback: d.rollback,
    guardrails: d.guardrails,
    file: pb.file,
    sha256: pb.sha256,
    custom: pb.custom
  }
}
