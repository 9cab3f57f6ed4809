// Migration 0050 (remediation): applied to a new case, recorded in the ledger, and its tables
// refuse the rows that would make the workflow lie (an approval without a reason, a state that is
// not a state, half a void).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createCaseDb, migrationHash } from '../case-db'
import * as m0050 from './0050-remediation'
import { MIGRATIONS } from '.'

const dir = mkdtempSync(join(tmpdir(), 'lm-0050-'))
const c = createCaseDb(join(dir, 'c.lmcase'), 'migration-test-key', { now: '2026-11-21T09:00:00Z' })
afterAll(() => c.close())

describe('0050-remediation', () => {
  it('is in the ledger, applied once, with its hash', () => {
    expect(MIGRATIONS.map((m) => m.version)).toContain(50)
    const row = c.db.prepare('SELECT name, sha256 FROM schema_migrations WHERE version = 50').get() as { name: string; sha256: string }
    expect(row).toEqual({ name: 'remediation', sha256: migrationHash(m0050) })
    for (const t of [
      'workflow_settings',
      'remediation_plans',
      'plan_findings',
      'workflow_findings',
      'workflow_transitions',
      'approvals',
      'executions',
      'validations',
      'routings',
      'decision_history'
    ]) {
      expect(c.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t), t).toBeDefined()
    }
  })

  it('refuses inconsistent rows', () => {
    const insPlan = () =>
      c.db
        .prepare(
          "INSERT INTO remediation_plans (id, target, verdict, status, requested_by, created_at, four_eyes, body, body_sha256) VALUES (1, 'I-1', 'SAFE', 'active', '{}', 't', 1, '{}', ?)"
        )
        .run('0'.repeat(64))
    insPlan()
    expect(() =>
      c.db
        .prepare(
          "INSERT INTO remediation_plans (id, target, verdict, status, requested_by, created_at, four_eyes, body, body_sha256) VALUES (2, 'I-1', 'MAYBE', 'active', '{}', 't', 1, '{}', ?)"
        )
        .run('0'.repeat(64))
    ).toThrow(/CHECK/)
    // findings come from the ingest tables; a workflow row for a finding that does not exist is refused
    expect(() => c.db.prepare("INSERT INTO workflow_findings (finding_id, state, updated_at) VALUES (999, 'planned', 't')").run()).toThrow(/FOREIGN KEY/)
    c.db.pragma('foreign_keys = OFF')
    try {
      expect(() => c.db.prepare("INSERT INTO workflow_findings (finding_id, state, updated_at) VALUES (1, 'done', 't')").run()).toThrow(/CHECK/)
      expect(() =>
        c.db
          .prepare(
            "INSERT INTO approvals (plan_id, finding_id, decision, actor, reason, at, verdict, evidence, basis_hash) VALUES (1, 1, 'approved', '{}', '', 't', 'SAFE', '[]', 'h')"
          )
          .run()
      ).toThrow(/CHECK/)
      expect(() =>
        c.db
          .prepare(
            "INSERT INTO approvals (plan_id, finding_id, decision, actor, reason, at, verdict, evidence, basis_hash, void_at) VALUES (1, 1, 'approved', '{}', 'ok', 't', 'SAFE', '[]', 'h', 't')"
          )
          .run()
      ).toThrow(/CHECK/)
    } finally {
      c.db.pragma('foreign_keys = ON')
    }
  })
})
