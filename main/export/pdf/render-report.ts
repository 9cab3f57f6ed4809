import { combineShares, sharePercent, shareSentence } from '../../../shared/catalogue-share'
import type { RciVerdict, StepAnswer } from '../../../shared/model'
import { RCI_VERDICTS } from '../../../shared/model'
import { INITIATIVE_STAGES, actorLabel, type InitiativeStage, type ReportData, type ReportFinding, type ReportInitiative, type ReportSection } from '../../report/data'
import { PAGE, PdfCanvas, type TextStyle } from './canvas'
import { barChart, donutChart, emptyChart, exposureChart, type Box } from './charts'
import { exposureSeries } from './exposure'
import { Flow, STYLE, type Cell, type Column, type TocEntry } from './flow'
import type { FontFiles } from './fonts'

const VERDICT_COLOR: Record<RciVerdict, string> = { SAFE: '#2e7d32', RISKY: '#e08a00', UNSAFE: '#c62828', UNSCORED: '#8a8a8a' }
const ANSWER_COLOR: Record<StepAnswer, string> = { yes: '#1f3b57', no: '#1f3b57', unknown: '#e08a00' }
const STAGE_LABEL: Record<InitiativeStage, string> = {
  new: 'New',
  investigated: 'Investigated',
  planned: 'Planned',
  approved: 'Approved',
  remediated: 'Remediated',
  validated: 'Validated'
}
const STAGE_COLOR: Record<InitiativeStage, string> = {
  new: '#9aa9b8',
  investigated: '#6f8fae',
  planned: '#4c7399',
  approved: '#2f5a80',
  remediated: '#2e7d32',
  validated: '#1b5e20'
}

/** What the cover, banner and charts say about a section no contributor has filled yet. */
const NOT_RECORDED: Record<ReportSection, string> = {
  scope: 'The scope (accounts, regions, tools, imports) is not recorded by this version of Lastmile.',
  findings: 'Findings are not recorded by this version of Lastmile: no scanner export can be imported into this case yet.',
  initiatives: 'Initiatives are not recorded by this version of Lastmile.',
  evidence: 'Evidence is not recorded by this version of Lastmile: no evidence bundle can be attached to this case yet.',
  timeline: 'Evidence timelines are not recorded by this version of Lastmile.',
  plans: 'Remediation plans are not recorded by this version of Lastmile.',
  decisions: 'Approvals and rejections are not recorded by this version of Lastmile.',
  validation: 'Validation results are not recorded by this version of Lastmile.',
  guardrails: 'Guardrails are not recorded by this version of Lastmile.'
}

export interface RenderProgress {
  (done: number, total: number, message: string): void
}

export interface RenderedReport {
  canvas: PdfCanvas
  pages: number
}

const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '—')
const minute = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—')

/**
 * Draw the whole report. The document is left open: the caller adds the signature field and
 * ends it (signing needs the finished bytes).
 *
 * Pages: cover, table of contents (its page count is known up front: one line per heading),
 * executive summary, scope, one chapter per initiative, findings outside initiatives, evidence,
 * and the appendix. The table of contents and the page furniture (classification banner,
 * "page N of M") are filled in at the end, when every page number is known.
 */
export function renderReport(data: ReportData, fonts: FontFiles, onProgress: RenderProgress = () => undefined): RenderedReport {
  const cv = new PdfCanvas(fonts, {
    title: `Lastmile audit report — ${data.case.name}`,
    author: actorLabel(data.generatedBy),
    subject: `Audit report of case ${data.case.id}`,
    keywords: data.classification
  })
  const flow = new Flow(cv)
  const recorded = new Set(data.recorded)
  const findingsById = new Map(data.findings.map((f, i) => [f.id, { f, n: i + 1 }]))
  const outside = data.findings.filter((f) => !f.initiative || !data.initiatives.some((i) => i.id === f.initiative))
  const total = Math.max(1, data.findings.length)
  let done = 0
  const tick = (): void => {
    done++
    if (done % 250 === 0) onProgress(done, total, 'findings drawn')
  }

  // The table of contents, decided before drawing so its pages can be reserved.
  const toc: TocEntry[] = [
    { title: 'Executive summary', level: 1, dest: 'summary' },
    { title: 'Scope and imports', level: 1, dest: 'scope' },
    { title: 'Initiatives', level: 1, dest: 'initiatives' },
    ...data.initiatives.map((ini, i) => ({ title: ini.title, level: 2 as const, dest: `initiative-${i + 1}` })),
    ...(outside.length ? [{ title: 'Findings outside initiatives', level: 1 as const, dest: 'outside' }] : []),
    { title: 'Evidence register', level: 1, dest: 'evidence' },
    { title: 'Appendix A — Audit trail', level: 1, dest: 'appendix-audit' },
    { title: 'Appendix B — Checkpoints', level: 1, dest: 'appendix-checkpoints' },
    { title: 'Appendix C — Signatures and keys', level: 1, dest: 'appendix-keys' }
  ]
  flow.registerToc(toc)
  const TOC_LINES_FIRST = 44
  const TOC_LINES = 50
  const tocPages = toc.length <= TOC_LINES_FIRST ? 1 : 1 + Math.ceil((toc.length - TOC_LINES_FIRST) / TOC_LINES)

  cover(flow, data)
  const tocStart = cv.pageCount
  for (let i = 0; i < tocPages; i++) cv.addPage()

  summary(flow, data, recorded)
  scope(flow, data, recorded)

  flow.heading('Initiatives', 1, { dest: 'initiatives', bookmark: true, newPage: true })
  if (!recorded.has('initiatives')) flow.paragraph(NOT_RECORDED.initiatives, STYLE.muted)
  else if (data.initiatives.length === 0) {
    flow.paragraph(
      data.findings.length
        ? 'None yet: the findings of this case have not been grouped into initiatives.'
        : 'None yet: this case has no findings, so there is nothing to group into initiatives.',
      STYLE.muted
    )
  } else initiativesOverview(flow, data, recorded, findingsById)
  data.initiatives.forEach((ini, i) => initiative(flow, data, recorded, ini, `initiative-${i + 1}`, findingsById, tick))

  if (outside.length) {
    flow.heading('Findings outside initiatives', 1, { dest: 'outside', bookmark: true, newPage: true })
    flow.paragraph(`${outside.length} finding${outside.length === 1 ? ' is' : 's are'} not part of any initiative.`, STYLE.muted)
    findingsTable(flow, outside, findingsById)
    flow.heading('RCI reasoning', 3)
    for (const f of outside) {
      rciBlock(flow, f, findingsById.get(f.id)!.n)
      tick()
    }
  }

  evidence(flow, data, recorded)
  appendix(flow, data)
  cv.flush()

  onProgress(total, total, 'table of contents and page numbers')
  fillToc(flow, flow.tocEntries(), tocStart, tocPages)
  furniture(cv, data)
  cv.compressPages()
  return { canvas: cv, pages: cv.pageCount }
}

