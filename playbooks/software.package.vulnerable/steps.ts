// Step functions for vulnerable packages on hosts, functions and repositories
// (software.package.vulnerable) and the Wiz issues on Azure VMs its playbook serves. What the
// scanners said about the packages is read from the alerts' own records (Trivy, Inspector, Wiz's
// vulnerability CSV); a Wiz issue row names no package, so those questions answer unknown for it.
// Whether the host runs and is reachable comes from the EC2 inventory (instance state, public
// address, security groups); for Azure VMs from what Wiz's issue row says (its exposure analysis, and
// the VM's power state in the row's copy of the resource), as Lastmile collects no Azure VM inventory yet.
import { z } from 'zod'
import { ec2Arn } from '../../main/semantics/ids'
import { csvCells, packagesOf, type VulnerablePackage } from '../../main/semantics/vulnerable-packages'
import { upgradeSize } from '../../main/semantics/versions'
import { outcome, plural } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

/** the resource types the playbook investigates (the alerts' resources other than container images) */
// azure.web.site: an App Service or Functions site, which Wiz's "VM/serverless" issues name as they name VMs
export const HOSTS = ['aws.ec2.instance', 'aws.lambda.function', 'azure.compute.vm', 'azure.compute.virtualmachinescalesets', 'azure.web.site', 'gcp.resource', 'iac.file'] as const

function failing(ctx: StepContext) {
  const ids = ctx.finding.alerts.filter((a) => a.outcome === 'FAIL').map((a) => a.id)
  return ctx.ev.alertRecords(ids)
}

const packages = (ctx: StepContext): VulnerablePackage[] => failing(ctx).flatMap(packagesOf)

/** Wiz issue titles of the finding (an issue row names the problem, not the packages). */
function wizIssueTitles(ctx: StepContext): Array<{ alert: string; title: string }> {
  return failing(ctx)
    .filter((a) => a.format === 'wiz-issues-csv')
    .map((a) => ({ alert: a.id, title: csvCells(a)?.('Title') ?? '' }))
    .filter((t) => t.title)
}

/** The power states (ARM instance view codes, PowerState/running) in the Wiz issue rows' "Resource original JSON". */
function wizPowerStates(ctx: StepContext): Array<{ alert: string; state: string }> {
  const out: Array<{ alert: string; state: string }> = []
  for (const a of failing(ctx).filter((x) => x.format === 'wiz-issues-csv')) {
    let json: unknown
    try {
      json = JSON.parse(csvCells(a)?.('Resource original JSON') || 'null')
    } catch {
      continue
    }
    const props = json && typeof json === 'object' ? (json as { properties?: { instanceView?: { statuses?: unknown } } }).properties : undefined
    const statuses = Array.isArray(props?.instanceView?.statuses) ? (props.instanceView.statuses as Array<{ code?: unknown }>) : []
    for (const st of statuses) if (typeof st?.code === 'string' && st.code.startsWith('PowerState/')) out.push({ alert: a.id, state: st.code })
  }
  return out
}

const alertEvidence = (pkgs: readonly { alert: string }[]) => [...new Set(pkgs.map((p) => p.alert))]
const noPackages = (ctx: StepContext): string =>
  wizIssueTitles(ctx).length
    ? "the finding is a Wiz issue, whose row names no package or version (Wiz's vulnerability export does)"
    : "the alerts' records name no vulnerable package (the scanner's format gives no package or version)"
const list = (ps: VulnerablePackage[]) =>
  ps
    .slice(0, 5)
    .map((p) => `${p.vulnerability} in ${p.pkg} ${p.installed}${p.fixed.length ? ` → ${p.fixed.join(' or ')}` : ''}`)
    .join('; ') + (ps.length > 5 ? '; …' : '')

