import { useEffect, useId, useState, type FormEvent, type ReactElement, type ReactNode } from 'react'
import type { CaseVerificationResult, CheckpointInfo, ChosenPath, PeopleVerification } from '../../../shared/contract'
import { call } from '../api'
import { useOpenCase } from '../app-state'
import { TextField } from '../components/Field'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { PathField } from '../components/PathField'
import { ShowInFolder } from '../components/ShowInFolder'
import { describeProgress, ProgressBar } from '../components/Progress'
import { describeError, errorCode } from '../errors'
import { formatTime, plural, shortHash } from '../format'
import { useCancel, useProgress } from '../long-work'
import '../styles/approvals.css'

const READ_ONLY_REASON = 'This case is open read-only for review: an export writes a checkpoint, so it cannot be made here.'

type Outcome = { tone: 'success' | 'error' | 'info'; title: string; body: ReactNode } | null

function useAction(onDone?: () => void): [boolean, Outcome, (title: string, fail: string, run: () => Promise<ReactNode>) => Promise<void>] {
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>(null)
  async function run(title: string, fail: string, fn: () => Promise<ReactNode>): Promise<void> {
    setBusy(true)
    setOutcome(null)
    try {
      setOutcome({ tone: 'success', title, body: await fn() })
    } catch (e) {
      // cancelled by the user: said as what happened, not as a failure
      if (errorCode(e) === 'cancelled') setOutcome({ tone: 'info', title: 'Cancelled', body: describeError(e) })
      else setOutcome({ tone: 'error', title: fail, body: describeError(e) })
    } finally {
      setBusy(false)
      // whatever the outcome: a failed or cancelled export may still have written its checkpoint
      onDone?.()
    }
  }
  return [busy, outcome, run]
}

function OutcomeNotice({ outcome }: { outcome: Outcome }): ReactElement | null {
  if (!outcome) return null
  return (
    <Notice tone={outcome.tone} title={outcome.title}>
      {outcome.body}
    </Notice>
  )
}

function splitRefs(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** Where a verification broke, for a sentence: the table and row, or the entry or checkpoint, and the reason. */
function whereBroken(b: { kind: string; seq: number; table?: string; key?: string; reason: string } | null | undefined): string {
  if (!b) return 'a signature or hash does not match'
  const where = b.kind === 'row' || b.kind === 'table' ? `${b.table ?? 'a table'}${b.key ? ` row ${b.key}` : ''}` : `${b.kind} ${b.seq}`
  return `${where}: ${b.reason}`
}

/** Signed PDF report, auditor case file, guardrails, routing package and checkpoint status. */

export function ExportsPage(): ReactElement {
  const current = useOpenCase()
  const readOnly = current.readOnly
  const [progress, setProgress] = useProgress('export.pdf')
  const [exported, setExported] = useState(0)
  const bump = (): void => {
    setExported((n) => n + 1)
    setProgress(null)
  }

  return (
    <Page
      title="Exports"
      description="Reports and packages that leave the case. Each export writes a signed checkpoint of the audit trail first, so what was exported can be verified later."
    >
      {readOnly ? (
        // the auditor's workbench: what the verification found comes first; nothing is exported
        // from a review copy, so the export forms give way to one line
        <>
          <AuditorReview />
          <p className="muted">{READ_ONLY_REASON} Exports are made from the case itself.</p>
        </>
      ) : (
        <>
          {progress && progress.message !== 'written' ? (
            <div aria-live="polite">
              <ProgressBar label="Exporting the signed PDF report" done={progress.done} total={progress.total} detail={describeProgress(progress)} />
            </div>
          ) : null}
          <div className="exports-grid">
            <PdfExport readOnly={readOnly} onDone={bump} />
            <CaseFileExport readOnly={readOnly} onDone={bump} />
            <GuardrailsExport readOnly={readOnly} onDone={bump} />
            <RoutingExport readOnly={readOnly} onDone={bump} />
          </div>
        </>
      )}
      <Checkpoints caseId={current.id} version={exported} />
    </Page>
  )
}

/**
 * The certificate field's state, filled with the certificate remembered in Settings (main offers
 * it; the passphrase is asked for at each export).
 */
function useCertificate(): { p12: ChosenPath | null; setP12(p: ChosenPath): void; hint: string | undefined } {
  const [p12, setP12] = useState<ChosenPath | null>(null)
  const [remembered, setRemembered] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    call('signing.settings', {})
      .then((s) => {
        const file = s.certificate?.file
        if (!live || !file) return
        setRemembered(file.path)
        setP12((p) => p ?? file)
      })
      .catch(() => undefined) // the field stays empty, as without a remembered certificate
    return () => {
      live = false
    }
  }, [])
  return { p12, setP12, hint: remembered && p12?.path === remembered ? 'The certificate remembered in Settings.' : undefined }
}

