import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { ChosenPath } from '../../../shared/contract'
import type { EvidenceAddResult, EvidenceBundleSummary, EvidenceCollectResult, EvidenceFileSummary } from '../../../shared/evidence'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { DropZone } from '../components/DropZone'
import { TextField } from '../components/Field'
import { FolderIcon } from '../components/icons'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { PathField } from '../components/PathField'
import { ProgressBar } from '../components/Progress'
import { describeError, errorCode } from '../errors'
import { invalidateFindings } from '../findings/data'
import { useCancel, useProgress } from '../long-work'
import { formatTime, plural, shortHash } from '../format'
import { baseName } from '../formats'
import { useNavigation } from '../navigation'
import { ENVIRONMENT_MAP } from './SettingsPage'
import { useLoad } from '../use-load'

const FILE_ROWS = 1000

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

function collectorName(c: unknown): string {
  if (c && typeof c === 'object') {
    const o = c as Record<string, unknown>
    const tool = [o.tool ?? o.name, o.version].filter((x) => typeof x === 'string' && x).join(' ')
    const who = typeof o.operator === 'string' && o.operator ? o.operator : null
    if (tool || who) return [tool, who].filter(Boolean).join(' · ')
  }
  return typeof c === 'string' ? c : '—'
}

/** Bundle ids are long hashes: the start tells them apart, the full id is in the title. */
const shortId = (id: string): string => (id.length > 16 ? `${id.slice(0, 16)}…` : id)

