import { posix } from 'node:path'
import { arr, get, isoTime, obj, severityOf, str } from '../normalise'
import type { AlertDraft, Outcome, ResourceDraft, RuleKind } from '../types'
import { plan, RecordError, samePath, type JsonAdapter, type JsonContext } from './adapter'

/**
 * Trivy JSON (FORMATS.md A4), SchemaVersion 2 for `trivy image|fs|repo|config`, `trivy k8s`
 * (Resources[] per workload, or the older Vulnerabilities[]/Misconfigurations[] summary), and
 * the legacy (< 0.20) top-level array of results. Each vulnerability, misconfiguration and
 * secret is one record; its result (Target, Class) and artifact are its context.
 */
const P = {
  vuln: ['Results', '*', 'Vulnerabilities', '*'],
  misconf: ['Results', '*', 'Misconfigurations', '*'],
  secret: ['Results', '*', 'Secrets', '*'],
  k8sVuln: ['Resources', '*', 'Results', '*', 'Vulnerabilities', '*'],
  k8sMisconf: ['Resources', '*', 'Results', '*', 'Misconfigurations', '*'],
  k8sSecret: ['Resources', '*', 'Results', '*', 'Secrets', '*'],
  k8sOldVuln: ['Vulnerabilities', '*', 'Results', '*', 'Vulnerabilities', '*'],
  k8sOldMisconf: ['Misconfigurations', '*', 'Results', '*', 'Misconfigurations', '*'],
  legacyVuln: ['*', 'Vulnerabilities', '*'],
  legacyMisconf: ['*', 'Misconfigurations', '*']
} as const

const STANDARD = [P.vuln, P.misconf, P.secret]
const K8S = [P.k8sVuln, P.k8sMisconf, P.k8sSecret, P.k8sOldVuln, P.k8sOldMisconf]
const LEGACY = [P.legacyVuln, P.legacyMisconf]

function kindOf(path: readonly string[]): RuleKind {
  const last = path[path.length - 2]
  return last === 'Vulnerabilities' ? 'vulnerability' : last === 'Misconfigurations' ? 'misconfiguration' : 'secret'
}

