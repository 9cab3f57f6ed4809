// What `plan --out` writes, checked by the tools that will read it: every Terraform folder is a
// root module that `terraform fmt -check` and `terraform validate` accept, its AWS providers pinned
// to the one account the plan's finding is in; every CloudFormation template passes cfn-lint. Driven
// from every initiative and finding of the playbook fixtures, so new fixes are covered unnamed.
//
// Providers cannot be downloaded here: `terraform init -backend=false` then fails to reach the
// registry, and `terraform validate` still parses the whole configuration and reports its errors
// (duplicate `required_providers`/`provider`/resource blocks, bad references), adding only "Missing
// required provider" — the one diagnostic tolerated when init could not fetch the provider.
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureCases, refsOf, tryPlan, type FixtureCase } from '../../../test/helpers/fixture-plans'
import { writePlanFiles } from './plan'

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: '/dev/null' }
/** terraform in `cwd`: its exit status and output (never rejects) */
const tf = (cwd: string, args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    execFile('terraform', args, { cwd, env: TF_ENV, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) =>
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr })
    )
  )
/** Terraform modules checked at once: each check is three short terraform runs that mostly wait (init tries the registry) */
const TF_AT_ONCE = 4

let cases: FixtureCase[] = []
const root = mkdtempSync(join(tmpdir(), 'lm-plan-output-'))
beforeAll(async () => {
  cases = await fixtureCases()
}, 300_000)
afterAll(() => {
  for (const c of cases) c.close()
  rmSync(root, { recursive: true, force: true })
})

interface Written {
  label: string
  dir: string
  /** finding → account, for the plan's findings */
  accounts: Map<string, string | null>
}

/** Every initiative's plan written with --out's writer (initiatives first: they mix findings and accounts). */
function writeAll(): Written[] {
  const out: Written[] = []
  for (const fc of cases) {
    const refs = refsOf(fc.c)
    for (const ref of [...refs.initiatives, ...refs.findings]) {
      const r = tryPlan(fc.c, ref)
      if (!('plan' in r)) continue
      const dir = join(root, fc.playbook, ref)
      writePlanFiles(dir, r.plan)
      out.push({ label: `${fc.playbook} ${ref} (${r.plan.id})`, dir, accounts: new Map(r.plan.findings.map((f) => [f.id, f.account])) })
    }
  }
  return out
}

function foldersWith(dir: string, file: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, file)))
    .map((e) => join(dir, e.name))
}

describe('plan --out output, checked by terraform and cfn-lint', () => {
  it("each Terraform module is valid, fmt-clean and pinned to its finding's account", async () => {
    const written = writeAll()
    expect(written.length).toBeGreaterThan(10)
    let mixedAccounts = 0
    const modules: Array<{ where: string; folder: string; account: string | null | undefined }> = []
    for (const w of written) {
      const folders = foldersWith(join(w.dir, 'terraform'), 'main.tf')
      // nothing Terraform is left beside the other files, where it would join one module
      expect(
        readdirSync(w.dir).filter((n) => n.endsWith('.tf')),
        w.label
      ).toEqual([])
      const accounts = new Set(folders.map((f) => w.accounts.get(f.split('/').pop()!)))
      if (accounts.size > 1) mixedAccounts++
      for (const folder of folders) modules.push({ where: `${w.label}: ${folder}`, folder, account: w.accounts.get(folder.split('/').pop()!) })
    }
    const check = async ({ where, folder, account }: (typeof modules)[number]): Promise<void> => {
      const fmt = await tf(folder, ['fmt', '-check', '-diff', '-no-color'])
      expect(fmt.status, `${where}: terraform fmt -check\n${fmt.stdout}${fmt.stderr}`).toBe(0)
      const text = readFileSync(join(folder, 'main.tf'), 'utf8')
      const providers = [...text.matchAll(/^provider "aws" \{\n([\s\S]*?)^\}/gm)].map((m) => m[1])
      if (/^resource "aws_/m.test(text)) {
        expect(providers.length, `${where}: an AWS resource with no provider block to pin the account`).toBeGreaterThan(0)
        for (const p of providers) expect(p, where).toMatch(new RegExp(`^\\s*allowed_account_ids\\s*=\\s*\\["${account}"\\]$`, 'm'))
      }
      const init = await tf(folder, ['init', '-backend=false', '-input=false', '-no-color'])
      const offline = init.status !== 0
      if (offline)
        expect(`${init.stdout}${init.stderr}`, `${where}: terraform init failed for another reason than the registry`).toMatch(
          /Failed to query available provider packages|could not connect to registry|Failed to install provider/
        )
      const v = await tf(folder, ['validate', '-json', '-no-color'])
      const report = JSON.parse(v.stdout) as { valid: boolean; diagnostics: Array<{ severity: string; summary: string; detail?: string }> }
      const problems = report.diagnostics.filter((d) => !(offline && d.summary === 'Missing required provider'))
      expect(
        problems.map((d) => `${d.severity}: ${d.summary}: ${d.detail ?? ''}`),
        where
      ).toEqual([])
      if (!offline) expect(report.valid, where).toBe(true)
    }
    // each module in its own folder: TF_AT_ONCE of them at a time, every one checked
    let next = 0
    await Promise.all(
      Array.from({ length: TF_AT_ONCE }, async () => {
        while (next < modules.length) await check(modules[next++])
      })
    )
    expect(modules.length).toBeGreaterThan(5)
    // the fixtures hold initiatives across two accounts; each account's fixes stay separate modules
    expect(mixedAccounts).toBeGreaterThan(0)
  }, 300_000)

  it('every CloudFormation template passes cfn-lint', () => {
    const files: string[] = []
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name))
        else if (/\.(cfn\.yaml|yaml)$/.test(e.name)) files.push(join(d, e.name))
      }
    }
    if (existsSync(root)) walk(root)
    expect(files.length, 'no CloudFormation written (the Terraform test writes the plans first)').toBeGreaterThan(0)
    const r = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8', timeout: 240_000 })
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('')
    expect(r.status).toBe(0)
  }, 300_000)
})