const fixAvailable = defineStep({
  name: 'package.fix-available',
  summary: 'whether the scanners name a fixed version for the vulnerable packages they reported (Trivy FixedVersion, Inspector fixAvailable/FixedInVersion, Wiz FixedVersion)',
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = packages(ctx)
    if (!pkgs.length) return outcome('unknown', `${noPackages(ctx)}, so whether a fixed version exists is unknown`, {})
    const fixed = pkgs.filter((p) => p.fixed.length)
    const unfixed = pkgs.filter((p) => !p.fixed.length)
    const ev = { evidence: [alertEvidence(pkgs)], certainty: 'proven' as const }
    if (!fixed.length)
      return outcome('no', `no fixed version exists yet for any of the ${plural(pkgs.length, 'vulnerable package')} (${list(pkgs)}): there is nothing to update to`, ev)
    return outcome(
      'yes',
      `${fixed.length} of ${plural(pkgs.length, 'vulnerable package')} have a fixed version (${list(fixed)})${unfixed.length ? `; ${unfixed.length} have none yet (${list(unfixed)}) and stay open after the update` : ''}`,
      ev
    )
  }
})

const majorUpgrade = defineStep({
  name: 'package.major-upgrade',
  summary:
    'whether taking the fix means a new major version of a package (semantic versioning; below 1.0 a new minor; a new epoch for distribution packages): an API or behaviour change the software on the host must be made ready for',
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const all = packages(ctx)
    const pkgs = all.filter((p) => p.fixed.length)
    const eol = wizIssueTitles(ctx).filter((t) => /end[- ]of[- ]life/i.test(t.title))
    if (!all.length && eol.length)
      return outcome('yes', `Wiz reports end-of-life software ("${eol[0].title}"): moving off it is an upgrade to a supported major version, or a new image`, {
        evidence: [alertEvidence(eol)],
        certainty: 'inferred'
      })
    if (!pkgs.length)
      return outcome('unknown', all.length ? 'no fixed version is named, so the size of the update cannot be told' : `${noPackages(ctx)}, so the size of the update is unknown`, {})
    const majors: string[] = []
    const unclear: string[] = []
    for (const p of pkgs) {
      const size = upgradeSize(p.installed, p.fixed)
      const what = `${p.pkg} ${p.installed} → ${p.fixed.join(' or ')}`
      if (size === 'major') majors.push(`${what} (${p.vulnerability}${p.layer === 'os' ? ', a distribution package' : ''})`)
      else if (size === 'unknown') unclear.push(what)
    }
    const ev = { evidence: [alertEvidence(pkgs)] }
    if (majors.length)
      return outcome(
        'yes',
        `the fix needs a new major version of ${plural(majors.length, 'package')}: ${majors.slice(0, 4).join('; ')} — what uses it must be changed and tested for it`,
        {
          ...ev,
          certainty: 'inferred'
        }
      )
    if (unclear.length) return outcome('unknown', `the version change of ${unclear.slice(0, 4).join('; ')} cannot be read as version numbers`, ev)
    return outcome('no', `every fixed version stays in the installed major line (${list(pkgs)}): patch or minor updates`, { ...ev, certainty: 'inferred' })
  }
})

const distribution = defineStep({
  name: 'package.distribution',
  summary:
    "whether the vulnerable packages are the distribution's (the OS package manager updates them; a kernel or libc update needs a reboot) rather than application dependencies (updated in the application's build and redeployed)",
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = packages(ctx)
    if (!pkgs.length) return outcome('unknown', `${noPackages(ctx)}, so whether they are distribution packages is unknown`, {})
    const os = pkgs.filter((p) => p.layer === 'os')
    const app = pkgs.filter((p) => p.layer === 'app')
    const names = (ps: VulnerablePackage[]) => [...new Set(ps.map((p) => p.pkg))].slice(0, 6).join(', ')
    const reboot = os.some((p) => /^(kernel|linux-image|glibc|libc6|systemd)\b/.test(p.pkg)) ? '; the kernel, libc or systemd changes, so the host must be rebooted' : ''
    const ev = { evidence: [alertEvidence(pkgs)], certainty: 'proven' as const }
    if (os.length && !app.length)
      return outcome(
        'yes',
        `all ${plural(os.length, 'vulnerable package')} are distribution packages (${names(os)}): the package manager updates them and restarts nothing by itself — services using them must be restarted${reboot}`,
        ev
      )
    if (app.length && !os.length)
      return outcome(
        'no',
        `all ${plural(app.length, 'vulnerable package')} are application dependencies (${names(app)}): update them in the application's lock file, rebuild and redeploy`,
        ev
      )
    if (os.length && app.length)
      return outcome(
        'yes',
        `both: ${os.length} distribution packages (${names(os)}${reboot}) and ${app.length} application dependencies (${names(app)}, rebuilt and redeployed)`,
        ev
      )
    return outcome('unknown', 'the scanners do not say whether the packages are the distribution’s or the application’s', { evidence: [alertEvidence(pkgs)] })
  }
})

