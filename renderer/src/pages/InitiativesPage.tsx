import { useId, useMemo, useState, type ReactElement } from 'react'
import type { InitiativeView } from '../../../shared/ingest'
import type { ExposurePoint } from '../../../shared/ingest'
import type { BoardInitiative, BoardView } from '../../../shared/remediation'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { Legend, severityParts, StackedBar, StageFunnel, StepChart, verdictParts } from '../components/charts'
import { Modal } from '../components/Modal'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { useInvestigation } from '../components/Investigate'
import { EvidenceTimeline } from '../components/Timeline'
import { describeError } from '../errors'
import { invalidateFindings, loadFindings } from '../findings/data'
import { NONE, type ColumnId } from '../findings/engine'
import { FindingsGrid } from '../findings/FindingsGrid'
import { formatTime, plural } from '../format'
import { STAGES, stageOf, type StageId } from '../initiatives/stages'
import { useNavigation } from '../navigation'
import { useLoad } from '../use-load'
import { recall, remember } from '../view-memory'

/** `#/initiatives`: the board; `#/initiatives/I-3`: one initiative. */
export function InitiativesPage(): ReactElement {
  const { sub } = useNavigation()
  return sub ? <InitiativeDetail key={sub} id={sub} /> : <Board />
}

type FilterKey = 'account' | 'environment' | 'owner' | 'tool' | 'control'
/** The board's filters, and the findings' column each reads. */
const FILTERS: ReadonlyArray<{ key: FilterKey; label: string; column: ColumnId }> = [
  { key: 'account', label: 'Account', column: 'account' },
  { key: 'environment', label: 'Environment', column: 'environment' },
  { key: 'owner', label: 'Owner', column: 'owner' },
  { key: 'tool', label: 'Tool', column: 'tools' },
  { key: 'control', label: 'Control', column: 'control' }
]

