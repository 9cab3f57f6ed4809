// The ONE API contract between the renderer and main (DESIGN.md, "Rules of the house").
//
// Every call is declared here once: its channel name, a zod schema for its input and its
// output type. main registers exactly one handler per entry (the compiler rejects a missing or
// renamed one, see main/ipc/handlers.ts), preload exposes exactly these methods, and main
// validates every input with the schema before the handler runs.
//
// Imports: zod and the model only. No Node built-ins, no Electron, no DOM.
import { z } from 'zod'
import type { Actor, AuditEntry, AuditVerification, Case, ChosenPath, PathKind, Progress, RciVerdict, Role } from './model'
import { RCI_VERDICTS, ROLES } from './model'
import type {
  AccountEnvironmentMap,
  Coverage,
  CoverageSource,
  EvidenceAddResult,
  EvidenceCollectResult,
  EvidenceListing,
  EvidenceProfiles,
  ResourceFacts,
  TimelineEvent
} from './evidence'
import { COVERAGE_SOURCES } from './evidence'
import type { AlertRecordView, ControlView, ExposurePoint, FindingView, IngestResult, InitiativeView } from './ingest'
import { FORMAT_NAMES, type FormatName } from './ingest'
import type { FindingsTable } from './findings-table'
import type { CertificateInspection, SigningSettings } from './signing'
import type { InitiativeRci, InvestigationRunResult, PlaybookSummary, RciView } from './investigate'
import type {
  ApprovalQueueItem,
  BoardView,
  DecisionResult,
  ExecutionView,
  FindingWorkflowView,
  GuardrailBundle,
  GuardrailExport,
  PlanSummary,
  PlanView,
  RoutingResult,
  ValidationView,
  WorkflowSettings
} from './remediation'

/**
 * Declares one call: `call<Output>()(inputSchema, { mutates })`. The output type exists only
 * for the compiler; a mutating call is refused on a case opened read-only (auditor mode).
 */
function call<O>() {
  return <I extends z.ZodType, M extends boolean>(input: I, opts: { mutates: M }): CallSpec<I, O, M> => ({
    input,
    mutates: opts.mutates,
    output: undefined as unknown as O
  })
}

interface CallSpec<I extends z.ZodType, O, M extends boolean = boolean> {
  input: I
  /** as a type too (true or false): main's handler for a call that does not mutate gets no writable case */
  mutates: M
  /** phantom: never read at run time */
  output: O
}

// ---- paths: the renderer names only what the user chose ---------------------------------------
//
// A path field takes a token main issued in this run (main/services/path-grants.ts): when the user
// chose the file or folder in a dialog (`dialog.open`, `dialog.save`), dropped it on the window
// (the preload's `dropped`), or when main offered one of the app's own files (a recent case, the
// remembered certificate, a bundle it collected). A typed path is refused here; a token of another
// kind (read vs write, file vs folder) or from another run is refused by main before the handler.

export const PATH_TOKEN_PATTERN = /^lmpath:[0-9a-f]{12}:[0-9a-f]{32}$/

const PATH_KINDS = new WeakMap<z.ZodType, PathKind>()
/** A path field: a token main issued for `kind`. */
function pathToken(kind: PathKind) {
  const schema = z.string().regex(PATH_TOKEN_PATTERN, 'a file or folder chosen in a dialog or dropped on the window (a typed path is not accepted)')
  PATH_KINDS.set(schema, kind)
  return schema
}
/** The kind of path a schema is a token for, or undefined when it is not a path field. */
export function pathKindOf(schema: z.ZodType): PathKind | undefined {
  return PATH_KINDS.get(schema)
}

/** What each dialog chooses: files to read, folders to read, a file or a folder to write. */
const OPEN_PURPOSES = ['case', 'import', 'evidence', 'certificate', 'case-file', 'export-file', 'execution-output', 'playbooks'] as const
export type OpenPurpose = (typeof OPEN_PURPOSES)[number]
const SAVE_PURPOSES = ['case', 'report', 'case-file', 'bundle', 'guardrails', 'routing'] as const
export type SavePurpose = (typeof SAVE_PURPOSES)[number]
export const OPEN_KIND: Record<OpenPurpose, 'open-file' | 'open-folder'> = {
  case: 'open-file',
  import: 'open-file',
  evidence: 'open-folder',
  certificate: 'open-file',
  'case-file': 'open-file',
  'export-file': 'open-file',
  'execution-output': 'open-file',
  playbooks: 'open-folder'
}
export const SAVE_KIND: Record<SavePurpose, 'save-file' | 'save-folder'> = {
  case: 'save-file',
  report: 'save-file',
  'case-file': 'save-file',
  bundle: 'save-folder',
  guardrails: 'save-folder',
  routing: 'save-folder'
}

