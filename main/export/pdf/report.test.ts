import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor, Progress } from '../../../shared/model'
import { testP12 } from '../../../test/fixtures/export/p12'
import { sampleContributor } from '../../../test/fixtures/export/report-data'
import { tempDir } from '../../../test/helpers/tmp'
import { appendAudit, listAudit } from '../../audit/chain'
import { createCaseDb, type WritableCaseDb } from '../../db/case-db'
import { exportPdf } from '../export-pdf'
import type { ReportContributor } from '../../report/contributor'
import { axisTicks } from './charts'
import { exposureSeries } from './exposure'
import { verifyPdf } from './verify-pdf'
import { pdfText } from '../../../test/helpers/pdf-text'

const KEY = 'correct horse battery staple'
const zoe: Actor = { kind: 'person', name: 'Zoë Müller', role: 'analyst' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 27, 11, 0, tick++)).toISOString()

/** The independent checkers: poppler and qpdf, as an auditor would run them. */
function run(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

function newCase(dir: string): WritableCaseDb {
  const c = createCaseDb(join(dir, 'q4-review.lmcase'), KEY, { now: now() })
  appendAudit(c.db, c.id, { actor: zoe, action: 'case.create', target: c.id }, now())
  return c
}

async function exportWith(dir: string, contributors: ReportContributor[], extra: { classification?: string; inProcess?: boolean } = {}) {
  const c = newCase(dir)
  const p = testP12()
  const out = join(dir, 'report.pdf')
  const events: Progress[] = []
  const result = await exportPdf(c, {
    out,
    p12Path: p.path,
    p12Passphrase: p.passphrase,
    classification: extra.classification ?? 'CONFIDENTIAL — internal audit',
    actor: zoe,
    now,
    contributors,
    inProcess: extra.inProcess ?? true,
    onProgress: (e) => events.push(e)
  })
  return { c, out, result, events, p }
}

describe('the signed PDF audit report', () => {
  let dir: string
  let out: string
  let text: string
  let c: WritableCaseDb
  let result: Awaited<ReturnType<typeof exportPdf>>

  beforeAll(async () => {
    dir = tempDir()
    ;({ c, out, result } = await exportWith(dir, [sampleContributor({ findings: 30, initiatives: 6 })]))
    text = pdfText(out, { layout: true })
  })

  it('is a valid, whole-document PAdES signature in poppler, and qpdf finds no error', () => {
    const sig = run('pdfsig', [out])
    expect(sig.out).toContain('Signature is Valid.')
    expect(sig.out).toContain('Total document signed')
    expect(sig.out).toContain('Signing Hash Algorithm: SHA-256')
    expect(sig.out).toContain('Signer Certificate Common Name: Audit Signer')
    const q = run('qpdf', ['--check', out])
    expect(q.out).toContain('No syntax or stream encoding errors found')
    expect(q.code).toBe(0)
  })

  it('embeds only the fonts shipped in resources/fonts', () => {
    const fonts = run('pdffonts', [out]).out.split('\n').slice(2).filter(Boolean)
    expect(fonts.length).toBe(3)
    for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold|Mono)?\s+CID TrueType\s+Identity-H\s+yes yes yes/)
  })

  it('holds the case: findings, RCI reasoning with evidence hashes, plans, approvals and rejections, the checkpoint', () => {
    expect(text).toContain('arn:aws:s3:::acme-data-00000-eu-central-1')
    expect(text).toContain('Were there plain-HTTP requests to this bucket in the last 90 days?')
    expect(text).toMatch(/sha256:[0-9a-f]{64}/)
    expect(text).toContain('aws s3api put-bucket-policy --bucket acme-data-')
    expect(text).toMatch(/APPROVED[\s\S]*Evidence covers 90 days with no plain-HTTP client/)
    expect(text).toContain('REJECTED')
    // a verdict of the generic investigation says so, once, before its reason
    const flat = text.replace(/\s+/g, ' ')
    expect(flat).toMatch(/Generic investigation: no playbook of its own covers \S+; its fix is restrictive\. The fix takes access or a path away: RISKY at best\./)
    expect(text).toContain('Wait for the change freeze to end.')
    expect(text).toMatch(/Amaya Okafor \(approver\)|Łukasz Nowak \(approver\)|Zoë Müller \(approver\)/)
    expect(text).toContain(result.checkpoint.headHash)
    expect(text).toContain(testP12().fingerprint)
    // Furniture on every page: the banner and "page N of M".
    const pages = run('pdfinfo', [out]).out.match(/Pages:\s+(\d+)/)![1]
    expect(Number(pages)).toBe(result.pages)
    expect(text).toContain(`page 1 of ${pages}`)
    expect(text).toContain(`page ${pages} of ${pages}`)
    expect(text.split('CONFIDENTIAL — internal audit').length - 1).toBeGreaterThanOrEqual(Number(pages))
  })

  it('has a table of contents with page numbers and bookmarks', () => {
    expect(text).toMatch(/Contents[\s\S]*Executive summary\s*\.*\s*3/)
    const outline = JSON.parse(run('qpdf', ['--json=2', '--json-key=outlines', out]).out) as {
      outlines: Array<{ title: string; destpageposfrom1: number; kids: Array<{ title: string }> }>
    }
    const titles = outline.outlines.map((o) => o.title)
    expect(titles).toEqual([
      'Executive summary',
      'Scope and imports',
      'Initiatives',
      'Evidence register',
      'Appendix A — Audit trail',
      'Appendix B — Checkpoints',
      'Appendix C — Signatures and keys'
    ])
    expect(outline.outlines[2].kids.map((k) => k.title)).toHaveLength(6)
    expect(outline.outlines[0].destpageposfrom1).toBe(3)
  })

  it('verifies in Lastmile, with the embedded checkpoint, and the export is in the audit trail', () => {
    const v = verifyPdf(out, readFileSync(out))
    expect(v).toMatchObject({ ok: true, wholeDocument: true, signer: { fingerprint: testP12().fingerprint }, checkpoint: { number: 1, signatureValid: true } })
    const entry = listAudit(c.db, 0, 1).entries[0]
    expect(entry).toMatchObject({ action: 'export.pdf', details: { sha256: createHash('sha256').update(readFileSync(out)).digest('hex'), checkpoint: 1, pages: result.pages } })
    expect(verifyPdf(out, readFileSync(out), { expectSigner: '00:11' }).problem).toMatch(/not the expected key/)
  })

  it('one changed byte in either signed range is caught by pdfsig and by lastmile', () => {
    const orig = readFileSync(out)
    const v = verifyPdf(out, orig)
    const [, b, cStart] = v.byteRange!
    // Range 1: the binary comment on line 2 (changing it keeps the file parseable).
    const inFirst = orig.indexOf('%\xff', 0, 'latin1') + 1
    // Range 2: a byte inside a compressed stream after the signature.
    const inSecond = orig.indexOf('stream\n', cStart, 'latin1') + 60
    expect(inFirst).toBeGreaterThan(0)
    expect(inFirst).toBeLessThan(b)
    expect(inSecond).toBeGreaterThan(cStart)
    for (const at of [inFirst, inSecond]) {
      const bad = Buffer.from(orig)
      bad[at] ^= 0x20
      const file = join(dir, `flipped-${at}.pdf`)
      writeFileSync(file, bad)
      const sig = run('pdfsig', [file])
      expect(sig.out).not.toContain('Signature is Valid.')
      expect(sig.out).toMatch(/Signature is Invalid|Digest Mismatch/)
      const lv = verifyPdf(file, bad)
      expect(lv.ok).toBe(false)
      expect(lv.problem).toMatch(/the document was changed after it was signed/)
    }
  })

  it('notices bytes appended after signing (an incremental update)', () => {
    const appended = Buffer.concat([readFileSync(out), Buffer.from('\n% appended\n', 'latin1')])
    const file = join(dir, 'appended.pdf')
    writeFileSync(file, appended)
    expect(verifyPdf(file, appended).problem).toMatch(/bytes were added after signing/)
  })
})

