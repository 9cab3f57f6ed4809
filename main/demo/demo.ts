// `lastmile demo`: the whole product on the bundled demo case (resources/demo), end to end —
// ingest, evidence, investigate, plan, one approval, a recorded execution, validation, and both
// exports signed with a throw-away certificate made on the spot. It is what a new user runs first,
// and what shows that every stage works on a fresh checkout.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Actor, RciVerdict, Role } from '../../shared/model'
import type { PlanView } from '../../shared/remediation'
import { loadPkcs12 } from '../audit/pkcs12'
import { verifyCase } from '../audit/checkpoint'
import { createCaseDb, type CaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { exportCaseFile } from '../export/case-file'
import { prepareOutputFolder, writeOutputFile } from '../services/outputs'
import { makeDemoCertificate } from '../export/demo-certificate'
import { exportPdf } from '../export/export-pdf'
import { buildCase } from './case-builder'
import { approve, plan, recordExecutionOf, validate } from '../workflow'
import { appendAudit } from '../audit/chain'
import { actorFor } from '../identity/agent'
import { joinCase, setRole } from '../identity/case-people'
import { personalSigner } from '../identity/signer'
import type { Progress } from '../../shared/model'

export interface DemoOptions {
  out: string
  /** resources/demo */
  demoDir: string
  now?: () => string
  onStep?: (message: string) => void
  onProgress?: (p: Progress) => void
  /**
   * Who creates (and so owns) the demo case: the person opening it in the app, or running
   * `lastmile demo`, so that they can grant roles in it. Default: the demo's analyst.
   */
  owner?: Extract<Actor, { kind: 'person' }>
}

export interface DemoResult {
  out: string
  case: string
  keyFile: string
  report: string
  caseFile: string
  exportPassFile: string
  certificate: { file: string; passFile: string; subject: string }
  imports: number
  alerts: number
  findings: number
  verdicts: Record<RciVerdict, number>
  plan: { id: string; target: string; verdict: RciVerdict; artefacts: string[] }
  approvedBy: string
  validation: string
  pdf: { pages: number; sha256: string }
  verified: boolean
}

/**
 * The three people of the demo: the analyst asks, the approver decides, the operator runs. Each
 * has their own signing key, made for this run and never kept (they are fictitious): four-eyes
 * holds because the requester's and the approver's keys differ.
 */
function demoPerson(name: string, role: Role): Extract<Actor, { kind: 'person' }> {
  return actorFor(personalSigner(generateKeyPairSync('ed25519').privateKey, name, 'demo'), role)
}

/** The finding the demo carries to the end: an HTTPS-only fix the evidence says is SAFE. */
const DEMO_BUCKET = 'arn:aws:s3:::acme-reports-prod'

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const now = o.now ?? (() => new Date().toISOString())
  const step = o.onStep ?? (() => undefined)
  const out = prepareOutputFolder(o.out, { inputs: [], empty: true, emptyHint: 'give --out a new or empty folder (the demo never overwrites)' })
  const demo = resolve(o.demoDir)
  for (const part of ['exports', 'evidence']) {
    if (!existsSync(join(demo, part))) throw new LastmileError('not-found', `${join(demo, part)}: the demo data is missing from this installation`)
  }

  // The secrets of a demo are written beside it on purpose: it is a demo, and a reader must be
  // able to reopen and verify everything it made.
  const keyFile = join(out, 'demo-case.key')
  const key = `demo-${randomBytes(12).toString('base64url')}`
  writeOutputFile(keyFile, Buffer.from(`${key}\n`), { inputs: [], mode: 0o600 })
  const casePath = join(out, 'acme-demo.lmcase')
  const c = createCaseDb(casePath, key, { name: 'Acme demo case', now: now() })
  const ANALYST = demoPerson('Dana Analyst (demo)', 'analyst')
  const APPROVER = demoPerson('Rita Approver (demo)', 'approver')
  const OPERATOR = demoPerson('Omar Operator (demo)', 'operator')
  const owner = o.owner ?? ANALYST
  try {
    appendAudit(c.db, c.id, { actor: owner, action: 'case.create', target: c.id, details: { name: c.name, demo: true } }, now())
    // the owner grants the demo's people their roles (the analyst role everyone holds)
    for (const p of [ANALYST, APPROVER, OPERATOR]) {
      joinCase(c, p, now)
      if (p.role !== 'analyst' && p.key !== owner.key) setRole(c, p.key!, p.role, true, owner, now)
    }

    step('ingest the exports and add the evidence bundle, then investigate every finding')
    const built = await buildCase(c, { exportsDir: join(demo, 'exports'), bundleDir: join(demo, 'evidence'), actor: ANALYST, now })
    const verdicts = countVerdicts(c)

    const finding = demoFinding(c)
    step(`plan the fix for ${finding} (${DEMO_BUCKET}), approve it, record its execution`)
    const p = plan(c, finding, { actor: ANALYST, now })
    approve(c, p.id, { actor: APPROVER, now, reason: 'Demo: 90 days of data events show HTTPS only; the merged policy keeps every existing statement.' })
    recordExecutionOf(c, p.id, {
      actor: OPERATOR,
      now,
      outcome: 'executed',
      output: Buffer.from(
        `DEMO — no cloud was touched. In a real session the operator runs the approved script and attaches its output here.\n${p.artefacts.map((a) => `# ${a.kind} (${a.language})`).join('\n')}\n`
      ),
      outputName: 'demo-execution.txt'
    })

    step('validate the fix with a new evidence bundle that shows the bucket policy in place')
    const after = afterBundle(demo, out, p, now())
    const validation = await validate(c, p.id, { bundle: after }, { actor: OPERATOR, now })

    step('export the signed PDF report and the auditor case file with a demo certificate made now')
    const cert = makeDemoCertificate(new Date(now()))
    const p12 = join(out, 'demo-signer.p12')
    const p12Pass = join(out, 'demo-signer.pass')
    writeOutputFile(p12, cert.p12, { inputs: [], mode: 0o600 })
    writeOutputFile(p12Pass, Buffer.from(`${cert.passphrase}\n`), { inputs: [], mode: 0o600 })
    const report = join(out, 'acme-demo-report.pdf')
    const pdf = await exportPdf(c, {
      out: report,
      p12Path: p12,
      p12Passphrase: cert.passphrase,
      classification: 'DEMO — fictitious data — not an audit of any real system',
      actor: ANALYST,
      now,
      onProgress: o.onProgress
    })
    const exportPass = `demo-export-${randomBytes(9).toString('base64url')}`
    const exportPassFile = join(out, 'demo-export.pass')
    writeOutputFile(exportPassFile, Buffer.from(`${exportPass}\n`), { inputs: [], mode: 0o600 })
    const caseFile = join(out, 'acme-demo.lmaudit')
    exportCaseFile(c, { out: caseFile, exportPassphrase: exportPass, signer: loadPkcs12(p12, cert.passphrase), actor: ANALYST, now })
    const verified = verifyCase(c.db, c.id).ok

    const alerts = built.ingest.imports.reduce((n, r) => n + ('alerts' in r ? r.alerts : 0), 0)
    return {
      out,
      case: casePath,
      keyFile,
      report,
      caseFile,
      exportPassFile,
      certificate: { file: p12, passFile: p12Pass, subject: cert.commonName },
      imports: built.ingest.imports.length,
      alerts,
      findings: Object.values(verdicts).reduce((a, b) => a + b, 0),
      verdicts,
      plan: { id: p.id, target: p.target, verdict: p.verdict, artefacts: p.artefacts.map((a) => `${a.kind}/${a.language}`) },
      approvedBy: APPROVER.name,
      validation: summariseValidation(validation),
      pdf: { pages: pdf.pages, sha256: pdf.sha256 },
      verified
    }
  } finally {
    c.close()
  }
}

