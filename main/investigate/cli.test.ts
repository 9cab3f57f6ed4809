// The product story's scenario on the command line, as a user runs it: several buckets with the
// same HTTPS finding from two tools — the empty unused one SAFE, the ones with only HTTPS traffic
// SAFE, the one with 45 plain-HTTP GetObject calls in 90 days UNSAFE, the one whose data events
// were never recorded RISKY.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../test/helpers/cli'
import { tempDir } from '../../test/helpers/tmp'
import { FIX_EFFECTS, type FindingView, type InitiativeView } from '../../shared/ingest'
import { loadControls } from '../controls/catalogue'
import type { InvestigationRunResult, PlaybookSummary, RciView } from '../../shared/investigate'
import { fixturesDir } from '../../test/casegen/generate'
import { exportFiles } from '../demo/case-builder'

const FIXTURE = fixturesDir('aws.s3.https-only')

describe('lastmile investigate', () => {
  it('ingest + evidence add + investigate: the four-bucket HTTPS scenario comes out exactly', async () => {
    const dir = tempDir()
    const keyFile = join(dir, 'key')
    writeFileSync(keyFile, 'cli scenario passphrase\n')
    const env = { LASTMILE_DATA_DIR: join(dir, 'data') }
    const path = join(dir, 'case.lmcase')
    const k = ['--key-file', keyFile]
    expect((await cli(['case', 'create', path, ...k], env)).code).toBe(0)
    expect((await cli(['ingest', path, ...exportFiles(join(FIXTURE, 'exports')), ...k, '--json'], env)).code).toBe(0)
    expect((await cli(['evidence', 'add', path, join(FIXTURE, 'bundle'), ...k, '--json'], env)).code).toBe(0)

    const run = await cli(['investigate', path, ...k, '--as', 'Ana', '--role', 'analyst', '--json'], env)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect((run.json() as InvestigationRunResult).verdicts).toEqual({ SAFE: 4, RISKY: 2, UNSAFE: 1, UNSCORED: 0 })

    const findings = (await cli(['findings', path, ...k, '--json'], env)).json() as FindingView[]
    const verdict = (bucket: string) => findings.find((f) => f.resource.id === `arn:aws:s3:::${bucket}`)!.rci
    expect(verdict('acme-staging-empty-uploads').verdict).toBe('SAFE')
    expect(verdict('acme-reports-prod').verdict).toBe('SAFE')
    expect(verdict('acme-legacy-exports').verdict).toBe('UNSAFE')
    expect(verdict('acme-archive-2019').verdict).toBe('RISKY')
    // CLI.md: rci.steps = [{id, question, answer, evidence, explanation}]
    const http = verdict('acme-legacy-exports').steps.find((s) => s.id === 'plain-http')!
    expect(Object.keys(http).sort()).toEqual(['answer', 'evidence', 'explanation', 'id', 'question'])
    expect(http.explanation).toMatch(
      /^45 requests over plain HTTP in the server access logs.*made by arn:aws:sts::111122223333:assumed-role\/legacy-batch\/legacy-batch-session \(45\)/
    )
    expect(verdict('acme-archive-2019').steps.find((s) => s.id === 'plain-http')!.explanation).toContain("no logging trail records this bucket's S3 data events")

    const initiatives = (await cli(['initiatives', path, ...k, '--json'], env)).json() as InitiativeView[]
    expect(initiatives[0].rci).toEqual({ SAFE: 4, RISKY: 2, UNSAFE: 1, UNSCORED: 0 })

    const id = findings.find((f) => f.resource.id === 'arn:aws:s3:::acme-legacy-exports')!.id
    const rci = (await cli(['rci', path, id, ...k, '--json'], env)).json() as RciView
    expect(rci.document!.steps.find((s) => s.id === 'plain-http')).toMatchObject({ certainty: 'proven', sources: ['aws.cloudtrail.s3-data', 'aws.s3-access-logs'] })
    expect(rci.history).toHaveLength(1)
    const human = await cli(['rci', path, id, ...k], env)
    expect(human.stdout).toContain('UNSAFE: Clients reached the bucket over plain HTTP')
    expect(human.stdout).toContain('[YES    ] Were there requests over plain HTTP')

    // again, on the same evidence: nothing changes
    const again = (await cli(['investigate', path, ...k, '--json'], env)).json() as InvestigationRunResult
    expect(again).toMatchObject({ changed: [], unchanged: 7 })
  })

  it('lists the playbooks, and refuses a broken custom playbook with its file and line', async () => {
    const dir = tempDir()
    const list = await cli(['playbooks', '--json'])
    expect(list.code).toBe(0)
    const summaries = list.json() as PlaybookSummary[]
    expect(summaries.map((p) => p.id)).toContain('container.image.vulnerable')
    // the generic investigations too, each saying which controls it serves: those without a
    // playbook of their own whose fix has its effect, counted from the catalogue
    const table = loadControls()
    const own = new Set(summaries.flatMap((p) => p.controls.map((c) => c.id)))
    for (const effect of FIX_EFFECTS) {
      const g = summaries.find((p) => p.id === `generic.${effect}`)
      const n = table.controls.filter((c) => c.effect === effect && !own.has(c.id)).length
      expect(n).toBeGreaterThan(0)
      expect(g?.generic).toEqual({
        effect,
        controls: n,
        serves: expect.stringContaining(`without a playbook of its own whose fix is ${effect} (${n.toLocaleString('en-US')} in the catalogue`)
      })
    }
    expect(summaries.find((p) => p.id === 'container.image.vulnerable')?.generic).toBeUndefined()
    const human = await cli(['playbooks'])
    expect(human.stdout).toMatch(/generic\.additive .*every control without a playbook of its own whose fix is additive/s)
    expect(human.stdout).toContain('and every rule the catalogue does not map')
    const bad = join(dir, 'mine.yaml')
    writeFileSync(bad, 'id: acme.custom\nversion: 1\ntitle: A custom check\nsummary: one that is not finished yet\ncontrols: []\n')
    const r = await cli(['playbooks', '--playbooks', dir])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`${bad}: line 5: controls: `)
    const inv = await cli(['investigate', join(dir, 'none.lmcase'), '--playbooks', dir], { LASTMILE_KEY: 'x' })
    expect(inv.code).toBe(2)
    expect(inv.stderr).toContain(`${bad}: line 5`)
  })

  it('live evidence through a profile that does not exist is a one-line error', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'config'), '[profile audit]\nregion = eu-west-1\n')
    const r = await cli(['investigate', join(dir, 'c.lmcase'), '--profile', 'nope'], {
      LASTMILE_KEY: 'x',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')
    })
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('lastmile investigate: --profile nope: no such AWS profile in the shared config or credentials files (known: audit)')
  })
})
