import { createHash, randomUUID } from 'node:crypto'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { Actor } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import { audited } from '../audit/chain'
import { beginBulkInserts } from '../audit/state-seal'
import type { Db, WritableCaseDb, WritableDb } from '../db/case-db'
import { blockInserter, type PackedBlock } from '../case/import-blocks'
import { loadControls, type ControlTable } from '../controls/catalogue'
import { detectFormat, safeSize, type Detected } from './detect'
import { deferBoardCounts } from './board-counts-refresh'
import { deferFindingsTable } from '../case/findings-table-refresh'
import { AlertHashIndex } from './hash-index'
import { CaseResources } from './resource-keys'
import { SOURCE_OF } from './formats'
import type { ReadHints } from './formats/adapter'
import { createMissingInitiatives, assignFindings } from './initiatives'
import { readExport, readPlan, type AlertItem, type ReadSink } from './reader'
import { canWaitHere, readAhead, readInThread, settleReadAhead } from './reader-thread'
import type { CatalogueShare, ImportTiming } from '../../shared/ingest'
import type { CanonicalResource, FormatName, ImportProgress, ImportScope, ImportSummary } from './types'

export interface ImportOptions {
  /** the person (or engine) importing; recorded in the audit entry */
  actor: Actor
  /** force a format instead of detecting it (--format) */
  format?: FormatName
  /** ISO time source; the default is the wall clock */
  now?: () => string
  /** the file's name in messages and in the case (default: the path as given) */
  displayName?: string
  onProgress?: (p: ImportProgress) => void
  /** read size; tests use tiny chunks to cross every boundary */
  chunkBytes?: number
  controls?: ControlTable
  /**
   * The Kubernetes cluster the export comes from, for exports that do not name it (Trivy
   * Operator's reports), as `trivy k8s` names it (its ClusterName: the kubeconfig context's cluster)
   */
  cluster?: string
  /**
   * The export covers only part of its scope (filtered to some controls or resources): alerts it
   * does not mention stay as they are instead of being closed.
   */
  partial?: boolean
  /**
   * Read the file on a reader thread while this thread writes (see reader-thread.ts). The
   * default: for files of READER_THREAD_MIN_BYTES or more, where it pays for starting a thread.
   */
  readerThread?: boolean
  /**
   * Drop the alerts' identity index for the import and build it once its alerts are written
   * (hash-index.ts). The default: when the file is large and brings more alerts than the case holds.
   */
  bulkIndex?: boolean
  /**
   * Read the case's resources into a map at the first lookup rather than look each up
   * (resource-keys.ts). The default: when the file is large and holds as many alerts as the case holds resources.
   */
  resourceMap?: boolean
  /**
   * The file the same ingest imports next, with these options: once this file is read, the
   * reader thread starts on it while this thread finishes the import (findings, commit).
   */
  next?: { path: string; displayName?: string }
}

/**
 * Below this a file is read on the importing thread: starting the reader thread costs ~50 ms
 * built (~0.3 s under tsx, which compiles its modules), about what reading 4 MB takes.
 */
const READER_THREAD_MIN_BYTES = 16 * 1024 * 1024

const PROGRESS_EVERY_MS = 200

/**
 * Import one export into the case: detect its format, stream its records, store the file and
 * every alert, close what a rescan no longer reports, and update findings and initiatives —
 * all in ONE transaction with its audit entry. Any error (a bad record, a full disk, a kill)
 * leaves the case exactly as it was.
 */
export function importFile(c: WritableCaseDb, path: string, opts: ImportOptions): ImportSummary {
  const name = opts.displayName ?? path
  const now = opts.now ?? (() => new Date().toISOString())
  const detected = detectFormat(path, name, opts.format, opts.chunkBytes)
  const format = detected.adapter.format
  opts.onProgress?.({ file: name, records: 0, bytes: 0, totalBytes: safeSize(path), rate: 0, byteRate: 0, phase: 'detect' })

  // the same bytes named with another cluster (--cluster) are other resources: such a file is always read
  const duplicate = hintsOf(opts) ? null : findDuplicate(c.db, path)
  if (duplicate) {
    // nothing to read: a reading started ahead for it is stopped
    settleReadAhead(null)
    return {
      ...emptySummary(name, format, SOURCE_OF[format]),
      duplicateOf: duplicate
    }
  }

  // A file read on the reader thread starts being read now, while the catalogue loads and the
  // transaction begins (the thread takes ~50 ms to start, ~0.3-0.6 s under tsx, and the
  // catalogue ~0.5 s the first time); run() takes up this same reading.
  if (useReaderThread(path, opts)) {
    const plan = readPlan(path, name, detected, opts.chunkBytes, hintsOf(opts))
    if (!settleReadAhead(plan)) readAhead(plan)
  }
  const controls = opts.controls ?? loadControls()
  const importId = randomUUID()
  const started = performance.now()
  const marks: { changed?: number; appended?: number } = {}
  const result = withImportPragmas(c.db, () =>
    audited(
      c.db,
      c.id,
      now,
      () => {
        const r = new ImportRun(c.db, importId, path, name, detected, controls, now(), opts).run()
        marks.changed = performance.now()
        return r
      },
      (s) => ({
        actor: opts.actor,
        action: 'ingest.import',
        target: importId,
        details: {
          file: name,
          format: s.format,
          sha256: s.sha256,
          bytes: s.bytes,
          records: s.records,
          alerts: s.alerts,
          new: s.new,
          updated: s.updated,
          unchanged: s.unchanged,
          closed: s.closed,
          reopened: s.reopened,
          findings: s.findings,
          scope: s.scope,
          catalogue: s.summary.catalogue,
          ...(s.summary.sharedIds.ids ? { sharedIds: s.summary.sharedIds } : {})
        }
      }),
      marks
    )
  )
  const ended = performance.now()
  const summary = result.summary
  summary.durationMs = Math.round(ended - started)
  summary.timing = {
    ...result.timing,
    seal: Math.round((marks.appended ?? ended) - (marks.changed ?? ended)),
    commit: Math.round(ended - (marks.appended ?? ended))
  }
  return summary
}