const casePath = z.string().trim().min(1, 'a case file path is required').max(4096, 'the path is too long')
const passphrase = z.string().min(8, 'a passphrase has at least 8 characters').max(1024, 'the passphrase is too long')
const role = z.enum(ROLES as unknown as [Role, ...Role[]])
const personName = z.string().trim().min(1, 'a name is required').max(200)
const certificate = pathToken('open-file')
const signWith = z.object({ p12Path: certificate, passphrase: z.string().max(1024, 'the passphrase is too long') }).strict()
const fingerprint = z
  .string()
  .trim()
  .regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint looks like AB:CD:… (32 pairs)')

// Evidence inputs
const bundleFolder = pathToken('open-folder')
const playbooksFolder = pathToken('open-folder')
const saveFile = pathToken('save-file')
const saveFolder = pathToken('save-folder')
const resourceId = z.string().trim().min(1, 'a resource id is required').max(2048, 'the resource id is too long')
const isoTime = z
  .string()
  .trim()
  .refine((s) => Number.isFinite(Date.parse(s)), 'an ISO-8601 time')

// Remediation inputs
const findingId = z
  .string()
  .trim()
  .regex(/^[Ff]-\d{1,15}$/, 'a finding id (F-12)')
const planId = z
  .string()
  .trim()
  .regex(/^[Pp]-\d{1,15}$/, 'a plan id (P-3)')
const findingOrInitiative = z
  .string()
  .trim()
  .regex(/^[FfIi]-\d{1,15}$/, 'a finding (F-12) or initiative (I-3) id')
const findingList = z.array(findingId).min(1).max(10_000)
const decisionReason = z.string().trim().min(1, 'a reason is required').max(2000, 'the reason has at most 2000 characters')
const guardrailInputs = {
  breakGlassRoles: z
    .array(
      z
        .string()
        .trim()
        .regex(/^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@*/-]+$/, 'an IAM role ARN')
    )
    .max(20)
    .optional(),
  exceptionTag: z
    .object({ key: z.string().trim().min(1).max(128), value: z.string().max(256) })
    .strict()
    .optional()
}

