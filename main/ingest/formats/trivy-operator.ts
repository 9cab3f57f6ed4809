import { arr, get, isoTime, obj, path, severityOf, str } from '../normalise'
import type { AlertDraft, ResourceDraft } from '../types'
import { plan, RecordError, RecordRefused, samePath, type JsonAdapter, type JsonContext } from './adapter'
import { imageResource, trivyCheckId } from './trivy'

/**
 * Trivy Operator's reports: the custom resources (group aquasecurity.github.io, version v1alpha1)
 * Trivy writes when it runs inside a cluster, as `kubectl get … -o json` prints them — one object,
 * a `kind: List` of items, a JSON array of objects, or a dict of lists keyed by the resources'
 * plural names (DefectDojo's parser reads that shape too). Field names are the CRDs' (trivy-operator
 * pkg/apis/aquasecurity/v1alpha1 and docs/docs/crds): report.checks[] {checkID, title, severity,
 * success, messages, scope}, report.vulnerabilities[] {vulnerabilityID, resource, installedVersion,
 * fixedVersion, severity, title, target}, report.secrets[] {target, ruleID, title, category,
 * severity, match}, report.artifact {repository, digest, tag}, report.registry.server, and the
 * labels trivy-operator.resource.kind/name/namespace and trivy-operator.container.name that name the
 * object a report is about. A ClusterComplianceReport of reportType all carries its failing checks in
 * status.detailReport.results[].checks[] with the target `<namespace>/<report name>`.
 *
 * Each report is one record (kubectl sorts an object's keys, so `report` may come before or after
 * `metadata`: the whole report is read at once). Only failing checks become alerts; they land on
 * exactly the controls and resources `trivy k8s` JSON gives: KSV/KCV checks on the object
 * (`k8s:<cluster>/<namespace>/<Kind>/<name>`), vulnerabilities and secrets on the container image.
 */
const GROUP = 'aquasecurity.github.io'

/** The resources' plural names, as a dict-of-lists export keys them (`<plural>.aquasecurity.github.io`). */
const PLURALS = [
  'vulnerabilityreports',
  'clustervulnerabilityreports',
  'configauditreports',
  'clusterconfigauditreports',
  'exposedsecretreports',
  'rbacassessmentreports',
  'clusterrbacassessmentreports',
  'infraassessmentreports',
  'clusterinfraassessmentreports',
  'clustercompliancereports',
  'sbomreports',
  'clustersbomreports'
] as const

type Reading = 'checks' | 'vulnerabilities' | 'secrets' | 'compliance' | 'none'

/** What each kind holds. SBOM reports list components, not findings: they are read as no alert. */
const KINDS: Record<string, Reading> = {
  ConfigAuditReport: 'checks',
  ClusterConfigAuditReport: 'checks',
  RbacAssessmentReport: 'checks',
  ClusterRbacAssessmentReport: 'checks',
  InfraAssessmentReport: 'checks',
  ClusterInfraAssessmentReport: 'checks',
  VulnerabilityReport: 'vulnerabilities',
  ClusterVulnerabilityReport: 'vulnerabilities',
  ExposedSecretReport: 'secrets',
  ClusterComplianceReport: 'compliance',
  SbomReport: 'none',
  ClusterSbomReport: 'none'
}

const ITEMS = ['items', '*'] as const
const ARRAY = ['*'] as const
const DICT = PLURALS.flatMap((p) => [[`${p}.${GROUP}`, '*'] as const, [`${p}.${GROUP}`, 'items', '*'] as const])
const ONE: readonly string[] = []

function isOperatorReport(v: Record<string, unknown> | null): boolean {
  const api = str(get(v, 'apiVersion'))
  return api !== null && api.startsWith(`${GROUP}/`) && typeof get(v, 'kind') === 'string'
}

