import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { join } from 'node:path'
import type { CasePersonView, Identity, RecentCase } from '../../shared/contract'
import type { Actor, Case, Role } from '../../shared/model'
import { audited } from '../audit/chain'
import { deviceSigningKey, thisDeviceFingerprint } from '../audit/checkpoint-signer'
import { sealHeadsWith } from '../audit/head-seal'
import { createCaseDb, openCaseDb, rekeyCaseDb, type OpenCaseDb, type WritableCaseDb } from '../db/case-db'
import { WalCheckpointer, type CheckpointerReport } from '../db/checkpointer'
import { LastmileError } from '../errors'
import type { Platform } from '../platform/ports'
import { unlock } from '../identity/agent'
import { caseOwner, casePeople, joinCase, rolesOf, setRole, strongestRole } from '../identity/case-people'
import { readPersonKeyInfo, sealedPersonKey } from '../identity/personal-key'
import type { PersonSigner } from '../identity/signer'
import { JsonStore } from './json-store'

/** This person's signing key in the app data folder, its private half sealed by the OS keystore. */
export const PERSON_KEY_FILE = 'person-signing-key.json'

interface Remembered {
  [path: string]: { caseId: string; sealed: string }
}

const MAX_RECENT = 10

/**
 * A write-ahead log this large at open is checkpointed on a thread of its own (settleLog). Below
 * it the first write's auto-checkpoint copies it on the event loop in ~0.1–0.2 s at most.
 */
export const LARGE_LOG_BYTES = 16 * 1024 * 1024

/**
 * The case a window (or a CLI run) has open, and the per-user state around it: who is acting,
 * which cases were opened recently, and which passphrases this machine may remember.
 */
export class CaseSession {
  private open: OpenCaseDb | null = null
  /** for a case file opened for review: the file the auditor chose, not its temporary copy */
  private reviewOf: string | null = null
  /** the background checkpoint of the log the open case was found with (settleLog) */
  private settling: Promise<CheckpointerReport> | null = null
  /** work other threads still do on the case after answering (holdWhile) */
  private readonly background = new Set<Promise<void>>()
  /**
   * The open case's key, held in this (main) process only — never sent to the renderer — so
   * that worker threads (imports, investigations, exports) can open their own connection: one
   * writer per job, and the main thread's event loop stays free.
   */
  private key: string | null = null
  private readonly recent: JsonStore<RecentCase[]>
  private readonly remembered: JsonStore<Remembered>
  readonly now: () => string

  constructor(private readonly platform: Platform) {
    this.now = platform.now ?? (() => new Date().toISOString())
    this.recent = new JsonStore(join(platform.dataDir, 'recent-cases.json'), () => [])
    this.remembered = new JsonStore(join(platform.dataDir, 'remembered-passphrases.json'), () => ({}))
  }

  // ---- identity ----------------------------------------------------------------------------

  /** where this person's signing key lives, sealed by the OS keystore */
  personKeyFile(): string {
    return join(this.platform.dataDir, PERSON_KEY_FILE)
  }

  private signer: PersonSigner | null = null

  /**
   * This person's signing key, unsealed (and made, on first use, under the name chosen in
   * identity.json or the OS user's) — or null where the keystore cannot keep one.
   */
  private personSigner(): PersonSigner | null {
    if (this.signer) return this.signer
    const ks = this.platform.keystore
    if (!ks.isSecure()) return null
    const s = sealedPersonKey(this.personKeyFile(), ks, { name: this.platform.osUser, osUser: this.platform.osUser, now: this.now, create: true })
    if (s) this.signer = unlock(s)
    return this.signer
  }

