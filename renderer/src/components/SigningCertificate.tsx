import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { ChosenPath } from '../../../shared/contract'
import type { CertificateInspection, DeviceKeyInfo } from '../../../shared/signing'
import { call } from '../api'
import { describeError } from '../errors'
import { formatTime } from '../format'
import { useLoad } from '../use-load'
import { TextField } from './Field'
import { Notice } from './Notice'
import { Section } from './Page'
import { PathField } from './PathField'

/**
 * What signs this machine's exports: the device key, and the organisation's PKCS#12 certificate
 * remembered by its path. Its passphrase is typed for a check and never kept.
 */
export function SigningCertificate(): ReactElement {
  const settings = useLoad(() => call('signing.settings', {}), [])
  const remembered = settings.value?.certificate ?? null
  const [path, setPath] = useState<ChosenPath | null>(null)
  const [pathError, setPathError] = useState<string | null>(null)
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const pathRef = useRef<HTMLInputElement>(null)
  // the remembered path fills the field once it is known; what the user typed since is kept
  const filled = useRef(false)
  useEffect(() => {
    if (settings.value && !filled.current) {
      filled.current = true
      setPath((p) => p ?? settings.value?.certificate?.file ?? null)
    }
  }, [settings.value])

  async function remember(e: FormEvent): Promise<void> {
    e.preventDefault()
    setMessage(null)
    if (!path) {
      setPathError('Choose the .p12 or .pfx file with Browse….')
      pathRef.current?.focus()
      return
    }
    setPathError(null)
    setBusy(true)
    try {
      const s = await call('signing.setCertificate', { path: path.token })
      setPath(s.certificate?.file ?? null)
      setMessage({ tone: 'success', text: 'Remembered. The Exports page fills in this certificate; its passphrase is asked for each time.' })
      settings.reload()
    } catch (err) {
      setPathError(describeError(err))
      pathRef.current?.focus()
    } finally {
      setBusy(false)
    }
  }

  async function forget(): Promise<void> {
    setMessage(null)
    setPathError(null)
    setBusy(true)
    try {
      await call('signing.setCertificate', { path: null })
      setPath(null)
      setMessage({ tone: 'success', text: 'Forgotten. The Exports page asks for the certificate file each time.' })
      settings.reload()
    } catch (err) {
      setMessage({ tone: 'error', text: describeError(err) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Section
      title="Signing certificate"
      description="Checkpoints and auditor case files are signed with your organisation’s PKCS#12 certificate when one is given, otherwise with this machine’s device key. The signed PDF report always needs the certificate."
    >
      <div className="stack">
        {settings.error ? (
          <Notice tone="error" title="The signing settings could not be read">
            {settings.error}
          </Notice>
        ) : null}
        <h3 className="sub-title">Device key</h3>
        {settings.value ? <DeviceKey info={settings.value.deviceKey} /> : <p className="muted">Reading…</p>}

        <h3 className="sub-title">Organisation certificate</h3>
        <p data-testid="certificate-status">
          {settings.value === null
            ? 'Reading…'
            : remembered
              ? remembered.exists
                ? 'Remembered on this machine (the path only, never the passphrase).'
                : 'The remembered certificate file is no longer there: choose it again, or forget it.'
              : 'None remembered: the Exports page asks for the certificate file each time.'}
        </p>
        <form className="form" onSubmit={(e) => void remember(e)} noValidate aria-label="Signing certificate on this machine">
          <PathField
            fieldRef={pathRef}
            label="Certificate file (.p12 or .pfx)"
            chooser={{ open: 'certificate' }}
            value={path}
            onChange={(p) => (setPath(p), setPathError(null))}
            error={pathError}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              Remember on this machine
            </button>
            {remembered ? (
              <button type="button" className="button ghost" disabled={busy} onClick={() => void forget()}>
                Forget
              </button>
            ) : null}
          </div>
          {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
        </form>
        <CheckCertificate path={path} />
      </div>
    </Section>
  )
}

function DeviceKey({ info }: { info: DeviceKeyInfo }): ReactElement {
  if (info.status === 'not-created') {
    return (
      <p data-testid="device-key">
        Not created yet: made on the first checkpoint or case file signed without a certificate, and sealed by this machine’s keystore ({info.keystore}).
      </p>
    )
  }
  return (
    <div className="stack" data-testid="device-key">
      {info.problem ? <Notice tone={info.status === 'damaged' ? 'error' : 'info'}>{info.problem}</Notice> : null}
      {info.fingerprint ? (
        <table className="kv-table">
          <tbody>
            <tr>
              <th scope="row">Key</th>
              <td>Ed25519, sealed by the OS keystore ({info.keystore})</td>
            </tr>
            <tr>
              <th scope="row">SHA-256 fingerprint</th>
              <td className="mono" data-testid="device-fingerprint">
                {info.fingerprint}
              </td>
            </tr>
            <tr>
              <th scope="row">Created</th>
              <td>{info.createdAt ? <time dateTime={info.createdAt}>{formatTime(info.createdAt)}</time> : '—'}</td>
            </tr>
          </tbody>
        </table>
      ) : null}
    </div>
  )
}

/** Open the certificate with its passphrase, once, and show what it is. */
function CheckCertificate({ path }: { path: ChosenPath | null }): ReactElement {
  const [passphrase, setPassphrase] = useState('')
  const [result, setResult] = useState<CertificateInspection | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const passRef = useRef<HTMLInputElement>(null)

  async function check(e: FormEvent): Promise<void> {
    e.preventDefault()
    setError(null)
    setResult(null)
    setBusy(true)
    try {
      setResult(await call('signing.inspect', { p12Path: path!.token, passphrase }))
      setPassphrase('')
    } catch (err) {
      setError(describeError(err))
      passRef.current?.focus()
      passRef.current?.select()
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={(e) => void check(e)} noValidate aria-label="Check the signing certificate">
      <TextField
        ref={passRef}
        label="Certificate passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        autoComplete="off"
        hint="Used for this check only; it is not kept."
      />
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy || !path}>
          {busy ? 'Checking…' : 'Check certificate'}
        </button>
      </div>
      {error ? (
        <Notice tone="error" title="The certificate could not be opened">
          {error}
        </Notice>
      ) : null}
      {result ? <Inspection result={result} /> : null}
    </form>
  )
}

function Inspection({ result: r }: { result: CertificateInspection }): ReactElement {
  return (
    <div className="stack" data-testid="certificate-inspection">
      {r.warnings.length ? (
        <Notice tone="error" title={r.canSign ? 'Check the certificate’s dates' : 'This certificate cannot sign exports'}>
          {r.warnings.join(' ')}
        </Notice>
      ) : (
        <Notice tone="success">The certificate opens, is valid now and can sign.</Notice>
      )}
      <table className="kv-table">
        <tbody>
          <tr>
            <th scope="row">Subject</th>
            <td data-testid="certificate-subject">{r.subject}</td>
          </tr>
          <tr>
            <th scope="row">Issuer</th>
            <td>{r.selfSigned ? `${r.issuer} (self-signed)` : r.issuer}</td>
          </tr>
          <tr>
            <th scope="row">Serial number</th>
            <td className="mono">{r.serialNumber}</td>
          </tr>
          <tr>
            <th scope="row">Valid from</th>
            <td>
              <time dateTime={r.validFrom}>{formatTime(r.validFrom)}</time>
            </td>
          </tr>
          <tr>
            <th scope="row">Valid to</th>
            <td>
              <time dateTime={r.validTo}>{formatTime(r.validTo)}</time>
            </td>
          </tr>
          <tr>
            <th scope="row">SHA-256 fingerprint</th>
            <td className="mono" data-testid="certificate-fingerprint">
              {r.fingerprint}
            </td>
          </tr>
          <tr>
            <th scope="row">Key</th>
            <td>
              {r.keyAlgorithm}, signs with {r.signatureAlgorithm}
            </td>
          </tr>
          <tr>
            <th scope="row">Key usage</th>
            <td>{r.keyUsage ? r.keyUsage.join(', ') : 'not restricted'}</td>
          </tr>
          <tr>
            <th scope="row">Certificates in the file</th>
            <td>{r.certificates}</td>
          </tr>
        </tbody>
      </table>
    </div>
  )
}