export const contract = {
  'app.info': call<AppInfo>()(z.object({}).strict(), { mutates: false }),

  'case.create': call<Case>()(
    z
      .object({
        path: saveFile,
        passphrase,
        name: z.string().trim().min(1).max(200).optional(),
        remember: z.boolean().optional()
      })
      .strict(),
    { mutates: true }
  ),
  'case.open': call<Case>()(z.object({ path: pathToken('open-file'), passphrase: z.string().min(1).max(1024).optional(), remember: z.boolean().optional() }).strict(), {
    mutates: false
  }),
  'case.close': call<null>()(z.object({}).strict(), { mutates: false }),
  'case.current': call<Case | null>()(z.object({}).strict(), { mutates: false }),
  'case.recent': call<RecentCaseEntry[]>()(z.object({}).strict(), { mutates: false }),
  'case.changePassphrase': call<null>()(z.object({ current: z.string().min(1).max(1024), next: passphrase, remember: z.boolean().optional() }).strict(), { mutates: true }),
  /** the passphrase store's entry for a case (by its path); forgetting reads and writes no case file */
  'case.forgetPassphrase': call<null>()(z.object({ path: casePath }).strict(), { mutates: false }),
  /** reopen the open case with its passphrase (which proves it right) and remember it on this machine */
  'case.rememberPassphrase': call<Case>()(z.object({ passphrase: z.string().min(1).max(1024) }).strict(), { mutates: false }),
  /** the bundled demo case: built on first use in the app data folder (progress events), then opened */
  'case.openDemo': call<Case>()(z.object({}).strict(), { mutates: false }),

  'identity.get': call<Identity>()(z.object({}).strict(), { mutates: false }),
  /** make this person's signing key with the name bound to it for good (refused once a key exists) */
  'identity.create': call<Identity>()(z.object({ name: personName }).strict(), { mutates: false }),
  /** the people of the open case, with their roles */
  'people.list': call<CasePersonView[]>()(z.object({}).strict(), { mutates: false }),
  /** grant or take back a role: the open case's owner's signed decision */
  'people.setRole': call<CasePersonView[]>()(z.object({ person: z.string().trim().min(8).max(200), role, grant: z.boolean() }).strict(), { mutates: true }),

  'audit.list': call<AuditPage>()(z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict(), { mutates: false }),
  'audit.verify': call<AuditVerification>()(z.object({}).strict(), { mutates: false }),

  /** the OS open dialog for files or folders to read (OPEN_KIND says which); [] when cancelled */
  'dialog.open': call<ChosenPath[]>()(z.object({ purpose: z.enum(OPEN_PURPOSES) }).strict(), { mutates: false }),
  /** the OS save dialog for a file or folder to write (SAVE_KIND says which); null when cancelled */
  'dialog.save': call<ChosenPath | null>()(z.object({ purpose: z.enum(SAVE_PURPOSES) }).strict(), { mutates: false }),
  /** the OS file manager on a file or folder this run of the app wrote (an export, a package) */
  'dialog.showInFolder': call<null>()(z.object({ path: z.string().trim().min(1, 'a path is required').max(4096, 'the path is too long') }).strict(), {
    mutates: false
  }),

  // Lastmile's own check of the configuration in an evidence bundle (CLI.md `evaluate`). Reads the
  // bundle only; needs no open case.
  'evaluate.bundle': call<BundleEvaluation>()(
    z
      .object({
        path: bundleFolder,
        controls: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
        unusedKeyDays: z.number().int().min(1, 'at least 1 day').max(3650, 'at most 3650 days').optional()
      })
      .strict(),
    { mutates: false }
  ),

  // Audit exports (issue 7): signed checkpoints, the signed PDF report, the auditor's case file,
  // and opening a case file for review. `sign` names a PKCS#12 certificate; without it the
  // organisation's checkpoint and case-file signatures fall back to this device's key (which needs
  // a secure OS keystore). An export writes a checkpoint, so it mutates the case.
  'checkpoint.create': call<CheckpointInfo>()(z.object({ sign: signWith.optional() }).strict(), { mutates: true }),
  'checkpoint.list': call<CheckpointInfo[]>()(z.object({}).strict(), { mutates: false }),
  'checkpoint.verify': call<CaseVerificationResult>()(z.object({ expectSigner: fingerprint.optional() }).strict(), { mutates: false }),
  'export.pdf': call<PdfExportResult>()(
    z
      .object({
        out: saveFile,
        /** replace an existing file at `out`: the app passes true only after the person confirmed it */
        overwrite: z.boolean().optional(),
        sign: signWith,
        classification: z.string().trim().max(200, 'the classification banner has at most 200 characters').optional()
      })
      .strict(),
    { mutates: true }
  ) /** stop the PDF export under way: no report is written (the checkpoint made for it stays) */,
  'export.cancel': call<{ cancelled: boolean }>()(z.object({}).strict(), { mutates: false }),

  'export.caseFile': call<CaseFileExportResult>()(
    z.object({ out: saveFile, overwrite: z.boolean().optional(), exportPassphrase: passphrase, sign: signWith.optional() }).strict(),
    { mutates: true }
  ),
  /** check a signed PDF report or an auditor case file (told apart by content) */
  'export.verifyFile': call<ExportFileVerification>()(
    z.object({ path: pathToken('open-file'), exportPassphrase: z.string().min(1).max(1024).optional(), expectSigner: fingerprint.optional() }).strict(),
    { mutates: false }
  ),
  /** open an auditor case file read-only: every mutating call is then refused */
  'case.openForReview': call<Case>()(z.object({ path: pathToken('open-file'), exportPassphrase: z.string().min(1).max(1024) }).strict(), { mutates: false }),

  // What signs this machine's exports (Settings): the device key, read without being made, and the
  // organisation's PKCS#12 certificate remembered by path — never its passphrase. Machine settings,
  // not case data, so none of these mutates the case (like identity.set).
  'signing.settings': call<SigningSettings>()(z.object({}).strict(), { mutates: false }),
  /** remember a certificate file on this machine (it must exist), or forget it (null) */
  'signing.setCertificate': call<SigningSettings>()(z.object({ path: certificate.nullable() }).strict(), { mutates: false }),
  /** open a certificate with its passphrase (used for this call only) and describe it */
  'signing.inspect': call<CertificateInspection>()(signWith, { mutates: false }),

  // Evidence (issue 4): offline bundles added to the case (hashed, immutable), what each source
  // covered, the facts per resource, the evidence timeline, and read-only collection through the
  // user's local credential profiles (the bundle is written to a folder; the case is not touched).
  'evidence.add': call<EvidenceAddResult>()(z.object({ path: bundleFolder }).strict(), { mutates: true }),
  /** stop adding the bundle at its next safe point (before anything is written: the case is unchanged) */
  'evidence.cancelAdd': call<{ cancelled: boolean }>()(z.object({}).strict(), { mutates: false }),
  'evidence.list': call<EvidenceListing>()(z.object({ bundle: z.string().trim().min(1).max(100).optional() }).strict(), { mutates: false }),
  'evidence.facts': call<ResourceFacts>()(z.object({ resourceId }).strict(), { mutates: false }),
  'evidence.coverage': call<Coverage>()(
    z
      .object({
        source: z.enum(COVERAGE_SOURCES as unknown as [CoverageSource, ...CoverageSource[]]),
        resourceId,
        window: z.object({ from: isoTime, to: isoTime }).strict().optional()
      })
      .strict(),
    { mutates: false }
  ),
  /** the timeline of a finding or initiative (`ref`: F-12 / I-3) or of named resources */
  'evidence.timeline': call<TimelineEvent[]>()(
    z
      .object({
        ref: z
          .string()
          .trim()
          .regex(/^[FIfi]-\d{1,15}$/, 'a finding (F-12) or initiative (I-3) id')
          .optional(),
        resources: z.array(resourceId).min(1).max(1000).optional(),
        from: isoTime.optional(),
        to: isoTime.optional(),
        sources: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
        actors: z.array(z.string().trim().min(1).max(2048)).max(200).optional(),
        summaries: z.boolean().optional(),
        limit: z.number().int().min(1).max(100_000).optional()
      })
      .strict()
      .refine((x) => (x.ref === undefined) !== (x.resources === undefined), 'give either ref or resources'),
    { mutates: false }
  ),
  'evidence.profiles': call<EvidenceProfiles>()(z.object({}).strict(), { mutates: false }),
  'evidence.collect': call<EvidenceCollectResult>()(
    z
      .object({
        out: saveFolder,
        provider: z.enum(['aws', 'azure']),
        profile: z.string().trim().min(1).max(200).optional(),
        days: z.number().int().min(1, 'at least 1 day').max(400, 'at most 400 days').optional(),
        regions: z
          .array(z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, 'an AWS region name'))
          .max(40)
          .optional(),
        subscriptions: z.array(z.string().trim().min(1).max(100)).max(50).optional()
      })
      .strict(),
    { mutates: false }
  ) /** stop the running collection at its next step; what it wrote is removed */,
  'evidence.cancelCollect': call<{ cancelled: boolean }>()(z.object({}).strict(), { mutates: false }),

  /** the account → environment map, and the accounts of the case's findings not mapped yet */
  'evidence.accountEnvironments': call<AccountEnvironmentMap>()(z.object({}).strict(), { mutates: false }),
  /** enrichment: which environment an account (or Azure subscription) is; null removes the mapping */
  'evidence.setAccountEnvironment': call<null>()(
    z
      .object({
        account: z.string().regex(/^(\d{12}|[0-9a-fA-F-]{36})$/, 'an AWS account id (12 digits) or an Azure subscription id'),
        environment: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a short lower-case word: prod, staging, dev, test…')
          .nullable()
      })
      .strict(),
    { mutates: true }
  ),

  // Ingest (issue 3): tool exports in, deduplicated findings and initiatives out. An import runs
  // in a worker thread; `progress` events report it. Each file is one import (one transaction).
  'ingest.import': call<IngestResult>()(
    z
      .object({
        paths: z.array(pathToken('open-file')).min(1, 'choose at least one export file').max(100, 'at most 100 files at once'),
        format: z.enum(FORMAT_NAMES as unknown as [FormatName, ...FormatName[]]).optional(),
        /** the exports are filtered: alerts they do not mention are not closed */
        partial: z.boolean().optional(),
        /** the Kubernetes cluster of exports that do not name theirs (Trivy Operator's reports), as trivy k8s names it */
        cluster: z.string().trim().min(1, "give the cluster's name, or leave the field out").max(512, 'a cluster name of at most 512 characters').optional()
      })
      .strict(),
    { mutates: true }
  ),
  /** stop the running import: the file being imported is rolled back, files finished before it stay */
  'ingest.cancel': call<{ cancelled: boolean }>()(z.object({}).strict(), { mutates: false }),
  'findings.list': call<FindingView[]>()(
    z
      .object({
        status: z.enum(['open', 'resolved', 'suppressed']).optional(),
        initiative: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)')
          .optional(),
        control: z.string().trim().min(1).max(300).optional()
      })
      .strict(),
    { mutates: false }
  ),
  /** every finding as columns, for the findings table (see shared/findings-table.ts) */
  'findings.table': call<FindingsTable>()(z.object({}).strict(), { mutates: false }),
  /** open findings after each import, in the order they were made: exposure over time */
  'findings.exposure': call<ExposurePoint[]>()(z.object({}).strict(), { mutates: false }),
  'findings.get': call<FindingView>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Ff]-\d{1,15}$/, 'a finding id (F-12)')
      })
      .strict(),
    { mutates: false }
  ),
  /**
   * a control of the catalogue with every tool rule id it covers (a finding's `control`), or what a
   * per-tool control `<tool>.<rule id>` is; needs no open case
   */
  'controls.get': call<ControlView>()(z.object({ id: z.string().trim().min(1).max(300) }).strict(), { mutates: false }),
  /** a person's decision on a finding; null clears it. Imports never change it. */
  'findings.decide': call<FindingView>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Ff]-\d{1,15}$/, 'a finding id (F-12)'),
        decision: z.enum(['suppressed', 'risk-accepted']).nullable(),
        reason: z.string().trim().max(2000, 'the reason has at most 2000 characters'),
        expires: isoTime.optional()
      })
      .strict(),
    { mutates: true }
  ),
  /** an alert's original record, byte for byte as the tool wrote it */
  'alerts.record': call<AlertRecordView>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Aa]-\d{1,15}$/, 'an alert id (A-7)')
      })
      .strict(),
    { mutates: false }
  ),
  'initiatives.list': call<InitiativeView[]>()(z.object({}).strict(), { mutates: false }),
  'initiatives.split': call<InitiativeView[]>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)'),
        by: z.enum(['account', 'environment'])
      })
      .strict(),
    { mutates: true }
  ),
  'initiatives.merge': call<InitiativeView>()(
    z
      .object({
        into: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)'),
        from: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)')
      })
      .strict(),
    { mutates: true }
  ),
  'initiatives.rename': call<null>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)'),
        title: z.string().trim().min(1, 'a title is required').max(300)
      })
      .strict(),
    { mutates: true }
  ),

  // Investigate (issue 5): run the playbooks over the open findings from the evidence in the case
  // (in a worker, with `progress` events; `investigate.cancel` stops it and nothing is written),
  // a finding's RCI with its steps and verdict history, the playbooks loaded, and each finding's
  // verdict in an initiative. `playbooksDir` adds the user's own playbooks (marked custom).
  'investigate.run': call<InvestigationRunResult>()(
    z
      .object({
        findings: z
          .array(
            z
              .string()
              .trim()
              .regex(/^[Ff]-\d{1,15}$/, 'a finding id (F-12)')
          )
          .min(1, 'choose at least one finding')
          .max(100_000, 'at most 100,000 findings at once: investigate the whole case (no selection) or one initiative instead')
          .optional(),
        initiative: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)')
          .optional(),
        playbooksDir: playbooksFolder.optional()
      })
      .strict(),
    { mutates: true }
  ),
  'investigate.cancel': call<{ cancelled: boolean }>()(z.object({}).strict(), { mutates: false }),
  'rci.get': call<RciView>()(
    z
      .object({
        finding: z
          .string()
          .trim()
          .regex(/^[Ff]-\d{1,15}$/, 'a finding id (F-12)')
      })
      .strict(),
    { mutates: false }
  ),
  'playbooks.list': call<PlaybookSummary[]>()(z.object({ playbooksDir: playbooksFolder.optional() }).strict(), { mutates: false }),
  'initiatives.rci': call<InitiativeRci>()(
    z
      .object({
        id: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)')
      })
      .strict(),
    { mutates: false }
  ),

  // Remediate, approve, execute, validate, prevent (issue 6). Plans are rendered from the evidence
  // for a finding or an initiative and stored as rendered; decisions follow the gate (SAFE in bulk,
  // RISKY one by one, UNSAFE routed; four-eyes); every call acts as the session's identity. Reads
  // first apply the automatic checks (expiries, rescans, void approvals, drift) on a writable case.
  'remediation.plan': call<PlanView>()(
    z
      .object({
        ref: findingOrInitiative,
        /** values for playbook template parameters whose source is `input` */
        params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a parameter name is lower_snake_case'), z.string().max(2048)).optional(),
        ...guardrailInputs
      })
      .strict(),
    { mutates: true }
  ),
  'remediation.getPlan': call<PlanView>()(z.object({ id: planId }).strict(), { mutates: false }),
  'remediation.plans': call<PlanSummary[]>()(z.object({ target: findingOrInitiative.optional(), status: z.enum(['active', 'superseded']).optional() }).strict(), {
    mutates: false
  }),
  /** the Approvals queue; rows the session's identity may not approve (four-eyes) say why */
  'approvals.queue': call<ApprovalQueueItem[]>()(
    z
      .object({
        verdict: z.enum(RCI_VERDICTS as unknown as [RciVerdict, ...RciVerdict[]]).optional(),
        initiative: z
          .string()
          .trim()
          .regex(/^[Ii]-\d{1,15}$/, 'an initiative id (I-3)')
          .optional(),
        requester: z.string().trim().min(1).max(200).optional(),
        plan: planId.optional()
      })
      .strict(),
    { mutates: false }
  ),
  /** no `findings`: every SAFE finding of the plan (bulk); a RISKY one needs its own call */
  'approvals.approve': call<DecisionResult>()(z.object({ plan: planId, reason: decisionReason, findings: findingList.optional() }).strict(), { mutates: true }),
  'approvals.reject': call<DecisionResult>()(z.object({ plan: planId, reason: decisionReason, findings: findingList.optional() }).strict(), { mutates: true }),
  'workflow.board': call<BoardView>()(z.object({}).strict(), { mutates: false }),
  'workflow.finding': call<FindingWorkflowView>()(z.object({ id: findingId }).strict(), { mutates: false }),
  'workflow.route': call<RoutingResult>()(
    z.object({ refs: z.array(findingOrInitiative).min(1).max(10_000), groupBy: z.enum(['initiative', 'owner']), out: saveFolder, all: z.boolean().optional() }).strict(),
    { mutates: true }
  ),
  'workflow.acceptRisk': call<FindingWorkflowView>()(z.object({ id: findingId, reason: decisionReason, expires: isoTime }).strict(), { mutates: true }),
  'workflow.suppress': call<FindingWorkflowView>()(z.object({ id: findingId, reason: decisionReason, expires: isoTime.optional() }).strict(), { mutates: true }),
  'workflow.clearDecision': call<FindingWorkflowView>()(z.object({ id: findingId, reason: decisionReason }).strict(), { mutates: true }),
  /** the output as text (pasted) or a file to read; at most 10 MB is kept */
  'workflow.recordExecution': call<ExecutionView[]>()(
    z
      .object({
        plan: planId,
        outcome: z.enum(['executed', 'failed']),
        output: z
          .string()
          .max(10 * 1024 * 1024, 'at most 10 MB of output')
          .optional(),
        outputPath: pathToken('open-file').optional(),
        findings: findingList.optional()
      })
      .strict()
      .refine((x) => (x.output === undefined) !== (x.outputPath === undefined), 'give the output as text or as a file path'),
    { mutates: true }
  ),
  'workflow.validate': call<ValidationView[]>()(
    z
      .object({
        ref: z
          .string()
          .trim()
          .regex(/^[FfIiPp]-\d{1,15}$/, 'a finding (F-12), initiative (I-3) or plan (P-3) id'),
        method: z.enum(['evidence', 'rescan']),
        bundle: bundleFolder.optional()
      })
      .strict()
      .refine((x) => (x.method === 'evidence') === (x.bundle !== undefined), 'validation by evidence takes a bundle folder; by rescan, none'),
    { mutates: true }
  ),
  'workflow.settings': call<WorkflowSettings>()(z.object({}).strict(), { mutates: false }),
  'workflow.setFourEyes': call<WorkflowSettings>()(z.object({ enabled: z.boolean(), reason: decisionReason }).strict(), { mutates: true }),
  /** guardrails for an initiative or finding's controls, or the whole case (no ref) */
  'guardrails.bundle': call<GuardrailBundle>()(z.object({ ref: findingOrInitiative.optional(), ...guardrailInputs }).strict(), { mutates: false }),
  'guardrails.export': call<GuardrailExport>()(z.object({ ref: findingOrInitiative.optional(), out: saveFolder, ...guardrailInputs }).strict(), { mutates: true })
} as const

