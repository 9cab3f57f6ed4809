// What the rule-list extractors (scripts/catalogue/extract-*.ts) share: reading a mirrored git
// repository at one commit, and writing a reference table the way playbooks/catalogue/sources/
// holds them (tab-separated, a header row, no quoting; a cell never holds a tab or a line break).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SOURCES_DIR = join(__dirname, '../../playbooks/catalogue/sources')

/** A mirrored repository read at one commit (`git --git-dir <dir>`: a bare mirror has no work tree). */
export class GitTree {
  readonly commit: string
  constructor(
    readonly gitDir: string,
    rev = 'HEAD'
  ) {
    this.commit = this.git(['rev-parse', `${rev}^{commit}`]).trim()
  }

  private git(args: string[]): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
  }

  /** every file path under `dir` at the commit */
  files(dir: string): string[] {
    return this.git(['ls-tree', '-r', '--name-only', this.commit, '--', dir]).split('\n').filter(Boolean)
  }

  /** the files' texts, read in one `git cat-file --batch` (thousands of files: one process, not thousands) */
  read(paths: readonly string[]): Map<string, string> {
    const out = new Map<string, string>()
    if (paths.length === 0) return out
    const buf = execFileSync('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], {
      input: paths.map((p) => `${this.commit}:${p}`).join('\n') + '\n',
      maxBuffer: 1024 * 1024 * 1024
    })
    let at = 0
    for (const p of paths) {
      const nl = buf.indexOf(10, at)
      const header = buf.subarray(at, nl).toString('utf8')
      const m = /^\S+ blob (\d+)$/.exec(header)
      if (!m) throw new Error(`${this.gitDir}@${this.commit}: ${p}: ${header}`)
      const size = Number(m[1])
      out.set(p, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'))
      at = nl + 1 + size + 1
    }
    return out
  }

  /** `owner/name` from the mirror's path (/work/.mirror/owner+name/repo), for provenance lines */
  get repo(): string {
    const m = /([^/]+)\+([^/]+)\/repo\/?$/.exec(this.gitDir)
    return m ? `${m[1]}/${m[2]}` : this.gitDir
  }
}

/** A cell as the tables hold it: one line, no tabs, spaces collapsed. */
export function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  return String(v).replace(/\s+/g, ' ').trim()
}

/** Write a table; rows are sorted by their first column and a repeated first-column id is an error. */
export function writeTable(file: string, columns: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  const seen = new Set<string>()
  for (const r of rows) {
    const id = r[columns[0]]
    if (!id) throw new Error(`${file}: a row without ${columns[0]}: ${JSON.stringify(r)}`)
    if (seen.has(id.toLowerCase())) throw new Error(`${file}: ${columns[0]} ${id} twice`)
    seen.add(id.toLowerCase())
  }
  const sorted = [...rows].sort((a, b) => a[columns[0]].localeCompare(b[columns[0]], 'en', { numeric: true }))
  const text = [columns.join('\t'), ...sorted.map((r) => columns.map((c) => cell(r[c])).join('\t'))].join('\n') + '\n'
  const path = join(SOURCES_DIR, file)
  writeFileSync(path, text)
  return path
}

/** Read a table written by writeTable (the test and other scripts read them back). */
export function readTable(file: string): { header: string[]; rows: Array<Record<string, string>> } {
  const lines = readFileSync(join(SOURCES_DIR, file), 'utf8').split('\n')
  const header = lines[0].split('\t')
  const rows = lines
    .slice(1)
    .filter((l) => l !== '')
    .map((l, i) => {
      const cells = l.split('\t')
      if (cells.length !== header.length) throw new Error(`${file}: line ${i + 2}: ${cells.length} cells for ${header.length} columns`)
      return Object.fromEntries(header.map((h, k) => [h, cells[k]]))
    })
  return { header, rows }
}

/** The mirror directory and optional commit from the command line, or a usage error. */
export function args(script: string, what: string): GitTree {
  const [gitDir, rev] = process.argv.slice(2)
  if (!gitDir) throw new Error(`usage: npx tsx scripts/catalogue/${script} <${what} git dir> [commit]`)
  return new GitTree(gitDir, rev)
}