function PdfExport({ readOnly, onDone }: { readOnly: boolean; onDone(): void }): ReactElement {
  const [out, setOut] = useState<ChosenPath | null>(null)
  const { p12, setP12, hint } = useCertificate()
  const [passphrase, setPassphrase] = useState('')
  const [classification, setClassification] = useState('')
  const [cancelError, setCancelError] = useState<string | null>(null)
  const cancelExport = useCancel('export.cancel', setCancelError)
  const [busy, outcome, run] = useAction(onDone)
  function submit(e: FormEvent): void {
    e.preventDefault()
    cancelExport.reset()
    setCancelError(null)
    void run('The signed PDF report was written', 'The PDF report could not be exported', async () => {
      const r = await call('export.pdf', {
        out: out!.token,
        ...(out!.replaces ? { overwrite: true } : {}),
        sign: { p12Path: p12!.token, passphrase },
        classification: classification.trim() || undefined
      })
      return (
        <>
          <code className="hash-full">{r.path}</code>: {plural(r.pages, 'page')}, {r.bytes.toLocaleString('en-US')} bytes, SHA-256{' '}
          <code title={r.sha256}>{shortHash(r.sha256)}</code>. Signed by {r.signer.subject} ({r.signer.fingerprint}). <ShowInFolder path={r.path} />
        </>
      )
    })
  }
  return (
    <Section title="Signed PDF report" description="The case’s report, signed with your organisation’s PKCS#12 certificate.">
      <form className="form" onSubmit={submit}>
        <PathField label="Save the report as" chooser={{ save: 'report' }} value={out} onChange={setOut} disabled={readOnly} />
        <PathField label="Signing certificate (.p12)" chooser={{ open: 'certificate' }} value={p12} onChange={setP12} disabled={readOnly} hint={hint} />
        <TextField label="Certificate passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} disabled={readOnly} autoComplete="off" />
        <TextField label="Classification banner (optional)" value={classification} onChange={(e) => setClassification(e.target.value)} disabled={readOnly} maxLength={200} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={readOnly || busy || !out || !p12} title={readOnly ? READ_ONLY_REASON : undefined}>
            {busy ? 'Exporting…' : 'Export signed PDF'}
          </button>
          {busy ? (
            <button
              type="button"
              className="button ghost"
              disabled={cancelExport.cancelling}
              onClick={() => {
                setCancelError(null)
                void cancelExport.cancel()
              }}
            >
              {cancelExport.cancelling ? 'Cancelling…' : 'Cancel the export'}
            </button>
          ) : null}
          {cancelError ? <span className="error-text">{cancelError}</span> : null}
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </Section>
  )
}

function CaseFileExport({ readOnly, onDone }: { readOnly: boolean; onDone(): void }): ReactElement {
  const [out, setOut] = useState<ChosenPath | null>(null)
  const [pass, setPass] = useState('')
  const [repeat, setRepeat] = useState('')
  const [withCertificate, setWithCertificate] = useState(false)
  const { p12, setP12, hint } = useCertificate()
  const [certPass, setCertPass] = useState('')
  const [busy, outcome, run] = useAction(onDone)
  const mismatch = repeat !== '' && repeat !== pass
  const signerId = useId()
  function submit(e: FormEvent): void {
    e.preventDefault()
    if (mismatch) return
    void run('The auditor case file was written', 'The case file could not be exported', async () => {
      const r = await call('export.caseFile', {
        out: out!.token,
        ...(out!.replaces ? { overwrite: true } : {}),
        exportPassphrase: pass,
        ...(withCertificate && p12 ? { sign: { p12Path: p12.token, passphrase: certPass } } : {})
      })
      return (
        <>
          <code className="hash-full">{r.path}</code>: {r.bytes.toLocaleString('en-US')} bytes, SHA-256 <code title={r.sha256}>{shortHash(r.sha256)}</code>. Signed by{' '}
          {r.signer.subject} ({r.signer.kind}). Give the auditor the export passphrase separately. <ShowInFolder path={r.path} />
        </>
      )
    })
  }
  return (
    <Section title="Auditor case file" description="A read-only copy of the case under its own export passphrase, for an auditor to open for review.">
      <form className="form" onSubmit={submit}>
        <PathField label="Save the case file as" chooser={{ save: 'case-file' }} value={out} onChange={setOut} disabled={readOnly} />
        <TextField
          label="Export passphrase"
          type="password"
          value={pass}
          onChange={(e) => setPass(e.target.value)}
          disabled={readOnly}
          autoComplete="new-password"
          hint="At least 8 characters."
        />
        <TextField
          label="Repeat the export passphrase"
          type="password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          disabled={readOnly}
          autoComplete="new-password"
          error={mismatch ? 'The passphrases differ.' : null}
        />
        <fieldset className="radio-group" aria-describedby={signerId}>
          <legend>Sign the case file with</legend>
          <label>
            <input type="radio" name="case-file-signer" checked={!withCertificate} onChange={() => setWithCertificate(false)} disabled={readOnly} /> This machine’s device key
          </label>
          <label>
            <input type="radio" name="case-file-signer" checked={withCertificate} onChange={() => setWithCertificate(true)} disabled={readOnly} /> The organisation’s certificate
            (.p12)
          </label>
          <p id={signerId} className="muted small-print">
            The auditor checks the signature against the signer’s fingerprint; a certificate names your organisation, the device key names this machine.
          </p>
        </fieldset>
        {withCertificate ? (
          <>
            <PathField label="Signing certificate (.p12)" chooser={{ open: 'certificate' }} value={p12} onChange={setP12} disabled={readOnly} hint={hint} />
            <TextField label="Certificate passphrase" type="password" value={certPass} onChange={(e) => setCertPass(e.target.value)} disabled={readOnly} autoComplete="off" />
          </>
        ) : null}
        <div className="form-actions">
          <button
            type="submit"
            className="button primary"
            disabled={readOnly || busy || !out || !pass || mismatch || repeat === '' || (withCertificate && !p12)}
            title={readOnly ? READ_ONLY_REASON : undefined}
          >
            {busy ? 'Exporting…' : 'Export case file'}
          </button>
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </Section>
  )
}