const RUNNING = new Set(['running', 'pending'])
const NOT_RUNNING = new Set(['stopped', 'stopping', 'terminated', 'shutting-down'])

const running = defineStep({
  name: 'host.running',
  summary: 'whether the host runs (EC2 instance state from inventory/ec2-instances.json), i.e. whether replacing its packages interrupts services',
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const r = ctx.finding.resource
    if (r.type === 'aws.ec2.instance') {
      const cfg = ctx.ev.config(r.id, 'ec2.config')
      if (!cfg)
        return outcome('unknown', `the instance ${r.name ?? r.id} is not in the evidence's EC2 inventory (inventory/ec2-instances.json), so whether it runs is unknown`, {
          sources: ['aws.inventory']
        })
      const state = cfg.value.state
      const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
      if (state && RUNNING.has(state)) return outcome('yes', `the instance ${cfg.value.instanceId} is ${state}: updating its packages restarts the services that use them`, o)
      if (state && NOT_RUNNING.has(state))
        return outcome(
          'no',
          `the instance ${cfg.value.instanceId} is ${state}: nothing runs on it to interrupt now, and nothing can update it until it runs again (Run Command reaches running instances)`,
          o
        )
      return outcome('unknown', `the state of ${cfg.value.instanceId} is ${state ?? 'not in the inventory'}`, { evidence: [cfg.evidence], sources: ['aws.inventory'] })
    }
    // a Wiz issue row carries the resource as Wiz last read it (ARM's instance view, with its power state)
    const wiz = wizPowerStates(ctx)
    if (wiz.length) {
      const on = wiz.filter((w) => /^PowerState\/(running|starting)$/i.test(w.state))
      const off = wiz.filter((w) => /^PowerState\/(deallocated|deallocating|stopped|stopping)$/i.test(w.state))
      const o = { evidence: [alertEvidence(wiz)], certainty: 'inferred' as const }
      if (on.length && !off.length)
        return outcome(
          'yes',
          `Wiz read the VM ${on[0].state.slice(11)} (its issue row's instance view): updating its packages restarts services — inferred: as of Wiz's last scan`,
          o
        )
      if (off.length && !on.length)
        return outcome('no', `Wiz read the VM ${off[0].state.slice(11)} (its issue row's instance view): nothing runs on it to interrupt — inferred: as of Wiz's last scan`, o)
    }
    if (r.type.startsWith('azure.compute.'))
      return outcome('unknown', `Lastmile's evidence bundle holds no Azure VM inventory, and no alert gives the power state of ${r.name ?? r.id}, so it is unknown`, {})
    if (r.type === 'iac.file') return outcome('unknown', `${r.id} is a file in a repository: what runs the software built from it is not in the evidence`, {})
    return outcome('unknown', `no inventory in evidence says whether ${r.name ?? r.id} (${r.type}) runs`, {})
  }
})

