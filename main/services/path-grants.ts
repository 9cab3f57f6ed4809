// The renderer names files by token, never by path (issue 13, "The renderer can name only what
// the user chose"). Main issues a token when the user picks a file or folder in a dialog, drops
// one on the window, or when main itself offers one of the app's own files (a recent case, the
// remembered certificate, a bundle it just collected); every path-taking call gives the token
// back and main resolves it here. A token is random, lives only in this run of the app, and is
// scoped by kind: one chosen to be read cannot be written, a file is not a folder. A page running
// injected script can therefore reach only what the user chose, the way the user chose it.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { PATH_TOKEN_PATTERN } from '../../shared/contract'
import type { ChosenPath, PathKind } from '../../shared/model'
import { LastmileError } from '../errors'

const KIND_WORDS: Record<PathKind, string> = {
  'open-file': 'a file chosen to be read',
  'open-folder': 'a folder chosen to be read',
  'save-file': 'a file chosen to be written',
  'save-folder': 'a folder chosen to be written'
}

export class PathGrants {
  /** this run's id, part of every token it issues */
  readonly run = randomBytes(6).toString('hex')
  private readonly granted = new Map<string, { path: string; kind: PathKind }>()
  /** files the person agreed to replace: the save dialog answered them while they existed */
  private readonly replaceable = new Set<string>()
  /** the token main offered for one of the app's own files, by kind and path */
  private readonly offered = new Map<string, string>()

  /**
   * A token for `path`, usable as `kind` only, until the app quits. `replaceConfirmed`: the person
   * confirmed replacing the existing file (the OS save dialog asks before it answers one).
   */
  issue(path: string, kind: PathKind, opts: { replaceConfirmed?: boolean } = {}): string {
    const token = `lmpath:${this.run}:${randomBytes(16).toString('hex')}`
    const abs = resolve(path)
    this.granted.set(token, { path: abs, kind })
    if (kind === 'save-file' && opts.replaceConfirmed) this.replaceable.add(abs)
    return token
  }

  /**
   * What a dialog or a drop hands the renderer: the token, and the path to show people. A file to
   * write that is already there was confirmed by the person in the save dialog: `replaces` says
   * so, and an export may then replace it (see replaceConfirmed).
   */
  choose(path: string, kind: PathKind): ChosenPath {
    const abs = resolve(path)
    const replaces = kind === 'save-file' && existsSync(abs)
    return { token: this.issue(abs, kind, { replaceConfirmed: replaces }), path: abs, name: basename(abs), ...(replaces ? { replaces: true as const } : {}) }
  }

  /**
   * One of the app's own files offered to the renderer (a recent case, the remembered
   * certificate, a bundle main collected): the same token each time, so a page asking again and
   * again does not grow the table.
   */
  offer(path: string, kind: PathKind): ChosenPath {
    const abs = resolve(path)
    const key = `${kind}\0${abs}`
    let token = this.offered.get(key)
    if (token === undefined) this.offered.set(key, (token = this.issue(abs, kind)))
    return { token, path: abs, name: basename(abs) }
  }

  /** Whether the person confirmed, in a save dialog of this run, replacing the file at `path`. */
  replaceConfirmed(path: string): boolean {
    return this.replaceable.has(resolve(path))
  }

  /**
   * The path behind a token the renderer gave for `field` of `channel`. Refused (bad-input, one
   * sentence naming the call and field) unless this run issued it for exactly this kind.
   */
  resolve(token: string, kind: PathKind, where: string): string {
    if (!PATH_TOKEN_PATTERN.test(token)) {
      throw new LastmileError('bad-input', `${where}: Lastmile takes only a file or folder chosen in a dialog or dropped on the window, not a typed path`)
    }
    const g = this.granted.get(token)
    if (!g) {
      const earlier = !token.startsWith(`lmpath:${this.run}:`)
      throw new LastmileError(
        'bad-input',
        earlier ? `${where}: this file was chosen in an earlier run of Lastmile; choose it again` : `${where}: this is not a file or folder Lastmile handed out; choose it again`
      )
    }
    if (g.kind !== kind) throw new LastmileError('bad-input', `${where}: ${g.path} is ${KIND_WORDS[g.kind]}, but this needs ${KIND_WORDS[kind]}; choose it again`)
    return g.path
  }
}