function GuardrailsExport({ readOnly, onDone }: { readOnly: boolean; onDone(): void }): ReactElement {
  const [ref, setRef] = useState('')
  const [out, setOut] = useState<ChosenPath | null>(null)
  const [busy, outcome, run] = useAction(onDone)
  function submit(e: FormEvent): void {
    e.preventDefault()
    void run('The guardrails were written', 'The guardrails could not be exported', async () => {
      const r = await call('guardrails.export', { ref: ref.trim() || undefined, out: out!.token })
      return (
        <>
          {plural(r.files.length, 'file')} for {r.scope} ({r.controls.join(', ') || 'no controls'}) in <code className="hash-full">{r.dir}</code>.
          {r.notes.length ? ` ${r.notes.join(' ')}` : ''} <ShowInFolder path={r.dir} />
        </>
      )
    })
  }
  return (
    <Section title="Guardrails" description="Preventive policies (SCPs, Config rules, Azure Policy) for a finding, an initiative or the whole case.">
      <form className="form" onSubmit={submit}>
        <TextField label="Finding or initiative (optional)" value={ref} onChange={(e) => setRef(e.target.value)} placeholder="I-3" disabled={readOnly} />
        <PathField label="Write to folder" chooser={{ save: 'guardrails' }} value={out} onChange={setOut} disabled={readOnly} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={readOnly || busy || !out} title={readOnly ? READ_ONLY_REASON : undefined}>
            {busy ? 'Exporting…' : 'Export guardrails'}
          </button>
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </Section>
  )
}

function RoutingExport({ readOnly, onDone }: { readOnly: boolean; onDone(): void }): ReactElement {
  const [refs, setRefs] = useState('')
  const [groupBy, setGroupBy] = useState<'initiative' | 'owner'>('initiative')
  const [out, setOut] = useState<ChosenPath | null>(null)
  const [busy, outcome, run] = useAction(onDone)
  function submit(e: FormEvent): void {
    e.preventDefault()
    void run('The routing package was written', 'The routing package could not be written', async () => {
      const r = await call('workflow.route', { refs: splitRefs(refs), groupBy, out: out!.token })
      return (
        <>
          {plural(r.tickets, 'ticket')} for {plural(r.findings.length, 'finding')} ({plural(r.files.length, 'file')}) in <code className="hash-full">{r.dir}</code>.{' '}
          <ShowInFolder path={r.dir} />
        </>
      )
    })
  }
  return (
    <Section title="Routing package" description="Tickets for the owners of findings that cannot be fixed here (UNSAFE ones), one per initiative or owner.">
      <form className="form" onSubmit={submit}>
        <TextField label="Findings or initiatives" value={refs} onChange={(e) => setRefs(e.target.value)} placeholder="F-12, I-3" disabled={readOnly} required />
        <div className="field">
          <label htmlFor="route-group">One ticket per</label>
          <div className="field-row">
            <select id="route-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value as 'initiative' | 'owner')} disabled={readOnly}>
              <option value="initiative">initiative</option>
              <option value="owner">owner</option>
            </select>
          </div>
        </div>
        <PathField label="Write to folder" chooser={{ save: 'routing' }} value={out} onChange={setOut} disabled={readOnly} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={readOnly || busy || !out || splitRefs(refs).length === 0} title={readOnly ? READ_ONLY_REASON : undefined}>
            {busy ? 'Writing…' : 'Write routing package'}
          </button>
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </Section>
  )
}