export const trivyOperatorJson: JsonAdapter = {
  kind: 'json',
  format: 'trivy-operator-json',
  tool: 'trivy',
  description: "Trivy Operator's reports (kubectl get … -o json: one report, a List, an array or a dict of lists)",
  // never the root itself ([]): every other format's detection reads through this list
  paths: [ITEMS, ARRAY, ...DICT],
  detect(p) {
    const f = p.first
    if (f && DICT.some((x) => samePath(x, f.path))) return plan(DICT)
    if (!f && p.rootKind === 'object' && p.rootKeys.some((k) => k.endsWith(`.${GROUP}`))) return plan(DICT)
    if (f && samePath(f.path, ITEMS) && isOperatorReport(f.value)) return plan([ITEMS])
    if (f && samePath(f.path, ARRAY) && isOperatorReport(f.value)) return plan([ARRAY])
    if (!f && isOperatorReport(p.rootValue)) return plan([ONE])
    if (p.forced) {
      if (p.rootKind === 'array') return plan([ARRAY])
      if (p.rootKeys.includes('items')) return plan([ITEMS])
      return plan([ONE])
    }
    return null
  },
  normalise(r, ctx) {
    if (!isOperatorReport(r)) {
      // another Kubernetes object in the same List (kubectl get pods,vulnerabilityreports): not a finding
      if (typeof get(r, 'apiVersion') === 'string' && typeof get(r, 'kind') === 'string') return null
      throw new RecordError(`not a Kubernetes object (no apiVersion and kind): Trivy Operator's reports are exported with kubectl get <reports> -o json`)
    }
    const kind = str(get(r, 'kind')) as string
    const reading = KINDS[kind]
    if (reading === undefined) return null // a kind of the group this version of Lastmile does not know holds no finding it can name
    const report = new Report(r, kind, clusterOf(ctx))
    if (reading === 'compliance') {
      const alerts = report.compliance()
      if (alerts === null) {
        // alone in a file, refused (finish); beside the reports it counts, their checks are the alerts
        if (samePath(ctx.path, ONE)) throw new RecordRefused(summaryOnly(report.name))
        ctx.tally.set(SUMMARY, ((ctx.tally.get(SUMMARY) as number | undefined) ?? 0) + 1)
        ctx.tally.set(SUMMARY_NAME, report.name)
        return null
      }
      ctx.tally.set(READ, 1)
      return alerts
    }
    ctx.tally.set(READ, 1)
    return reading === 'checks' ? report.checks() : reading === 'vulnerabilities' ? report.vulnerabilities() : reading === 'secrets' ? report.secrets() : null
  },
  finish(ctx) {
    if (ctx.tally.get(SUMMARY) && !ctx.tally.get(READ)) {
      const n = ctx.tally.get(SUMMARY) as number
      throw new RecordRefused(
        n === 1 ? summaryOnly(String(ctx.tally.get(SUMMARY_NAME))) : `the file holds only ClusterComplianceReports of reportType summary (${n}): ${SUMMARY_FIX}`
      )
    }
  }
}

const SUMMARY = 'compliance summaries'
const SUMMARY_NAME = 'compliance summary name'
const READ = 'reports read'
const SUMMARY_FIX =
  'a summary holds only counts per control (status.summaryReport), no failing resource. Set its spec.reportType to all and export it again (status.detailReport), or export the reports it counts: kubectl get configauditreports,clusterconfigauditreports,rbacassessmentreports,clusterrbacassessmentreports,infraassessmentreports,clusterinfraassessmentreports -A -o json'

function summaryOnly(name: string): string {
  return `the ClusterComplianceReport ${name} is of reportType summary: ${SUMMARY_FIX}`
}

/** Trivy Operator's reports do not name their cluster; `trivy k8s` names it by its kubeconfig context's cluster. */
function clusterOf(ctx: JsonContext): string {
  return ctx.hints.cluster ?? ''
}

class Report {
  readonly metadata: Record<string, unknown>
  readonly labels: Record<string, unknown>
  readonly body: Record<string, unknown>
  /** `<namespace>/<name>` of the report itself, for messages and tool finding ids */
  readonly self: string
  readonly observedAt: string | null
  readonly name: string

