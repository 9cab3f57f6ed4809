// Plans: for a finding or a whole initiative, the artefacts rendered from the evidence (stage 4),
// the rollback, preconditions, validation and guardrails, stored exactly as rendered and hashed.
// Findings that cannot be planned are listed with the reason (UNSAFE: routed; suppressed or
// accepted; resolved; no evidence to compute a fix from) instead of failing the whole plan.
import { createHash } from 'node:crypto'
import type { Actor, RciVerdict } from '../../shared/model'
import type { PlaybookTemplate } from '../../shared/investigate'
import type { ApprovalView, Artefact, GuardrailView, PlanFindingView, PlanSummary, PlanView } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import type { Db, WritableCaseDb } from '../db/case-db'
import { isLastmileError, LastmileError } from '../errors'
import { buildGuardrails, guardrailScope, type GuardrailFinding, type GuardrailOptions } from '../guardrails'
import type { PlaybookSet } from '../investigate/loader'
import { hasComputedFix, inputsHash, readFixInputs, renderFix, type FixTarget, type RenderedFix } from '../remediate'
import { templateArtefact, templatePlaceholders, templateValues } from '../remediate/templates'
import { currentBasis, type Basis } from './basis'
import { nextState, TRANSITIONS } from './states'
import { findingsOf, findingsWhere, fourEyesEnabled, isSetAside, parsePlanRef, planRef, transition, workflowTx, type WfFinding } from './store'

export interface PlanOptions {
  actor: Actor
  now: () => string
  /** who asked for it, when not the actor (the engine re-renders a drifted plan for its requester) */
  requestedBy?: Actor
  /** why the plan was made when a person did not ask (drift) */
  reason?: string
  guardrails?: GuardrailOptions
  /** playbooks whose templates render controls Lastmile computes no fix for */
  playbooks?: PlaybookSet | null
  /** values for the playbook templates' `input` parameters (name → value) */
  inputs?: Record<string, string>
}

export function targetOf(f: WfFinding): FixTarget {
  return { finding: f.ref, control: f.control, resourceId: f.resourceId, resourceType: f.resourceType, account: f.account, region: f.region, name: f.name }
}

const RANK: Record<RciVerdict, number> = { SAFE: 0, RISKY: 1, UNSCORED: 2, UNSAFE: 3 }

function worstVerdict(vs: readonly RciVerdict[]): RciVerdict {
  return vs.reduce<RciVerdict>((w, v) => (RANK[v] > RANK[w] ? v : w), 'SAFE')
}

interface Included {
  f: WfFinding
  fix: RenderedFix
  inputsHash: string
  basis: Basis
}

/** Why a finding cannot be in a plan now, or null. */
function planBlocker(f: WfFinding): string | null {
  const aside = isSetAside(f)
  if (aside) return aside
  if (f.status === 'resolved' && !['remediated', 'closed'].includes(f.state)) return 'the last scan no longer reports it (resolved): nothing to fix; it closes on validation'
  if (f.verdict === 'UNSAFE')
    return `its RCI verdict is UNSAFE (the evidence shows the fix would break something in use): it is never planned; route it to its owner (lastmile route CASE ${f.ref})`
  if (!TRANSITIONS.plan.from.includes(f.state)) {
    try {
      nextState(f.ref, f.state, 'plan')
    } catch (e) {
      return (e as Error).message.replace(`${f.ref} is `, 'it is ')
    }
  }
  return null
}

const MECHANISM_OF: Partial<Record<Artefact['kind'], string>> = { 'aws-scp': 'scp', 'aws-rcp': 'rcp', 'aws-config-rule': 'aws-config-rule', 'azure-policy': 'azure-policy' }

/** The playbook mechanism one of Lastmile's own guardrail files stands for. */
function mechanismOf(g: Pick<GuardrailView, 'kind' | 'name'>): string | undefined {
  return g.name.endsWith('.account-defaults.sh') ? 'account-default' : MECHANISM_OF[g.kind]
}

/**
 * One finding's fix. Where Lastmile computes the fix from the evidence (the correctness-critical
 * controls: a policy merged into the live one, exactly the open ranges revoked, deactivate before
 * delete…) those artefacts are the plan's, and the playbook's fix templates for the control are
 * not mixed in: one authoritative set per finding, each script idempotent and pinned. Controls
 * without a computed fix are rendered from their playbook's templates with the finding's values.
 */