/**
 * An import touches indexes at random (alert identities, resource keys): with SQLite's default
 * 2 MB page cache each page would be evicted, encrypted, re-read and decrypted many times.
 * A large cache for the import's duration and temporary tables in memory keep that work once
 * per page. Restored afterwards so the connection's other users keep their settings.
 */
function withImportPragmas<T>(db: Db, fn: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number
  const temp = db.pragma('temp_store', { simple: true }) as number
  db.pragma('cache_size = -262144')
  db.pragma('temp_store = MEMORY')
  try {
    return fn()
  } finally {
    db.pragma(`cache_size = ${cache}`)
    db.pragma(`temp_store = ${temp}`)
  }
}

function useReaderThread(path: string, opts: ImportOptions): boolean {
  return (opts.readerThread ?? safeSize(path) >= READER_THREAD_MIN_BYTES) && canWaitHere()
}

/**
 * Read the next file ahead while this import's findings and commit run (about a third of an
 * import, during which the reader thread would be idle). A file that cannot be detected is left
 * to its own import, which reports it.
 */
function startReadAhead(next: NonNullable<ImportOptions['next']>, opts: ImportOptions): void {
  if (!useReaderThread(next.path, opts)) return
  const name = next.displayName ?? next.path
  let detected: Detected
  try {
    detected = detectFormat(next.path, name, opts.format, opts.chunkBytes)
  } catch {
    return
  }
  readAhead(readPlan(next.path, name, detected, opts.chunkBytes, hintsOf(opts)))
}

function hintsOf(opts: ImportOptions): ReadHints | undefined {
  return opts.cluster ? { cluster: opts.cluster } : undefined
}

function emptySummary(file: string, format: FormatName, source: string): ImportSummary {
  return {
    file,
    format,
    importId: null,
    records: 0,
    alerts: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    closed: 0,
    reopened: 0,
    findings: { new: 0, resolved: 0, reopened: 0 },
    scope: { source, tools: [], accounts: [], regions: [], artifacts: [] },
    duplicateOf: null,
    skipped: 0,
    durationMs: 0,
    catalogue: { failing: 0, catalogued: 0, fallback: [] },
    sharedIds: { ids: 0, alerts: 0, example: null }
  }
}

/**
 * The same bytes imported before: nothing to do. Only files of an equal size are hashed, so the
 * check costs nothing for a new export.
 */
function findDuplicate(db: Db, path: string): string | null {
  const size = statSync(path).size
  const same = db.prepare('SELECT id, file_sha256 FROM imports WHERE file_bytes = ?').all(size) as Array<{ id: string; file_sha256: string }>
  if (same.length === 0) return null
  const digest = sha256File(path)
  return same.find((s) => s.file_sha256 === digest)?.id ?? null
}

function sha256File(path: string): string {
  const h = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    let pos = 0
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos)
      if (n <= 0) break
      h.update(buf.subarray(0, n))
      pos += n
    }
  } finally {
    closeSync(fd)
  }
  return h.digest('hex')
}

interface RunResult {
  summary: ImportSummary
  format: FormatName
  source: string
  sha256: string
  bytes: number
  records: number
  alerts: number
  new: number
  updated: number
  unchanged: number
  closed: number
  reopened: number
  findings: ImportSummary['findings']
  scope: ImportScope
  /** the phases inside the transaction's change (the seal and commit are timed around it) */
  timing: Omit<ImportTiming, 'seal' | 'commit'>
}

type PriorAlert = {
  id: number
  tool: string
  tool_finding_id: string
  rule_id: string
  control: string
  resource_id: number
  outcome: string
  muted: number
  severity: number
  closed_at: string | null
  last_seen: string
  source: string
  account: string | null
  closed_by_import: string | null
}

/** The columns of an alert the import compares a record with, in PriorAlert's order. */
const PRIOR_COLUMNS = 'id, tool, tool_finding_id, rule_id, control, resource_id, outcome, muted, severity, closed_at, last_seen, source, account, closed_by_import'

/**
 * A PriorAlert from its row as an array: better-sqlite3 builds a row object key by key, which
 * cost ~2.5 of the ~11.5 µs a lookup took (200,000 lookups of a rescan, a microbenchmark).
 */
function priorAlert(r: unknown[]): PriorAlert {
  return {
    id: r[0] as number,
    tool: r[1] as string,
    tool_finding_id: r[2] as string,
    rule_id: r[3] as string,
    control: r[4] as string,
    resource_id: r[5] as number,
    outcome: r[6] as string,
    muted: r[7] as number,
    severity: r[8] as number,
    closed_at: r[9] as string | null,
    last_seen: r[10] as string,
    source: r[11] as string,
    account: r[12] as string | null,
    closed_by_import: r[13] as string | null
  }
}

class ImportRun {
  private readonly insertBlock: (b: PackedBlock) => void
  private readonly source: string
  private readonly tools = new Set<string>()
  private readonly accounts = new Set<string>()
  private readonly regions = new Set<string>()
  private readonly artifacts = new Set<string>()
  private scannedAt: string | null = null
  private records = 0
  private alerts = 0
  private skipped = 0
  private created = 0
  private updated = 0
  private unchanged = 0
  private reopened = 0
  private bytesRead = 0
  private readonly started = Date.now()
  private lastProgress = 0

