// The generic investigation: every finding without a playbook of its own gets a verdict from what
// its control's fix does, and that verdict promises no more than generic evidence can hold.
// Exhaustively over every combination of step answers: a restrictive or replacing fix is never
// SAFE (nor UNSAFE: generic evidence cannot say what would break), an additive one only when the
// current configuration confirms the finding — never from an unknown. Then on the demo case.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { DEMO_DIR } from '../../test/casegen/generate'
import { prowlerFinding } from '../../test/casegen/world'
import type { StepAnswer } from '../../shared/model'
import { FIX_EFFECTS } from '../../shared/ingest'
import { createCaseDb } from '../db/case-db'
import { buildCase } from '../demo/case-builder'
import { listFindings } from '../case/findings'
import { rciView } from '../case/rci'
import { loadControls } from '../controls/catalogue'
import { ingestInProcess } from '../ingest/service'
import { applyRules } from './engine'
import { CaseEvidence } from './evidence-view'
import { genericPlaybook, GENERIC_PLAYBOOKS } from './generic'
import { loadPlaybooks } from './loader'
import { investigateCase, playbookFor } from './service'

const ANSWERS: readonly StepAnswer[] = ['yes', 'no', 'unknown']

/** Every combination of answers to a playbook's steps. */
function combinations(steps: readonly string[]): Array<Map<string, StepAnswer>> {
  let all: Array<Map<string, StepAnswer>> = [new Map()]
  for (const s of steps) all = all.flatMap((m) => ANSWERS.map((a) => new Map([...m, [s, a]])))
  return all
}

describe('the generic investigation, rule by rule', () => {
  for (const effect of ['restrictive', 'replacing'] as const) {
    it(`${effect}: no combination of answers is SAFE or UNSAFE`, () => {
      const pb = genericPlaybook(effect)
      const combos = combinations(pb.steps.map((s) => s.id))
      expect(combos).toHaveLength(3 ** pb.steps.length)
      const verdicts = new Set(combos.map((a) => applyRules(pb.rules, a).verdict))
      expect([...verdicts]).toEqual(['RISKY'])
      expect(pb.verdicts).toEqual(['RISKY'])
      // and no rule could say it whatever the steps answer
      expect(pb.rules.map((r) => r.verdict).filter((v) => v !== 'RISKY')).toEqual([])
    })
  }

  it('replacing: the verdict gives the downtime and the migration steps', () => {
    for (const r of genericPlaybook('replacing').rules)
      expect(r.because).toMatch(/downtime or a data migration.*snapshot or back up.*cut over in a maintenance window.*keep the old resource/)
  })

  it('additive: SAFE only when the current configuration confirms the finding, with its side effects stated; an unknown is never SAFE', () => {
    const pb = genericPlaybook('additive')
    for (const a of combinations(pb.steps.map((s) => s.id))) {
      const r = applyRules(pb.rules, a)
      expect(r.verdict, [...a].join(' ')).toBe(a.get('finding-current') === 'yes' ? 'SAFE' : 'RISKY')
      if (r.verdict === 'SAFE') expect(r.because).toMatch(/Side effects: it writes new data .* may cost money; nothing in use loses access/)
    }
    expect(pb.verdicts).toEqual(['SAFE', 'RISKY'])
  })

  it('every effect has its generic investigation, each asking the same five questions', () => {
    expect(Object.keys(GENERIC_PLAYBOOKS).sort()).toEqual([...FIX_EFFECTS].sort())
    for (const pb of Object.values(GENERIC_PLAYBOOKS)) {
      expect(pb.steps.map((s) => s.fn.name)).toEqual(['generic.finding-current', 'generic.resource-known', 'generic.used-in-window', 'generic.dependents', 'generic.last-changed'])
      expect(pb.id).toBe(`generic.${pb.generic}`)
    }
  })

  it('a finding whose control has a playbook of its own keeps it; any other gets the generic one for its effect', () => {
    const set = loadPlaybooks()
    const table = loadControls()
    const bucket = { id: 'arn:aws:s3:::b', type: 'aws.s3.bucket' }
    expect(playbookFor(set, table, { control: 'aws.s3.https-only', resource: bucket } as never).id).toBe('aws.s3.https-only')
    expect(playbookFor(set, table, { control: 'aws.rds.5', resource: { id: 'arn:aws:rds:eu-west-1:1:db:x', type: 'aws.rds.db-instance' } } as never).id).toBe('generic.replacing')
    expect(playbookFor(set, table, { control: 'aws.s3.14', resource: bucket } as never).id).toBe('generic.additive')
    // a rule the catalogue does not map: restrictive, which promises nothing
    expect(playbookFor(set, table, { control: 'prowler.made_up_check', resource: bucket } as never).id).toBe('generic.restrictive')
    // a dedicated playbook for another resource type does not judge this one: the generic one does
    expect(playbookFor(set, table, { control: 'aws.s3.https-only', resource: { id: 'arn:aws:ec2:x', type: 'aws.ec2.instance' } } as never).id).toBe('generic.restrictive')
  })
})