  identity(): Identity {
    const info = readPersonKeyInfo(this.personKeyFile())
    const key = info?.fingerprint ?? null
    const ks = this.platform.keystore
    const problem = ks.isSecure()
      ? null
      : `This machine's keystore (${ks.backend()}) does not protect secrets, so no personal signing key can be kept here: you can read cases, but decisions (plan requests, approvals, …) cannot be signed.`
    const db = this.open?.db
    const owned = db ? caseOwner(db) : null
    const roles = db && owned ? rolesOf(db, key ?? undefined) : ['analyst' as Role]
    return {
      name: info?.name ?? this.platform.osUser,
      role: strongestRole(roles),
      key,
      osUser: info?.osUser ?? this.platform.osUser,
      roles,
      owner: owned !== null && key !== null && owned.key === key,
      problem
    }
  }

  /** Make this person's key with `name` bound to it. A name is bound once: a key that exists is never renamed. */
  createIdentity(name: string): Identity {
    const existing = readPersonKeyInfo(this.personKeyFile())
    if (existing) {
      throw new LastmileError(
        'conflict',
        `your signing key (${existing.fingerprint.slice(0, 23)}…) is bound to "${existing.name}"; a name is bound to its key once and is never changed here`
      )
    }
    const s = sealedPersonKey(this.personKeyFile(), this.platform.keystore, { name, osUser: this.platform.osUser, now: this.now, create: true })
    if (s) this.signer = unlock(s)
    return this.identity()
  }

  /** The person acting now, as recorded (and, for decisions, signed) in the audit trail. */
  actor(): Actor {
    const s = this.personSigner()
    const id = this.identity()
    return s ? { kind: 'person', name: s.name, role: id.role, key: s.id } : { kind: 'person', name: id.name, role: id.role }
  }

  people(): CasePersonView[] {
    return casePeople(this.require().db).map((p) => ({ key: p.key, name: p.name, osUser: p.osUser, owner: p.owner, roles: p.roles }))
  }

  /** Grant or revoke a role in the open case, given as its writable handle (a case under review has none). */
  setRole(c: WritableCaseDb, person: string, role: Role, grant: boolean): CasePersonView[] {
    setRole(c, person, role, grant, this.actor(), this.now)
    return this.people()
  }

  /** On opening a case with an owner, put this person's key in it, so the owner can grant them a role. */
  private joinIfOwned(c: OpenCaseDb): void {
    if (c.readOnly || !caseOwner(c.db)) return
    const actor = this.actor()
    if (actor.kind === 'person' && actor.key) joinCase(c, actor, this.now)
  }

  // ---- the open case --------------------------------------------------------------------

  current(): Case | null {
    return this.open ? toCase(this.open, this.reviewOf) : null
  }

  /**
   * The open case, or a clear error saying one must be opened first. It may be a case file open
   * for review, so what it gives a writer is a type error: a writer needs `requireWritable()`, or
   * a check of `readOnly` first.
   */
  require(): OpenCaseDb {
    if (!this.open) throw new LastmileError('no-case', 'no case is open: create a case or open one first')
    return this.open
  }

  /**
   * The open case's writable handle — the only way a handler gets one — or the read-only refusal
   * when the case is open for review. Whether a case is under review is known only when it is
   * opened, so this is the one place it is checked at run time; from here on the types carry it.
   */
  requireWritable(): WritableCaseDb {
    const c = this.require()
    if (c.readOnly) throw new LastmileError('read-only', `${c.path} is open read-only for review: nothing can be changed`)
    return c
  }

  create(path: string, passphrase: string, opts: { name?: string; remember?: boolean } = {}): Case {
    const abs = resolve(path)
    if (opts.remember) this.assertCanRemember()
    const c = createCaseDb(abs, passphrase, { name: opts.name, now: this.now() })
    this.sealHeads(c)
    try {
      audited(
        c.db,
        c.id,
        this.now,
        () => null,
        () => ({ actor: this.actor(), action: 'case.create', target: c.id, details: { name: c.name, schema: c.schemaVersion } })
      )
    } catch (e) {
      c.close()
      throw e
    }
    this.replace(c, passphrase)
    if (opts.remember) this.remember(c, passphrase)
    return toCase(c)
  }