export type { ChosenPath, PathKind } from './model'
type Contract = typeof contract
export type Channel = keyof Contract
export type CallInput<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>
export type CallOutput<C extends Channel> = Contract[C]['output']
export type Mutates<C extends Channel> = Contract[C]['mutates']

export interface AppInfo {
  version: string
  /** whether "remember the passphrase on this machine" can be offered (OS keystore is secure) */
  canRememberPassphrase: boolean
  keystoreBackend: string
}

export interface RecentCase {
  path: string
  name: string
  openedAt: string
  remembered: boolean
}

/** A recent case as case.recent lists it: with a token to open it again (main offers what it remembers). */
export interface RecentCaseEntry extends RecentCase {
  token: string
}

/**
 * The person using this app: their own signing key (made on first use, sealed by the OS keystore)
 * with the name bound to it once, and the roles the open case's owner granted them.
 */
export interface Identity {
  name: string
  /** the role acted in now: the strongest one held in the open case */
  role: Role
  /** the key's fingerprint (AB:CD:…); null until the key is made */
  key: string | null
  osUser: string
  /** every role held in the open case (the owner holds all of them) */
  roles: Role[]
  /** true when this person owns the open case (created it): they grant the roles */
  owner: boolean
  /** why decisions cannot be signed on this machine (no keystore that protects secrets), else null */
  problem: string | null
}

