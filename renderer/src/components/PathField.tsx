// A file or folder the user chooses in the OS dialog. The page never types a path: main takes
// only a token it issued for a dialog's (or a drop's) answer, so the field shows the chosen path
// and Browse… is the way to change it.
import { useState, type ReactElement, type ReactNode, type Ref } from 'react'
import type { ChosenPath, OpenPurpose, SavePurpose } from '../../../shared/contract'
import { call } from '../api'
import { describeError } from '../errors'
import { TextField } from './Field'

export type Chooser = { open: OpenPurpose } | { save: SavePurpose }

/** Ask main for the OS dialog; null when the user cancelled. */
async function choosePath(chooser: Chooser): Promise<ChosenPath | null> {
  if ('open' in chooser) return (await call('dialog.open', { purpose: chooser.open }))[0] ?? null
  return call('dialog.save', { purpose: chooser.save })
}

export function PathField({
  label,
  chooser,
  value,
  onChange,
  hint,
  error,
  disabled,
  placeholder,
  fieldRef
}: {
  label: string
  chooser: Chooser
  value: ChosenPath | null
  onChange(v: ChosenPath): void
  hint?: ReactNode
  error?: string | null
  disabled?: boolean
  placeholder?: string
  fieldRef?: Ref<HTMLInputElement>
}): ReactElement {
  const [browseError, setBrowseError] = useState<string | null>(null)
  async function browse(): Promise<void> {
    setBrowseError(null)
    try {
      const chosen = await choosePath(chooser)
      if (chosen) onChange(chosen)
    } catch (e) {
      setBrowseError(describeError(e))
    }
  }
  return (
    <TextField
      ref={fieldRef}
      label={label}
      value={value?.path ?? ''}
      readOnly
      onClick={() => void (disabled ? undefined : browse())}
      error={error ?? browseError}
      spellCheck={false}
      className="mono-input"
      placeholder={placeholder ?? ('open' in chooser ? 'Choose with Browse…' : 'Choose where with Browse…')}
      hint={value?.replaces ? hint ? <>{hint} Replaces the existing file, as you confirmed.</> : 'Replaces the existing file, as you confirmed.' : hint}
      disabled={disabled}
      addon={
        <button type="button" className="button" onClick={() => void browse()} disabled={disabled}>
          Browse…
        </button>
      }
    />
  )
}
