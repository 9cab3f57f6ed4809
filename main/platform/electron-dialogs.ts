// Native file dialogs for the services (Dialogs port). Only main sees the chosen path; the
// renderer gets a token for it through the contract (main/services/path-grants.ts), never a file
// handle and never a way to name another path.
import type { BrowserWindow, Dialog, OpenDialogOptions, SaveDialogOptions, Shell } from 'electron'
import { OPEN_KIND, SAVE_KIND, type OpenPurpose, type SavePurpose } from '../../shared/contract'
import type { Dialogs } from './ports'

const CASE_EXTENSION = 'lmcase'
const CASE_FILTERS = [{ name: 'Lastmile case', extensions: [CASE_EXTENSION] }]
const ALL_FILES = { name: 'All files', extensions: ['*'] }
/** What the scanners write (shared/FORMATS.md); "All files" too, since exports are often renamed. */
const EXPORT_FILTERS = [{ name: 'Scanner exports', extensions: ['json', 'jsonl', 'ndjson', 'csv', 'sarif'] }, ALL_FILES]
const CERTIFICATE_FILTERS = [{ name: 'PKCS#12 certificate', extensions: ['p12', 'pfx'] }, ALL_FILES]

export type DialogLike = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>
export type ShellLike = Pick<Shell, 'showItemInFolder'>

/** Each open dialog: files or folders (OPEN_KIND), one or several, with its title and filters. */
const OPEN: Record<OpenPurpose, { title: string; multiple?: true; filters?: OpenDialogOptions['filters'] }> = {
  case: { title: 'Open a case', filters: CASE_FILTERS },
  import: { title: 'Choose scanner exports to import', multiple: true, filters: EXPORT_FILTERS },
  // An evidence bundle is a folder (manifest.json and the files it lists), not a file.
  evidence: { title: 'Choose evidence bundle folders', multiple: true },
  certificate: { title: 'Choose the signing certificate', filters: CERTIFICATE_FILTERS },
  'case-file': { title: 'Choose an auditor case file' },
  'export-file': { title: 'Choose a signed report or case file to verify' },
  'execution-output': { title: 'Choose the output of the execution' },
  playbooks: { title: 'Choose a folder of playbooks' }
}

/** Each save dialog: a file, or a new folder to write into (SAVE_KIND). */
const SAVE: Record<SavePurpose, { title: string; defaultPath: string; filters?: SaveDialogOptions['filters'] }> = {
  case: { title: 'Create a case', defaultPath: `case.${CASE_EXTENSION}`, filters: CASE_FILTERS },
  report: { title: 'Save the signed report', defaultPath: 'report.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] },
  'case-file': { title: 'Save the auditor case file', defaultPath: 'case-for-audit.lmaudit' },
  bundle: { title: 'Name the folder for the evidence bundle', defaultPath: 'evidence-bundle' },
  guardrails: { title: 'Name the folder for the guardrails', defaultPath: 'guardrails' },
  routing: { title: 'Name the folder for the routing package', defaultPath: 'routing' }
}

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

    async open(purpose) {
      const spec = OPEN[purpose]
      const properties: OpenDialogOptions['properties'] = [OPEN_KIND[purpose] === 'open-folder' ? 'openDirectory' : 'openFile']
      if (spec.multiple) properties.push('multiSelections')
      const options: OpenDialogOptions = { title: spec.title, buttonLabel: 'Choose', properties, ...(spec.filters ? { filters: spec.filters } : {}) }
      const win = parent()
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      if (r.canceled) return []
      return spec.multiple ? r.filePaths : r.filePaths.slice(0, 1)
    },

    async save(purpose) {
      const spec = SAVE[purpose]
      const options: SaveDialogOptions = {
        title: spec.title,
        buttonLabel: SAVE_KIND[purpose] === 'save-folder' ? 'Choose' : 'Save',
        defaultPath: spec.defaultPath,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
        ...(spec.filters ? { filters: spec.filters } : {})
      }
      const win = parent()
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
      if (r.canceled || !r.filePath) return null
      return purpose === 'case' ? withCaseExtension(r.filePath) : r.filePath
    }
  }
}

/** GTK's save dialog does not add the filter's extension; a case file always ends in .lmcase. */
export function withCaseExtension(path: string): string {
  return path.toLowerCase().endsWith(`.${CASE_EXTENSION}`) ? path : `${path}.${CASE_EXTENSION}`
}
