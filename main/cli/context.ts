import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ROLES, type Actor, type Role } from '../../shared/model'
import type { OpenCaseDb, ReadOnlyCaseDb, WritableCaseDb } from '../db/case-db'
import { openCaseDb } from '../db/case-db'
import { LastmileError, fsReason } from '../errors'
import { NO_DIALOGS, NO_KEYSTORE } from '../platform/ports'
import { createAppServices, type AppServices } from '../services/app'
import { value, type ParsedArgs } from './args'
import { appRoot } from '../platform/app-root'
import { osUser } from '../platform/os-user'
import { actorFor } from '../identity/agent'
import { personKeyFromFile } from '../identity/personal-key'
import { certificateSigner } from '../identity/signer'

/** What a command gets: its arguments, where to write, and the shared conventions of CLI.md. */
export interface CliContext {
  args: ParsedArgs
  env: NodeJS.ProcessEnv
  json: boolean
  /** the result document (stdout) */
  out(text: string): void
  /** progress and messages (stderr) */
  err(text: string): void
  /** the case this run opened (set by openCase), for messages about it */
  casePath?: string
  /** true when stderr is a terminal, so a progress bar may be drawn */
  interactive: boolean
  /** the terminal's width, when known: progress lines are fitted to it */
  columns?: number
}

/**
 * The case key: the first line of `--key-file F`, else LASTMILE_KEY. Never a flag holding the key
 * itself: it would land in shell history and in every process list.
 */
export function readKey(ctx: CliContext): string {
  const file = value(ctx.args, '--key-file')
  if (file !== undefined) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new LastmileError('bad-input', `${file}: cannot read the key file: ${fsReason(e)}`)
    }
    const key = text.split(/\r?\n/, 1)[0]
    if (!key) throw new LastmileError('bad-input', `${file}: line 1: the key file is empty`)
    return key
  }
  const env = ctx.env.LASTMILE_KEY
  if (env) return env
  throw new LastmileError('bad-input', 'no case key: give --key-file FILE (the key on its first line) or set LASTMILE_KEY')
}

/** The flags that name a file a command reads (the key, a certificate, passphrase files). */
const FILE_FLAGS = ['--key-file', '--sign', '--sign-pass-file', '--export-pass-file', '--person-key', '--person-cert', '--person-cert-pass-file'] as const

/** The files this run reads through its flags: an output is never written over one of them. */
export function filesRead(ctx: CliContext): string[] {
  return FILE_FLAGS.flatMap((f) => ctx.args.values.get(f) ?? [])
}

/** The config folder of the command line (keys, app data): LASTMILE_DATA_DIR, else ~/.config/lastmile. */
function configDir(ctx: CliContext): string {
  return ctx.env.LASTMILE_DATA_DIR ?? join(homedir(), '.config', 'lastmile')
}

/** A file name for a person's default key file: the name, reduced to safe characters. */
function keyFileName(name: string): string {
  const slug =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'person'
  return `${slug}.key.json`
}

/**
 * The person acting, with their own signing key (main/identity): an organisation certificate
 * (`--person-cert F.p12`, its passphrase from `--person-cert-pass-file F`), else a personal key file
 * (`--person-key F`, else LASTMILE_PERSON_KEY, else `<config>/people/<name>.key.json`), made on first
 * use with mode 0600 and the name of `--as` (default: the OS user) bound to it for good.
 * `--role ROLE` is the role acted in (default analyst); in a case with an owner it must have been
 * granted (main/identity/case-people.ts).
 */
export function actorOf(ctx: CliContext, opts: { role?: Role } = {}): Extract<Actor, { kind: 'person' }> {
  const role = opts.role ?? ((value(ctx.args, '--role') ?? 'analyst') as Role)
  if (!ROLES.includes(role)) throw new LastmileError('bad-input', `--role ${role}: not a role (one of ${ROLES.join(', ')})`)
  const as = value(ctx.args, '--as')
  if (as !== undefined && !as.trim()) throw new LastmileError('bad-input', '--as needs a name')
  const cert = value(ctx.args, '--person-cert')
  if (cert !== undefined) {
    const passFile = value(ctx.args, '--person-cert-pass-file')
    if (passFile === undefined) throw new LastmileError('bad-input', '--person-cert needs --person-cert-pass-file F (the passphrase on its first line)')
    let pass: string
    try {
      pass = readFileSync(passFile, 'utf8').split(/\r?\n/, 1)[0]
    } catch (e) {
      throw new LastmileError('bad-input', `${passFile}: cannot read the passphrase file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
    }
    const signer = certificateSigner(cert, pass, osUser())
    if (as !== undefined && as.trim() !== signer.name)
      throw new LastmileError('bad-input', `--as ${as.trim()}: the certificate ${cert} names "${signer.name}"; a certificate's person is who it names`)
    return actorFor(signer, role)
  }
  const file = value(ctx.args, '--person-key') ?? ctx.env.LASTMILE_PERSON_KEY ?? join(configDir(ctx), 'people', keyFileName(as ?? osUser()))
  const signer = personKeyFromFile(file, { name: as ?? null, osUser: osUser(), now: () => new Date().toISOString() })
  return actorFor(signer, role)
}

export function openCase(ctx: CliContext, path: string, opts: { readOnly: true }): ReadOnlyCaseDb
export function openCase(ctx: CliContext, path: string, opts?: { readOnly?: false }): WritableCaseDb
export function openCase(ctx: CliContext, path: string, opts?: { readOnly?: boolean }): OpenCaseDb
export function openCase(ctx: CliContext, path: string, opts: { readOnly?: boolean } = {}): OpenCaseDb {
  ctx.casePath = path
  return openCaseDb(path, readKey(ctx), opts)
}

/** App services for a CLI run: no OS keystore, no dialogs, identity from --as/--role. */
export function cliServices(ctx: CliContext): AppServices {
  const dataDir = configDir(ctx)
  const app = createAppServices({
    dataDir,
    appVersion: appVersion(),
    osUser: osUser(),
    keystore: NO_KEYSTORE,
    dialogs: NO_DIALOGS
  })
  const actor = actorOf(ctx)
  app.session.actor = () => actor
  return app
}

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
