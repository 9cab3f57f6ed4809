import { useState, type ReactElement } from 'react'
import { call } from '../api'
import { describeError } from '../errors'

/** Opens the OS file manager on what an export just wrote (main only shows files it wrote). */
export function ShowInFolder({ path }: { path: string }): ReactElement {
  const [error, setError] = useState<string | null>(null)
  return (
    <span className="show-in-folder">
      <button
        type="button"
        className="button small"
        onClick={() => {
          setError(null)
          call('dialog.showInFolder', { path }).catch((e: unknown) => setError(describeError(e)))
        }}
      >
        Show in folder
      </button>
      {error ? <span className="error-text"> {error}</span> : null}
    </span>
  )
}
