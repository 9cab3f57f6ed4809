import type { InitiativeView } from '../../shared/ingest'
import type { Actor, RciVerdict } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import { audited } from '../audit/chain'
import type { Db, WritableCaseDb, WritableDb } from '../db/case-db'
import { cachedRead } from '../db/read-cache'
import { LastmileError } from '../errors'
import { initiativeRef, parseInitiativeRef } from '../case/refs'
import { SEVERITY_BY_RANK } from '../case/severity'

/**
 * Initiatives group findings by root cause: by default one per control. A person may split one
 * (by account or by environment) or merge two. Both are stored as selectors — control, and
 * optionally account and environment — and every finding belongs to the most specific selector
 * that matches it, so the grouping keeps applying to findings that arrive in later imports.
 */

/** Assign findings to initiatives. `where` narrows which findings (SQL over `findings`). */
export function assignFindings(db: WritableDb, where: string, params: Record<string, unknown> = {}): number {
  return db
    .prepare(
      `UPDATE findings SET initiative_id = (
         SELECT s.initiative_id FROM initiative_selectors s, resources r
         WHERE r.id = findings.resource_id AND s.control = findings.control
           AND (s.account IS NULL OR s.account = ifnull(r.account, ''))
           AND (s.environment IS NULL OR s.environment = ifnull(r.environment, ''))
         ORDER BY (s.account IS NOT NULL) * 2 + (s.environment IS NOT NULL) DESC, s.id
         LIMIT 1)
       WHERE ${where}`
    )
    .run(params).changes
}

/**
 * One initiative per control that has findings but no initiative yet. `coming` names controls
 * whose first findings the caller is about to insert (an import creates their initiatives first,
 * so it can insert the findings straight into them).
 */
export function createMissingInitiatives(
  db: WritableDb,
  controls: Iterable<string>,
  titleOf: (control: string) => string,
  now: string,
  actor: Actor,
  coming: (control: string) => boolean = () => false
): number {
  const hasSelector = db.prepare('SELECT 1 FROM initiative_selectors WHERE control = ? LIMIT 1')
  const hasFinding = db.prepare('SELECT 1 FROM findings WHERE control = ? LIMIT 1')
  const insert = db.prepare("INSERT INTO initiatives (title, origin, created_at, created_by) VALUES (?, 'auto', ?, ?)")
  const select = db.prepare('INSERT INTO initiative_selectors (initiative_id, control, account, environment) VALUES (?, ?, NULL, NULL)')
  const by = canonicalJson(actor)
  let n = 0
  for (const control of controls) {
    if (hasSelector.get(control) || !(hasFinding.get(control) || coming(control))) continue
    const id = Number(insert.run(titleOf(control), now, by).lastInsertRowid)
    select.run(id, control)
    n++
  }
  return n
}

export type { InitiativeView } from '../../shared/ingest'

const OPEN = "f.status = 'open' AND f.decision IS NULL AND f.muted = 0"

/**
 * Every initiative holding findings, largest (open findings) first. Counted from the read models
 * kept at write time (migration 0120): reading every finding and alert instead took 1.4 s on a
 * case of 200,000 findings opened cold (decrypting ~45,000 pages), against a few ms.
 */
export function listInitiatives(db: Db): InitiativeView[] {
  return cachedRead(db, 'initiatives', () => computeInitiatives(db))
}

