import { arr, get, obj, path, severityOf, str } from '../normalise'
import type { AlertDraft, Outcome, RuleKind } from '../types'
import { plan, RecordError, samePath, type JsonAdapter, type JsonContext, type JsonProbe } from './adapter'
import { addressFromSnippet, addressFromText, iacFindingId, iacResource, kicsAddress, terraformAddress, tfsecRuleId } from './sarif'

/**
 * The IaC scanners' own JSON: Checkov `-o json`, KICS `--report-formats json`, tfsec
 * `--format json`. Each result is read as the same tool's SARIF gives it (sarif.ts, and the
 * tools' SARIF writers: checkov `common/output/sarif.py`, kics `pkg/report/model/sarif.go`,
 * defsec `pkg/formatters/sarif.go`): the same rule id, file, line and Terraform address, so the
 * JSON and the SARIF of one scan are the same alerts, of the same findings.
 *
 * - Checkov: SARIF's file is `repo_file_path` without its leading slash, its line the first of
 *   `file_line_range` (1 when 0), its address read from the code block (`resource "aws_s3_bucket"
 *   "logs" {`); JSON also has `resource`, used when the code block is absent. Skipped checks are
 *   suppressed failures. SCA results are named `<CVE>_<package>@<version>` as in SARIF.
 * - KICS: SARIF's message is the file entry's actual_value, its address only the `type[name]`
 *   named there.
 * - tfsec: SARIF's rule is the long id (aws-s3-block-public-acls; an older release's id is read as
 *   today's, sarif.ts tfsecRuleId), its message the result's description (`Resource 'aws_s3_bucket.logs' …`); JSON's `resource` names the resource
 *   for people but does not change its identity.
 *
 * Without a cloud account, a scan's scope is its tool's (`checkov:default`…), as in SARIF.
 */
const CHECKOV_KINDS = ['failed_checks', 'passed_checks', 'skipped_checks'] as const
const CHECKOV_ONE = CHECKOV_KINDS.map((k) => ['results', k, '*'] as const)
const CHECKOV_LIST = CHECKOV_KINDS.map((k) => ['*', 'results', k, '*'] as const)
const ARRAY = ['*'] as const
const KICS = ['queries', '*', 'files', '*'] as const
const TFSEC = ['results', '*'] as const

const SCA_CHECK_TYPES = new Set(['sca_package', 'sca_image'])

function isCheckovReport(v: Record<string, unknown> | null): boolean {
  return v !== null && str(get(v, 'check_type')) !== null && obj(get(v, 'results')) !== null
}