/** A person bound to the open case, as the Settings screen lists them. */
export interface CasePersonView {
  key: string
  name: string
  osUser: string
  owner: boolean
  roles: Role[]
}

export interface AuditPage {
  total: number
  entries: AuditEntry[]
}

export type EvaluationStatus = 'PASS' | 'FAIL' | 'UNKNOWN'

/** One control checked on one resource from a bundle's configuration (CLI.md `evaluate --json`). */
export interface Evaluation {
  /** the canonical control id, e.g. `aws.s3.https-only` */
  control: string
  /** the canonical resource id (ARN, `AWS::::Account:<id>`, lower-cased Azure id, image digest) */
  resource: string
  status: EvaluationStatus
  /** why, in one sentence for people: never empty */
  reason: string
  account: string | null
  /**
   * the resource's Region when known; part of the row's identity for regional settings that share
   * one resource id (EBS default encryption: `AWS::::Account:<id>` once per Region)
   */
  region: string | null
  /** where in the bundle the answer comes from: `path#/json/pointer` or `path#row=N` */
  evidence: string[]
}

export interface BundleEvaluation {
  bundle: string
  /** the manifest's collectedAt: "now" for every age computed (reproducible results) */
  collectedAt: string
  unusedKeyDays: number
  /** sorted by control, resource, region */
  evaluations: Evaluation[]
  /** what was ignored or could not be read, one line each */
  notes: string[]
}

