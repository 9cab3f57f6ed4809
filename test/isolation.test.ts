// Most unit test files share their fork's modules (vitest.config.mts: isolate: false), so a file
// that changes a module or a global for the process — mocking a module, stubbing a global or the
// environment, faking timers, pointing the SQLite binding elsewhere — would change it for the files
// after it in the same fork. Such a file must be listed among those that run isolated.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ISOLATED } from '../vitest.config.mjs'

const ROOT = join(__dirname, '..')
const PROCESS_WIDE = /\bvi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers)\(|\buseNativeBinding\(|\bfrom '(\.\.\/)+main\/index'/

/** a vitest include glob (`**` and `*` only) as a regular expression over a path from the root */
function globRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/|\*)/)
    .map((part) => (part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return []
    const p = join(dir, e.name)
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [relative(ROOT, p).split(sep).join('/')] : []
  })
}

describe('test isolation', () => {
  it('reads the globs as vitest does', () => {
    expect(globRegExp('main/db/**/*.test.ts').test('main/db/case-db.test.ts')).toBe(true)
    expect(globRegExp('main/db/**/*.test.ts').test('main/db/migrations/0050-remediation.test.ts')).toBe(true)
    expect(globRegExp('main/db/**/*.test.ts').test('main/dbx/case-db.test.ts')).toBe(false)
    expect(globRegExp('main/platform/electron-main.test.ts').test('main/platform/electron-mainXtest.ts')).toBe(false)
  })

  it('runs isolated every test file that changes a module or a global for its process', () => {
    const isolated = ISOLATED.map(globRegExp)
    const files = ['main', 'renderer', 'shared', 'playbooks', 'test', 'scripts'].flatMap((d) => testFiles(join(ROOT, d)))
    expect(files.length).toBeGreaterThan(200)
    const changing = files.filter((f) => PROCESS_WIDE.test(readFileSync(join(ROOT, f), 'utf8')))
    expect(changing).toContain('main/platform/electron-main.test.ts')
    expect(
      changing.filter((f) => !isolated.some((r) => r.test(f))),
      'add them to ISOLATED in vitest.config.mts'
    ).toEqual([])
  })
})