function Checkpoints({ caseId, version }: { caseId: string; version: number }): ReactElement {
  const [list, setList] = useState<CheckpointInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [reload, setReload] = useState(0)
  const [verification, setVerification] = useState<CaseVerificationResult | null>(null)
  const [busy, outcome, run] = useAction()
  useEffect(() => {
    let live = true
    call('checkpoint.list', {})
      .then((l) => live && (setList(l), setError(null)))
      .catch((e: unknown) => live && setError(describeError(e)))
    return () => {
      live = false
    }
  }, [caseId, reload, version])
  function verify(): void {
    void run('Checked', 'The checkpoints could not be verified', async () => {
      const r = await call('checkpoint.verify', {})
      setVerification(r)
      setReload((n) => n + 1)
      return r.ok
        ? `The audit trail and ${plural(r.checkpoints.count, 'checkpoint')} verify; sealed through entry ${r.checkpoints.sealedThrough}, ${r.checkpoints.unsealed} unsealed.`
        : `Broken: ${whereBroken(r.firstBad)}.`
    })
  }
  return (
    <Section title="Checkpoints" description="Signed seals over the audit trail, written by every export.">
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
        <button type="button" className="button primary" onClick={verify} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify checkpoints'}
        </button>
      </div>
      {outcome ? (
        <Notice tone={verification && !verification.ok ? 'error' : outcome.tone} title={outcome.title}>
          {outcome.body}
        </Notice>
      ) : null}
      {error ? (
        <Notice tone="error" title="The checkpoints could not be loaded">
          {error}
        </Notice>
      ) : null}
      {verification ? <SignedDecisions people={verification.people} /> : null}
      <div className="table-scroll" role="region" aria-label="Checkpoints" tabIndex={0}>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                No.
              </th>
              <th scope="col">Entries</th>
              <th scope="col">Created</th>
              <th scope="col">Signer</th>
              <th scope="col">Head hash</th>
            </tr>
          </thead>
          <tbody>
            {list?.map((c) => (
              <tr key={c.number}>
                <td className="num">{c.number}</td>
                <td className="nowrap">
                  {c.firstSeq}–{c.lastSeq}
                </td>
                <td className="nowrap">
                  <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
                </td>
                <td className="mono truncate" title={c.signer.fingerprint}>
                  {c.signer.kind} · {c.signer.algorithm} · {shortHash(c.signer.fingerprint, 17)}
                </td>
                <td className="mono nowrap" title={c.headHash}>
                  {shortHash(c.headHash)}
                </td>
              </tr>
            ))}
            {list && list.length === 0 ? (
              <tr>
                <td colSpan={5} className="table-empty">
                  No checkpoint yet: the first export writes one.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </Section>
  )
}

/** The demo's throw-away certificate names itself so (main/export/demo-certificate.ts). */
const isThrowAway = (subject: string): boolean => /\bDEMO\b|throw-away/i.test(subject)

/**
 * The auditor's workbench in review mode: the case file is verified as soon as it is open (audit
 * chain, checkpoints and their signers, the sealed case state, every decision's signature), the
 * result first; the auditor can name the signer they expect (its fingerprint, from the
 * organisation) and the verification says whether the checkpoints were signed by it.
 */
function AuditorReview(): ReactElement {
  const [result, setResult] = useState<CaseVerificationResult | null>(null)
  const [checked, setChecked] = useState<string | null>(null)
  const [expected, setExpected] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  async function verify(expectSigner?: string): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      setResult(await call('checkpoint.verify', expectSigner ? { expectSigner } : {}))
      setChecked(expectSigner ?? null)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  useEffect(() => {
    void verify()
  }, [])
  const r = result
  const signerProblem = checked ? r?.problems.find((p) => /expected|signer/i.test(p.reason)) : undefined
  return (
    <Section
      title="Verification of this case file"
      description="Checked when the case file was opened: the audit trail, its signed checkpoints, the case state they seal and who signed each decision."
    >
      {error ? (
        <Notice tone="error" title="The case file could not be verified">
          {error}
        </Notice>
      ) : null}
      {!r && !error ? <p className="muted">Verifying…</p> : null}
      {r ? (
        <>
          <Notice tone={r.ok ? 'success' : 'error'} title={r.ok ? 'The case file verifies' : 'The case file does not verify'}>
            {r.ok
              ? `Audit trail of ${plural(r.audit.entries, 'entry', 'entries')} intact; ${plural(r.checkpoints.count, 'signed checkpoint')} sealing it through entry ${r.checkpoints.sealedThrough}; case state (${plural(r.state.tables, 'table')}, ${plural(r.state.rows, 'row')}) as the trail recorded it; ${plural(r.people.decisions.filter((d) => d.signed).length, 'decision')} signed.`
              : whereBroken(r.firstBad)}
          </Notice>
          <div className="table-scroll" role="region" aria-label="Signers of the checkpoints" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Signed by</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Fingerprint (SHA-256)</th>
                  <th scope="col">Checkpoints</th>
                </tr>
              </thead>
              <tbody>
                {r.checkpoints.signers.map((s) => (
                  <tr key={s.fingerprint}>
                    <td>
                      {s.subject}
                      {s.issuer ? <div className="muted small-print">issued by {s.issuer === s.subject ? 'itself (self-signed)' : s.issuer}</div> : null}
                      {isThrowAway(s.subject) ? <span className="pill warning-pill"> throw-away demo certificate: proves nothing about a person</span> : null}
                    </td>
                    <td className="nowrap">
                      {s.kind === 'pkcs12' ? 'organisation certificate' : s.kind === 'device' ? 'device key' : 'personal key'} · {s.algorithm}
                    </td>
                    <td className="mono break">{s.fingerprint}</td>
                    <td>{s.checkpoints.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form
            className="form inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              void verify(expected.trim())
            }}
          >
            <TextField
              label="The signer you expect (fingerprint)"
              value={expected}
              onChange={(e) => setExpected(e.target.value)}
              placeholder="AB:CD:…"
              hint="From your organisation: the SHA-256 fingerprint of the certificate or key that should have signed."
            />
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy || !expected.trim()}>
                {busy ? 'Checking…' : 'Check the signer'}
              </button>
            </div>
          </form>
          {checked ? (
            signerProblem || !r.ok ? (
              <Notice tone="error" title="Not signed by the signer you expect">
                {signerProblem?.reason ?? r.firstBad?.reason ?? `no checkpoint was signed by ${checked}`}
              </Notice>
            ) : (
              <Notice tone="success" title="Signed by the signer you expect">
                Every checkpoint was signed by {r.checkpoints.signers.map((s) => s.subject).join(', ')} ({checked}).
              </Notice>
            )
          ) : null}
          <SignedDecisions people={r.people} />
        </>
      ) : null}
    </Section>
  )
}

/**
 * Who decided what, as the verification found it: the case owner, every time four-eyes was
 * switched (off in red), and each decision with the person and key that signed it.
 */
function SignedDecisions({ people }: { people: PeopleVerification }): ReactElement {
  const off = people.fourEyes.filter((f) => !f.enabled)
  return (
    <div role="region" aria-label="Who signed what">
      <p className="muted">
        {people.owner
          ? `Case owner: ${people.owner.name} (OS user ${people.owner.osUser}, key ${shortHash(people.owner.key, 17)}); the owner grants the roles.`
          : 'This case has no owner (made before people had signing keys): roles were declared, not granted.'}
      </p>
      {off.length ? (
        <Notice tone="error" title="Four-eyes was turned off">
          {people.fourEyes.map((f) => `${f.enabled ? 'On' : 'OFF'} at ${formatTime(f.time)} by ${f.by} (entry ${f.seq}, signed): ${f.reason}`).join(' · ')}
        </Notice>
      ) : null}
      <div className="table-scroll" tabIndex={0}>
        <table className="data-table" aria-label="Decisions and their signers">
          <thead>
            <tr>
              <th scope="col" className="num">
                No.
              </th>
              <th scope="col">Decision</th>
              <th scope="col">Target</th>
              <th scope="col">Person</th>
              <th scope="col">Signed by key</th>
            </tr>
          </thead>
          <tbody>
            {people.decisions.map((d) => (
              <tr key={d.seq}>
                <td className="num">{d.seq}</td>
                <td>{d.action}</td>
                <td>{d.target}</td>
                <td>
                  {d.name} ({d.role}
                  {d.osUser ? `, ${d.osUser}` : ''})
                </td>
                <td className="mono" title={d.key ?? ''}>
                  {d.signed && d.key ? shortHash(d.key, 17) : 'NOT SIGNED'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
