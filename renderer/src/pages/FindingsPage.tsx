import { useEffect, useState, type ReactElement, type ReactNode } from 'react'
import { COVERAGE_SOURCES, type Coverage, type ResourceFacts } from '../../../shared/evidence'
import type { ControlView, FindingView } from '../../../shared/ingest'
import { FIX_EFFECT_MEANING } from '../../../shared/ingest'
import type { WorkflowState } from '../../../shared/remediation'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { SeverityBadge, StatusBadge, VerdictBadge } from '../components/charts'
import { BulkDecision, FindingDecision, WorkflowHistory } from '../components/Decision'
import { FindingPlan } from '../components/FindingPlan'
import { useInvestigation } from '../components/Investigate'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { AlertsByTool } from '../components/RawAlerts'
import { RciReasoning } from '../components/Rci'
import { EvidenceTimeline } from '../components/Timeline'
import { loadFindings } from '../findings/data'
import { FindingsGrid } from '../findings/FindingsGrid'
import { formatTime, plural } from '../format'
import { useNavigation } from '../navigation'
import { useLoad } from '../use-load'

/** `#/findings`: the table; `#/findings/F-12`: one finding. */
export function FindingsPage(): ReactElement {
  const { sub } = useNavigation()
  return sub ? <FindingDetail key={sub} id={sub} /> : <FindingsList />
}

function FindingsList(): ReactElement {
  const current = useOpenCase()
  const { go } = useNavigation()
  const findings = useLoad(() => loadFindings(current.id), [current.id], { followFindings: true })
  return (
    <Page
      title="Findings"
      description="One finding per problem on one resource, with the alerts of every tool that reports it. Sort, filter, group and select; open a finding for its alerts, evidence and verdict."
      actions={
        current.readOnly ? null : (
          <button type="button" className="button" onClick={() => go('import')}>
            Import…
          </button>
        )
      }
      fill
    >
      {findings.error ? (
        <Notice tone="error" title="The findings could not be loaded">
          {findings.error}
        </Notice>
      ) : null}
      {findings.value ? (
        <FindingsGrid
          store={findings.value}
          label="Findings"
          viewKey="findings"
          onOpen={(id) => go('findings', id)}
          selectionActions={
            current.readOnly
              ? undefined
              : (ids) => (
                  <>
                    <InvestigateSelected ids={ids} />
                    <BulkDecision ids={ids} />
                  </>
                )
          }
        />
      ) : !findings.error ? (
        <p className="muted" aria-busy="true">
          Loading the findings…
        </p>
      ) : null}
    </Page>
  )
}

/** Run the playbooks over the selected findings only (the rest keep their verdicts). */
function InvestigateSelected({ ids }: { ids: string[] }): ReactElement {
  const { button, panel } = useInvestigation({ findings: ids })
  return (
    <>
      {button}
      {panel}
    </>
  )
}

/**
 * Where a finding stands in the workflow, beside the scanner's status: a finding validated by
 * evidence is closed even while the scanner (until its next scan) still reports it open.
 */
const WORKFLOW_WORDS: Partial<Record<WorkflowState, string>> = {
  planned: 'Awaiting approval',
  approved: 'Approved: the fix may run',
  failed: 'The fix failed',
  remediated: 'Remediated: awaiting validation',
  closed: 'Closed: validated',
  routed: 'Routed to its owner',
  regression: 'Came back after it was closed'
}

