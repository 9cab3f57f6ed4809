import { execFileSync } from 'node:child_process'
import { linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { LastmileError } from '../errors'
import { checkOutputFile, prepareOutputFolder, writeOutputFile } from './outputs'

const MAGIC = Buffer.from('LASTMILE CASE FILE 1\n')
const makes = { extension: '.lmaudit', magic: MAGIC, what: 'an auditor case file' }

function refusal(f: () => unknown): LastmileError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(LastmileError)
    expect((e as Error).message.split('\n')).toHaveLength(1)
    return e as LastmileError
  }
  throw new Error('not refused')
}

describe('the output guard', () => {
  it('refuses an input under any name: itself, its SQLite side files, a symbolic link, a hard link, a link to its folder', () => {
    const dir = tempDir()
    const input = join(dir, 'case.db')
    writeFileSync(input, 'the case')
    symlinkSync(input, join(dir, 'sym.pdf'))
    linkSync(input, join(dir, 'hard.pdf'))
    symlinkSync(dir, join(dir, 'again'))
    for (const out of [input, `${input}-wal`, `${input}-shm`, `${input}-journal`, join(dir, 'sym.pdf'), join(dir, 'hard.pdf'), join(dir, 'again', 'case.db')]) {
      const e = refusal(() => checkOutputFile(out, { inputs: [input], overwrite: true }))
      expect(e.message, out).toMatch(/which this command reads/)
      expect(e.message.startsWith(out), out).toBe(true)
    }
    expect(readFileSync(input, 'utf8')).toBe('the case')
  })

  it('refuses Lastmile names it is not remaking, folders and non-regular files; an existing file only without overwrite', () => {
    const dir = tempDir()
    for (const name of ['x.lmcase', 'X.LMCASE', 'x.lmcase-wal', 'x.lmcase-shm', 'x.lmaudit']) {
      expect(refusal(() => checkOutputFile(join(dir, name), { inputs: [] })).message).toMatch(/the name is that of/)
    }
    expect(checkOutputFile(join(dir, 'x.lmaudit'), { inputs: [], makes })).toBe(join(dir, 'x.lmaudit'))
    expect(refusal(() => checkOutputFile(join(dir, 'x.lmcase'), { inputs: [], makes })).message).toMatch(/that of a Lastmile case/)

    mkdirSync(join(dir, 'folder'))
    expect(refusal(() => checkOutputFile(join(dir, 'folder'), { inputs: [], overwrite: true })).message).toMatch(/is a folder/)
    execFileSync('mkfifo', [join(dir, 'pipe')])
    expect(refusal(() => checkOutputFile(join(dir, 'pipe'), { inputs: [], overwrite: true })).message).toMatch(/not a regular file/)
    expect(refusal(() => checkOutputFile(join(dir, 'nowhere', 'x.pdf'), { inputs: [] })).message).toMatch(/the folder .*nowhere does not exist/)

    writeFileSync(join(dir, 'notes.txt'), 'mine')
    const e = refusal(() => checkOutputFile(join(dir, 'notes.txt'), { inputs: [] }))
    expect(e.code).toBe('exists')
    expect(checkOutputFile(join(dir, 'notes.txt'), { inputs: [], overwrite: true })).toBe(join(dir, 'notes.txt'))
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling.pdf'))
    expect(refusal(() => checkOutputFile(join(dir, 'dangling.pdf'), { inputs: [] })).code).toBe('exists')

    // a case-file writer replaces only a case file under a case-file name
    writeFileSync(join(dir, 'old.lmaudit'), 'something else')
    expect(refusal(() => checkOutputFile(join(dir, 'old.lmaudit'), { inputs: [], overwrite: true, makes })).message).toMatch(/exists but is not an auditor case file/)
    writeFileSync(join(dir, 'old.lmaudit'), Buffer.concat([MAGIC, Buffer.from('rest')]))
    expect(checkOutputFile(join(dir, 'old.lmaudit'), { inputs: [], overwrite: true, makes })).toBe(join(dir, 'old.lmaudit'))
  })

  it('writes atomically: a failed write leaves the old file (or none) and no temporary file', () => {
    const dir = tempDir()
    const out = join(dir, 'report.pdf')
    writeFileSync(out, 'old report')
    const failing = (write: (b: Buffer) => void): void => {
      write(Buffer.from('half a '))
      throw new LastmileError('unavailable', `${out}: the render failed`)
    }
    expect(refusal(() => writeOutputFile(out, failing, { inputs: [], overwrite: true })).message).toMatch(/the render failed/)
    expect(readFileSync(out, 'utf8')).toBe('old report')
    const fresh = join(dir, 'fresh.pdf')
    refusal(() => writeOutputFile(fresh, failing, { inputs: [] }))
    expect(readdirSync(dir).sort()).toEqual(['report.pdf'])

    expect(writeOutputFile(out, [Buffer.from('new '), Buffer.from('report')], { inputs: [], overwrite: true })).toBe(out)
    expect(readFileSync(out, 'utf8')).toBe('new report')
    expect(readdirSync(dir)).toEqual(['report.pdf'])
  })

  it('never replaces a file that appears while it writes, unless told to', () => {
    const dir = tempDir()
    const out = join(dir, 'package.md')
    const e = refusal(() =>
      writeOutputFile(
        out,
        (write) => {
          writeFileSync(out, 'someone else')
          write(Buffer.from('ours'))
        },
        { inputs: [] }
      )
    )
    expect(e.code).toBe('exists')
    expect(readFileSync(out, 'utf8')).toBe('someone else')
    expect(readdirSync(dir)).toEqual(['package.md'])
  })

  it('output folders: a file or an input is refused, a non-empty folder when a new one is needed', () => {
    const dir = tempDir()
    const input = join(dir, 'case.lmcase')
    writeFileSync(input, 'the case')
    expect(refusal(() => prepareOutputFolder(input, { inputs: [input] })).message).toMatch(/which this command reads/)
    writeFileSync(join(dir, 'file'), 'x')
    expect(refusal(() => prepareOutputFolder(join(dir, 'file'), { inputs: [] })).message).toMatch(/is a file, not a folder/)
    expect(refusal(() => prepareOutputFolder(dir, { inputs: [], empty: true, emptyHint: 'the demo never overwrites' })).message).toMatch(
      /the folder is not empty; the demo never overwrites/
    )
    expect(prepareOutputFolder(join(dir, 'a', 'b'), { inputs: [input], empty: true })).toBe(join(dir, 'a', 'b'))
  })
})
