import type { Provider } from '../../../shared/model'
import { get, isoTime, severityOf, str, tagsOf } from '../normalise'
import type { AlertDraft, Outcome } from '../types'
import { plan, RecordError, samePath, type JsonAdapter, type JsonProbe } from './adapter'
import type { ResourceDraft } from '../types'
import { PROWLER_V2_CHECKS, PROWLER_V2_RESOURCE_TYPES, PROWLER_V3_RENAMED } from './prowler-v2-checks.generated'

/**
 * Prowler's plain JSON, before JSON-OCSF replaced it in Prowler 4.
 *
 * Prowler 3 (`-M json`): an array of check results (prowler `lib/outputs/models.py`
 * Check_Output_JSON and its per-provider kinds): CheckID, Status PASS/FAIL/MANUAL,
 * StatusExtended, Severity, FindingUniqueId (`prowler-<provider>-<check>-<account>-<region>-<resource>`,
 * the same uid JSON-OCSF gives as finding_info.uid) and the resource: AWS AccountId, Region,
 * ResourceArn, ResourceId, ResourceTags; Azure Subscription, ResourceId (the Azure id),
 * ResourceName; GCP ProjectId, Location, ResourceId, ResourceName; Kubernetes Namespace, ResourceName.
 * The rule is the check id, as Prowler's OCSF and CSV give it, so all three are one stream (the
 * few ids Prowler 4 renamed are read as today's, currentCheck).
 *
 * Prowler 2 (`-M json`): one object per line, `"Control": "[check114] Ensure hardware MFA…"`,
 * "Account Number", Region, Status (Pass/FAIL/INFO…), Message, "Resource ID". The v2 check id
 * (check114, extra764) becomes the id Prowler 4/5 use (iam_root_hardware_mfa_enabled,
 * s3_bucket_secure_transport_policy) through Prowler's published v2-to-v3 table
 * (prowler-v2-checks.generated.ts); the few v2 ids it gives to several checks stay as they are.
 * v2 gives no finding uid: one is built in the v3 form from check, account, region and resource.
 * Nor does it give the resource's type: that is the ASFF resource type Prowler 2 declares for the
 * check (its CSV's CHECK_ASFF_RESOURCE_TYPE, generated table), see v2Resource.
 */
const ARRAY = ['*'] as const
const PER_LINE = [] as const

const PROVIDERS: Record<string, Provider> = { aws: 'aws', azure: 'azure', gcp: 'gcp', kubernetes: 'kubernetes' }

function isV3(v: Record<string, unknown>): boolean {
  return str(get(v, 'CheckID')) !== null && get(v, 'Status') !== undefined && (get(v, 'FindingUniqueId') !== undefined || get(v, 'Provider') !== undefined)
}

function isV2(v: Record<string, unknown>): boolean {
  return str(get(v, 'Control')) !== null && get(v, 'Status') !== undefined && (get(v, 'Account Number') !== undefined || get(v, 'Control ID') !== undefined)
}

function detectWith(is: (v: Record<string, unknown>) => boolean): (p: JsonProbe) => ReturnType<JsonAdapter['detect']> {
  return (p) => {
    const f = p.first
    if (f && samePath(f.path, ARRAY) && is(f.value)) return plan([ARRAY])
    if (!f && p.rootValue && is(p.rootValue)) return plan([PER_LINE])
    if (p.forced) {
      // an empty array is a scan that found nothing (Prowler 3 writes `[]`), as for JSON-OCSF
      if ((f && samePath(f.path, ARRAY)) || (!f && p.rootKind === 'array')) return plan([ARRAY])
      if (p.rootValue) return plan([PER_LINE])
    }
    return null
  }
}

