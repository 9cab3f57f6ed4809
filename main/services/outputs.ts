// Every file Lastmile writes at a path a person named goes through here: the PDF report, the
// auditor case file, guardrails, routing packages, plan artefacts, a collected evidence bundle and
// the demo. One rule for all of them (issue 13): no output may destroy an input. An output is
// never the open case or its SQLite side files, never a file this run reads (by name, through a
// symbolic link, or as another hard link to it), never a Lastmile case or case file it is not
// itself remaking, and never an existing file unless the person said to replace it. The write is
// atomic: a temporary file beside the target, renamed (or linked, when nothing may be replaced)
// into place, so a failed export leaves the old file or none, never half of one.
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants as fsConstants,
  createWriteStream,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { LastmileError, fsReason } from '../errors'

export interface OutputRules {
  /** the files this run reads (the case, a certificate, a key or passphrase file): never written over, under any name */
  inputs: ReadonlyArray<string | null | undefined>
  /** the person confirmed replacing an existing file (`--force`; the app asks first). Default: refuse. */
  overwrite?: boolean
  /** when this writer makes a Lastmile file itself: only a file of that kind, so named, may be replaced by it */
  makes?: { extension: string; magic: Buffer; what: string }
}

/** Names that say "this is Lastmile's": a case (and SQLite's files beside it) and an auditor case file. */
const LASTMILE_NAMES: ReadonlyArray<{ re: RegExp; what: string; extension: string }> = [
  { re: /\.lmcase(-wal|-shm|-journal)?$/i, what: 'a Lastmile case', extension: '.lmcase' },
  { re: /\.lmaudit$/i, what: 'an auditor case file', extension: '.lmaudit' }
]
/** SQLite keeps these beside a database; writing over one corrupts the case as surely as the case itself. */
const SIDE_FILES = ['-wal', '-shm', '-journal']

interface Identity {
  path: string
  /** the path with every symbolic link resolved (of its folder, when the file does not exist) */
  real: string
  /** the file it names, following links; null when there is none */
  stat: Stats | null
}

function identify(path: string): Identity {
  const abs = resolve(path)
  let stat: Stats | null = null
  try {
    stat = statSync(abs)
  } catch {
    stat = null
  }
  let real = abs
  try {
    real = realpathSync(abs)
  } catch {
    try {
      real = join(realpathSync(dirname(abs)), basename(abs))
    } catch {
      real = abs
    }
  }
  return { path: abs, real, stat }
}

function sameFile(a: Identity, b: Identity): boolean {
  if (a.real === b.real) return true
  return a.stat !== null && b.stat !== null && a.stat.dev === b.stat.dev && a.stat.ino === b.stat.ino
}