// ---- cover and contents -------------------------------------------------------------------

function cover(flow: Flow, data: ReportData): void {
  const cv = flow.cv
  flow.newPage()
  flow.y = 130
  cv.text('Lastmile', flow.left, flow.y, { face: 'bold', size: 11, color: '#6f8fae' })
  flow.y += 18
  cv.text('Audit report', flow.left, flow.y, STYLE.title)
  flow.y += 36
  for (const l of cv.wrap(data.case.name, flow.width, { ...STYLE.h1, size: 18 })) {
    cv.text(l, flow.left, flow.y, { ...STYLE.h1, size: 18 })
    flow.y += 24
  }
  flow.y += 8
  if (data.classification) {
    const style: TextStyle = { face: 'bold', size: 12, color: '#8b1a1a' }
    const lines = cv.wrap(data.classification, flow.width - 24, style)
    const h = lines.length * cv.lineHeight(style) + 14
    cv.rect(flow.left, flow.y, flow.width, h, { stroke: '#8b1a1a', lineWidth: 1.2 })
    let y = flow.y + 7
    for (const l of lines) {
      cv.text(l, flow.left + 12, y, style, { align: 'center', width: flow.width - 24 })
      y += cv.lineHeight(style)
    }
    flow.y += h + 18
  }
  const s = data.scope
  const scopeText = data.recorded.includes('scope')
    ? [
        s.providers.length ? `providers ${s.providers.join(', ')}` : null,
        s.accounts.length ? `${s.accounts.length} account${s.accounts.length === 1 ? '' : 's'} (${s.accounts.slice(0, 6).join(', ')}${s.accounts.length > 6 ? ', …' : ''})` : null,
        s.regions.length ? `regions ${s.regions.slice(0, 8).join(', ')}${s.regions.length > 8 ? ', …' : ''}` : null,
        s.tools.length ? `tools ${s.tools.join(', ')}` : null,
        `${s.imports.length} import${s.imports.length === 1 ? '' : 's'}`
      ]
        .filter(Boolean)
        .join('; ')
    : 'not recorded by this version of Lastmile'
  flow.keyValues(
    [
      ['Case', data.case.name],
      ['Case id', data.case.id, STYLE.small],
      ['Case opened', minute(data.case.createdAt)],
      ['Scope', scopeText],
      ['Period', data.period.from ? `${minute(data.period.from)} — ${minute(data.period.to)} (UTC)` : 'no recorded activity'],
      ['Generated', `${minute(data.generatedAt)} UTC`],
      ['Generated by', actorLabel(data.generatedBy)],
      ['Signed with', data.pdfSigner ? `${data.pdfSigner.subject}` : 'not signed'],
      ['Certificate SHA-256', data.pdfSigner ? data.pdfSigner.fingerprint : '—', STYLE.mono],
      [
        'Audit trail',
        `${data.audit.entries} entries${data.audit.headHash ? `, head ${data.audit.headHash.slice(0, 16)}…` : ''}; ${data.audit.verified ? 'chain and checkpoints verified' : `VERIFICATION FAILED: ${data.audit.firstBad ?? ''}`}`
      ],
      ['Checkpoint', data.checkpoint ? `no. ${data.checkpoint.number}, sealing entries ${data.checkpoint.firstSeq}–${data.checkpoint.lastSeq}` : 'none'],
      [
        'Case owner',
        data.audit.people.owner ? `${data.audit.people.owner.name} (OS user ${data.audit.people.owner.osUser}); grants the roles` : 'none: roles were declared, not granted'
      ],
      fourEyesRow(data)
    ],
    110
  )
  flow.y = Math.max(flow.y + 10, PAGE.height - 150)
  flow.paragraph(
    'This report is signed (PAdES, SHA-256). Any change to it invalidates the signature: check it with `lastmile verify` or any PDF reader that validates signatures. The checkpoint in Appendix B seals the audit trail the report was made from; `lastmile verify` on the case or its case file shows whether the trail still matches it.',
    STYLE.muted
  )
}

