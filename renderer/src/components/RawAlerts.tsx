// A finding's alerts, grouped by the tool that raised them, each with its original record as
// the tool wrote it: pretty-printed to read (JSON indented, a CSV row as field: value), and
// byte for byte on request.
import { useEffect, useState, type ReactElement } from 'react'
import type { AlertRecordView, FindingView } from '../../../shared/ingest'
import { call } from '../api'
import { describeError } from '../errors'
import { formatTime, plural } from '../format'

type Alert = FindingView['alerts'][number]

/** Split one CSV record (quotes, doubled quotes, delimiters inside quotes). */
function splitCsvRecord(line: string, delimiter: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"'
          i++
        } else quoted = false
      } else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === delimiter) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur.replace(/\r?\n$/, ''))
  return out
}

type PrettyRecord = { kind: 'json'; text: string } | { kind: 'fields'; fields: Array<[string, string]> } | { kind: 'text'; text: string }

/** How a record reads best: indented JSON, a CSV row against its header, else as it is. */
function prettyRecord(r: Pick<AlertRecordView, 'raw' | 'context'>): PrettyRecord {
  const raw = r.raw.trim()
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(raw), null, 2) }
    } catch {
      // not JSON after all (a truncated record): shown as it is
    }
  }
  const header = (r.context as { header?: unknown } | null)?.header
  if (typeof header === 'string') {
    const head = header.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
    // Prowler writes semicolons; the others commas
    const delimiter = (head.match(/;/g)?.length ?? 0) > (head.match(/,/g)?.length ?? 0) ? ';' : ','
    const names = splitCsvRecord(head, delimiter)
    const values = splitCsvRecord(r.raw, delimiter)
    if (names.length === values.length) return { kind: 'fields', fields: names.map((n, i) => [n, values[i]!]) }
  }
  return { kind: 'text', text: r.raw }
}

export function AlertsByTool({ alerts }: { alerts: Alert[] }): ReactElement {
  const tools = [...new Set(alerts.map((a) => a.tool))].sort()
  // with few alerts, their records are open from the start: that is what people come to read
  const openAll = alerts.length <= 3
  return (
    <div className="alerts-by-tool">
      {tools.map((tool) => {
        const list = alerts.filter((a) => a.tool === tool)
        return (
          <section key={tool} className="tool-group" aria-label={`Alerts from ${tool}`}>
            <h3 className="tool-title">
              {tool} <span className="muted">· {plural(list.length, 'alert')}</span>
            </h3>
            {list.map((a) => (
              <AlertItem key={a.id} alert={a} startOpen={openAll} />
            ))}
          </section>
        )
      })}
    </div>
  )
}

function AlertItem({ alert, startOpen }: { alert: Alert; startOpen: boolean }): ReactElement {
  const [open, setOpen] = useState(startOpen)
  const [record, setRecord] = useState<AlertRecordView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [verbatim, setVerbatim] = useState(false)
  const loaded = record !== null
  useEffect(() => {
    if (!open || loaded) return
    let live = true
    call('alerts.record', { id: alert.id })
      .then((r) => live && setRecord(r))
      .catch((e: unknown) => live && setError(describeError(e)))
    return () => {
      live = false
    }
  }, [open, loaded, alert.id])
  const pretty = record ? prettyRecord(record) : null
  return (
    <div className="alert-item">
      <div className="alert-line">
        <button type="button" className="disclosure" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span className="mono">{alert.id}</span>
        </button>
        <span className="mono alert-rule" title={alert.toolFindingId}>
          {alert.ruleId}
        </span>
        <span className={`outcome outcome-${alert.outcome.toLowerCase()}`}>{alert.outcome}</span>
        <span className="muted">{alert.toolStatus}</span>
        {alert.closed ? <span className="pill status status-resolved">closed</span> : null}
        <span className="muted alert-seen">last seen {formatTime(alert.lastSeen)}</span>
      </div>
      {open ? (
        <div className="alert-record">
          {error ? <p className="error-text">{error}</p> : null}
          {record && pretty ? (
            <>
              <div className="record-bar">
                <span className="muted">
                  Record {record.record.toLocaleString('en-US')} of import {record.import} · {record.format}
                </span>
                <button type="button" className="button small ghost" aria-pressed={verbatim} onClick={() => setVerbatim(!verbatim)}>
                  {verbatim ? 'Show pretty-printed' : 'Show as in the file'}
                </button>
              </div>
              {verbatim || pretty.kind === 'text' ? (
                <pre className="record" tabIndex={0} role="region" aria-label={`${alert.id} as in the file`}>
                  {record.raw}
                </pre>
              ) : pretty.kind === 'json' ? (
                <pre className="record" tabIndex={0} role="region" aria-label={`${alert.id} pretty-printed`}>
                  {pretty.text}
                </pre>
              ) : (
                <table className="kv-table record-fields" aria-label={`${alert.id} fields`}>
                  <tbody>
                    {pretty.fields.map(([k, v], i) => (
                      <tr key={`${k}-${i}`}>
                        <th scope="row" className="mono">
                          {k}
                        </th>
                        <td className="mono">{v || <span className="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : !error ? (
            <p className="muted">Reading the record…</p>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
