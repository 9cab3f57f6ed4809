import { useRef, useState, type FormEvent, type ReactElement } from 'react'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { describeError } from '../errors'
import { invalidateFindings } from '../findings/data'
import { actorName, formatTime, plural } from '../format'
import { useLoad } from '../use-load'
import { TextField } from './Field'
import { Notice } from './Notice'
import { Section } from './Page'

const ACCOUNT = /^(\d{12}|[0-9a-fA-F-]{36})$/
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/

/**
 * The account → environment map of the open case: every mapping, the accounts of the findings
 * still without one, and the form that sets or removes a mapping (audited in the case).
 */
export function EnvironmentMap(): ReactElement {
  const current = useOpenCase()
  const map = useLoad(() => call('evidence.accountEnvironments', {}), [current.id], { followFindings: true })
  const [account, setAccount] = useState('')
  const [environment, setEnvironment] = useState('')
  const [errors, setErrors] = useState<{ account?: string; environment?: string }>({})
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const accountRef = useRef<HTMLInputElement>(null)
  const environmentRef = useRef<HTMLInputElement>(null)
  const mappings = map.value?.mappings ?? []
  const unmapped = map.value?.unmapped ?? []
  // Azure subscription ids are kept lower-case in the case, as the resource ids that carry them.
  const typed = account.trim().toLowerCase()
  const existing = mappings.find((m) => m.account.toLowerCase() === typed)

  function fill(a: string, env: string): void {
    setAccount(a)
    setEnvironment(env)
    setErrors({})
    setMessage(null)
    environmentRef.current?.focus()
    environmentRef.current?.select()
  }

  async function save(next: string | null): Promise<void> {
    setMessage(null)
    const v: typeof errors = {}
    if (!ACCOUNT.test(typed)) v.account = 'Enter an AWS account id (12 digits) or an Azure subscription id.'
    if (next === null && !existing) v.environment = 'Enter the environment of this account, such as prod or test.'
    else if (next !== null && !ENVIRONMENT.test(next)) v.environment = 'A short lower-case word: prod, staging, dev, test…'
    setErrors(v)
    if (v.account) return accountRef.current?.focus()
    if (v.environment) return environmentRef.current?.focus()
    setBusy(true)
    try {
      await call('evidence.setAccountEnvironment', { account: existing?.account ?? typed, environment: next })
      // the findings table and the board show each resource's environment
      invalidateFindings()
      setMessage({ tone: 'success', text: next ? `Account ${typed} is ${next}.` : `Account ${typed} has no environment any more.` })
      setAccount('')
      setEnvironment('')
    } catch (err) {
      setMessage({ tone: 'error', text: describeError(err) })
    } finally {
      setBusy(false)
    }
  }

  function submit(e: FormEvent): void {
    e.preventDefault()
    const env = environment.trim()
    void save(env === '' ? null : env)
  }

  return (
    <Section
      title="Environment map"
      description="Which environment each account or Azure subscription is (prod, test…), for resources whose tags do not say. Saved in this case and recorded in its audit trail."
    >
      <div className="stack">
        {map.error ? (
          <Notice tone="error" title="The environment map could not be loaded">
            {map.error}
          </Notice>
        ) : null}
        <div className="table-scroll" role="region" aria-label="Account environments" tabIndex={0}>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Environment</th>
                <th scope="col" className="num">
                  Findings
                </th>
                <th scope="col">Set</th>
                {current.readOnly ? null : (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {mappings.map((m) => (
                <tr key={m.account} data-testid={`environment-${m.account}`}>
                  <th scope="row" className="mono nowrap">
                    {m.account}
                  </th>
                  <td>
                    <span className="pill status-open">{m.environment}</span>
                  </td>
                  <td className="num">{m.findings.toLocaleString('en-US')}</td>
                  <td className="muted small-print">
                    <time dateTime={m.setAt}>{formatTime(m.setAt)}</time> by {actorName(m.setBy)}
                  </td>
                  {current.readOnly ? null : (
                    <td className="nowrap">
                      <button type="button" className="button small ghost" aria-label={`Edit ${m.account}`} onClick={() => fill(m.account, m.environment)}>
                        Edit
                      </button>
                    </td>
                  )}
                </tr>
              ))}
              {unmapped.map((u) => (
                <tr key={u.account} data-testid={`environment-${u.account}`}>
                  <th scope="row" className="mono nowrap">
                    {u.account}
                  </th>
                  <td className="muted">not mapped</td>
                  <td className="num">{u.findings.toLocaleString('en-US')}</td>
                  <td className="muted small-print">{u.provider === 'azure' ? 'Azure subscription' : u.provider === 'aws' ? 'AWS account' : u.provider} in the findings</td>
                  {current.readOnly ? null : (
                    <td className="nowrap">
                      <button type="button" className="button small ghost" aria-label={`Map ${u.account}`} onClick={() => fill(u.account, '')}>
                        Map
                      </button>
                    </td>
                  )}
                </tr>
              ))}
              {map.value && mappings.length === 0 && unmapped.length === 0 ? (
                <tr>
                  <td colSpan={current.readOnly ? 4 : 5} className="table-empty">
                    No account is mapped, and the findings name no account yet: import scanner exports, or map an account below.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {map.value && unmapped.length > 0 ? (
          <p className="muted small-print">
            {plural(unmapped.length, 'account')} of the findings {unmapped.length === 1 ? 'has' : 'have'} no environment yet.
          </p>
        ) : null}
        {current.readOnly ? (
          <p className="muted">This case is open read-only for review: the map cannot be changed here.</p>
        ) : (
          <form className="form" onSubmit={submit} noValidate aria-label="Set an account's environment">
            <div className="form-grid">
              <TextField
                ref={accountRef}
                label="Account or subscription"
                value={account}
                onChange={(e) => setAccount(e.target.value)}
                placeholder="111122223333"
                className="mono-input"
                error={errors.account}
                autoComplete="off"
              />
              <TextField
                ref={environmentRef}
                label="Environment"
                value={environment}
                onChange={(e) => setEnvironment(e.target.value)}
                placeholder="prod"
                error={errors.environment}
                autoComplete="off"
                hint="Leave it empty, or press Remove, to take the account off the map."
              />
            </div>
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={busy || !account.trim()}>
                Save
              </button>
              <button type="button" className="button" disabled={busy || !existing} onClick={() => void save(null)}>
                Remove
              </button>
            </div>
            {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
          </form>
        )}
      </div>
    </Section>
  )
}