function computeInitiatives(db: Db): InitiativeView[] {
  const base = db.prepare('SELECT id, title, origin, parent_id FROM initiatives WHERE merged_into IS NULL ORDER BY id').all() as Array<{
    id: number
    title: string
    origin: 'auto' | 'split'
    parent_id: number | null
  }>
  const views = new Map<number, InitiativeView>()
  for (const b of base) {
    views.set(b.id, {
      id: initiativeRef(b.id),
      control: '',
      controls: [],
      title: b.title,
      findings: 0,
      resolved: 0,
      suppressed: 0,
      alerts: 0,
      resources: 0,
      tools: [],
      accounts: 0,
      accountIds: [],
      severity: { informational: 0, low: 0, medium: 0, high: 0, critical: 0 },
      rci: { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 },
      regressions: 0,
      origin: b.origin,
      parent: b.parent_id === null ? null : initiativeRef(b.parent_id),
      selectors: []
    })
  }
  for (const s of db.prepare('SELECT initiative_id, control, account, environment FROM initiative_selectors ORDER BY id').iterate() as IterableIterator<{
    initiative_id: number
    control: string
    account: string | null
    environment: string | null
  }>) {
    const v = views.get(s.initiative_id)
    if (!v) continue
    v.selectors.push({ control: s.control, account: s.account, environment: s.environment })
    if (!v.controls.includes(s.control)) v.controls.push(s.control)
    if (!v.control) v.control = s.control
  }
  // the counts come from the tables the triggers of migration 0120 keep (read-models): a few
  // rows per initiative instead of every finding and alert of the case
  const statusRows = db
    .prepare(
      `SELECT initiative_id AS i,
              CASE WHEN decision <> '' OR (status = 'open' AND muted = 1) THEN 'suppressed' ELSE status END AS s,
              severity AS sev, rci_verdict AS rci, sum(n) AS n, sum(n * regression) AS reg
       FROM initiative_finding_counts WHERE n > 0 GROUP BY 1, 2, 3, 4`
    )
    .all() as Array<{ i: number; s: string; sev: number; rci: RciVerdict; n: number; reg: number }>
  for (const r of statusRows) {
    const v = views.get(r.i)
    if (!v) continue
    if (r.s === 'open') {
      v.findings += r.n
      v.severity[SEVERITY_BY_RANK[r.sev]] += r.n
      v.rci[r.rci] += r.n
      v.regressions += r.reg
    } else if (r.s === 'resolved') v.resolved += r.n
    else v.suppressed += r.n
  }
  const spread = new Map<number, { controls: Set<string>; accounts: Set<string>; open: number }>()
  for (const r of db.prepare('SELECT initiative_id AS i, control, account, n FROM initiative_open_accounts WHERE n > 0').iterate() as IterableIterator<{
    i: number
    control: string
    account: string | null
    n: number
  }>) {
    let s = spread.get(r.i)
    if (!s) spread.set(r.i, (s = { controls: new Set(), accounts: new Set(), open: 0 }))
    s.controls.add(r.control)
    if (r.account !== null) s.accounts.add(r.account)
    s.open += r.n
  }
  // A control has one finding per resource, so an initiative of one control has as many resources
  // as open findings; one that holds several (merged) may name a resource twice, and is counted.
  const distinctResources = db.prepare(`SELECT count(DISTINCT f.resource_id) FROM findings f WHERE f.initiative_id = ? AND ${OPEN}`).pluck()
  for (const [i, s] of spread) {
    const v = views.get(i)
    if (!v) continue
    v.resources = s.controls.size === 1 ? s.open : (distinctResources.get(i) as number)
    // as group_concat(DISTINCT account) read back: joined by commas, split on them
    const accounts = [...s.accounts].join(',')
    v.accountIds = accounts ? accounts.split(',').sort() : []
    v.accounts = v.accountIds.length
  }
  for (const r of db.prepare('SELECT initiative_id AS i, tool, n FROM initiative_open_alerts WHERE n > 0 ORDER BY 1, 2').iterate() as IterableIterator<{
    i: number
    tool: string
    n: number
  }>) {
    const v = views.get(r.i)
    if (!v) continue
    v.alerts += r.n
    v.tools.push(r.tool)
  }
  return [...views.values()]
    .filter((v) => v.findings + v.resolved + v.suppressed > 0)
    .sort((a, b) => b.findings - a.findings || a.control.localeCompare(b.control) || a.id.localeCompare(b.id))
}

type SplitBy = 'account' | 'environment'

/**
 * Split an initiative by account or environment: one new initiative per value among its
 * findings. The original keeps catching findings from accounts (environments) not seen yet.
 */