function fillToc(flow: Flow, entries: TocEntry[], start: number, pages: number): void {
  const cv = flow.cv
  let page = start
  let line = 0
  const open = (first: boolean): void => {
    cv.reopen(page)
    flow.y = flow.top
    if (first) {
      cv.text('Contents', flow.left, flow.y, STYLE.h1)
      flow.y += cv.lineHeight(STYLE.h1)
      cv.line(flow.left, flow.y + 1, flow.right, flow.y + 1, '#1f3b57', 0.8)
      flow.y += 12
    }
  }
  open(true)
  const lh = 14
  for (const e of entries) {
    if (line >= (page === start ? 44 : 50) && page < start + pages - 1) {
      cv.flush()
      page++
      line = 0
      open(false)
    }
    const style: TextStyle = e.level === 1 ? STYLE.bodyBold : STYLE.body
    const indent = e.level === 1 ? 0 : 14
    const num = e.page === undefined ? '—' : String(e.page + 1)
    const numW = cv.width(num, style)
    const title = cv.fit(e.title, flow.width - indent - numW - 30, style)
    const tw = cv.text(title, flow.left + indent, flow.y, style)
    cv.text(num, flow.right - numW, flow.y, style)
    // Dot leaders between the title and its page number.
    cv.line(flow.left + indent + tw + 4, flow.y + 9, flow.right - numW - 4, flow.y + 9, '#b0b0b0', 0.5, [0.5, 2.5])
    if (e.page !== undefined) cv.doc.goTo(flow.left, flow.y, flow.width, lh - 2, e.dest)
    flow.y += lh
    line++
  }
  cv.flush()
}

/** Banner and page numbers on every page, once the page count is known. */
function furniture(cv: PdfCanvas, data: ReportData): void {
  const n = cv.pageCount
  const banner: TextStyle = { face: 'bold', size: 8, color: '#ffffff' }
  const foot: TextStyle = { face: 'regular', size: 7, color: '#666666' }
  const footerTitle = `Lastmile audit report · ${data.case.name}`
  for (let i = 0; i < n; i++) {
    cv.reopen(i)
    if (data.classification) {
      cv.rect(0, 0, PAGE.width, 20, { fill: '#8b1a1a' })
      cv.text(cv.fit(data.classification, PAGE.width - 100, banner), 50, 5, banner, { align: 'center', width: PAGE.width - 100 })
    }
    cv.line(50, PAGE.height - 40, PAGE.width - 50, PAGE.height - 40, '#cccccc', 0.5)
    cv.text(cv.fit(footerTitle, 300, foot), 50, PAGE.height - 36, foot)
    if (data.classification) {
      cv.text(cv.fit(data.classification, 160, { ...foot, face: 'bold', color: '#8b1a1a' }), 50, PAGE.height - 26, { ...foot, face: 'bold', color: '#8b1a1a' })
    }
    cv.text(`page ${i + 1} of ${n}`, PAGE.width - 150, PAGE.height - 36, foot, { align: 'right', width: 100 })
    cv.flush()
  }
}

// ---- executive summary ---------------------------------------------------------------------