  // caches for the hot path
  private readonly resourceIds = new Map<string, number>()
  private readonly controlIndex = new Map<string, number>()
  private readonly controlNames: string[] = []
  private readonly controlTitles = new Map<string, string>()
  /** the file's distinct failing alerts per control index: the catalogue share */
  private readonly failingBy: number[] = []
  /** the first alert of each (tool, tool finding id) hash this import wrote or matched */
  private readonly seen = new Map<number, number>()
  /**
   * Alerts whose tool finding id an alert of another rule in this file already has (a tool's id
   * that is not unique per check): `<hash>\u0001<rule>` → alert id. Only such records are here.
   */
  private readonly sharedIdAlerts = new Map<string, number>()
  /** the hashes of the ids shared by several rules in this file, and an example */
  private readonly sharedIdHashes = new Set<number>()
  private sharedIdCount = 0
  private sharedIdExample: ImportSummary['sharedIds']['example'] = null
  /** whether the case held alerts of a tool before this import */
  private readonly toolHadAlerts = new Map<string, boolean>()
  /** (resource, control) pairs of existing alerts this import touched; new alerts are found by id */
  private readonly pairs = new Set<number>()
  /** the pairs existing alerts moved away from (to another control or resource): each may be left with no alert */
  private readonly leftPairs = new Set<number>()
  /** the id of the first alert this import created: every alert from it on is new */
  private firstNewId: number | null = null
  /** alerts the file reports with an older observation than the case holds: present, not updated */
  private readonly staleIds: number[] = []
  private contextId: number | null = null
  /** an empty scan's accounts are closed in every region (it names none): see emptyScanScope */
  private everyRegion = false

  private readonly st: ReturnType<ImportRun['prepare']>
  /** alerts by identity hash: the index, or for a bulk import a map while the index is rebuilt after (hash-index.ts) */
  private hashes: AlertHashIndex | null = null
  /** the resources the case held before this import, by key: lookups, or for a bulk import a map (resource-keys.ts) */
  private caseResources: CaseResources | null = null

  constructor(
    private readonly db: WritableDb,
    private readonly importId: string,
    private readonly path: string,
    private readonly name: string,
    private readonly detected: Detected,
    private readonly controls: ControlTable,
    private readonly importedAt: string,
    private readonly opts: ImportOptions
  ) {
    this.source = SOURCE_OF[detected.adapter.format]
    this.insertBlock = blockInserter(db, importId)
    this.st = this.prepare()
  }

