// The preload (preload/index.ts) against a mocked Electron: what it exposes, and that its event
// channels are the ones main sends on. Lives here because vitest runs main/**; the boundary rules
// let tests (only tests) import the preload.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { CHANNELS, DROP_CHANNEL, EVENT_NAMES, ipcChannel, type LastmileApi } from '../../shared/contract'
import { eventChannel } from './ipc-bridge'

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>()
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>()
  return {
    exposed,
    listeners,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    // Electron answers the path of a File the user dropped, and '' for one made in script.
    webUtils: { getPathForFile: (file: { dropped?: string }) => file.dropped ?? '' },
    ipcRenderer: {
      invoke: async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }),
      on: (channel: string, l: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set())
        listeners.get(channel)!.add(l)
      },
      removeListener: (channel: string, l: (...args: unknown[]) => void) => listeners.get(channel)?.delete(l)
    }
  }
})
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer, webUtils: electron.webUtils }))

let api: LastmileApi
beforeAll(async () => {
  await import('../../preload/index')
  api = electron.exposed.get('lastmile') as LastmileApi
})

/** What main does: send on a channel, with an Electron event (which carries `sender`) first. */
function sendFromMain(channel: string, payload: unknown) {
  const event = { sender: electron.ipcRenderer, senderId: 0 }
  for (const l of electron.listeners.get(channel) ?? []) l(event, payload)
}

describe('the preload bridge', () => {
  it('exposes window.lastmile only, with one method per contract channel plus on() and dropped()', () => {
    expect([...electron.exposed.keys()]).toEqual(['lastmile'])
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'dropped', 'on'].sort())
    expect(Object.isFrozen(api)).toBe(true)
    for (const name of ['invoke', 'send', 'ipcRenderer', 'sendSync', 'removeAllListeners']) {
      expect(api, name).not.toHaveProperty(name)
    }
  })

  it('hands main the paths Electron tells for dropped files (nothing for a file made in script), on the drop channel only', async () => {
    expect(await api.dropped([{ dropped: '/home/ana/exports/securityhub.json' }, {}])).toEqual({
      ok: true,
      value: { channel: DROP_CHANNEL, input: { paths: ['/home/ana/exports/securityhub.json', ''] } }
    })
  })

  it('invokes each channel on its own namespaced IPC channel with the input as given', async () => {
    for (const channel of CHANNELS) {
      const call = (api as unknown as Record<string, (i: unknown) => Promise<unknown>>)[channel]!
      expect(await call({ probe: channel })).toEqual({ ok: true, value: { channel: ipcChannel(channel), input: { probe: channel } } })
    }
  })

  it('delivers contract events as their payload only, never the Electron event', () => {
    const got: unknown[] = []
    const stop = api.on('case.changed', (payload) => got.push(payload))
    sendFromMain(eventChannel('case.changed'), null)
    expect(got).toEqual([null])
    stop()
    sendFromMain(eventChannel('case.changed'), null)
    expect(got).toEqual([null])
  })

  it('listens on the very channels main sends events on', () => {
    for (const name of EVENT_NAMES) {
      const stop = api.on(name, () => {})
      expect(electron.listeners.get(eventChannel(name))?.size, name).toBe(1)
      stop()
      expect(electron.listeners.get(eventChannel(name))?.size, name).toBe(0)
    }
  })

  it('refuses events outside the contract and listeners that are not functions', () => {
    expect(() => (api.on as (e: string, l: () => void) => void)('lastmile:case.open', () => {})).toThrow(/unknown event "lastmile:case.open"/)
    expect(() => api.on('progress', 'x' as never)).toThrow(/must be a function/)
  })
})