function inputIdentities(inputs: OutputRules['inputs']): Identity[] {
  const out: Identity[] = []
  for (const p of inputs) {
    if (!p) continue
    out.push(identify(p))
    for (const side of SIDE_FILES) out.push(identify(`${p}${side}`))
  }
  return out
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

function startsWith(path: string, magic: Buffer): boolean {
  let fd: number | null = null
  try {
    // O_NONBLOCK: the target was checked to be a regular file, but never hang on a swapped-in pipe.
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
    const buf = Buffer.alloc(magic.length)
    return readSync(fd, buf, 0, buf.length, 0) === magic.length && buf.equals(magic)
  } catch {
    return false
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

/**
 * Check an output file before any work is done (and again just before it is written). Returns the
 * absolute path. Every refusal is one line naming the path.
 */
export function checkOutputFile(path: string, rules: OutputRules): string {
  const abs = resolve(path)
  const dir = dirname(abs)
  let folder: Stats
  try {
    folder = statSync(dir)
  } catch {
    throw new LastmileError('bad-input', `${abs}: the folder ${dir} does not exist`)
  }
  if (!folder.isDirectory()) throw new LastmileError('bad-input', `${abs}: ${dir} is not a folder`)

  const name = basename(abs)
  const named = LASTMILE_NAMES.find((n) => n.re.test(name))
  if (named && !(rules.makes && named.extension === rules.makes.extension && name.toLowerCase().endsWith(rules.makes.extension))) {
    throw new LastmileError('bad-input', `${abs}: the name is that of ${named.what}; Lastmile never writes an export there — choose another file name`)
  }

  const target = identify(abs)
  for (const input of inputIdentities(rules.inputs)) {
    if (sameFile(target, input)) {
      const how = target.path === input.path ? 'is' : 'is the same file as'
      throw new LastmileError('bad-input', `${abs}: ${how} ${input.path}, which this command reads; writing there would destroy it — choose another output file`)
    }
  }

  if (!target.stat && isLink(abs) && !rules.overwrite) {
    throw new LastmileError('exists', `${abs}: a symbolic link is there already; Lastmile replaces it only when told to (--force on the command line)`)
  }
  if (target.stat) {
    if (target.stat.isDirectory()) throw new LastmileError('bad-input', `${abs}: is a folder; give the path of the file to write`)
    if (!target.stat.isFile()) throw new LastmileError('bad-input', `${abs}: is not a regular file (a device, pipe or socket); choose another output file`)
    if (!rules.overwrite) {
      throw new LastmileError('exists', `${abs}: already exists; Lastmile replaces a file only when told to (--force on the command line) — choose another name or confirm`)
    }
    if (named && rules.makes && !startsWith(abs, rules.makes.magic)) {
      throw new LastmileError('bad-input', `${abs}: exists but is not ${rules.makes.what}; Lastmile replaces only its own export there — choose another file name`)
    }
  }
  return abs
}

type Content = Buffer | readonly Buffer[] | ((write: (chunk: Buffer) => void) => void)

/**
 * Write an output file atomically after checking it (checkOutputFile). `content` may be a
 * function that streams chunks into `write`. Returns the absolute path.
 */
export function writeOutputFile(path: string, content: Content, rules: OutputRules & { mode?: number }): string {
  const abs = checkOutputFile(path, rules)
  const tmp = temporaryBeside(abs)
  try {
    const fd = openSync(tmp, 'wx', rules.mode ?? 0o644)
    try {
      const write = (chunk: Buffer): void => {
        let off = 0
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off)
      }
      if (typeof content === 'function') content(write)
      else for (const chunk of Buffer.isBuffer(content) ? [content] : content) write(chunk)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    place(tmp, abs, rules.overwrite === true)
    return abs
  } catch (e) {
    rmSync(tmp, { force: true })
    throw asWriteError(abs, e)
  }
}

/**
 * Stream into a new output file (never replacing one): through `through` (e.g. a hashing tap),
 * to a temporary file, then into place.
 */
export async function writeOutputStream(
  path: string,
  source: Readable | AsyncIterable<Uint8Array>,
  rules: OutputRules & { mode?: number },
  through: Transform[] = []
): Promise<string> {
  const abs = checkOutputFile(path, { ...rules, overwrite: false })
  const tmp = temporaryBeside(abs)
  try {
    await pipeline([source as Readable, ...through, createWriteStream(tmp, { flags: 'wx', mode: rules.mode ?? 0o644 })])
    place(tmp, abs, false)
    return abs
  } catch (e) {
    rmSync(tmp, { force: true })
    // the source's own errors (a dropped download) stay what they are, for the caller to handle
    throw e
  }
}

/**
 * A folder that outputs go into: it is a folder (or is made), is not an input, and when `empty`
 * is asked for holds nothing yet. `emptyHint` finishes the "not empty" message.
 */
export function prepareOutputFolder(dir: string, rules: FolderRules): string {
  const abs = checkOutputFolder(dir, rules)
  try {
    mkdirSync(abs, { recursive: true })
  } catch (e) {
    throw new LastmileError('unavailable', `${abs}: cannot make the folder: ${fsReason(e)}`)
  }
  return abs
}

type FolderRules = { inputs: OutputRules['inputs']; empty?: boolean; emptyHint?: string }

/** prepareOutputFolder's checks without making the folder: to refuse before any work is done. */
export function checkOutputFolder(dir: string, rules: FolderRules): string {
  const abs = resolve(dir)
  const target = identify(abs)
  for (const input of inputIdentities(rules.inputs)) {
    if (sameFile(target, input)) throw new LastmileError('bad-input', `${abs}: is ${input.path}, which this command reads; give a folder to write into`)
  }
  if (target.stat && !target.stat.isDirectory()) throw new LastmileError('bad-input', `${abs}: is a file, not a folder; give a new or empty folder to write into`)
  if (target.stat && rules.empty) {
    let entries: string[]
    try {
      entries = readdirSync(abs)
    } catch (e) {
      throw new LastmileError('unavailable', `${abs}: cannot read the folder: ${fsReason(e)}`)
    }
    if (entries.length > 0) throw new LastmileError('exists', `${abs}: the folder is not empty; ${rules.emptyHint ?? 'give a new or empty folder (Lastmile never overwrites)'}`)
  }
  return abs
}

function temporaryBeside(abs: string): string {
  return join(dirname(abs), `.${basename(abs)}.writing-${randomBytes(6).toString('hex')}`)
}

/**
 * Move the finished temporary file into place. Replacing: rename (atomic). Not replacing: a hard
 * link, which fails if a file appeared meanwhile, instead of rename, which would silently replace it.
 */
function place(tmp: string, abs: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(tmp, abs)
    return
  }
  try {
    linkSync(tmp, abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new LastmileError('exists', `${abs}: a file appeared there while it was being written; nothing was replaced`)
    // Some file systems (FAT, some network shares) have no hard links.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e
    let exists = true
    try {
      statSync(abs)
    } catch {
      exists = false
    }
    if (exists) throw new LastmileError('exists', `${abs}: a file appeared there while it was being written; nothing was replaced`)
    renameSync(tmp, abs)
    return
  }
  unlinkSync(tmp)
}

function asWriteError(abs: string, e: unknown): LastmileError {
  if (e instanceof LastmileError) return e
  return new LastmileError('unavailable', `${abs}: cannot write the file: ${fsReason(e)}`)
}

export interface NewFile {
  /** relative to the folder; may name a subfolder (`guardrails/scp.json`) */
  name: string
  content: string | Buffer
  mode?: number
}

/**
 * Write a set of new files into a folder (a package, a plan's artefacts): none may exist yet —
 * all are checked before the first is written — and each is written atomically. `existsHint`
 * finishes the "already exists" message. Returns the folder's absolute path.
 */
export function writeNewFiles(dir: string, files: readonly NewFile[], rules: { inputs: OutputRules['inputs']; existsHint: string }): string {
  const abs = prepareOutputFolder(dir, { inputs: rules.inputs })
  for (const f of files) {
    const path = join(abs, f.name)
    let there = true
    try {
      lstatSync(path)
    } catch {
      there = false
    }
    if (there) throw new LastmileError('exists', `${path}: already exists; ${rules.existsHint}`)
  }
  for (const f of files) {
    const path = join(abs, f.name)
    if (dirname(path) !== abs) prepareOutputFolder(dirname(path), { inputs: rules.inputs })
    writeOutputFile(path, typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content, { inputs: rules.inputs, mode: f.mode })
  }
  return abs
}
