// Routing: UNSAFE findings are never fixed by Lastmile; they go to the team that owns the resource
// as a package with the whole investigation — what was found, what was checked, why changing it is
// unsafe, who owns it, and the suggested path. Markdown to read, JSON for tools, and a CSV a ticket
// system imports (one ticket per initiative or per owner). Routing is also available on demand for
// any finding that is not suppressed or accepted.
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import type { Actor, RciVerdict } from '../../shared/model'
import type { RoutingResult } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { checkOutputFolder, writeNewFiles } from '../services/outputs'
import { getFacts } from '../case/facts'
import { toCsv } from '../ingest/csv-writer'
import { SEVERITY_BY_RANK } from '../case/severity'
import { rciDocument } from '../case/rci'
import type { PlaybookSet } from '../investigate/loader'
import { evidenceLabels } from '../case/resource-config'
import { describeState, TRANSITIONS } from './states'
import { findingsOf, isSetAside, transition, workflowTx, type WfFinding } from './store'

export interface RouteOptions {
  actor: Actor
  now: () => string
  groupBy: 'initiative' | 'owner'
  /** the folder the package is written to (created; files already there are never overwritten) */
  out: string
  /** for an initiative: route every finding, not only the UNSAFE ones */
  all?: boolean
  /** the playbooks whose `routing:` says what an owner is advised to do first */
  playbooks?: PlaybookSet | null
}

interface RoutedFinding {
  finding: string
  control: string
  title: string
  severity: string
  state: string
  resource: { id: string; type: string; account: string | null; region: string | null; environment: string | null }
  owner: { value: string | null; basis: string; detail: string }
  verdict: RciVerdict
  why: string
  checked: Array<{ question: string; answer: string; explanation: string; evidence: string[] }>
  tools: string[]
  suggestedPath: string
}

function routedFinding(db: Db, f: WfFinding, playbooks: PlaybookSet | null): RoutedFinding {
  const facts = getFacts(db, f.resourceId)
  const doc = rciDocument(db, f.id)
  const tools = (
    db
      .prepare("SELECT DISTINCT a.tool || ' ' || a.rule_id AS t FROM alerts a JOIN findings x ON x.control = a.control AND x.resource_id = a.resource_id WHERE x.id = ? ORDER BY t")
      .all(f.id) as Array<{ t: string }>
  ).map((r) => r.t)
  return {
    finding: f.ref,
    control: f.control,
    title: f.title,
    severity: SEVERITY_BY_RANK[f.severity] ?? String(f.severity),
    state: f.state,
    resource: { id: f.resourceId, type: f.resourceType, account: f.account, region: f.region, environment: f.environment ?? facts.environment.value },
    owner: { value: facts.owner.value, basis: facts.owner.basis, detail: facts.owner.detail },
    verdict: f.verdict,
    why:
      f.verdict === 'UNSAFE'
        ? `UNSAFE: ${doc?.because ?? 'the evidence shows the fix would break something in use'}`
        : `${f.verdict}${doc?.because ? `: ${doc.because}` : f.verdict === 'UNSCORED' ? ': not investigated yet' : ''} (routed on request)`,
    checked: (doc?.steps ?? []).map((s) => ({ question: s.question, answer: s.answer, explanation: s.explanation, evidence: evidenceLabels(db, s.evidence) })),
    tools,
    suggestedPath:
      playbooks?.forControl(f.control)?.def.routing?.suggested ??
      'Review the finding with the owning team and fix it through their change process; then import a new scan so Lastmile can validate it.'
  }
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'group'
  )
}

function markdown(title: string, items: RoutedFinding[]): string {
  const lines = [
    `# ${title}`,
    '',
    `${items.length} finding(s) routed by Lastmile. Lastmile did not change these resources: the evidence says a fix needs the owner's work first.`,
    ''
  ]
  for (const r of items) {
    lines.push(
      `## ${r.finding}: ${r.title}`,
      '',
      `- Control: \`${r.control}\` (${r.tools.join(', ') || 'no tool alert recorded'})`,
      `- Severity: ${r.severity}`,
      `- Resource: \`${r.resource.id}\`${r.resource.account ? ` — account ${r.resource.account}` : ''}${r.resource.region ? `, ${r.resource.region}` : ''}${r.resource.environment ? `, ${r.resource.environment}` : ''}`,
      `- Owner: ${r.owner.value ?? 'unknown'} (${r.owner.detail})`,
      `- Workflow: ${describeState(r.state as never)}`,
      '',
      '### Why it is routed',
      '',
      r.why,
      '',
      '### What was checked',
      ''
    )
    if (r.checked.length) {
      for (const s of r.checked) lines.push(`- **${s.question}** ${s.answer} — ${s.explanation}${s.evidence.length ? ` (evidence: ${s.evidence.join('; ')})` : ''}`)
    } else lines.push('- No investigation is recorded for this finding.')
    lines.push('', '### Suggested path', '', r.suggestedPath, '')
  }
  return lines.join('\n')
}

const PRIORITY: Record<string, string> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', informational: 'Lowest' }

