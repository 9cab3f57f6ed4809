import { createHash } from 'node:crypto'
import { BlockPacker, type PackedBlock } from '../case/import-blocks'
import { CsvReader } from './csv-reader'
import type { Detected } from './detect'
import { adapterFor } from './formats'
import { JsonContext, RecordError, RecordRefused, type ReadHints } from './formats/adapter'
import { hash53 } from './hash'
import { findJsonError, holdsProtoKey } from './json-check'
import { compilePatterns, JsonSplitter, type SplitPattern, type SplitRecord } from './json-splitter'
import { badInput, lineAt } from './place'
import { canonicalResource } from './resource-id'
import { TextScanner } from './scanner'
import { FileSource } from './source'
import { SEVERITY_RANK } from '../case/severity'
import type { AlertDraft, CanonicalResource, FormatName, Outcome, RuleKind } from './types'

/**
 * The reading half of an import: file → bytes kept (sha256, compressed blocks) → records →
 * normalised alerts, with no database. It runs on the importing thread for small files and on
 * a reader thread for large ones (reader-thread.ts), where it overlaps the writer's SQL; both
 * call the same sink in the same order, so the case ends up the same either way.
 */

/** Everything the reader needs, as plain data (it crosses to the reader thread). */
export interface ReadPlan {
  path: string
  /** the file's name in messages */
  name: string
  format: FormatName
  kind: 'json' | 'csv'
  /** JSON: where the records are */
  patterns: SplitPattern[]
  /** CSV: the header row and delimiter found by detection */
  header: string[]
  delimiter: ',' | ';'
  chunkBytes?: number
  /** what the person importing said that the file does not (the cluster of Trivy Operator's reports) */
  hints?: ReadHints
}

export function readPlan(path: string, name: string, detected: Detected, chunkBytes?: number, hints?: ReadHints): ReadPlan {
  if (detected.kind === 'json') {
    return { path, name, format: detected.adapter.format, kind: 'json', patterns: detected.plan.patterns, header: [], delimiter: ',', chunkBytes, ...(hints ? { hints } : {}) }
  }
  return { path, name, format: detected.adapter.format, kind: 'csv', patterns: [], header: detected.header, delimiter: detected.delimiter, chunkBytes }
}

/** One alert as the writer stores it: the adapter's draft, with its resource made canonical. */
export interface AlertItem {
  /** hash53 of tool and tool finding id: the alert's identity, for lookups */
  h: number
  tool: string
  toolFindingId: string
  ruleId: string
  kind: RuleKind
  title: string
  /** SEVERITY_RANK */
  severity: number
  outcome: Outcome
  toolStatus: string
  muted: 0 | 1
  res: CanonicalResource
  /** the canonical resource's account and region, else the ones the tool gave */
  account: string | null
  region: string | null
  observedAt: string | null
  artifact: string | null
  recordNo: number
  offset: number
  length: number
}

export interface ReadSink {
  /** a block of the file, compressed, to store */
  block(b: PackedBlock): void
  /** the context of the alerts that follow changed (null: they have none) */
  context(json: string | null): void
  alert(a: AlertItem): void
  /** every 1024 records: how far the reading is */
  progress(records: number, bytes: number): void
}

export interface ReadResult {
  sha256: string
  bytes: number
  records: number
  /** records the adapter read but that are not alerts */
  skipped: number
  /** read on the reader thread: how long the importing thread waited for its batches */
  waitedMs?: number
}

/** Read the whole file into `sink`. Throws the same one-line errors, with file and place, as ever. */
export function readExport(plan: ReadPlan, sink: ReadSink): ReadResult {
  return new ExportReader(plan, sink).run()
}

class ExportReader {
  private readonly hash = createHash('sha256')
  private readonly packer: BlockPacker
  private records = 0
  private skipped = 0
  private bytesRead = 0
  private contextVersion = -1

  constructor(
    private readonly plan: ReadPlan,
    private readonly sink: ReadSink
  ) {
    this.packer = new BlockPacker((b) => sink.block(b))
  }

  run(): ReadResult {
    const src = new FileSource(this.plan.path, this.plan.name, {
      chunkBytes: this.plan.chunkBytes,
      onBytes: (bytes) => {
        this.hash.update(bytes)
        this.packer.write(bytes)
        this.bytesRead += bytes.length
      }
    })
    try {
      if (this.plan.kind === 'json') this.readJson(src)
      else this.readCsv(src)
    } finally {
      src.close()
    }
    this.packer.flush()
    return { sha256: this.hash.digest('hex'), bytes: this.bytesRead, records: this.records, skipped: this.skipped }
  }