function renderFinding(db: Db, t: FixTarget, plan: string, playbooks: PlaybookSet | null | undefined, inputs: Record<string, string>): { fix: RenderedFix; hash: string } {
  const pb = playbooks?.forControl(t.control) ?? null
  if (hasComputedFix(t.control)) {
    const read = readFixInputs(db, t)
    const fix = renderFix(db, t, plan, read)
    return { fix, hash: inputsHash(read) }
  }
  if (!pb) return { fix: renderFix(db, t, plan), hash: '' }
  const values = templateValues(pb.def.parameters, t, inputs)
  const fix: RenderedFix = {
    artefacts: pb.def.fix.map((tpl, index) => templateArtefact(tpl, values, t, { origin: `plan ${plan}`, role: 'fix', index, playbook: pb.id })),
    rollback: pb.def.rollback.map((tpl, index) => templateArtefact(tpl, values, t, { origin: `plan ${plan}`, role: 'rollback', index, playbook: pb.id })),
    preconditions: [`playbook ${pb.id}'s templates are run as written: their idempotency is the template's own, not checked by Lastmile`],
    validation: `Collect evidence after the change and run \`lastmile validate CASE ${t.finding} --bundle BUNDLE\`, or import a later scan and run \`lastmile validate CASE ${t.finding} --rescan\`.`,
    notes: [
      `rendered from playbook ${pb.id} (${pb.file}) with ${Object.entries(values)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    ]
  }
  return { fix, hash: createHash('sha256').update(canonicalJson(values)).digest('hex') }
}

/** `control:mechanism` for each guardrail Lastmile wrote itself (one file may guard several controls). */
function coveredMechanisms(mine: readonly GuardrailView[]): Set<string> {
  return new Set(mine.flatMap((g) => (g.covers ?? [g.control]).map((c) => `${c}:${mechanismOf(g)}`)))
}

/**
 * The `input` parameters a plan's artefacts take: those of the playbook templates it renders (the
 * fix and rollback templates of controls Lastmile computes no fix for, and the guardrail templates
 * for mechanisms its own guardrails do not cover), name → description.
 */
function takenInputs(included: readonly Included[], mine: readonly GuardrailView[], playbooks: PlaybookSet | null | undefined): Map<string, string> {
  const covered = coveredMechanisms(mine)
  const out = new Map<string, string>()
  for (const control of new Set(included.map((i) => i.f.control))) {
    const pb = playbooks?.forControl(control)
    if (!pb) continue
    const templates = [...(hasComputedFix(control) ? [] : [...pb.def.fix, ...pb.def.rollback]), ...pb.def.guardrails.filter((tpl) => !covered.has(`${control}:${tpl.mechanism}`))]
    for (const tpl of templates) {
      for (const name of templatePlaceholders(tpl.template)) {
        const p = pb.def.parameters[name]
        if (p?.source === 'input') out.set(name, p.description)
      }
    }
  }
  return out
}

/** A parameter given for a plan must be one its artefacts take: a misspelt name is never ignored. */
function checkInputs(ref: string, inputs: Record<string, string>, taken: Map<string, string>): void {
  const unknown = Object.keys(inputs)
    .filter((n) => !taken.has(n))
    .sort()
  if (!unknown.length) return
  const list = [...taken].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, d]) => `${n} (${d})`)
  throw new LastmileError(
    'bad-input',
    `parameter${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}: not taken by the plan for ${ref.toUpperCase()}; ${list.length ? `it takes ${list.join('; ')}` : 'it takes no parameters'}. Nothing was planned.`
  )
}

/** A playbook's guardrail template rendered for one account and Region of a plan's or a bundle's findings. */
interface TemplateGuardrail {
  control: string
  title: string
  artefact: Artefact
}

/**
 * Whether a guardrail template can be rendered for a finding: an AWS CLI, CloudFormation, SCP or
 * RCP template for a finding in an AWS account, an Azure CLI one for one in a subscription (a
 * playbook may serve both: software.package.vulnerable's Inspector guardrail is no Azure VM's).
 */
function templateFits(tpl: PlaybookTemplate, f: WfFinding): boolean {
  if (tpl.kind === 'azure-cli') return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.account ?? '')
  if (tpl.kind === 'aws-cli' || tpl.kind === 'cloudformation' || tpl.mechanism === 'scp' || tpl.mechanism === 'rcp') return /^\d{12}$/.test(f.account ?? '')
  return true
}

/**
 * The guardrail templates of the findings' playbooks, for the mechanisms Lastmile's own guardrails
 * (`mine`) do not cover: rendered once for each account and Region the playbook's findings in the
 * template's cloud are in (an account setting such as Inspector's is turned on per Region), with
 * the values of the first finding there. A file's name carries the account and Region when a
 * template is rendered for several.
 */
function templateGuardrails(
  findings: readonly WfFinding[],
  mine: readonly GuardrailView[],
  playbooks: PlaybookSet | null | undefined,
  origin: string,
  inputs: Record<string, string>
): { rendered: TemplateGuardrail[]; notes: string[] } {
  const covered = coveredMechanisms(mine)
  const rendered: TemplateGuardrail[] = []
  const notes: string[] = []
  const byPlaybook = new Map<string, { pb: NonNullable<ReturnType<PlaybookSet['forControl']>>; findings: WfFinding[] }>()
  for (const f of [...findings].sort((a, b) => a.id - b.id)) {
    const pb = playbooks?.forControl(f.control)
    if (!pb?.def.guardrails.length) continue
    const entry = byPlaybook.get(pb.id) ?? { pb, findings: [] }
    entry.findings.push(f)
    byPlaybook.set(pb.id, entry)
  }
  for (const { pb, findings: mineOf } of [...byPlaybook.values()].sort((a, b) => (a.pb.id < b.pb.id ? -1 : 1))) {
    pb.def.guardrails.forEach((tpl, index) => {
      // the findings it is for: in an account of its cloud, of a control whose own guardrails do not cover its mechanism
      const places = new Map<string, WfFinding>()
      for (const f of mineOf) {
        if (!templateFits(tpl, f) || covered.has(`${f.control}:${tpl.mechanism}`)) continue
        const place = `${f.account ?? 'any-account'}.${f.region ?? 'any-region'}`
        if (!places.has(place)) places.set(place, f)
      }
      for (const [place, f] of places) {
        const t = targetOf(f)
        try {
          // the values of the parameters it takes (a fix's input, the rebuilt image's tag, is no guardrail's)
          const used = new Set(templatePlaceholders(tpl.template))
          const params = Object.fromEntries(Object.entries(pb.def.parameters).filter(([name]) => used.has(name)))
          const a = templateArtefact(tpl, templateValues(params, t, inputs), t, { origin, role: 'guardrail', index, playbook: pb.id })
          const kind = tpl.kind === 'policy-json' && tpl.mechanism === 'scp' ? 'aws-scp' : tpl.kind === 'policy-json' && tpl.mechanism === 'rcp' ? 'aws-rcp' : a.kind
          const name = `${f.control}.${tpl.mechanism}-${index + 1}${places.size > 1 ? `.${place}` : ''}.${a.name.split('.').pop()}`
          rendered.push({ control: f.control, title: tpl.title, artefact: { ...a, kind, name, finding: null } })
        } catch (e) {
          if (!isLastmileError(e)) throw e
          notes.push(`playbook ${pb.id}'s guardrail template ${tpl.title} was not rendered${places.size > 1 ? ` for ${place}` : ''}: ${e.message}`)
        }
      }
    })
  }
  return { rendered, notes }
}

