// Auditor mode: open an exported auditor case file read-only, with its export passphrase. Every
// mutating call is then refused by main; the header shows the read-only banner.
import { useState, type FormEvent, type ReactElement } from 'react'
import type { ChosenPath } from '../../../shared/contract'
import type { Case } from '../../../shared/model'
import { call } from '../api'
import { describeError, errorCode } from '../errors'
import { TextField } from './Field'
import { Modal } from './Modal'
import { PathField } from './PathField'

export function ReviewCaseFileButton({ onDone }: { onDone(c: Case): void }): ReactElement {
  const [open, setOpen] = useState(false)
  const [path, setPath] = useState<ChosenPath | null>(null)
  const [pass, setPass] = useState('')
  // an error goes to the field it is about: the file (missing, not a case file) or the passphrase
  const [error, setError] = useState<{ field: 'file' | 'passphrase'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const c = await call('case.openForReview', { path: path!.token, exportPassphrase: pass })
      setOpen(false)
      onDone(c)
    } catch (err) {
      setError({ field: errorCode(err) === 'wrong-key' ? 'passphrase' : 'file', text: describeError(err) })
      setBusy(false)
    }
  }

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Open case file for review
      </button>
      {open ? (
        <Modal title="Open a case file for review" onClose={() => setOpen(false)}>
          <form className="form" onSubmit={(e) => void submit(e)}>
            <p className="muted modal-lead">An auditor case file opens read-only: you can read and verify everything, and change nothing.</p>
            <PathField label="Auditor case file" chooser={{ open: 'case-file' }} value={path} onChange={setPath} error={error?.field === 'file' ? error.text : null} />
            <TextField
              label="Export passphrase"
              type="password"
              value={pass}
              onChange={(e) => setPass(e.target.value)}
              autoComplete="off"
              error={error?.field === 'passphrase' ? error.text : null}
              required
            />
            <div className="form-actions">
              <button type="button" className="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button type="submit" className="button primary" disabled={busy || !path || !pass}>
                {busy ? 'Opening…' : 'Open for review'}
              </button>
            </div>
          </form>
        </Modal>
      ) : null}
    </>
  )
}