export function splitInitiative(c: WritableCaseDb, ref: string, by: SplitBy, actor: Actor, now: () => string): InitiativeView[] {
  const id = parseInitiativeRef(ref)
  const db = c.db
  const created = audited(
    db,
    c.id,
    now,
    () => {
      const ini = liveInitiative(db, id)
      const selectors = db.prepare('SELECT control, account, environment FROM initiative_selectors WHERE initiative_id = ?').all(id) as Array<{
        control: string
        account: string | null
        environment: string | null
      }>
      const column = by === 'account' ? 'account' : 'environment'
      const made: number[] = []
      const insert = db.prepare("INSERT INTO initiatives (title, origin, parent_id, created_at, created_by) VALUES (?, 'split', ?, ?, ?)")
      const select = db.prepare('INSERT INTO initiative_selectors (initiative_id, control, account, environment) VALUES (?, ?, ?, ?)')
      const exists = db.prepare(
        `SELECT 1 FROM initiative_selectors WHERE control = ? AND ifnull(account, char(1)) = ifnull(?, char(1)) AND ifnull(environment, char(1)) = ifnull(?, char(1))`
      )
      const values = db.prepare(
        `SELECT DISTINCT ifnull(r.${column}, '') AS v FROM findings f JOIN resources r ON r.id = f.resource_id
         WHERE f.initiative_id = ? AND f.control = ? ORDER BY 1`
      )
      const newIds = new Map<string, number>()
      for (const s of selectors) {
        if (s[column] !== null) continue
        const vs = (values.all(id, s.control) as Array<{ v: string }>).map((r) => r.v)
        if (vs.length < 2) continue
        for (const v of vs) {
          const account = by === 'account' ? v : s.account
          const environment = by === 'environment' ? v : s.environment
          if (exists.get(s.control, account, environment)) continue
          let child = newIds.get(v)
          if (child === undefined) {
            child = Number(insert.run(`${ini.title} — ${by} ${v || '(none)'}`, id, now(), canonicalJson(actor)).lastInsertRowid)
            newIds.set(v, child)
            made.push(child)
          }
          select.run(child, s.control, account, environment)
        }
      }
      if (made.length === 0) {
        throw new LastmileError('conflict', `${initiativeRef(id)}: its findings are all in one ${by}; there is nothing to split`)
      }
      assignFindings(db, 'control IN (SELECT control FROM initiative_selectors WHERE initiative_id = @id)', { id })
      return made
    },
    (made) => ({ actor, action: 'initiative.split', target: initiativeRef(id), details: { by, created: made.map(initiativeRef) } })
  )
  const all = listInitiatives(db)
  return all.filter((v) => created.some((k) => initiativeRef(k) === v.id))
}

/** Merge `fromRef` into `intoRef`: its findings, and any that arrive later, go to `intoRef`. */
export function mergeInitiatives(c: WritableCaseDb, intoRef: string, fromRef: string, actor: Actor, now: () => string): InitiativeView {
  const into = parseInitiativeRef(intoRef)
  const from = parseInitiativeRef(fromRef)
  if (into === from) throw new LastmileError('bad-input', `${intoRef}: cannot merge an initiative into itself`)
  const db = c.db
  audited(
    db,
    c.id,
    now,
    () => {
      liveInitiative(db, into)
      liveInitiative(db, from)
      db.prepare('UPDATE initiative_selectors SET initiative_id = ? WHERE initiative_id = ?').run(into, from)
      db.prepare('UPDATE initiatives SET merged_into = ? WHERE id = ?').run(into, from)
      db.prepare('UPDATE initiatives SET merged_into = ? WHERE merged_into = ?').run(into, from)
      assignFindings(db, 'control IN (SELECT control FROM initiative_selectors WHERE initiative_id = @id)', { id: into })
    },
    () => ({ actor, action: 'initiative.merge', target: initiativeRef(into), details: { merged: initiativeRef(from) } })
  )
  const v = listInitiatives(db).find((x) => x.id === initiativeRef(into))
  if (!v) throw new LastmileError('internal', `${intoRef}: the merged initiative holds no findings`)
  return v
}

export function renameInitiative(c: WritableCaseDb, ref: string, title: string, actor: Actor, now: () => string): void {
  const id = parseInitiativeRef(ref)
  const t = title.trim()
  if (!t) throw new LastmileError('bad-input', 'an initiative needs a title')
  audited(
    c.db,
    c.id,
    now,
    () => {
      const before = liveInitiative(c.db, id)
      c.db.prepare('UPDATE initiatives SET title = ? WHERE id = ?').run(t, id)
      return before.title
    },
    (before) => ({ actor, action: 'initiative.rename', target: initiativeRef(id), details: { from: before, to: t } })
  )
}

function liveInitiative(db: Db, id: number): { id: number; title: string } {
  const row = db.prepare('SELECT id, title, merged_into FROM initiatives WHERE id = ?').get(id) as { id: number; title: string; merged_into: number | null } | undefined
  if (!row) throw new LastmileError('not-found', `${initiativeRef(id)}: no such initiative in this case`)
  if (row.merged_into !== null) {
    throw new LastmileError('conflict', `${initiativeRef(id)}: was merged into ${initiativeRef(row.merged_into)}; use that one`)
  }
  return row
}