/**
 * The playbooks' guardrail templates for findings (a plan's, or a guardrail bundle's: `guardrails`,
 * its export, the report), as guardrails beside the ones Lastmile writes (`mine`, whose mechanisms
 * they leave alone): buildGuardrails's `more`. `origin` is what they are rendered for ("plan P-3",
 * "guardrails for I-4"); a bundle has no inputs.
 */
export function playbookGuardrailViews(
  findings: readonly WfFinding[],
  playbooks: PlaybookSet | null | undefined,
  origin: string,
  inputs: Record<string, string> = {}
): (mine: readonly GuardrailView[]) => { guardrails: GuardrailView[]; notes: string[] } {
  return (mine) => {
    const { rendered, notes } = templateGuardrails(findings, mine, playbooks, origin, inputs)
    return {
      guardrails: rendered.map(({ control, title, artefact: a }) => ({
        kind: a.kind,
        language: a.language,
        name: a.name,
        content: a.content,
        control,
        prevents: title,
        wouldBreak: ["nothing the playbook's template knows of: it runs as written, with no check of what is in place first — read it before applying it"],
        exceptions: []
      })),
      notes
    }
  }
}

function guardrailFindings(db: Db, controls: readonly string[]): GuardrailFinding[] {
  if (!controls.length) return []
  return findingsWhere(db, `f.control IN (${controls.map(() => '?').join(',')})`, [...controls]).map((f) => ({
    id: f.ref,
    control: f.control,
    resourceId: f.resourceId,
    account: f.account,
    region: f.region,
    verdict: f.verdict,
    decision: f.decision,
    owner: null
  }))
}

