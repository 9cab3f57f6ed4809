// The ONE API contract between the renderer and main (DESIGN.md, "Rules of the house").
//
// Every call is declared here once: its channel name, a zod schema for its input and its
// output type. main registers exactly one handler per entry (the compiler rejects a missing or
// renamed one, see main/ipc/handlers.ts), preload exposes exactly these methods, and main
// validates every input with the schema before the handler runs.
//
// Imports: zod and the model only. No Node built-ins, no Electron, no DOM.
import { z } from 'zod'
import type { AuditEntry, AuditVerification, Case, Progress, Role } from './model'
import { ROLES } from './model'

/**
 * Declares one call: `call<Output>()(inputSchema, { mutates })`. The output type exists only
 * for the compiler; a mutating call is refused on a case opened read-only (auditor mode).
 */
function call<O>() {
  return <I extends z.ZodType>(input: I, opts: { mutates: boolean }): CallSpec<I, O> => ({
    input,
    mutates: opts.mutates,
    output: undefined as unknown as O
  })
}

export interface CallSpec<I extends z.ZodType, O> {
  input: I
  mutates: boolean
  /** phantom: never read at run time */
  output: O
}

const casePath = z
  .string()
  .trim()
  .min(1, 'a case file path is required')
  .max(4096, 'the path is too long')
const passphrase = z
  .string()
  .min(8, 'a passphrase has at least 8 characters')
  .max(1024, 'the passphrase is too long')
const role = z.enum(ROLES as unknown as [Role, ...Role[]])
const personName = z.string().trim().min(1, 'a name is required').max(200)

export const contract = {
  'app.info': call<AppInfo>()(z.object({}).strict(), { mutates: false }),

  'case.create': call<Case>()(
    z
      .object({
        path: casePath,
        passphrase,
        name: z.string().trim().min(1).max(200).optional(),
        remember: z.boolean().optional()
      })
      .strict(),
    { mutates: true }
  ),
  'case.open': call<Case>()(
    z.object({ path: casePath, passphrase: z.string().min(1).max(1024).optional(), remember: z.boolean().optional() }).strict(),
    { mutates: false }
  ),
  'case.close': call<null>()(z.object({}).strict(), { mutates: false }),
  'case.current': call<Case | null>()(z.object({}).strict(), { mutates: false }),
  'case.recent': call<RecentCase[]>()(z.object({}).strict(), { mutates: false }),
  'case.changePassphrase': call<null>()(
    z.object({ current: z.string().min(1).max(1024), next: passphrase, remember: z.boolean().optional() }).strict(),
    { mutates: true }
  ),
  'case.forgetPassphrase': call<null>()(z.object({ path: casePath }).strict(), { mutates: false }),

  'identity.get': call<Identity>()(z.object({}).strict(), { mutates: false }),
  'identity.set': call<Identity>()(z.object({ name: personName, role }).strict(), { mutates: false }),

  'audit.list': call<AuditPage>()(
    z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict(),
    { mutates: false }
  ),
  'audit.verify': call<AuditVerification>()(z.object({}).strict(), { mutates: false }),

  'dialog.chooseCasePath': call<string | null>()(z.object({ mode: z.enum(['create', 'open']) }).strict(), {
    mutates: false
  })
} as const

export type Contract = typeof contract
export type Channel = keyof Contract
export type CallInput<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>
export type CallOutput<C extends Channel> = Contract[C]['output']

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

export interface Identity {
  name: string
  role: Role
}

export interface AuditPage {
  total: number
  entries: AuditEntry[]
}

/** The error half of the envelope: a sentence for people, and a stable code for code. */
export interface ApiError {
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
}

export const CHANNELS = Object.keys(contract) as Channel[]

/** The IPC channel name for a contract entry. One namespace, so nothing else can be invoked. */
export function ipcChannel(channel: Channel): string {
  return `lastmile:${channel}`
}
