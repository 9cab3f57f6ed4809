// Native file dialogs for the services (Dialogs port). Only main sees the chosen path; the
// renderer gets it back through the contract, never a file handle.
import type { BrowserWindow, Dialog, Shell } from 'electron'
import type { Dialogs } from './ports'

export const CASE_EXTENSION = 'lmcase'
const CASE_FILTERS = [{ name: 'Lastmile case', extensions: [CASE_EXTENSION] }]
/** What the scanners write (shared/FORMATS.md); "All files" too, since exports are often renamed. */
const EXPORT_FILTERS = [
  { name: 'Scanner exports', extensions: ['json', 'jsonl', 'ndjson', 'csv', 'sarif'] },
  { name: 'All files', extensions: ['*'] }
]

export type DialogLike = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>
export type ShellLike = Pick<Shell, 'showItemInFolder'>

/**
 * @param parent the window the dialog belongs to (modal to it), or null when there is none
 * @param shell Electron's shell, for "show in folder" (it never opens or runs the file)
 */
export function createElectronDialogs(dialog: DialogLike, parent: () => BrowserWindow | null, shell: ShellLike): Dialogs {
  return {
    showInFolder(path) {
      shell.showItemInFolder(path)
      return true
    },

    async chooseCasePath(mode) {
      const win = parent()
      if (mode === 'create') {
        const options = {
          title: 'Create a case',
          buttonLabel: 'Create',
          defaultPath: `case.${CASE_EXTENSION}`,
          filters: CASE_FILTERS,
          properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>
        }
        const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
        if (r.canceled || !r.filePath) return null
        return withCaseExtension(r.filePath)
      }
      const options = {
        title: 'Open a case',
        buttonLabel: 'Open',
        filters: CASE_FILTERS,
        properties: ['openFile'] as Array<'openFile'>
      }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      if (r.canceled || r.filePaths.length === 0) return null
      return r.filePaths[0] ?? null
    },

    async chooseFiles(purpose) {
      const win = parent()
      // An evidence bundle is a folder (manifest.json and the files it lists), not a file.
      const options =
        purpose === 'import'
          ? {
              title: 'Choose scanner exports to import',
              buttonLabel: 'Choose',
              filters: EXPORT_FILTERS,
              properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>
            }
          : {
              title: 'Choose evidence bundle folders',
              buttonLabel: 'Choose',
              properties: ['openDirectory', 'multiSelections'] as Array<'openDirectory' | 'multiSelections'>
            }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? [] : r.filePaths
    }
  }
}

/** GTK's save dialog does not add the filter's extension; a case file always ends in .lmcase. */
export function withCaseExtension(path: string): string {
  return path.toLowerCase().endsWith(`.${CASE_EXTENSION}`) ? path : `${path}.${CASE_EXTENSION}`
}
