import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { CasePersonView, Identity } from '../../../shared/contract'
import type { Role } from '../../../shared/model'
import { call } from '../api'
import { useAppState } from '../app-state'
import { describeError } from '../errors'
import { TextField } from './Field'
import { Notice } from './Notice'

const ROLE_LABEL: Record<Role, string> = {
  analyst: 'Analyst',
  approver: 'Approver',
  auditor: 'Auditor',
  operator: 'Operator',
  admin: 'Administrator'
}

/** The roles an owner grants (everyone of a case is an analyst). */
const GRANTABLE: readonly Role[] = ['approver', 'operator', 'auditor', 'admin']

export function roleLabel(role: Role): string {
  return ROLE_LABEL[role]
}

/**
 * Who is acting: a signing key of this person, sealed by the OS keystore, with the name bound to
 * it once. There is no rename: a new name is a new key, that is, a new person in the audit trail.
 */
export function IdentityForm({ onSaved, onCancel }: { onSaved?(identity: Identity): void; onCancel?(): void }): ReactElement {
  const { identity, setIdentity } = useAppState()
  const [name, setName] = useState(identity.name)
  const [nameError, setNameError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const nameRef = useRef<HTMLInputElement>(null)

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setError(null)
    if (!name.trim()) {
      setNameError('Enter your name as it should appear in the audit trail.')
      nameRef.current?.focus()
      return
    }
    setNameError(null)
    setBusy(true)
    try {
      const next = await call('identity.create', { name: name.trim() })
      setIdentity(next)
      onSaved?.(next)
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  if (identity.key) {
    return (
      <div aria-label="Identity" role="group">
        <table className="kv-table">
          <tbody>
            <tr>
              <th scope="row">Name</th>
              <td data-testid="identity-bound-name">{identity.name}</td>
            </tr>
            <tr>
              <th scope="row">Signing key</th>
              <td>
                <code className="fingerprint" data-testid="identity-key">
                  {identity.key}
                </code>
              </td>
            </tr>
            <tr>
              <th scope="row">OS user</th>
              <td>{identity.osUser}</td>
            </tr>
            <tr>
              <th scope="row">Roles in this case</th>
              <td data-testid="identity-roles">
                {identity.roles.map((r) => ROLE_LABEL[r]).join(', ')}
                {identity.owner ? ' — you own this case and grant its roles' : ''}
              </td>
            </tr>
          </tbody>
        </table>
        <p className="muted">Your decisions are signed with this key. The name is bound to it for good: a new name would be a new key, that is, a new person in the audit trail.</p>
        {onCancel ? (
          <div className="form-actions">
            <button type="button" className="button ghost" onClick={onCancel}>
              Close
            </button>
          </div>
        ) : null}
      </div>
    )
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Identity">
      {identity.problem ? <Notice tone="info">{identity.problem}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      <p className="muted">
        Lastmile makes you a signing key, sealed by this machine’s keystore ({identity.osUser}), and binds your name to it once. Without one, it is made on your first action under
        your OS user name.
      </p>
      <div className="form-grid">
        <TextField ref={nameRef} label="Name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoComplete="name" maxLength={200} required />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy || identity.problem !== null}>
          Create my signing key
        </button>
        {onCancel ? (
          <button type="button" className="button ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  )
}

/** The people of the open case and their roles; its owner grants and takes back roles here. */
export function CasePeople(): ReactElement {
  const { identity, current } = useAppState()
  const [people, setPeople] = useState<CasePersonView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const load = useCallback(() => {
    call('people.list', {})
      .then(setPeople)
      .catch((e: unknown) => setError(describeError(e)))
  }, [])
  useEffect(load, [load, current?.id])

  async function toggle(p: CasePersonView, role: Role, grant: boolean): Promise<void> {
    setError(null)
    setBusy(true)
    try {
      setPeople(await call('people.setRole', { person: p.key, role, grant }))
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  if (!people) return error ? <Notice tone="error">{error}</Notice> : <p className="muted">Loading…</p>
  const owner = people.find((p) => p.owner)
  const canGrant = identity.owner && current?.readOnly !== true
  return (
    <div>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {owner ? null : <p className="muted">This case was made before people had signing keys: it has no owner, and roles here are declared, not granted.</p>}
      {/* its own scroll: five role columns are wider than the Settings card */}
      <div className="table-scroll" role="region" aria-label="People and their roles" tabIndex={0}>
        <table className="data-table" aria-label="People of this case">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Key</th>
              <th scope="col">OS user</th>
              {GRANTABLE.map((r) => (
                <th key={r} scope="col">
                  {ROLE_LABEL[r]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.key}>
                <td>
                  {p.name}
                  {p.owner ? ' (owner)' : ''}
                </td>
                <td>
                  <code className="fingerprint" title={p.key}>
                    {p.key.slice(0, 23)}…
                  </code>
                </td>
                <td>{p.osUser}</td>
                {GRANTABLE.map((r) => (
                  <td key={r}>
                    <input
                      type="checkbox"
                      aria-label={`${ROLE_LABEL[r]}: ${p.name}`}
                      checked={p.roles.includes(r)}
                      disabled={!canGrant || p.owner || busy}
                      onChange={(e) => void toggle(p, r, e.target.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {canGrant
          ? 'You own this case: what you grant or take back is signed with your key and recorded.'
          : `Roles are granted by the case owner${owner ? `, ${owner.name}` : ''}.`}
      </p>
    </div>
  )
}
