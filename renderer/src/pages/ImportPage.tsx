import { useEffect, useId, useRef, useState, type ReactElement } from 'react'
import { combineShares, sharePercent, shareSentence } from '../../../shared/catalogue-share'
import { sharedIdsSentence } from '../../../shared/shared-ids'
import type { ChosenPath } from '../../../shared/contract'
import { FORMAT_NAMES, type FormatName, type ImportSummary, type IngestFileOutcome, type IngestResult } from '../../../shared/ingest'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { StackedBar } from '../components/charts'
import { DropZone } from '../components/DropZone'
import { Checkbox, TextField } from '../components/Field'
import { FolderIcon } from '../components/icons'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { describeProgress, ProgressBar } from '../components/Progress'
import { describeError, sentence } from '../errors'
import { invalidateFindings } from '../findings/data'
import { useCancel, useProgress } from '../long-work'
import { plural } from '../format'
import { baseName, FORMAT_LABELS, formatLabel } from '../formats'
import { useNavigation } from '../navigation'

/** What to do about a file that could not be imported, by the error's code. */
const FILE_NEXT_STEP: Record<string, string> = {
  'bad-input': 'Check that it is a complete export from a supported tool, or choose its format above and import it again.',
  'not-found': 'Check that the file is still there and that you may read it, then import it again.',
  unavailable: 'Nothing was changed by this file; import it again.',
  internal: 'Nothing was changed by this file. Try again; if it happens again, report it with the file’s format.',
  cancelled: 'Import it again when you are ready.'
}

function fileError(code: string, message: string): string {
  const what = sentence(message)
  const next = FILE_NEXT_STEP[code]
  return next ? `${what} ${next}` : what
}

const isSummary = (o: IngestFileOutcome): o is ImportSummary => o.format !== null

