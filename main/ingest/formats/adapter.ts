import { holdsProtoKey } from '../json-check'
import type { ContextFrame, RecordPath, SplitPattern } from '../json-splitter'
import type { AlertDraft, FormatName } from '../types'

/** A record that cannot be read as a finding: the import stops with this, naming the record. */
export class RecordError extends Error {}

/** A record the format documents but Lastmile refuses on purpose: its message says what to export instead, as is. */
export class RecordRefused extends RecordError {}

/** What the person importing knows that the export does not say. */
export interface ReadHints {
  /** the Kubernetes cluster the reports come from, as `trivy k8s` names it (ClusterName) */
  cluster?: string
}

/** What format detection learns from the start of a JSON file. */
export interface JsonProbe {
  /** the first top-level value */
  rootKind: 'object' | 'array' | 'other'
  /** keys of the first top-level object, in order */
  rootKeys: string[]
  /** small scalar members of the first top-level object (SchemaVersion, version, $schema…) */
  rootScalars: Record<string, unknown>
  /** the first record found under any adapter's paths, and the path that found it */
  first: { path: RecordPath; value: Record<string, unknown> } | null
  /** when no path matched: the first top-level value itself, if it is an object */
  rootValue: Record<string, unknown> | null
  /** the user forced this adapter with --format */
  forced: boolean
}

/** How to read a JSON file: the paths to its records. */
export interface JsonPlan {
  patterns: SplitPattern[]
}

export interface JsonAdapter {
  kind: 'json'
  format: FormatName
  /** the tool whose scan this is (an ASFF file may also hold GuardDuty, Inspector…) */
  tool: string
  description: string
  /** every path this format keeps records under */
  paths: readonly RecordPath[]
  detect(probe: JsonProbe): JsonPlan | null
  /** the record's alert; several when one record reports several resources (ASFF `Resources[]`); null: not an alert */
  normalise(record: Record<string, unknown>, ctx: JsonContext): AlertDraft | readonly AlertDraft[] | null
  /** after the last record: a file whose records were all of a kind the format refuses alone is refused here (RecordRefused) */
  finish?(ctx: JsonContext): void
}

export interface CsvAdapter {
  kind: 'csv'
  format: FormatName
  tool: string
  description: string
  /** the columns that identify the format (all must be present) */
  required: readonly string[]
  detect(header: readonly string[], delimiter: string): boolean
  /** resolve column positions once; returns the row normaliser */
  prepare(header: readonly string[]): (fields: readonly string[]) => AlertDraft | null
}

export type FormatAdapter = JsonAdapter | CsvAdapter

export function plan(paths: readonly RecordPath[]): JsonPlan {
  return { patterns: paths.map((path, tag) => ({ path, tag })) }
}

export function samePath(a: RecordPath, b: RecordPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * The context of the current record: members of the objects on the way to it. Values are
 * parsed on first use and cached until the context changes.
 */
export class JsonContext {
  frames: readonly ContextFrame[] = []
  tag = 0
  path: RecordPath = []
  /** what the person importing says that the file does not (ReadPlan.hints) */
  hints: ReadHints = {}
  /** what an adapter notes across the records of one file (kept until the file is read) */
  readonly tally = new Map<string, unknown>()
  private version = -1
  private cache = new Map<string, unknown>()

  reset(frames: readonly ContextFrame[], version: number, tag: number, path: RecordPath): void {
    this.tag = tag
    this.path = path
    if (version !== this.version) {
      this.version = version
      this.frames = frames
      this.cache.clear()
    }
  }

  get contextVersion(): number {
    return this.version
  }

  /** The nearest (innermost) member called `key`, parsed. */
  find(key: string): unknown {
    const hit = this.cache.get(key)
    if (hit !== undefined || this.cache.has(key)) return hit
    let value: unknown = undefined
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const raw = this.frames[i].get(key)
      if (raw !== undefined) {
        try {
          value = JSON.parse(raw)
        } catch {
          throw new RecordError(`the member "${key}" around this record is not valid JSON`)
        }
        // the records themselves are checked as they are parsed (reader.ts); what surrounds them too
        if (holdsProtoKey(raw, value)) {
          throw new RecordRefused(`the member "${key}" around this record has a key named "__proto__", which no scanner writes; the file was altered or is not an export`)
        }
        break
      }
    }
    this.cache.set(key, value)
    return value
  }

  /** A value derived from the context, computed once per context. */
  memo<T>(key: string, make: () => T): T {
    const k = `\u0000${key}`
    if (this.cache.has(k)) return this.cache.get(k) as T
    const v = make()
    this.cache.set(k, v)
    return v
  }

  /** The context as stored with the alert: the members of each frame, verbatim. */
  serialise(): string | null {
    let any = false
    const parts: string[] = []
    for (const f of this.frames) {
      const members: string[] = []
      for (const [k, v] of f) {
        members.push(`${JSON.stringify(k)}:${v}`)
        any = true
      }
      parts.push(`{${members.join(',')}}`)
    }
    return any ? `[${parts.join(',')}]` : null
  }
}

/** Column lookup by header name (exact, then case-insensitive). */
export function columns(header: readonly string[]): (name: string) => number {
  const exact = new Map<string, number>()
  const loose = new Map<string, number>()
  header.forEach((h, i) => {
    const t = h.trim()
    if (!exact.has(t)) exact.set(t, i)
    const l = t.toLowerCase()
    if (!loose.has(l)) loose.set(l, i)
  })
  return (name) => exact.get(name) ?? loose.get(name.toLowerCase()) ?? -1
}

export function hasColumns(header: readonly string[], names: readonly string[]): boolean {
  const col = columns(header)
  return names.every((n) => col(n) >= 0)
}

/** The cell at column i, trimmed; null when absent or empty. */
export function cell(fields: readonly string[], i: number): string | null {
  if (i < 0 || i >= fields.length) return null
  const v = fields[i].trim()
  return v.length > 0 ? v : null
}