describe('honest empty states', () => {
  it('says what this version does not record yet, and what a case does not have yet', async () => {
    const dir = tempDir()
    const { out } = await exportWith(dir, [])
    const text = pdfText(out)
    expect(text).toContain('Findings are not recorded by this version of Lastmile')
    expect(text).toContain('Initiatives are not recorded by this version of Lastmile.')
    expect(text).toContain('Evidence is not recorded by this version of Lastmile')
    expect(run('pdfsig', [out]).out).toContain('Signature is Valid.')

    const empty: ReportContributor = { name: 'empty', fills: ['findings', 'initiatives', 'evidence', 'scope'], contribute: () => undefined }
    const dir2 = tempDir()
    const second = await exportWith(dir2, [empty], { classification: '' })
    const t2 = pdfText(second.out)
    expect(t2).toContain('No findings in this case yet')
    expect(t2).toContain('None yet: this case has no findings')
    expect(t2).toContain('None yet: no evidence has been attached to this case.')
    expect(t2).not.toContain('not recorded by this version')
  })
})

describe('export off the event loop', () => {
  it('renders and signs in a worker thread, with progress', async () => {
    const dir = tempDir()
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const { out, events, result } = await exportWith(dir, [sampleContributor({ findings: 600, initiatives: 3 })], { inProcess: false })
    clearInterval(timer)
    expect(run('pdfsig', [out]).out).toContain('Signature is Valid.')
    expect(result.pages).toBeGreaterThan(20)
    expect(events.length).toBeGreaterThan(1)
    expect(events.every((e) => e.operation === 'export.pdf' && e.unit === 'findings')).toBe(true)
    // The main thread's timer kept firing while the worker rendered.
    expect(ticks).toBeGreaterThan(5)
  })
})

describe('chart data', () => {
  it('counts open exposure over time, closing findings when they close', () => {
    const f = (first: string, closed: string | null, severity: 'high' | 'low') =>
      ({ firstSeen: first, closedAt: closed, severity }) as unknown as Parameters<typeof exposureSeries>[0][number]
    const s = exposureSeries([f('2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z', 'high'), f('2026-01-02T00:00:00Z', null, 'low')], '2026-01-05T00:00:00Z', 5)
    expect(s.map((p) => [p.at.slice(0, 10), p.open, p.severe])).toEqual([
      ['2026-01-01', 1, 1],
      ['2026-01-02', 2, 1],
      ['2026-01-03', 1, 0],
      ['2026-01-04', 1, 0],
      ['2026-01-05', 1, 0]
    ])
    expect(exposureSeries([], '2026-01-01T00:00:00Z')).toEqual([])
  })

  it('picks whole-number axis ticks', () => {
    expect(axisTicks(42)).toEqual({ top: 50, step: 10 })
    expect(axisTicks(3)).toEqual({ top: 3, step: 1 })
    expect(axisTicks(7)).toEqual({ top: 8, step: 2 })
    expect(axisTicks(9999)).toEqual({ top: 10000, step: 2000 })
  })
})