  openCase(path: string, passphrase: string | undefined, opts: { remember?: boolean; readOnly?: boolean } = {}): Case {
    const abs = resolve(path)
    const key = passphrase ?? this.recall(abs)
    if (key === null) {
      throw new LastmileError('wrong-key', `${abs}: a passphrase is needed to open this case (none is remembered on this machine)`)
    }
    const c = openCaseDb(abs, key, { readOnly: opts.readOnly, derive: true })
    this.sealHeads(c)
    this.replace(c, key)
    if (!c.readOnly) this.settleLog(abs, key)
    this.joinIfOwned(c)
    if (opts.remember && passphrase) this.remember(c, passphrase)
    return toCase(c)
  }

  /**
   * Open the decrypted working copy of an auditor's case file, read-only. It is not a case the
   * user keeps, so it stays out of the recent list, and it is shown under the case file's name.
   */
  openForReview(workingCopy: string, key: string, caseFile: string): Case {
    const c = openCaseDb(workingCopy, key, { readOnly: true, derive: true })
    this.open?.close()
    this.open = c
    this.key = key
    this.reviewOf = resolve(caseFile)
    return toCase(c, this.reviewOf)
  }

  /**
   * The checkpoint, on a thread of its own, of the large log the open case was found with
   * (settleLog); null when none was needed. Nothing has to wait for it.
   */
  logCheckpoint(): Promise<CheckpointerReport | null> {
    return this.settling ?? Promise.resolve(null)
  }

  /**
   * A case found with a large write-ahead log (an import's worker ended during the checkpoint it
   * runs after reporting, when the app quit right after a large import; a process stopped after a
   * commit) has it copied into the case file on a thread of its own (WalCheckpointer.once), rather
   * than by this connection's first write, on the main process's event loop.
   */
  private settleLog(path: string, key: string): void {
    this.settling = null
    let bytes: number
    try {
      bytes = statSync(`${path}-wal`).size
    } catch {
      return // no log
    }
    if (bytes >= LARGE_LOG_BYTES) {
      // (null when the thread could not start: this connection then checkpoints as it writes)
      this.settling = WalCheckpointer.once(path, key)
      if (this.settling) this.holdWhile(this.settling)
    }
  }

  /**
   * Note work another thread does on the case with a connection of its own: an import's last
   * checkpoint and the closing of its connection after its result (RunningIngest.finished), the
   * checkpoint of a log found at open, a read of the findings table on its thread. Whatever it ends
   * in, the case is left as committed; settled() waits for it.
   */
  holdWhile(work: Promise<unknown>): void {
    const held: Promise<void> = work.then(
      () => undefined,
      () => undefined
    )
    this.background.add(held)
    void held.then(() => this.background.delete(held))
  }