/** The error half of the envelope: a sentence for people, and a stable code for code. */
interface ApiError {
  code: ApiErrorCode
  message: string
}
export type ApiErrorCode =
  | 'bad-input'
  | 'no-case'
  | 'read-only'
  | 'wrong-key'
  | 'not-a-case'
  | 'exists'
  | 'not-found'
  | 'conflict'
  | 'unavailable'
  /** the user cancelled long work; what it says was kept or undone */
  | 'cancelled'
  | 'internal'

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** Events pushed from main to the renderer. */
export interface Events {
  progress: Progress
  'case.changed': Case | null
}
export type EventName = keyof Events
export const EVENT_NAMES: readonly EventName[] = ['progress', 'case.changed']

/** The object the preload exposes as `window.lastmile`: one method per contract entry. */
export type LastmileApi = {
  [C in Channel]: (input: CallInput<C>) => Promise<Envelope<CallOutput<C>>>
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /**
   * Files or folders the user dropped on the window, each as main then names it (null for one
   * with no path on disk, e.g. dragged from a browser). Only the preload can ask Electron where a
   * dropped File is (webUtils.getPathForFile); it hands that to main on DROP_CHANNEL, and the page
   * gets tokens, never a way to name a path itself. Typed loosely: shared/ knows no DOM `File`.
   */
  dropped(files: object[]): Promise<Envelope<Array<ChosenPath | null>>>
}

