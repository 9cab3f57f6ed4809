// Stage 1 (ingest) types shared by main, preload and the renderer: imports, findings,
// initiatives. Model types only; no Node built-ins, Electron or DOM.
import type { Actor, FindingStatus, InvestigationStep, Provider, RciVerdict, Severity } from './model'

/** Every export format Lastmile reads; `--format` (and the Import screen) takes one of these. */
export const FORMAT_NAMES = [
  'asff',
  'securityhub-ocsf',
  'prowler-ocsf',
  'ocsf',
  'prowler-csv',
  'prowler-json',
  'prowler-v2-json',
  'prowler-v2-csv',
  'wiz-issues-csv',
  'wiz-vulnerabilities-csv',
  'wiz-api-json',
  'trivy-json',
  'trivy-operator-json',
  'defender-recommendations-csv',
  'defender-assessments-json',
  'defender-alerts-json',
  'orca-alerts-json',
  'inspector-json',
  'sarif',
  'checkov-json',
  'kics-json',
  'tfsec-json'
] as const
export type FormatName = (typeof FORMAT_NAMES)[number]

/**
 * What a rule checks; lets the control catalogue map by kind (`match:` in controls.yaml or a
 * control folder's playbook.yaml) where rule ids cannot be listed.
 */
export const RULE_KINDS = ['check', 'vulnerability', 'misconfiguration', 'secret', 'threat', 'issue'] as const
export type RuleKind = (typeof RULE_KINDS)[number]

export interface ImportScope {
  /** the family of exports (securityhub, prowler, wiz-issues…): a rescan closes only its own */
  source: string
  tools: string[]
  accounts: string[]
  regions: string[]
  artifacts: string[]
}

/**
 * Where an import's time went, in milliseconds of the importing thread's wall clock, in the order
 * the phases run (issue #18 asks where ingest spends its time; the bench prints these).
 */
export interface ImportTiming {
  /** reading the file and writing its alerts, resources and stored blocks */
  read: number
  /** of `read`: the importing thread waiting for the reader thread's batches (0 when read inline) */
  waitedForReader: number
  /** closing the alerts of the scan's scope it no longer reports (rescan) */
  close: number
  /** findings created, resolved, reopened; initiatives */
  findings: number
  /** the read models an import refreshes once at its end (the findings table) */
  readModels: number
  /** the audit entry: the state seal of every row written, and the entry itself */
  seal: number
  /** COMMIT: the transaction's pages encrypted into the WAL, and the checkpoint (unless the checkpoint thread runs it: db/checkpointer.ts) */
  commit: number
}

/** One file's import: CLI.md `ingest --json` imports[] (file, format, alerts, new, updated, closed, reopened), plus detail. */
export interface ImportSummary {
  file: string
  format: FormatName
  importId: string | null
  /** records read from the file */
  records: number
  /** distinct alerts in the file */
  alerts: number
  new: number
  updated: number
  unchanged: number
  closed: number
  reopened: number
  findings: { new: number; resolved: number; reopened: number }
  scope: ImportScope
  /** the import this file repeats byte for byte: nothing was changed */
  duplicateOf: string | null
  /** records that are not findings */
  skipped: number
  /** how long the import took, reading to commit */
  durationMs: number
  /** where that time went (absent for a duplicate, which reads nothing) */
  timing?: ImportTiming
  /** where the file's failing alerts landed: on controls of the catalogue, or on per-tool ones */
  catalogue: CatalogueShare
  /**
   * Records that share one tool finding id but report different checks (a tool whose id is not
   * unique per check): each check is kept as its own alert. `ids` finding ids were shared by
   * `alerts` alerts; `example` names one, with its rules.
   */
  sharedIds: { ids: number; alerts: number; example: { tool: string; toolFindingId: string; rules: string[] } | null }
}

/**
 * An import's FAIL alerts by the control they landed on: a control of the catalogue (where the
 * same problem from every tool is one finding), or a per-tool fallback control `<tool>.<rule id>`
 * for a rule the catalogue does not map (it deduplicates with nothing of another tool's).
 */
export interface CatalogueShare {
  /** distinct failing alerts in the file */
  failing: number
  /** of them, on a control of the catalogue */
  catalogued: number
  /** the per-tool fallback controls the others landed on, most alerts first: the rules to add to the catalogue */
  fallback: Array<{ control: string; alerts: number }>
}

export type IngestFileOutcome = ImportSummary | { file: string; format: null; error: { code: string; message: string } }

export interface IngestResult {
  imports: IngestFileOutcome[]
  /** findings in the case after the ingest */
  findings: number
  /** initiatives holding findings after the ingest */
  initiatives: number
  /**
   * the user cancelled: files before the one being imported stay imported, that one was rolled
   * back, later ones were not started (their outcomes say which)
   */
  cancelled?: true
}