  /**
   * Resolves once no other thread holds the case (holdWhile): a passphrase change needs the case
   * to itself (leaving WAL mode), and SQLite does not wait for another connection.
   */
  async settled(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background])
  }

  close(): void {
    this.open?.close()
    this.open = null
    this.key = null
    this.reviewOf = null
  }

  /** The open case's key; null when no case is open. */
  caseKey(): string | null {
    return this.open ? this.key : null
  }

  /**
   * The key for a worker thread that writes to the open case on its own connection (imports,
   * investigations): given only for the case's writable handle, which a case under review has none of.
   */
  workerKey(c: WritableCaseDb): string | null {
    return c === this.open ? this.key : null
  }

  /**
   * The key for a worker thread that only reads the open case (it opens the case read-only on its
   * own connection: the findings table), a case under review included.
   */
  readerKey(c: OpenCaseDb): string | null {
    return c === this.open ? this.key : null
  }

  /**
   * Every entry this session writes seals the trail's head with the device key (head-seal.ts),
   * where the OS keystore keeps one. The key is not made here — it is made by the first
   * checkpoint or case file signed without a certificate (Settings says so) — so until then, and
   * on the command line (no keystore), the head is not sealed.
   */
  private sealHeads(c: OpenCaseDb): void {
    if (c.readOnly || !this.platform.keystore.isSecure() || !thisDeviceFingerprint(this.platform.dataDir)) return
    try {
      sealHeadsWith(c.db, deviceSigningKey(this.platform.dataDir, this.platform.keystore, this.now))
    } catch {
      // A keystore that cannot unseal the device key: the case still opens, its head unsealed.
    }
  }

  private replace(c: OpenCaseDb, key: string): void {
    this.open?.close()
    this.open = c
    this.key = key
    this.reviewOf = null
    const list = this.recent.read().filter((r) => r.path !== c.path)
    list.unshift({ path: c.path, name: c.name, openedAt: this.now(), remembered: this.isRemembered(c.path) })
    this.recent.write(list.slice(0, MAX_RECENT))
  }

  recentCases(): RecentCase[] {
    return this.recent.read().map((r) => ({ ...r, remembered: this.isRemembered(r.path) }))
  }

  /**
   * Change the passphrase of the open case, given as its writable handle (a case under review has
   * none); the current passphrase must be given again.
   */
  changePassphrase(c: WritableCaseDb, current: string, next: string, remember: boolean): void {
    if (c !== this.open) throw new LastmileError('conflict', `${c.path}: not the case open here; its passphrase was not changed`)
    try {
      openCaseDb(c.path, current, { readOnly: true }).close()
    } catch (e) {
      if (e instanceof LastmileError && e.code === 'wrong-key') {
        throw new LastmileError('wrong-key', 'the current passphrase is not right; the passphrase was not changed')
      }
      throw e
    }
    rekeyCaseDb(c, next)
    this.key = next
    audited(
      c.db,
      c.id,
      this.now,
      () => null,
      () => ({ actor: this.actor(), action: 'case.passphrase-changed', target: c.id, details: {} })
    )
    this.forget(c.path)
    if (remember) this.remember(c, next)
  }

  // ---- remembering passphrases through the OS keystore ----------------------------------

  canRemember(): boolean {
    return this.platform.keystore.isSecure()
  }

  private assertCanRemember(): void {
    const ks = this.platform.keystore
    if (!ks.isSecure()) {
      throw new LastmileError(
        'unavailable',
        `this machine's keystore is "${ks.backend()}", which does not protect secrets; the passphrase cannot be remembered (enter it each time)`
      )
    }
  }

  private remember(c: OpenCaseDb, passphrase: string): void {
    this.assertCanRemember()
    const ks = this.platform.keystore
    const all = this.remembered.read()
    all[c.path] = { caseId: c.id, sealed: ks.encrypt(passphrase).toString('base64') }
    this.remembered.write(all)
  }

  /** The remembered passphrase, or null. Fails closed: a keystore that cannot unseal it is an error. */
  private recall(path: string): string | null {
    const entry = this.remembered.read()[path]
    if (!entry) return null
    const ks = this.platform.keystore
    if (!ks.isSecure()) {
      throw new LastmileError('unavailable', `the OS keystore is now "${ks.backend()}"; enter the passphrase for ${path}`)
    }
    try {
      return ks.decrypt(Buffer.from(entry.sealed, 'base64'))
    } catch {
      throw new LastmileError('unavailable', `the OS keystore could not unseal the remembered passphrase for ${path}; enter it instead`)
    }
  }

  isRemembered(path: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.remembered.read(), path)
  }

  forget(path: string): void {
    const all = this.remembered.read()
    delete all[resolve(path)]
    this.remembered.write(all)
  }
}

function toCase(c: OpenCaseDb, shownPath: string | null = null): Case {
  return {
    id: c.id,
    name: c.name,
    path: shownPath ?? c.path,
    createdAt: c.createdAt,
    schemaVersion: c.schemaVersion,
    readOnly: c.readOnly
  }
}
