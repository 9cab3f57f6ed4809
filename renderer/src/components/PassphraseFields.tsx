import type { ReactElement, Ref } from 'react'
import { passphraseStrength } from '../passphrase'
import { TextField } from './Field'

/** A new passphrase, typed twice, with a strength hint that updates as it is typed. */
export function PassphraseFields({
  value,
  confirm,
  onChange,
  onConfirmChange,
  error,
  confirmError,
  label = 'Passphrase',
  ref
}: {
  value: string
  confirm: string
  onChange(v: string): void
  onConfirmChange(v: string): void
  error?: string | null
  confirmError?: string | null
  label?: string
  ref?: Ref<HTMLInputElement>
}): ReactElement {
  const strength = passphraseStrength(value)
  const hint = value ? (
    <div className={`strength strength-${strength.level}`} aria-live="polite">
      <span className="strength-bar" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span>
        <strong>{strength.label}.</strong> {strength.advice}
      </span>
    </div>
  ) : (
    'At least 8 characters. A few unrelated words make a strong passphrase. It cannot be recovered if lost.'
  )
  return (
    <>
      <TextField ref={ref} label={label} type="password" autoComplete="new-password" value={value} onChange={(e) => onChange(e.target.value)} error={error} hint={hint} required />
      <TextField
        label={`Repeat the ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => onConfirmChange(e.target.value)}
        error={confirmError}
        required
      />
    </>
  )
}
