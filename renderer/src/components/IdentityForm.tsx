import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { Identity } from '../../../shared/contract'
import { ROLES, type Role } from '../../../shared/model'
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

export function roleLabel(role: Role): string {
  return ROLE_LABEL[role]
}

/** Who is acting: the name and role the audit trail records with every action. */
export function IdentityForm({ onSaved, onCancel }: { onSaved?(identity: Identity): void; onCancel?(): void }): ReactElement {
  const { identity, setIdentity } = useAppState()
  const [name, setName] = useState(identity.name)
  const [role, setRole] = useState<Role>(identity.role)
  const [nameError, setNameError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const [busy, setBusy] = useState(false)
  const nameRef = useRef<HTMLInputElement>(null)
  const roleId = useId()

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setSaved(false)
    setError(null)
    if (!name.trim()) {
      setNameError('Enter your name as it should appear in the audit trail.')
      nameRef.current?.focus()
      return
    }
    setNameError(null)
    setBusy(true)
    try {
      const next = await call('identity.set', { name: name.trim(), role })
      setIdentity(next)
      setName(next.name)
      setSaved(true)
      onSaved?.(next)
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Identity">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <div className="form-grid">
        <TextField
          ref={nameRef}
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameError}
          autoComplete="name"
          maxLength={200}
          required
        />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <div className="field-row">
            <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          Save identity
        </button>
        {onCancel ? (
          <button type="button" className="button ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        {saved ? (
          <span className="inline-status" role="status">
            Saved. New audit entries are recorded as {identity.name} ({ROLE_LABEL[identity.role].toLowerCase()}).
          </span>
        ) : null}
      </div>
    </form>
  )
}