function FindingDetail({ id }: { id: string }): ReactElement {
  const current = useOpenCase()
  const { go } = useNavigation()
  const loaded = useLoad(() => call('findings.get', { id }), [id])
  const workflow = useLoad(() => call('workflow.finding', { id }), [id], { followFindings: true })
  const [finding, setFinding] = useState<FindingView | null>(null)
  useEffect(() => setFinding(loaded.value), [loaded.value])
  const f = finding
  const back = (
    <button type="button" className="button" onClick={() => go('findings')}>
      ← All findings
    </button>
  )
  if (loaded.error) {
    return (
      <Page title={id} actions={back}>
        <Notice tone="error" title="The finding could not be shown">
          {loaded.error}
        </Notice>
      </Page>
    )
  }
  if (!f) {
    return (
      <Page title={id} actions={back}>
        <p className="muted">Loading {id}…</p>
      </Page>
    )
  }
  return (
    <Page
      title={f.title}
      description={
        <span className="detail-meta">
          <span className="mono">{f.id}</span>
          <SeverityBadge severity={f.severity} />
          <StatusBadge status={f.status} />
          {workflow.value && WORKFLOW_WORDS[workflow.value.state] ? <span className="pill stage">{WORKFLOW_WORDS[workflow.value.state]}</span> : null}
          {f.regression ? <span className="regression-mark">regressed</span> : null}
          <span>
            RCI <VerdictBadge verdict={f.rci.verdict} />
          </span>
          <span className="mono muted">{f.control}</span>
          {f.initiative ? (
            <a
              href={`#/initiatives/${f.initiative}`}
              onClick={(e) => {
                e.preventDefault()
                go('initiatives', f.initiative ?? '')
              }}
            >
              Initiative {f.initiative}
            </a>
          ) : null}
        </span>
      }
      actions={back}
    >
      <div className="detail-grid">
        <div className="detail-main">
          <Section title="RCI reasoning" description="The investigation's steps, their answers and the evidence behind each, and how the verdict evolved.">
            <RciReasoning finding={f.id} />
          </Section>
          <Section title="Evidence timeline" description="Everything the evidence in this case records about the resource.">
            <EvidenceTimeline subject={f.id} />
          </Section>
          <Section
            title="Alerts by tool"
            description={`${plural(f.alerts.length, 'alert')} from ${plural(new Set(f.alerts.map((a) => a.tool)).size, 'tool')}, each with its record as the tool wrote it.`}
          >
            <AlertsByTool alerts={f.alerts} />
          </Section>
        </div>
        <div className="detail-side">
          <ControlSection finding={f} />
          <Section title="Resource">
            <ResourceCard finding={f} />
          </Section>
          <Section title="Evidence coverage" description="What each source covered for this resource. No evidence is never read as no activity.">
            <CoverageCard resource={f.resource.id} provider={f.resource.provider} />
          </Section>
          <Section title="Plan" description="The fix for this finding, its rollback and who approved it.">
            <FindingPlan finding={f} readOnly={current.readOnly} />
          </Section>
          <Section title="Decision">
            <FindingDecision finding={f} readOnly={current.readOnly} onChanged={setFinding} />
            <WorkflowHistory finding={f.id} />
          </Section>
          <Section title="Seen">
            <table className="kv-table">
              <tbody>
                <tr>
                  <th scope="row">First seen</th>
                  <td>{formatTime(f.firstSeen)}</td>
                </tr>
                <tr>
                  <th scope="row">Last seen</th>
                  <td>{formatTime(f.lastSeen)}</td>
                </tr>
              </tbody>
            </table>
          </Section>
        </div>
      </div>
    </Page>
  )
}

/**
 * The canonical control the finding belongs to, with every tool rule id the catalogue maps to it:
 * alerts of any of those rules on this resource are this one finding. A per-tool control (a rule
 * the catalogue does not map) says so, since another tool's alert about the same problem stays apart.
 */
