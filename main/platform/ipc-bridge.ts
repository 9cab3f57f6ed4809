// The main-process half of the preload bridge: one `ipcMain.handle` per contract entry, each
// refusing calls that do not come from our own page, then handing the input to the dispatcher
// (which validates it against the contract). Events go the other way, on their own channels.
import { CHANNELS, DROP_CHANNEL, EVENT_NAMES, ipcChannel, type Envelope, type EventName, type Events } from '../../shared/contract'
import { isTrustedSender, type SenderFrame } from './shell-policy'

/**
 * What the bridge hands a call to: main/ipc's dispatcher (declared here, at the bottom, so the
 * adapter does not import the handlers above it).
 */
export type Dispatch = (channel: string, input: unknown) => Promise<Envelope<unknown>>

/** What the bridge listens to: main/services' event bus. */
export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/**
 * The IPC channel of a main→renderer event. preload/index.ts builds the same name (it may not
 * import main); main/platform/preload-bridge.test.ts checks the two agree.
 */
export function eventChannel(name: EventName): string {
  return `lastmile:event:${name}`
}

/** The part of Electron's IpcMainInvokeEvent the bridge reads. */
export interface InvokeEvent {
  senderFrame: SenderFrame | null
}

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void
}

export const UNTRUSTED_SENDER: Envelope<never> = {
  ok: false,
  error: { code: 'unavailable', message: "refused: the call did not come from Lastmile's own window" }
}

/**
 * Register exactly the contract's channels, and the preload's registration of dropped files
 * (DROP_CHANNEL, answered by `dropped`). There is no generic channel: a name that is not in the
 * contract has no handler at all, and Electron rejects the invoke.
 */
export function registerContractHandlers(
  ipc: IpcMainLike,
  dispatch: Dispatch,
  log: (message: string) => void,
  dropped: (input: unknown) => Envelope<unknown> | Promise<Envelope<unknown>>
): void {
  const trusted = (event: InvokeEvent, what: string): boolean => {
    // senderFrame is null when the frame navigated away or was destroyed since it sent the call.
    const frame = event.senderFrame
    if (isTrustedSender(frame)) return true
    log(`refused ${what} from ${frame ? frame.url : 'a frame that is gone'}`)
    return false
  }
  for (const channel of CHANNELS) {
    ipc.handle(ipcChannel(channel), async (event, input) => (trusted(event, channel) ? dispatch(channel, input) : UNTRUSTED_SENDER))
  }
  ipc.handle(DROP_CHANNEL, async (event, input) => (trusted(event, 'dropped files') ? dropped(input) : UNTRUSTED_SENDER))
}

/** Forward every service event to `send` (the main window). Returns a function that stops it. */
export function forwardEvents(events: EventSource, send: (channel: string, payload: unknown) => void): () => void {
  const stops = EVENT_NAMES.map((name) => events.on(name, (payload: Events[typeof name]) => send(eventChannel(name), payload)))
  return () => {
    for (const stop of stops) stop()
  }
}
