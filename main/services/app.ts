import type { Platform } from '../platform/ports'
import { EventBus } from './events'
import { PathGrants } from './path-grants'
import { CaseSession } from './session'

/** Everything the handlers (IPC, test bridge) and the CLI work with, built without Electron. */
export interface AppServices {
  platform: Platform
  session: CaseSession
  events: EventBus
  /**
   * Files and folders this run of the app wrote for the user (exports, packages): the only
   * paths the renderer may ask to show in the file manager.
   */
  written: Set<string>
  /** the files and folders the renderer may name, as tokens: chosen in a dialog or dropped in this run */
  paths: PathGrants
}

export function createAppServices(platform: Platform): AppServices {
  return { platform, session: new CaseSession(platform), events: new EventBus(), written: new Set(), paths: new PathGrants() }
}