function summary(flow: Flow, data: ReportData, recorded: Set<ReportSection>): void {
  const cv = flow.cv
  flow.heading('Executive summary', 1, { dest: 'summary', bookmark: true, newPage: true })
  const open = data.findings.filter((f) => f.status === 'open').length
  const resolved = data.findings.filter((f) => f.status === 'resolved').length
  const decisions = data.initiatives.flatMap((i) => i.decisions)
  const approved = decisions.filter((d) => d.decision === 'approved').length
  const rejected = decisions.length - approved
  const figures: Array<[string, string, string]> = [
    ['Findings', recorded.has('findings') ? String(data.findings.length) : '—', recorded.has('findings') ? `${open} open · ${resolved} resolved` : 'not recorded'],
    [
      'Initiatives',
      recorded.has('initiatives') ? String(data.initiatives.length) : '—',
      recorded.has('initiatives') ? `${data.initiatives.filter((i) => i.stage === 'validated').length} validated` : 'not recorded'
    ],
    ['Decisions', recorded.has('decisions') ? String(decisions.length) : '—', recorded.has('decisions') ? `${approved} approved · ${rejected} rejected` : 'not recorded'],
    ['Audit entries', String(data.audit.entries), data.audit.verified ? 'chain verified' : 'VERIFICATION FAILED']
  ]
  const bw = (flow.width - 3 * 10) / 4
  figures.forEach(([label, value, sub], i) => {
    const x = flow.left + i * (bw + 10)
    cv.rect(x, flow.y, bw, 54, { fill: '#f3f5f8' })
    cv.text(label, x + 8, flow.y + 6, STYLE.small)
    cv.text(value, x + 8, flow.y + 17, { face: 'bold', size: 17, color: label === 'Audit entries' && !data.audit.verified ? '#c62828' : '#1f3b57' })
    cv.text(cv.fit(sub, bw - 16, STYLE.small), x + 8, flow.y + 40, STYLE.small)
  })
  flow.y += 68

  const chartTitle = (t: string): void => {
    flow.need(150)
    cv.text(t, flow.left, flow.y, STYLE.h3)
    flow.y += 16
  }
  const box = (h: number): Box => ({ x: flow.left, y: flow.y, w: flow.width, h })

  chartTitle('Verdict mix (Remediation Confidence Indicator)')
  if (!recorded.has('findings')) emptyChart(cv, box(110), NOT_RECORDED.findings)
  else if (data.findings.length === 0) emptyChart(cv, box(110), 'No findings in this case yet, so no verdicts.')
  else {
    const counts = new Map<RciVerdict, number>(RCI_VERDICTS.map((v) => [v, 0]))
    for (const f of data.findings) counts.set(f.rci.verdict, (counts.get(f.rci.verdict) ?? 0) + 1)
    donutChart(
      cv,
      box(110),
      RCI_VERDICTS.map((v) => ({ label: v, value: counts.get(v) ?? 0, color: VERDICT_COLOR[v] })),
      'findings'
    )
  }
  flow.y += 124

  chartTitle('Initiatives by stage')
  if (!recorded.has('initiatives')) emptyChart(cv, box(110), NOT_RECORDED.initiatives)
  else if (data.initiatives.length === 0) emptyChart(cv, box(110), 'No initiatives in this case yet.')
  else {
    barChart(
      cv,
      box(110),
      INITIATIVE_STAGES.map((s) => ({ label: STAGE_LABEL[s], value: data.initiatives.filter((i) => i.stage === s).length, color: STAGE_COLOR[s] }))
    )
  }
  flow.y += 124

  chartTitle('Open exposure over time')
  const series = exposureSeries(data.findings, data.generatedAt)
  if (!recorded.has('findings')) emptyChart(cv, box(150), NOT_RECORDED.findings)
  else if (series.length === 0) emptyChart(cv, box(150), 'No findings in this case yet, so no exposure to plot.')
  else exposureChart(cv, box(150), series)
  flow.y += 164
}

function scope(flow: Flow, data: ReportData, recorded: Set<ReportSection>): void {
  flow.heading('Scope and imports', 1, { dest: 'scope', bookmark: true })
  if (!recorded.has('scope')) {
    flow.paragraph(NOT_RECORDED.scope, STYLE.muted)
    return
  }
  const s = data.scope
  flow.keyValues([
    ['Providers', s.providers.join(', ') || 'none yet'],
    ['Accounts', s.accounts.join(', ') || 'none yet'],
    ['Regions', s.regions.join(', ') || 'none yet'],
    ['Tools', s.tools.join(', ') || 'none yet']
  ])
  if (s.imports.length === 0) {
    flow.paragraph('No scanner export has been imported into this case yet.', STYLE.muted)
    return
  }
  // where the imports' failing alerts landed: controls of the catalogue, or per-tool ones
  const recordedShares = s.imports.flatMap((im) => (im.catalogue ? [im.catalogue] : []))
  if (recordedShares.length) {
    const sentence = shareSentence(combineShares(recordedShares), 8) ?? 'No import brought a failing alert.'
    const before = s.imports.length - recordedShares.length
    flow.keyValues([
      [
        'Catalogue',
        `${sentence}${before ? ` (${before} import${before === 1 ? '' : 's'} made before Lastmile recorded this not counted)` : ''}. An alert on a per-tool control (tool.rule-id) joins no other tool's alert about the same problem.`
      ]
    ])
  }
  const cols: Column[] = [
    { title: 'Imported', width: 80 },
    { title: 'File', width: 135, middle: true },
    { title: 'Tool', width: 55 },
    { title: 'Format', width: 55 },
    { title: 'Alerts', width: 40, align: 'right' },
    { title: 'Catalogued', width: 55, align: 'right' },
    { title: 'SHA-256', width: flow.width - 420, mono: true, middle: true }
  ]
  flow.table(
    cols,
    s.imports.map((im) => [
      { text: minute(im.importedAt) },
      { text: im.file },
      { text: im.tool },
      { text: im.format },
      { text: String(im.alerts) },
      { text: im.catalogue && im.catalogue.failing ? sharePercent(im.catalogue) : '—' },
      { text: im.sha256 ?? '—' }
    ])
  )
}

// ---- initiatives and findings ----------------------------------------------------------------

