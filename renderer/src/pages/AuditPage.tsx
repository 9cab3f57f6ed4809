import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { AuditPage as AuditPageData } from '../../../shared/contract'
import type { AuditVerification } from '../../../shared/model'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { Notice } from '../components/Notice'
import { Page } from '../components/Page'
import { describeError } from '../errors'
import { actorName, actorRole, formatTime, plural, shortHash, summarizeDetails } from '../format'

const PAGE_SIZE = 50

/** The case's audit trail, newest first, and a check of its hash chain. */
export function AuditPage(): ReactElement {
  const current = useOpenCase()
  const [offset, setOffset] = useState(0)
  const [data, setData] = useState<AuditPageData | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [reload, setReload] = useState(0)
  const [verification, setVerification] = useState<AuditVerification | null>(null)
  const [verifyError, setVerifyError] = useState<string | null>(null)
  const [verifying, setVerifying] = useState(false)
  const resultRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let live = true
    setLoading(true)
    call('audit.list', { offset, limit: PAGE_SIZE })
      .then((page) => {
        if (!live) return
        setData(page)
        setError(null)
      })
      .catch((e: unknown) => live && setError(describeError(e)))
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [offset, reload, current.id])

  async function verify(): Promise<void> {
    setVerifying(true)
    setVerification(null)
    setVerifyError(null)
    try {
      setVerification(await call('audit.verify', {}))
    } catch (e) {
      setVerifyError(describeError(e))
    } finally {
      setVerifying(false)
    }
  }

  useEffect(() => {
    if (verification || verifyError) resultRef.current?.focus()
  }, [verification, verifyError])

  const total = data?.total ?? 0
  const first = total === 0 ? 0 : offset + 1
  const last = Math.min(offset + PAGE_SIZE, total)

  return (
    <Page
      title="Audit"
      description="Every change to this case, newest first. Each entry’s hash covers the entry before it, so an edited, removed or reordered entry breaks the chain."
      actions={
        <>
          <button type="button" className="button" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </button>
          <button type="button" className="button primary" onClick={() => void verify()} disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
        </>
      }
    >
      {verification?.ok ? (
        <Notice ref={resultRef} tone="success" title="The audit chain is intact">
          {plural(verification.entries, 'entry', 'entries')} verified. Head hash{' '}
          <code className="hash-full" data-testid="head-hash">
            {verification.headHash}
          </code>
        </Notice>
      ) : null}
      {verification && !verification.ok ? (
        <Notice ref={resultRef} tone="error" title={`The audit chain is broken at entry ${verification.firstBad?.seq ?? '?'}`}>
          {verification.firstBad?.reason ?? 'An entry does not match.'} {plural(verification.entries, 'entry', 'entries')} before it verified. The case file was changed outside
          Lastmile: keep this copy as evidence and compare it with a backup before relying on it.
        </Notice>
      ) : null}
      {verifyError ? (
        <Notice ref={resultRef} tone="error" title="The chain could not be verified">
          {verifyError}
        </Notice>
      ) : null}
      {error ? (
        <Notice tone="error" title="The audit entries could not be loaded">
          {error}
        </Notice>
      ) : null}

      <div className="table-card">
        <div className="table-scroll" role="region" aria-label="Audit entries" tabIndex={0}>
          <table className="data-table" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Seq
                </th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {data?.entries.map((e) => (
                <tr key={e.seq}>
                  <td className="num">{e.seq}</td>
                  <td className="nowrap">
                    <time dateTime={e.time}>{formatTime(e.time)}</time>
                  </td>
                  <td className="nowrap">
                    {actorName(e.actor)} <span className="role">{actorRole(e.actor)}</span>
                  </td>
                  <td className="nowrap">
                    <code className="action">{e.action}</code>
                  </td>
                  <td className="mono truncate" title={e.target}>
                    {e.target}
                  </td>
                  <td className="details">{summarizeDetails(e.details) || <span className="muted">—</span>}</td>
                  <td className="mono nowrap" title={e.hash}>
                    {shortHash(e.hash)}
                  </td>
                </tr>
              ))}
              {data && data.entries.length === 0 ? (
                <tr>
                  <td colSpan={7} className="table-empty">
                    This case has no audit entries yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <div className="pager">
          <span className="muted" aria-live="polite">
            {total === 0 ? 'No entries' : `Entries ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`}
          </span>
          <div className="pager-buttons">
            <button type="button" className="button small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Newer
            </button>
            <button type="button" className="button small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Older
            </button>
          </div>
        </div>
      </div>
    </Page>
  )
}
