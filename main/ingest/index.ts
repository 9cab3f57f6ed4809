// Stage 1, ingest: the public surface other services, the CLI and the IPC handlers use.
export { importFile, type ImportOptions } from './importer'
export {
  ingestInProcess,
  ingestInWorker,
  caseTotals,
  toModelProgress,
  asApiError,
  type IngestResult,
  type IngestFileOutcome,
  type IngestOptions,
  type WorkerIngestRequest,
  type RunningIngest
} from './service'
export { listFindings, getFinding, setFindingDecision, alertRecord, findingsCsv, type FindingView, type FindingFilter, type Decision } from './findings'
export { listInitiatives, splitInitiative, mergeInitiatives, renameInitiative, type InitiativeView } from './initiatives'
export { loadControls, parseControls, defaultControlsPath, ControlTable } from './controls'
export { detectFormat } from './detect'
export { findingRef, initiativeRef, parseRef, parseFindingRef, parseInitiativeRef } from './ids'
export { toCsv, csvCell, csvLine, neutraliseCell } from './csv-writer'
export { FORMAT_NAMES, type FormatName, type ImportSummary, type ImportProgress, type ImportScope } from './types'
