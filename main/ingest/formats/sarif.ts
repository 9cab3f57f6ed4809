import { arr, get, obj, path, severityFromScore, severityOf, str } from '../normalise'
import type { AlertDraft, Outcome, ResourceDraft, RuleKind } from '../types'
import { plan, RecordError, samePath, type JsonAdapter, type JsonContext } from './adapter'
import { TFSEC_CURRENT_IDS } from './tfsec-ids.generated'
import { imageResource, trivyCheckId } from './trivy'

/**
 * SARIF 2.1.0 from IaC scanners (FORMATS.md A7): Checkov, KICS, tfsec, Trivy. A result names a
 * file and lines, not a cloud resource; its resource is the file plus the Terraform address,
 * read from the result's logical location, else from the code snippet Checkov includes
 * (`resource "aws_s3_bucket" "logs" {`), else from the message (`aws_s3_bucket[logs]`,
 * `Resource 'aws_s3_bucket.logs'`). Without an address the file and line are kept as given.
 */
const RESULTS = ['runs', '*', 'results', '*'] as const

const TOOL_NAMES: Record<string, string> = {
  checkov: 'checkov',
  'prisma cloud': 'checkov',
  kics: 'kics',
  tfsec: 'tfsec',
  'tfsec-sarif': 'tfsec',
  trivy: 'trivy',
  'trivy-iac': 'trivy'
}

export const sarif: JsonAdapter = {
  kind: 'json',
  format: 'sarif',
  tool: 'sarif',
  description: 'SARIF 2.1.0 (Checkov, KICS, tfsec, Trivy)',
  paths: [RESULTS],
  detect(p) {
    const schema = String(p.rootScalars.$schema ?? '')
    const isSarif = p.rootKind === 'object' && p.rootKeys.includes('runs') && (/sarif/i.test(schema) || String(p.rootScalars.version ?? '').startsWith('2.1'))
    if (isSarif || (p.first && samePath(p.first.path, RESULTS)) || p.forced) return plan([RESULTS])
    return null
  },
  normalise(r, ctx) {
    const run = runOf(ctx)
    const ruleIndex = typeof get(r, 'ruleIndex') === 'number' ? (get(r, 'ruleIndex') as number) : -1
    const ruleId = str(get(r, 'ruleId')) ?? str(path(r, 'rule', 'id')) ?? (ruleIndex >= 0 ? str(get(run.ruleList[ruleIndex], 'id')) : null)
    if (!ruleId) throw new RecordError('a SARIF result without a ruleId')
    const rule = run.rules.get(ruleId) ?? (ruleIndex >= 0 ? run.ruleList[ruleIndex] : null) ?? null

    const loc = obj(arr(get(r, 'locations'))[0])
    const physical = obj(get(loc, 'physicalLocation'))
    const uri = str(path(physical, 'artifactLocation', 'uri'))
    if (!uri) throw new RecordError('a SARIF result without a location (physicalLocation.artifactLocation.uri)')
    const file = decodeUri(uri)
    const startLine = path(physical, 'region', 'startLine')
    const line = typeof startLine === 'number' ? startLine : null
    const address =
      addressFromLogical(arr(get(loc, 'logicalLocations'))) ??
      addressFromSnippet(str(path(physical, 'region', 'snippet', 'text')) ?? str(path(physical, 'contextRegion', 'snippet', 'text'))) ??
      (run.tool === 'kics' ? kicsAddress(str(path(r, 'message', 'text'))) : addressFromText(str(path(r, 'message', 'text'))))

    const kindProp = (str(get(r, 'kind')) ?? 'fail').toLowerCase()
    let outcome: Outcome = 'FAIL'
    if (kindProp === 'pass' || str(get(r, 'baselineState')) === 'absent') outcome = 'PASS'
    else if (kindProp !== 'fail') outcome = 'INFO'
    const suppressions = arr(get(r, 'suppressions')).map(obj)
    const muted = suppressions.some((s) => s !== null && (str(get(s, 'status')) ?? 'accepted') === 'accepted')

    const kind: RuleKind = kindOfRule(rule) ?? (/^(CVE|GHSA)-/i.test(ruleId) ? 'vulnerability' : 'misconfiguration')
    // Trivy's misconfiguration ids as its JSON reports them (AVD-DS-0002 for DS002); an older
    // tfsec release's ids as today's (aws-vpc-no-public-egress-sgr is aws-ec2-no-public-egress-sgr)
    const rid = run.tool === 'trivy' && kind === 'misconfiguration' ? trivyCheckId(ruleId) : run.tool === 'tfsec' ? tfsecRuleId(ruleId) : ruleId
    const title = str(path(rule, 'shortDescription', 'text')) ?? str(get(rule, 'name')) ?? str(path(r, 'message', 'text')) ?? ruleId
    // what Trivy JSON calls the same thing: the image of an image scan (the run's properties name
    // it), the package manifest a vulnerability is in, else the file and Terraform address
    let resource: ResourceDraft = iacResource(file, address, line, null)
    // (the run's properties follow its results in Trivy's output, so a streamed file rarely has
    // them in time; an OS package's location is the image itself: Trivy writes its repository)
    const image = run.image ?? (str(get(rule, 'name')) === 'OsPackageVulnerability' ? { repository: file, digest: null, reference: file } : null)
    if (image) resource = imageResource(image)
    else if (kind === 'vulnerability') resource = { id: file, type: 'file', name: file, provider: 'iac', account: null, region: null }
    return {
      tool: run.tool,
      // a vulnerability's location names no package, its message does (Trivy: "<path>: <pkg>@<version>")
      toolFindingId: `${iacFindingId(rid, file, address, line)}${kind === 'vulnerability' && str(path(loc, 'message', 'text')) ? `|${str(path(loc, 'message', 'text'))}` : ''}`,
      ruleId: rid,
      kind,
      title,
      severity: severityOfResult(r, rule),
      outcome,
      toolStatus: [kindProp, muted ? 'suppressed' : null].filter(Boolean).join(' '),
      muted,
      resource,
      observedAt: run.endTime,
      artifact: image ? image.reference : run.artifact
    } satisfies AlertDraft
  }
}

