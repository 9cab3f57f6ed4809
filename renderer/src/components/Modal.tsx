import { useEffect, useId, useRef, type ReactElement, type ReactNode } from 'react'

/**
 * A modal built on <dialog>: the browser traps focus inside it, Escape closes it, and focus
 * returns to whatever opened it.
 */
export function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }): ReactElement {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement as HTMLElement | null
    dialog.showModal()
    return () => {
      dialog.close()
      opener?.focus?.()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      {children}
    </dialog>
  )
}
