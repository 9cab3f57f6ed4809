// A case open read-only — an auditor's case file under review (session.openForReview opens it with
// openCaseDb's { readOnly: true }, as here) — hands out only the readable handle, so code that writes
// to it does not compile. Each `@ts-expect-error` below is part of the test: `npm run typecheck`
// checks test files and fails on a directive with no error under it, so if a writer took the
// readable handle again, or the readable handle could write, this file would stop compiling.
// The same calls, compiled anyway, are then run: the connection SQLite opened read-only refuses
// them (the second line, in words through caseRefusal), and the case file is unchanged.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { writeScenarioBundle } from '../../test/fixtures/remediation/scenario'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { appendAudit, verifyAudit } from '../audit/chain'
import { caseRefusal, type Db, type OpenCaseDb } from '../db/case-db'
import { addEvidenceBundle, setAccountEnvironment } from '../evidence/service'
import { listBundles } from '../case/evidence'
import { board, setFourEyes } from '../workflow'
import { workflowTx } from '../workflow/store'

const PASS = 'correct horse battery'
const ENGINE: Actor = { kind: 'engine', name: 'read-only-test' }
const now = (): string => '2026-11-21T09:00:00.000Z'
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** SQLite's refusal, as a person reads it (the dispatcher and the CLI map it the same way). */
function refusal(e: unknown): { code: string; message: string } | null {
  const r = caseRefusal(e)
  return r ? { code: r.code, message: r.message } : null
}

function catching(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected the call to be refused')
}

describe('a case open read-only, by type and at run time', () => {
  it('gives writers no handle: evidence.add, setAccountEnvironment, a workflow write and raw SQL do not compile, and are refused if forced', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, PASS)
    const bundle = writeScenarioBundle(join(dir, 'bundle'))
    app.session.close()
    const before = sha(path)

    app.session.openCase(path, PASS, { readOnly: true })
    const c: OpenCaseDb = app.session.require()
    expect(c.readOnly).toBe(true)
    const readable: Db = c.db
    const opts = { actor: ENGINE, now }

    // Readers take it as they are.
    expect(listBundles(readable)).toEqual([])
    expect(board(c, opts).changes).toEqual([])

    // The one run-time conversion refuses it: a review case has no writable handle to give.
    expect(() => app.session.requireWritable()).toThrow(expect.objectContaining({ code: 'read-only' }))

    // evidence.add as its handler was written before (session.require() to the writer)
    // @ts-expect-error addEvidenceBundle needs a WritableCaseDb
    const added: unknown = await addEvidenceBundle(app.session.require(), bundle, { ...opts, threads: 0 }).catch((e: unknown) => e)
    expect(refusal(added)).toMatchObject({ code: 'read-only', message: expect.stringContaining('open read-only') })

    // evidence.setAccountEnvironment likewise
    // @ts-expect-error setAccountEnvironment needs a WritableCaseDb
    expect(refusal(catching(() => setAccountEnvironment(c, '111122223333', 'prod', opts)))).toMatchObject({ code: 'read-only' })

    // a workflow write, and the transaction every workflow write runs in
    // @ts-expect-error setFourEyes needs a WritableCaseDb
    expect(refusal(catching(() => setFourEyes(c, false, 'the owner tries, on the review copy', app.session.actor(), now)))).toMatchObject({ code: 'read-only' })
    // @ts-expect-error workflowTx needs a WritableCaseDb
    expect(refusal(catching(() => workflowTx(c, now, (tx) => tx.audit({ actor: ENGINE, action: 'test.write', target: 'x' }))))).toMatchObject({ code: 'read-only' })

    // the audit trail, and raw SQL through the readable handle
    // @ts-expect-error appendAudit needs a WritableDb
    expect(refusal(catching(() => appendAudit(readable, c.id, { actor: ENGINE, action: 'test.write', target: 'x' }, now())))).toMatchObject({ code: 'read-only' })
    // @ts-expect-error a readable statement has no run()
    expect(refusal(catching(() => readable.prepare('DELETE FROM audit_log').run()))).toMatchObject({ code: 'read-only' })
    // @ts-expect-error the readable handle has no exec()
    expect(refusal(catching(() => readable.exec('CREATE TABLE x (a)')))).toMatchObject({ code: 'read-only' })

    expect(verifyAudit(readable, c.id).ok).toBe(true)
    app.session.close()
    expect(sha(path)).toBe(before)
  })
})