/**
 * The one IPC channel outside the contract: the preload's registration of dropped files. It is
 * not a `window.lastmile` method, so the page cannot name a path on it.
 */
export const DROP_CHANNEL = 'lastmile:dropped'
export const droppedInput = z.object({ paths: z.array(z.string().max(4096)).max(1000) }).strict()

export const CHANNELS = Object.keys(contract) as Channel[]

/** The IPC channel name for a contract entry. One namespace, so nothing else can be invoked. */
export function ipcChannel(channel: Channel): string {
  return `lastmile:${channel}`
}

// ---- audit exports ----------------------------------------------------------------------------

interface SignerInfo {
  kind: 'pkcs12' | 'device' | 'person'
  algorithm: 'rsa-sha256' | 'ecdsa-sha256' | 'ed25519'
  /** SHA-256 of the certificate (pkcs12) or of the public key (device), AB:CD:… */
  fingerprint: string
  subject: string
}

export interface CheckpointInfo {
  number: number
  firstSeq: number
  lastSeq: number
  headHash: string
  fromTime: string
  toTime: string
  createdAt: string
  previousSignature: string | null
  signature: string
  signer: SignerInfo
}

export interface CaseVerificationResult {
  ok: boolean
  audit: AuditVerification
  checkpoints: {
    count: number
    sealedThrough: number
    unsealed: number
    signers: Array<SignerInfo & { issuer: string | null; checkpoints: number[] }>
    last: { number: number; lastSeq: number; headHash: string; signer: string; createdAt: string } | null
  }
  /** the case state (every sealed table) against what the audit trail recorded */
  state: { ok: boolean; sealed: boolean; sealedBy: number | null; tables: number; rows: number; millis: number }
  firstBad: VerificationProblem | null
  problems: VerificationProblem[]
  /** who signed which decision, the case owner and every four-eyes change (main/identity/verify.ts) */
  people: PeopleVerification
}