export const trivy: JsonAdapter = {
  kind: 'json',
  format: 'trivy-json',
  tool: 'trivy',
  description: 'Trivy JSON (image, fs, repo, config, k8s, legacy array)',
  paths: [...STANDARD, ...K8S, ...LEGACY],
  detect(p) {
    const f = p.first
    if (p.rootKind === 'object' && p.rootKeys.includes('ClusterName')) return plan(K8S)
    if (
      p.rootKind === 'object' &&
      (p.rootScalars.SchemaVersion === 2 || p.rootKeys.includes('ArtifactName')) &&
      (p.rootKeys.includes('Results') || p.rootKeys.includes('ArtifactName'))
    ) {
      return plan(STANDARD)
    }
    if (f && STANDARD.some((x) => samePath(x, f.path))) return plan(STANDARD)
    if (f && samePath(f.path, ['*']) && typeof get(f.value, 'Target') === 'string' && ('Vulnerabilities' in f.value || 'Misconfigurations' in f.value || 'Type' in f.value)) {
      return plan(LEGACY)
    }
    if (p.forced) return plan([...STANDARD, ...K8S])
    return null
  },
  normalise(r, ctx) {
    const kind = kindOf(ctx.path)
    const art = artifactOf(ctx)
    const target = str(ctx.find('Target')) ?? ''
    const resultClass = str(ctx.find('Class'))
    const severity = severityOf(get(r, 'Severity')) ?? 'informational'
    let draft: AlertDraft
    if (kind === 'vulnerability') {
      const vid = str(get(r, 'VulnerabilityID'))
      if (!vid) throw new RecordError('a Trivy vulnerability without VulnerabilityID')
      const pkg = str(get(r, 'PkgName')) ?? str(get(r, 'PkgID')) ?? ''
      const installed = str(get(r, 'InstalledVersion')) ?? ''
      const fixed = str(get(r, 'FixedVersion'))
      const status = (str(get(r, 'Status')) ?? '').toLowerCase()
      let outcome: Outcome = 'FAIL'
      if (status === 'not_affected') outcome = 'PASS'
      const resource = vulnerableThing(art, target, resultClass)
      // (artifact, package, installed version, vulnerability): FORMATS.md D
      const where = art.image ? (art.image.digest ?? art.name) : `${art.name}|${target}`
      draft = {
        tool: 'trivy',
        toolFindingId: [art.k8s ? art.k8sId : where, art.k8s ? target : null, str(get(r, 'PkgID')) ?? pkg, installed, vid].filter((x) => x !== null).join('|'),
        ruleId: vid,
        kind,
        title: `${vid} ${pkg} ${installed}${fixed ? ` (fixed in ${fixed})` : ''}${str(get(r, 'Title')) ? `: ${str(get(r, 'Title'))}` : ''}`,
        severity,
        outcome,
        toolStatus: status || 'affected',
        muted: status === 'will_not_fix' || status === 'fix_deferred' || status === 'end_of_life',
        resource,
        observedAt: art.createdAt,
        artifact: art.scope
      }
    } else if (kind === 'misconfiguration') {
      const given = str(get(r, 'AVDID')) ?? str(get(r, 'ID'))
      const id = given ? trivyCheckId(given) : null
      if (!id) throw new RecordError('a Trivy misconfiguration without an ID')
      const cause = (obj(get(r, 'CauseMetadata')) ?? {}) as Record<string, unknown>
      const address = str(get(cause, 'Resource'))
      const line = typeof get(cause, 'StartLine') === 'number' ? (get(cause, 'StartLine') as number) : null
      const status = (str(get(r, 'Status')) ?? 'FAIL').toUpperCase()
      const resource = misconfiguredThing(art, target, address, line)
      draft = {
        tool: 'trivy',
        toolFindingId: [art.k8s ? art.k8sId : art.image ? (art.image.digest ?? art.name) : art.name, target, address ?? (line ? `L${line}` : ''), id].join('|'),
        ruleId: id,
        kind,
        title: str(get(r, 'Title')) ?? str(get(r, 'Message')) ?? id,
        severity,
        outcome: status === 'PASS' ? 'PASS' : 'FAIL',
        toolStatus: status,
        muted: status === 'EXCEPTION',
        resource,
        observedAt: art.createdAt,
        artifact: art.scope
      }
    } else {
      const rule = str(get(r, 'RuleID'))
      if (!rule) throw new RecordError('a Trivy secret without RuleID')
      const line = typeof get(r, 'StartLine') === 'number' ? (get(r, 'StartLine') as number) : null
      const resource = art.image || art.k8s ? vulnerableThing(art, target, resultClass) : misconfiguredThing(art, target, null, line)
      draft = {
        tool: 'trivy',
        toolFindingId: [art.k8s ? art.k8sId : art.image ? (art.image.digest ?? art.name) : art.name, target, rule, line ?? ''].join('|'),
        ruleId: rule,
        kind,
        title: `${str(get(r, 'Title')) ?? rule} in ${target}${line ? ` line ${line}` : ''}`,
        severity,
        outcome: 'FAIL',
        toolStatus: 'FOUND',
        muted: false,
        resource,
        observedAt: art.createdAt,
        artifact: art.scope
      }
    }
    return draft
  }
}

/** Trivy's built-in check families (trivy-checks): AWS, Azure, Google, Dockerfile, Kubernetes… */
const CHECK_FAMILY = /^(?:AVD-)?(AWS|AZU|GCP|DIG|GIT|KSV|KCV|NIF|OCI|OPNSTK|CLDSTK|DS)-?(\d{1,4})$/i

/**
 * A built-in Trivy check by its AVD id, however the output names it: Trivy JSON's AVDID
 * (`AVD-DS-0002`) or the ID its SARIF, its ASFF template and JSON without AVDID give, which older
 * Trivy wrote `DS002`/`KSV001` and newer Trivy `DS-0002`/`AWS-0086`. A custom check's id is kept.
 */
export function trivyCheckId(id: string): string {
  const m = CHECK_FAMILY.exec(id.trim())
  return m ? `AVD-${m[1].toUpperCase()}-${m[2].padStart(4, '0')}` : id
}

interface Artifact {
  name: string
  type: string | null
  image: { repository: string | null; digest: string | null; reference: string } | null
  k8s: { cluster: string | null; namespace: string | null; kind: string | null; name: string | null } | null
  k8sId: string
  createdAt: string | null
  /** what a later scan of the same thing is: the image, the path, the cluster */
  scope: string
  /** `trivy k8s`: the workload's images (RepoTags, RepoDigests) */
  meta: Array<Record<string, unknown>>
}

