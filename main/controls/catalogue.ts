import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'
import { isNode, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { LastmileError, fsReason } from '../errors'
import { FIX_EFFECTS, RULE_KINDS, type FixEffect, type RuleKind } from '../../shared/ingest'
import { appRoot } from '../platform/app-root'

/** playbooks/controls.yaml, from the sources and from the build (out/main). */
export function defaultControlsPath(): string {
  return join(appRoot(), 'playbooks', 'controls.yaml')
}

const controlId = z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a control id is lower-case words joined by dots, like aws.s3.https-only')

const schema = z
  .object({
    version: z.literal(1),
    tools: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a tool name is lower-case')).min(1),
    controls: z.array(catalogueRowSchema())
  })
  .strict()

/** One control of the catalogue: in the table, or in its folder's playbook.yaml `controls:`. */
function catalogueRowSchema() {
  return z
    .object({
      id: controlId,
      title: z.string().trim().min(1),
      resourceType: z.string().min(1).optional(),
      // what the fix does to the running system; required where the entry defines the control
      effect: z.enum(FIX_EFFECTS as unknown as [FixEffect, ...FixEffect[]]).optional(),
      rules: z.record(z.string(), z.array(z.string().trim().min(1)).min(1)).optional(),
      match: z
        .array(
          z
            .object({
              kind: z.enum(RULE_KINDS),
              resourceType: z.string().min(1).optional(),
              tool: z.string().min(1).optional()
            })
            .strict()
        )
        .optional()
    })
    .strict()
}

const catalogueRow = catalogueRowSchema()

const SEVERITY = z.enum(['critical', 'high', 'medium', 'low', 'informational'])

/** One row of playbooks/catalogue/catalogue.generated.json (scripts/catalogue/generate.ts writes it). */
const generatedRow = z
  .object({
    id: controlId,
    extends: z.literal(true).optional(),
    title: z.string().trim().min(1),
    resourceType: z.string().min(1).nullable(),
    severity: SEVERITY.nullable(),
    effect: z.enum(FIX_EFFECTS as unknown as [FixEffect, ...FixEffect[]]).optional(),
    /** how the generator decided the effect: an override, the rule that read the title, or the default */
    effectBy: z.string().min(1).optional(),
    rules: z.record(z.string(), z.array(z.string().trim().min(1))),
    match: z.array(z.object({ kind: z.enum(RULE_KINDS), resourceType: z.string().min(1).optional(), tool: z.string().min(1).optional() }).strict()).optional(),
    frameworks: z.record(z.string(), z.array(z.string())).optional(),
    why: z.string().optional(),
    source: z.array(z.string())
  })
  .strict()
const generatedFile = z.object({ generatedBy: z.string(), controls: z.array(generatedRow) }).strict()

/** Where a control is defined: its own folder, the generated catalogue, or the table. */
export type ControlOrigin = 'folder' | 'catalogue' | 'table'

export interface ControlDef {
  id: string
  title: string
  resourceType: string | null
  rules: Record<string, string[]>
  match: Array<{ kind: RuleKind; resourceType?: string; tool?: string }>
  severity: z.infer<typeof SEVERITY> | null
  /** what its fix does to the running system (docs/catalogue.md, "What a fix does") */
  effect: FixEffect
  /** how that was decided: the file that declares it, or the generator's rule or default */
  effectBy: string
  /** benchmark requirement ids that name the same problem (cis-aws-3.0: [2.1.1]) */
  frameworks: Record<string, string[]>
  /** why several published controls are one here */
  why: string | null
  /** the reference rows and hand-made files it was built from */
  source: string[]
  origin: ControlOrigin
}

/** The mapping table, validated: tool rule id → control. */
export class ControlTable {
  readonly controls: ControlDef[]
  readonly tools: ReadonlySet<string>
  private readonly byRule = new Map<string, string>()
  private readonly titles = new Map<string, string>()
  private readonly byId = new Map<string, ControlDef>()
  private readonly matches: Array<{ kind: RuleKind; resourceType?: string; tool?: string; control: string }> = []
  private readonly memo = new Map<string, string>()

  /** control → the folder whose playbook serves it (a `controls:` entry without a title) */
  private readonly served: ReadonlyMap<string, string>

  constructor(tools: readonly string[], controls: ControlDef[], served: ReadonlyMap<string, string> = new Map()) {
    this.tools = new Set(tools)
    this.controls = controls
    this.served = served
    for (const c of this.controls) {
      this.titles.set(c.id, c.title)
      this.byId.set(c.id, c)
      for (const [tool, ids] of Object.entries(c.rules)) {
        for (const id of ids) this.byRule.set(ruleKey(tool, id), c.id)
      }
      for (const m of c.match) this.matches.push({ ...m, control: c.id })
    }
  }

  /**
   * The control an alert belongs to. A rule the table does not list becomes its own control,
   * `<tool>.<rule id>`: it still deduplicates with itself, never with another tool's rule.
   */
  resolve(tool: string, ruleId: string, kind: RuleKind, resourceType: string): string {
    const memoKey = `${tool}\u0000${ruleId}\u0000${kind}\u0000${resourceType}`
    const hit = this.memo.get(memoKey)
    if (hit !== undefined) return hit
    let control = this.byRule.get(ruleKey(tool, ruleId))
    if (control === undefined) {
      for (const m of this.matches) {
        if (m.kind === kind && (!m.resourceType || m.resourceType === resourceType) && (!m.tool || m.tool === tool)) {
          control = m.control
          break
        }
      }
    }
    control ??= `${tool}.${ruleId}`
    if (this.memo.size < 100_000) this.memo.set(memoKey, control)
    return control
  }

  /**
   * What a control's fix does to the running system. A per-tool control (a rule the catalogue does
   * not map) is restrictive: nothing says what its fix does, and restrictive promises nothing.
   */
  effect(control: string): { effect: FixEffect; by: string } {
    const row = this.byId.get(control)
    return row ? { effect: row.effect, by: row.effectBy } : { effect: 'restrictive', by: 'not in the catalogue: restrictive by default' }
  }

  /** The table's title for a control, or null for an unmapped one. */
  title(control: string): string | null {
    return this.titles.get(control) ?? null
  }

  isMapped(control: string): boolean {
    return this.titles.has(control)
  }

  /** The control folder whose playbook serves a control defined elsewhere (a `controls:` entry without a title), or null. */
  servedBy(control: string): string | null {
    return this.served.get(control) ?? null
  }

  /** A control's catalogue row (its id, title, resource type and every tool rule id), or null for a per-tool one. */
  row(control: string): ControlDef | null {
    return this.byId.get(control) ?? null
  }
}

function ruleKey(tool: string, id: string): string {
  return `${tool}\u0000${id.toLowerCase()}`
}

const cache = new Map<string, ControlTable>()

/** A control folder's playbook, whose `controls:` entries with a title are catalogue rows. */
interface CatalogueSource {
  path: string
  text: string
}

/** playbooks/<control-id>/playbook.yaml: each control folder's catalogue entry. */
function controlFolderSources(playbooksDir: string): CatalogueSource[] {
  let names: string[]
  try {
    names = readdirSync(playbooksDir).sort()
  } catch {
    return []
  }
  const out: CatalogueSource[] = []
  for (const n of names) {
    const path = join(playbooksDir, n, 'playbook.yaml')
    if (!existsSync(path)) continue
    try {
      out.push({ path, text: readFileSync(path, 'utf8') })
    } catch (e) {
      throw new LastmileError('unavailable', `${path}: cannot read the control's playbook: ${fsReason(e)}`)
    }
  }
  return out
}

/** playbooks/catalogue/catalogue.generated.json beside the table, when there is one. */
function generatedSource(tablePath: string): CatalogueSource | null {
  const path = join(dirname(tablePath), 'catalogue', 'catalogue.generated.json')
  if (!existsSync(path)) return null
  try {
    return { path, text: readFileSync(path, 'utf8') }
  } catch (e) {
    throw new LastmileError('unavailable', `${path}: cannot read the generated catalogue: ${fsReason(e)}`)
  }
}

/**
 * Load and check the catalogue: the table (tools, and controls without a folder), every control
 * folder's own entry, and the catalogue generated from the published mappings; a broken one is
 * refused with its file and the place of the problem.
 */
export function loadControls(path = defaultControlsPath()): ControlTable {
  const cached = cache.get(path)
  if (cached) return cached
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new LastmileError('unavailable', `${path}: cannot read the control table: ${fsReason(e)}`)
  }
  const table = parseControls(text, path, controlFolderSources(dirname(path)), generatedSource(path))
  cache.set(path, table)
  return table
}

