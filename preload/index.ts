// The bridge between the page and main: `window.lastmile`, built from the contract. It exposes
// exactly one method per contract channel plus `on(event)` for the contract's events, nothing
// else: no ipcRenderer, no generic send/invoke, no Electron event objects (an IpcRendererEvent
// carries `sender`, i.e. ipcRenderer itself).
//
// This runs sandboxed: it can require only 'electron'. Everything it imports is bundled
// (electron.vite.config.ts), and the build fails if the output requires anything but electron
// (scripts/build-guards.ts).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { CHANNELS, DROP_CHANNEL, EVENT_NAMES, ipcChannel, type EventName, type Events, type LastmileApi } from '../shared/contract'

/** Must match eventChannel() in main/platform/ipc-bridge.ts (preload may not import main). */
function eventChannel(name: EventName): string {
  return `lastmile:event:${name}`
}

function buildApi(): LastmileApi {
  const api: Record<string, unknown> = {}
  for (const channel of CHANNELS) {
    // Main validates the input; the preload only carries it.
    api[channel] = (input: unknown) => ipcRenderer.invoke(ipcChannel(channel), input)
  }
  api.on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    if (!EVENT_NAMES.includes(event)) {
      throw new Error(`lastmile.on: unknown event "${String(event)}" (known: ${EVENT_NAMES.join(', ')})`)
    }
    if (typeof listener !== 'function') throw new Error('lastmile.on: the listener must be a function')
    const channel = eventChannel(event)
    const forward = (_event: IpcRendererEvent, payload: Events[E]): void => listener(payload)
    ipcRenderer.on(channel, forward)
    return () => {
      ipcRenderer.removeListener(channel, forward)
    }
  }
  // Drag-and-drop: the page sees a dropped File but not where it is on disk. Electron tells the
  // preload, for a File the user dropped or picked, and nothing else ('' for a File made in
  // script); the preload hands those paths to main, which answers with tokens. The page never
  // sends a path of its own: DROP_CHANNEL is not one of its methods.
  api.dropped = (files: object[]): Promise<unknown> => ipcRenderer.invoke(DROP_CHANNEL, { paths: Array.from(files, (file) => webUtils.getPathForFile(file as File)) })
  return Object.freeze(api) as LastmileApi
}

contextBridge.exposeInMainWorld('lastmile', buildApi())
