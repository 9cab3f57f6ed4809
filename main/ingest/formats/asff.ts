import { arr, get, isoTime, obj, path, severityFromNormalized, severityOf, str, tagsOf } from '../normalise'
import type { AlertDraft, Outcome, ResourceDraft, RuleKind } from '../types'
import { plan, RecordError, samePath, type JsonAdapter } from './adapter'
import { imageOfTarget, imageResource, trivyCheckId } from './trivy'

/**
 * AWS Security Hub findings in ASFF (FORMATS.md A1): GetFindings output (`Findings`), hand-made
 * or EventBridge-style `findings`, EventBridge events (`detail.findings`, alone, as an array or
 * one per line), several GetFindings pages concatenated in one file, and a bare array of findings
 * (Prowler's -M json-asff).
 */
const FINDINGS = ['Findings', '*'] as const
const ARRAY = ['*'] as const
const FINDINGS_LOWER = ['findings', '*'] as const
const EVENT = ['detail', 'findings', '*'] as const
const EVENT_ARRAY = ['*', 'detail', 'findings', '*'] as const

function isAsff(v: Record<string, unknown>): boolean {
  return (
    typeof get(v, 'SchemaVersion') === 'string' ||
    (typeof get(v, 'ProductArn') === 'string' && typeof get(v, 'Id') === 'string') ||
    (typeof get(v, 'AwsAccountId') === 'string' && Array.isArray(get(v, 'Resources')))
  )
}

function isEvent(v: Record<string, unknown>): boolean {
  const findings = path(v, 'detail', 'findings')
  if (!Array.isArray(findings)) return false
  const first = obj(findings[0])
  return first ? isAsff(first) : String(get(v, 'detail-type') ?? '').includes('Security Hub')
}

