import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { createElectronDialogs, withCaseExtension, type DialogLike } from './electron-dialogs'

const noShell = { showItemInFolder: vi.fn() }

function fakeDialog(save: { canceled: boolean; filePath?: string }, open: { canceled: boolean; filePaths: string[] }) {
  const calls: Array<{ kind: string; parent: unknown; options: SaveDialogOptions | OpenDialogOptions }> = []
  const record = (kind: string, a: unknown, b: unknown) => {
    const [parent, options] = b === undefined ? [null, a] : [a, b]
    calls.push({ kind, parent, options: options as SaveDialogOptions })
  }
  const dialog = {
    showSaveDialog: vi.fn(async (a: unknown, b?: unknown) => {
      record('save', a, b)
      return { canceled: save.canceled, filePath: save.filePath ?? '' }
    }),
    showOpenDialog: vi.fn(async (a: unknown, b?: unknown) => {
      record('open', a, b)
      return { canceled: open.canceled, filePaths: open.filePaths }
    })
  } as unknown as DialogLike
  return { dialog, calls }
}

const win = { id: 1 } as unknown as BrowserWindow

describe('the Electron dialogs adapter', () => {
  it('creates with a save dialog filtered to .lmcase, modal to the window, and adds the extension', async () => {
    const f = fakeDialog({ canceled: false, filePath: '/home/ana/acme-q3' }, { canceled: false, filePaths: [] })
    const d = createElectronDialogs(f.dialog, () => win, noShell)
    expect(await d.save('case')).toBe('/home/ana/acme-q3.lmcase')
    expect(f.calls[0]).toMatchObject({ kind: 'save', parent: win })
    expect(f.calls[0]!.options.filters).toEqual([{ name: 'Lastmile case', extensions: ['lmcase'] }])
  })

  it('opens one existing file', async () => {
    const f = fakeDialog({ canceled: true }, { canceled: false, filePaths: ['/cases/a.lmcase'] })
    const d = createElectronDialogs(f.dialog, () => null, noShell)
    expect(await d.open('case')).toEqual(['/cases/a.lmcase'])
    expect(f.calls[0]).toMatchObject({ kind: 'open', parent: null })
    expect((f.calls[0]!.options as OpenDialogOptions).properties).toEqual(['openFile'])
  })

  it('answers null when the user cancels', async () => {
    const f = fakeDialog({ canceled: true }, { canceled: true, filePaths: [] })
    const d = createElectronDialogs(f.dialog, () => win, noShell)
    expect(await d.save('case')).toBeNull()
    expect(await d.open('case')).toEqual([])
  })

  it('chooses several export files to import, with the scanners\' extensions and "All files"', async () => {
    const f = fakeDialog({ canceled: true }, { canceled: false, filePaths: ['/x/sh.json', '/x/prowler.csv'] })
    const d = createElectronDialogs(f.dialog, () => win, noShell)
    expect(await d.open('import')).toEqual(['/x/sh.json', '/x/prowler.csv'])
    const options = f.calls[0]!.options as OpenDialogOptions
    expect(f.calls[0]).toMatchObject({ kind: 'open', parent: win })
    expect(options.properties).toEqual(['openFile', 'multiSelections'])
    expect(options.filters?.map((x) => x.extensions)).toEqual([['json', 'jsonl', 'ndjson', 'csv', 'sarif'], ['*']])
  })

  it('chooses evidence bundles as folders, and answers [] when the user cancels', async () => {
    const f = fakeDialog({ canceled: true }, { canceled: false, filePaths: ['/bundles/acme-2026-11'] })
    const d = createElectronDialogs(f.dialog, () => null, noShell)
    expect(await d.open('evidence')).toEqual(['/bundles/acme-2026-11'])
    expect((f.calls[0]!.options as OpenDialogOptions).properties).toEqual(['openDirectory', 'multiSelections'])
    const cancelled = createElectronDialogs(fakeDialog({ canceled: true }, { canceled: true, filePaths: ['/ignored'] }).dialog, () => win, noShell)
    expect(await cancelled.open('import')).toEqual([])
  })

  it('chooses one certificate file to read, and names new folders to write with a save dialog', async () => {
    const f = fakeDialog({ canceled: false, filePath: '/out/guardrails-q4' }, { canceled: false, filePaths: ['/keys/org.p12', '/keys/other.p12'] })
    const d = createElectronDialogs(f.dialog, () => win, noShell)
    expect(await d.open('certificate')).toEqual(['/keys/org.p12'])
    expect((f.calls[0]!.options as OpenDialogOptions).properties).toEqual(['openFile'])
    expect(await d.open('playbooks')).toEqual(['/keys/org.p12'])
    expect((f.calls[1]!.options as OpenDialogOptions).properties).toEqual(['openDirectory'])
    expect(await d.save('guardrails')).toBe('/out/guardrails-q4')
    expect(await d.save('report')).toBe('/out/guardrails-q4')
    expect(f.calls[2]).toMatchObject({ kind: 'save', parent: win, options: { buttonLabel: 'Choose', defaultPath: 'guardrails' } })
    expect(f.calls[3]!.options).toMatchObject({ buttonLabel: 'Save', filters: [{ extensions: ['pdf'] }] })
  })

  it('keeps an extension that is already there, whatever its case', () => {
    expect(withCaseExtension('/a/b.lmcase')).toBe('/a/b.lmcase')
    expect(withCaseExtension('/a/B.LMCASE')).toBe('/a/B.LMCASE')
    expect(withCaseExtension('/a/b.db')).toBe('/a/b.db.lmcase')
  })

  it("shows a file in the file manager through Electron's shell, never opening it", () => {
    const shell = { showItemInFolder: vi.fn() }
    const d = createElectronDialogs(fakeDialog({ canceled: true }, { canceled: true, filePaths: [] }).dialog, () => win, shell)
    expect(d.showInFolder('/exports/acme.pdf')).toBe(true)
    expect(shell.showItemInFolder).toHaveBeenCalledWith('/exports/acme.pdf')
  })
})
