import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Case } from '../../shared/model'
import { LastmileError } from '../errors'
import { demoDir } from './case-builder'
import type { AppServices } from '../services/app'
import { runDemo } from './demo'

/**
 * "Open the demo case" on first start: the demo is built once, by the same code as `lastmile
 * demo`, into the app data folder, and opened from there afterwards. Its key lives beside it: a
 * demo holds only fictitious data, and it must open without a passphrase to remember.
 */
export async function openDemoCase(app: Pick<AppServices, 'platform' | 'events'> & { session: Pick<AppServices['session'], 'actor' | 'now' | 'openCase'> }): Promise<Case> {
  const dir = join(app.platform.dataDir, 'demo')
  const casePath = join(dir, 'acme-demo.lmcase')
  const keyFile = join(dir, 'demo-case.key')
  if (!existsSync(casePath)) {
    if (existsSync(dir)) {
      throw new LastmileError('conflict', `${dir}: a half-built demo is in the way (a previous build was interrupted); delete the folder and try again`)
    }
    // the person opening the demo owns it, so they can grant roles in it as in a case of their own
    const me = app.session.actor()
    await runDemo({
      owner: me.kind === 'person' && me.key ? me : undefined,
      out: dir,
      demoDir: demoDir(),
      now: app.session.now,
      onStep: (message) => app.events.emit('progress', { operation: 'demo', done: 0, total: null, unit: 'steps', rate: 0, message }),
      onProgress: (p) => app.events.emit('progress', p)
    })
  }
  const key = readFileSync(keyFile, 'utf8').split(/\r?\n/, 1)[0]
  return app.session.openCase(casePath, key)
}