  constructor(
    private readonly r: Record<string, unknown>,
    readonly kind: string,
    readonly cluster: string
  ) {
    this.metadata = obj(get(r, 'metadata')) ?? {}
    this.labels = obj(get(this.metadata, 'labels')) ?? {}
    const name = str(get(this.metadata, 'name'))
    this.name = name ?? ''
    this.self = `${str(get(this.metadata, 'namespace')) ?? ''}/${name ?? ''}`
    const where = name ? `the ${kind} ${this.self}` : `a ${kind} without metadata.name`
    const bodyKey = kind === 'ClusterComplianceReport' ? 'status' : 'report'
    const body = obj(get(r, bodyKey))
    if (!body) throw new RecordError(`${where} has no ${bodyKey} object: it is not a complete report`)
    this.body = body
    this.observedAt = isoTime(get(body, 'updateTimestamp')) ?? isoTime(get(this.metadata, 'creationTimestamp'))
  }

  private get where(): string {
    return `the ${this.kind} ${this.self}`
  }

  /** The list under `key` of the report: absent is none, anything but an array is a damaged report. */
  private list(key: string, holder: Record<string, unknown> = this.body, at = `report.${key}`): unknown[] {
    const v = get(holder, key)
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) throw new RecordError(`${this.where}: ${at} is not a list`)
    return v
  }

  /** The object the report is about, from its labels (the annotation holds a name no label can). */
  private subject(): ResourceDraft {
    const kind = str(get(this.labels, 'trivy-operator.resource.kind'))
    const annotations = obj(get(this.metadata, 'annotations'))
    const name = str(get(this.labels, 'trivy-operator.resource.name')) ?? str(get(annotations, 'trivy-operator.resource.name'))
    if (!kind || !name) {
      throw new RecordError(`${this.where} has no trivy-operator.resource.kind and trivy-operator.resource.name labels, so the object it reports on is unknown`)
    }
    const namespace = str(get(this.labels, 'trivy-operator.resource.namespace')) ?? str(get(this.metadata, 'namespace'))
    return workload(this.cluster, namespace, kind, name)
  }

  private base(): Pick<AlertDraft, 'tool' | 'observedAt' | 'artifact' | 'muted'> {
    // What a rescan closes: the alerts of the kinds of report it holds, in its cluster. Reports are
    // exported by kind (kubectl get vulnerabilityreports …), so one kind's export says nothing of
    // another's; an export of some namespaces is a filtered one (--partial). A report with nothing
    // failing gives no alert and so no scope of its own: its kind is in scope when another report
    // of it fails (an export where nothing fails names no scope, as with every format).
    const kind = this.kind === 'ClusterComplianceReport' ? `${this.kind}/${this.name}` : this.kind
    return { tool: 'trivy', observedAt: this.observedAt, artifact: `trivy-operator:${this.cluster}/${kind}`, muted: false }
  }

  checks(): AlertDraft[] {
    const subject = this.subject()
    const out: AlertDraft[] = []
    this.list('checks').forEach((c, i) => {
      const check = obj(c)
      if (!check) throw new RecordError(`${this.where}: report.checks[${i}] is not an object`)
      const success = get(check, 'success')
      if (success === true) return
      if (success !== false) throw new RecordError(`${this.where}: report.checks[${i}] has no success true or false`)
      const given = str(get(check, 'checkID'))
      if (!given) throw new RecordError(`${this.where}: report.checks[${i}] fails but has no checkID`)
      const id = trivyCheckId(given)
      const container = str(path(check, 'scope', 'value'))
      const title = str(get(check, 'title')) ?? str(arr(get(check, 'messages'))[0]) ?? id
      out.push({
        ...this.base(),
        toolFindingId: `trivy-operator:${this.cluster}/${this.self}|${id}${container ? `|${container}` : ''}`,
        ruleId: id,
        kind: 'misconfiguration',
        title: container ? `${title} (container ${container})` : title,
        severity: severityOf(get(check, 'severity')) ?? 'informational',
        outcome: 'FAIL',
        toolStatus: 'FAIL',
        resource: subject
      })
    })
    return out
  }

  vulnerabilities(): AlertDraft[] {
    const thing = this.scanned()
    const out: AlertDraft[] = []
    this.list('vulnerabilities').forEach((v, i) => {
      const vuln = obj(v)
      if (!vuln) throw new RecordError(`${this.where}: report.vulnerabilities[${i}] is not an object`)
      const vid = str(get(vuln, 'vulnerabilityID'))
      if (!vid) throw new RecordError(`${this.where}: report.vulnerabilities[${i}] has no vulnerabilityID`)
      const pkg = str(get(vuln, 'resource')) ?? ''
      const installed = str(get(vuln, 'installedVersion')) ?? ''
      const fixed = str(get(vuln, 'fixedVersion'))
      const title = str(get(vuln, 'title'))
      out.push({
        ...this.base(),
        toolFindingId: `trivy-operator:${this.cluster}/${this.self}|${str(get(vuln, 'target')) ?? ''}|${pkg}|${installed}|${vid}`,
        ruleId: vid,
        kind: 'vulnerability',
        title: `${vid} ${pkg} ${installed}${fixed ? ` (fixed in ${fixed})` : ''}${title ? `: ${title}` : ''}`,
        severity: severityOf(get(vuln, 'severity')) ?? 'informational',
        outcome: 'FAIL',
        toolStatus: 'affected',
        resource: thing
      })
    })
    return out
  }

  secrets(): AlertDraft[] {
    const thing = this.scanned()
    const out: AlertDraft[] = []
    this.list('secrets').forEach((s, i) => {
      const secret = obj(s)
      if (!secret) throw new RecordError(`${this.where}: report.secrets[${i}] is not an object`)
      const rule = str(get(secret, 'ruleID'))
      if (!rule) throw new RecordError(`${this.where}: report.secrets[${i}] has no ruleID`)
      const target = str(get(secret, 'target')) ?? ''
      out.push({
        ...this.base(),
        // the match is masked by Trivy (`secret_key: *****`) and tells two secrets of a file apart
        toolFindingId: `trivy-operator:${this.cluster}/${this.self}|${target}|${rule}|${str(get(secret, 'match')) ?? ''}`,
        ruleId: rule,
        kind: 'secret',
        title: `${str(get(secret, 'title')) ?? rule} in ${target}`,
        severity: severityOf(get(secret, 'severity')) ?? 'informational',
        outcome: 'FAIL',
        toolStatus: 'FOUND',
        resource: thing
      })
    })
    return out
  }

  /**
   * A ClusterComplianceReport: with reportType all, status.detailReport.results[].checks[] name each
   * failing check and its target `<namespace>/<report name>` (trivy-operator pkg/compliance/io.go),
   * the report name being `<kind in lower case>-<name>` (configauditreport/builder.go). With
   * reportType summary it holds only counts per control: null.
   */
  compliance(): AlertDraft[] | null {
    const detail = obj(get(this.body, 'detailReport'))
    if (!detail) return null
    const out: AlertDraft[] = []
    const spec = str(path(this.r, 'spec', 'compliance', 'id')) ?? str(get(detail, 'id')) ?? str(get(this.metadata, 'name')) ?? ''
    this.list('results', detail, 'status.detailReport.results').forEach((c, i) => {
      const control = obj(c)
      if (!control) throw new RecordError(`${this.where}: status.detailReport.results[${i}] is not an object`)
      const controlId = str(get(control, 'id')) ?? String(i)
      this.list('checks', control, `status.detailReport.results[${i}].checks`).forEach((k, j) => {
        const check = obj(k)
        const at = `status.detailReport.results[${i}].checks[${j}]`
        if (!check) throw new RecordError(`${this.where}: ${at} is not an object`)
        if (get(check, 'success') !== false) return
        const given = str(get(check, 'checkID'))
        const target = str(get(check, 'target'))
        if (!given || !target) throw new RecordError(`${this.where}: ${at} fails but has no ${given ? 'target' : 'checkID'}`)
        const id = trivyCheckId(given)
        out.push({
          ...this.base(),
          toolFindingId: `trivy-operator:${this.cluster}/compliance/${spec}/${controlId}|${target}|${id}`,
          ruleId: id,
          kind: 'misconfiguration',
          title: str(get(check, 'title')) ?? str(arr(get(check, 'messages'))[0]) ?? id,
          severity: severityOf(get(check, 'severity')) ?? 'informational',
          outcome: 'FAIL',
          toolStatus: 'FAIL',
          resource: this.targetObject(target)
        })
      })
    })
    return out
  }

  /** `<namespace>/<kind>-<name>` as the compliance report names a report's object. */
  private targetObject(target: string): ResourceDraft {
    const slash = target.indexOf('/')
    const namespace = slash >= 0 ? target.slice(0, slash) : ''
    const reportName = slash >= 0 ? target.slice(slash + 1) : target
    const dash = reportName.indexOf('-')
    const kind = dash > 0 ? KIND_OF_REPORT_PREFIX[reportName.slice(0, dash)] : undefined
    if (kind) return workload(this.cluster, namespace || null, kind, reportName.slice(dash + 1))
    // a report of a kind not listed here (a custom resource's): kept as the report names it, never guessed
    return { id: `k8s:${this.cluster}/${target}`, type: 'kubernetes.resource', name: reportName, provider: 'kubernetes', account: null, region: null }
  }

  /** What a vulnerability or secret report scanned: the container image (a ClusterVulnerabilityReport: Kubernetes itself). */
  private scanned(): ResourceDraft {
    const artifact = obj(get(this.body, 'artifact')) ?? {}
    const repository = str(get(artifact, 'repository'))
    if (!repository) throw new RecordError(`${this.where} has no report.artifact.repository, so the image it scanned is unknown`)
    const server = str(path(this.body, 'registry', 'server'))
    const tag = str(get(artifact, 'tag'))
    const given = str(get(artifact, 'digest'))
    const digest = given && /^sha256:[0-9a-f]{64}$/.test(given) ? given : null
    if (this.kind === 'ClusterVulnerabilityReport') {
      // the cluster's own components (vuln-list-k8s): the vulnerable thing is the Kubernetes release, not an image
      const component = `${server ? `${server}/` : ''}${repository}${tag ? `:${tag}` : ''}`
      return { id: `k8s:${this.cluster}/${component}`, type: 'kubernetes.component', name: component, provider: 'kubernetes', account: null, region: null }
    }
    const repo = imageRepository(server, repository)
    const reference = tag ? `${repo}:${tag}` : digest ? `${repo}@${digest}` : repo
    return imageResource({ repository: repo, digest, reference })
  }
}

