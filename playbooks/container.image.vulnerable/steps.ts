// Step functions for vulnerable container images (container.image.vulnerable): is the image
// digest running anywhere (ECS tasks, EKS pods in evidence), is there a fixed version for what the
// scanners reported, and does taking it mean a new major version of an application package.
// What the scanners said is read from the alerts' own records (Trivy, Inspector via ASFF, Wiz).
import { z } from 'zod'
import { packagesOf, type VulnerablePackage } from '../../main/semantics/vulnerable-packages'
import { upgradeSize } from '../../main/semantics/versions'
import { outcome, plural } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

const IMAGE = ['container.image'] as const

function failing(ctx: StepContext): VulnerablePackage[] {
  const ids = ctx.finding.alerts.filter((a) => a.outcome === 'FAIL').map((a) => a.id)
  return ctx.ev.alertRecords(ids).flatMap(packagesOf)
}

const alertEvidence = (pkgs: VulnerablePackage[]) => [...new Set(pkgs.map((p) => p.alert))]

const imageRunning = defineStep({
  name: 'image.running',
  summary: 'whether the image digest runs anywhere in evidence (ECS tasks, EKS pods), i.e. whether replacing it means a deployment',
  resourceTypes: IMAGE,
  params: z.object({}).strict(),
  run(ctx) {
    const facts = ctx.ev.facts(ctx.finding.resource.id)
    const running = (facts.image?.running ?? []).filter((r) => /\((RUNNING|PENDING|ACTIVATING|running)\)\s*$/.test(r.detail))
    const stopped = (facts.image?.running ?? []).length - running.length
    const inventories = ctx.ev.files().filter((f) => /\/inventory\/(ecs-tasks|eks-pods)\.json$/.test(f.path) && f.status === 'read')
    const ev = [inventories.map((f) => f.id), facts.image?.evidence]
    if (running.length) {
      const where = [...new Set(running.map((r) => `${r.kind === 'ecs-task' ? 'ECS' : 'EKS'} ${r.cluster ?? ''}`.trim()))].join(', ')
      return outcome(
        'yes',
        `${plural(running.length, 'workload')} run this digest (${where}: ${running
          .slice(0, 4)
          .map((r) => r.id.split('/').pop())
          .join(', ')}${running.length > 4 ? ', …' : ''}): a fix is a rebuild and a redeployment of running services`,
        {
          evidence: ev,
          certainty: 'proven',
          sources: ['aws.inventory']
        }
      )
    }
    if (!inventories.length) return outcome('unknown', 'no ECS task or EKS pod inventory is in evidence, so where the image runs is unknown', { sources: ['aws.inventory'] })
    return outcome(
      'no',
      `no running ECS task or EKS pod in evidence uses this digest${stopped ? ` (${plural(stopped, 'stopped task')} did)` : ''} — inferred: clusters and accounts outside the evidence are not ruled out`,
      { evidence: ev, certainty: 'inferred', sources: ['aws.inventory'] }
    )
  }
})

const fixAvailable = defineStep({
  name: 'image.fix-available',
  summary: 'whether the scanners name a fixed version for the vulnerable packages they reported on the image',
  resourceTypes: IMAGE,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = failing(ctx)
    if (!pkgs.length) return outcome('unknown', "the alerts' records name no vulnerable package (the scanners' formats give no package or version)", {})
    const fixed = pkgs.filter((p) => p.fixed.length)
    const unfixed = pkgs.filter((p) => !p.fixed.length)
    const list = (ps: VulnerablePackage[]) =>
      ps
        .slice(0, 5)
        .map((p) => `${p.vulnerability} in ${p.pkg} ${p.installed}${p.fixed.length ? ` → ${p.fixed.join(' or ')}` : ''}`)
        .join('; ')
    if (!fixed.length)
      return outcome('no', `no fixed version exists yet for any of the ${plural(pkgs.length, 'vulnerable package')} (${list(pkgs)}): there is nothing to upgrade to`, {
        evidence: [alertEvidence(pkgs)],
        certainty: 'proven'
      })
    return outcome(
      'yes',
      `${fixed.length} of ${plural(pkgs.length, 'vulnerable package')} have a fixed version (${list(fixed)})${unfixed.length ? `; ${unfixed.length} have none yet (${list(unfixed)}) and stay open after the rebuild` : ''}`,
      {
        evidence: [alertEvidence(pkgs)],
        certainty: 'proven'
      }
    )
  }
})

