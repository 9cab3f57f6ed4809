import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isNode, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { LastmileError, fsReason } from '../errors'
import type { RuleKind } from './types'
import { appRoot } from '../platform/app-root'

/** playbooks/controls.yaml, from the sources (main/ingest) and from the build (out/main). */
export function defaultControlsPath(): string {
  return join(appRoot(), 'playbooks', 'controls.yaml')
}

const RULE_KINDS = ['check', 'vulnerability', 'misconfiguration', 'secret', 'threat', 'issue'] as const satisfies readonly RuleKind[]

const controlId = z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a control id is lower-case words joined by dots, like aws.s3.https-only')

const schema = z
  .object({
    version: z.literal(1),
    tools: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a tool name is lower-case')).min(1),
    controls: z.array(
      z
        .object({
          id: controlId,
          title: z.string().trim().min(1),
          resourceType: z.string().min(1).optional(),
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
    )
  })
  .strict()

export type ControlsFile = z.infer<typeof schema>

export interface ControlDef {
  id: string
  title: string
  resourceType: string | null
  rules: Record<string, string[]>
  match: Array<{ kind: RuleKind; resourceType?: string; tool?: string }>
}

/** The mapping table, validated: tool rule id → control. */
export class ControlTable {
  readonly controls: ControlDef[]
  readonly tools: ReadonlySet<string>
  private readonly byRule = new Map<string, string>()
  private readonly titles = new Map<string, string>()
  private readonly matches: Array<{ kind: RuleKind; resourceType?: string; tool?: string; control: string }> = []
  private readonly memo = new Map<string, string>()

  constructor(file: ControlsFile) {
    this.tools = new Set(file.tools)
    this.controls = file.controls.map((c) => ({
      id: c.id,
      title: c.title,
      resourceType: c.resourceType ?? null,
      rules: c.rules ?? {},
      match: c.match ?? []
    }))
    for (const c of this.controls) {
      this.titles.set(c.id, c.title)
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

  /** The table's title for a control, or null for an unmapped one. */
  title(control: string): string | null {
    return this.titles.get(control) ?? null
  }

  isMapped(control: string): boolean {
    return this.titles.has(control)
  }
}

function ruleKey(tool: string, id: string): string {
  return `${tool}\u0000${id.toLowerCase()}`
}

const cache = new Map<string, ControlTable>()

/** Load and check the table; a broken table is refused with the line of the problem. */
export function loadControls(path = defaultControlsPath()): ControlTable {
  const cached = cache.get(path)
  if (cached) return cached
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new LastmileError('unavailable', `${path}: cannot read the control table: ${fsReason(e)}`)
  }
  const table = parseControls(text, path)
  cache.set(path, table)
  return table
}

/** Parse and check a control table's text (exported for the schema check in tests). */
export function parseControls(text: string, path: string): ControlTable {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const at = e.linePos?.[0]
    throw new LastmileError('bad-input', `${path}: ${at ? `line ${at.line}: ` : ''}${e.message.split('\n')[0]}`)
  }
  const lineOf = (p: ReadonlyArray<PropertyKey>): string => {
    const node = doc.getIn(p as unknown[], true)
    if (isNode(node) && node.range) return `line ${lines.linePos(node.range[0]).line}: `
    return ''
  }
  const parsed = schema.safeParse(doc.toJS())
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LastmileError('bad-input', `${path}: ${lineOf(issue.path)}${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }
  const file = parsed.data
  const known = new Set(file.tools)
  const seenControl = new Map<string, number>()
  const seenRule = new Map<string, string>()
  file.controls.forEach((c, i) => {
    if (seenControl.has(c.id)) {
      throw new LastmileError('bad-input', `${path}: ${lineOf(['controls', i, 'id'])}control ${c.id} is defined twice`)
    }
    seenControl.set(c.id, i)
    if (known.has(c.id.split('.')[0])) {
      throw new LastmileError(
        'bad-input',
        `${path}: ${lineOf(['controls', i, 'id'])}control ${c.id} starts with a tool name; that namespace belongs to unmapped rules (${c.id.split('.')[0]}.<rule id>)`
      )
    }
    if (!c.rules && !c.match) {
      throw new LastmileError('bad-input', `${path}: ${lineOf(['controls', i])}control ${c.id} maps no rule: give rules or match`)
    }
    for (const [tool, ids] of Object.entries(c.rules ?? {})) {
      if (!known.has(tool)) {
        throw new LastmileError('bad-input', `${path}: ${lineOf(['controls', i, 'rules', tool])}control ${c.id}: unknown tool ${tool} (add it to tools: if an adapter emits it)`)
      }
      ids.forEach((id, k) => {
        const key = ruleKey(tool, id)
        const other = seenRule.get(key)
        if (other !== undefined && other !== c.id) {
          throw new LastmileError(
            'bad-input',
            `${path}: ${lineOf(['controls', i, 'rules', tool, k])}${tool} rule ${id} is mapped to both ${other} and ${c.id}; a rule reports one problem`
          )
        }
        seenRule.set(key, c.id)
      })
    }
    for (const [k, m] of (c.match ?? []).entries()) {
      if (m.tool && !known.has(m.tool)) {
        throw new LastmileError('bad-input', `${path}: ${lineOf(['controls', i, 'match', k, 'tool'])}control ${c.id}: unknown tool ${m.tool}`)
      }
    }
  })
  return new ControlTable(file)
}