export const prowlerJson: JsonAdapter = {
  kind: 'json',
  format: 'prowler-json',
  tool: 'prowler',
  description: 'Prowler 3 JSON (-M json)',
  paths: [ARRAY],
  detect: detectWith(isV3),
  normalise(v) {
    const given = str(get(v, 'CheckID'))
    if (!given) throw new RecordError('a Prowler result without CheckID')
    const check = currentCheck(given)
    const providerName = (str(get(v, 'Provider')) ?? 'aws').toLowerCase()
    const provider = PROVIDERS[providerName] ?? null
    const account = str(get(v, 'AccountId')) ?? str(get(v, 'Subscription')) ?? str(get(v, 'ProjectId'))
    const region = str(get(v, 'Region')) ?? str(get(v, 'Location'))
    const resourceId = str(get(v, 'ResourceId'))
    const name = str(get(v, 'ResourceName')) ?? resourceId
    const uid = str(get(v, 'FindingUniqueId')) ?? `prowler-${providerName}-${given}-${account ?? ''}-${region ?? ''}-${name ?? ''}`
    const status = (str(get(v, 'Status')) ?? '').toUpperCase()
    return {
      tool: 'prowler',
      toolFindingId: uid,
      ruleId: check,
      kind: 'check',
      title: str(get(v, 'CheckTitle')) ?? check,
      severity: severityOf(get(v, 'Severity')) ?? 'informational',
      outcome: outcomeOf(status),
      toolStatus: status || 'UNKNOWN',
      muted: false,
      resource: {
        id: str(get(v, 'ResourceArn')) ?? resourceId ?? name,
        type: str(get(v, 'ResourceType')),
        name,
        provider,
        account,
        region,
        tags: tagsOf(get(v, 'ResourceTags')) ?? tagsOf(get(v, 'Tags')),
        k8s: provider === 'kubernetes' && name ? { cluster: str(get(v, 'Context')), namespace: str(get(v, 'Namespace')), kind: str(get(v, 'ResourceType')), name } : null
      },
      observedAt: isoTime(get(v, 'AssessmentStartTime')),
      artifact: null
    } satisfies AlertDraft
  }
}

export const prowlerV2Json: JsonAdapter = {
  kind: 'json',
  format: 'prowler-v2-json',
  tool: 'prowler',
  description: 'Prowler 2 JSON (-M json, one result per line)',
  paths: [ARRAY],
  detect: detectWith(isV2),
  normalise(v) {
    const control = str(get(v, 'Control'))
    const m = control ? /^\[([A-Za-z0-9_]+)\]\s*(.*)$/.exec(control) : null
    if (!m) throw new RecordError(`a Prowler 2 result whose Control does not start with its check id in brackets ("[check114] …"): ${JSON.stringify(control ?? '')}`)
    const check = currentCheckId(m[1])
    const account = str(get(v, 'Account Number'))
    const region = str(get(v, 'Region'))
    const resource = str(get(v, 'Resource ID'))
    const type = Object.prototype.hasOwnProperty.call(PROWLER_V2_RESOURCE_TYPES, m[1].toLowerCase()) ? PROWLER_V2_RESOURCE_TYPES[m[1].toLowerCase()] : null
    const status = (str(get(v, 'Status')) ?? '').toUpperCase()
    return {
      tool: 'prowler',
      toolFindingId: `prowler-aws-${check}-${account ?? ''}-${region ?? ''}-${resource ?? ''}`,
      ruleId: check,
      kind: 'check',
      title: m[2] || check,
      severity: severityOf(get(v, 'Severity')) ?? 'informational',
      outcome: outcomeOf(status),
      toolStatus: status || 'UNKNOWN',
      muted: false,
      resource: v2Resource(resource, type, account, region),
      observedAt: isoTime(get(v, 'Timestamp')),
      artifact: null
    } satisfies AlertDraft
  }
}

/**
 * The resource of a Prowler 2 result: the "Resource ID" it gives, of the ASFF resource type Prowler 2
 * declares for the check (`type`, null when unknown). A check of the account (AwsAccount: root usage,
 * root MFA, password policy, contact details) is the account's, whatever label it gives as resource
 * ("root", "MFA"); so is a result naming no resource of a check whose type is unknown. A result naming
 * no resource of a check of another type stays an unnamed resource of that type (no id is guessed).
 */
export function v2Resource(resource: string | null, type: string | null, account: string | null, region: string | null): ResourceDraft {
  if (type === 'AwsAccount' || (!resource && !type)) return { id: null, type: 'AwsAccount', name: null, provider: 'aws', account, region }
  return { id: resource, type, name: resource, provider: 'aws', account, region }
}

/** A Prowler 2 check id (check114, extra764) as Prowler 4/5 name the same check; ids the table leaves out stay as they are. */
export function currentCheckId(v2id: string): string {
  const v2 = v2id.toLowerCase()
  return Object.prototype.hasOwnProperty.call(PROWLER_V2_CHECKS, v2) ? PROWLER_V2_CHECKS[v2] : v2
}

/**
 * The id today's Prowler gives a check Prowler 3 named otherwise (apigateway_authorizers_enabled
 * is apigateway_restapi_authorizers_enabled since Prowler 4), from Prowler's own v2-to-v3 tables;
 * an id Prowler still has is kept.
 */
export function currentCheck(id: string): string {
  return Object.prototype.hasOwnProperty.call(PROWLER_V3_RENAMED, id) ? PROWLER_V3_RENAMED[id] : id
}

/** MANUAL (v3), INFO and WARNING (v2) results are neither a pass nor a failure. */
export function outcomeOf(status: string): Outcome {
  return status === 'PASS' ? 'PASS' : status === 'FAIL' ? 'FAIL' : 'INFO'
}