function countVerdicts(c: CaseDb): Record<RciVerdict, number> {
  const counts: Record<RciVerdict, number> = { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 }
  const rows = c.db.prepare("SELECT coalesce(rci_verdict, 'UNSCORED') AS v, count(*) AS n FROM findings GROUP BY 1").all() as Array<{ v: RciVerdict; n: number }>
  for (const r of rows) counts[r.v] = (counts[r.v] ?? 0) + r.n
  return counts
}

function demoFinding(c: CaseDb): string {
  const row = c.db
    .prepare("SELECT f.id, f.rci_verdict AS v FROM findings f JOIN resources r ON r.id = f.resource_id WHERE f.control = 'aws.s3.https-only' AND r.canonical_id = ?")
    .get(DEMO_BUCKET) as { id: number; v: string | null } | undefined
  if (!row) throw new LastmileError('internal', `the demo data has no HTTPS finding for ${DEMO_BUCKET}`)
  if (row.v !== 'SAFE') throw new LastmileError('internal', `the demo expects ${DEMO_BUCKET} to be SAFE to fix, the investigation says ${row.v}`)
  return `F-${row.id}`
}

/**
 * The evidence a re-collection would bring after the fix: the demo bundle with the approved bucket
 * policy in the inventory (the plan's policy JSON, applied as the script would apply it), re-hashed.
 * Written inside the demo's folder, so what validated the fix is there to inspect.
 */
function afterBundle(demo: string, out: string, p: PlanView, collectedAt: string): string {
  const policy = p.artefacts.find((a) => a.kind === 'policy-json' || a.language === 'json')
  if (!policy) throw new LastmileError('internal', `plan ${p.id} has no policy JSON to apply in the demo`)
  const dir = join(out, 'evidence-after-fix')
  cpSync(join(demo, 'evidence'), dir, { recursive: true })
  const manifestPath = join(dir, 'manifest.json')
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    collectedAt: string
    files: Array<{ path: string; sha256: string; bytes: number }>
    [k: string]: unknown
  }
  let changed = false
  for (const f of manifest.files) {
    if (!/inventory\/s3-buckets\.json$/.test(f.path)) continue
    const file = join(dir, f.path)
    const inv = JSON.parse(readFileSync(file, 'utf8')) as { buckets: Array<{ name: string; policy: string | null }> }
    const bucket = inv.buckets.find((b) => `arn:aws:s3:::${b.name}` === DEMO_BUCKET)
    if (!bucket) continue
    bucket.policy = JSON.stringify(JSON.parse(policy.content))
    writeFileSync(file, JSON.stringify(inv, null, 2))
    changed = true
  }
  if (!changed) throw new LastmileError('internal', `the demo bundle has no inventory entry for ${DEMO_BUCKET}`)
  // collected after the recorded execution: only then can it show the fix
  manifest.collectedAt = collectedAt
  return rehash(dir, manifest, manifestPath)
}

function rehash(dir: string, manifest: { files: Array<{ path: string; sha256: string; bytes: number }> }, manifestPath: string): string {
  for (const f of manifest.files) {
    const buf = readFileSync(join(dir, f.path))
    f.sha256 = createHash('sha256').update(buf).digest('hex')
    f.bytes = buf.length
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2))
  return dir
}

function summariseValidation(v: unknown): string {
  const rows = (Array.isArray(v) ? v : [v]) as Array<{ finding?: string; result?: string; reason?: string; state?: string }>
  return rows.map((r) => `${r.finding ?? '?'} ${r.result ?? '?'}${r.state ? ` → ${r.state}` : ''}${r.reason ? ` (${r.reason})` : ''}`).join('; ')
}
