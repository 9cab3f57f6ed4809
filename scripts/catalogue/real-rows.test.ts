// Rows of the real exports (test/fixtures/ingest/real) that reach the control folder whose
// investigation answers them: the adapter gives the resource the type the export says, the
// catalogue gives the rule the control that folder takes, and the folder's own steps answer it.
// Each case names the row, the type it must carry, the folder, and the verdicts it can honestly get.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ANALYST, clock, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import { importFile } from '../../main/ingest/importer'
import { investigateCase, playbookFor } from '../../main/investigate/service'
import { loadPlaybooks } from '../../main/investigate/loader'
import { loadControls } from '../../main/controls/catalogue'
import { listFindings } from '../../main/case/findings'
import type { RciVerdict } from '../../shared/model'

const tmp = mkdtempSync(join(tmpdir(), 'lastmile-real-rows-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const set = loadPlaybooks()
const table = loadControls()

interface Row {
  file: string
  control: string
  /** the resource id the row names (the canonical id) */
  resource: string
  type: string
  folder: string
  verdicts: RciVerdict[]
}

const ROWS: Row[] = [
  {
    // Inspector's ASFF in Security Hub: the ARN lacks 'instance/', the Type says AwsEc2Instance
    file: 'awssecurityhub/inspector_ec2_cve_no_vulnerabilities.json',
    control: 'software.package.vulnerable',
    resource: 'arn:aws:ec2:us-east-1:XXXXXXXXXXXX:instance/i-11111111111111111',
    type: 'aws.ec2.instance',
    folder: 'software.package.vulnerable',
    // no EC2 inventory in evidence: whether it runs is unknown, never SAFE
    verdicts: ['RISKY']
  },
  {
    // Wiz's "VM/serverless" issue on a Functions site (Resource Type Microsoft.Web/sites/functions)
    file: 'wiz/issues_multiple_findings.csv',
    control: 'azure.compute.vm-vulnerability-findings',
    resource: '/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/developer-prod/providers/microsoft.web/sites/nginx-wizard##serverless',
    type: 'azure.web.site',
    folder: 'software.package.vulnerable',
    // the row names no package and no power state: RISKY, with the steps stated
    verdicts: ['RISKY']
  },
  {
    // Prowler 2's check13 (CIS AWS 1.2's 1.3, IAM.8) in a CSV without CHECK_RESOURCE_ID: an unnamed IAM user
    file: 'prowler/v2_csv_many_vuln.csv',
    control: 'aws.iam.unused-access-key',
    resource: '(no resource given)',
    type: 'aws.iam.user',
    folder: 'aws.iam.unused-access-key',
    // the user is not named, so no credential report row or CloudTrail call can be tied to it
    verdicts: ['RISKY']
  },
  {
    // Wiz's "user/service account can impersonate an application … admin group", on a guest user
    file: 'wiz/issues_multiple_findings.csv',
    control: 'azure.entra.admin-escalation-path',
    resource: 'b45617dc-7359-4f4b-bdca-757a76df0271',
    type: 'azure.azureactivedirectory/user',
    folder: 'azure.entra.admin-escalation-path',
    // no Entra application files in evidence: the path is unknown, never SAFE
    verdicts: ['RISKY']
  },
  {
    // the same rule on a service principal (Resource Type ServicePrincipal/Application)
    file: 'wiz/issues_multiple_findings.csv',
    control: 'azure.entra.admin-escalation-path',
    resource: '3e4f46cc-3695-489c-902b-a5ba8717d009',
    type: 'azure.serviceprincipal/application',
    folder: 'azure.entra.admin-escalation-path',
    verdicts: ['RISKY']
  },
  {
    // Wiz's 'Blob container with anonymous access enabled' (Resource Type Microsoft.Storage/storageAccounts/blobServices/containers)
    file: 'wiz/issues_multiple_findings.csv',
    control: 'azure.storage.blob-container-anonymous-access',
    resource:
      '/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/developer-prod/providers/microsoft.storage/storageaccounts/developerprodacc/blobservices/default/containers/dev-container',
    type: 'azure.storage.blob-container',
    folder: 'azure.storage.public-blob-access',
    // no storage account, container listing or storage logs in evidence
    verdicts: ['RISKY']
  },
  {
    // two Wiz toxic combinations on one public container: one finding
    file: 'wiz/issues_multiple_findings.csv',
    control: 'azure.storage.blob-container-anonymous-access',
    resource:
      '/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/creds-internal-storage/providers/microsoft.storage/storageaccounts/credsaccount/blobservices/default/containers/credsinternalcontainer',
    type: 'azure.storage.blob-container',
    folder: 'azure.storage.public-blob-access',
    verdicts: ['RISKY']
  }
]

describe('real export rows reach the folder that answers them', () => {
  for (const [i, row] of ROWS.entries()) {
    it(`${row.file}: ${row.control} on ${row.resource}`, async () => {
      const c = freshCase(tmp, `row-${i}`)
      try {
        const now = clock()
        importFile(c, join(FIXTURES, 'real', row.file), { actor: ANALYST, now, displayName: row.file })
        await investigateCase(c, { actor: ANALYST, now, playbooks: set })
        const f = listFindings(c.db, { status: 'open' }).find((x) => x.control === row.control && x.resource.id === row.resource)
        expect(f, `${row.control} on ${row.resource}`).toBeDefined()
        expect(f!.resource.type).toBe(row.type)
        const pb = playbookFor(set, table, f!)
        expect(pb.generic).toBeUndefined()
        expect(pb.id).toBe(row.folder)
        // investigated by that folder's own steps
        expect(f!.rci.steps.map((s) => s.id)).toEqual(pb.def.steps.map((s) => s.id))
        expect(row.verdicts).toContain(f!.rci.verdict)
      } finally {
        c.close()
      }
    }, 120_000)
  }
})
