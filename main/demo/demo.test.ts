import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../test/helpers/cli'
import { tempDir } from '../../test/helpers/tmp'
import { demoDir } from './case-builder'
import { runDemo } from './demo'
import { pdfText } from '../../test/helpers/pdf-text'

describe('lastmile demo', () => {
  it('builds the demo case end to end, and everything it made verifies', async () => {
    const out = join(tempDir(), 'demo')
    const steps: string[] = []
    const r = await runDemo({ out, demoDir: demoDir(), onStep: (m) => steps.push(m) })
    expect(steps).toHaveLength(4)
    expect(r.imports).toBe(17) // Security Hub, Prowler, three Trivy image reports, two Trivy config scans of Terraform code (RDS.2's and RDS.3's), eight `trivy k8s` reports of live clusters (the Kubernetes folders' fixtures: KSV-0116, container resources, KSV-0001, KSV-0003/0106, read-only root filesystem, KSV-0030/0104, KSV-0012, KSV-0017/0022), the Wiz issues (Kubernetes RBAC), the Defender for Cloud recommendations (Azure SQL)
    expect(r.verdicts.SAFE).toBeGreaterThan(0)
    expect(r.verdicts.RISKY).toBeGreaterThan(0)
    expect(r.verdicts.UNSAFE).toBeGreaterThan(0)
    expect(r.plan).toMatchObject({ verdict: 'SAFE', artefacts: expect.arrayContaining(['policy-json/json']) })
    expect(r.validation).toMatch(/passed → closed/)
    expect(r.verified).toBe(true)

    // the report: valid for poppler, signed by the demo certificate, with the case's content
    const sig = spawnSync('pdfsig', [r.report], { encoding: 'utf8' })
    expect(sig.stdout).toMatch(/Signature is Valid/)
    expect(sig.stdout).toMatch(/Lastmile DEMO signer - not for production/)
    const text = pdfText(r.report)
    expect(text).toMatch(/DEMO — fictitious data/)
    expect(text).toMatch(/acme-reports-prod/)
    expect(text).toMatch(/Rita Approver \(demo\)/)

    // the case and the case file verify through the command line, with the keys the demo wrote
    const env = { LASTMILE_DATA_DIR: join(out, '.data') }
    expect((await cli(['verify', r.case, '--key-file', r.keyFile], env)).code).toBe(0)
    expect((await cli(['verify', r.caseFile, '--export-pass-file', r.exportPassFile], env)).code).toBe(0)
    expect((await cli(['verify', r.report], env)).code).toBe(0)
    expect(readFileSync(r.keyFile, 'utf8')).toMatch(/^demo-/)

    // never over an existing demo
    await expect(runDemo({ out, demoDir: demoDir() })).rejects.toThrow(/not empty/)
  })
})