/** The case after one import: `findings.exposure`, for the exposure-over-time chart. */
export interface ExposurePoint {
  import: string
  file: string
  /** when the scan ran, when the export says (null when it does not) */
  scannedAt: string | null
  importedAt: string
  /** findings this import opened, resolved and reopened */
  opened: number
  resolved: number
  reopened: number
  /** findings open after it, as the scans say (a person's decisions aside) */
  open: number
}

export type Decision = 'suppressed' | 'risk-accepted'

/** One finding as `findings --json` prints it (CLI.md), plus what people need to act on it. */
export interface FindingView {
  id: string
  control: string
  title: string
  resource: {
    id: string
    type: string
    provider: Provider
    account: string | null
    region: string | null
    name: string | null
    environment: string | null
    /** false when the id could not be made canonical and is kept as the tool gave it */
    canonical: boolean
  }
  alerts: Array<{
    id: string
    tool: string
    toolFindingId: string
    ruleId: string
    import: string
    outcome: 'FAIL' | 'PASS' | 'INFO'
    toolStatus: string
    closed: boolean
    lastSeen: string
  }>
  severity: Severity
  status: FindingStatus
  /** came back after a rescan had resolved it */
  regression: boolean
  decision: { decision: Decision; reason: string; by: Actor; at: string; expires: string | null } | null
  /** the RCI (stage 3): its steps as CLI.md prints them; UNSCORED with no steps until investigated */
  rci: { verdict: RciVerdict; steps: InvestigationStep[] }
  initiative: string | null
  firstSeen: string
  lastSeen: string
}

/**
 * What a control's fix does to the running system: additive turns something on (logging, a
 * detector, encryption of new data: breaks nothing in use, may cost money), restrictive takes
 * access or a path away (safe only when evidence shows nothing uses it), replacing recreates or
 * restarts the resource (downtime or data migration).
 */
export type FixEffect = 'additive' | 'restrictive' | 'replacing'
export const FIX_EFFECTS: readonly FixEffect[] = ['additive', 'restrictive', 'replacing']
/** What each effect means, in the words the page, the CLI and the report use. */
export const FIX_EFFECT_MEANING: Record<FixEffect, string> = {
  additive: 'turns something on: nothing in use loses access; it may cost money and writes new data',
  restrictive: 'takes access or a path away: safe only if evidence shows nothing uses it',
  replacing: 'recreates or restarts the resource: downtime or a data migration'
}

/**
 * A control as a finding's page shows it: the catalogue's canonical control with every tool rule
 * id it covers (so alerts of all those rules on one resource are one finding), or the per-tool
 * fallback control `<tool>.<rule id>` of a rule the catalogue does not map.
 */
export interface ControlView {
  id: string
  /** the catalogue's title; null for a per-tool control (the alerts' own title is the finding's) */
  title: string | null
  /** false for a per-tool fallback control: it joins no other tool's alert about the same problem */
  catalogued: boolean
  resourceType: string | null
  /** every rule id it covers, by tool, as the tools emit them; a per-tool control's own one rule */
  rules: Record<string, string[]>
  /** rules it takes by kind rather than by id (every vulnerability of an image, any tool) */
  match: Array<{ kind: RuleKind; resourceType?: string; tool?: string }>
  /** what its fix does to the running system (restrictive for a per-tool control: nothing says otherwise) */
  effect: FixEffect
  /** how the effect was decided: the folder that declares it, an override, the rule that read the title, or the default */
  effectBy: string
  /** whether Lastmile renders a fix for it (its folder's control.ts): without one, a finding is routed to its owner, never planned */
  fix: boolean
  /** what the catalogue adds when its tables give it */
  severity?: Severity
  /** benchmark requirement ids that name the same problem (cis-aws-3.0: [2.1.1]) */
  frameworks?: Record<string, string[]>
  /** the reference tables and hand-made files the control was built from */
  source?: string[]
  /** why several published controls are one here */
  why?: string
}

export interface InitiativeView {
  id: string
  /** the control it was created for (the first, after a merge) */
  control: string
  controls: string[]
  title: string
  /** open findings (not resolved, not suppressed) */
  findings: number
  resolved: number
  suppressed: number
  /** alerts still reported on the open findings */
  alerts: number
  resources: number
  tools: string[]
  accounts: number
  accountIds: string[]
  severity: Record<Severity, number>
  rci: Record<RciVerdict, number>
  regressions: number
  origin: 'auto' | 'split'
  parent: string | null
  selectors: Array<{ control: string; account: string | null; environment: string | null }>
}

/** An alert's original record, byte for byte, and what surrounded it in its file. */
export interface AlertRecordView {
  raw: string
  context: unknown
  import: string
  record: number
  format: string
}