/** The catalogue entries the control folders under `playbooksDir` define (for the catalogue generator). */
export function folderCatalogueRows(playbooksDir: string): Array<{ id: string; rules?: Record<string, string[]> }> {
  return folderRows(controlFolderSources(playbooksDir)).map((r) => r.c)
}

type Located = (p: ReadonlyArray<PropertyKey>) => string

function parseYaml(text: string, path: string): { data: unknown; lineOf: Located } {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const at = e.linePos?.[0]
    throw new LastmileError('bad-input', `${path}: ${at ? `line ${at.line}: ` : ''}${e.message.split('\n')[0]}`)
  }
  const lineOf: Located = (p) => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true)
      if (isNode(node) && node.range) return `line ${lines.linePos(node.range[0]).line}: `
    }
    return ''
  }
  return { data: doc.toJS(), lineOf }
}

type Row = { c: z.infer<typeof catalogueRow>; at: (sub: ReadonlyArray<PropertyKey>) => string }

/** A row that defines a control says what its fix does: no default could be right for a control someone wrote. */
function requireEffect(c: z.infer<typeof catalogueRow>, at: Row['at'], i: number): void {
  if (!c.effect) {
    throw new LastmileError(
      'bad-input',
      `${at([])}controls.${i}.effect: control ${c.id} does not say what its fix does to the running system: add effect: additive, restrictive or replacing (docs/adding-a-control.md)`
    )
  }
}

