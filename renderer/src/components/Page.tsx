import { useEffect, useId, useRef, type ReactElement, type ReactNode } from 'react'

/**
 * The frame of a page: its heading, a one-line description and its main actions. The heading
 * takes focus when the page opens, so keyboard and screen-reader users land at its top.
 */
export function Page({
  title,
  description,
  actions,
  fill,
  wide,
  children
}: {
  title: string
  description?: ReactNode
  actions?: ReactNode
  /** the page takes the window's height, for a table that scrolls inside it */
  fill?: boolean
  /** the page uses the whole width of a large window (the board's seven columns) */
  wide?: boolean
  children: ReactNode
}): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    heading.current?.focus({ preventScroll: true })
  }, [])
  return (
    <div className={['page', fill ? 'page-fill' : '', wide ? 'page-wide' : ''].filter(Boolean).join(' ')}>
      <div className="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {description ? <div className="page-description">{description}</div> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  )
}

export function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }): ReactElement {
  const id = useId()
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {description ? <p className="card-description">{description}</p> : null}
      </div>
      <div className="card-body">{children}</div>
    </section>
  )
}
