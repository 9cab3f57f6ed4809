import { statSync } from 'node:fs'
import { LastmileError } from '../errors'
import { CsvReader, sniffDelimiter } from './csv-reader'
import type { CsvAdapter, JsonAdapter, JsonPlan, JsonProbe } from './formats/adapter'
import { ADAPTERS, CSV_ADAPTERS, JSON_ADAPTERS } from './formats'
import { compilePatterns, JsonSplitter, type RecordPath, type SplitPattern } from './json-splitter'
import { get } from './normalise'
import { badInput } from './place'
import { TextScanner } from './scanner'
import { FileSource } from './source'
import { FORMAT_NAMES, type FormatName } from './types'

export type Detected = { kind: 'json'; adapter: JsonAdapter; plan: JsonPlan } | { kind: 'csv'; adapter: CsvAdapter; delimiter: ',' | ';'; header: string[] }

/**
 * Which export a file is, from its content, never its name. JSON is recognised by where its
 * records sit and what the first one looks like; CSV by its header. `forced` (--format) skips
 * the guessing but still checks the file can be read that way.
 */
export function detectFormat(path: string, name: string, forced?: FormatName, chunkBytes?: number): Detected {
  if (forced !== undefined && !FORMAT_NAMES.includes(forced)) {
    throw new LastmileError('bad-input', `--format ${String(forced)}: not a format Lastmile reads; one of ${FORMAT_NAMES.join(', ')}`)
  }
  const first = firstSignificant(path, name)
  const forcedAdapter = forced ? ADAPTERS.find((a) => a.format === forced) : undefined
  if (first === '{' || first === '[') {
    if (forcedAdapter && forcedAdapter.kind !== 'json') {
      throw badInput(name, { byte: 0 }, `the format chosen, ${forced}, is a CSV format, but the file is JSON`)
    }
    return detectJson(path, name, forcedAdapter ? [forcedAdapter as JsonAdapter] : JSON_ADAPTERS, forcedAdapter !== undefined, chunkBytes)
  }
  if (first === '<' && !forcedAdapter) {
    throw badInput(name, { line: 1, byte: 0 }, `an XML or HTML report (JUnit, Checkstyle, HTML…), which Lastmile does not read: ${EXPORT_HINT}`)
  }
  if (forcedAdapter && forcedAdapter.kind !== 'csv') {
    throw badInput(name, { line: 1, byte: 0 }, `the format chosen, ${forced}, is a JSON format, but the file does not start with { or [`)
  }
  return detectCsv(path, name, forcedAdapter ? [forcedAdapter as CsvAdapter] : CSV_ADAPTERS, forcedAdapter !== undefined, chunkBytes)
}

/** The first character that is not white space, from the first chunk. */
function firstSignificant(path: string, name: string): string {
  const src = new FileSource(path, name, { chunkBytes: 64 * 1024 })
  try {
    for (let chunk = src.next(); chunk; chunk = src.next()) {
      const m = /\S/.exec(chunk.text)
      if (m) {
        if (chunk.text.includes('\u0000')) {
          throw badInput(name, { byte: chunk.byteStart + chunk.text.indexOf('\u0000') }, 'the file holds NUL bytes: it is binary, not a JSON or CSV export')
        }
        return m[0]
      }
    }
    throw badInput(name, {}, 'the file holds only white space; nothing was imported')
  } finally {
    src.close()
  }
}

function detectJson(path: string, name: string, adapters: readonly JsonAdapter[], forced: boolean, chunkBytes?: number): Detected {
  const probe = probeJson(path, name, adapters, chunkBytes)
  probe.forced = forced
  for (const adapter of adapters) {
    const plan = adapter.detect(probe)
    if (plan) return { kind: 'json', adapter, plan }
  }
  if (!probe.first && probe.rootKind === 'array' && isEmptyArray(path, name)) {
    throw badInput(
      name,
      {},
      'the file is an empty JSON array ([]): a scan that found nothing, but nothing in it says which tool wrote it. If it is a Prowler JSON-OCSF export (or a Prowler 3 JSON one), import it as prowler-ocsf (prowler-json) so it closes what that scan no longer reports; choose its format'
    )
  }
  const known = forced ? null : unreadJson(probe)
  if (known) throw badInput(name, {}, known)
  throw badInput(name, {}, `not an export Lastmile recognises: ${describeProbe(probe)}. Formats read: ${FORMAT_NAMES.join(', ')}; if this is one of them, choose its format`)
}

