import { X509Certificate } from 'node:crypto'
import type { Actor, AuditVerification } from '../../shared/model'
import { verifyDecisions, type PersonVerification } from '../identity/verify'
import { caseDamagedError, isCaseDamaged, type Db, type WritableDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { canonicalJson } from './canonical'
import { audited, entryHash, verifyAudit } from './chain'
import { signerSummary, verifySigned, type SignerDescriptor, type SigningKey } from './checkpoint-signer'
import { verifyHead, type HeadVerification } from './head-seal'
import { verifyState, type StateVerification } from './state-seal'

/**
 * A signed checkpoint, in the spirit of CloudTrail's digest files: it seals the audit entries
 * `firstSeq..lastSeq` by the hash of the last one (which, through the chain, covers all before
 * it), and links to the checkpoint before it by that one's signature.
 *
 * The hash chain alone proves nothing against someone holding the case key: they can rewrite an
 * entry and recompute every hash after it. A checkpoint is signed with a key they do not hold
 * (the organisation's certificate, or this device's key in the OS keystore), so a rewritten,
 * truncated or reordered trail no longer matches the head a checkpoint sealed.
 *
 * Checkpoint N is recorded by a `checkpoint.create` audit entry written right after it (it cannot
 * seal its own record); checkpoint N+1 starts with that entry. So consecutive checkpoints cover
 * contiguous ranges, and removing the last checkpoint leaves an audit entry naming it.
 */
export interface CheckpointBody {
  format: 'lastmile-checkpoint/1'
  caseId: string
  number: number
  firstSeq: number
  lastSeq: number
  headHash: string
  fromTime: string
  toTime: string
  /** the signature of checkpoint number-1, null for the first */
  previousSignature: string | null
  /**
   * The first 16 hex digits of the hash of every entry it seals, firstSeq..lastSeq, one after the
   * other. The head hash alone shows that a trail was rewritten; these name the first entry that
   * changed (a forger who recomputes every hash after an edit changes them all, but the signed
   * prefixes still match the entries before the edit). Absent on checkpoints made before.
   */
  entryHashes?: string
  createdAt: string
  signer: SignerDescriptor
}

export interface Checkpoint extends CheckpointBody {
  /** base64 signature over the body's canonical JSON */
  signature: string
}

type Row = {
  seq: number
  case_id: string
  first_seq: number
  last_seq: number
  head_hash: string
  from_time: string
  to_time: string
  previous_signature: string | null
  created_at: string
  signer: string
  body: string
  signature: string
}

const FORMAT = 'lastmile-checkpoint/1'
const ENTRY_PREFIX = 16

/** The bytes that are signed. */
export function checkpointSigningBytes(body: CheckpointBody): Buffer {
  return Buffer.from(canonicalJson(body), 'utf8')
}

export function listCheckpoints(db: Db): Checkpoint[] {
  const rows = db.prepare('SELECT * FROM checkpoints ORDER BY seq').all() as Row[]
  return rows.map(fromRow)
}

export function lastCheckpoint(db: Db): Checkpoint | null {
  const row = db.prepare('SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as Row | undefined
  return row ? fromRow(row) : null
}

function fromRow(r: Row): Checkpoint {
  const body = JSON.parse(r.body) as CheckpointBody
  return { ...body, signature: r.signature }
}

/**
 * Seal every audit entry since the last checkpoint. Refuses when the entries it would seal do not
 * verify: a checkpoint must never bless a trail that was already broken.
 */
export function createCheckpoint(
  db: WritableDb,
  caseId: string,
  key: SigningKey,
  actor: Actor,
  now: () => string,
  /** how a refusal starts: what could not be done (an export names itself) */
  refusal = 'cannot write a checkpoint'
): Checkpoint {
  return audited(
    db,
    caseId,
    now,
    () => {
      const prev = db.prepare('SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as Row | undefined
      const head = db.prepare('SELECT seq, time, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; time: string; hash: string } | undefined
      if (!head) throw new LastmileError('conflict', 'nothing to seal: the audit trail of this case is empty')
      const firstSeq = prev ? prev.last_seq + 1 : 1
      const broken = verifyRange(db, caseId, prev ? { seq: prev.last_seq, hash: prev.head_hash } : null)
      if (broken) throw new LastmileError('conflict', `${refusal}: the audit trail does not verify (${broken})`)
      // Nor bless a case whose state, or an earlier checkpoint, no longer verifies: what is sealed
      // (and exported from it) must be what the trail recorded.
      const whole = verifyCase(db, caseId, { pages: false })
      if (!whole.ok) {
        const more = whole.problems.length > 1 ? ` (and ${whole.problems.length - 1} more problem${whole.problems.length === 2 ? '' : 's'}; run lastmile verify)` : ''
        throw new LastmileError('conflict', `${refusal}: the case does not verify: ${whole.firstBad?.reason}${more}`)
      }
      if (head.seq < firstSeq) {
        // Only possible if entries after the last checkpoint were removed, which verifyRange reports.
        throw new LastmileError('conflict', `${refusal}: the audit trail ends at entry ${head.seq}, before the last checkpoint's end`)
      }
      const first = db.prepare('SELECT time FROM audit_log WHERE seq = ?').get(firstSeq) as { time: string }
      const sealed = db.prepare('SELECT hash FROM audit_log WHERE seq BETWEEN ? AND ? ORDER BY seq').pluck().all(firstSeq, head.seq) as string[]
      const body: CheckpointBody = {
        format: FORMAT,
        caseId,
        number: (prev?.seq ?? 0) + 1,
        firstSeq,
        lastSeq: head.seq,
        headHash: head.hash,
        fromTime: first.time,
        toTime: head.time,
        previousSignature: prev?.signature ?? null,
        entryHashes: sealed.map((h) => h.slice(0, ENTRY_PREFIX)).join(''),
        createdAt: now(),
        signer: key.descriptor
      }
      const signature = key.sign(checkpointSigningBytes(body)).toString('base64')
      db.prepare(
        `INSERT INTO checkpoints (seq, case_id, first_seq, last_seq, head_hash, from_time, to_time, previous_signature, created_at, signer, body, signature)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ).run(
        body.number,
        caseId,
        body.firstSeq,
        body.lastSeq,
        body.headHash,
        body.fromTime,
        body.toTime,
        body.previousSignature,
        body.createdAt,
        canonicalJson(signerSummary(body.signer)),
        canonicalJson(body),
        signature
      )
      return { ...body, signature }
    },
    (cp) => ({
      actor,
      action: 'checkpoint.create',
      target: `checkpoint ${cp.number}`,
      details: {
        checkpoint: cp.number,
        firstSeq: cp.firstSeq,
        lastSeq: cp.lastSeq,
        headHash: cp.headHash,
        signer: signerSummary(cp.signer),
        signature: cp.signature
      }
    })
  )
}

/**
 * Verify the entries after `from` (the last checkpoint's head), or the whole chain. Returns the
 * first problem as a sentence, or null.
 */
function verifyRange(db: Db, caseId: string, from: { seq: number; hash: string } | null): string | null {
  if (!from) {
    const v = verifyAudit(db, caseId)
    return v.ok ? null : (v.firstBad?.reason ?? 'the chain does not verify')
  }
  const anchor = db.prepare('SELECT seq, hash FROM audit_log WHERE seq = ?').get(from.seq) as { hash: string } | undefined
  if (!anchor) return `entry ${from.seq}, sealed by the last checkpoint, is missing`
  if (anchor.hash !== from.hash) return `entry ${from.seq} no longer matches the head sealed by the last checkpoint`
  let prev = from.hash
  let expected = from.seq + 1
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq').iterate(from.seq) as IterableIterator<{
    seq: number
    time: string
    actor: string
    action: string
    target: string
    details: string
    prev_hash: string
    hash: string
    state: string | null
  }>
  for (const r of rows) {
    if (r.seq !== expected) return `entry ${expected} is missing`
    if (r.prev_hash !== prev) return `entry ${r.seq} does not link to entry ${r.seq - 1}`
    let h: string
    try {
      h = entryHash(prev, { seq: r.seq, time: r.time, actor: JSON.parse(r.actor), action: r.action, target: r.target, details: JSON.parse(r.details), state: r.state ?? undefined })
    } catch {
      return `entry ${r.seq} is not valid JSON`
    }
    if (h !== r.hash) return `entry ${r.seq} (${r.action}) does not match its hash`
    prev = r.hash
    expected++
  }
  return null
}

// ---- verification ---------------------------------------------------------------------------

interface CheckpointProblem {
  /**
   * where the break is: an audit entry, a checkpoint, or the case state — one row of a table
   * (`table`, `key`; `seq` is the entry that sealed it), or a table as a whole
   */
  kind: 'entry' | 'checkpoint' | 'row' | 'table'
  seq: number
  reason: string
  table?: string
  key?: string
}

/** The issuer of a certificate signer, as one line (a self-signed one names itself). */
function issuerOf(d: SignerDescriptor): string | null {
  if (!d.certificate) return null
  try {
    return new X509Certificate(d.certificate).issuer.replace(/\n/g, ', ')
  } catch {
    return null
  }
}

interface SignerUse {
  kind: SignerDescriptor['kind']
  algorithm: SignerDescriptor['algorithm']
  fingerprint: string
  subject: string
  /** who issued the signing certificate (pkcs12), read from the certificate the checkpoint carries; null for keys */
  issuer: string | null
  checkpoints: number[]
}

export interface CaseVerification {
  ok: boolean
  audit: AuditVerification
  checkpoints: {
    count: number
    /** the last audit entry a valid checkpoint seals, 0 if none */
    sealedThrough: number
    /** entries written after the last checkpoint (normal: they are sealed by the next one) */
    unsealed: number
    signers: SignerUse[]
    last: { number: number; lastSeq: number; headHash: string; signer: string; createdAt: string } | null
  }
  /** the case state (every sealed table) against what the trail recorded */
  state: StateVerification
  /** the head of the trail as this device last sealed it */
  head: HeadVerification
  /** the first break, named: an entry (chain), a checkpoint, or a row or table of the state */
  firstBad: CheckpointProblem | null
  problems: CheckpointProblem[]
  /** who signed which decision (main/identity/verify.ts) */
  people: PersonVerification
}

export interface VerifyOptions {
  /** the fingerprint every checkpoint must be signed with (anything else is a wrong key) */
  expectSigner?: string
  /** this device's key: the head seal must be its (verify on the machine that wrote the case) */
  expectDevice?: string
  /**
   * Read every page of the file first (default true): a page changed without the key fails its
   * HMAC, also where no check reads it. ~11 ms a MB (4.6 s for a 417 MB case of 400,000 alerts).
   * Left out where the pages are proven otherwise (a case file's signed manifest hashes every
   * page), by the guard before a checkpoint, which signs the trail, not the file, and by the PDF
   * report, which prints what it reads (a page it reads and that does not authenticate stops it),
   * assembled on the main thread.
   */
  pages?: boolean
}

/**
 * Verify the chain and every checkpoint: each checkpoint's body is what was signed and its
 * signature verifies with the key it names (and, if given, the expected key); the checkpoints
 * are numbered without gaps, link by signature, cover the trail without gaps, and the heads they
 * sealed are still in the trail; every checkpoint the trail records still exists.
 */
export function verifyCase(db: Db, caseId: string, opts: VerifyOptions = {}): CaseVerification {
  // Every page of the file first: a page whose HMAC fails is found here even where nothing below
  // reads it (an index, the timeline), and named; where the checks below read it, they cannot go on.
  const damage = opts.pages === false ? null : damagedPage(db)
  let v: CaseVerification
  try {
    v = verifyContent(db, caseId, opts)
  } catch (e) {
    if (damage && isCaseDamaged(e)) throw caseDamagedError(undefined, damage.where)
    throw e
  }
  if (!damage) return v
  const problem: CheckpointProblem = {
    kind: 'table',
    table: damage.table ?? 'sqlite_schema',
    seq: 0,
    reason: `the case file is damaged or was changed outside Lastmile: ${damage.where} does not authenticate under the case key`
  }
  return { ...v, ok: false, firstBad: problem, problems: [problem, ...v.problems] }
}

/**
 * The first page of the case file that does not read back (SQLite's quick_check reads every page
 * of every table and index, each decrypted and its HMAC checked), with the table or index it
 * belongs to; null when every page reads.
 */
function damagedPage(db: Db): { table: string | null; where: string } | null {
  const report = (db.prepare('PRAGMA quick_check(1)').pluck().all() as string[]).join('\n')
  if (report === 'ok') return null
  const m = /Tree (\d+) page (\d+)/.exec(report)
  if (!m) return { table: null, where: `a page (${report.split('\n').slice(-1)[0].slice(0, 200)})` }
  let tree: { type: string; name: string; tbl_name: string } | undefined
  try {
    tree = db.prepare('SELECT type, name, tbl_name FROM sqlite_schema WHERE rootpage = ?').get(Number(m[1])) as typeof tree
  } catch {
    tree = undefined // the schema's own pages do not read
  }
  if (!tree) return { table: null, where: `page ${m[2]}` }
  // an index is named with its table (SQLite's own, for a UNIQUE or PRIMARY KEY, by its table alone)
  const of = tree.type !== 'index' ? tree.name : tree.name.startsWith('sqlite_autoindex_') ? `an index of ${tree.tbl_name}` : `index ${tree.name} of ${tree.tbl_name}`
  return { table: tree.tbl_name, where: `page ${m[2]} (of ${of})` }
}

function verifyContent(db: Db, caseId: string, opts: VerifyOptions): CaseVerification {
  const audit = verifyAudit(db, caseId)
  // The chain's own break is the most precise statement ("entry 4 does not match its hash"), so
  // it is listed first; then what the checkpoints show, in the order of the trail.
  const chainProblems: CheckpointProblem[] = audit.ok || !audit.firstBad ? [] : [{ kind: 'entry', seq: audit.firstBad.seq, reason: audit.firstBad.reason }]
  const problems: CheckpointProblem[] = []
  const entryAt = db.prepare('SELECT seq, time, hash FROM audit_log WHERE seq = ?')
  const maxSeq = (db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number) ?? 0
  const rows = db.prepare('SELECT * FROM checkpoints ORDER BY seq').all() as Row[]
  const signers = new Map<string, SignerUse>()
  const expectSigner = opts.expectSigner?.toUpperCase()
  let prev: { row: Row; body: CheckpointBody } | null = null
  let expected = 1
  let sealedThrough = 0
  let lastGood: CaseVerification['checkpoints']['last'] = null
  const add = (p: CheckpointProblem): void => {
    problems.push(p)
  }

  for (const row of rows) {
    const n = row.seq
    if (n !== expected) {
      add({ kind: 'checkpoint', seq: expected, reason: `checkpoint ${expected} is missing (the checkpoints jump from ${expected - 1} to ${n})` })
    }
    let body: CheckpointBody
    try {
      body = JSON.parse(row.body) as CheckpointBody
      if (body.format !== FORMAT) throw new Error('format')
    } catch {
      add({ kind: 'checkpoint', seq: n, reason: `checkpoint ${n}: its signed body is not a Lastmile checkpoint (it was edited outside Lastmile)` })
      expected = n + 1
      continue
    }
    let bad = false
    const fail = (reason: string): void => {
      bad = true
      add({ kind: 'checkpoint', seq: n, reason: `checkpoint ${n}: ${reason}` })
    }
    const columnsAgree =
      body.number === n &&
      body.caseId === row.case_id &&
      body.firstSeq === row.first_seq &&
      body.lastSeq === row.last_seq &&
      body.headHash === row.head_hash &&
      body.fromTime === row.from_time &&
      body.toTime === row.to_time &&
      (body.previousSignature ?? null) === (row.previous_signature ?? null) &&
      body.createdAt === row.created_at
    if (!columnsAgree) fail('its recorded fields differ from what was signed (edited after signing)')
    if (body.caseId !== caseId) fail(`it belongs to another case (${body.caseId})`)
    const sig = verifySigned(body.signer, checkpointSigningBytes(body), Buffer.from(row.signature, 'base64'))
    if (!sig.ok) fail(`bad signature: ${sig.reason}`)
    if (expectSigner && body.signer?.fingerprint?.toUpperCase() !== expectSigner) {
      fail(`signed with the wrong key: ${body.signer?.fingerprint ?? 'none'} (${body.signer?.subject ?? '?'}), not the expected ${opts.expectSigner}`)
    }
    if (prev) {
      if ((body.previousSignature ?? null) !== prev.row.signature) {
        fail(`does not link to checkpoint ${prev.row.seq} (its previous signature differs): a checkpoint between them was removed or replaced`)
      }
      if (body.firstSeq !== prev.body.lastSeq + 1) {
        if (body.firstSeq > prev.body.lastSeq + 1) {
          fail(`entries ${prev.body.lastSeq + 1}–${body.firstSeq - 1} are not covered by any checkpoint`)
        } else fail(`it overlaps checkpoint ${prev.row.seq} (starts at entry ${body.firstSeq}, which that one already sealed)`)
      }
    } else if (n === 1) {
      // (A first row numbered above 1 is already reported as the missing checkpoints before it.)
      if (body.previousSignature !== null) fail('the first checkpoint names a previous one')
      if (body.firstSeq !== 1) fail(`entries 1–${body.firstSeq - 1} are not covered by any checkpoint`)
    }
    // The head it sealed must still be in the trail, unchanged.
    const last = entryAt.get(body.lastSeq) as { time: string; hash: string } | undefined
    const first = entryAt.get(body.firstSeq) as { time: string; hash: string } | undefined
    const changed = last && sig.ok && typeof body.entryHashes === 'string' ? firstChangedEntry(db, body) : null
    if (changed) {
      add({
        kind: 'entry',
        seq: changed.seq,
        reason: `entry ${changed.seq} (${changed.action}) is not the entry checkpoint ${n} sealed: the audit trail was rewritten from entry ${changed.seq} on`
      })
      bad = true
    } else if (!last) {
      add({
        kind: 'entry',
        seq: maxSeq + 1,
        reason: `the audit trail ends at entry ${maxSeq}, but checkpoint ${n} sealed entries up to ${body.lastSeq}: entries ${maxSeq + 1}–${body.lastSeq} were removed`
      })
      bad = true
    } else if (last.hash !== body.headHash || last.time !== body.toTime) {
      add({
        kind: 'entry',
        seq: body.lastSeq,
        reason: `entry ${body.lastSeq} is not the head checkpoint ${n} sealed: the audit trail up to it was rewritten`
      })
      bad = true
    } else if (!first || first.time !== body.fromTime) {
      add({ kind: 'entry', seq: body.firstSeq, reason: `entry ${body.firstSeq} is not the one checkpoint ${n} starts at: the audit trail was rewritten` })
      bad = true
    }
    if (body.signer?.fingerprint) {
      const use = signers.get(body.signer.fingerprint) ?? {
        kind: body.signer.kind,
        algorithm: body.signer.algorithm,
        fingerprint: body.signer.fingerprint,
        subject: body.signer.subject,
        issuer: issuerOf(body.signer),
        checkpoints: []
      }
      use.checkpoints.push(n)
      signers.set(body.signer.fingerprint, use)
    }
    if (!bad) {
      sealedThrough = Math.max(sealedThrough, body.lastSeq)
      lastGood = { number: n, lastSeq: body.lastSeq, headHash: body.headHash, signer: body.signer.fingerprint, createdAt: body.createdAt }
    }
    prev = { row, body }
    expected = n + 1
  }

  // Every checkpoint the trail records must still exist, and be the one recorded.
  const recorded = db.prepare("SELECT seq, details FROM audit_log WHERE action = 'checkpoint.create' ORDER BY seq").all() as Array<{
    seq: number
    details: string
  }>
  const bySeq = new Map(rows.map((r) => [r.seq, r]))
  for (const r of recorded) {
    let d: { checkpoint?: number; signature?: string }
    try {
      d = JSON.parse(r.details) as typeof d
    } catch {
      continue // the chain check reports an entry that is not JSON
    }
    if (typeof d.checkpoint !== 'number') continue
    const row = bySeq.get(d.checkpoint)
    if (!row) {
      add({
        kind: 'checkpoint',
        seq: d.checkpoint,
        reason: `checkpoint ${d.checkpoint} is missing: audit entry ${r.seq} records its creation, but the case has no such checkpoint (it was deleted)`
      })
    } else if (d.signature && row.signature !== d.signature) {
      add({ kind: 'checkpoint', seq: d.checkpoint, reason: `checkpoint ${d.checkpoint} is not the one audit entry ${r.seq} recorded (it was replaced)` })
    }
  }

  const head = verifyHead(db, caseId, { expectDevice: opts.expectDevice })
  const state = verifyState(db)
  // Every decision signed by the key it names, four-eyes by key, roles granted by the owner.
  const people = verifyDecisions(db, caseId)
  for (const p of people.problems) add({ kind: 'entry', seq: p.seq, reason: p.reason })
  const unique = dedupe([...chainProblems, ...problems, ...(head.problem ? [head.problem] : []), ...state.problems])
  return {
    people,
    ok: unique.length === 0,
    audit,
    state,
    head,
    checkpoints: {
      count: rows.length,
      sealedThrough,
      unsealed: Math.max(0, maxSeq - sealedThrough),
      signers: [...signers.values()],
      last: lastGood
    },
    firstBad: unique[0] ?? null,
    problems: unique
  }
}

/** The first entry of a checkpoint's range whose hash is not the one it sealed, or null. */
function firstChangedEntry(db: Db, body: CheckpointBody): { seq: number; action: string } | null {
  const sealed = body.entryHashes ?? ''
  let i = 0
  for (const r of db.prepare('SELECT seq, action, hash FROM audit_log WHERE seq BETWEEN ? AND ? ORDER BY seq').iterate(body.firstSeq, body.lastSeq) as IterableIterator<{
    seq: number
    action: string
    hash: string
  }>) {
    if (r.seq !== body.firstSeq + i) return null // a gap: the chain check names it
    if (r.hash.slice(0, ENTRY_PREFIX) !== sealed.slice(i * ENTRY_PREFIX, (i + 1) * ENTRY_PREFIX)) return { seq: r.seq, action: r.action }
    i++
  }
  return null
}

function dedupe(ps: CheckpointProblem[]): CheckpointProblem[] {
  const seen = new Set<string>()
  return ps.filter((p) => {
    const k = `${p.kind}|${p.seq}|${p.table ?? ''}|${p.key ?? ''}|${p.reason}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