interface Run {
  tool: string
  /** an image scan's image (Trivy writes imageName, repoDigests and imageID in the run's properties) */
  image: { repository: string | null; digest: string | null; reference: string } | null
  rules: Map<string, Record<string, unknown>>
  ruleList: Array<Record<string, unknown> | null>
  artifact: string
  endTime: string | null
}

function runOf(ctx: JsonContext): Run {
  return ctx.memo('sarif.run', () => {
    const driver = obj(path(ctx.find('tool'), 'driver'))
    const name = (str(get(driver, 'name')) ?? 'sarif').toLowerCase()
    const tool = TOOL_NAMES[name] ?? (name.replace(/[^a-z0-9-]+/g, '-').replace(/^-|-$/g, '') || 'sarif')
    const ruleList = arr(get(driver, 'rules')).map(obj)
    const rules = new Map<string, Record<string, unknown>>()
    for (const rule of ruleList) {
      const id = str(get(rule, 'id'))
      if (rule && id) rules.set(id, rule)
    }
    // the scanned repository, when the run says; otherwise the tool's scans are one scope
    const vcs = obj(arr(ctx.find('versionControlProvenance'))[0])
    const base = obj(get(obj(ctx.find('originalUriBaseIds')), 'SRCROOT'))
    const invocation = obj(arr(ctx.find('invocations'))[0])
    const artifact = str(get(vcs, 'repositoryUri')) ?? str(get(base, 'uri')) ?? str(path(invocation, 'workingDirectory', 'uri')) ?? `${tool}:default`
    const endTime = str(get(invocation, 'endTimeUtc'))
    return { tool, image: imageOfRun(obj(ctx.find('properties'))), rules, ruleList, artifact, endTime: endTime ? new Date(endTime).toISOString() : null }
  })
}

/** The image a run scanned, from the properties Trivy gives an image scan's run (pkg/report/sarif.go). */
function imageOfRun(props: Record<string, unknown> | null): Run['image'] {
  const digestRef = arr(get(props, 'repoDigests'))
    .map(str)
    .find((x): x is string => x !== null && x.includes('@'))
  const reference = str(get(props, 'imageName')) ?? str(arr(get(props, 'repoTags'))[0]) ?? digestRef ?? str(get(props, 'imageID'))
  if (!reference) return null
  const [repository, digest] = digestRef ? digestRef.split('@') : [null, null]
  return { repository: repository ?? (reference.startsWith('sha256:') ? null : reference.replace(/:[^:/]+$/, '')), digest, reference }
}

/**
 * What a rule checks, where the tool says: Trivy names its rules by the result class
 * (OsPackageVulnerability, LanguageSpecificPackageVulnerability, Misconfiguration, Secret) and
 * tags them with it ("vulnerability", "misconfiguration", "secret").
 */
function kindOfRule(rule: Record<string, unknown> | null): RuleKind | null {
  const name = str(get(rule, 'name')) ?? ''
  if (/^(OsPackage|LanguageSpecificPackage)Vulnerability$/.test(name)) return 'vulnerability'
  if (name === 'Misconfiguration') return 'misconfiguration'
  if (name === 'Secret') return 'secret'
  const tags = arr(path(rule, 'properties', 'tags')).map((t) => String(t).toLowerCase())
  if (tags.includes('vulnerability')) return 'vulnerability'
  if (tags.includes('misconfiguration')) return 'misconfiguration'
  if (tags.includes('secret')) return 'secret'
  return null
}