describe('the generic investigation on the demo case', () => {
  it('gives every finding without a playbook of its own a verdict that says "generic investigation", with the usage and coverage behind it', async () => {
    const actor = { kind: 'person' as const, name: 'demo', role: 'analyst' as const }
    const dir = tempDir()
    const c = createCaseDb(join(dir, 'demo.lmcase'), 'generic test passphrase', { now: '2026-11-21T09:00:00.000Z' })
    try {
      await buildCase(c, { exportsDir: join(DEMO_DIR, 'exports'), bundleDir: join(DEMO_DIR, 'evidence'), actor })
      // every open finding of the demo was investigated: none is left not scored
      expect(listFindings(c.db, { status: 'open' }).filter((f) => f.rci.verdict === 'UNSCORED')).toEqual([])
      // a bucket the evidence shows in use, for a restrictive control no playbook covers
      const ev = new CaseEvidence(c.db)
      const buckets = listFindings(c.db).filter((f) => f.resource.type === 'aws.s3.bucket')
      const used = buckets.find((f) => ev.facts(f.resource.id).activity.some((a) => a.requests > 0))!
      expect(used).toBeDefined()
      const name = used.resource.id.replace('arn:aws:s3:::', '')
      const account = used.resource.account!
      const finding = (check: string, title: string, uid: string, resourceName: string, service: string, resourceType: string) =>
        prowlerFinding({ provider: 'aws', account, region: 'us-east-1', check, title, severity: 'Medium', service, resourceType, resourceUid: uid, resourceName, detail: title })
      const exports = join(dir, 'more')
      mkdirSync(exports)
      writeFileSync(
        join(exports, 'prowler-more.ocsf.json'),
        JSON.stringify([
          finding('s3_bucket_no_mfa_delete', 'S3 bucket has MFA delete enabled', used.resource.id, name, 's3', 'AwsS3Bucket'),
          finding('s3_bucket_object_versioning', 'S3 bucket has versioning enabled', used.resource.id, name, 's3', 'AwsS3Bucket'),
          finding('rds_instance_multi_az', 'RDS instance has multi-AZ enabled', `arn:aws:rds:us-east-1:${account}:db:ledger`, 'ledger', 'rds', 'AwsRdsDbInstance')
        ])
      )
      ingestInProcess(c, [join(exports, 'prowler-more.ocsf.json')], { actor })
      const mine = listFindings(c.db, { status: 'open' }).filter((f) => ['aws.s3.20', 'aws.s3.14', 'aws.rds.5'].includes(f.control))
      expect(mine.map((f) => f.control).sort()).toEqual(['aws.rds.5', 'aws.s3.14', 'aws.s3.20'])
      const progress: string[] = []
      const run = await investigateCase(c, { actor, findings: mine.map((f) => f.id), onProgress: (p) => progress.push(p.message ?? '') })
      expect(run.playbooks.map((p) => p.id).sort()).toEqual(['generic.additive', 'generic.replacing', 'generic.restrictive'])
      // the progress says from the start what the run will do
      expect(progress.slice(0, 3)).toEqual([
        'loading the playbooks and the control catalogue',
        'reading the open findings',
        '3 open findings: 0 by a playbook of their own, 3 by the generic investigation'
      ])
      expect(progress.slice(3).every((m) => /^F-\d+ aws\.(s3\.20|s3\.14|rds\.5): RISKY \(generic investigation\)$/.test(m))).toBe(true)
      const doc = (control: string) => rciView(c.db, mine.find((f) => f.control === control)!.id).document!

      const restrictive = doc('aws.s3.20')
      expect(restrictive.verdict).toBe('RISKY')
      expect(restrictive.generic).toEqual({ effect: 'restrictive', effectBy: expect.stringMatching(/^rule takes-access-away/) })
      expect(restrictive.because).toMatch(
        /^Generic investigation: no playbook of its own covers aws\.s3\.20, so the verdict follows what its fix does \(restrictive\)\. The fix takes access/
      )
      const usedStep = restrictive.steps.find((s) => s.id === 'used-in-window')!
      expect(usedStep).toMatchObject({ answer: 'yes', certainty: 'proven' })
      expect(usedStep.explanation).toMatch(/^Used in 2026-\d\d-\d\d to 2026-\d\d-\d\d: /)
      expect(restrictive.steps.find((s) => s.id === 'finding-current')).toMatchObject({ answer: 'unknown' })
      expect(restrictive.steps.find((s) => s.id === 'resource-known')!.explanation).toMatch(/environment (prod|staging|test|dev)/)

      const additive = doc('aws.s3.14')
      // the finding is not confirmed by an evaluator: RISKY, with what turning it on costs
      expect(additive).toMatchObject({ verdict: 'RISKY', generic: { effect: 'additive' } })
      expect(additive.because).toMatch(/weighs the side effects — new data written/)

      const replacing = doc('aws.rds.5')
      expect(replacing).toMatchObject({ verdict: 'RISKY', generic: { effect: 'replacing' } })
      expect(replacing.because).toMatch(/downtime or a data migration/)
      // nothing of the database is in evidence: said, not guessed
      expect(replacing.steps.find((s) => s.id === 'resource-known')).toMatchObject({ answer: 'unknown' })
      expect(replacing.steps.find((s) => s.id === 'used-in-window')!.answer).not.toBe('no')
    } finally {
      c.close()
    }
  })
})