/** The object a check is about, named as `trivy k8s` names it. */
function workload(cluster: string, namespace: string | null, kind: string, name: string): ResourceDraft {
  return { id: null, type: null, name, provider: 'kubernetes', account: null, region: null, k8s: { cluster, namespace, kind, name } }
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

/**
 * The image's repository as Docker and Trivy print it: Trivy Operator splits Docker Hub images into
 * the server index.docker.io and library/<name>, where a pod spec, `trivy image` and `trivy k8s`
 * say <name> (RepoDigests `alpine@sha256:…`, `hashicorp/vault@sha256:…`); another registry's are
 * `<server>/<repository>`.
 */
export function imageRepository(server: string | null, repository: string): string {
  if (!server || DOCKER_HUB.has(server.toLowerCase())) return repository.replace(/^library\/(?=[^/]+$)/, '')
  return `${server}/${repository}`
}

/** The kinds Trivy Operator reports on, by the lower-case prefix of their reports' names. */
const KIND_OF_REPORT_PREFIX: Record<string, string> = Object.fromEntries(
  [
    'Pod',
    'ReplicaSet',
    'ReplicationController',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'CronJob',
    'Job',
    'Service',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
    'NetworkPolicy',
    'Ingress',
    'ResourceQuota',
    'LimitRange',
    'PodDisruptionBudget',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'CustomResourceDefinition',
    'Namespace',
    'Node'
  ].map((k) => [k.toLowerCase(), k])
)