export const asff: JsonAdapter = {
  kind: 'json',
  format: 'asff',
  tool: 'securityhub',
  description: 'AWS Security Hub findings (ASFF): GetFindings pages, EventBridge events',
  paths: [FINDINGS, FINDINGS_LOWER, EVENT, EVENT_ARRAY, ARRAY],
  detect(p) {
    const f = p.first
    if (f && (samePath(f.path, FINDINGS) || samePath(f.path, FINDINGS_LOWER) || samePath(f.path, EVENT)) && isAsff(f.value)) {
      return plan([FINDINGS, FINDINGS_LOWER, EVENT])
    }
    if (f && samePath(f.path, ['*']) && isEvent(f.value)) return plan([EVENT_ARRAY])
    if (f && samePath(f.path, EVENT_ARRAY) && isAsff(f.value)) return plan([EVENT_ARRAY])
    // a bare array of findings: Prowler's -M json-asff (what it would send to Security Hub)
    if (f && samePath(f.path, ARRAY) && isAsff(f.value)) return plan([ARRAY])
    // an export with no findings at all still says what it is by its container
    if (!f && p.rootKind === 'object' && (p.rootKeys.includes('Findings') || p.rootKeys.includes('findings'))) {
      return plan([FINDINGS, FINDINGS_LOWER, EVENT])
    }
    if (p.forced && (!f || isAsff(f.value))) return plan([FINDINGS, FINDINGS_LOWER, EVENT, EVENT_ARRAY])
    return null
  },
  normalise(f) {
    const id = str(get(f, 'Id'))
    if (!id) throw new RecordError('an ASFF finding without an Id')
    const productArn = str(get(f, 'ProductArn')) ?? ''
    const tool = toolOfProduct(productArn, str(get(f, 'ProductName')), f)
    const compliance = obj(get(f, 'Compliance'))
    const productFields = obj(get(f, 'ProductFields'))
    const generator = str(get(f, 'GeneratorId')) ?? ''
    const types = arr(get(f, 'Types')).map((t) => String(t))
    const vulns = arr(get(f, 'Vulnerabilities'))
    if (tool === 'trivy') return trivyFinding(f, id)
    // a vulnerability finding whose Vulnerabilities block is missing or empty (Inspector sends
    // such: "CVE-2022-3643 - kernel"): the advisory its title starts with is the rule
    const advisory = vulns.length === 0 && types.some((t) => /(^|\/)Vulnerabilities(\/|$)/.test(t)) ? advisoryId(str(get(f, 'Title'))) : null

    let ruleId: string
    let kind: RuleKind = 'check'
    if (tool === 'prowler') {
      ruleId = generator.replace(/^prowler-/, '') || id
    } else if (tool === 'securityhub') {
      ruleId =
        str(get(compliance, 'SecurityControlId')) ?? legacyControlId(generator) ?? str(get(productFields, 'ControlId')) ?? str(get(productFields, 'RuleId')) ?? (generator || id)
    } else if (vulns.length > 0) {
      kind = 'vulnerability'
      ruleId = str(get(obj(vulns[0]), 'Id')) ?? generator
    } else if (advisory) {
      kind = 'vulnerability'
      ruleId = advisory
    } else if (tool === 'guardduty' || types.some((t) => /^(TTPs|Effects|Unusual Behaviors)\//.test(t))) {
      kind = 'threat'
      ruleId = threatType(types[0]) ?? generator
    } else if (tool === 'inspector') {
      // Inspector's GeneratorId (AWSInspector, or a rules package ARN) is the same for all its
      // findings: a network reachability or code finding without Vulnerabilities is told by its
      // title ("Port 22 is reachable from an Internet Gateway - TCP")
      ruleId = str(get(f, 'Title')) ?? (generator || id)
    } else {
      ruleId = generator || id
    }

    const label = severityOf(path(f, 'Severity', 'Label')) ?? severityOf(path(f, 'FindingProviderFields', 'Severity', 'Label'))
    const normalized = path(f, 'Severity', 'Normalized')
    const severity = label ?? (typeof normalized === 'number' ? severityFromNormalized(normalized) : 'informational')

    const complianceStatus = str(get(compliance, 'Status'))
    const workflow = str(path(f, 'Workflow', 'Status')) ?? str(get(f, 'WorkflowState'))
    const recordState = str(get(f, 'RecordState'))
    // "open" per FORMATS.md A1: ACTIVE, not resolved, and failing (or no compliance block)
    let outcome: Outcome = 'FAIL'
    if (recordState === 'ARCHIVED' || workflow === 'RESOLVED') outcome = 'PASS'
    else if (complianceStatus === 'PASSED') outcome = 'PASS'
    else if (complianceStatus === 'NOT_AVAILABLE') outcome = 'INFO'

    const account = str(get(f, 'AwsAccountId'))
    const region = str(get(f, 'Region'))
    const resources = arr(get(f, 'Resources'))
      .map(obj)
      .filter((r): r is Record<string, unknown> => r !== null)

    const draft = {
      tool,
      toolFindingId: id,
      ruleId,
      kind,
      title: str(get(f, 'Title')) ?? ruleId,
      severity,
      outcome,
      toolStatus: [complianceStatus, workflow, recordState].filter(Boolean).join(' ') || 'ACTIVE',
      muted: workflow === 'SUPPRESSED',
      resource: resourceOf(resources[0] ?? null, account, region),
      observedAt: isoTime(get(f, 'LastObservedAt')) ?? isoTime(get(f, 'UpdatedAt')) ?? isoTime(get(f, 'CreatedAt')),
      artifact: null
    } satisfies AlertDraft
    if (resources.length <= 1) return draft
    // One alert per resource. Each is told apart by its resource id, so the alerts of a rescan
    // match whatever order the resources come in; a finding with one resource keeps its bare Id.
    const seen = new Set<string>()
    const out: AlertDraft[] = []
    resources.forEach((r, i) => {
      const resource = resourceOf(r, account, region)
      const key = resource.id ?? `#${i}`
      if (seen.has(key)) return
      seen.add(key)
      out.push({ ...draft, toolFindingId: `${id}|${key}`, resource })
    })
    return out
  }
}

/**
 * Standards whose control ids are the consolidated (security control) ids: their legacy
 * GeneratorId's tail is the control, e.g. `aws-foundational-security-best-practices/v/1.0.0/S3.5`
 * and `nist-800-53/v/5.0.0/S3.5` are both S3.5 (NIST 800-171's `nist-800-171/v/2.0.0/S3.5` too) (AWS Security Hub user guide, "Sample control
 * findings": ProductFields.ControlId and Compliance.SecurityControlId are the tail there).
 */
const CONSOLIDATED_TAIL = /^(?:aws-foundational-security-best-practices|nist-800-53|nist-800-171|service-managed-aws-control-tower)\/v\/[^/]+\/([^/]+)$/

/**
 * A Security Hub control finding from before consolidated control findings (no
 * Compliance.SecurityControlId): the standard-specific id, from the GeneratorId, because the
 * short ids are ambiguous across standards and versions (CIS 1.2.0's `RuleId` 2.7 is CIS 1.4.0's
 * `ControlId` 3.7, and "1.10" exists in every CIS version). The GeneratorId's ARN prefix goes and
 * `/rule/` becomes `/`: `arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10`
 * is `cis-aws-foundations-benchmark/v/1.2.0/1.10`, `pci-dss/v/3.2.1/PCI.IAM.4` stays as it is.
 * FSBP, NIST 800-53 and Control Tower findings give their tail, the consolidated id itself.
 */
export function legacyControlId(generatorId: string): string | null {
  const g = generatorId
    .trim()
    .replace(/^arn:[^:]+:securityhub:[^:]*:[^:]*:(?:ruleset|standards)\//, '')
    .replace('/rule/', '/')
  if (!g) return null
  // consolidated findings name the control directly
  const control = /^security-control\/([^/]+)$/.exec(g)
  if (control) return control[1]
  const tail = CONSOLIDATED_TAIL.exec(g)
  if (tail) return tail[1]
  return /\/v\/[^/]+\/[^/]+$/.test(g) ? g : null
}

/**
 * A GuardDuty finding type from ASFF's `TTPs/Discovery/IAMUser-AnomalousBehavior`: the same
 * type exists under several tactics (Discovery:, Persistence:, Impact:IAMUser/AnomalousBehavior),
 * so the tactic stays part of the rule id.
 */
function threatType(t: string | undefined): string | null {
  if (!t) return null
  const parts = t.split('/').filter(Boolean)
  const last = parts[parts.length - 1]
  if (!last) return null
  if (last.includes(':') || parts.length < 3) return last
  return `${parts[parts.length - 2].replace(/\s+/g, '')}:${last}`
}

/** The tool behind an ASFF finding, from its product ARN: `product/<company>/<product>`. */
function toolOfProduct(productArn: string, productName: string | null, f: Record<string, unknown>): string {
  const m = /product\/([^/]+)\/([^/]+)$/.exec(productArn)
  if (m) {
    const company = m[1].toLowerCase()
    const product = m[2].toLowerCase()
    if (company === 'aws') return product === 'inspector2' ? 'inspector' : product
    if (company === 'prowler') return 'prowler'
    // Aqua's product ARN carries both Aqua's platform and Trivy (contrib/asff.tpl: GeneratorId
    // "Trivy" or "Trivy/<id>", ProductFields "Product Name": "Trivy")
    if (company === 'aquasecurity' && (/^trivy(\/|$)/i.test(str(get(f, 'GeneratorId')) ?? '') || /^trivy$/i.test(str(path(f, 'ProductFields', 'Product Name')) ?? '')))
      return 'trivy'
    return product.replace(/[^a-z0-9-]+/g, '-')
  }
  return (productName ?? 'securityhub').toLowerCase().replace(/[^a-z0-9-]+/g, '-')
}

/**
 * A Trivy finding sent to Security Hub with Trivy's ASFF template (contrib/asff.tpl): read as
 * Trivy JSON reads the same scan. A vulnerability's resource is a container (`Type: Container`,
 * `Id`: the result's Target); an OS packages' Target is `<image> (<os> <version>)`, so the image
 * is the Target without its OS; a language package's Target is its path in the image, the only
 * name the template gives. The template's Id (`<Target>/<vulnerability>`) is the same for each
 * package with that vulnerability, and a secret's (`<Target>`) for each secret in the file:
 * the package, or the secret's title, keeps them apart, as Trivy JSON does.
 */
function trivyFinding(f: Record<string, unknown>, id: string): AlertDraft {
  const generator = str(get(f, 'GeneratorId')) ?? ''
  const types = arr(get(f, 'Types')).map((t) => String(t))
  const res = obj(arr(get(f, 'Resources'))[0])
  const other = obj(path(res, 'Details', 'Other'))
  const target = str(get(res, 'Id')) ?? ''
  const title = str(get(f, 'Title')) ?? ''
  const kind: RuleKind = types.some((t) => t.includes('Vulnerabilities')) ? 'vulnerability' : types.some((t) => t.startsWith('Sensitive Data')) ? 'secret' : 'misconfiguration'
  const account = str(get(f, 'AwsAccountId'))
  const region = str(get(res, 'Region')) ?? str(get(f, 'Region'))
  let ruleId: string
  let toolFindingId = id
  let resource: ResourceDraft
  let artifact: string | null = null
  if (kind === 'vulnerability') {
    ruleId = (generator.startsWith('Trivy/') ? generator.slice(6) : null) ?? str(get(other, 'CVE ID')) ?? id.slice(id.lastIndexOf('/') + 1)
    const pkg = str(get(other, 'PkgName'))
    if (pkg) toolFindingId = `${id}|${pkg}`
    const reference = imageOfTarget(target)
    // the image is not in the Security Hub account: placed, like Trivy JSON's, by its registry only
    resource = imageResource({ repository: reference.replace(/:[^:/]+$/, ''), digest: null, reference })
    artifact = reference
  } else if (kind === 'secret') {
    ruleId = title.includes(': ') ? title.slice(title.lastIndexOf(': ') + 2) : title || id
    toolFindingId = `${id}|${ruleId}`
    resource = { id: null, type: null, name: null, provider: 'iac', account, region, iac: { file: target, address: null, line: null } }
  } else {
    ruleId = trivyCheckId((generator.startsWith('Trivy/') ? generator.slice(6) : null) ?? id.slice(id.lastIndexOf('/') + 1))
    const line = Number(str(get(other, 'StartLine')))
    resource = { id: null, type: null, name: null, provider: 'iac', account, region, iac: { file: target, address: null, line: Number.isInteger(line) && line > 0 ? line : null } }
  }
  const label = severityOf(path(f, 'Severity', 'Label'))
  const normalized = path(f, 'Severity', 'Normalized')
  const recordState = str(get(f, 'RecordState'))
  const workflow = str(path(f, 'Workflow', 'Status'))
  return {
    tool: 'trivy',
    toolFindingId,
    ruleId,
    kind,
    title: title || ruleId,
    severity: label ?? (typeof normalized === 'number' ? severityFromNormalized(normalized) : 'informational'),
    outcome: recordState === 'ARCHIVED' || workflow === 'RESOLVED' ? 'PASS' : 'FAIL',
    toolStatus: [workflow, recordState].filter(Boolean).join(' ') || 'ACTIVE',
    muted: workflow === 'SUPPRESSED',
    resource,
    observedAt: isoTime(get(f, 'LastObservedAt')) ?? isoTime(get(f, 'UpdatedAt')) ?? isoTime(get(f, 'CreatedAt')),
    artifact
  }
}

export function resourceOf(r: Record<string, unknown> | null, account: string | null, findingRegion: string | null): ResourceDraft {
  if (!r) return { id: null, type: null, name: null, provider: 'aws', account, region: findingRegion }
  const type = str(get(r, 'Type'))
  const region = str(get(r, 'Region')) ?? findingRegion
  const draft: ResourceDraft = {
    id: str(get(r, 'Id')),
    type,
    name: null,
    provider: 'aws',
    account,
    region,
    partition: str(get(r, 'Partition')),
    tags: tagsOf(get(r, 'Tags'))
  }
  if (type === 'AwsEcrContainerImage') {
    const d = obj(path(r, 'Details', 'AwsEcrContainerImage'))
    const registry = str(get(d, 'RegistryId')) ?? account
    const repo = str(get(d, 'RepositoryName'))
    const digest = str(get(d, 'ImageDigest'))
    if (repo && digest) {
      draft.image = {
        repository: registry && region ? `${registry}.dkr.ecr.${region}.amazonaws.com/${repo}` : repo,
        digest,
        reference: draft.id
      }
      draft.name = repo
      if (registry) draft.account = registry
    }
  }
  return draft
}

/** The advisory id a vulnerability's title starts with: "CVE-2022-3643 - kernel", "GHSA-xxxx-xxxx-xxxx - lodash". */
function advisoryId(title: string | null): string | null {
  const m = title ? /^(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/i.exec(title.trim()) : null
  if (!m) return null
  return /^cve/i.test(m[1]) ? m[1].toUpperCase() : `GHSA${m[1].slice(4)}`
}