/** The Import screen: scanner exports in (picked or dropped, several at once), a summary per file out. */
export function ImportPage(): ReactElement {
  const current = useOpenCase()
  const { go } = useNavigation()
  const [files, setFiles] = useState<ChosenPath[]>([])
  const [format, setFormat] = useState<FormatName | ''>('')
  const [partial, setPartial] = useState(false)
  const [cluster, setCluster] = useState('')
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useProgress('ingest')
  const [result, setResult] = useState<IngestResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  // the running ingest.import call then returns its result, marked cancelled
  const cancelImport = useCancel('ingest.cancel', setError)
  const resultRef = useRef<HTMLDivElement>(null)
  const formatId = useId()

  useEffect(() => {
    if (result || error) resultRef.current?.focus()
  }, [result, error])

  const add = (chosen: ChosenPath[]): void => {
    setNote(null)
    setFiles((old) => [...old, ...chosen.filter((c) => !old.some((o) => o.path === c.path))])
  }

  async function choose(): Promise<void> {
    setError(null)
    try {
      add(await call('dialog.open', { purpose: 'import' }))
    } catch (e) {
      setError(describeError(e))
    }
  }

  async function run(): Promise<void> {
    setRunning(true)
    cancelImport.reset()
    setResult(null)
    setError(null)
    setNote(null)
    setProgress(null)
    try {
      const r = await call('ingest.import', {
        paths: files.map((f) => f.token),
        ...(format ? { format } : {}),
        ...(partial ? { partial: true } : {}),
        ...(cluster.trim() ? { cluster: cluster.trim() } : {})
      })
      setResult(r)
      setFiles([])
    } catch (e) {
      setError(describeError(e))
    } finally {
      // even a failed run may have committed the files before the one that failed
      invalidateFindings()
      setRunning(false)
      cancelImport.reset()
      setProgress(null)
    }
  }

  const readOnly = current.readOnly
  return (
    <Page
      title="Import"
      description="Read scanner exports into this case. Alerts of several tools about the same problem on the same resource become one finding; a later scan of the same scope closes what it no longer reports."
    >
      {readOnly ? (
        <Notice tone="info" title="This case is open read-only">
          Nothing can be imported into a case opened for review.
        </Notice>
      ) : null}
      <Section title="Exports to import" description="Security Hub, Prowler, Wiz, Trivy, Checkov, KICS, tfsec, Defender for Cloud, Orca, OCSF and SARIF exports, as files.">
        <DropZone
          onChosen={add}
          disabled={readOnly || running}
          onUnreadable={(names, why) =>
            setNote(
              why ??
                `${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no place on disk (dragged from another application?). Save ${names.length === 1 ? 'it' : 'them'} to a folder first, then drop or choose the file.`
            )
          }
        >
          <div className="dropzone-body">
            <span className="dropzone-icon">
              <FolderIcon />
            </span>
            <p>
              <strong>Drop export files here</strong>
              <span className="muted"> — or</span>
            </p>
            <button type="button" className="button" onClick={() => void choose()} disabled={readOnly || running}>
              Choose files…
            </button>
          </div>
        </DropZone>
        {note ? <Notice tone="info">{note}</Notice> : null}
        {files.length ? (
          <ul className="file-list" aria-label="Files to import">
            {files.map((f) => (
              <li key={f.path}>
                <span className="file-name">{f.name}</span>
                <span className="mono muted file-path" title={f.path}>
                  {f.path}
                </span>
                <button
                  type="button"
                  className="button small ghost"
                  onClick={() => setFiles((old) => old.filter((x) => x !== f))}
                  disabled={running}
                  aria-label={`Remove ${f.name}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="import-options">
          <div className="field">
            <label htmlFor={formatId}>Format</label>
            <select id={formatId} value={format} onChange={(e) => setFormat(e.target.value as FormatName | '')} disabled={running}>
              <option value="">Recognise each file’s format</option>
              {FORMAT_NAMES.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          </div>
          <Checkbox
            label="These exports are filtered"
            hint="They cover part of a scan (one severity, one account…): alerts they do not mention are kept open."
            checked={partial}
            onChange={(e) => setPartial(e.target.checked)}
            disabled={running}
          />
          <TextField
            label="Kubernetes cluster (Trivy Operator reports)"
            hint="Trivy Operator's reports do not name their cluster: give its name as trivy k8s does (ClusterName), so their findings meet that scan's. Exports that name their cluster ignore it."
            value={cluster}
            onChange={(e) => setCluster(e.target.value)}
            disabled={running}
            spellCheck={false}
          />
        </div>
        <div className="form-actions">
          <button type="button" className="button primary" onClick={() => void run()} disabled={readOnly || running || files.length === 0}>
            {running ? 'Importing…' : files.length > 1 ? `Import ${files.length} files` : 'Import'}
          </button>
          {running ? (
            <button type="button" className="button" onClick={() => void cancelImport.cancel()} disabled={cancelImport.cancelling}>
              {cancelImport.cancelling ? 'Cancelling…' : 'Cancel the import'}
            </button>
          ) : null}
          {files.length && !running ? (
            <button type="button" className="button ghost" onClick={() => setFiles([])}>
              Clear the list
            </button>
          ) : null}
        </div>
        {running ? (
          <div aria-live="polite">
            <ProgressBar
              label={progress ? `Importing ${progress.operation.replace(/^ingest /, '')}` : 'Starting the import…'}
              done={progress?.done ?? 0}
              total={progress?.total ?? null}
              detail={progress ? describeProgress(progress) : undefined}
            />
          </div>
        ) : null}
      </Section>

      {error ? (
        <Notice ref={resultRef} tone="error" title="The import did not run">
          {error}
        </Notice>
      ) : null}
      {result ? <ImportResultView result={result} resultRef={resultRef} onBoard={() => go('initiatives')} onFindings={() => go('findings')} /> : null}
    </Page>
  )
}

function ImportResultView({
  result,
  resultRef,
  onBoard,
  onFindings
}: {
  result: IngestResult
  resultRef: React.Ref<HTMLDivElement>
  onBoard(): void
  onFindings(): void
}): ReactElement {
  const failed = result.imports.filter((o) => !isSummary(o)).length
  const ok = result.imports.length - failed
  const share = shareSentence(combineShares(result.imports.filter(isSummary).map((o) => o.catalogue)))
  const title = result.cancelled
    ? `Import cancelled: ${plural(ok, 'file')} imported, ${plural(failed, 'file')} not imported`
    : failed
      ? `${plural(ok, 'file')} imported, ${plural(failed, 'file')} not imported`
      : `${plural(ok, 'file')} imported`
  return (
    <section className="card" aria-labelledby="import-summary-title">
      <div className="card-head">
        <h2 id="import-summary-title">Import summary</h2>
      </div>
      <div className="card-body stack">
        <Notice ref={resultRef} tone={result.cancelled ? 'info' : failed ? 'error' : 'success'} title={title}>
          The case now holds {plural(result.findings, 'finding')} in {plural(result.initiatives, 'initiative')}.
          {result.cancelled
            ? ' The file being imported when you cancelled was rolled back; files finished before it stay in the case.'
            : failed
              ? ' A file that was not imported changed nothing; the others are in the case.'
              : ''}
        </Notice>
        {share ? (
          <p data-testid="catalogue-share">
            {share}. An alert on a per-tool control (<span className="mono">tool.rule-id</span>) joins no other tool’s alert about the same problem: its rule is not in the
            catalogue yet.
          </p>
        ) : null}
        <div className="table-scroll" role="region" aria-label="Summary per file" tabIndex={0}>
          <table className="data-table summary-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Format found</th>
                <th scope="col" className="num">
                  Alerts read
                </th>
                <th scope="col" className="num">
                  New alerts
                </th>
                <th scope="col" className="num">
                  Updated alerts
                </th>
                <th scope="col" className="num">
                  Closed alerts
                </th>
                <th scope="col" className="num">
                  Reopened alerts
                </th>
                <th scope="col">Findings</th>
                <th scope="col" className="num" title="Of the file's failing alerts, the share on controls of the catalogue (the rest are on per-tool controls)">
                  On catalogued controls
                </th>
                <th scope="col" className="num">
                  Time
                </th>
              </tr>
            </thead>
            <tbody>
              {result.imports.map((o) =>
                isSummary(o) ? (
                  <tr key={o.file}>
                    <th scope="row" className="file-cell" title={o.file}>
                      <span className="file-cell-name">{baseName(o.file)}</span>
                      <StackedBar
                        label={`Alerts of ${baseName(o.file)} by change`}
                        parts={[
                          { key: 'chg-new', label: 'new', value: o.new },
                          { key: 'chg-updated', label: 'updated', value: o.updated },
                          { key: 'chg-unchanged', label: 'unchanged', value: o.unchanged },
                          { key: 'chg-closed', label: 'closed', value: o.closed },
                          { key: 'chg-reopened', label: 'reopened', value: o.reopened }
                        ]}
                      />
                    </th>
                    <td>{formatLabel(o.format)}</td>
                    <td className="num">{o.alerts.toLocaleString('en-US')}</td>
                    <td className="num">{o.new.toLocaleString('en-US')}</td>
                    <td className="num">{o.updated.toLocaleString('en-US')}</td>
                    <td className="num">{o.closed.toLocaleString('en-US')}</td>
                    <td className="num">{o.reopened.toLocaleString('en-US')}</td>
                    <td className="findings-cell">
                      {o.duplicateOf
                        ? `Already imported (${o.duplicateOf}): nothing changed`
                        : `+${o.findings.new.toLocaleString('en-US')} new · ${o.findings.resolved.toLocaleString('en-US')} resolved · ${o.findings.reopened.toLocaleString('en-US')} reopened${o.skipped ? `; ${plural(o.skipped, 'record')} not findings, skipped` : ''}${o.unchanged ? `; ${plural(o.unchanged, 'alert')} unchanged` : ''}${o.sharedIds.ids ? `; ${sharedIdsSentence(o.sharedIds)}` : ''}`}
                    </td>
                    <td className="num" title={shareSentence(o.catalogue) ?? 'No failing alerts'}>
                      {o.catalogue.failing ? sharePercent(o.catalogue) : <span className="muted">—</span>}
                    </td>
                    <td className="num nowrap">{o.durationMs < 1000 ? `${Math.round(o.durationMs)} ms` : `${(o.durationMs / 1000).toFixed(1)} s`}</td>
                  </tr>
                ) : (
                  <tr key={o.file} className="row-error">
                    <th scope="row" className="file-cell" title={o.file}>
                      {baseName(o.file)}
                    </th>
                    <td className="nowrap">{o.error.code === 'cancelled' ? 'Cancelled' : 'Not imported'}</td>
                    <td colSpan={8} className="error-text">
                      {fileError(o.error.code, o.error.message)}
                    </td>
                  </tr>
                )
              )}
            </tbody>
          </table>
        </div>
        <ul className="legend" aria-hidden="true">
          {['new', 'updated', 'unchanged', 'closed', 'reopened'].map((k) => (
            <li key={k}>
              <span className={`swatch bg-chg-${k}`} />
              {k} alerts
            </li>
          ))}
        </ul>
        <div className="form-actions">
          <button type="button" className="button primary" onClick={onBoard}>
            Open the initiatives board
          </button>
          <button type="button" className="button" onClick={onFindings}>
            Open the findings
          </button>
        </div>
      </div>
    </section>
  )
}
