import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../test/helpers/cli'
import { tempDir } from '../../test/helpers/tmp'
import { testServices } from '../../test/helpers/services'
import { createDispatcher } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { evaluateBundle } from './evaluate'

const BASIC = join(__dirname, '..', '..', 'test', 'fixtures', 'evaluate', 'basic')
const PARTIAL = join(__dirname, '..', '..', 'test', 'fixtures', 'evaluate', 'partial')

describe('lastmile evaluate BUNDLE', () => {
  it('--json prints the CLI.md array [{control, resource, status, reason}] on stdout, exit 0 even with FAILs', async () => {
    const r = await cli(['evaluate', BASIC, '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const rows = r.json() as Array<Record<string, unknown>>
    expect(rows).toEqual((await evaluateBundle(BASIC)).evaluations)
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['control', 'resource', 'status', 'reason']))
      expect(['PASS', 'FAIL', 'UNKNOWN']).toContain(row.status)
    }
    expect(rows.some((x) => x.status === 'FAIL')).toBe(true)
    // byte-identical across runs
    expect((await cli(['evaluate', BASIC, '--json'])).stdout).toBe(r.stdout)
  })

  it('--fail-on-fail exits 1 when anything FAILs, 0 when nothing does (UNKNOWN is not FAIL)', async () => {
    expect((await cli(['evaluate', BASIC, '--fail-on-fail', '--json'])).code).toBe(1)
    const none = await cli(['evaluate', PARTIAL, '--control', 'aws.ec2.imdsv2', '--fail-on-fail', '--json'])
    expect(none.code).toBe(0)
    expect(none.json()).toMatchObject([{ control: 'aws.ec2.imdsv2', status: 'UNKNOWN' }])
  })

  it('--control (repeatable or comma-separated) and --unused-key-days', async () => {
    const r = await cli(['evaluate', BASIC, '--json', '--control', 'aws.iam.unused-access-key,aws.s3.https-only', '--unused-key-days', '90'])
    const rows = r.json() as Array<{ control: string; resource: string; status: string }>
    expect(new Set(rows.map((x) => x.control))).toEqual(new Set(['aws.iam.unused-access-key', 'aws.s3.https-only']))
    expect(rows.find((x) => x.resource.endsWith('user/bob'))?.status).toBe('PASS')
  })

  it('people get a table and a summary; notes go to stderr', async () => {
    // the controls the bundle was written for (a control added later is tested in its own folder)
    const r = await cli([
      'evaluate',
      PARTIAL,
      '--control',
      'aws.s3.https-only,aws.s3.public-access,aws.s3.public-access-block,aws.ec2.imdsv2,aws.ec2.sg-open-admin-ports,aws.ec2.ebs-default-encryption,aws.iam.unused-access-key,container.image.vulnerable,azure.storage.secure-transfer'
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^STATUS\s+CONTROL\s+RESOURCE\s+REASON/)
    expect(r.stdout).toMatch(/UNKNOWN\s+aws\.ec2\.ebs-default-encryption\s+AWS::::Account:444455556666 \(us-west-2\)/)
    expect(r.stdout).toMatch(/1 FAIL, 12 UNKNOWN, 0 PASS — configuration collected 2026-11-20T10:00:00Z; access keys unused after 45 days/)
    expect(r.stderr).toMatch(/^note: aws\/444455556666\/inventory\/notes\.txt: ignored: not a file Lastmile knows/m)
  })

  it('bad input is exit 2 with one line naming what is wrong', async () => {
    const dir = tempDir()
    for (const [argv, msg] of [
      [['evaluate'], /BUNDLE \(an evidence bundle folder\) is required/],
      [['evaluate', dir], /manifest\.json: cannot read the manifest/],
      [['evaluate', BASIC, '--control', 'aws.s3.nope'], /--control aws\.s3\.nope: not a control Lastmile evaluates/],
      [['evaluate', BASIC, '--unused-key-days', 'ten'], /--unused-key-days ten: not a whole number of days/],
      [['evaluate', BASIC, '--unused-key-days', '0'], /between 1 and 3650/],
      [['evaluate', BASIC, PARTIAL], /one BUNDLE at a time/]
    ] as Array<[string[], RegExp]>) {
      const r = await cli(argv)
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 })
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stdout).toBe('')
    }
  })

  it('is listed in lastmile --help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/evaluate\s+check the configuration in an evidence bundle/)
  })
})

describe('the evaluate.bundle contract call', () => {
  function dispatcher() {
    const app = testServices(join(tempDir(), 'data'))
    const d = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false })
    return Object.assign(d, { folder: (path: string) => app.paths.issue(path, 'open-folder') })
  }

  it('answers with the evaluation in the envelope, with no case open', async () => {
    const d = dispatcher()
    const r = await d('evaluate.bundle', { path: d.folder(BASIC), controls: ['aws.ec2.imdsv2'] })
    expect(r).toMatchObject({ ok: true, value: { collectedAt: '2026-11-20T10:00:00Z', unusedKeyDays: 45, evaluations: [{ control: 'aws.ec2.imdsv2' }, {}, {}] } })
  })

  it('refuses bad input with a people-facing error', async () => {
    const d = dispatcher()
    expect(await d('evaluate.bundle', { path: '' })).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/^evaluate\.bundle: path: /) } })
    expect(await d('evaluate.bundle', { path: d.folder(BASIC), unusedKeyDays: 0 })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'evaluate.bundle: unusedKeyDays: at least 1 day' }
    })
    expect(await d('evaluate.bundle', { path: d.folder(BASIC), controls: ['aws.nope'] })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('unknown control "aws.nope"') }
    })
    expect(await d('evaluate.bundle', { path: d.folder(join(BASIC, 'nope')) })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('cannot open the evidence bundle') }
    })
  })
})
