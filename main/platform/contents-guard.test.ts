import { describe, expect, it, vi } from 'vitest'
import { hardenWebContents, type GuardableContents, type PreventableEvent } from './contents-guard'

type Listener = (event: PreventableEvent, ...args: unknown[]) => void

function fakeContents() {
  const listeners = new Map<string, Listener[]>()
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null
  const contents: GuardableContents = {
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
      return contents
    },
    setWindowOpenHandler(handler) {
      openHandler = handler
    }
  }
  /** Emit like Electron: returns whether some listener prevented the default. */
  const emit = (name: string, ...args: unknown[]): boolean => {
    let prevented = false
    const event = { preventDefault: () => (prevented = true) }
    for (const l of listeners.get(name) ?? []) l(event, ...args)
    return prevented
  }
  return { contents, emit, open: (url: string) => openHandler?.({ url }), listeners }
}

describe('hardenWebContents', () => {
  it('prevents navigation of the page and of frames, redirects and <webview>', () => {
    const log = vi.fn()
    const f = fakeContents()
    hardenWebContents(f.contents, log)
    expect(f.emit('will-navigate', 'https://attacker.example/')).toBe(true)
    expect(f.emit('will-frame-navigate', 'file:///etc/passwd')).toBe(true)
    expect(f.emit('will-redirect', 'http://127.0.0.1/')).toBe(true)
    expect(f.emit('will-attach-webview', {}, {})).toBe(true)
    expect(log).toHaveBeenCalledWith('blocked will-navigate to https://attacker.example/')
  })

  it('reads the target from the event details when Electron gives them there', () => {
    const log = vi.fn()
    const f = fakeContents()
    hardenWebContents(f.contents, log)
    for (const l of f.listeners.get('will-navigate') ?? []) l({ preventDefault() {}, url: 'https://x.example/' })
    expect(log).toHaveBeenCalledWith('blocked will-navigate to https://x.example/')
  })

  it('denies every window.open, including links to our own page', () => {
    const f = fakeContents()
    hardenWebContents(f.contents, () => {})
    expect(f.open('https://example.com/')).toEqual({ action: 'deny' })
    expect(f.open('app://lastmile/index.html')).toEqual({ action: 'deny' })
  })
})