function ControlSection({ finding }: { finding: FindingView }): ReactElement {
  const control = useLoad<ControlView>(() => call('controls.get', { id: finding.control }), [finding.control])
  const c = control.value
  const description = !c
    ? undefined
    : c.catalogued
      ? 'Alerts of any of these rules on this resource, from any tool, are this one finding.'
      : 'A rule the catalogue does not map yet: its alerts are a control of their own, and another tool’s alert about the same problem stays a separate finding.'
  // the rule ids this finding's own alerts carry (rule ids compare case-insensitively)
  const reported = new Set(finding.alerts.map((a) => `${a.tool}\u0000${a.ruleId.toLowerCase()}`))
  const row = (k: string, v: ReactNode, key = k): ReactElement => (
    <tr key={key}>
      <th scope="row">{k}</th>
      <td>{v}</td>
    </tr>
  )
  return (
    <Section title="Control" description={description}>
      {control.error ? <p className="error-text">{control.error}</p> : null}
      {!c && !control.error ? <p className="muted">Reading the catalogue…</p> : null}
      {c ? (
        <table className="kv-table">
          <tbody>
            {row('Id', <span className="mono break">{c.id}</span>)}
            {row('Title', c.title ?? <span className="muted">none: not in the catalogue</span>)}
            {row('Catalogue', c.catalogued ? 'catalogued' : 'per-tool control')}
            {c.resourceType ? row('Resource type', c.resourceType) : null}
            {row(
              'The fix',
              <span data-testid="control-effect">
                <strong>{c.effect}</strong>: {FIX_EFFECT_MEANING[c.effect]} <span className="muted small-print">({c.effectBy})</span>
              </span>
            )}
            {c.severity ? row('Severity', <SeverityBadge severity={c.severity} />) : null}
            {Object.entries(c.rules).map(([tool, ids]) =>
              row(tool, <RuleIds tool={tool} ids={ids} reported={(id) => reported.has(`${tool}\u0000${id.toLowerCase()}`)} />, `rules-${tool}`)
            )}
            {c.match.map((m, i) => row(m.tool ?? 'any tool', `every ${m.kind}${m.resourceType ? ` on ${m.resourceType}` : ''}`, `match-${i}`))}
            {c.frameworks
              ? Object.entries(c.frameworks).map(([framework, ids]) => row(framework, <span className="mono break">{ids.join(', ')}</span>, `framework-${framework}`))
              : null}
            {c.why ? row('Why one control', c.why) : null}
            {c.source
              ? row(
                  'Source',
                  <ul className="plain-list small-print">
                    {c.source.map((s) => (
                      <li key={s}>{s}</li>
                    ))}
                  </ul>
                )
              : null}
          </tbody>
        </table>
      ) : null}
    </Section>
  )
}

/** Rule ids shown before "Show all": a control may list dozens (every standard's legacy id of one check). */
const RULE_IDS_SHOWN = 8

/** One tool's rule ids of a control; a long list shows the ones this finding's alerts carry and the first few until asked. */
function RuleIds({ tool, ids, reported }: { tool: string; ids: string[]; reported(id: string): boolean }): ReactElement {
  const [all, setAll] = useState(false)
  const long = ids.length > RULE_IDS_SHOWN
  const shown = all || !long ? ids : ids.filter((id, i) => i < RULE_IDS_SHOWN - 1 || reported(id))
  return (
    <>
      <ul className="plain-list" aria-label={`${tool} rule ids`}>
        {shown.map((id) => (
          <li key={id} className="mono break">
            {id}
            {reported(id) ? <span className="muted small-print"> (reported here)</span> : null}
          </li>
        ))}
      </ul>
      {long ? (
        <button
          type="button"
          className="button small ghost"
          onClick={() => setAll(!all)}
          aria-label={all ? `Show fewer ${tool} rule ids` : `Show all ${ids.length} ${tool} rule ids`}
        >
          {all ? 'Show fewer' : `Show all ${ids.length}`}
        </button>
      ) : null}
    </>
  )
}