/** control → folder, for every `controls:` entry without a title (a control the folder's playbook serves). */
function servedControls(folders: readonly CatalogueSource[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const src of folders) {
    const { data: pb } = parseYaml(src.text, src.path)
    const entries = (pb as { controls?: unknown } | null)?.controls
    if (!Array.isArray(entries)) continue
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object' || 'title' in entry) continue
      const id = (entry as { id?: unknown }).id
      if (typeof id === 'string') out.set(id, basename(dirname(src.path)))
    }
  }
  return out
}

function folderRows(folders: readonly CatalogueSource[]): Row[] {
  const rows: Row[] = []
  for (const src of folders) {
    const { data: pb, lineOf } = parseYaml(src.text, src.path)
    const entries = (pb as { controls?: unknown } | null)?.controls
    if (!Array.isArray(entries)) continue
    entries.forEach((entry, i) => {
      if (!entry || typeof entry !== 'object' || !('title' in entry)) return // a control it serves, not one it defines
      const ok = catalogueRow.safeParse(entry)
      if (!ok.success) {
        const issue = ok.error.issues[0]
        throw new LastmileError('bad-input', `${src.path}: ${lineOf(['controls', i, ...issue.path])}controls.${i}.${issue.path.join('.')}: ${issue.message}`)
      }
      const at: Row['at'] = (sub) => `${src.path}: ${lineOf(['controls', i, ...sub])}`
      requireEffect(ok.data, at, i)
      rows.push({ c: ok.data, at })
    })
  }
  return rows
}

/** Trivy's current ids drop the AVD- prefix (AVD-AWS-0086 is now AWS-0086): both name the rule. */
function withCurrentTrivyIds(rules: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [tool, ids] of Object.entries(rules)) {
    const derived = tool === 'trivy' || tool === 'tfsec' ? ids.flatMap((id) => (/^AVD-[A-Z0-9]+-\d{4}$/i.test(id) ? [id.slice(4)] : [])) : []
    out[tool] = [...new Set([...ids, ...derived])]
  }
  return out
}

/**
 * Parse and check a control table's text, with the catalogue entries of the control folders and
 * the generated catalogue (exported for the schema check in tests).
 */