export const checkovJson: JsonAdapter = {
  kind: 'json',
  format: 'checkov-json',
  tool: 'checkov',
  description: 'Checkov JSON (-o json)',
  paths: [...CHECKOV_ONE, ARRAY],
  detect(p) {
    const f = p.first
    if (f && CHECKOV_ONE.some((x) => samePath(x, f.path))) return plan(CHECKOV_ONE)
    if (f && samePath(f.path, ARRAY) && isCheckovReport(f.value)) return plan(CHECKOV_LIST)
    if (!f && p.rootKind === 'object' && p.rootKeys.includes('check_type') && p.rootKeys.includes('results')) return plan(CHECKOV_ONE)
    // a scan with nothing to check: Checkov writes only its summary
    if (!f && p.rootValue && get(p.rootValue, 'checkov_version') !== undefined && get(p.rootValue, 'passed') !== undefined && get(p.rootValue, 'failed') !== undefined) {
      return plan(CHECKOV_ONE)
    }
    return null
  },
  normalise(r, ctx) {
    const checkId = str(get(r, 'check_id'))
    if (!checkId) throw new RecordError('a Checkov result without check_id')
    const checkType = str(ctx.find('check_type')) ?? ''
    const listed = CHECKOV_KINDS[ctx.tag % CHECKOV_KINDS.length]
    const result = (str(path(r, 'check_result', 'result')) ?? listed.replace('_checks', '')).toUpperCase()
    const details = obj(get(r, 'vulnerability_details'))
    const ruleId = SCA_CHECK_TYPES.has(checkType) && details ? scaRuleId(checkId, details) : checkId
    if (!ruleId) throw new RecordError(`a Checkov ${checkType} result (${checkId}) without its vulnerability's id, package and version`)

    const filePath = str(get(r, 'repo_file_path')) ?? str(get(r, 'file_path'))
    if (!filePath) throw new RecordError(`a Checkov result (${checkId}) without file_path`)
    const file = filePath.replace(/^\/+/, '')
    const start = Number(arr(get(r, 'file_line_range'))[0])
    const line = Number.isInteger(start) && start > 0 ? start : 1
    const message = str(get(r, 'short_description')) ?? str(get(r, 'check_name'))
    const resource = str(get(r, 'resource'))
    const address = addressFromSnippet(codeBlock(get(r, 'code_block'))) ?? addressFromText(message) ?? terraformAddress(resource)

    const muted = result === 'SKIPPED'
    const outcome: Outcome = result === 'PASSED' ? 'PASS' : 'FAIL'
    // Checkov's SARIF says "error" for a failed check of no severity, "warning" for a skipped one
    const severity = severityOf(get(r, 'severity')) ?? (outcome === 'PASS' ? 'informational' : muted ? 'medium' : 'high')
    const kind: RuleKind = /^(CVE|GHSA)-/i.test(ruleId) ? 'vulnerability' : 'misconfiguration'
    return {
      tool: 'checkov',
      toolFindingId: iacFindingId(ruleId, file, address, line),
      ruleId,
      kind,
      title: message ?? ruleId,
      severity,
      outcome,
      toolStatus: result,
      muted,
      resource: iacResource(file, address, line, resource),
      observedAt: null,
      artifact: 'checkov:default'
    } satisfies AlertDraft
  }
}

/** As checkov `Sarif._create_rule_id` names SCA results. */
function scaRuleId(checkId: string, d: Record<string, unknown>): string | null {
  const pkg = str(get(d, 'package_name'))
  const version = str(get(d, 'package_version'))
  const head = checkId.startsWith('BC_LIC') ? str(get(d, 'license')) : str(get(d, 'id'))
  if (!pkg || !version || !head) return null
  return `${head}_${pkg}@${version}`.replace(/ /g, '_')
}

/** Checkov's code_block, [[line, text], …], as the text its SARIF snippet holds. */
function codeBlock(v: unknown): string | null {
  const text = arr(v)
    .map((x) => {
      const t = arr(x)[1]
      return typeof t === 'string' ? t : ''
    })
    .join('')
  return text || null
}

function isKicsReport(p: JsonProbe): boolean {
  return p.rootKind === 'object' && p.rootKeys.includes('queries') && ['kics_version', 'queries_total', 'files_scanned', 'severity_counters'].some((k) => p.rootKeys.includes(k))
}

export const kicsJson: JsonAdapter = {
  kind: 'json',
  format: 'kics-json',
  tool: 'kics',
  description: 'KICS JSON (--report-formats json)',
  paths: [KICS],
  detect(p) {
    if ((p.first && samePath(p.first.path, KICS)) || (!p.first && isKicsReport(p)) || (p.forced && p.rootKeys.includes('queries'))) return plan([KICS])
    return null
  },
  normalise(r, ctx) {
    const q = query(ctx)
    const file = str(get(r, 'file_name'))
    if (!file) throw new RecordError(`a KICS result of query ${q.id} without file_name`)
    const n = get(r, 'line')
    const line = typeof n === 'number' && n >= 1 ? n : 1
    const address = kicsAddress(str(get(r, 'actual_value')))
    // KICS writes INFO (and TRACE) results as SARIF kind "informational", not failures
    const informational = q.severityWord === 'INFO' || q.severityWord === 'TRACE'
    return {
      tool: 'kics',
      toolFindingId: iacFindingId(q.id, file, address, line),
      ruleId: q.id,
      kind: 'misconfiguration',
      title: q.name,
      severity: severityOf(q.severityWord) ?? 'informational',
      outcome: informational ? 'INFO' : 'FAIL',
      toolStatus: [q.severityWord, str(get(r, 'issue_type'))].filter(Boolean).join(' ') || 'fail',
      muted: false,
      resource: iacResource(file, address, line, resourceName(r) ?? address),
      observedAt: null,
      artifact: 'kics:default'
    } satisfies AlertDraft
  }
}