function initiative(
  flow: Flow,
  data: ReportData,
  recorded: Set<ReportSection>,
  ini: ReportInitiative,
  dest: string,
  byId: Map<string, { f: ReportFinding; n: number }>,
  tick: () => void
): void {
  flow.heading(ini.title, 2, { dest, bookmark: true, parent: 'initiatives', newPage: true })
  const findings = ini.findingIds.map((id) => byId.get(id)?.f).filter((f): f is ReportFinding => !!f)
  const missing = ini.findingIds.length - findings.length
  const counts = RCI_VERDICTS.map((v) => `${findings.filter((f) => f.rci.verdict === v).length} ${v}`).join(' · ')
  flow.keyValues(
    [
      ['Control', ini.control],
      ['Stage', STAGE_LABEL[ini.stage] ?? ini.stage],
      ['Findings', `${findings.length} (${counts})${missing ? `; ${missing} listed finding(s) are not in the case` : ''}`],
      ['Tools', ini.tools.join(', ') || '—'],
      ['Initiative id', ini.id, STYLE.small]
    ],
    90
  )

  flow.heading('Findings', 3)
  if (findings.length === 0) flow.paragraph('None: this initiative lists no findings.', STYLE.muted)
  else findingsTable(flow, findings, byId)

  flow.heading('RCI reasoning', 3)
  for (const f of findings) {
    rciBlock(flow, f, byId.get(f.id)!.n)
    tick()
  }

  flow.heading('Evidence timeline', 3)
  if (!recorded.has('timeline')) flow.paragraph(NOT_RECORDED.timeline, STYLE.muted)
  else if (ini.timeline.length === 0) flow.paragraph('None yet: no evidence event has been recorded for these resources.', STYLE.muted)
  else {
    flow.table(
      [
        { title: 'Time (UTC)', width: 80 },
        { title: 'Source', width: 58 },
        { title: 'Actor', width: 80, middle: true },
        { title: 'Action', width: 70 },
        { title: 'Summary and evidence', width: flow.width - 288, wrap: true }
      ],
      ini.timeline.map((e) => [
        { text: minute(e.time) },
        { text: e.source },
        { text: e.actor },
        { text: e.action },
        { text: [e.summary, ...e.evidence.map((r) => `${r.label}${r.sha256 ? ` sha256:${r.sha256}` : ''}`)].join('\n') }
      ])
    )
  }

  flow.heading('Remediation plan', 3)
  if (!recorded.has('plans')) flow.paragraph(NOT_RECORDED.plans, STYLE.muted)
  else if (!ini.plan) flow.paragraph('None yet: no remediation plan has been made for this initiative.', STYLE.muted)
  else {
    const p = ini.plan
    flow.keyValues(
      [
        ['Plan', p.id, STYLE.small],
        ['Target', p.target],
        ['Verdict', p.verdict, { ...STYLE.bodyBold, color: VERDICT_COLOR[p.verdict] }],
        ['Requested by', p.requestedBy ? actorLabel(p.requestedBy) : '—'],
        ['Made', minute(p.createdAt)],
        ['Preconditions', p.preconditions.length ? p.preconditions.map((x) => `• ${x}`).join('\n') : 'none'],
        ['Validation', p.validation || '—']
      ],
      90
    )
    p.artefacts.forEach((a, i) => flow.code(a.content, `Fix ${i + 1}: ${a.kind} (${a.language})`))
    p.rollback.forEach((a, i) => flow.code(a.content, `Rollback ${i + 1}: ${a.kind} (${a.language})`))
  }

  flow.heading('Approvals and rejections', 3)
  if (!recorded.has('decisions')) flow.paragraph(NOT_RECORDED.decisions, STYLE.muted)
  else if (ini.decisions.length === 0) flow.paragraph(ini.plan ? 'None yet: the plan awaits a decision.' : 'None: there is no plan to decide on.', STYLE.muted)
  else {
    flow.table(
      [
        { title: 'When (UTC)', width: 80 },
        { title: 'Who', width: 105, wrap: true },
        { title: 'Decision', width: 60 },
        { title: 'Why', width: flow.width - 245, wrap: true }
      ],
      ini.decisions.map((d) => [
        { text: minute(d.at) },
        { text: actorLabel(d.actor) },
        { text: d.decision.toUpperCase(), bold: true, color: d.decision === 'approved' ? '#2e7d32' : '#c62828' },
        { text: `${d.reason}\nplan ${d.plan}` }
      ])
    )
  }

  flow.heading('Validation', 3)
  if (!recorded.has('validation')) flow.paragraph(NOT_RECORDED.validation, STYLE.muted)
  else if (!ini.validation) flow.paragraph('None yet: the fix has not been checked by a rescan or a live check.', STYLE.muted)
  else {
    const v = ini.validation
    flow.keyValues(
      [
        ['Result', v.result.toUpperCase(), { ...STYLE.bodyBold, color: v.result === 'closed' ? '#2e7d32' : '#c62828' }],
        ['Method', v.method],
        ['When', `${minute(v.at)} UTC`],
        ['Summary', v.summary],
        ...v.evidence.map((r): [string, string, TextStyle] => ['Evidence', `${r.label}${r.sha256 ? `  sha256:${r.sha256}` : ''}`, STYLE.small])
      ],
      90
    )
  }

  flow.heading('Guardrail', 3)
  if (!recorded.has('guardrails')) flow.paragraph(NOT_RECORDED.guardrails, STYLE.muted)
  else if (ini.guardrails.length === 0) flow.paragraph('None yet: no guardrail has been generated for this control.', STYLE.muted)
  else ini.guardrails.forEach((g, i) => flow.code(g.content, `Guardrail ${i + 1}: ${g.kind} (${g.language})`))
  void data
}

