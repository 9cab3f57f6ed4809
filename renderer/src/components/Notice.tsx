import type { ReactElement, ReactNode, Ref } from 'react'
import { AlertIcon, CheckIcon } from './icons'

/**
 * A message about the last action. Errors use role="alert" so they are read out as soon as
 * they appear; confirmations use role="status", which waits for a pause.
 */
export function Notice({ tone, title, children, ref }: { tone: 'error' | 'success' | 'info'; title?: string; children: ReactNode; ref?: Ref<HTMLDivElement> }): ReactElement {
  return (
    <div ref={ref} className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'} tabIndex={-1}>
      <span className="notice-icon">{tone === 'success' ? <CheckIcon /> : <AlertIcon />}</span>
      <div className="notice-body">
        {title ? <p className="notice-title">{title}</p> : null}
        <div>{children}</div>
      </div>
    </div>
  )
}