function ResourceCard({ finding }: { finding: FindingView }): ReactElement {
  const r = finding.resource
  const facts = useLoad<ResourceFacts>(() => call('evidence.facts', { resourceId: r.id }), [r.id])
  const fx = facts.value
  const row = (k: string, v: ReactElement | string | null): ReactElement => (
    <tr key={k}>
      <th scope="row">{k}</th>
      <td>{v ?? <span className="muted">—</span>}</td>
    </tr>
  )
  return (
    <table className="kv-table">
      <tbody>
        {row('Id', <span className="mono break">{r.id}</span>)}
        {row('Name', r.name)}
        {row('Type', r.type)}
        {row('Cloud', r.provider)}
        {row('Account', r.account ? <span className="mono">{r.account}</span> : null)}
        {row('Region', r.region)}
        {row(
          'Environment',
          fx && fx.environment.value ? (
            <span>
              {fx.environment.value} <span className="muted small-print">({fx.environment.detail})</span>
            </span>
          ) : (
            r.environment
          )
        )}
        {row(
          'Owner',
          fx?.owner.value ? (
            <span>
              {fx.owner.value} <span className="muted small-print">({fx.owner.detail})</span>
            </span>
          ) : fx ? (
            <span className="muted">{fx.owner.detail}</span>
          ) : null
        )}
        {fx
          ? row(
              'Public',
              fx.exposure.public === null ? (
                <span className="muted">unknown: no configuration in the evidence</span>
              ) : (
                `${fx.exposure.public ? 'yes' : 'no'}${fx.exposure.reasons.length ? ` — ${fx.exposure.reasons.join('; ')}` : ''}`
              )
            )
          : null}
        {fx && fx.encryption.encrypted !== null ? row('Encrypted', `${fx.encryption.encrypted ? 'yes' : 'no'} — ${fx.encryption.detail}`) : null}
        {fx?.activity.length
          ? row(
              'Activity',
              <ul className="plain-list">
                {fx.activity.map((a) => (
                  <li key={a.source}>
                    {a.source}: {plural(a.requests, 'request')}
                    {a.lastAccess ? `, last ${formatTime(a.lastAccess)}` : ''}
                  </li>
                ))}
              </ul>
            )
          : null}
        {fx?.dependencies.length
          ? row(
              'Depends on it',
              <ul className="plain-list">
                {fx.dependencies.map((d) => (
                  <li key={`${d.kind}-${d.resourceId}`} className="mono break">
                    {d.detail || d.resourceId}
                  </li>
                ))}
              </ul>
            )
          : null}
        {facts.error ? row('Evidence', <span className="error-text">{facts.error}</span>) : null}
      </tbody>
    </table>
  )
}

function CoverageCard({ resource, provider }: { resource: string; provider: string }): ReactElement {
  const sources = COVERAGE_SOURCES.filter((s) => s.startsWith(`${provider}.`))
  const coverage = useLoad<Coverage[]>(() => Promise.all(sources.map((source) => call('evidence.coverage', { source, resourceId: resource }))), [resource, provider])
  if (!sources.length) return <p className="muted">No evidence source covers {provider} resources.</p>
  if (coverage.error) return <p className="error-text">{coverage.error}</p>
  if (!coverage.value) return <p className="muted">Reading the coverage…</p>
  const some = coverage.value.filter((c) => c.state !== 'none')
  const none = coverage.value.filter((c) => c.state === 'none')
  return (
    <div className="stack">
      {some.length ? (
        <table className="data-table compact-table coverage-table">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Coverage</th>
            </tr>
          </thead>
          <tbody>
            {some.map((c) => (
              <tr key={c.source}>
                <th scope="row" className="coverage-source">
                  {c.source}
                </th>
                <td>
                  <span className={`pill coverage-${c.state}`}>{c.state}</span>{' '}
                  <span className="small-print">
                    {plural(c.records, 'record')}
                    {c.gaps.length ? <span title={c.gaps.map((g) => `${g.from} – ${g.to}: ${g.detail}`).join('\n')}>, {plural(c.gaps.length, 'gap')}</span> : null}
                  </span>
                  {c.first && c.last ? (
                    <span className="muted small-print coverage-range">
                      {formatTime(c.first).slice(0, 10)} – {formatTime(c.last).slice(0, 10)}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {none.length ? <p className="muted small-print">No evidence from {none.map((c) => c.source).join(', ')}.</p> : null}
    </div>
  )
}
