import { SigningSettingsStore, inspectCertificate } from '../export/signing-settings'
import type { AppServices } from '../services/app'
import type { HandlerSlice } from './handlers'

/** What signs this machine's exports (main/export/signing-settings) behind the signing.* calls. */
export function signingHandlers(app: AppServices): HandlerSlice<'signing.settings' | 'signing.setCertificate' | 'signing.inspect'> {
  const { platform, session } = app
  const store = new SigningSettingsStore(platform.dataDir, platform.keystore)
  return {
    'signing.settings': () => store.settings(),
    'signing.setCertificate': ({ path }) => store.setCertificate(path),
    'signing.inspect': ({ p12Path, passphrase }) => inspectCertificate(p12Path, passphrase, new Date(session.now()))
  }
}
