import { useState, type DragEvent, type ReactElement, type ReactNode } from 'react'

/**
 * Where files (or folders) can be dropped. The page cannot read a dropped file's path; the
 * preload asks Electron for it (`pathForFile`), and the paths go to main like any chosen in a
 * dialog. A file that has no path on disk (dragged from a browser) is reported, not guessed.
 */
export function DropZone({
  onPaths,
  onUnreadable,
  disabled,
  children
}: {
  onPaths(paths: string[]): void
  onUnreadable(names: string[]): void
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
    const paths: string[] = []
    const unreadable: string[] = []
    for (const file of Array.from(e.dataTransfer.files)) {
      let path = ''
      try {
        path = window.lastmile?.pathForFile(file) ?? ''
      } catch {
        path = ''
      }
      if (path) paths.push(path)
      else unreadable.push(file.name)
    }
    if (paths.length) onPaths(paths)
    if (unreadable.length) onUnreadable(unreadable)
  }
  return (
    <div
      className={`dropzone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
      onDragEnter={accept}
      onDragOver={accept}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      {children}
    </div>
  )
}
