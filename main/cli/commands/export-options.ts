import { readFileSync } from 'node:fs'
import { deviceSigningKey, type SigningKey } from '../../audit/checkpoint-signer'
import { loadPkcs12 } from '../../audit/pkcs12'
import { LastmileError, fsReason } from '../../errors'
import { value } from '../args'
import type { CliContext } from '../context'
import { cliServices } from '../context'

// Options shared by `export pdf`, `export case`, `checkpoint` and `verify`. Secrets follow the
// case key's rule (CLI.md): the first line of a file, or an environment variable — never a flag
// holding the secret itself.

function firstLine(file: string, what: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new LastmileError('bad-input', `${file}: cannot read the ${what} file: ${fsReason(e)}`)
  }
  return text.split(/\r?\n/, 1)[0]
}

/** The PKCS#12 passphrase: --sign-pass-file F, else LASTMILE_SIGN_PASS, else none (an unprotected file). */
export function signPassphrase(ctx: CliContext): string {
  const file = value(ctx.args, '--sign-pass-file')
  if (file !== undefined) return firstLine(file, 'signing passphrase')
  return ctx.env.LASTMILE_SIGN_PASS ?? ''
}

/** The export passphrase of a case file: --export-pass-file F, else LASTMILE_EXPORT_KEY. */
export function exportPassphrase(ctx: CliContext): string {
  const file = value(ctx.args, '--export-pass-file')
  if (file !== undefined) {
    const p = firstLine(file, 'export passphrase')
    if (!p) throw new LastmileError('bad-input', `${file}: line 1: the export passphrase file is empty`)
    return p
  }
  const env = ctx.env.LASTMILE_EXPORT_KEY
  if (env) return env
  throw new LastmileError('bad-input', 'no export passphrase: give --export-pass-file FILE (the passphrase on its first line) or set LASTMILE_EXPORT_KEY')
}

/**
 * The key a checkpoint or case file is signed with: the certificate given by --sign, else this
 * device's key — which needs a secure OS keystore, and the command line has none.
 */
export function signingKey(ctx: CliContext): SigningKey {
  const p12 = value(ctx.args, '--sign')
  if (p12 !== undefined) return loadPkcs12(p12, signPassphrase(ctx))
  const app = cliServices(ctx)
  if (!app.platform.keystore.isSecure()) {
    throw new LastmileError('bad-input', 'no signing key: give --sign CERT.p12 (the command line has no OS keystore to keep a device signing key)')
  }
  return deviceSigningKey(app.platform.dataDir, app.platform.keystore, app.session.now)
}

export const SIGN_FLAGS = ['--sign', '--sign-pass-file'] as const
