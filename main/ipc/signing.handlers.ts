import { SigningSettingsStore, inspectCertificate } from '../export/signing-settings'
import type { SigningSettings } from '../../shared/signing'
import type { HandlerServices, HandlerSlice } from './handlers'

/** What signs this machine's exports (main/export/signing-settings) behind the signing.* calls. */
export function signingHandlers(app: HandlerServices): HandlerSlice<'signing.settings' | 'signing.setCertificate' | 'signing.inspect'> {
  const { platform, session, paths } = app
  const store = new SigningSettingsStore(platform.dataDir, platform.keystore)
  /** the remembered certificate is the app's own setting: main offers it to sign with */
  const offered = (s: SigningSettings): SigningSettings =>
    s.certificate ? { ...s, certificate: { ...s.certificate, file: s.certificate.exists ? paths.offer(s.certificate.path, 'open-file') : null } } : s
  return {
    'signing.settings': () => offered(store.settings()),
    'signing.setCertificate': ({ path }) => offered(store.setCertificate(path)),
    'signing.inspect': ({ p12Path, passphrase }) => inspectCertificate(p12Path, passphrase, new Date(session.now()))
  }
}