function artifactOf(ctx: JsonContext): Artifact {
  return ctx.memo('trivy.artifact', () => {
    const cluster = str(ctx.find('ClusterName'))
    let name = str(ctx.find('ArtifactName')) ?? cluster ?? '.'
    const type = str(ctx.find('ArtifactType'))
    const createdAt = isoTime(ctx.find('CreatedAt'))
    if (cluster !== null || (str(ctx.find('Kind')) && str(ctx.find('Name')))) {
      const k8s = {
        cluster,
        namespace: str(ctx.find('Namespace')),
        kind: str(ctx.find('Kind')),
        name: str(ctx.find('Name'))
      }
      // `trivy k8s` lists the workload's images under Metadata (one entry per image)
      const meta = arr(ctx.find('Metadata'))
        .map(obj)
        .filter((m): m is Record<string, unknown> => m !== null)
      return {
        name,
        type: 'kubernetes',
        image: null,
        k8s,
        k8sId: `${cluster ?? ''}/${k8s.namespace ?? ''}/${k8s.kind ?? ''}/${k8s.name ?? ''}`,
        createdAt,
        scope: `k8s:${cluster ?? ''}`,
        meta
      }
    }
    const metadata = obj(ctx.find('Metadata'))
    if (type === 'container_image' || arr(get(metadata, 'RepoDigests')).length > 0 || arr(get(metadata, 'RepoTags')).length > 0) {
      const digestRef = str(arr(get(metadata, 'RepoDigests'))[0])
      const [repository, digest] = digestRef && digestRef.includes('@') ? digestRef.split('@') : [null, null]
      // without an ArtifactName, the image is named by its tag, digest or image id, never '.' (which
      // would make every such image one resource and one scan)
      if (!str(ctx.find('ArtifactName'))) name = str(arr(get(metadata, 'RepoTags'))[0]) ?? digestRef ?? str(get(metadata, 'ImageID')) ?? imageOfOsResult(ctx) ?? name
      return {
        name,
        type: type ?? 'container_image',
        image: { repository: repository ?? (name.startsWith('sha256:') ? null : name.replace(/:[^:/]+$/, '')), digest, reference: name },
        k8s: null,
        k8sId: '',
        createdAt,
        scope: name,
        meta: []
      }
    }
    return { name, type, image: null, k8s: null, k8sId: '', createdAt, scope: name, meta: [] }
  })
}

/** An OS packages' Target names the image: `<image> (<os> <version>)`; the image is the Target without its OS. */
export function imageOfTarget(target: string): string {
  return target.replace(/\s+\([^()]*\)$/, '') || target
}

/** A container image as the resource of an alert: by its digest when known, else as referenced. */
export function imageResource(image: { repository: string | null; digest: string | null; reference: string }, name: string = image.reference): ResourceDraft {
  return { id: image.reference, type: 'container.image', name, provider: 'container', account: null, region: null, image }
}

/** The image an OS packages' result of this context names, if it is one. */
function imageOfOsResult(ctx: JsonContext): string | null {
  const target = str(ctx.find('Target'))
  return target && str(ctx.find('Class')) === 'os-pkgs' ? imageOfTarget(target) : null
}

/** What carries a vulnerability: the image (by digest when Trivy gives it), or the scanned file. */
function vulnerableThing(art: Artifact, target: string, resultClass: string | null): ResourceDraft {
  if (art.image) {
    return imageResource(art.image, art.name)
  }
  if (art.k8s) {
    // the image a workload runs: Target reads "nginx:1.14 (debian 9.13)" for OS packages
    const reference = imageOfTarget(target)
    const meta = art.meta.find((m) => arr(get(m, 'RepoTags')).some((t) => t === reference))
    const digestRef = meta ? str(arr(get(meta, 'RepoDigests'))[0]) : null
    const [repository, digest] = digestRef && digestRef.includes('@') ? digestRef.split('@') : [null, null]
    if (resultClass === 'os-pkgs' || resultClass === 'lang-pkgs' || digest) {
      return imageResource({ repository: repository ?? reference.replace(/:[^:/]+$/, ''), digest, reference })
    }
    return { id: null, type: null, name: art.k8s.name, provider: 'kubernetes', account: null, region: null, k8s: art.k8s }
  }
  const file = joinTarget(art.name, target)
  return { id: file, type: 'file', name: target, provider: 'iac', account: null, region: null }
}

function misconfiguredThing(art: Artifact, target: string, address: string | null, line: number | null): ResourceDraft {
  if (art.k8s) return { id: null, type: null, name: art.k8s.name, provider: 'kubernetes', account: null, region: null, k8s: art.k8s }
  if (art.image) return imageResource(art.image, art.name)
  return { id: null, type: null, name: null, provider: 'iac', account: null, region: null, iac: { file: joinTarget(art.name, target), address, line } }
}

/** A result's target is relative to the scanned path (`tofu/clusters/sandbox` + `../../x/main.tf`). */
function joinTarget(artifact: string, target: string): string {
  if (!target) return artifact
  if (target.startsWith('/') || /^[a-z]+:\/\//i.test(target) || artifact === '.' || artifact === '') return posix.normalize(target)
  if (/^[^/]+:[^/]+$/.test(artifact)) return posix.normalize(target)
  return posix.normalize(posix.join(artifact, target))
}