  private readJson(src: FileSource): void {
    const adapter = adapterFor(this.plan.format)
    if (adapter.kind !== 'json') return
    const patterns = this.plan.patterns
    const sc = new TextScanner(src, this.plan.name)
    const splitter = new JsonSplitter(sc, compilePatterns(patterns))
    const ctx = new JsonContext()
    ctx.hints = this.plan.hints ?? {}
    splitter.run((r: SplitRecord) => {
      this.records++
      const value = this.parseRecord(r)
      ctx.reset(r.frames, r.contextVersion, r.tag, patterns[r.tag].path)
      let draft: AlertDraft | readonly AlertDraft[] | null
      try {
        draft = adapter.normalise(value, ctx)
      } catch (e) {
        throw this.recordError(e, r.recordNo, r.startByte)
      }
      if (!draft || (isDraftList(draft) && draft.length === 0)) {
        this.skipped++
      } else {
        if (ctx.contextVersion !== this.contextVersion) {
          this.contextVersion = ctx.contextVersion
          this.sink.context(ctx.serialise())
        }
        // the alerts of one record (one per resource it reports) share its bytes
        if (isDraftList(draft)) for (const d of draft) this.sink.alert(item(d, r.recordNo, r.startByte, r.endByte - r.startByte))
        else this.sink.alert(item(draft, r.recordNo, r.startByte, r.endByte - r.startByte))
      }
      if ((this.records & 1023) === 0) this.sink.progress(this.records, this.bytesRead)
    })
    try {
      adapter.finish?.(ctx)
    } catch (e) {
      if (e instanceof RecordError) throw badInput(this.plan.name, {}, e.message)
      throw e
    }
  }

  private parseRecord(r: SplitRecord): Record<string, unknown> {
    let value: unknown = r.value
    if (value === undefined) {
      try {
        value = JSON.parse(r.text)
      } catch {
        const err = findJsonError(r.text)
        const pos = err?.pos ?? 0
        const byte = r.startByte + Buffer.byteLength(r.text.slice(0, pos), 'utf8')
        throw badInput(
          this.plan.name,
          { line: lineAt(this.plan.path, byte), byte, record: r.recordNo },
          `${err?.what ?? 'the record is not valid JSON'}; the file is not valid JSON`
        )
      }
    }
    // a key named "__proto__" is refused wherever it hides (json-check.ts says why)
    if (holdsProtoKey(r.text, value)) {
      throw badInput(
        this.plan.name,
        { line: lineAt(this.plan.path, r.startByte), byte: r.startByte, record: r.recordNo },
        'the record has a key named "__proto__", which no scanner writes; the file was altered or is not an export'
      )
    }
    return value as Record<string, unknown>
  }

  private readCsv(src: FileSource): void {
    const adapter = adapterFor(this.plan.format)
    if (adapter.kind !== 'csv') return
    const header = this.plan.header
    if (header.some((h) => h === '__proto__')) {
      throw badInput(this.plan.name, { line: 1 }, 'a column is named "__proto__", which no scanner writes; the file was altered or is not an export')
    }
    const normalise = adapter.prepare(header)
    const sc = new TextScanner(src, this.plan.name)
    const reader = new CsvReader(sc, this.plan.delimiter)
    reader.next() // the header
    for (let row = reader.next(); row; row = reader.next()) {
      this.records++
      // a writer that ends each row with its delimiter (Prowler 2's CSV does) leaves an empty cell
      // beyond the header: nothing shifted, nothing lost. Any other count is a broken row.
      if (row.fields.length !== header.length && !(row.fields.length > header.length && row.fields.slice(header.length).every((f) => f.trim() === ''))) {
        throw badInput(
          this.plan.name,
          { line: row.line, byte: row.startByte, record: row.recordNo },
          `${row.fields.length} cells where the header has ${header.length}; a cell probably holds an unquoted delimiter or a broken quote`
        )
      }
      let draft: AlertDraft | null
      try {
        draft = normalise(row.fields)
      } catch (e) {
        throw this.recordError(e, row.recordNo, row.startByte, row.line)
      }
      // CSV rows have no context (the header is kept with the import)
      if (!draft) this.skipped++
      else this.sink.alert(item(draft, row.recordNo, row.startByte, Math.max(1, row.endByte - row.startByte)))
      if ((this.records & 1023) === 0) this.sink.progress(this.records, this.bytesRead)
    }
  }

  private recordError(e: unknown, recordNo: number, byte: number, line?: number): Error {
    if (e instanceof RecordRefused) return badInput(this.plan.name, { line: line ?? lineAt(this.plan.path, byte), byte, record: recordNo }, e.message)
    if (e instanceof RecordError) {
      return badInput(this.plan.name, { line: line ?? lineAt(this.plan.path, byte), byte, record: recordNo }, `${e.message}; Lastmile cannot tell which alert it is`)
    }
    return e as Error
  }
}

function item(d: AlertDraft, recordNo: number, offset: number, length: number): AlertItem {
  const res = canonicalResource(d.resource)
  return {
    h: hash53(`${d.tool}\u0001${d.toolFindingId}`),
    tool: d.tool,
    toolFindingId: d.toolFindingId,
    ruleId: d.ruleId,
    kind: d.kind,
    title: d.title,
    severity: SEVERITY_RANK[d.severity],
    outcome: d.outcome,
    toolStatus: d.toolStatus,
    muted: d.muted ? 1 : 0,
    res,
    // the scan's scope (what a rescan closes) is what the tool covered: an image placed by its
    // registry (Trivy gives no account) stays an account-less scan of that image
    account: d.resource.image ? (d.resource.account ?? null) : (res.account ?? d.resource.account ?? null),
    region: d.resource.image ? (d.resource.region ?? null) : (res.region ?? d.resource.region ?? null),
    observedAt: d.observedAt ?? null,
    artifact: d.artifact ?? null,
    recordNo,
    offset,
    length
  }
}

function isDraftList(d: AlertDraft | readonly AlertDraft[]): d is readonly AlertDraft[] {
  return Array.isArray(d)
}