/** A break, named: an audit entry, a checkpoint, or a row (table and key) or table of the case state. */
interface VerificationProblem {
  kind: 'entry' | 'checkpoint' | 'row' | 'table'
  seq: number
  reason: string
  table?: string
  key?: string
}

/** A person's decision as the auditor sees it: what, on what, by whom (name, role, key, OS user). */
export interface SignedDecision {
  seq: number
  time: string
  action: string
  target: string
  name: string
  role: Role
  key: string | null
  osUser: string | null
  signed: boolean
}

export interface FourEyesChange {
  seq: number
  time: string
  enabled: boolean
  by: string
  key: string | null
  reason: string
}

export interface PeopleVerification {
  ok: boolean
  /** the case owner (the key that signed case.create); null in a case made before people had keys */
  owner: { key: string; name: string; osUser: string } | null
  people: Array<{ key: string; name: string; osUser: string; boundAt: number; roles: Role[] }>
  decisions: SignedDecision[]
  fourEyes: FourEyesChange[]
  problems: Array<{ seq: number; reason: string }>
}

interface ExportedCheckpoint {
  number: number
  firstSeq: number
  lastSeq: number
  headHash: string
}

export interface PdfExportResult {
  path: string
  bytes: number
  sha256: string
  pages: number
  checkpoint: ExportedCheckpoint
  signer: { subject: string; fingerprint: string }
  timings: { assembleMs: number; renderMs: number; totalMs: number }
}

export interface CaseFileExportResult {
  path: string
  bytes: number
  sha256: string
  checkpoint: ExportedCheckpoint
  signer: { kind: SignerInfo['kind']; subject: string; fingerprint: string }
}

interface PdfVerificationResult {
  kind: 'pdf'
  ok: boolean
  file: string
  bytes: number
  signer: { subject: string; fingerprint: string; signingTime: string | null; validFrom: string; validTo: string } | null
  byteRange: number[] | null
  wholeDocument: boolean
  checkpoint: (ExportedCheckpoint & { caseId: string; signer: string; signatureValid: boolean }) | null
  problem: string | null
  note: string
}

interface CaseFileVerificationResult {
  kind: 'case-file'
  ok: boolean
  file: string
  problem: string | null
  case: { id: string; name: string; createdAt: string; schemaVersion: number } | null
  exportedAt: string | null
  exportedBy: Actor | null
  signer: { kind: SignerInfo['kind']; subject: string; fingerprint: string } | null
  checkpoint: ExportedCheckpoint | null
  contents: CaseVerificationResult | null
}

export type ExportFileVerification = PdfVerificationResult | CaseFileVerificationResult
