// The test stand-in for preload/index.ts: the same `window.lastmile` (one method per contract
// channel, plus `on()` for the contract's events), but forwarding to the REAL main services in
// this Node process through page.exposeBinding instead of Electron IPC. Everything behind the
// binding is production code: createAppServices → createHandlers → createDispatcher, a real
// encrypted case database in a temporary folder, the real audit chain. Only the platform edges
// are test doubles: the keystore (AES with a random key) and the file dialogs (preset answers).
// What a dialog or a drop answers becomes a token exactly as in the app (main issues it); a test
// that calls main directly gets its token with grant(), as the dialog would have given it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { CHANNELS, EVENT_NAMES, type Envelope, type OpenPurpose, type PathKind, type SavePurpose } from '../shared/contract'
import { createDispatcher, type Dispatch } from '../main/ipc/dispatch'
import { registerDropped } from '../main/ipc/dropped'
import { createHandlers } from '../main/ipc/handlers'
import { eventChannel, forwardEvents } from '../main/platform/ipc-bridge'
import { NO_KEYSTORE, type KeyStore } from '../main/platform/ports'
import { createAppServices, type AppServices } from '../main/services/app'
import { createTestKeyStore } from './test-keystore'
import { version as appVersion } from '../package.json'

export const TEST_OS_USER = 'Test Analyst'

export interface BridgeOptions {
  /** 'secure' (default) offers "remember on this machine"; 'none' is a machine without a keyring */
  keystore?: 'secure' | 'none'
}

export interface CallRecord {
  channel: string
  ok: boolean
  code?: string
}

export interface Bridge {
  /** the services of the person at the keyboard now (see actAs) */
  readonly app: AppServices
  /** the dispatcher the page talks to (the person at the keyboard's), for calls a test makes directly */
  readonly dispatch: Dispatch
  /**
   * Another person takes the keyboard: their own app data folder, OS keystore and so their own
   * signing key (made under `name` on first use), with the case open now opened for them too.
   * Reload the page afterwards, as a person logging in would start the app.
   */
  actAs(name: string): Promise<AppServices>
  /** this test's own temporary folder: the app data folder and case files live under it */
  root: string
  dataDir: string
  /** a path for a case file in this test's folder (not created) */
  casePath(name: string): string
  /** what the next open dialog for that purpose answers ([]: the user cancelled) */
  answerOpen(purpose: OpenPurpose, paths: string[]): void
  /** what the next save dialog for that purpose answers (null: the user cancelled) */
  answerSave(purpose: SavePurpose, path: string | null): void
  /** a token for `path`, as a dialog would have issued it, for calls a test makes directly */
  grant(path: string, kind?: PathKind): string
  /** every path the page asked the file manager to show, in order */
  shownInFolder: string[]
  /** every call the page made, in order */
  calls: CallRecord[]
  dispose(): Promise<void>
}