export function parseControls(text: string, path: string, folders: readonly CatalogueSource[] = [], generated: CatalogueSource | null = null): ControlTable {
  const { data, lineOf: tableLine } = parseYaml(text, path)
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LastmileError('bad-input', `${path}: ${tableLine(issue.path)}${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }
  const file = parsed.data
  // every row with where it was written: `at(sub)` is "FILE: line N: " for a path inside the row
  const tableRows: Row[] = file.controls.map((c, i) => {
    const at: Row['at'] = (sub) => `${path}: ${tableLine(['controls', i, ...sub])}`
    requireEffect(c, at, i)
    return { c, at }
  })
  const fromFolders = folderRows(folders)
  const defs: Array<{ d: ControlDef; at: Row['at'] }> = [
    ...tableRows.map((r) => ({ d: defOf(r.c, 'table', path), at: r.at })),
    ...fromFolders.map((r) => ({ d: defOf(r.c, 'folder', r.at([]).split(': ')[0]), at: r.at }))
  ]
  if (generated) {
    let json: unknown
    try {
      json = JSON.parse(generated.text)
    } catch (e) {
      throw new LastmileError('bad-input', `${generated.path}: not JSON (${(e as Error).message}); regenerate it with npm run catalogue`)
    }
    const ok = generatedFile.safeParse(json)
    if (!ok.success) {
      const issue = ok.error.issues[0]
      throw new LastmileError('bad-input', `${generated.path}: ${issue.path.join('.') || '(top)'}: ${issue.message}; regenerate it with npm run catalogue`)
    }
    const byId = new Map(defs.map((x) => [x.d.id, x.d]))
    ok.data.controls.forEach((g, i) => {
      const at = (sub: ReadonlyArray<PropertyKey>): string => `${generated.path}: controls.${i}${sub.length ? '.' + sub.join('.') : ''}: `
      if (g.extends) {
        // rules the tables add to a control folder's own entry; the folder keeps its title and playbook
        const d = byId.get(g.id)
        if (!d || d.origin !== 'folder') throw new LastmileError('bad-input', `${at(['id'])}extends ${g.id}, which is no control folder; regenerate with npm run catalogue`)
        if (g.effect) throw new LastmileError('bad-input', `${at(['effect'])}${g.id}'s effect is its folder's to declare; regenerate with npm run catalogue`)
        for (const [tool, ids] of Object.entries(g.rules)) d.rules[tool] = [...new Set([...(d.rules[tool] ?? []), ...ids])]
        d.frameworks = { ...d.frameworks, ...g.frameworks }
        // the published severity of the controls the folder covers (the highest, when several groups extend it)
        if (g.severity && (d.severity === null || SEVERITY.options.indexOf(g.severity) < SEVERITY.options.indexOf(d.severity))) d.severity = g.severity
        d.source = [...d.source, ...g.source]
        if (g.why) d.why = [d.why, g.why].filter(Boolean).join(' ')
        return
      }
      if (!g.effect || !g.effectBy) throw new LastmileError('bad-input', `${at(['effect'])}${g.id} has no effect (what its fix does); regenerate it with npm run catalogue`)
      const d: ControlDef = {
        id: g.id,
        title: g.title,
        resourceType: g.resourceType,
        rules: g.rules,
        match: g.match ?? [],
        severity: g.severity,
        effect: g.effect,
        effectBy: `${g.effectBy} (${basename(generated.path)})`,
        frameworks: g.frameworks ?? {},
        why: g.why ?? null,
        source: g.source,
        origin: 'catalogue'
      }
      defs.push({ d, at })
      byId.set(d.id, d)
    })
  }
  const known = new Set(file.tools)
  const seenControl = new Map<string, string>()
  const seenRule = new Map<string, string>()
  for (const { d: c, at } of defs) {
    const other = seenControl.get(c.id)
    if (other !== undefined) throw new LastmileError('bad-input', `${at(['id'])}control ${c.id} is defined twice (also in ${other})`)
    seenControl.set(c.id, at([]).split(': ')[0])
    if (known.has(c.id.split('.')[0])) {
      throw new LastmileError('bad-input', `${at(['id'])}control ${c.id} starts with a tool name; that namespace belongs to unmapped rules (${c.id.split('.')[0]}.<rule id>)`)
    }
    if (Object.keys(c.rules).length === 0 && c.match.length === 0) throw new LastmileError('bad-input', `${at([])}control ${c.id} maps no rule: give rules or match`)
    c.rules = withCurrentTrivyIds(c.rules)
    for (const [tool, ids] of Object.entries(c.rules)) {
      if (!known.has(tool)) throw new LastmileError('bad-input', `${at(['rules', tool])}control ${c.id}: unknown tool ${tool} (add it to tools: if an adapter emits it)`)
      ids.forEach((id, k) => {
        const key = ruleKey(tool, id)
        const prior = seenRule.get(key)
        if (prior !== undefined && prior !== c.id) {
          throw new LastmileError('bad-input', `${at(['rules', tool, k])}${tool} rule ${id} is mapped to both ${prior} and ${c.id}; a rule reports one problem`)
        }
        seenRule.set(key, c.id)
      })
    }
    for (const [k, m] of c.match.entries()) {
      if (m.tool && !known.has(m.tool)) throw new LastmileError('bad-input', `${at(['match', k, 'tool'])}control ${c.id}: unknown tool ${m.tool}`)
    }
  }
  return new ControlTable(
    file.tools,
    defs.map((x) => x.d),
    servedControls(folders)
  )
}

function defOf(c: z.infer<typeof catalogueRow>, origin: ControlOrigin, file: string): ControlDef {
  return {
    id: c.id,
    title: c.title,
    resourceType: c.resourceType ?? null,
    rules: { ...(c.rules ?? {}) },
    match: c.match ?? [],
    severity: null,
    // requireEffect has refused a defining row without one
    effect: c.effect!,
    effectBy: `declared by ${origin === 'folder' ? relativeToPlaybooks(file) : basename(file)}`,
    frameworks: {},
    why: null,
    source: [],
    origin
  }
}

/** playbooks/<control-id>/playbook.yaml, as people name a folder's file (not the machine's absolute path). */
function relativeToPlaybooks(file: string): string {
  const parts = file.split(sep)
  return parts.slice(-3).join('/')
}
