import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { ChosenPath, RecentCaseEntry } from '../../../shared/contract'
import type { Case } from '../../../shared/model'
import { call } from '../api'
import { useAppState } from '../app-state'
import { describeError, errorCode } from '../errors'
import { MIN_PASSPHRASE_LENGTH } from '../passphrase'
import { Checkbox, TextField } from './Field'
import { Modal } from './Modal'
import { Notice } from './Notice'
import { PassphraseFields } from './PassphraseFields'
import { PathField } from './PathField'

export function CreateCaseForm({ onCancel, onDone }: { onCancel(): void; onDone(c: Case): void }): ReactElement {
  const { info } = useAppState()
  const [path, setPath] = useState<ChosenPath | null>(null)
  const [name, setName] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [remember, setRemember] = useState(false)
  const [errors, setErrors] = useState<{ path?: string; passphrase?: string; confirm?: string }>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const pathRef = useRef<HTMLInputElement>(null)
  const passRef = useRef<HTMLInputElement>(null)

  useEffect(() => pathRef.current?.focus(), [])

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setFormError(null)
    const next: typeof errors = {}
    if (!path) next.path = 'Choose where to save the case file with Browse….'
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) next.passphrase = `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`
    else if (confirm !== passphrase) next.confirm = 'The two passphrases differ. Type the same passphrase in both fields.'
    setErrors(next)
    if (next.path) return pathRef.current?.focus()
    if (next.passphrase || next.confirm) return passRef.current?.focus()
    setBusy(true)
    try {
      const c = await call('case.create', {
        path: path!.token,
        passphrase,
        name: name.trim() || undefined,
        remember: info.canRememberPassphrase ? remember : undefined
      })
      onDone(c)
    } catch (err) {
      setFormError(describeError(err))
      const code = errorCode(err)
      if (code === 'exists' || code === 'not-found' || code === 'unavailable') pathRef.current?.focus()
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="create-case-title">
      <h2 id="create-case-title" className="panel-title">
        Create a case
      </h2>
      <p className="panel-lead">A case is one encrypted file holding the findings, evidence and audit trail of one engagement.</p>
      {formError ? (
        <Notice tone="error" title="The case was not created">
          {formError}
        </Notice>
      ) : null}
      <PathField
        label="Case file"
        chooser={{ save: 'case' }}
        value={path}
        onChange={setPath}
        error={errors.path ?? null}
        fieldRef={pathRef}
        hint="A new file; Lastmile never overwrites an existing one."
      />
      <TextField
        label="Name (optional)"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={200}
        hint="Shown in the header and in reports. Defaults to the file name."
      />
      <PassphraseFields
        ref={passRef}
        value={passphrase}
        confirm={confirm}
        onChange={setPassphrase}
        onConfirmChange={setConfirm}
        error={errors.passphrase}
        confirmError={errors.confirm}
      />
      {info.canRememberPassphrase ? (
        <Checkbox
          label="Remember the passphrase on this machine"
          hint={`Sealed by the operating system's keystore (${info.keystoreBackend}); you can forget it later in Settings.`}
          checked={remember}
          onChange={(e) => setRemember(e.target.checked)}
        />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create case'}
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

export function OpenCaseForm({ onCancel, onDone }: { onCancel(): void; onDone(c: Case): void }): ReactElement {
  const { info } = useAppState()
  const [path, setPath] = useState<ChosenPath | null>(null)
  const [passphrase, setPassphrase] = useState('')
  const [remember, setRemember] = useState(false)
  const [errors, setErrors] = useState<{ path?: string; passphrase?: string }>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const pathRef = useRef<HTMLInputElement>(null)
  const passRef = useRef<HTMLInputElement>(null)

  useEffect(() => pathRef.current?.focus(), [])

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setFormError(null)
    const next: typeof errors = {}
    if (!path) next.path = 'Choose the case file with Browse….'
    if (!passphrase && !info.canRememberPassphrase) next.passphrase = 'Enter the passphrase of this case.'
    setErrors(next)
    if (next.path) return pathRef.current?.focus()
    if (next.passphrase) return passRef.current?.focus()
    setBusy(true)
    try {
      const c = await call('case.open', {
        path: path!.token,
        passphrase: passphrase || undefined,
        remember: info.canRememberPassphrase && passphrase ? remember : undefined
      })
      onDone(c)
    } catch (err) {
      setFormError(describeError(err))
      const code = errorCode(err)
      if (code === 'wrong-key') {
        passRef.current?.focus()
        passRef.current?.select()
      } else pathRef.current?.focus()
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="open-case-title">
      <h2 id="open-case-title" className="panel-title">
        Open a case
      </h2>
      <p className="panel-lead">Open a case file created on this machine or handed to you, with its passphrase.</p>
      {formError ? (
        <Notice tone="error" title="The case was not opened">
          {formError}
        </Notice>
      ) : null}
      <PathField label="Case file" chooser={{ open: 'case' }} value={path} onChange={setPath} error={errors.path ?? null} fieldRef={pathRef} />
      <TextField
        ref={passRef}
        label="Passphrase"
        type="password"
        autoComplete="current-password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        error={errors.passphrase}
        hint={info.canRememberPassphrase ? 'Leave it empty if this machine remembers it.' : undefined}
      />
      {info.canRememberPassphrase ? (
        <Checkbox label="Remember the passphrase on this machine" checked={remember} disabled={!passphrase} onChange={(e) => setRemember(e.target.checked)} />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Opening…' : 'Open case'}
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** The passphrase prompt for a recent case whose passphrase this machine does not remember. */
export function PassphrasePrompt({
  recent,
  initialError,
  onCancel,
  onDone
}: {
  recent: RecentCaseEntry
  initialError?: string | null
  onCancel(): void
  onDone(c: Case): void
}): ReactElement {
  const { info } = useAppState()
  const [passphrase, setPassphrase] = useState('')
  const [remember, setRemember] = useState(false)
  const [error, setError] = useState<string | null>(initialError ?? null)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const passRef = useRef<HTMLInputElement>(null)

  useEffect(() => passRef.current?.focus(), [])

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setError(null)
    if (!passphrase) {
      setFieldError('Enter the passphrase of this case.')
      passRef.current?.focus()
      return
    }
    setFieldError(null)
    setBusy(true)
    try {
      onDone(await call('case.open', { path: recent.token, passphrase, remember: info.canRememberPassphrase ? remember : undefined }))
    } catch (err) {
      setError(describeError(err))
      passRef.current?.focus()
      passRef.current?.select()
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title={`Open ${recent.name}`} onClose={onCancel}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="mono muted path-line">{recent.path}</p>
        {error ? (
          <Notice tone="error" title="The case was not opened">
            {error}
          </Notice>
        ) : null}
        <TextField
          ref={passRef}
          label="Passphrase"
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          error={fieldError}
        />
        {info.canRememberPassphrase ? <Checkbox label="Remember the passphrase on this machine" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Opening…' : 'Open case'}
          </button>
          <button type="button" className="button ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