  private prepare() {
    const db = this.db
    return {
      // A resource is looked up first (CaseResources) and inserted only when missing: measured 1.8 µs
      // for a hit and 7.5 µs for a miss + INSERT, against 5.6 µs and 11 µs for one INSERT … ON
      // CONFLICT DO UPDATE … RETURNING (plus a SELECT when the upsert returns no row).
      insertResource: db.prepare('INSERT INTO resources (key, canonical_id, canonical, type, provider, account, region, name, environment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      // a later tool fills in a known resource's missing name or environment, never replaces them
      fillResource: db.prepare('UPDATE resources SET name = coalesce(name, ?), environment = coalesce(environment, ?) WHERE id = ?'),
      anyAlertOfTool: db.prepare('SELECT 1 FROM alerts WHERE tool = ? LIMIT 1'),
      alertsByHash: db.prepare(`SELECT ${PRIOR_COLUMNS} FROM alerts WHERE uid_hash = ?`).raw(),
      alertById: db.prepare(`SELECT ${PRIOR_COLUMNS} FROM alerts WHERE id = ?`).raw(),
      insertAlert: db.prepare(
        `INSERT INTO alerts (uid_hash, source, tool, tool_finding_id, rule_id, rule_kind, control, resource_id, title, severity, outcome,
           tool_status, muted, account, region, artifact, first_seen, last_seen, first_import, last_import, record_no, raw_offset, raw_length, context_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ),
      updateAlert: db.prepare(
        `UPDATE alerts SET rule_id = ?, rule_kind = ?, control = ?, resource_id = ?, title = ?, severity = ?, outcome = ?, tool_status = ?,
           muted = ?, account = ?, region = ?, artifact = ?, last_seen = max(last_seen, ?), closed_at = NULL, closed_by_import = NULL,
           last_import = ?, record_no = ?, raw_offset = ?, raw_length = ?, context_id = ?, source = ?
         WHERE id = ?`
      ),
      // The same update for an open alert that keeps its finding, account and source (every alert
      // of a rescan that still reports it): the columns the alerts' indexes hold (alerts_finding,
      // alerts_open_scope and its closed_at condition) are left out, so SQLite does not rewrite
      // their entries. SQLite maintains an index when the SET list names one of its columns, even
      // to the value it holds: 200,000 such updates inside an import, ~8 µs each (microbenchmark).
      updateAlertInPlace: db.prepare(
        `UPDATE alerts SET rule_id = ?, rule_kind = ?, title = ?, severity = ?, outcome = ?, tool_status = ?,
           muted = ?, region = ?, artifact = ?, last_seen = max(last_seen, ?),
           last_import = ?, record_no = ?, raw_offset = ?, raw_length = ?, context_id = ?
         WHERE id = ?`
      ),
      insertContext: db.prepare('INSERT INTO alert_contexts (import_id, json) VALUES (?, ?)')
    }
  }

  run(): RunResult {
    const db = this.db
    // the import's new resources, alerts and findings are sealed as one key range each
    beginBulkInserts(db, ['resources', 'alerts', 'findings'])
    const findingsTable = deferFindingsTable(db)
    const boardCounts = deferBoardCounts(db)
    const fileBytes = safeSize(this.path)
    const hashes = (this.hashes = AlertHashIndex.begin(db, fileBytes, this.opts.bulkIndex))
    this.caseResources = CaseResources.begin(db, fileBytes, this.opts.resourceMap)
    const seq = ((db.prepare('SELECT max(seq) AS m FROM imports').get() as { m: number | null }).m ?? 0) + 1
    const header = this.detected.kind === 'csv' ? this.detected.header.join(this.detected.delimiter) : null
    db.prepare(
      `INSERT INTO imports (id, seq, file_name, file_sha256, file_bytes, format, source, tools, accounts, regions, artifacts, imported_at, actor, header)
       VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '[]', '[]', '[]', ?, ?, ?)`
    ).run(this.importId, seq, this.name, '0'.repeat(64), fileBytes, this.detected.adapter.format, this.source, this.importedAt, canonicalJson(this.opts.actor), header)

    const sink: ReadSink = {
      block: (b) => this.insertBlock(b),
      context: (json) => {
        this.contextId = json === null ? null : Number(this.st.insertContext.run(this.importId, json).lastInsertRowid)
      },
      alert: (a) => this.add(a),
      progress: (records, bytes) => {
        this.records = records
        this.bytesRead = bytes
        this.progress('read', false)
      }
    }
    const plan = readPlan(this.path, this.name, this.detected, this.opts.chunkBytes, hintsOf(this.opts))
    const thread = settleReadAhead(plan) || useReaderThread(this.path, this.opts)
    const t0 = performance.now()
    const read = thread ? readInThread(plan, sink) : readExport(plan, sink)
    hashes.finish()
    const t1 = performance.now()
    if (this.opts.next) startReadAhead(this.opts.next, this.opts)
    this.records = read.records
    this.bytesRead = read.bytes
    this.skipped = read.skipped
    const sha256 = read.sha256
    this.progress('findings', true)
    if (this.records === 0) this.emptyScanScope()
    const closed = this.opts.partial ? 0 : this.closeUnreported()
    const t2 = performance.now()
    this.noteTouched()
    const findings = this.updateFindings()
    const t3 = performance.now()
    boardCounts.finish()
    findingsTable.finish('temp.ingest_touched')
    db.exec('DELETE FROM temp.ingest_touched')
    const t4 = performance.now()
    const scope: ImportScope = {
      source: this.source,
      tools: [...this.tools].sort(),
      accounts: [...this.accounts].sort(),
      regions: [...this.regions].sort(),
      artifacts: [...this.artifacts].sort()
    }
    db.prepare(
      `UPDATE imports SET file_sha256 = ?, file_bytes = ?, tools = ?, accounts = ?, regions = ?, artifacts = ?, scanned_at = ?, records = ?, alerts = ?,
         new_alerts = ?, updated_alerts = ?, unchanged_alerts = ?, closed_alerts = ?, reopened_alerts = ?, new_findings = ?, resolved_findings = ?, reopened_findings = ?
       WHERE id = ?`
    ).run(
      sha256,
      this.bytesRead,
      JSON.stringify(scope.tools),
      JSON.stringify(scope.accounts),
      JSON.stringify(scope.regions),
      JSON.stringify(scope.artifacts),
      this.scannedAt,
      this.records,
      this.alerts,
      this.created,
      this.updated,
      this.unchanged,
      closed,
      this.reopened,
      findings.new,
      findings.resolved,
      findings.reopened,
      this.importId
    )
    this.progress('done', true)
    const summary: ImportSummary = {
      file: this.name,
      format: this.detected.adapter.format,
      importId: this.importId,
      records: this.records,
      alerts: this.alerts,
      new: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      closed,
      reopened: this.reopened,
      findings,
      scope,
      duplicateOf: null,
      skipped: this.skipped,
      durationMs: 0,
      catalogue: this.catalogueShare(),
      sharedIds: { ids: this.sharedIdHashes.size, alerts: this.sharedIdCount, example: this.sharedIdExample }
    }
    return {
      summary,
      format: summary.format,
      source: this.source,
      sha256,
      bytes: this.bytesRead,
      records: this.records,
      alerts: this.alerts,
      new: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      closed,
      reopened: this.reopened,
      findings,
      scope,
      timing: {
        read: Math.round(t1 - t0),
        waitedForReader: read.waitedMs ?? 0,
        close: Math.round(t2 - t1),
        findings: Math.round(t3 - t2),
        readModels: Math.round(t4 - t3)
      }
    }
  }

  private add(d: AlertItem): void {
    const res = d.res
    const rid = this.resourceId(res)
    const control = this.controls.resolve(d.tool, d.ruleId, d.kind, res.type)
    let cidx = this.controlIndex.get(control)
    if (cidx === undefined) {
      cidx = this.controlNames.length
      this.controlNames.push(control)
      this.controlIndex.set(control, cidx)
      this.controlTitles.set(control, this.controls.title(control) ?? d.title)
    }
    const account = d.account
    const region = d.region
    const observed = d.observedAt ?? this.importedAt
    this.tools.add(d.tool)
    if (account) this.accounts.add(account)
    if (region) this.regions.add(region)
    if (d.artifact) this.artifacts.add(d.artifact)
    if (this.scannedAt === null || observed > this.scannedAt) this.scannedAt = observed
    const h = d.h
    const severity = d.severity
    const muted = d.muted

    // An alert is (tool, tool finding id, rule): a tool that gives several checks one finding id
    // (Prowler's example files, hand-made exports) gets an alert per check, not the last row.
    let prior: PriorAlert | undefined
    let repeated = false
    /** an alert of this file with the same tool finding id but another rule */
    let otherRule: PriorAlert | undefined
    const sameFile = this.seen.get(h)
    if (sameFile !== undefined) {
      const row = priorAlert(this.st.alertById.get(sameFile) as unknown[])
      if (row.tool_finding_id === d.toolFindingId && row.tool === d.tool) {
        if (row.rule_id === d.ruleId) {
          prior = row
          repeated = true
        } else {
          otherRule = row
          const again = this.sharedIdAlerts.get(`${h}\u0001${d.ruleId}`)
          if (again !== undefined) {
            prior = priorAlert(this.st.alertById.get(again) as unknown[])
            repeated = true
          }
        }
      }
    }
    // Every alert this import wrote is in `seen` under its hash, so for a tool the case held no
    // alerts of before, an alert whose hash `seen` lacks is new without asking the database:
    // on a first import that skips one index lookup per alert (~5 µs each).
    if (!prior && (sameFile !== undefined || this.hadAlerts(d.tool))) {
      for (const row of this.alertsByHash(h)) {
        if (row.tool_finding_id === d.toolFindingId && row.tool === d.tool && row.rule_id === d.ruleId) {
          prior = row
          break
        }
      }
    }
    if (otherRule && !repeated) this.noteSharedId(h, d, otherRule.rule_id)
    if (!prior) {
      const id = Number(
        this.st.insertAlert.run(
          h,
          this.source,
          d.tool,
          d.toolFindingId,
          d.ruleId,
          d.kind,
          control,
          rid,
          d.title,
          severity,
          d.outcome,
          d.toolStatus,
          muted,
          account,
          region,
          d.artifact,
          observed,
          observed,
          this.importId,
          this.importId,
          d.recordNo,
          d.offset,
          d.length,
          this.contextId
        ).lastInsertRowid
      )
      if (otherRule) this.sharedIdAlerts.set(`${h}\u0001${d.ruleId}`, id)
      else this.seen.set(h, id)
      this.hashes?.inserted(h, id)
      this.firstNewId ??= id
      this.created++
      this.alerts++
      if (d.outcome === 'FAIL') this.failingBy[cidx] = (this.failingBy[cidx] ?? 0) + 1
      return
    }
    if (otherRule) this.sharedIdAlerts.set(`${h}\u0001${d.ruleId}`, prior.id)
    else this.seen.set(h, prior.id)
    if (!repeated) {
      this.alerts++
      if (d.outcome === 'FAIL') this.failingBy[cidx] = (this.failingBy[cidx] ?? 0) + 1
    }
    if (this.firstNewId === null || prior.id < this.firstNewId) this.pairs.add(rid * 1048576 + cidx)
    // an older observation (an old scan imported late, or an older copy of the record further
    // down the same file) tells us nothing new about this alert
    if (observed < prior.last_seen) {
      if (!repeated) {
        this.unchanged++
        this.staleIds.push(prior.id)
      }
      return
    }
    if (prior.control !== control || prior.resource_id !== rid) {
      const oldIdx = this.indexOf(prior.control)
      this.pairs.add(prior.resource_id * 1048576 + oldIdx)
      this.leftPairs.add(prior.resource_id * 1048576 + oldIdx)
    }
    const inPlace =
      prior.closed_at === null &&
      prior.closed_by_import === null &&
      prior.control === control &&
      prior.resource_id === rid &&
      prior.account === account &&
      prior.source === this.source
    if (inPlace) {
      this.st.updateAlertInPlace.run(
        d.ruleId,
        d.kind,
        d.title,
        severity,
        d.outcome,
        d.toolStatus,
        muted,
        region,
        d.artifact,
        observed,
        this.importId,
        d.recordNo,
        d.offset,
        d.length,
        this.contextId,
        prior.id
      )
    } else {
      this.st.updateAlert.run(
        d.ruleId,
        d.kind,
        control,
        rid,
        d.title,
        severity,
        d.outcome,
        d.toolStatus,
        muted,
        account,
        region,
        d.artifact,
        observed,
        this.importId,
        d.recordNo,
        d.offset,
        d.length,
        this.contextId,
        this.source,
        prior.id
      )
    }
    if (repeated) return
    const wasOpenProblem = prior.closed_at === null && prior.outcome === 'FAIL'
    if (d.outcome === 'FAIL' && !wasOpenProblem) this.reopened++
    else if (
      prior.closed_at !== null ||
      observed > prior.last_seen ||
      prior.outcome !== d.outcome ||
      prior.muted !== muted ||
      prior.severity !== severity ||
      prior.control !== control ||
      prior.resource_id !== rid
    ) {
      this.updated++
    } else {
      this.unchanged++
    }
  }

  /** The case's alerts with this identity hash (the import's too), by the index or, while a bulk import has it dropped, by id. */
  private alertsByHash(h: number): PriorAlert[] {
    const hashes = this.hashes
    if (!hashes?.deferred) return (this.st.alertsByHash.all(h) as unknown[][]).map(priorAlert)
    return hashes.idsOf(h).map((id) => priorAlert(this.st.alertById.get(id) as unknown[]))
  }

  /** A record whose tool finding id an alert of another rule in this file has: counted, the first kept as the example. */
  private noteSharedId(h: number, d: AlertItem, otherRule: string): void {
    if (!this.sharedIdHashes.has(h)) {
      this.sharedIdHashes.add(h)
      this.sharedIdCount++ // the alert of the other rule, seen first
    }
    this.sharedIdCount++
    const ex = this.sharedIdExample
    if (ex === null) this.sharedIdExample = { tool: d.tool, toolFindingId: d.toolFindingId, rules: [otherRule, d.ruleId] }
    else if (ex.tool === d.tool && ex.toolFindingId === d.toolFindingId && ex.rules.length < 5 && !ex.rules.includes(d.ruleId)) ex.rules.push(d.ruleId)
  }

  /** The file's failing alerts: how many landed on catalogued controls, and on which per-tool ones the others did. */
  private catalogueShare(): CatalogueShare {
    let failing = 0
    let catalogued = 0
    const fallback: CatalogueShare['fallback'] = []
    this.failingBy.forEach((alerts, cidx) => {
      if (!alerts) return
      failing += alerts
      const control = this.controlNames[cidx]
      if (this.controls.isMapped(control)) catalogued += alerts
      else fallback.push({ control, alerts })
    })
    fallback.sort((a, b) => b.alerts - a.alerts || a.control.localeCompare(b.control))
    return { failing, catalogued, fallback }
  }

  private indexOf(control: string): number {
    let i = this.controlIndex.get(control)
    if (i === undefined) {
      i = this.controlNames.length
      this.controlNames.push(control)
      this.controlIndex.set(control, i)
      this.controlTitles.set(control, this.controls.title(control) ?? control)
    }
    return i
  }

  /**
   * Whether the case held alerts of the tool before this import. Asked at the tool's first alert
   * (only a 53-bit hash collision with another tool's alert can delay it past an insert, and then
   * the answer is yes: a lookup too many, never one too few).
   */
  private hadAlerts(tool: string): boolean {
    let v = this.toolHadAlerts.get(tool)
    if (v === undefined) {
      v = this.st.anyAlertOfTool.get(tool) !== undefined
      this.toolHadAlerts.set(tool, v)
    }
    return v
  }

  private resourceId(r: CanonicalResource): number {
    const cached = this.resourceIds.get(r.key)
    if (cached !== undefined) return cached
    let id: number
    // Every resource this import met is in resourceIds; one it has not is the case's, or new (in a
    // case that held none, new without asking: ~36,000 lookups of the bench's first 50,000 alerts)
    const known = (this.caseResources as CaseResources).get(r.key)
    if (known === undefined) {
      id = Number(this.st.insertResource.run(r.key, r.id, r.canonical ? 1 : 0, r.type, r.provider, r.account, r.region, r.name, r.environment).lastInsertRowid)
    } else {
      id = known.id
      if ((known.noName && r.name !== null) || (known.noEnv && r.environment !== null)) this.st.fillResource.run(r.name, r.environment, id)
    }
    this.resourceIds.set(r.key, id)
    return id
  }

  /**
   * The scope of a scan that found nothing: its records name no account, so a clean Prowler scan
   * (`[]`, imported as prowler-ocsf) takes its account and time from the file name Prowler gives
   * its output by default, `prowler-output-<account>-<YYYYMMDDHHMMSS>.ocsf.json`,
   * and covers every region of
   * that account (Prowler scans all regions unless told otherwise; a scan of some regions only is
   * imported with --partial). Any other empty export names no scope and closes nothing.
   */
  private emptyScanScope(): void {
    // Prowler 3 names its JSON the same way (prowler-output-<account>-<time>.json)
    if (this.detected.adapter.format !== 'prowler-ocsf' && this.detected.adapter.format !== 'prowler-json') return
    const m = /^prowler-output-(\d{12})-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[._-]|$)/.exec(basename(this.path))
    if (!m) return
    this.tools.add(this.detected.adapter.tool)
    this.accounts.add(m[1])
    this.everyRegion = true
    // the scan's time, in the scanning machine's local time (Prowler's datetime.today()): taken as
    // the earliest it can be (UTC+14), so the scan never closes an alert seen after it
    const at = Date.parse(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}Z`) - 14 * 3600_000
    if (!Number.isNaN(at)) this.scannedAt = new Date(at).toISOString()
  }

  /**
   * Validation by rescan: alerts of this source, in this scan's scope, that this scan no longer
   * reports are closed. Scope is the tools, accounts and regions the scan covered (or, for
   * account-less scans, the artifacts: image, repository, cluster). An older scan imported late
   * closes nothing seen after it.
   */
  private closeUnreported(): number {
    const db = this.db
    const primary = this.detected.adapter.tool
    const tools = new Set(this.tools)
    if (primary !== 'sarif' && primary !== 'ocsf') tools.add(primary)
    db.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_scope (kind TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (kind, v)) WITHOUT ROWID')
    db.exec('DELETE FROM temp.ingest_scope')
    const put = db.prepare('INSERT OR IGNORE INTO temp.ingest_scope (kind, v) VALUES (?, ?)')
    for (const t of tools) put.run('tool', t)
    for (const a of this.accounts) put.run('account', a)
    for (const r of this.regions) put.run('region', r)
    for (const a of this.artifacts) put.run('artifact', a)
    for (const id of this.staleIds) put.run('present', String(id))
    const rows = db
      .prepare(
        `UPDATE alerts SET closed_at = @now, closed_by_import = @imp
         WHERE closed_at IS NULL AND source = @source AND last_import <> @imp AND last_seen <= @scanned
           AND CAST(id AS TEXT) NOT IN (SELECT v FROM temp.ingest_scope WHERE kind = 'present')
           AND tool IN (SELECT v FROM temp.ingest_scope WHERE kind = 'tool')
           AND (
             (account IS NOT NULL AND account IN (SELECT v FROM temp.ingest_scope WHERE kind = 'account')
               AND (region IS NULL OR @everyRegion OR region IN (SELECT v FROM temp.ingest_scope WHERE kind = 'region')))
             OR (account IS NULL AND artifact IN (SELECT v FROM temp.ingest_scope WHERE kind = 'artifact'))
           )
         RETURNING control, resource_id`
      )
      .all({ now: this.importedAt, imp: this.importId, source: this.source, scanned: this.scannedAt ?? this.importedAt, everyRegion: this.everyRegion ? 1 : 0 }) as Array<{
      control: string
      resource_id: number
    }>
    for (const r of rows) this.pairs.add(r.resource_id * 1048576 + this.indexOf(r.control))
    db.exec('DELETE FROM temp.ingest_scope')
    return rows.length
  }

  /**
   * The (control, resource) pair of every alert this import wrote, into temp.ingest_touched: the
   * new alerts' (every id from firstNewId on) and those of the existing alerts it updated or
   * closed, a moved alert's pair before the move as well as after (`pairs`). The findings are
   * updated from it, and the findings table's rows refreshed. The pairs moved alerts left go
   * into temp.ingest_left too: a finding there may have no alert left (updateFindings).
   */
  private noteTouched(): void {
    const db = this.db
    db.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_touched (control TEXT NOT NULL, resource_id INTEGER NOT NULL, PRIMARY KEY (control, resource_id)) WITHOUT ROWID')
    db.exec('DELETE FROM temp.ingest_touched')
    if (this.firstNewId !== null) {
      db.prepare('INSERT OR IGNORE INTO temp.ingest_touched (control, resource_id) SELECT control, resource_id FROM alerts WHERE id >= ?').run(this.firstNewId)
    }
    if (this.pairs.size === 0) return
    // One statement for the pairs of the alerts it updated (a rescan: one per alert it still
    // reports; 156,340 INSERTs from JavaScript took ~0.3-0.4 s of the bench's rescan): the pair
    // numbers as a JSON array, their controls by index (CROSS JOIN: the array drives).
    db.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_controls (idx INTEGER PRIMARY KEY, control TEXT NOT NULL)')
    db.exec('DELETE FROM temp.ingest_controls')
    const control = db.prepare('INSERT INTO temp.ingest_controls (idx, control) VALUES (?, ?)')
    this.controlNames.forEach((name, i) => control.run(i, name))
    const put = (table: string, pairs: Set<number>): void => {
      db.prepare(
        `INSERT OR IGNORE INTO temp.${table} (control, resource_id)
         SELECT c.control, (j.value - c.idx) / 1048576 FROM json_each(?) j CROSS JOIN temp.ingest_controls c ON c.idx = j.value % 1048576`
      ).run(JSON.stringify([...pairs]))
    }
    put('ingest_touched', this.pairs)
    if (this.leftPairs.size) {
      db.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_left (control TEXT NOT NULL, resource_id INTEGER NOT NULL, PRIMARY KEY (control, resource_id)) WITHOUT ROWID')
      db.exec('DELETE FROM temp.ingest_left')
      put('ingest_left', this.leftPairs)
    }
    db.exec('DELETE FROM temp.ingest_controls')
  }

  /** Findings are (control, resource): create, resolve, reopen the ones this import touched (noteTouched). */
  private updateFindings(): ImportSummary['findings'] {
    const db = this.db
    db.exec('DROP TABLE IF EXISTS temp.ingest_agg')
    db.exec(
      `CREATE TEMP TABLE ingest_agg AS
       SELECT t.control AS control, t.resource_id AS resource_id,
              sum(a.closed_at IS NULL AND a.outcome = 'FAIL') AS active,
              sum(a.closed_at IS NULL AND a.outcome = 'FAIL' AND a.muted = 0) AS unmuted,
              max(CASE WHEN a.closed_at IS NULL AND a.outcome = 'FAIL' THEN a.severity END) AS sev_active,
              max(a.severity) AS sev_any,
              min(a.first_seen) AS first_seen,
              max(a.last_seen) AS last_seen,
              min(a.title) AS title
       FROM temp.ingest_touched t JOIN alerts a ON a.control = t.control AND a.resource_id = t.resource_id
       GROUP BY t.control, t.resource_id`
    )
    db.exec('CREATE INDEX temp.ingest_agg_key ON ingest_agg (control, resource_id)')
    const p = { imp: this.importId, now: this.importedAt }
    // Initiatives first (a control's first findings come with its initiative), so new findings
    // go straight into their control's catch-all initiative when it has no split selectors —
    // what assignTouchedFindings would set — instead of being updated again after: that UPDATE
    // of every new finding took 0.5 s of the 400,000-alert benchmark.
    const firstFindings = db.prepare('SELECT 1 FROM temp.ingest_agg WHERE control = ? AND active > 0 LIMIT 1')
    createMissingInitiatives(
      db,
      this.controlNames,
      (c) => this.controlTitles.get(c) ?? c,
      this.importedAt,
      this.opts.actor,
      (c) => firstFindings.get(c) !== undefined
    )
    // A new finding of a mapped control takes the catalogue's title at once, rather than being
    // written and then retitled by the UPDATE below (each row written twice, and sealed twice)
    db.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_titles (control TEXT PRIMARY KEY, title TEXT NOT NULL) WITHOUT ROWID')
    db.exec('DELETE FROM temp.ingest_titles')
    const putTitle = db.prepare('INSERT INTO temp.ingest_titles (control, title) VALUES (?, ?)')
    for (const control of this.controlNames) {
      const t = this.controls.title(control)
      if (t) putTitle.run(control, t)
    }
    const created = db
      .prepare(
        `INSERT INTO findings (control, resource_id, status, muted, severity, title, first_seen, last_seen, opened_by_import, initiative_id)
         SELECT g.control, g.resource_id, 'open', g.unmuted = 0, g.sev_active, coalesce((SELECT t.title FROM temp.ingest_titles t WHERE t.control = g.control), g.title),
                g.first_seen, g.last_seen, @imp,
                (SELECT s.initiative_id FROM initiative_selectors s
                 WHERE s.control = g.control AND s.account IS NULL AND s.environment IS NULL
                   AND NOT EXISTS (SELECT 1 FROM initiative_selectors x WHERE x.control = g.control AND (x.account IS NOT NULL OR x.environment IS NOT NULL)))
         FROM temp.ingest_agg g
         WHERE g.active > 0 AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.control = g.control AND f.resource_id = g.resource_id)`
      )
      .run(p).changes
    const reopened = db
      .prepare(
        `UPDATE findings SET status = 'open', regression = 1, reopen_count = reopen_count + 1, reopened_at = @now,
           reopened_by_import = @imp, resolved_at = NULL, resolved_by_import = NULL
         FROM temp.ingest_agg g
         WHERE g.control = findings.control AND g.resource_id = findings.resource_id AND g.active > 0 AND findings.status = 'resolved'`
      )
      .run(p).changes
    let resolved = db
      .prepare(
        `UPDATE findings SET status = 'resolved', resolved_at = @now, resolved_by_import = @imp
         FROM temp.ingest_agg g
         WHERE g.control = findings.control AND g.resource_id = findings.resource_id AND g.active = 0 AND findings.status = 'open'`
      )
      .run(p).changes
    // A finding whose every alert moved to another control or resource has no alert left, so
    // no row in ingest_agg: nothing reports it any more, and it is resolved as one whose alerts
    // all pass or closed (left open, it would count, be investigated and planned with no alert).
    if (this.leftPairs.size) {
      resolved += db
        .prepare(
          `UPDATE findings SET status = 'resolved', muted = 0, resolved_at = @now, resolved_by_import = @imp
           FROM temp.ingest_left l
           WHERE l.control = findings.control AND l.resource_id = findings.resource_id AND findings.status = 'open'
             AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.control = l.control AND a.resource_id = l.resource_id)`
        )
        .run(p).changes
      db.exec('DELETE FROM temp.ingest_left')
    }
    // only the findings it changes: a row written is a row sealed again (and its counts moved)
    db.prepare(
      `UPDATE findings SET severity = coalesce(g.sev_active, g.sev_any, findings.severity), muted = (g.active > 0 AND g.unmuted = 0),
         last_seen = max(findings.last_seen, g.last_seen), first_seen = min(findings.first_seen, g.first_seen)
       FROM temp.ingest_agg g
       WHERE g.control = findings.control AND g.resource_id = findings.resource_id AND findings.opened_by_import <> @imp
         AND (findings.severity IS NOT coalesce(g.sev_active, g.sev_any, findings.severity) OR findings.muted IS NOT (g.active > 0 AND g.unmuted = 0)
           OR findings.last_seen < g.last_seen OR findings.first_seen > g.first_seen)`
    ).run(p)
    // the table's title for mapped controls, whatever the alerts are called
    db.prepare('UPDATE findings SET title = t.title FROM temp.ingest_titles t WHERE findings.control = t.control AND findings.title <> t.title').run()
    assignTouchedFindings(db)
    db.exec('DROP TABLE IF EXISTS temp.ingest_agg')
    db.exec('DELETE FROM temp.ingest_titles')
    return { new: created, resolved, reopened }
  }

  private progress(phase: ImportProgress['phase'], force: boolean): void {
    const cb = this.opts.onProgress
    if (!cb) return
    const t = Date.now()
    if (!force && t - this.lastProgress < PROGRESS_EVERY_MS) return
    this.lastProgress = t
    const secs = Math.max(0.001, (t - this.started) / 1000)
    cb({
      file: this.name,
      records: this.records,
      bytes: this.bytesRead,
      totalBytes: safeSize(this.path),
      rate: this.records / secs,
      byteRate: this.bytesRead / secs,
      phase
    })
  }
}

/**
 * Put the findings this import touched into their initiatives. Most controls have only their
 * catch-all initiative: those are set in one join; controls a person split go through the
 * general most-specific-selector rule.
 */
function assignTouchedFindings(db: WritableDb): void {
  db.prepare(
    `UPDATE findings SET initiative_id = s.initiative_id
     FROM temp.ingest_agg g, initiative_selectors s
     WHERE g.control = findings.control AND g.resource_id = findings.resource_id
       AND s.control = findings.control AND s.account IS NULL AND s.environment IS NULL
       AND findings.initiative_id IS NOT s.initiative_id
       AND NOT EXISTS (SELECT 1 FROM initiative_selectors x WHERE x.control = findings.control AND (x.account IS NOT NULL OR x.environment IS NOT NULL))`
  ).run()
  assignFindings(
    db,
    `id IN (SELECT f.id FROM temp.ingest_agg g JOIN findings f ON f.control = g.control AND f.resource_id = g.resource_id
            WHERE EXISTS (SELECT 1 FROM initiative_selectors x WHERE x.control = f.control AND (x.account IS NOT NULL OR x.environment IS NOT NULL)))`
  )
}
