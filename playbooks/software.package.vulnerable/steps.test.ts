// The Wiz issue paths of the steps (the fixture's findings are Inspector's): an issue row names no
// package, so the package questions answer unknown, and what the row says about exposure, exploits
// and end-of-life software is what the investigation has.
import { describe, expect, it } from 'vitest'
import type { AlertRecord, EvidenceView, StepContext } from '../../main/controls/step'
import { HOST_STEPS } from './steps'

const VM = '/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/us2eastrg/providers/microsoft.compute/virtualmachines/ubuntuserv1604ltsvg1'

const SITE = '/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/developer-prod/providers/microsoft.web/sites/nginx-wizard##serverless'

/** a Wiz issue row: its title and, as Wiz exports it, its copy of the resource (ARM's instance view) */
function ctxOf(title: string, power?: string, site = false): StepContext {
  const resource = power ? JSON.stringify({ id: VM, properties: { instanceView: { statuses: [{ code: 'ProvisioningState/succeeded' }, { code: `PowerState/${power}` }] } } }) : '{}'
  const raw = `"${title}",Open,"${resource.replace(/"/g, '""')}"`
  const record: AlertRecord = { id: 'A-1', tool: 'wiz', ruleId: 'r', format: 'wiz-issues-csv', raw, context: { header: 'Title,Status,Resource original JSON' } }
  const ev = { alertRecords: () => [record], config: () => null } as unknown as EvidenceView
  return {
    finding: {
      ref: 'F-1',
      id: 1,
      control: 'azure.compute.vm-exposed-exploitable-vulnerability',
      resource: site
        ? { id: SITE, type: 'azure.web.site', account: 'fee3535b-9616-486f-a476-6a500a08a02b', region: 'eastus', name: 'nginx-wizard', environment: null }
        : { id: VM, type: 'azure.compute.vm', account: 'fee3535b-9616-486f-a476-6a500a08a02b', region: 'eastus2', name: 'ubuntuserv1604ltsvg1', environment: null },
      alerts: [{ id: 'A-1', tool: 'wiz', ruleId: 'r', outcome: 'FAIL' }]
    },
    window: null,
    ev
  }
}

const run = (name: string, ctx: StepContext) => HOST_STEPS.find((s) => s.name === name)!.run(ctx, {})

describe('software.package.vulnerable steps on a Wiz issue row', () => {
  it("answers unknown for the package questions, and takes exposure and the exploit from Wiz's issue", () => {
    const ctx = ctxOf('Publicly exposed VM/serverless with high/critical severity network vulnerabilities with a known exploit')
    expect(run('package.fix-available', ctx)).toMatchObject({ answer: 'unknown' })
    expect(run('package.fix-available', ctx).explanation).toContain('names no package')
    expect(run('package.major-upgrade', ctx).answer).toBe('unknown')
    expect(run('package.distribution', ctx).answer).toBe('unknown')
    expect(run('host.running', ctx)).toMatchObject({ answer: 'unknown' })
    expect(run('host.running', ctx).explanation).toContain('no Azure VM inventory')
    expect(run('host.exposed', ctx)).toMatchObject({ answer: 'yes', certainty: 'inferred' })
    expect(run('package.known-exploit', ctx)).toMatchObject({ answer: 'yes' })
  })

  it("reads the VM's power state from the row's copy of the resource, as of Wiz's scan", () => {
    const on = run('host.running', ctxOf('VM with end-of-life software', 'running'))
    expect(on).toMatchObject({ answer: 'yes', certainty: 'inferred' })
    expect(on.explanation).toContain("as of Wiz's last scan")
    expect(run('host.running', ctxOf('VM with end-of-life software', 'deallocated'))).toMatchObject({ answer: 'no', certainty: 'inferred' })
  })

  it('says a move off end-of-life software is a major upgrade, and claims no exposure Wiz does not report', () => {
    const ctx = ctxOf('VM with end-of-life software')
    expect(run('package.major-upgrade', ctx)).toMatchObject({ answer: 'yes' })
    expect(run('host.exposed', ctx).answer).toBe('unknown')
    expect(run('package.known-exploit', ctx).answer).toBe('unknown')
  })

  it('on an App Service or Functions site (Wiz\'s "VM/serverless" issue): the row gives no power state and no package, and claims no exposure', () => {
    // the real row: Resource Type Microsoft.Web/sites/functions, Resource original JSON {}
    const ctx = ctxOf('VM/serverless with high/critical severity network vulnerabilities with a known exploit ', undefined, true)
    expect(run('package.fix-available', ctx).answer).toBe('unknown')
    expect(run('host.running', ctx)).toMatchObject({ answer: 'unknown' })
    expect(run('host.running', ctx).explanation).toContain('nginx-wizard (azure.web.site)')
    expect(run('host.exposed', ctx).answer).toBe('unknown')
    expect(run('package.known-exploit', ctx).answer).toBe('yes')
  })
})