const majorUpgrade = defineStep({
  name: 'image.major-upgrade',
  summary:
    'whether taking the fix means a new major version of an application package (an API change the application must be made ready for); distribution packages are patched in place',
  resourceTypes: IMAGE,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = failing(ctx).filter((p) => p.fixed.length)
    if (!pkgs.length) return outcome('unknown', 'no fixed version is named, so the size of the upgrade cannot be told', {})
    const majors: string[] = []
    const unclear: string[] = []
    for (const p of pkgs) {
      if (p.layer === 'os') continue
      // any fixed version in the installed major line keeps the API
      const size = upgradeSize(p.installed, p.fixed)
      if (size === 'unknown') unclear.push(`${p.pkg} ${p.installed} → ${p.fixed.join(' or ')}`)
      else if (size === 'major') majors.push(`${p.pkg} ${p.installed} → ${p.fixed.join(' or ')} (${p.vulnerability})`)
    }
    const os = pkgs.filter((p) => p.layer === 'os').length
    const ev = { evidence: [alertEvidence(pkgs)] }
    if (majors.length)
      return outcome(
        'yes',
        `the fix needs a new major version of ${plural(majors.length, 'application package')}: ${majors.slice(0, 4).join('; ')} — the application must be changed and tested for it`,
        { ...ev, certainty: 'inferred' }
      )
    if (unclear.length) return outcome('unknown', `the version change of ${unclear.slice(0, 4).join('; ')} cannot be read as semantic versions`, ev)
    return outcome(
      'no',
      `every fixed version stays in the installed major line${os ? ` (${plural(os, 'distribution package')} patched in the base image)` : ''}: a patch or minor upgrade`,
      { ...ev, certainty: 'inferred' }
    )
  }
})

const baseImagePackages = defineStep({
  name: 'image.base-image-packages',
  summary: "whether the vulnerable packages come from the base image (distribution packages: rebuild on a patched base) rather than the application's dependencies",
  resourceTypes: IMAGE,
  params: z.object({}).strict(),
  run(ctx) {
    const pkgs = failing(ctx)
    if (!pkgs.length) return outcome('unknown', "the alerts' records name no vulnerable package", {})
    const os = pkgs.filter((p) => p.layer === 'os')
    const app = pkgs.filter((p) => p.layer === 'app')
    const ev = { evidence: [alertEvidence(pkgs)], certainty: 'proven' as const }
    const names = (ps: VulnerablePackage[]) => [...new Set(ps.map((p) => p.pkg))].slice(0, 6).join(', ')
    if (os.length && !app.length)
      return outcome('yes', `all ${plural(os.length, 'vulnerable package')} are distribution packages of the base image (${names(os)}): rebuild on a patched base image`, ev)
    if (app.length && !os.length)
      return outcome(
        'no',
        `all ${plural(app.length, 'vulnerable package')} are application dependencies (${names(app)}): update them in the application's lock file and rebuild`,
        ev
      )
    if (os.length && app.length) return outcome('yes', `both: ${os.length} in the base image (${names(os)}) and ${app.length} application dependencies (${names(app)})`, ev)
    return outcome('unknown', 'the scanners do not say which layer the packages belong to', { evidence: [alertEvidence(pkgs)] })
  }
})

export const CONTAINER_STEPS = [imageRunning, fixAvailable, majorUpgrade, baseImagePackages]