export function route(c: WritableCaseDb, refs: string[], opts: RouteOptions): RoutingResult {
  if (!refs.length) throw new LastmileError('bad-input', 'name what to route: one or more findings (F-12) or initiatives (I-3)')
  checkOutputFolder(opts.out, { inputs: [c.path] })
  const db = c.db
  const chosen = new Map<number, WfFinding>()
  const skipped: string[] = []
  for (const ref of refs) {
    const { kind, findings } = findingsOf(db, ref)
    for (const f of findings) {
      if (kind === 'initiative' && !opts.all && f.verdict !== 'UNSAFE') continue
      const aside = isSetAside(f)
      const why = aside ?? (TRANSITIONS.route.from.includes(f.state) ? null : `it is ${describeState(f.state)}`)
      if (why) {
        if (kind === 'finding') throw new LastmileError('conflict', `${f.ref}: cannot be routed: ${why}`)
        skipped.push(`${f.ref}: ${why}`)
        continue
      }
      chosen.set(f.id, f)
    }
  }
  if (!chosen.size)
    throw new LastmileError(
      'conflict',
      `nothing to route in ${refs.join(', ')}: ${skipped.length ? skipped.slice(0, 3).join('; ') : 'no UNSAFE finding (add --all to route every finding)'}`
    )
  const items = [...chosen.values()].map((f) => ({ f, r: routedFinding(db, f, opts.playbooks ?? null) }))
  const groups = new Map<string, { title: string; items: RoutedFinding[]; findings: WfFinding[] }>()
  for (const { f, r } of items) {
    const key = opts.groupBy === 'owner' ? (r.owner.value ?? '(owner unknown)') : f.initiative === null ? '(no initiative)' : `I-${f.initiative}`
    const title =
      opts.groupBy === 'owner'
        ? `Findings for ${key}`
        : f.initiative === null
          ? 'Findings without an initiative'
          : `I-${f.initiative}: ${(db.prepare('SELECT title FROM initiatives WHERE id = ?').get(f.initiative) as { title: string } | undefined)?.title ?? ''}`
    const g = groups.get(key) ?? { title, items: [], findings: [] }
    g.items.push(r)
    g.findings.push(f)
    groups.set(key, g)
  }
  const out = resolve(opts.out)
  const files: Array<{ name: string; content: string }> = []
  const rows: Array<Array<string | number>> = []
  for (const [key, g] of groups) {
    const base = slug(opts.groupBy === 'owner' ? `owner-${key}` : key)
    const md = markdown(g.title, g.items)
    files.push({ name: `${base}.md`, content: md })
    files.push({ name: `${base}.json`, content: `${JSON.stringify({ title: g.title, groupBy: opts.groupBy, group: key, findings: g.items }, null, 2)}\n` })
    const worst = g.items.map((i) => i.severity).sort((a, b) => SEVERITY_BY_RANK.indexOf(b as never) - SEVERITY_BY_RANK.indexOf(a as never))[0]
    rows.push([
      `[Lastmile] ${g.title} — ${g.items.length} finding(s) need the owner`,
      md,
      PRIORITY[worst] ?? 'Medium',
      ['lastmile', ...new Set(g.items.map((i) => i.control.replace(/[^a-z0-9.-]/gi, '-')))].join(' '),
      opts.groupBy === 'owner' ? key : [...new Set(g.items.map((i) => i.owner.value ?? ''))].filter(Boolean).join(', '),
      g.items.map((i) => i.finding).join(' '),
      g.items.map((i) => i.resource.id).join(' ')
    ])
  }
  files.push({ name: 'tickets.csv', content: toCsv(['Summary', 'Description', 'Priority', 'Labels', 'Owner', 'Lastmile findings', 'Resources'], rows) })
  writeNewFiles(out, files, { inputs: [c.path], existsHint: 'route into an empty folder (Lastmile never overwrites a package)' })
  const written = files.map((f) => {
    return { name: f.name, sha256: createHash('sha256').update(f.content).digest('hex'), bytes: Buffer.byteLength(f.content) }
  })
  const id = workflowTx(c, opts.now, (tx) => {
    const rid = Number(
      tx.db
        .prepare('INSERT INTO routings (group_by, findings, files, actor, at) VALUES (?, ?, ?, ?, ?)')
        .run(opts.groupBy, canonicalJson(items.map((i) => i.f.ref)), canonicalJson(written), canonicalJson(opts.actor), tx.at).lastInsertRowid
    )
    for (const { f, r } of items) {
      if (f.planId !== null)
        tx.db
          .prepare("UPDATE approvals SET void_at = ?, void_reason = ? WHERE plan_id = ? AND finding_id = ? AND void_at IS NULL AND decision = 'approved'")
          .run(tx.at, `routed (R-${rid})`, f.planId, f.id)
      transition(tx, f, 'route', { actor: opts.actor, plan: null, reason: `routed to ${r.owner.value ?? 'an unknown owner'} (R-${rid})` })
    }
    tx.audit({
      actor: opts.actor,
      action: 'route.create',
      target: `R-${rid}`,
      details: { groupBy: opts.groupBy, findings: items.map((i) => i.f.ref), skipped, files: written, dir: out }
    })
    return rid
  })
  return { id: `R-${id}`, groupBy: opts.groupBy, dir: out, findings: items.map((i) => i.f.ref), files: written, tickets: groups.size }
}
