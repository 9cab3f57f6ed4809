// Files and folders the user dropped on the window. The preload asks Electron where each dropped
// File is (webUtils.getPathForFile: '' for a File made in script) and sends those paths here on
// DROP_CHANNEL, which is not a `window.lastmile` method: the page itself cannot name a path. Main
// answers with a token to read each one (a file or a folder, as it is on disk), or null for one
// it cannot: no path, gone, or neither a regular file nor a folder (a FIFO would hang a reader).
import { statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { droppedInput, type ChosenPath, type Envelope } from '../../shared/contract'
import type { PathGrants } from '../services/path-grants'

export function registerDropped(grants: PathGrants, input: unknown): Envelope<Array<ChosenPath | null>> {
  const parsed = droppedInput.safeParse(input)
  if (!parsed.success) return { ok: false, error: { code: 'bad-input', message: 'dropped: a list of the dropped files’ paths is expected' } }
  return { ok: true, value: parsed.data.paths.map((p) => chooseDropped(grants, p)) }
}

function chooseDropped(grants: PathGrants, path: string): ChosenPath | null {
  if (!path || !isAbsolute(path)) return null
  try {
    const st = statSync(path)
    if (st.isFile()) return grants.choose(path, 'open-file')
    if (st.isDirectory()) return grants.choose(path, 'open-folder')
    return null
  } catch {
    return null
  }
}
