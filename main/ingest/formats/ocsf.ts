import type { Provider } from '../../../shared/model'
import { arr, get, isoTime, obj, path, severityFromOcsfId, severityOf, str, tagsOf } from '../normalise'
import type { AlertDraft, FormatName, Outcome, RuleKind } from '../types'
import { plan, RecordError, samePath, type JsonAdapter, type JsonProbe } from './adapter'

/**
 * OCSF findings (FORMATS.md A1, A2): Prowler's JSON-OCSF (an array of Detection Findings whose
 * metadata.event_code is the check id), the 2025 Security Hub (OCSF 1.6 via GetFindingsV2,
 * under `Findings`), and any other tool's OCSF Vulnerability (2002), Compliance (2003) or
 * Detection (2004) findings, as an array, under `findings`, or one per line.
 */
const ARRAY = ['*'] as const
const FINDINGS = ['Findings', '*'] as const
const FINDINGS_LOWER = ['findings', '*'] as const
const PER_LINE = [] as const
const FINDING_CLASSES = new Set([2001, 2002, 2003, 2004, 2005, 2006, 2007])

function isOcsf(v: Record<string, unknown>): boolean {
  const cls = get(v, 'class_uid')
  return (typeof cls === 'number' && FINDING_CLASSES.has(cls)) || (obj(get(v, 'metadata')) !== null && obj(get(v, 'finding_info')) !== null)
}

type Flavour = 'prowler' | 'securityhub' | 'other'

function flavourOf(v: Record<string, unknown>): Flavour {
  const name = (str(path(v, 'metadata', 'product', 'name')) ?? '').toLowerCase()
  const uid = (str(path(v, 'metadata', 'product', 'uid')) ?? '').toLowerCase()
  const vendor = (str(path(v, 'metadata', 'product', 'vendor_name')) ?? '').toLowerCase()
  if (name === 'prowler' || uid === 'prowler') return 'prowler'
  if (name.includes('security hub') && (vendor === '' || vendor.includes('aws') || vendor.includes('amazon'))) return 'securityhub'
  return 'other'
}

function detectFor(flavour: Flavour): (p: JsonProbe) => ReturnType<JsonAdapter['detect']> {
  return (p) => {
    const f = p.first
    if (f && isOcsf(f.value) && flavourOf(f.value) === flavour) {
      if (samePath(f.path, ARRAY)) return plan([ARRAY])
      if (samePath(f.path, FINDINGS) || samePath(f.path, FINDINGS_LOWER)) return plan([FINDINGS, FINDINGS_LOWER])
    }
    if (!f && p.rootValue && isOcsf(p.rootValue) && flavourOf(p.rootValue) === flavour) return plan([PER_LINE])
    if (p.forced) {
      // an empty array is a scan that found nothing (Prowler writes `[]`): valid, and its import
      // closes what the scan no longer reports; only --format can say which tool's it is
      if ((f && samePath(f.path, ARRAY)) || (!f && p.rootKind === 'array')) return plan([ARRAY])
      if (f) return plan([FINDINGS, FINDINGS_LOWER])
      if (p.rootValue) return plan([PER_LINE])
    }
    return null
  }
}

function adapter(format: FormatName, flavour: Flavour, tool: string, description: string): JsonAdapter {
  return {
    kind: 'json',
    format,
    tool,
    description,
    paths: [ARRAY, FINDINGS, FINDINGS_LOWER],
    detect: detectFor(flavour),
    normalise: (r) => normaliseOcsf(r)
  }
}

export const prowlerOcsf = adapter('prowler-ocsf', 'prowler', 'prowler', 'Prowler JSON-OCSF (v4/v5)')
export const securityHubOcsf = adapter('securityhub-ocsf', 'securityhub', 'securityhub', 'AWS Security Hub findings in OCSF (GetFindingsV2)')
export const genericOcsf = adapter('ocsf', 'other', 'ocsf', 'OCSF Vulnerability, Compliance or Detection findings')

function toolOf(v: Record<string, unknown>): string {
  switch (flavourOf(v)) {
    case 'prowler':
      return 'prowler'
    case 'securityhub':
      return 'securityhub'
    default: {
      const name = str(path(v, 'metadata', 'product', 'name')) ?? str(path(v, 'metadata', 'product', 'uid'))
      return name
        ? name
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, '-')
            .replace(/^-|-$/g, '') || 'ocsf'
        : 'ocsf'
    }
  }
}