function uniq(list: string[]): string[] {
  return [...new Set(list)]
}

/**
 * Render and store a plan for a finding (F-12) or an initiative (I-3). The findings move to
 * `planned`; a finding that was in another active plan leaves it (its approval there is void).
 */
export function createPlan(c: WritableCaseDb, ref: string, opts: PlanOptions): PlanView {
  const db = c.db
  const { kind, findings } = findingsOf(db, ref)
  const id = ((db.prepare('SELECT coalesce(max(id), 0) AS n FROM remediation_plans').get() as { n: number }).n ?? 0) + 1
  const plan = planRef(id)
  const included: Included[] = []
  const excluded: Array<{ finding: string; reason: string }> = []
  for (const f of findings) {
    const blocker = planBlocker(f)
    if (blocker) {
      excluded.push({ finding: f.ref, reason: blocker })
      continue
    }
    try {
      const { fix, hash } = renderFinding(db, targetOf(f), plan, opts.playbooks, opts.inputs ?? {})
      included.push({ f, fix, inputsHash: hash, basis: currentBasis(db, f) })
    } catch (e) {
      if (!isLastmileError(e)) throw e
      excluded.push({ finding: f.ref, reason: e.message.replace(new RegExp(`^${f.ref}: `), '') })
    }
  }
  if (kind === 'finding' && excluded.length) throw new LastmileError('conflict', `${findings[0].ref}: no plan: ${excluded[0].reason}`)
  if (!included.length) {
    const why = excluded
      .slice(0, 5)
      .map((x) => `${x.finding}: ${x.reason}`)
      .join('; ')
    throw new LastmileError(
      'conflict',
      `${ref.toUpperCase()}: nothing to plan${findings.length ? ` (${why}${excluded.length > 5 ? `; and ${excluded.length - 5} more` : ''})` : ': it holds no findings'}`
    )
  }
  const controls = uniq(included.map((i) => i.f.control))
  // Lastmile's own guardrails, then the playbooks' templates for the mechanisms those leave (kept
  // apart: the inputs a plan takes are those of the templates its own guardrails do not replace)
  let mine: GuardrailView[] = []
  const templates = playbookGuardrailViews(
    included.map((i) => i.f),
    opts.playbooks,
    `plan ${plan}`,
    opts.inputs ?? {}
  )
  const guard = buildGuardrails(ref.toUpperCase(), guardrailFindings(db, guardrailScope(controls)), {
    ...opts.guardrails,
    controls,
    more: (own) => {
      mine = [...own]
      return templates(own)
    }
  })
  checkInputs(ref, opts.inputs ?? {}, takenInputs(included, mine, opts.playbooks))
  const guardrails: Artefact[] = guard.guardrails.map((g) => ({ kind: g.kind, language: g.language, content: g.content, name: g.name, finding: null, purpose: g.prevents }))
  const verdict = worstVerdict(included.map((i) => i.f.verdict))
  const validation =
    included.length === 1
      ? included[0].fix.validation
      : `Collect evidence after the changes and run \`lastmile validate CASE ${plan} --bundle BUNDLE\`: Lastmile's evaluators must answer PASS for each of the ${included.length} resources (${controls.join(', ')}). Or import a later scan that covers them and run \`lastmile validate CASE ${plan} --rescan\`.`
  const body = {
    artefacts: included.flatMap((i) => i.fix.artefacts),
    rollback: included.flatMap((i) => i.fix.rollback),
    guardrails,
    preconditions: uniq(included.flatMap((i) => i.fix.preconditions)),
    validation,
    excluded,
    notes: [...(opts.reason ? [opts.reason] : []), ...included.flatMap((i) => i.fix.notes.map((n) => `${i.f.ref}: ${n}`)), ...guard.notes]
  }
  const bodyText = canonicalJson(body)
  const sha256 = createHash('sha256').update(bodyText).digest('hex')
  const requestedBy = opts.requestedBy ?? opts.actor
  const fourEyes = fourEyesEnabled(db)
  workflowTx(c, opts.now, (tx) => {
    tx.db
      .prepare('INSERT INTO remediation_plans (id, target, verdict, status, requested_by, created_at, four_eyes, body, body_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, ref.toUpperCase(), verdict, 'active', canonicalJson(requestedBy), tx.at, fourEyes ? 1 : 0, bodyText, sha256)
    const insPf = tx.db.prepare('INSERT INTO plan_findings (plan_id, finding_id, verdict, evidence, basis_hash, inputs_hash) VALUES (?, ?, ?, ?, ?, ?)')
    const voidApproval = tx.db.prepare("UPDATE approvals SET void_at = ?, void_reason = ? WHERE plan_id = ? AND finding_id = ? AND void_at IS NULL AND decision = 'approved'")
    const oldPlans = new Set<number>()
    for (const i of included) {
      insPf.run(id, i.f.id, i.f.verdict, canonicalJson({ rci: i.basis.rci, evidence: i.basis.evidence }), i.basis.hash, i.inputsHash)
      if (i.f.planId !== null) {
        oldPlans.add(i.f.planId)
        voidApproval.run(tx.at, `superseded by ${plan}`, i.f.planId, i.f.id)
      }
      transition(tx, i.f, 'plan', { actor: opts.actor, plan: id, reason: opts.reason ?? null })
    }
    // earlier active plans for the same target, and those left with no finding of their own
    const same = tx.db.prepare("SELECT id FROM remediation_plans WHERE target = ? AND status = 'active' AND id <> ?").all(ref.toUpperCase(), id) as Array<{ id: number }>
    for (const s of same) oldPlans.add(s.id)
    for (const old of oldPlans) {
      const left = tx.db.prepare('SELECT count(*) AS n FROM workflow_findings WHERE plan_id = ?').get(old) as { n: number }
      const sameTarget = same.some((s) => s.id === old)
      if (left.n === 0 || sameTarget) {
        const changed = tx.db
          .prepare("UPDATE remediation_plans SET status = 'superseded', superseded_by = ?, supersede_reason = ? WHERE id = ? AND status = 'active'")
          .run(id, opts.reason ?? `${plan} was made for ${ref.toUpperCase()}`, old).changes
        if (changed) tx.audit({ actor: opts.actor, action: 'plan.superseded', target: planRef(old), details: { by: plan, reason: opts.reason ?? null } })
      }
    }
    tx.audit({
      actor: opts.actor,
      action: 'plan.create',
      target: plan,
      details: {
        target: ref.toUpperCase(),
        verdict,
        requestedBy,
        findings: included.map((i) => ({ finding: i.f.ref, verdict: i.f.verdict, basis: i.basis.hash, inputs: i.inputsHash })),
        excluded,
        sha256,
        fourEyes,
        reason: opts.reason ?? null
      }
    })
  })
  return getPlan(db, plan)
}

interface PlanRow {
  id: number
  target: string
  verdict: RciVerdict
  status: 'active' | 'superseded'
  superseded_by: number | null
  supersede_reason: string | null
  requested_by: string
  created_at: string
  four_eyes: number
  body: string
  body_sha256: string
}

export function planRow(db: Db, ref: string): PlanRow {
  const row = db.prepare('SELECT * FROM remediation_plans WHERE id = ?').get(parsePlanRef(ref)) as PlanRow | undefined
  if (!row) throw new LastmileError('not-found', `${ref}: no such plan in this case`)
  return row
}

export function approvalView(r: Record<string, unknown>): ApprovalView {
  return {
    id: `D-${r.id as number}`,
    plan: planRef(r.plan_id as number),
    finding: `F-${r.finding_id as number}`,
    decision: r.decision as 'approved' | 'rejected',
    actor: JSON.parse(r.actor as string) as Actor,
    reason: r.reason as string,
    at: r.at as string,
    verdict: r.verdict as RciVerdict,
    evidence: JSON.parse(r.evidence as string) as string[],
    batch: (r.batch as string | null) ?? null,
    void: r.void_at ? { at: r.void_at as string, reason: r.void_reason as string } : null
  }
}

export function getPlan(db: Db, ref: string): PlanView {
  const row = planRow(db, ref)
  const body = JSON.parse(row.body) as Pick<PlanView, 'artefacts' | 'rollback' | 'guardrails' | 'preconditions' | 'validation' | 'excluded' | 'notes'>
  const pfs = db.prepare('SELECT finding_id, verdict FROM plan_findings WHERE plan_id = ? ORDER BY finding_id').all(row.id) as Array<{ finding_id: number; verdict: RciVerdict }>
  const latest = db.prepare('SELECT * FROM approvals WHERE plan_id = ? AND finding_id = ? ORDER BY id DESC LIMIT 1')
  const findings: PlanFindingView[] = pfs.map((pf) => {
    const f = findingsWhere(db, 'f.id = ?', [pf.finding_id])[0]
    const a = latest.get(row.id, pf.finding_id) as Record<string, unknown> | undefined
    return {
      id: f.ref,
      control: f.control,
      resource: f.resourceId,
      account: f.account,
      region: f.region,
      verdict: f.verdict,
      state: f.state,
      approval: a ? approvalView(a) : null
    }
  })
  return {
    id: planRef(row.id),
    target: row.target,
    verdict: row.verdict,
    status: row.status,
    supersededBy: row.superseded_by === null ? null : planRef(row.superseded_by),
    supersedeReason: row.supersede_reason,
    requestedBy: JSON.parse(row.requested_by) as Actor,
    createdAt: row.created_at,
    ...body,
    findings,
    fourEyes: row.four_eyes === 1,
    sha256: row.body_sha256
  }
}

export function listPlans(db: Db, filter: { target?: string; status?: 'active' | 'superseded' } = {}): PlanSummary[] {
  const where: string[] = []
  const params: unknown[] = []
  if (filter.target) {
    where.push('p.target = ?')
    params.push(filter.target.toUpperCase())
  }
  if (filter.status) {
    where.push('p.status = ?')
    params.push(filter.status)
  }
  const rows = db
    .prepare(
      `SELECT p.id, p.target, p.verdict, p.status, p.requested_by, p.created_at,
         (SELECT count(*) FROM plan_findings x WHERE x.plan_id = p.id) AS findings,
         (SELECT count(DISTINCT finding_id) FROM approvals a WHERE a.plan_id = p.id AND a.decision = 'approved' AND a.void_at IS NULL) AS approved,
         (SELECT count(DISTINCT finding_id) FROM approvals a WHERE a.plan_id = p.id AND a.decision = 'rejected') AS rejected
       FROM remediation_plans p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id`
    )
    .all(...params) as Array<{
    id: number
    target: string
    verdict: RciVerdict
    status: 'active' | 'superseded'
    requested_by: string
    created_at: string
    findings: number
    approved: number
    rejected: number
  }>
  return rows.map((r) => ({
    id: planRef(r.id),
    target: r.target,
    verdict: r.verdict,
    status: r.status,
    requestedBy: JSON.parse(r.requested_by) as Actor,
    createdAt: r.created_at,
    findings: r.findings,
    approved: r.approved,
    rejected: r.rejected
  }))
}

/** The recorded basis and configuration hash of a finding under a plan. */
export function planBasis(db: Db, planId: number, findingId: number): { verdict: RciVerdict; evidence: string[]; hash: string; inputsHash: string } | null {
  const r = db.prepare('SELECT verdict, evidence, basis_hash, inputs_hash FROM plan_findings WHERE plan_id = ? AND finding_id = ?').get(planId, findingId) as
    | { verdict: RciVerdict; evidence: string; basis_hash: string; inputs_hash: string }
    | undefined
  if (!r) return null
  return { verdict: r.verdict, evidence: (JSON.parse(r.evidence) as { evidence: string[] }).evidence, hash: r.basis_hash, inputsHash: r.inputs_hash }
}
