import { useState, type DragEvent, type ReactElement, type ReactNode } from 'react'
import type { ChosenPath } from '../../../shared/contract'
import { dropped } from '../api'
import { describeError } from '../errors'

/**
 * Where files (or folders) can be dropped. The page cannot read a dropped file's path; the
 * preload asks Electron for it and main answers with a token for each, like a dialog's answer.
 * A file that has no path on disk (dragged from a browser) is reported, not guessed.
 */
export function DropZone({
  onChosen,
  onUnreadable,
  disabled,
  children
}: {
  onChosen(chosen: ChosenPath[]): void
  /** the names of dropped files that cannot be read, or why the drop failed */
  onUnreadable(names: string[], error?: string): void
  disabled?: boolean
  children: ReactNode
}): ReactElement {
  const [over, setOver] = useState(false)
  const accept = (e: DragEvent<HTMLDivElement>): void => {
    if (disabled || !e.dataTransfer.types.includes('Files')) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    setOver(true)
  }
  const drop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault()
    setOver(false)
    if (disabled) return
    const files = Array.from(e.dataTransfer.files)
    dropped(files).then(
      (answers) => {
        const chosen = answers.filter((c): c is ChosenPath => c !== null)
        const unreadable = files.filter((_f, i) => !answers[i]).map((f) => f.name)
        if (chosen.length) onChosen(chosen)
        if (unreadable.length) onUnreadable(unreadable)
      },
      (err: unknown) =>
        onUnreadable(
          files.map((f) => f.name),
          describeError(err)
        )
    )
  }
  return (
    <div className={`dropzone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`} onDragEnter={accept} onDragOver={accept} onDragLeave={() => setOver(false)} onDrop={drop}>
      {children}
    </div>
  )
}