/** Which export option gives a file Lastmile reads, per tool. */
const EXPORT_HINT =
  'export JSON, SARIF or CSV instead (Prowler -M json-ocsf or csv, Checkov -o json or sarif, KICS --report-formats json or sarif, tfsec --format json or sarif, Trivy -f json or sarif)'

/**
 * Exports that are recognisably a scanner's, in a form Lastmile does not read: the error says
 * which export option gives one it does.
 */
function unreadJson(p: JsonProbe): string | null {
  const keys = new Set([...p.rootKeys, ...Object.keys(p.rootValue ?? {})])
  if (keys.has('bomFormat') || keys.has('spdxVersion')) {
    return `a software bill of materials (${keys.has('bomFormat') ? 'CycloneDX' : 'SPDX'}), not a findings export: ${EXPORT_HINT}`
  }
  if (keys.has('vulnerabilities') && keys.has('scan') && keys.has('version')) {
    return `a GitLab security report (KICS --report-formats glsast, Checkov -o gitlab_sast, Trivy's gitlab template), which Lastmile does not read: ${EXPORT_HINT}`
  }
  const first = p.first?.value ?? p.rootValue
  if (first && get(first, 'type') === 'issue' && typeof get(first, 'check_name') === 'string' && get(first, 'fingerprint') !== undefined) {
    return `a Code Climate report (KICS --report-formats codeclimate), which Lastmile does not read: ${EXPORT_HINT}`
  }
  const root = p.rootValue
  if (root && get(root, 'kind') === 'List' && Array.isArray(get(root, 'items')) && (get(root, 'items') as unknown[]).length === 0) {
    return "an empty Kubernetes List: kubectl found no objects of the kinds asked for (Trivy Operator's reports: kubectl get vulnerabilityreports,configauditreports,… -A -o json), so there is nothing to import and nothing says which reports were looked for"
  }
  if (keys.has('issues') && keys.size <= 2) {
    return `a SonarQube generic issue report (KICS --report-formats sonarqube), which Lastmile does not read: ${EXPORT_HINT}`
  }
  return null
}

/** The same for CSV headers: other tools' CSV. */
function unreadCsv(header: readonly string[]): string | null {
  const has = (...cols: string[]): boolean => cols.every((c) => header.some((h) => h.toLowerCase() === c.toLowerCase()))
  if (has('Resource', 'Path', 'Misconfigurations')) return 'a Checkov CSV, which Lastmile does not read: run Checkov with -o json or -o sarif'
  if (has('query_id', 'query_name', 'file_name', 'severity')) return 'a KICS CSV, which Lastmile does not read: run KICS with --report-formats json or sarif'
  if (has('file', 'start_line', 'rule_id', 'passed')) return 'a tfsec CSV, which Lastmile does not read: run tfsec with --format json or sarif'
  return null
}

/**
 * Read as little as possible: the first record under any known path (stopping there), else
 * the first top-level value itself (JSON Lines of findings).
 */
function probeJson(path: string, name: string, adapters: readonly JsonAdapter[], chunkBytes?: number): JsonProbe {
  const paths: RecordPath[] = []
  for (const a of adapters) for (const p of a.paths) if (!paths.some((x) => x.length === p.length && x.every((s, i) => s === p[i]))) paths.push(p)
  const patterns: SplitPattern[] = paths.map((p, tag) => ({ path: p, tag }))
  const probe: JsonProbe = { rootKind: 'other', rootKeys: [], rootScalars: {}, first: null, rootValue: null, forced: false }
  const src = new FileSource(path, name, { chunkBytes })
  try {
    const sc = new TextScanner(src, name)
    sc.ensure()
    const lead = sc.buf.charCodeAt(sc.pos + (/^\s*/.exec(sc.buf.slice(sc.pos, sc.pos + 4096))?.[0].length ?? 0))
    probe.rootKind = lead === 123 ? 'object' : lead === 91 ? 'array' : 'other'
    const splitter = new JsonSplitter(sc, compilePatterns(patterns), {
      maxValues: 1,
      onRootKey: (k) => {
        if (probe.rootKeys.length < 256) probe.rootKeys.push(k)
      }
    })
    splitter.run((r) => {
      let value: unknown
      try {
        value = JSON.parse(r.text)
      } catch {
        return true
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        probe.first = { path: patterns[r.tag].path, value: value as Record<string, unknown> }
        // the root's small members were read as context of the first frame
        const root = r.frames[0]
        if (root) {
          for (const [k, v] of root) {
            if (v.length <= 512) {
              try {
                probe.rootScalars[k] = JSON.parse(v)
              } catch {
                // a member that is not valid JSON is reported by the import itself
              }
            }
          }
        }
        return false
      }
      return true
    })
  } finally {
    src.close()
  }
  if (!probe.first && probe.rootKind === 'object') {
    // no known path: the first top-level value may itself be a record (one finding per line)
    const src2 = new FileSource(path, name, { chunkBytes })
    try {
      const sc = new TextScanner(src2, name)
      const splitter = new JsonSplitter(sc, compilePatterns([{ path: [], tag: 0 }]), { maxValues: 1 })
      splitter.run((r) => {
        try {
          const v = JSON.parse(r.text) as unknown
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            probe.rootValue = v as Record<string, unknown>
            for (const [k, x] of Object.entries(probe.rootValue)) {
              if (x === null || typeof x !== 'object') probe.rootScalars[k] = x
            }
          }
        } catch {
          // reported below as an unknown format, or by the import
        }
        return false
      })
    } catch (e) {
      // a first value too large to be one finding is simply not a record: the format stays unknown
      if (!(e instanceof LastmileError)) throw e
    } finally {
      src2.close()
    }
  }
  return probe
}