/** Must run before the first navigation: the page finds `window.lastmile` as it would in the app. */
export async function installBridge(page: Page, opts: BridgeOptions = {}): Promise<Bridge> {
  const root = mkdtempSync(join(tmpdir(), 'lastmile-e2e-'))
  const dataDir = join(root, 'data')
  mkdirSync(join(root, 'cases'))
  const openAnswers = new Map<OpenPurpose, string[]>()
  const saveAnswers = new Map<SavePurpose, string>()
  const shownInFolder: string[] = []
  const internalErrors: string[] = []
  // Each simulated person has their own app data folder and keystore, so their own signing key:
  // four-eyes in the case compares those keys. The first person is the OS user of the machine.
  const makePerson = (personDir: string, osUser: string): { app: AppServices; dispatch: Dispatch } => {
    const keystore: KeyStore = opts.keystore === 'none' ? NO_KEYSTORE : createTestKeyStore()
    const app = createAppServices({
      dataDir: personDir,
      appVersion,
      osUser,
      keystore,
      dialogs: {
        open: async (purpose) => {
          const answer = openAnswers.get(purpose) ?? []
          openAnswers.delete(purpose)
          return answer
        },
        save: async (purpose) => {
          const answer = saveAnswers.get(purpose) ?? null
          saveAnswers.delete(purpose)
          return answer
        },
        showInFolder: (path) => {
          shownInFolder.push(path)
          return true
        }
      }
    })
    const dispatch = createDispatcher(createHandlers(app), {
      paths: app.paths,
      isReadOnly: () => app.session.current()?.readOnly === true,
      log: (e, channel) => internalErrors.push(`${channel}: ${(e as Error)?.stack ?? String(e)}`)
    })
    return { app, dispatch }
  }
  const people = new Map<string, { app: AppServices; dispatch: Dispatch }>([[TEST_OS_USER, makePerson(dataDir, TEST_OS_USER)]])
  let active = people.get(TEST_OS_USER)!
  const calls: CallRecord[] = []

  await page.exposeBinding('__lastmileInvoke', async (_source, channel: unknown, input: unknown) => {
    const envelope: Envelope<unknown> = await active.dispatch(channel as string, input)
    calls.push({ channel: String(channel), ok: envelope.ok, code: envelope.ok ? undefined : envelope.error.code })
    return envelope
  })

  // Drops: the page's dropped() hands the paths the test registered for its Files (the preload's
  // webUtils.getPathForFile in the app) to main's own registration.
  await page.exposeBinding('__lastmileDropped', (_source, paths: unknown) => registerDropped(active.app.paths, { paths }))

  // Events: the page subscribes through a binding; main's events are pushed with page.evaluate
  // to a dispatcher the init script installs, on the same channel names main uses for IPC.
  const subscribed = new Set<string>()
  await page.exposeBinding('__lastmileSubscribe', (_source, channel: unknown) => {
    subscribed.add(String(channel))
  })
  const stops: Array<() => void> = []
  const forward = (app: AppServices): void => {
    stops.push(
      forwardEvents(app.events, (channel, payload) => {
        if (active.app !== app || !subscribed.has(channel) || page.isClosed()) return
        page
          .evaluate(([c, p]) => (globalThis as unknown as { __lastmileDeliver(c: string, p: unknown): void }).__lastmileDeliver(c, p), [channel, payload] as const)
          .catch(() => undefined) // the page navigated or closed meanwhile: nobody to tell
      })
    )
  }
  forward(active.app)

  await page.addInitScript(
    ({ channels, events }) => {
      // Built exactly like preload/index.ts builds it: a frozen object with one method per
      // channel and on(); no generic invoke is reachable through it.
      type Listener = (payload: unknown) => void
      const g = globalThis as unknown as Record<string, unknown>
      const invoke = (channel: string, input: unknown): Promise<unknown> => (g.__lastmileInvoke as (c: string, i: unknown) => Promise<unknown>)(channel, input)
      const listeners = new Map<string, Set<Listener>>()
      const eventChannels = new Map(events)
      Object.defineProperty(g, '__lastmileDeliver', {
        value: (channel: string, payload: unknown) => {
          for (const l of listeners.get(channel) ?? []) l(payload)
        }
      })
      const api: Record<string, unknown> = {}
      for (const channel of channels) api[channel] = (input: unknown) => invoke(channel, input)
      // Electron knows where a dropped file is on disk; a test says it by registering the names
      // of the files it drops (e2e/flows.ts dropFiles). Any other File has no path, as in the app.
      const dropped = new Map<string, string>()
      Object.defineProperty(g, '__e2eDropped', { value: dropped })
      api.dropped = (files: object[]): Promise<unknown> =>
        (g.__lastmileDropped as (p: string[]) => Promise<unknown>)(Array.from(files, (f) => dropped.get((f as { name?: string }).name ?? '') ?? ''))
      api.on = (event: string, listener: Listener): (() => void) => {
        const channel = eventChannels.get(event)
        if (!channel) throw new Error(`lastmile.on: unknown event "${String(event)}" (known: ${[...eventChannels.keys()].join(', ')})`)
        if (typeof listener !== 'function') throw new Error('lastmile.on: the listener must be a function')
        let set = listeners.get(channel)
        if (!set) {
          listeners.set(channel, (set = new Set()))
          void (g.__lastmileSubscribe as (c: string) => Promise<void>)(channel)
        }
        const forward: Listener = (payload) => listener(payload)
        set.add(forward)
        return () => {
          set.delete(forward)
        }
      }
      Object.defineProperty(g, 'lastmile', { value: Object.freeze(api), enumerable: true })
    },
    { channels: [...CHANNELS] as string[], events: EVENT_NAMES.map((n) => [n, eventChannel(n)] as [string, string]) }
  )

  return {
    get app() {
      return active.app
    },
    get dispatch() {
      return active.dispatch
    },
    async actAs(name: string) {
      const from = active.app.session
      let next = people.get(name)
      if (!next) {
        const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
        next = makePerson(join(root, 'people', slug), slug)
        next.app.session.createIdentity(name)
        people.set(name, next)
        forward(next.app)
      }
      const open = from.current()
      const key = from.caseKey()
      if (open && key && next.app.session.current()?.path !== open.path) next.app.session.openCase(open.path, key)
      active = next
      return next.app
    },
    root,
    dataDir,
    calls,
    casePath: (name) => join(root, 'cases', name),
    answerOpen: (purpose, paths) => {
      openAnswers.set(purpose, paths)
    },
    answerSave: (purpose, path) => {
      if (path === null) saveAnswers.delete(purpose)
      else saveAnswers.set(purpose, path)
    },
    grant: (path, kind = 'open-file') => active.app.paths.issue(path, kind),
    shownInFolder,
    async dispose() {
      for (const stop of stops) stop()
      for (const p of people.values()) p.app.session.close()
      rmSync(root, { recursive: true, force: true })
      if (internalErrors.length > 0) {
        throw new Error(`main reported internal errors during the test:\n${internalErrors.join('\n')}`)
      }
    }
  }
}
