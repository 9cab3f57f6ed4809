// Step functions for vulnerable container images (container.image.vulnerable): is the image
// digest running anywhere (ECS tasks, EKS pods in evidence), is there a fixed version for what the
// scanners reported, and does taking it mean a new major version of an application package.
// What the scanners said is read from the alerts' own records (Trivy, Inspector via ASFF, Wiz).
import { z } from 'zod'
import { parseCsv } from '../../main/semantics/csv'
import { outcome, plural } from '../../main/controls/step-common'
import { defineStep, type AlertRecord, type StepContext } from '../../main/controls/step'

const IMAGE = ['container.image'] as const

/** One vulnerable package, as any scanner reports it. */
interface VulnerablePackage {
  alert: string
  vulnerability: string
  pkg: string
  installed: string
  fixed: string[]
  /** os: a package of the base image's distribution; app: an application dependency */
  layer: 'os' | 'app' | 'unknown'
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const splitFixed = (s: string): string[] =>
  s
    .split(/\s*[,|]\s*/)
    .map((x) => x.trim())
    .filter((x) => x && x.toUpperCase() !== 'NOTAVAILABLE' && x !== 'N/A')

/** The innermost member `key` in a JSON alert's stored context (frames of verbatim members). */
function fromContext(context: unknown, key: string): unknown {
  if (!Array.isArray(context)) return undefined
  for (let i = context.length - 1; i >= 0; i--) {
    const f = obj(context[i])
    if (f && key in f) return f[key]
  }
  return undefined
}

// Inspector's package managers: OS is the distribution's package manager, the rest application ecosystems.
const OS_MANAGERS = new Set(['OS', 'DPKG', 'RPM', 'APK'])

function packagesOf(a: AlertRecord): VulnerablePackage[] {
  if (a.format === 'trivy-json') {
    const r = obj(safeJson(a.raw))
    if (!r) return []
    const cls = str(fromContext(a.context, 'Class'))
    return [
      {
        alert: a.id,
        vulnerability: str(r.VulnerabilityID) || a.ruleId,
        pkg: str(r.PkgName) || str(r.PkgID),
        installed: str(r.InstalledVersion),
        fixed: splitFixed(str(r.FixedVersion)),
        layer: cls === 'os-pkgs' ? 'os' : cls === 'lang-pkgs' ? 'app' : 'unknown'
      }
    ]
  }
  if (a.format === 'asff') {
    const r = obj(safeJson(a.raw))
    const out: VulnerablePackage[] = []
    for (const v of (Array.isArray(r?.Vulnerabilities) ? r!.Vulnerabilities : []).map(obj)) {
      for (const p of (Array.isArray(v?.VulnerablePackages) ? v!.VulnerablePackages : []).map(obj)) {
        if (!p) continue
        const manager = str(p.PackageManager).toUpperCase()
        out.push({
          alert: a.id,
          vulnerability: str(v?.Id) || a.ruleId,
          pkg: str(p.Name),
          installed: [str(p.Epoch) && str(p.Epoch) !== '0' ? `${str(p.Epoch)}:` : '', str(p.Version), str(p.Release) ? `-${str(p.Release)}` : ''].join(''),
          fixed: str(v?.FixAvailable).toUpperCase() === 'NO' ? [] : splitFixed(str(p.FixedInVersion)),
          layer: manager ? (OS_MANAGERS.has(manager) ? 'os' : 'app') : 'unknown'
        })
      }
    }
    return out
  }
  if (a.format === 'wiz-vulnerabilities-csv') {
    const header = str(obj(a.context)?.header)
    const parsed = parseCsv(`${header}\n${a.raw}`)
    if (!parsed.ok || parsed.rows.length < 2) return []
    const h = parsed.rows[0].fields
    const row = parsed.rows[1].fields
    const col = (n: string) => row[h.indexOf(n)] ?? ''
    const method = col('DetectionMethod')
    return [
      {
        alert: a.id,
        vulnerability: col('Name') || a.ruleId,
        pkg: col('DetailedName'),
        installed: col('Version'),
        fixed: splitFixed(col('FixedVersion')),
        layer: /os ?package/i.test(method) ? 'os' : method ? 'app' : 'unknown'
      }
    ]
  }
  return []
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return null
  }
}

/** Leading numeric components: "2.15.0" → [2, 15, 0]; "1:1.1.1n-0+deb11u4" → [1, 1, 1]. */
function numbers(v: string): number[] {
  const core = v.replace(/^v/i, '').replace(/^\d+:/, '')
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(core)
  return m
    ? m
        .slice(1)
        .filter((x) => x !== undefined)
        .map(Number)
    : []
}

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
      const have = numbers(p.installed)
      const options = p.fixed.map(numbers).filter((n) => n.length)
      if (!have.length || !options.length) {
        unclear.push(`${p.pkg} ${p.installed} → ${p.fixed.join(' or ')}`)
        continue
      }
      // any fixed version in the installed major line keeps the API
      if (!options.some((n) => n[0] === have[0])) majors.push(`${p.pkg} ${p.installed} → ${p.fixed.join(' or ')} (${p.vulnerability})`)
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