/** Whether the whole file is `[]` (white space aside). */
function isEmptyArray(path: string, name: string): boolean {
  if (safeSize(path) > 64 * 1024) return false
  const src = new FileSource(path, name, { chunkBytes: 64 * 1024 })
  try {
    let text = ''
    for (let chunk = src.next(); chunk; chunk = src.next()) text += chunk.text
    return /^\s*\[\s*\]\s*$/.test(text)
  } finally {
    src.close()
  }
}

/** A file's size; 0 when it cannot be read (whoever reads it reports why). */
export function safeSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

function describeProbe(p: JsonProbe): string {
  if (p.first) return `its first record (under ${p.first.path.join('.') || 'the top level'}) has the keys ${keysOf(p.first.value)}`
  if (p.rootValue) return `a JSON object with the keys ${keysOf(p.rootValue)}`
  if (p.rootKind === 'array') return 'a JSON array with no records Lastmile knows (it may be empty)'
  if (p.rootKeys.length) return `a JSON object with the keys ${p.rootKeys.slice(0, 8).join(', ')}`
  return 'JSON of an unknown shape'
}

function keysOf(v: Record<string, unknown>): string {
  const keys = Object.keys(v)
  return keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', …' : '')
}

function detectCsv(path: string, name: string, adapters: readonly CsvAdapter[], forced: boolean, chunkBytes?: number): Detected {
  const src = new FileSource(path, name, { chunkBytes })
  let header: string[]
  let delimiter: ',' | ';'
  try {
    const sc = new TextScanner(src, name)
    sc.ensure()
    const firstLine = sc.buf.slice(sc.pos, sc.buf.indexOf('\n', sc.pos) === -1 ? sc.len : sc.buf.indexOf('\n', sc.pos))
    delimiter = sniffDelimiter(firstLine)
    const row = new CsvReader(sc, delimiter).next()
    if (!row) throw badInput(name, { line: 1 }, 'the file holds no header row')
    header = row.fields.map((h) => h.trim())
  } finally {
    src.close()
  }
  if (header.length === 1 && header[0] === 'null' && statSync(path).size < 16) {
    throw badInput(
      name,
      {},
      "the file holds only JSON null: a scan that found nothing (Trivy's legacy list format writes null so), but nothing in it says which tool or target it was; nothing was imported"
    )
  }
  if (header.length < 2) {
    throw badInput(
      name,
      { line: 1, byte: 0 },
      `not an export Lastmile recognises: it is neither JSON nor CSV with a header (it starts with ${JSON.stringify(header[0]?.slice(0, 40) ?? '')})`
    )
  }
  for (const adapter of adapters) {
    if (adapter.detect(header, delimiter)) return { kind: 'csv', adapter, delimiter, header }
  }
  if (forced) {
    const adapter = adapters[0]
    const missing = adapter.required.filter((c) => !header.some((h) => h.toLowerCase() === c.toLowerCase()))
    throw badInput(name, { line: 1 }, `the format chosen, ${adapter.format}: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`)
  }
  const known = forced ? null : unreadCsv(header)
  if (known) throw badInput(name, { line: 1 }, known)
  throw badInput(
    name,
    { line: 1 },
    `not an export Lastmile recognises: a CSV whose header starts ${header.slice(0, 6).join(delimiter)}. Formats read: ${FORMAT_NAMES.join(', ')}; if this is one of them, choose its format`
  )
}