/** `#/evidence`, or `#/evidence/<file id>` to show one evidence file in its bundle. */
export function EvidencePage(): ReactElement {
  const current = useOpenCase()
  const { sub, go } = useNavigation()
  const listing = useLoad(() => call('evidence.list', {}), [current.id])
  const [bundle, setBundle] = useState<string | null>(null)
  const files = listing.value?.files ?? []
  const bundles = listing.value?.bundles ?? []
  // a link from a timeline or an RCI step names a file: open its bundle
  const target = sub ? files.find((f) => f.id === sub) : undefined
  useEffect(() => {
    if (target) setBundle(target.bundle)
  }, [target])
  const chosen = bundle ?? bundles[bundles.length - 1]?.id ?? null

  return (
    <Page
      title="Evidence"
      description="Evidence bundles added to this case: configuration and logs collected from the clouds, hashed and kept unchanged. Investigations read only this evidence."
    >
      {current.readOnly ? null : <AddEvidence onAdded={listing.reload} />}
      {listing.error ? (
        <Notice tone="error" title="The evidence could not be listed">
          {listing.error}
        </Notice>
      ) : null}
      {sub && listing.value && !target ? (
        <Notice tone="error" title={`No evidence file ${sub} in this case`}>
          The link may come from another case. Choose a bundle below to see its files.
        </Notice>
      ) : null}
      <Section title="Bundles" description={bundles.length ? `${plural(bundles.length, 'bundle')}, ${plural(files.length, 'file')}.` : undefined}>
        {listing.value && bundles.length === 0 ? (
          <p className="muted">No evidence yet. Add a bundle written by `lastmile evidence collect` (or collected below) to let investigations answer from evidence.</p>
        ) : (
          <div className="table-scroll" role="region" aria-label="Evidence bundles" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Bundle</th>
                  <th scope="col">Collected</th>
                  <th scope="col">By</th>
                  <th scope="col">Window</th>
                  <th scope="col" className="num">
                    Files
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col" className="num">
                    Kept in the case
                  </th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {bundles.map((b) => (
                  <BundleRow key={b.id} bundle={b} chosen={b.id === chosen} onChoose={() => setBundle(b.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {chosen ? <BundleFiles bundle={chosen} files={files.filter((f) => f.bundle === chosen)} highlight={target?.id ?? null} /> : null}
      <p className="muted" data-testid="environment-map-pointer">
        Which environment each account or subscription is (prod, test…), for resources whose tags do not say, is kept in the environment map in
        <button type="button" className="link-button" onClick={() => go('settings', ENVIRONMENT_MAP)}>
          Settings
        </button>
        .
      </p>
      {current.readOnly ? null : <CollectEvidence onAdded={listing.reload} />}
    </Page>
  )
}

function BundleRow({ bundle: b, chosen, onChoose }: { bundle: EvidenceBundleSummary; chosen: boolean; onChoose(): void }): ReactElement {
  return (
    <tr className={chosen ? 'chosen' : undefined}>
      <th scope="row" className="nowrap">
        <button type="button" className="link-button flush" aria-pressed={chosen} onClick={onChoose} title={`${b.id}\n${b.source}`}>
          {shortId(b.id)}
        </button>
      </th>
      <td className="nowrap">{formatTime(b.collectedAt)}</td>
      <td>{collectorName(b.collector)}</td>
      <td className="nowrap">{b.window ? `${formatTime(b.window.from).slice(0, 10)} – ${formatTime(b.window.to).slice(0, 10)}` : '—'}</td>
      <td className="num">{b.files.toLocaleString('en-US')}</td>
      <td className="num nowrap">{bytes(b.bytes)}</td>
      <td className="num nowrap">{bytes(b.storedBytes)}</td>
      <td className="nowrap">{formatTime(b.addedAt)}</td>
    </tr>
  )
}

function BundleFiles({ bundle, files, highlight }: { bundle: string; files: EvidenceFileSummary[]; highlight: string | null }): ReactElement {
  const [filter, setFilter] = useState('')
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase()
    return q ? files.filter((f) => `${f.path} ${f.kind} ${f.status} ${f.problem ?? ''}`.toLowerCase().includes(q)) : files
  }, [files, filter])
  const rowRef = useRef<HTMLTableRowElement>(null)
  useEffect(() => {
    rowRef.current?.scrollIntoView({ block: 'center' })
    rowRef.current?.focus()
  }, [highlight])
  const problems = files.filter((f) => f.status === 'problem').length
  return (
    <Section
      title={`Files of ${bundle}`}
      description={`${plural(files.length, 'file')}${problems ? `; ${plural(problems, 'file')} could not be read in full: the parts missing count as gaps in coverage` : ''}.`}
    >
      <div className="stack">
        <TextField label="Filter the files" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="path, kind, status…" className="narrow-field" />
        <div className="table-scroll files-scroll" role="region" aria-label={`Files of ${bundle}`} tabIndex={0}>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Path</th>
                <th scope="col">Kind</th>
                <th scope="col">Read</th>
                <th scope="col">Kept</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, FILE_ROWS).map((f) => (
                <tr key={f.id} ref={f.id === highlight ? rowRef : undefined} tabIndex={f.id === highlight ? -1 : undefined} className={f.id === highlight ? 'chosen' : undefined}>
                  <td className="mono break">
                    {f.path}
                    {f.problem ? <div className={`${f.status === 'problem' ? 'error-text' : 'muted'} small-print`}>{f.problem}</div> : null}
                  </td>
                  <td className="nowrap">{f.kind}</td>
                  <td className="nowrap">
                    <span className={`pill file-${f.status}`}>{f.status}</span>
                  </td>
                  <td className="nowrap">{f.stored}</td>
                  <td className="num nowrap">{bytes(f.bytes)}</td>
                  <td className="mono nowrap" title={f.sha256}>
                    {shortHash(f.sha256)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {shown.length > FILE_ROWS ? (
          <p className="muted small-print">
            The first {FILE_ROWS.toLocaleString('en-US')} of {plural(shown.length, 'file')}; filter to find the others.
          </p>
        ) : null}
      </div>
    </Section>
  )
}

function AddEvidence({ onAdded }: { onAdded(): void }): ReactElement {
  const [folders, setFolders] = useState<ChosenPath[]>([])
  const [running, setRunning] = useState<{ done: number; of: number; now: string } | null>(null)
  const [results, setResults] = useState<Array<{ folder: string; result?: EvidenceAddResult; error?: string; cancelled?: boolean; already?: boolean }>>([])
  const [note, setNote] = useState<string | null>(null)
  const [progress, setProgress] = useProgress('evidence.add')
  const cancelAdd = useCancel('evidence.cancelAdd', setNote)
  const stop = useRef(false)
  const add = (chosen: ChosenPath[]): void => setFolders((old) => [...old, ...chosen.filter((c) => !old.some((o) => o.path === c.path))])

  async function choose(): Promise<void> {
    setNote(null)
    try {
      add(await call('dialog.open', { purpose: 'evidence' }))
    } catch (e) {
      setNote(describeError(e))
    }
  }
  function cancel(): void {
    // this bundle stops at its next safe point (nothing of it is kept), and no later one starts
    stop.current = true
    void cancelAdd.cancel()
  }
  async function run(): Promise<void> {
    stop.current = false
    cancelAdd.reset()
    const todo = [...folders]
    const out: typeof results = []
    for (let i = 0; i < todo.length && !stop.current; i++) {
      const folder = todo[i]!
      setRunning({ done: i, of: todo.length, now: folder.path })
      setProgress(null)
      try {
        out.push({ folder: folder.path, result: await call('evidence.add', { path: folder.token }) })
      } catch (e) {
        out.push({ folder: folder.path, error: describeError(e), cancelled: errorCode(e) === 'cancelled', already: errorCode(e) === 'exists' })
      }
      setResults([...out])
    }
    setRunning(null)
    cancelAdd.reset()
    setFolders(todo.filter((f) => !out.some((o) => o.folder === f.path && o.result)))
    // facts about owners and environments feed the findings table and the board
    invalidateFindings()
    onAdded()
  }

  return (
    <Section title="Add evidence" description="An evidence bundle is a folder with a manifest.json; every file is checked against its SHA-256 before anything is kept.">
      <DropZone
        onChosen={add}
        onUnreadable={(names, why) => setNote(why ?? `${names.join(', ')}: no place on disk; save the bundle to a folder first.`)}
        disabled={running !== null}
      >
        <div className="dropzone-body">
          <span className="dropzone-icon">
            <FolderIcon />
          </span>
          <p>
            <strong>Drop bundle folders here</strong>
            <span className="muted"> — or</span>
          </p>
          <button type="button" className="button" onClick={() => void choose()} disabled={running !== null}>
            Choose folders…
          </button>
        </div>
      </DropZone>
      {note ? <Notice tone="info">{note}</Notice> : null}
      {folders.length ? (
        <ul className="file-list" aria-label="Bundles to add">
          {folders.map((f) => (
            <li key={f.path}>
              <span className="file-name">{f.name}</span>
              <span className="mono muted file-path">{f.path}</span>
              <button
                type="button"
                className="button small ghost"
                aria-label={`Remove ${f.name}`}
                onClick={() => setFolders((o) => o.filter((x) => x !== f))}
                disabled={running !== null}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button primary" disabled={folders.length === 0 || running !== null} onClick={() => void run()}>
          {folders.length > 1 ? `Add ${folders.length} bundles` : 'Add the bundle'}
        </button>
        {running ? (
          <button type="button" className="button" onClick={cancel} disabled={cancelAdd.cancelling}>
            {cancelAdd.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {running ? (
        <div aria-live="polite">
          <ProgressBar
            label={cancelAdd.cancelling ? `Cancelling ${baseName(running.now)}` : `Reading ${baseName(running.now)}`}
            done={running.done}
            total={running.of}
            detail={`bundle ${running.done + 1} of ${running.of}${progress?.message ? `: ${progress.message}` : ''}; each is verified, read and added in one step`}
          />
        </div>
      ) : null}
      {results.map((r) =>
        r.result ? (
          <Notice key={r.folder} tone={r.result.unreadable.length ? 'info' : 'success'} title={`Added ${r.result.bundleId} from ${baseName(r.folder)}`}>
            {plural(r.result.files, 'file')} ({bytes(r.result.bytes)}, {bytes(r.result.storedBytes)} kept in the case): {plural(r.result.facts, 'fact')},{' '}
            {plural(r.result.events, 'timeline event')}, coverage for {plural(r.result.coverage, 'source and resource', 'sources and resources')}.
            {r.result.unreadable.length ? (
              <ul className="plain-list">
                {r.result.unreadable.map((u) => (
                  <li key={`${u.path}-${u.place ?? ''}`}>
                    <span className="mono">{u.path}</span>
                    {u.place ? ` (${u.place})` : ''}: {u.problem} — counted as a gap in coverage.
                  </li>
                ))}
              </ul>
            ) : null}
            {r.result.notes.length ? <p className="muted small-print">{r.result.notes.join(' ')}</p> : null}
          </Notice>
        ) : r.cancelled ? (
          <Notice key={r.folder} tone="info" title={`${baseName(r.folder)} was not added: cancelled`}>
            Nothing of it was kept; the case is as it was. Add it again when you are ready.
          </Notice>
        ) : r.already ? (
          <Notice key={r.folder} tone="info" title={`${baseName(r.folder)} is already in the case`}>
            {r.error} Nothing changed.
          </Notice>
        ) : (
          <Notice key={r.folder} tone="error" title={`${baseName(r.folder)} was not added`}>
            {r.error}
          </Notice>
        )
      )}
    </Section>
  )
}

/** Read-only collection through the user's local profiles into a bundle folder, then added. */
function CollectEvidence({ onAdded }: { onAdded(): void }): ReactElement {
  const profiles = useLoad(() => call('evidence.profiles', {}), [])
  const [provider, setProvider] = useState<'aws' | 'azure'>('aws')
  const [profile, setProfile] = useState('')
  const [days, setDays] = useState('90')
  const [out, setOut] = useState<ChosenPath | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<EvidenceCollectResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [progress, setProgress] = useProgress('evidence.collect')
  // the running evidence.collect call then answers, marked cancelled
  const cancelCollect = useCancel('evidence.cancelCollect', setError)
  const providerId = useId()
  const profileId = useId()
  const list = provider === 'aws' ? (profiles.value?.aws ?? []).map((p) => p.name) : (profiles.value?.azure ?? []).map((p) => p.name)

  async function collect(e: FormEvent): Promise<void> {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setResult(null)
    setProgress(null)
    cancelCollect.reset()
    try {
      const r = await call('evidence.collect', { out: out!.token, provider, ...(profile ? { profile } : {}), days: Number(days) })
      setResult(r)
      if (r.cancelled || !r.bundle) return
      await call('evidence.add', { path: r.bundle.token })
      invalidateFindings()
      onAdded()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
      cancelCollect.reset()
      setProgress(null)
    }
  }
  return (
    <Section title="Collect from the cloud" description="Read-only calls through a credential profile on this machine; the bundle is written to a folder, then added to the case.">
      <form className="form" onSubmit={(e) => void collect(e)}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={providerId}>Cloud</label>
            <select id={providerId} value={provider} onChange={(e) => setProvider(e.target.value as 'aws' | 'azure')}>
              <option value="aws">AWS</option>
              <option value="azure">Azure</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={profileId}>Profile</label>
            <select id={profileId} value={profile} onChange={(e) => setProfile(e.target.value)}>
              <option value="">Default</option>
              {list.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="form-grid">
          <PathField label="Bundle folder" chooser={{ save: 'bundle' }} value={out} onChange={setOut} />
          <TextField label="Days of logs" type="number" min={1} max={400} value={days} onChange={(e) => setDays(e.target.value)} />
        </div>
        {profiles.value && list.length === 0 ? (
          <p className="muted small-print">No {provider === 'aws' ? 'AWS' : 'Azure'} profile found on this machine; the default credential chain is used.</p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy || !out}>
            {busy ? 'Collecting…' : 'Collect and add'}
          </button>
          {busy ? (
            <button type="button" className="button ghost" onClick={() => void cancelCollect.cancel()} disabled={cancelCollect.cancelling}>
              {cancelCollect.cancelling ? 'Cancelling…' : 'Cancel the collection'}
            </button>
          ) : null}
        </div>
        {busy ? (
          <div aria-live="polite">
            <ProgressBar
              label={cancelCollect.cancelling ? 'Cancelling: stopping after the call under way' : 'Collecting evidence'}
              done={0}
              total={null}
              detail={progress ? `Step ${progress.done}: ${progress.message}` : 'Read-only calls; this can take minutes for 90 days of logs.'}
            />
          </div>
        ) : null}
        {error ? (
          <Notice tone="error" title="Nothing was collected">
            {error}
          </Notice>
        ) : null}
        {result?.cancelled ? (
          <Notice tone="info" title="Collection cancelled">
            Nothing was kept: the files written to {result.out} before the cancel were removed, and nothing was added to the case.
          </Notice>
        ) : result ? (
          <Notice tone="success" title={`Collected ${plural(result.files, 'file')} into ${result.out}`}>
            {result.gaps ? `${plural(result.gaps, 'part')} could not be collected; recorded as gaps.` : 'Every part was collected.'}
          </Notice>
        ) : null}
      </form>
    </Section>
  )
}
