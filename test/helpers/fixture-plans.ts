// Every plan Lastmile makes from the playbook fixtures: each fixture built into a case (ingest,
// evidence, investigate), then a plan asked for each finding and each initiative. Tests that check
// generated artefacts for real (the emulator harness, terraform validate) start from here, so a new
// fixture, control or fix is covered without naming it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PlanView } from '../../shared/remediation'
import { createCaseDb, type WritableCaseDb } from '../../main/db/case-db'
import { isLastmileError } from '../../main/errors'
import { listFindings } from '../../main/case/findings'
import { listInitiatives } from '../../main/ingest/initiatives'
import { buildCase } from '../../main/demo/case-builder'
import { loadPlaybooks } from '../../main/investigate/loader'
import { plan } from '../../main/workflow'
import type { GuardrailOptions } from '../../main/guardrails'
import { testPerson } from '../fixtures/people'

// a plan request is a decision: signed with the requester's own key
const ACTOR = testPerson('Fixture Analyst', 'analyst')
const NOW = () => '2026-11-21T09:00:00.000Z'

export interface FixtureCase {
  playbook: string
  /** the fixture's bundle folder (the evidence the plans were computed from) */
  bundleDir: string
  c: WritableCaseDb
  close(): void
}

/** Each playbook fixture (or those `only` keeps) built into a fresh case. Close each when done. */
export async function fixtureCases(only?: (playbook: string) => boolean): Promise<FixtureCase[]> {
  const set = loadPlaybooks()
  const out: FixtureCase[] = []
  for (const pb of set.playbooks) {
    if (only && !only(pb.id)) continue
    const dir = pb.fixturesDir!
    const tmp = mkdtempSync(join(tmpdir(), 'lm-fixture-plans-'))
    const c = createCaseDb(join(tmp, 'case.lmcase'), 'fixture passphrase', { now: NOW() })
    await buildCase(c, { exportsDir: join(dir, 'exports'), bundleDir: join(dir, 'bundle'), actor: ACTOR, playbooks: set, now: NOW })
    out.push({
      playbook: pb.id,
      bundleDir: join(dir, 'bundle'),
      c,
      close: () => {
        c.close()
        rmSync(tmp, { recursive: true, force: true })
      }
    })
  }
  return out
}

/** The plan for a finding (F-3) or an initiative (I-2), or null with the reason it is refused. */
export function tryPlan(c: WritableCaseDb, ref: string, guardrails?: GuardrailOptions): { plan: PlanView } | { refused: string } {
  try {
    return { plan: plan(c, ref, { actor: ACTOR, now: NOW, guardrails }) }
  } catch (e) {
    if (isLastmileError(e)) return { refused: e.message }
    throw e
  }
}

/** The finding and initiative refs of a case. */
export function refsOf(c: WritableCaseDb): { findings: string[]; initiatives: string[] } {
  return { findings: listFindings(c.db).map((f) => f.id), initiatives: listInitiatives(c.db).map((i) => i.id) }
}