/** A severity label among a rule's tags (Trivy tags each rule with its own: CRITICAL, HIGH…). */
function severityTag(rule: Record<string, unknown> | null): AlertDraft['severity'] | null {
  for (const t of arr(path(rule, 'properties', 'tags'))) {
    if (typeof t === 'string' && /^(CRITICAL|HIGH|MEDIUM|LOW)$/.test(t)) return severityOf(t)
  }
  return null
}

function severityOfResult(r: Record<string, unknown>, rule: Record<string, unknown> | null): AlertDraft['severity'] {
  // the tool's own label first: a score is derived from it (or from CVSS, which may disagree)
  const tagged = severityTag(rule)
  if (tagged) return tagged
  const score = Number(str(path(r, 'properties', 'security-severity')) ?? str(path(rule, 'properties', 'security-severity')))
  if (Number.isFinite(score) && score > 0) return severityFromScore(score)
  const named = severityOf(path(r, 'properties', 'severity')) ?? severityOf(path(rule, 'properties', 'severity'))
  if (named) return named
  const level = str(get(r, 'level')) ?? str(path(rule, 'defaultConfiguration', 'level'))
  switch (level) {
    case 'error':
      return 'high'
    case 'warning':
      return 'medium'
    case 'note':
      return 'low'
    default:
      return 'informational'
  }
}

function decodeUri(uri: string): string {
  try {
    return decodeURIComponent(uri)
  } catch {
    return uri
  }
}

const TF_ADDRESS = /^(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?$/

function addressFromLogical(locations: unknown[]): string | null {
  for (const l of locations) {
    const o = obj(l)
    const candidate = str(get(o, 'fullyQualifiedName')) ?? str(get(o, 'name'))
    if (candidate && TF_ADDRESS.test(candidate)) return candidate
  }
  return null
}

/**
 * An IaC result's alert id and resource, the same whether it is read from SARIF or from the
 * tool's own JSON (iac-json.ts), so the two exports of one scan are one stream of alerts.
 */
export function iacFindingId(ruleId: string, file: string, address: string | null, line: number | null): string {
  return `${ruleId}|${file}|${address ?? (line !== null ? `L${line}` : '')}`
}

export function iacResource(file: string, address: string | null, line: number | null, name: string | null): ResourceDraft {
  return { id: null, type: null, name, provider: 'iac', account: null, region: null, iac: { file, address, line } }
}

/**
 * tfsec renamed its checks twice (AWS007, then aws-vpc-no-public-egress-sgr, now
 * aws-ec2-no-public-egress-sgr): an older id is read as the current one, whatever the export, so
 * scans by old and new releases are one stream (tfsec-ids.generated.ts, from tfsec and defsec).
 */
export function tfsecRuleId(id: string): string {
  return Object.prototype.hasOwnProperty.call(TFSEC_CURRENT_IDS, id) ? TFSEC_CURRENT_IDS[id] : id
}

export function addressFromSnippet(snippet: string | null): string | null {
  if (!snippet) return null
  let m = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/m.exec(snippet)
  if (m) return `${m[1]}.${m[2]}`
  m = /^\s*data\s+"([^"]+)"\s+"([^"]+)"/m.exec(snippet)
  if (m) return `data.${m[1]}.${m[2]}`
  m = /^\s*module\s+"([^"]+)"/m.exec(snippet)
  if (m) return `module.${m[1]}`
  return null
}

/** Provider prefixes of Terraform resource types, so prose is not mistaken for an address. */
const TF_TYPE = /\b((?:module\.[\w-]+\.)*(?:aws|azurerm|azuread|google|kubernetes|helm|oci|alicloud)_[a-z0-9_]+)(?:\[["']?([\w-]+)["']?\]|\.([\w-]+))/

export function addressFromText(text: string | null): string | null {
  if (!text) return null
  const m = TF_TYPE.exec(text)
  if (!m) return null
  return `${m[1]}.${m[2] ?? m[3]}`
}

const TF_BRACKETED = /\b((?:aws|azurerm|azuread|google|kubernetes|helm|oci|alicloud)_[a-z0-9_]+)\[["']?([\w-]+)["']?\]/

/**
 * KICS names a resource `type[name]` in its values (`aws_s3_bucket[logs].acl is 'public-read'`);
 * `'aws_s3_bucket.server_side_encryption_configuration' is missing` is a type and an attribute,
 * not an address, so only the bracketed form counts.
 */
export function kicsAddress(text: string | null): string | null {
  if (!text) return null
  const m = TF_BRACKETED.exec(text)
  return m ? `${m[1]}.${m[2]}` : null
}

/** A Terraform address as a tool gives it (`aws_s3_bucket.logs`, `module.x.aws_s3_bucket.y`), or null. */
export function terraformAddress(text: string | null): string | null {
  return text && TF_ADDRESS.test(text) ? text : null
}