const exposed = defineStep({
  name: 'host.exposed',
  summary:
    "whether the host is reachable from the internet: an EC2 instance's public address and security-group rules open to 0.0.0.0/0 or ::/0, or Wiz's own exposure analysis when its issue says 'publicly exposed'",
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const r = ctx.finding.resource
    const wiz = wizIssueTitles(ctx).filter((t) => /^publicly exposed\b/i.test(t.title))
    if (wiz.length)
      return outcome('yes', `Wiz's network exposure analysis reports it publicly exposed ("${wiz[0].title}")`, { evidence: [alertEvidence(wiz)], certainty: 'inferred' })
    if (r.type !== 'aws.ec2.instance') return outcome('unknown', `no evidence says whether ${r.name ?? r.id} is reachable from the internet`, {})
    const cfg = ctx.ev.config(r.id, 'ec2.config')
    if (!cfg)
      return outcome('unknown', `the instance ${r.name ?? r.id} is not in the evidence's EC2 inventory, so its addresses and security groups are unknown`, {
        sources: ['aws.inventory']
      })
    const c = cfg.value
    const publicIps = [c.publicIp, ...c.enis.map((e) => e.publicIp)].filter((x): x is string => !!x)
    const sources = ['aws.inventory' as const]
    if (!publicIps.length)
      return outcome(
        'no',
        `${c.instanceId} has no public address (only ${c.privateIps.join(', ') || 'private addresses'}) — inferred: a load balancer or NAT in front is not ruled out`,
        {
          evidence: [cfg.evidence],
          certainty: 'inferred',
          sources
        }
      )
    const groups = [...new Set([...c.securityGroups, ...c.enis.flatMap((e) => e.groups)])]
    const open: string[] = []
    const missing: string[] = []
    const evidence = [...cfg.evidence]
    for (const g of groups) {
      const sg = ctx.ev.config(ec2Arn(c.region, c.account, 'security-group', g), 'sg.config')
      if (!sg) {
        missing.push(g)
        continue
      }
      evidence.push(...sg.evidence)
      for (const o of sg.value.openToInternet)
        open.push(`${g} ${o.protocol === '-1' ? 'all traffic' : `${o.protocol}/${o.fromPort === o.toPort ? o.fromPort : `${o.fromPort}-${o.toPort}`}`} from ${o.cidr}`)
    }
    if (open.length)
      return outcome('yes', `${c.instanceId} has the public address ${publicIps.join(', ')} and ${open.slice(0, 4).join('; ')}`, {
        evidence: [evidence],
        certainty: 'proven',
        sources
      })
    if (missing.length)
      return outcome(
        'unknown',
        `${c.instanceId} has the public address ${publicIps.join(', ')}; its security group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the evidence`,
        {
          evidence: [evidence],
          sources
        }
      )
    return outcome('no', `${c.instanceId} has the public address ${publicIps.join(', ')} but no rule of ${groups.join(', ') || 'its groups'} admits the internet`, {
      evidence: [evidence],
      certainty: 'proven',
      sources
    })
  }
})

const knownExploit = defineStep({
  name: 'package.known-exploit',
  summary:
    'whether a public exploit exists for a reported vulnerability (Inspector exploitAvailable, Wiz HasExploit / HasCisaKevExploit, a Wiz issue on an exploitable vulnerability): it makes the update urgent, not safer',
  resourceTypes: HOSTS,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = packages(ctx)
    const kev = pkgs.filter((p) => p.kev)
    const exploit = pkgs.filter((p) => p.exploit || p.kev)
    if (exploit.length)
      return outcome(
        'yes',
        `${plural(exploit.length, 'vulnerability', 'vulnerabilities')} ha${exploit.length === 1 ? 's' : 've'} a public exploit (${[...new Set(exploit.map((p) => p.vulnerability))].slice(0, 5).join(', ')})${kev.length ? `; CISA lists ${[...new Set(kev.map((p) => p.vulnerability))].slice(0, 3).join(', ')} as exploited in the wild` : ''}`,
        { evidence: [alertEvidence(exploit)], certainty: 'proven' }
      )
    const wiz = wizIssueTitles(ctx).filter((t) => /known exploit|exploitable|vulnerable to CVE-|GameOver\(lay\)|Log4Shell/i.test(t.title))
    if (wiz.length) return outcome('yes', `Wiz's issue says so: "${wiz[0].title}"`, { evidence: [alertEvidence(wiz)], certainty: 'proven' })
    if (pkgs.length && pkgs.every((p) => p.exploit === false))
      return outcome('no', `the scanner reports no public exploit for any of the ${plural(pkgs.length, 'vulnerability', 'vulnerabilities')}`, {
        evidence: [alertEvidence(pkgs)],
        certainty: 'proven'
      })
    return outcome('unknown', pkgs.length ? 'the scanners do not say whether exploits are public' : `${noPackages(ctx)}, and its title names no exploit`, {})
  }
})

export const HOST_STEPS = [fixAvailable, majorUpgrade, distribution, running, exposed, knownExploit]
