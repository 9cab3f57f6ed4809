import { useId, type InputHTMLAttributes, type ReactElement, type ReactNode, type Ref } from 'react'

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string
  /** help under the field, always shown */
  hint?: ReactNode
  /** a sentence saying what is wrong with this field; marks it invalid */
  error?: string | null
  ref?: Ref<HTMLInputElement>
  /** something beside the input, e.g. a Browse… button */
  addon?: ReactNode
}

/** A labelled input whose hint and error are tied to it for screen readers. */
export function TextField({ label, hint, error, addon, className, ref, ...input }: TextFieldProps): ReactElement {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input id={id} ref={ref} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
        {addon}
      </div>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {hint ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : null}
    </div>
  )
}

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: string
  hint?: ReactNode
}

export function Checkbox({ label, hint, ...input }: CheckboxProps): ReactElement {
  const id = useId()
  return (
    <div className="checkbox">
      <input type="checkbox" id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint ? (
          <div id={`${id}-hint`} className="field-hint">
            {hint}
          </div>
        ) : null}
      </div>
    </div>
  )
}