interface KicsQuery {
  id: string
  name: string
  severityWord: string
}

function query(ctx: JsonContext): KicsQuery {
  return ctx.memo('kics.query', () => {
    const id = str(ctx.find('query_id'))
    if (!id) throw new RecordError('a KICS result whose query has no query_id before its files')
    return { id, name: str(ctx.find('query_name')) ?? id, severityWord: (str(ctx.find('severity')) ?? '').toUpperCase() }
  })
}

/** Newer KICS names the resource (resource_type, resource_name); older only its search key. */
function resourceName(r: Record<string, unknown>): string | null {
  const type = str(get(r, 'resource_type'))
  const name = str(get(r, 'resource_name'))
  return type && name ? `${type}.${name}` : null
}

function isTfsecResult(v: Record<string, unknown>): boolean {
  return (str(get(v, 'rule_id')) !== null || str(get(v, 'long_id')) !== null) && obj(get(v, 'location')) !== null
}

export const tfsecJson: JsonAdapter = {
  kind: 'json',
  format: 'tfsec-json',
  tool: 'tfsec',
  description: 'tfsec JSON (--format json)',
  paths: [TFSEC],
  detect(p) {
    const f = p.first
    if (f && samePath(f.path, TFSEC) && isTfsecResult(f.value)) return plan([TFSEC])
    // a clean scan: tfsec writes {"results": null}
    const results = p.rootValue ? get(p.rootValue, 'results') : undefined
    if (!f && p.rootValue && Object.keys(p.rootValue).length === 1 && (results === null || (Array.isArray(results) && results.length === 0))) return plan([TFSEC])
    if (p.forced && p.rootKeys.includes('results')) return plan([TFSEC])
    return null
  },
  normalise(r) {
    const given = str(get(r, 'long_id')) ?? str(get(r, 'rule_id'))
    if (!given) throw new RecordError('a tfsec result without rule_id')
    const ruleId = tfsecRuleId(given)
    const location = obj(get(r, 'location'))
    const file = str(get(location, 'filename'))
    if (!file) throw new RecordError(`a tfsec result (${ruleId}) without location.filename`)
    const n = get(location, 'start_line')
    const line = typeof n === 'number' && n >= 1 ? n : null
    const description = str(get(r, 'description'))
    const address = addressFromText(description)
    const status = tfsecStatus(r)
    return {
      tool: 'tfsec',
      toolFindingId: iacFindingId(ruleId, file, address, line),
      ruleId,
      kind: 'misconfiguration',
      title: str(get(r, 'rule_description')) ?? description ?? ruleId,
      severity: severityOf(get(r, 'severity')) ?? 'informational',
      outcome: status === 'passed' ? 'PASS' : 'FAIL',
      toolStatus: status,
      muted: status === 'ignored',
      resource: iacResource(file, address, line, str(get(r, 'resource')) ?? address),
      observedAt: null,
      artifact: 'tfsec:default'
    } satisfies AlertDraft
  }
}

/** tfsec 1.x writes defsec's status number (0 failed, 1 passed, 2 ignored); older ones a word, or `passed: bool`. */
function tfsecStatus(r: Record<string, unknown>): 'failed' | 'passed' | 'ignored' {
  const s = get(r, 'status')
  if (s === 1 || s === 'passed') return 'passed'
  if (s === 2 || s === 'ignored') return 'ignored'
  if (s === undefined && get(r, 'passed') === true) return 'passed'
  return 'failed'
}