const PROVIDERS: Record<string, Provider> = { aws: 'aws', azure: 'azure', gcp: 'gcp', kubernetes: 'kubernetes', k8s: 'kubernetes' }

function normaliseOcsf(v: Record<string, unknown>): AlertDraft {
  const info = obj(get(v, 'finding_info'))
  const uid = str(get(info, 'uid'))
  if (!uid) throw new RecordError('an OCSF finding without finding_info.uid')
  const tool = toolOf(v)
  const cls = get(v, 'class_uid')
  const compliance = obj(get(v, 'compliance'))
  const vulns = arr(get(v, 'vulnerabilities'))

  let kind: RuleKind = 'check'
  let ruleId: string | null
  if (tool === 'prowler') {
    ruleId = str(path(v, 'metadata', 'event_code'))
  } else if (cls === 2002 || vulns.length > 0) {
    kind = 'vulnerability'
    const first = obj(vulns[0])
    ruleId = str(path(first, 'cve', 'uid')) ?? str(get(first, 'title'))
  } else {
    if (cls === 2004) kind = 'threat'
    const feature = str(path(v, 'metadata', 'product', 'feature', 'uid'))
    ruleId =
      str(get(compliance, 'control')) ??
      str(path(v, 'metadata', 'event_code')) ??
      (feature ? feature.slice(feature.lastIndexOf('/') + 1) : null) ??
      str(path(info, 'analytic', 'uid')) ??
      str(path(info, 'analytic', 'name'))
  }
  ruleId ??= str(get(info, 'title')) ?? uid

  const statusCode = (str(get(v, 'status_code')) ?? '').toUpperCase()
  const status = (str(get(v, 'status')) ?? '').toLowerCase()
  const complianceStatus = (str(get(compliance, 'status')) ?? '').toLowerCase()
  const activity = (str(get(v, 'activity_name')) ?? '').toLowerCase()
  let outcome: Outcome = 'FAIL'
  if (statusCode === 'PASS' || complianceStatus === 'pass' || complianceStatus === 'passed') outcome = 'PASS'
  else if (statusCode === 'MANUAL' || complianceStatus === 'not_applicable' || complianceStatus === 'unknown') outcome = 'INFO'
  else if (status === 'resolved' || activity === 'close') outcome = 'PASS'
  const muted = status === 'suppressed' || (status === '' && get(v, 'status_id') === 3)

  const res = obj(arr(get(v, 'resources'))[0])
  const cloud = obj(get(v, 'cloud'))
  const providerName = (str(get(cloud, 'provider')) ?? '').toLowerCase()
  const provider: Provider | null = PROVIDERS[providerName] ?? (str(get(res, 'namespace')) ? 'kubernetes' : null)
  const account = str(path(cloud, 'account', 'uid'))
  const region = str(get(res, 'region')) ?? str(get(cloud, 'region'))
  const resourceTags = tagsOf(path(res, 'data', 'metadata', 'tags')) ?? tagsOf(get(res, 'labels')) ?? tagsOf(get(res, 'tags'))

  const resourceUid = str(get(res, 'uid'))
  const image = resourceUid ? /^(.+)@(sha256:[0-9a-f]{64})$/.exec(resourceUid) : null
  return {
    tool,
    toolFindingId: uid,
    ruleId,
    kind,
    title: str(get(info, 'title')) ?? str(get(v, 'message')) ?? ruleId,
    severity: severityOf(get(v, 'severity')) ?? severityFromOcsfId(get(v, 'severity_id')) ?? 'informational',
    outcome,
    toolStatus: [statusCode || complianceStatus.toUpperCase(), str(get(v, 'status'))].filter(Boolean).join(' ') || 'New',
    muted,
    resource: {
      id: resourceUid,
      type: str(get(res, 'type')),
      name: str(get(res, 'name')),
      provider,
      account,
      region,
      partition: str(get(res, 'cloud_partition')),
      tags: resourceTags,
      image: image ? { repository: image[1], digest: image[2], reference: resourceUid } : null,
      k8s:
        provider === 'kubernetes' && str(get(res, 'name'))
          ? { cluster: null, namespace: str(get(res, 'namespace')), kind: str(get(res, 'type')), name: str(get(res, 'name')) }
          : null
    },
    observedAt:
      isoTime(get(info, 'modified_time_dt')) ??
      isoTime(get(info, 'modified_time')) ??
      isoTime(get(v, 'time_dt')) ??
      isoTime(get(v, 'time')) ??
      isoTime(get(info, 'created_time_dt')) ??
      isoTime(get(info, 'created_time')),
    artifact: null
  }
}
