import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { Case } from '../../../shared/model'
import { call } from '../api'
import { useAppState, useOpenCase } from '../app-state'
import { CredentialProfiles } from '../components/CredentialProfiles'
import { EnvironmentMap } from '../components/EnvironmentMap'
import { Checkbox, TextField } from '../components/Field'
import { CasePeople, IdentityForm } from '../components/IdentityForm'
import { Modal } from '../components/Modal'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { PassphraseFields } from '../components/PassphraseFields'
import { SigningCertificate } from '../components/SigningCertificate'
import { describeError, errorCode } from '../errors'
import { MIN_PASSPHRASE_LENGTH } from '../passphrase'
import { useNavigation } from '../navigation'

/** The address of the environment map on this page: `#/settings/environments`. */
export const ENVIRONMENT_MAP = 'environments'

export function SettingsPage(): ReactElement {
  const { info } = useAppState()
  const { shortcuts, sub } = useNavigation()
  const current = useOpenCase()
  const [remembered, setRemembered] = useState<boolean | null>(null)
  const environments = useRef<HTMLDivElement>(null)

  const refreshRemembered = useCallback(async () => {
    try {
      const recent = await call('case.recent', {})
      setRemembered(recent.find((r) => r.path === current.path)?.remembered ?? false)
    } catch {
      setRemembered(null)
    }
  }, [current.path])

  useEffect(() => {
    void refreshRemembered()
  }, [refreshRemembered])

  // A link from another page (Evidence) opens the environment map itself.
  useEffect(() => {
    if (sub !== ENVIRONMENT_MAP) return
    environments.current?.scrollIntoView({ block: 'start' })
    environments.current?.focus({ preventScroll: true })
  }, [sub])

  return (
    <Page title="Settings" description="Who you are in the audit trail, this case’s passphrase and environment map, what signs your exports, and this installation.">
      <div className="settings-grid">
        <Section title="Identity" description="Your signing key: every decision you make is signed with it and recorded in the audit trail.">
          <IdentityForm />
        </Section>

        <Section title="People" description="Everyone who has acted on this case, by key, and the roles its owner granted them.">
          <CasePeople />
        </Section>

        <Section title="Case passphrase" description={`Change the passphrase that encrypts ${current.name}.`}>
          {current.readOnly ? (
            <p className="muted">This case is open read-only for review; its passphrase cannot be changed here.</p>
          ) : (
            <ChangePassphraseForm onChanged={() => void refreshRemembered()} />
          )}
        </Section>

        <Section title="Passphrase on this machine" description="Whether this case opens without asking for its passphrase.">
          <RememberPassphrase remembered={remembered} onChanged={() => void refreshRemembered()} />
        </Section>

        <SigningCertificate />
      </div>

      <div ref={environments} tabIndex={-1} className="settings-anchor">
        <EnvironmentMap />
      </div>

      <CredentialProfiles />

      <div className="settings-grid">
        <Section title="Keyboard" description="Everything works from the keyboard; Tab moves between controls.">
          <table className="kv-table shortcuts">
            <tbody>
              {shortcuts.map((s) => (
                <tr key={s.keys}>
                  <th scope="row">
                    <kbd>{s.keys}</kbd>
                  </th>
                  <td>{s.does}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section title="About">
          <table className="kv-table">
            <tbody>
              <tr>
                <th scope="row">Version</th>
                <td data-testid="app-version">Lastmile {info.version}</td>
              </tr>
              <tr>
                <th scope="row">Keystore</th>
                <td data-testid="keystore-backend">
                  {info.keystoreBackend}
                  {info.canRememberPassphrase ? ' (protects remembered passphrases)' : ' (does not protect secrets: passphrases are never remembered)'}
                </td>
              </tr>
              <tr>
                <th scope="row">Case file</th>
                <td className="mono">{current.path}</td>
              </tr>
              <tr>
                <th scope="row">Case schema</th>
                <td>version {current.schemaVersion}</td>
              </tr>
            </tbody>
          </table>
        </Section>
      </div>
    </Page>
  )
}

function ChangePassphraseForm({ onChanged }: { onChanged(): void }): ReactElement {
  const { info } = useAppState()
  const [currentPass, setCurrentPass] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [remember, setRemember] = useState(false)
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string }>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)
  const currentRef = useRef<HTMLInputElement>(null)
  const nextRef = useRef<HTMLInputElement>(null)

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setDone(false)
    setFormError(null)
    const v: typeof errors = {}
    if (!currentPass) v.current = 'Enter the current passphrase.'
    if (next.length < MIN_PASSPHRASE_LENGTH) v.next = `The new passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`
    else if (next === currentPass) v.next = 'The new passphrase is the same as the current one.'
    else if (confirm !== next) v.confirm = 'The two new passphrases differ. Type the same passphrase in both fields.'
    setErrors(v)
    if (v.current) return currentRef.current?.focus()
    if (v.next || v.confirm) return nextRef.current?.focus()
    setBusy(true)
    try {
      await call('case.changePassphrase', { current: currentPass, next, remember: info.canRememberPassphrase ? remember : undefined })
      setCurrentPass('')
      setNext('')
      setConfirm('')
      setRemember(false)
      setDone(true)
      onChanged()
    } catch (err) {
      setFormError(describeError(err))
      if (errorCode(err) === 'wrong-key') {
        currentRef.current?.focus()
        currentRef.current?.select()
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Change the passphrase">
      {formError ? (
        <Notice tone="error" title="The passphrase was not changed">
          {formError}
        </Notice>
      ) : null}
      {done ? (
        <Notice tone="success" title="Passphrase changed">
          Use the new passphrase the next time you open this case. The change is in the audit trail.
        </Notice>
      ) : null}
      <TextField
        ref={currentRef}
        label="Current passphrase"
        type="password"
        autoComplete="current-password"
        value={currentPass}
        onChange={(e) => setCurrentPass(e.target.value)}
        error={errors.current}
        required
      />
      <PassphraseFields
        ref={nextRef}
        label="New passphrase"
        value={next}
        confirm={confirm}
        onChange={setNext}
        onConfirmChange={setConfirm}
        error={errors.next}
        confirmError={errors.confirm}
      />
      {info.canRememberPassphrase ? <Checkbox label="Remember the new passphrase on this machine" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change passphrase'}
        </button>
      </div>
    </form>
  )
}

function RememberPassphrase({ remembered, onChanged }: { remembered: boolean | null; onChanged(): void }): ReactElement {
  const { info, setCurrent } = useAppState()
  const current = useOpenCase()
  const [asking, setAsking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)

  async function forget(): Promise<void> {
    setError(null)
    setMessage(null)
    try {
      await call('case.forgetPassphrase', { path: current.path })
      setMessage('Forgotten. This machine will ask for the passphrase the next time the case is opened.')
      onChanged()
    } catch (e) {
      setError(describeError(e))
    }
  }

  if (!info.canRememberPassphrase && !remembered) {
    return (
      <p className="muted">
        This machine’s keystore ({info.keystoreBackend}) does not protect secrets, so Lastmile does not remember passphrases here: enter the passphrase each time you open the case.
      </p>
    )
  }
  return (
    <div className="form">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {message ? <Notice tone="success">{message}</Notice> : null}
      <p data-testid="remember-status">
        {remembered === null
          ? 'Checking…'
          : remembered
            ? `Remembered: the passphrase is sealed by the OS keystore (${info.keystoreBackend}), so this case opens without asking.`
            : 'Not remembered: the passphrase is asked for each time this case is opened.'}
      </p>
      <div className="form-actions">
        {remembered ? (
          <button type="button" className="button" onClick={() => void forget()}>
            Forget the passphrase
          </button>
        ) : (
          <button type="button" className="button" disabled={!info.canRememberPassphrase || current.readOnly} onClick={() => setAsking(true)}>
            Remember the passphrase…
          </button>
        )}
      </div>
      {asking ? (
        <RememberPrompt
          onCancel={() => setAsking(false)}
          onDone={(c) => {
            setAsking(false)
            setCurrent(c)
            setMessage('Remembered. This case now opens on this machine without asking for its passphrase.')
            onChanged()
          }}
        />
      ) : null}
    </div>
  )
}

/** Remembering needs the passphrase once more: the case is reopened with it, which proves it is right. */
function RememberPrompt({ onCancel, onDone }: { onCancel(): void; onDone(c: Case): void }): ReactElement {
  const current = useOpenCase()
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => ref.current?.focus(), [])

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setError(null)
    if (!passphrase) {
      setError('Enter the passphrase of this case.')
      ref.current?.focus()
      return
    }
    setBusy(true)
    try {
      onDone(await call('case.rememberPassphrase', { passphrase }))
    } catch (err) {
      setError(describeError(err))
      ref.current?.focus()
      ref.current?.select()
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title="Remember the passphrase" onClose={onCancel}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted modal-lead">Enter the passphrase of {current.name} once more; it is checked, then sealed by the OS keystore.</p>
        {error ? <Notice tone="error">{error}</Notice> : null}
        <TextField ref={ref} label="Passphrase" type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            Remember
          </button>
          <button type="button" className="button ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
