import type { Platform } from '../platform/ports'
import { EventBus } from './events'
import { CaseSession } from './session'

/** Everything the handlers (IPC, test bridge) and the CLI work with, built without Electron. */
export interface AppServices {
  platform: Platform
  session: CaseSession
  events: EventBus
}

export function createAppServices(platform: Platform): AppServices {
  return { platform, session: new CaseSession(platform), events: new EventBus() }
}
