import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES } from '../../../test/fixtures/ingest/support'
import { cli } from '../../../test/helpers/cli'
import { cliProcess } from '../../../test/helpers/cli-process'
import { tempDir } from '../../../test/helpers/tmp'

const KEY = 'correct horse battery staple'

/** A new case in a folder of its own, and the environment that opens it. */
async function newCase(): Promise<{ dir: string; env: Record<string, string>; path: string }> {
  const dir = tempDir()
  const env = { LASTMILE_DATA_DIR: join(dir, 'data'), LASTMILE_KEY: KEY }
  const path = join(dir, 'c.lmcase')
  expect((await cli(['case', 'create', path], env)).code).toBe(0)
  return { dir, env, path }
}

describe('lastmile ingest / findings / initiatives', () => {
  it('says in words what an import did: alerts read and new, findings added', async () => {
    const { dir, env, path } = await newCase()
    const sh = join(dir, 'sh.json')
    copyFileSync(join(FIXTURES, 'written/dedup/securityhub-s3.json'), sh)
    const r = await cli(['ingest', path, sh], env)
    expect(r.code).toBe(0)
    const [header, , row, total, share] = r.stdout.trim().split('\n')
    expect(header).toMatch(/ALERTS READ +NEW ALERTS +UPDATED +CLOSED +REOPENED +FINDINGS/)
    expect(row).toMatch(/asff +1 +1 +0 +0 +0 +\+1 new$/)
    expect(total).toBe('1 finding in 1 initiative')
    expect(share).toBe('100% of 1 failing alert on catalogued controls')
  })

  it('says which share of the failing alerts landed on catalogued controls, and names the per-tool ones, in words and in --json', async () => {
    const { dir, env, path } = await newCase()
    const sh = join(dir, 'sh.json')
    copyFileSync(join(FIXTURES, 'written/dedup/securityhub-s3.json'), sh)
    // the same finding for a control the catalogue does not map, twice (two buckets), in a second file
    const record = (JSON.parse(readFileSync(sh, 'utf8')) as { Findings: Array<Record<string, unknown>> }).Findings[0]
    const unmapped = [1, 2].map((k) => {
      const text = JSON.stringify(record).replaceAll('S3.5', 'Madeup.1').replaceAll('customer-invoices', `bucket-${k}`)
      return JSON.parse(text.replace('/finding/dd1', `/finding/m${k}`)) as unknown
    })
    const other = join(dir, 'macie.json')
    writeFileSync(other, JSON.stringify({ Findings: unmapped }))
    const r = await cli(['ingest', path, sh, other], env)
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n').at(-1)).toBe('33.3% of 3 failing alerts on catalogued controls; 2 on per-tool controls: securityhub.Madeup.1 (2)')

    const again = join(dir, 'macie-again.json')
    writeFileSync(again, JSON.stringify({ Findings: unmapped.slice(0, 1) }, null, 1))
    const j = await cli(['ingest', path, again, '--json'], env)
    expect(j.code).toBe(0)
    const out = j.json() as { imports: Array<Record<string, unknown>> }
    expect(out.imports[0].catalogue).toEqual({ failing: 1, catalogued: 0, fallback: [{ control: 'securityhub.Madeup.1', alerts: 1 }] })
  })

  it('an empty export ([]) needs --format; imported as prowler-ocsf it is a clean scan of the account its name gives', async () => {
    const { dir, env, path } = await newCase()
    const named = join(dir, 'prowler-output-123456789012-20260101120000.ocsf.json')
    writeFileSync(named, '[]')
    const refused = await cli(['ingest', path, named], env)
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^lastmile ingest: .*prowler-output-123456789012-20260101120000\.ocsf\.json: the file is an empty JSON array \(\[\]\): .*choose its format with --format NAME$/
      )
    ])
    const ok = await cli(['ingest', path, named, '--format', 'prowler-ocsf', '--json'], env)
    expect(ok.code).toBe(0)
    expect(ok.stderr).toBe('')
    expect((ok.json() as { imports: unknown[] }).imports[0]).toMatchObject({ format: 'prowler-ocsf', records: 0, scope: { accounts: ['123456789012'], tools: ['prowler'] } })
    const unnamed = join(dir, 'clean.json')
    writeFileSync(unnamed, '[ ]\n')
    const r = await cli(['ingest', path, unnamed, '--format', 'prowler-ocsf'], env)
    expect(r.code).toBe(0)
    expect(r.stderr.trim()).toBe(
      `lastmile ingest: ${unnamed}: no findings, and nothing in the file names the account it scanned: nothing was closed (a Prowler export keeps the name Prowler gives it, prowler-output-<account>-<time>.ocsf.json, which names it)`
    )
  })

  it('says on stderr when records shared one finding id across checks (each kept as its own alert)', async () => {
    const { dir, env, path } = await newCase()
    const ex = join(dir, 'example.ocsf.json')
    copyFileSync(join(FIXTURES, 'real/prowler/example_output_aws.ocsf.json'), ex)
    const r = await cli(['ingest', path, ex], env)
    expect(r.code).toBe(0)
    expect(r.stderr.trim().split('\n')).toEqual([
      `lastmile ingest: ${ex}: 3 alerts share 1 finding id across different checks (e.g. prowler <finding_uid>: accessanalyzer_enabled, account_maintain_current_contact_details, account_maintain_different_contact_details_to_security_billing_and_operations); each check is kept as its own alert`
    ])
  })

  it('names the cluster of Trivy Operator reports with --cluster, and says when none was given', async () => {
    const { dir, env, path } = await newCase()
    const list = join(dir, 'reports.json')
    copyFileSync(join(FIXTURES, 'written/trivy-operator/reports-list.json'), list)
    const bare = await cli(['ingest', path, list], env)
    expect(bare.code).toBe(0)
    expect(bare.stderr).toMatch(/reports\.json: Trivy Operator's reports do not name their cluster, and --cluster gave none: .* Give --cluster NAME/)
    // the same bytes under a cluster are other resources: read again, not a duplicate
    const named = await cli(['ingest', path, list, '--cluster', 'prod-eks', '--json'], env)
    expect(named.code).toBe(0)
    expect(named.stderr).toBe('')
    const out = named.json() as { imports: Array<{ format: string; new: number; closed: number }> }
    expect(out.imports[0]).toMatchObject({ format: 'trivy-operator-json', new: 12, closed: 0 })
    const findings = (await cli(['findings', path, '--json'], env)).json() as Array<{ resource: { id: string } }>
    expect(findings.map((f) => f.resource.id)).toEqual(expect.arrayContaining(['k8s:/kube-system/DaemonSet/aws-node', 'k8s:prod-eks/kube-system/DaemonSet/aws-node']))
  })

  it('imports exports, deduplicates across tools, and prints findings and initiatives per CLI.md', async () => {
    const { dir, env, path } = await newCase()
    const sh = join(dir, 'sh.json')
    const pr = join(dir, 'prowler.json')
    copyFileSync(join(FIXTURES, 'written/dedup/securityhub-s3.json'), sh)
    copyFileSync(join(FIXTURES, 'written/dedup/prowler-s3.ocsf.json'), pr)
    const bad = join(dir, 'broken.csv')
    writeFileSync(bad, readFileSync(join(FIXTURES, 'real/wiz/issues_one_finding.csv'), 'utf8').replace('"#### Description', '#### Description"x'))

    const r = await cli(['ingest', path, sh, pr, bad, '--as', 'Ada Analyst', '--json'], env)
    // the bad file is reported on one line and changes nothing; the others are imported
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lastmile ingest: .*broken\.csv: line 2, byte offset \d+, record 1: /)])
    const out = r.json() as { imports: Array<Record<string, unknown>>; findings: number; initiatives: number }
    expect(out.findings).toBe(1)
    expect(out.initiatives).toBe(1)
    expect(out.imports[0]).toMatchObject({ file: sh, format: 'asff', alerts: 1, new: 1, updated: 0, closed: 0, reopened: 0 })
    expect(out.imports[1]).toMatchObject({ file: pr, format: 'prowler-ocsf', alerts: 1, new: 1 })
    expect(out.imports[2]).toMatchObject({ file: bad, format: null, error: { code: 'bad-input' } })

    const f = await cli(['findings', path, '--json'], env)
    expect(f.code).toBe(0)
    const [finding] = f.json() as Array<Record<string, unknown>>
    expect(finding).toMatchObject({
      id: expect.stringMatching(/^F-\d+$/),
      control: 'aws.s3.https-only',
      resource: { id: 'arn:aws:s3:::customer-invoices-123456789012', type: 'aws.s3.bucket', provider: 'aws', account: '123456789012', region: 'us-east-1' },
      alerts: [
        { tool: 'prowler', toolFindingId: expect.any(String), ruleId: 's3_bucket_secure_transport_policy', import: expect.any(String) },
        { tool: 'securityhub', toolFindingId: expect.any(String), ruleId: 'S3.5', import: expect.any(String) }
      ],
      severity: 'medium',
      status: 'open',
      rci: { verdict: 'UNSCORED', steps: [] },
      initiative: expect.stringMatching(/^I-\d+$/)
    })

    const i = await cli(['initiatives', path, '--json'], env)
    expect(i.json()).toEqual([
      expect.objectContaining({
        id: finding.initiative,
        control: 'aws.s3.https-only',
        title: 'S3 buckets should require requests to use HTTPS',
        findings: 1,
        alerts: 2,
        tools: ['prowler', 'securityhub'],
        rci: { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 1 }
      })
    ])

    // re-importing the same file changes nothing
    const again = await cli(['ingest', path, sh, '--json'], env)
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/already imported/)
    expect((again.json() as { imports: unknown[] }).imports[0]).toMatchObject({ new: 0, updated: 0, closed: 0, reopened: 0 })

    const human = await cli(['findings', path], env)
    expect(human.stdout).toMatch(/open\s+new\s+aws\.s3\.https-only\s+arn:aws:s3:::customer-invoices-123456789012 \(us-east-1\)\s+prowler securityhub/)
  })

  it('writes findings as CSV with formula-like cells neutralised', async () => {
    const dir = tempDir()
    const env = { LASTMILE_DATA_DIR: join(dir, 'data'), LASTMILE_KEY: KEY }
    const path = join(dir, 'c.lmcase')
    await cli(['case', 'create', path], env)
    const p = join(dir, 'wiz.json')
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'written/wiz-api-issues.json'), 'utf8')) as { data: { issues: { nodes: Array<{ sourceRule: { name: string } }> } } }
    doc.data.issues.nodes[0].sourceRule.name = '=HYPERLINK("http://evil.example","click")'
    writeFileSync(p, JSON.stringify(doc))
    expect((await cli(['ingest', path, p], env)).code).toBe(0)
    const csv = await cli(['findings', path, '--csv'], env)
    expect(csv.code).toBe(0)
    expect(csv.stdout).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csv.stdout).not.toMatch(/(^|,)=HYPERLINK/m)
  })

  it('refuses an unknown --format and a missing file list', async () => {
    const dir = tempDir()
    const env = { LASTMILE_DATA_DIR: join(dir, 'data'), LASTMILE_KEY: KEY }
    const r = await cli(['ingest', join(dir, 'c.lmcase'), 'x.json', '--format', 'nessus'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--format nessus: not a format Lastmile reads; one of asff, /)
    expect((await cli(['ingest', join(dir, 'c.lmcase')], env)).stderr).toMatch(/FILE is required/)
  })
})

describe('a named pipe or device given as an export (issue 13)', () => {
  it('is refused at once with one line, instead of blocking forever on the open', async () => {
    const { dir, env, path } = await newCase()
    const fifo = join(dir, 'export.json')
    execFileSync('mkfifo', [fifo])
    const before = readFileSync(path)
    for (const file of [fifo, '/dev/zero']) {
      const r = await cliProcess(['ingest', path, file], { env, timeoutMs: 30_000 })
      expect(r.timedOut, file).toBe(false)
      expect(r.code, file).toBe(2)
      expect(r.stderr.trim().split('\n'), file).toEqual([
        expect.stringMatching(file === fifo ? /export\.json: is a named pipe \(FIFO\), not an export file/ : /\/dev\/zero: is a device, not an export file/)
      ])
    }
    expect(readFileSync(path).equals(before)).toBe(true)
  })
})