/** One row an initiative: where it stands, its verdict mix and the latest decision. */
function initiativesOverview(flow: Flow, data: ReportData, recorded: Set<ReportSection>, byId: Map<string, { f: ReportFinding; n: number }>): void {
  flow.paragraph(`${data.initiatives.length} initiative${data.initiatives.length === 1 ? '' : 's'}; each has its own chapter below.`, STYLE.muted)
  flow.table(
    [
      { title: 'No.', width: 22, align: 'right' },
      { title: 'Initiative', width: 154, wrap: true },
      { title: 'Stage', width: 58 },
      { title: 'Findings', width: 48, align: 'right' },
      { title: 'RCI verdicts', width: 118, wrap: true },
      { title: 'Decision', width: flow.width - 400, wrap: true }
    ],
    data.initiatives.map((ini, i) => {
      const verdicts = RCI_VERDICTS.map((v) => [v, ini.findingIds.filter((id) => byId.get(id)?.f.rci.verdict === v).length] as const)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${n} ${v}`)
        .join(' · ')
      const last = ini.decisions[ini.decisions.length - 1]
      const decision = !recorded.has('decisions') ? 'not recorded' : last ? `${last.decision} ${day(last.at)}` : ini.plan ? 'plan awaits a decision' : 'no plan yet'
      return [
        { text: String(i + 1) },
        { text: ini.title },
        { text: STAGE_LABEL[ini.stage] ?? ini.stage },
        { text: String(ini.findingIds.length) },
        { text: verdicts || '—' },
        { text: decision, color: last ? (last.decision === 'approved' ? '#2e7d32' : '#c62828') : undefined }
      ]
    })
  )
}

function findingsTable(flow: Flow, findings: ReportFinding[], byId: Map<string, { f: ReportFinding; n: number }>): void {
  const cols: Column[] = [
    { title: 'Ref', width: 34 },
    { title: 'Resource', width: 190, middle: true },
    { title: 'Severity', width: 44 },
    { title: 'Status', width: 48 },
    { title: 'RCI', width: 50 },
    { title: 'Tools', width: 70 },
    { title: 'First seen', width: flow.width - 436 }
  ]
  function* rows(): Iterable<Cell[]> {
    for (const f of findings) {
      yield [
        { text: `F${byId.get(f.id)!.n}` },
        { text: f.resource.id },
        { text: f.severity },
        { text: f.status },
        { text: f.rci.verdict, bold: true, color: VERDICT_COLOR[f.rci.verdict] },
        { text: f.tools.join(', ') },
        { text: day(f.firstSeen) }
      ]
    }
  }
  flow.table(cols, rows())
}

/** One finding's RCI reasoning: its verdict, every step's question and answer, and the evidence behind it. */
function rciBlock(flow: Flow, f: ReportFinding, n: number): void {
  const cv = flow.cv
  const head: TextStyle = { face: 'bold', size: 8.5, color: '#1a1a1a' }
  const lh = cv.lineHeight(head)
  const lines = cv.wrap(`F${n}  ${f.resource.id}`, flow.width - 70, head)
  flow.need(lh * lines.length + 30)
  const top = flow.y
  for (const l of lines) {
    cv.text(l, flow.left, flow.y, head)
    flow.y += lh
  }
  const chipW = cv.width(f.rci.verdict, { face: 'bold', size: 7 }) + 8
  flow.chip(f.rci.verdict, VERDICT_COLOR[f.rci.verdict], flow.right - chipW, top)
  flow.paragraph(
    `${f.control} · ${f.severity} · ${f.status}${f.closedAt ? ` (closed ${day(f.closedAt)})` : ''} · ${f.alerts} alert${f.alerts === 1 ? '' : 's'} from ${f.tools.join(', ') || '—'} · id ${f.id}`,
    STYLE.small,
    0,
    2
  )
  // a verdict from the generic investigation says so before its reasons, in plain words
  if (f.rci.generic) flow.paragraph(`Generic investigation: no playbook of its own covers ${f.control}; its fix is ${f.rci.generic}.`, { ...STYLE.small, face: 'bold' }, 10, 1)
  // (the reason of a generic verdict opens with the same words: not said twice)
  if (f.rci.because) flow.paragraph(f.rci.generic ? f.rci.because.replace(/^Generic investigation: .*? what its fix does \(\w+\)\. /, '') : f.rci.because, STYLE.small, 10, 2)
  if (f.rci.steps.length === 0) {
    flow.paragraph(`No investigative step has run for this finding yet, so its verdict is ${f.rci.verdict}.`, STYLE.muted, 10, 6)
    return
  }
  f.rci.steps.forEach((s, i) => {
    const q: TextStyle = { ...STYLE.body, size: 8 }
    const qlines = cv.wrap(`${i + 1}. ${s.question}`, flow.width - 70, q)
    const qh = cv.lineHeight(q)
    flow.need(qh * Math.min(qlines.length, 2) + 10)
    const qtop = flow.y
    for (const l of qlines) {
      flow.need(qh)
      cv.text(l, flow.left + 10, flow.y, q)
      flow.y += qh
    }
    const ans = s.answer.toUpperCase()
    const aw = cv.width(ans, { face: 'bold', size: 7 }) + 8
    if (flow.y > qtop) flow.chip(ans, ANSWER_COLOR[s.answer] ?? '#1f3b57', flow.right - aw, qtop)
    if (s.explanation) flow.paragraph(s.explanation, STYLE.small, 22, 1)
    for (const r of s.evidence) flow.paragraph(`evidence: ${r.label}${r.sha256 ? `  sha256:${r.sha256}` : '  (no hash)'}`, STYLE.mono, 22, 0.5)
    flow.y += 2
  })
  flow.y += 5
}

// ---- evidence and appendix -----------------------------------------------------------------

function evidence(flow: Flow, data: ReportData, recorded: Set<ReportSection>): void {
  flow.heading('Evidence register', 1, { dest: 'evidence', bookmark: true, newPage: true })
  if (!recorded.has('evidence')) {
    flow.paragraph(NOT_RECORDED.evidence, STYLE.muted)
    return
  }
  if (data.evidence.length === 0) {
    flow.paragraph('None yet: no evidence has been attached to this case.', STYLE.muted)
    return
  }
  flow.paragraph(`${data.evidence.length} item${data.evidence.length === 1 ? '' : 's'}; each is pinned by the SHA-256 of its content.`, STYLE.muted)
  flow.table(
    [
      { title: 'Added (UTC)', width: 80 },
      { title: 'Kind', width: 60 },
      { title: 'Path and SHA-256', width: flow.width - 190, wrap: true },
      { title: 'Bytes', width: 50, align: 'right' }
    ],
    data.evidence.map((e) => [{ text: minute(e.addedAt) }, { text: e.kind }, { text: `${e.path}\n${e.sha256}` }, { text: e.bytes.toLocaleString('en') }])
  )
}

/** The four-eyes rule as the cover states it: a rule turned off is printed in red, with who and why. */
function fourEyesRow(data: ReportData): [string, string, TextStyle] {
  const changes = data.audit.people.fourEyes
  const off = changes.filter((f) => !f.enabled)
  if (!off.length) return ['Four-eyes', 'on throughout: no plan was approved with the key that requested it', STYLE.body]
  const now = changes[changes.length - 1]
  const text = off.map((f) => `TURNED OFF ${minute(f.time)} UTC by ${f.by} (signed, entry ${f.seq}): ${f.reason}`).join('; ')
  return ['Four-eyes', `${text}${now.enabled ? `; on again since ${minute(now.time)} UTC` : '; STILL OFF'}`, { ...STYLE.bodyBold, color: '#c62828' }]
}

function appendix(flow: Flow, data: ReportData): void {
  const a = data.audit
  flow.heading('Appendix A — Audit trail', 1, { dest: 'appendix-audit', bookmark: true, newPage: true })
  flow.paragraph(
    'Every change to the case is an entry in an append-only, hash-chained audit trail: each entry’s hash covers the previous hash and the entry itself, so changing, removing or reordering any entry breaks every hash after it.',
    STYLE.muted
  )
  flow.keyValues([
    ['Entries', a.entries ? `${a.entries} (no. ${a.firstSeq}–${a.lastSeq})` : 'none'],
    ['Time range', a.fromTime ? `${minute(a.fromTime)} — ${minute(a.toTime)} UTC` : '—'],
    ['Head hash', a.headHash ?? '—', STYLE.mono],
    [
      'Verification',
      a.verified ? 'the chain and every checkpoint verified when this report was made' : `FAILED: ${a.firstBad ?? 'unknown'}`,
      a.verified ? STYLE.body : { ...STYLE.bodyBold, color: '#c62828' }
    ]
  ])
  const p = a.people
  flow.heading('Decisions and who signed them', 3)
  flow.paragraph(
    `Each decision is signed by the key of the person who made it; four-eyes compares keys. ${
      p.owner
        ? `The case owner, ${p.owner.name} (key ${p.owner.key.slice(0, 23)}…), grants the roles.`
        : 'This case has no owner (made before people had signing keys): roles were declared, not granted.'
    }`,
    STYLE.muted
  )
  for (const f of p.fourEyes) {
    flow.paragraph(
      `${f.enabled ? 'Four-eyes turned on' : 'FOUR-EYES TURNED OFF'} at ${minute(f.time)} UTC by ${f.by} (entry ${f.seq}, signed): ${f.reason}`,
      f.enabled ? STYLE.body : { ...STYLE.bodyBold, color: '#c62828' }
    )
  }
  const shown = p.decisions.slice(-400)
  if (shown.length) {
    flow.table(
      [
        { title: 'No.', width: 34, align: 'right' },
        { title: 'Time (UTC)', width: 80 },
        { title: 'Decision', width: 95 },
        { title: 'Target', width: 60, middle: true },
        { title: 'Person (role, OS user)', width: 120, middle: true },
        { title: 'Signed by key', width: flow.width - 389, mono: true, middle: true }
      ],
      shown.map((d) => [
        { text: String(d.seq) },
        { text: minute(d.time) },
        { text: d.action },
        { text: d.target },
        { text: `${d.name} (${d.role}${d.osUser ? `, ${d.osUser}` : ''})` },
        { text: d.signed ? (d.key ?? '') : 'NOT SIGNED' }
      ])
    )
    if (shown.length < p.decisions.length)
      flow.paragraph(`The ${p.decisions.length - shown.length} earlier decisions are in the case file; \`lastmile verify\` lists them all.`, STYLE.muted)
  }
  if (a.byAction.length) {
    flow.heading('Entries by action', 3)
    flow.table(
      [
        { title: 'Action', width: 300 },
        { title: 'Entries', width: 60, align: 'right' }
      ],
      a.byAction.map((r) => [{ text: r.action }, { text: String(r.count) }])
    )
  }
  if (a.byActor.length) {
    flow.heading('Entries by actor', 3)
    flow.table(
      [
        { title: 'Actor', width: 300 },
        { title: 'Entries', width: 60, align: 'right' }
      ],
      a.byActor.map((r) => [{ text: r.actor }, { text: String(r.count) }])
    )
  }
  if (a.recent.length) {
    flow.heading(`Most recent entries (${a.recent.length} of ${a.entries})`, 3)
    flow.table(
      [
        { title: 'No.', width: 34, align: 'right' },
        { title: 'Time (UTC)', width: 80 },
        { title: 'Actor', width: 95, middle: true },
        { title: 'Action', width: 85 },
        { title: 'Target', width: 85, middle: true },
        { title: 'Hash', width: flow.width - 379, mono: true, middle: true }
      ],
      a.recent.map((e) => [{ text: String(e.seq) }, { text: minute(e.time) }, { text: e.actor }, { text: e.action }, { text: e.target }, { text: e.hash }])
    )
  }

  flow.heading('Appendix B — Checkpoints', 1, { dest: 'appendix-checkpoints', bookmark: true, newPage: true })
  flow.paragraph(
    'A checkpoint seals a range of audit entries by the hash of its last one, links to the checkpoint before it by its signature, and is signed with the organisation’s certificate or this device’s key.',
    STYLE.muted
  )
  if (data.checkpoints.length === 0) flow.paragraph('None: this case has no checkpoint.', STYLE.muted)
  else {
    flow.table(
      [
        { title: 'No.', width: 28, align: 'right' },
        { title: 'Entries', width: 56 },
        { title: 'Period (UTC)', width: 130 },
        { title: 'Signer', width: 110, middle: true },
        { title: 'Fingerprint (SHA-256)', width: flow.width - 324, mono: true, middle: true }
      ],
      data.checkpoints.map((c) => [
        { text: String(c.number) },
        { text: `${c.firstSeq}–${c.lastSeq}` },
        { text: `${minute(c.fromTime)} — ${minute(c.toTime).slice(11)}` },
        { text: `${c.signer.kind === 'device' ? 'device key' : c.signer.subject}` },
        { text: c.signer.fingerprint }
      ])
    )
  }
  const cp = data.checkpoint
  if (cp) {
    flow.heading(`The checkpoint of this report (no. ${cp.number})`, 3)
    flow.keyValues(
      [
        ['Case', cp.caseId, STYLE.small],
        ['Entries sealed', `${cp.firstSeq}–${cp.lastSeq}`],
        ['Head hash', cp.headHash, STYLE.mono],
        ['From', cp.fromTime],
        ['To', cp.toTime],
        ['Created', cp.createdAt],
        ['Previous signature', cp.previousSignature ?? 'none (first checkpoint)', STYLE.mono],
        ['Signer', `${cp.signer.kind === 'device' ? 'device key (Ed25519)' : cp.signer.subject} — ${cp.signer.algorithm}`],
        ['Signer fingerprint', cp.signer.fingerprint, STYLE.mono],
        ['Signature', cp.signature, STYLE.mono]
      ],
      110
    )
  }

  flow.heading('Appendix C — Signatures and keys', 1, { dest: 'appendix-keys', bookmark: true })
  flow.keyValues(
    [
      ['PDF signed by', data.pdfSigner ? data.pdfSigner.subject : 'not signed'],
      ['PDF signature', 'PAdES-compatible, detached PKCS#7 (adbe.pkcs7.detached), SHA-256, covering the whole document'],
      ['Certificate SHA-256', data.pdfSigner?.fingerprint ?? '—', STYLE.mono],
      ['Checkpoint signer', cp ? (cp.signer.kind === 'device' ? 'this device’s Ed25519 key (kept in the OS keystore)' : cp.signer.subject) : '—'],
      [cp?.signer.kind === 'device' ? 'Public key SHA-256' : 'Certificate SHA-256', cp?.signer.fingerprint ?? '—', STYLE.mono]
    ],
    110
  )
  if (cp?.signer.publicKey) flow.code(cp.signer.publicKey, 'Checkpoint public key (SPKI, PEM)')
  flow.paragraph(
    'To check this report: `lastmile verify REPORT.pdf` (checks the PDF signature and the checkpoint embedded in the file), or any PDF reader that validates signatures (e.g. poppler’s `pdfsig`). Compare the fingerprints above with the ones your organisation publishes.',
    STYLE.muted
  )
}