function Board(): ReactElement {
  const current = useOpenCase()
  const { go } = useNavigation()
  const initiatives = useLoad(() => call('initiatives.list', {}), [current.id], { followFindings: true })
  const board = useLoad(() => call('workflow.board', {}), [current.id], { followFindings: true })
  const findings = useLoad(() => loadFindings(current.id), [current.id], { followFindings: true })
  const [filters, setFiltersState] = useState<Partial<Record<FilterKey, string>>>(() => recall('board:filters') ?? {})
  const setFilters = (next: Partial<Record<FilterKey, string>>): void => {
    remember('board:filters', next)
    setFiltersState(next)
  }
  const setFilter = (k: FilterKey, v: string): void => setFilters({ ...filters, [k]: v || undefined })
  const store = findings.value
  const open = useMemo(() => store?.where('status', 'open') ?? null, [store])

  // The values each filter offers: those of the open findings.
  const options = useMemo(() => {
    const m = new Map<FilterKey, string[]>()
    if (!store || !open) return m
    for (const f of FILTERS)
      m.set(
        f.key,
        store
          .facet(f.column, open)
          .map(([v]) => v)
          .filter((v) => v !== NONE)
          .sort()
      )
    return m
  }, [store, open])

  // With filters, an initiative shows when some open finding of it matches them all.
  const active = FILTERS.filter((f) => filters[f.key])
  const matching = useMemo(() => {
    const chosen = FILTERS.filter((f) => filters[f.key])
    if (!chosen.length || !store || !open) return null
    const m = new Map<string, number>()
    for (const i of open) {
      const ini = store.label('initiative', i)
      if (ini === NONE) continue
      const ok = chosen.every((f) => {
        const v = store.label(f.column, i)
        return f.column === 'tools' ? v.split(', ').includes(filters[f.key]!) : v === filters[f.key]
      })
      if (ok) m.set(ini, (m.get(ini) ?? 0) + 1)
    }
    return m
  }, [store, open, filters])

  const list = initiatives.value ?? []
  const stages = new Map((board.value?.initiatives ?? []).map((b) => [b.id, b]))
  const shown = list.filter((i) => !matching || matching.has(i.id))
  const byStage = new Map<StageId, InitiativeView[]>(STAGES.map((s) => [s.id, []]))
  const setAside: InitiativeView[] = []
  for (const i of shown) {
    const b = stages.get(i.id)
    const s = b ? stageOf(b) : 'new'
    if (s) byStage.get(s)!.push(i)
    else setAside.push(i)
  }
  // most urgent first within a column: critical and high findings, then size
  const urgency = (i: InitiativeView): number => i.severity.critical * 1e6 + i.severity.high * 1e3 + i.findings
  for (const l of byStage.values()) l.sort((a, b) => urgency(b) - urgency(a))

  return (
    <Page
      wide
      title="Initiatives"
      description="Findings that share a root cause, grouped to be fixed together, by how far they have come."
      actions={
        current.readOnly ? null : (
          <button type="button" className="button" onClick={() => go('import')}>
            Import…
          </button>
        )
      }
    >
      {initiatives.error ? (
        <Notice tone="error" title="The initiatives could not be loaded">
          {initiatives.error}
        </Notice>
      ) : null}
      {board.error ? (
        <Notice tone="error" title="The stages of the initiatives could not be read">
          {board.error}
        </Notice>
      ) : null}
      {board.value?.changes.length ? (
        <Notice tone="info" title="Changed by the automatic checks">
          <ul className="plain-list">
            {board.value.changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {findings.error ? (
        <Notice tone="error" title="The findings behind the filters could not be loaded">
          {findings.error}
        </Notice>
      ) : null}
      {list.length ? <Overview initiatives={list} board={board.value} /> : null}
      <div className="board-filters" role="group" aria-label="Filter the board">
        {FILTERS.map((f) => (
          <BoardFilter key={f.key} label={f.label} value={filters[f.key] ?? ''} options={options.get(f.key) ?? []} onChange={(v) => setFilter(f.key, v)} />
        ))}
        {active.length ? (
          <button type="button" className="button small ghost" onClick={() => setFilters({})}>
            Clear filters
          </button>
        ) : null}
        <span className="grid-count" aria-live="polite" data-testid="board-count">
          {initiatives.value ? (matching ? `${shown.length} of ${plural(list.length, 'initiative')}` : plural(list.length, 'initiative')) : ''}
        </span>
      </div>
      {initiatives.value && list.length === 0 ? (
        <div className="card empty-state">
          <h2>No initiatives yet</h2>
          <p>Import scanner exports: findings that share a root cause are grouped into initiatives, and each appears here as a card.</p>
          {current.readOnly ? null : (
            <div className="empty-actions">
              <button type="button" className="button primary" onClick={() => go('import')}>
                Import exports…
              </button>
            </div>
          )}
        </div>
      ) : (
        <div className="board" role="group" aria-label="Initiatives by stage">
          {STAGES.map((s) => {
            const items = byStage.get(s.id) ?? []
            return (
              <section key={s.id} className={items.length ? 'board-column' : 'board-column empty'} aria-labelledby={`stage-${s.id}`} title={items.length ? undefined : s.rule}>
                <header className="board-column-head">
                  <h2 id={`stage-${s.id}`}>
                    {s.title} <span className="count-badge">{items.length}</span>
                  </h2>
                  <p className="muted small-print board-rule">{s.rule}</p>
                </header>
                <ul className="board-cards">
                  {items.map((i) => (
                    <li key={i.id}>
                      <InitiativeCard initiative={i} workflow={stages.get(i.id)} matches={matching?.get(i.id)} onOpen={() => go('initiatives', i.id)} />
                    </li>
                  ))}
                </ul>
              </section>
            )
          })}
        </div>
      )}
      {setAside.length ? (
        <details className="card set-aside">
          <summary>{plural(setAside.length, 'initiative')} with every finding suppressed or risk-accepted</summary>
          <ul className="plain-list">
            {setAside.map((i) => (
              <li key={i.id}>
                <a
                  href={`#/initiatives/${i.id}`}
                  onClick={(e) => {
                    e.preventDefault()
                    go('initiatives', i.id)
                  }}
                >
                  {i.title}
                </a>{' '}
                <span className="muted mono">{i.id}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Page>
  )
}

/** The case at a glance: its RCI verdict mix, where its findings are, and exposure over time. */
function Overview({ initiatives, board }: { initiatives: InitiativeView[]; board: BoardView | null }): ReactElement {
  const current = useOpenCase()
  const exposure = useLoad(() => call('findings.exposure', {}), [current.id], { followFindings: true })
  const verdicts = verdictParts(
    initiatives.reduce<InitiativeView['rci']>(
      (m, i) => ({ SAFE: m.SAFE + i.rci.SAFE, RISKY: m.RISKY + i.rci.RISKY, UNSAFE: m.UNSAFE + i.rci.UNSAFE, UNSCORED: m.UNSCORED + i.rci.UNSCORED }),
      {
        SAFE: 0,
        RISKY: 0,
        UNSAFE: 0,
        UNSCORED: 0
      }
    )
  )
  const severities = severityParts(
    initiatives.reduce<InitiativeView['severity']>(
      (m, i) => ({
        critical: m.critical + i.severity.critical,
        high: m.high + i.severity.high,
        medium: m.medium + i.severity.medium,
        low: m.low + i.severity.low,
        informational: m.informational + i.severity.informational
      }),
      { critical: 0, high: 0, medium: 0, low: 0, informational: 0 }
    )
  )
  const funnel = STAGES.map((s) => ({
    key: s.id,
    label: s.title,
    rule: s.rule,
    value: (board?.initiatives ?? []).reduce((n, b) => n + (s.id === 'routed' ? b.states.routed : b.stages[s.id]), 0)
  }))
  const setAside = (board?.initiatives ?? []).reduce((n, b) => n + b.suppressed + b.accepted, 0)
  return (
    <div className="overview" role="group" aria-label="The case at a glance">
      <section className="card overview-card" aria-labelledby="overview-rci">
        <h2 id="overview-rci">Open findings: RCI verdicts and severity</h2>
        <StackedBar parts={verdicts} label="RCI verdicts of the open findings" className="tall" />
        <Legend parts={verdicts} />
        <StackedBar parts={severities} label="Severity of the open findings" className="tall overview-second" />
        <Legend parts={severities} />
      </section>
      <section className="card overview-card" aria-labelledby="overview-stages">
        <h2 id="overview-stages">Where the findings are</h2>
        {board ? <StageFunnel rows={funnel} unit={(n) => plural(n, 'finding')} label="Findings per stage" /> : <p className="muted small-print">Reading the stages…</p>}
        {setAside ? <p className="muted small-print">{plural(setAside, 'finding')} set aside (suppressed or risk-accepted).</p> : null}
      </section>
      <section className="card overview-card" aria-labelledby="overview-exposure">
        <h2 id="overview-exposure">Open findings after each import</h2>
        {exposure.error ? <p className="error-text">{exposure.error}</p> : null}
        {exposure.value ? <StepChart points={exposure.value.map(exposurePoint)} label="Open findings after each import" unit={(n) => plural(n, 'open finding')} /> : null}
      </section>
    </div>
  )
}

function exposurePoint(p: ExposurePoint): { value: number; label: string; detail: string } {
  const when = p.scannedAt ?? p.importedAt
  return {
    value: p.open,
    label: formatTime(when).slice(0, 10),
    detail: `${p.file} (${p.import}${p.scannedAt ? `, scanned ${formatTime(p.scannedAt)}` : ''}): ${p.opened} opened, ${p.resolved} resolved, ${p.reopened} reopened.`
  }
}

function BoardFilter({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange(v: string): void }): ReactElement {
  const id = useId()
  return (
    <div className="inline-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="compact" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  )
}

function InitiativeCard({ initiative: i, workflow, matches, onOpen }: { initiative: InitiativeView; workflow?: BoardInitiative; matches?: number; onOpen(): void }): ReactElement {
  const sev = severityParts(i.severity)
  const rci = verdictParts(i.rci)
  const shownTotal = i.findings || i.resolved
  return (
    <article className="initiative-card" aria-labelledby={`card-${i.id}`}>
      <h3 id={`card-${i.id}`} className="card-title">
        <a
          href={`#/initiatives/${i.id}`}
          onClick={(e) => {
            e.preventDefault()
            onOpen()
          }}
        >
          {i.title}
        </a>
      </h3>
      <p className="card-sub">
        <span className="mono">{i.id}</span> · {plural(i.resources, 'resource')} · {plural(i.alerts, 'alert')}
        {i.regressions ? <span className="regression-mark">{i.regressions} regressed</span> : null}
      </p>
      {workflow && (workflow.states.routed || workflow.drifted.length) ? (
        <p className="card-sub">
          {workflow.states.routed ? `${plural(workflow.states.routed, 'finding')} routed to owners` : ''}
          {workflow.states.routed && workflow.drifted.length ? ' · ' : ''}
          {workflow.drifted.length ? `${plural(workflow.drifted.length, 'plan')} re-rendered after drift` : ''}
        </p>
      ) : null}
      {matches !== undefined ? (
        <p className="card-match">
          {plural(matches, 'finding')} of {shownTotal.toLocaleString('en-US')} match the filters
        </p>
      ) : null}
      <div className="card-chart">
        <StackedBar parts={sev} label={`Severity of ${i.id}`} />
        <Legend parts={sev} />
      </div>
      <div className="card-chart">
        <StackedBar parts={rci} label={`RCI verdicts of ${i.id}`} />
        <Legend parts={rci} />
      </div>
      <ul className="tool-chips" aria-label="Tools">
        {i.tools.map((t) => (
          <li key={t}>{t}</li>
        ))}
        <li className="muted-chip">{plural(i.accounts, 'account')}</li>
      </ul>
    </article>
  )
}

// ---- one initiative -------------------------------------------------------------------------

function InitiativeDetail({ id }: { id: string }): ReactElement {
  const current = useOpenCase()
  const { go } = useNavigation()
  const initiatives = useLoad(() => call('initiatives.list', {}), [current.id], { followFindings: true })
  const board = useLoad(() => call('workflow.board', {}), [current.id], { followFindings: true })
  const findings = useLoad(() => loadFindings(current.id), [current.id], { followFindings: true })
  const i = initiatives.value?.find((x) => x.id.toLowerCase() === id.toLowerCase()) ?? null
  const subset = useMemo(() => (findings.value && i ? findings.value.where('initiative', i.id) : null), [findings.value, i])
  const [action, setAction] = useState<'rename' | 'merge' | null>(null)
  const investigation = useInvestigation({ initiative: i?.id ?? id }, !i || i.findings === 0)
  const playbooks = useLoad(() => call('playbooks.list', {}), [])
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null)

  const back = (
    <button type="button" className="button" onClick={() => go('initiatives')}>
      ← Board
    </button>
  )
  if (initiatives.error) {
    return (
      <Page title={id} actions={back}>
        <Notice tone="error" title="The initiative could not be shown">
          {initiatives.error}
        </Notice>
      </Page>
    )
  }
  if (!initiatives.value) {
    return (
      <Page title={id} actions={back}>
        <p className="muted">Loading {id}…</p>
      </Page>
    )
  }
  if (!i) {
    return (
      <Page title={id} actions={back}>
        <Notice tone="error" title={`${id} is not an initiative of this case`}>
          It may have been merged into another one. Open the board to find its findings.
        </Notice>
      </Page>
    )
  }

  async function split(by: 'account' | 'environment'): Promise<void> {
    setMessage(null)
    try {
      const parts = await call('initiatives.split', { id: i!.id, by })
      invalidateFindings()
      setMessage({ tone: 'success', text: `Split by ${by} into ${plural(parts.length, 'initiative')}: ${parts.map((p) => p.id).join(', ')}.` })
    } catch (e) {
      setMessage({ tone: 'error', text: describeError(e) })
    }
  }

  const covered = new Set(playbooks.value?.flatMap((p) => p.controls.map((c) => c.id)) ?? [])
  // said before the run, once the playbooks are known
  const uncovered = playbooks.value ? i.controls.filter((c) => !covered.has(c)) : []
  const workflow = board.value?.initiatives.find((b) => b.id === i.id)
  const stage = workflow ? stageOf(workflow) : null
  const sev = severityParts(i.severity)
  const rci = verdictParts(i.rci)
  return (
    <Page
      title={i.title}
      description={
        <span className="detail-meta">
          <span className="mono">{i.id}</span>
          {workflow ? <span className="pill stage">{stage ? STAGES.find((s) => s.id === stage)?.title : 'Set aside'}</span> : null}
          <span className="mono muted">{i.controls.join(', ')}</span>
          {i.parent ? <span className="muted">split from {i.parent}</span> : null}
        </span>
      }
      actions={back}
    >
      {current.readOnly ? null : (
        <div className="button-row" role="group" aria-label="Change this initiative">
          {investigation.button}
          <button type="button" className="button small" onClick={() => setAction('rename')}>
            Rename…
          </button>
          <button type="button" className="button small" onClick={() => void split('account')} disabled={i.accounts < 2}>
            Split by account
          </button>
          <button type="button" className="button small" onClick={() => void split('environment')}>
            Split by environment
          </button>
          <button type="button" className="button small" onClick={() => setAction('merge')} disabled={(initiatives.value?.length ?? 0) < 2}>
            Merge another into this…
          </button>
        </div>
      )}
      {uncovered.length && !current.readOnly ? (
        <p className="muted" role="note">
          No playbook of its own covers {uncovered.join(', ')}: its findings get the generic investigation, whose verdict follows what the fix does (a restrictive or replacing fix
          is RISKY at best).
        </p>
      ) : null}
      {investigation.panel}
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
      <div className="stat-row">
        <Stat label="Open findings" value={i.findings} />
        <Stat label="Resources" value={i.resources} />
        <Stat label="Alerts" value={i.alerts} />
        <Stat label="Accounts" value={i.accounts} />
        <Stat label="Resolved" value={i.resolved} />
        <Stat label="Set aside" value={i.suppressed} />
        <div className="stat stat-wide">
          <span className="stat-label">Tools</span>
          <span className="stat-text">{i.tools.join(', ') || '—'}</span>
        </div>
      </div>
      <div className="two-charts">
        <Section title="Severity of the open findings">
          <StackedBar parts={sev} label="Severity" className="tall" />
          <Legend parts={sev} />
        </Section>
        <Section title="RCI verdicts" description="Each resource's verdict and its reasons are on its finding.">
          <StackedBar parts={rci} label="RCI verdicts" className="tall" />
          <Legend parts={rci} />
        </Section>
      </div>
      <Section title="Resources and their verdicts">
        {findings.error ? <Notice tone="error">{findings.error}</Notice> : null}
        {findings.value && subset ? (
          <div className="embedded-grid">
            <FindingsGrid
              store={findings.value}
              subset={subset}
              label={`Findings of ${i.id}`}
              viewKey={`initiative:${i.id}`}
              without={['initiative', 'control']}
              hidden={['title', 'resourceType', 'provider', 'region', 'owner', 'firstSeen', 'lastSeen', 'tools']}
              onOpen={(fid) => go('findings', fid)}
            />
          </div>
        ) : (
          <p className="muted">Loading the findings…</p>
        )}
      </Section>
      <Section title="Evidence timeline" description="Everything the evidence in this case records about these resources.">
        <EvidenceTimeline subject={i.id} />
      </Section>
      {action === 'rename' ? <RenameDialog initiative={i} onClose={() => setAction(null)} onDone={(t) => setMessage({ tone: 'success', text: `Renamed to “${t}”.` })} /> : null}
      {action === 'merge' ? (
        <MergeDialog
          into={i}
          others={(initiatives.value ?? []).filter((x) => x.id !== i.id)}
          onClose={() => setAction(null)}
          onDone={(from) => setMessage({ tone: 'success', text: `${from} was merged into ${i.id}.` })}
        />
      ) : null}
    </Page>
  )
}

function Stat({ label, value }: { label: string; value: number }): ReactElement {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value.toLocaleString('en-US')}</span>
    </div>
  )
}

function RenameDialog({ initiative, onClose, onDone }: { initiative: InitiativeView; onClose(): void; onDone(title: string): void }): ReactElement {
  const [title, setTitle] = useState(initiative.title)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const fieldId = useId()
  async function submit(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      await call('initiatives.rename', { id: initiative.id, title })
      invalidateFindings()
      onDone(title.trim())
      onClose()
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
    }
  }
  return (
    <Modal title={`Rename ${initiative.id}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="field">
          <label htmlFor={fieldId}>Title</label>
          <input id={fieldId} value={title} onChange={(e) => setTitle(e.target.value)} aria-invalid={error ? true : undefined} />
          {error ? <p className="field-error">{error}</p> : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !title.trim()}>
            Rename
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}

function MergeDialog({ into, others, onClose, onDone }: { into: InitiativeView; others: InitiativeView[]; onClose(): void; onDone(from: string): void }): ReactElement {
  const [from, setFrom] = useState(others[0]?.id ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const fieldId = useId()
  async function submit(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      await call('initiatives.merge', { into: into.id, from })
      invalidateFindings()
      onDone(from)
      onClose()
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
    }
  }
  return (
    <Modal title={`Merge into ${into.id}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <p className="modal-lead">The findings of the initiative you choose join “{into.title}”; the other initiative ends. Later imports keep following the merge.</p>
        <div className="field">
          <label htmlFor={fieldId}>Initiative to merge in</label>
          <select id={fieldId} value={from} onChange={(e) => setFrom(e.target.value)}>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.id} — {o.title} ({plural(o.findings, 'finding')})
              </option>
            ))}
          </select>
          {error ? <p className="field-error">{error}</p> : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !from}>
            Merge
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
