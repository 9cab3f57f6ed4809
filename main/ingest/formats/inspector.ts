import { arr, get, isoTime, obj, path, severityOf, str } from '../normalise'
import type { AlertDraft, Outcome } from '../types'
import { plan, RecordError, samePath, type JsonAdapter } from './adapter'
import { resourceOf } from './asff'

/**
 * Amazon Inspector's own findings (`aws inspector2 list-findings`, the console's JSON export):
 * `{"findings": [...]}`, each with findingArn, type (PACKAGE_VULNERABILITY, CODE_VULNERABILITY,
 * NETWORK_REACHABILITY), status (ACTIVE, SUPPRESSED, CLOSED), severity and resources[] (type
 * AWS_EC2_INSTANCE, AWS_ECR_CONTAINER_IMAGE, AWS_LAMBDA_FUNCTION…). Read as Security Hub's copy
 * of the same finding is (asff.ts): tool inspector, the finding ARN as its id (Security Hub's Id),
 * the CVE or GHSA as rule of a package vulnerability, the title otherwise, and the resource through
 * the ASFF reader's resource rules (an ECR image by its digest, an instance id as its ARN).
 */
const PATHS = [['findings', '*']] as const

function isInspectorFinding(v: Record<string, unknown>): boolean {
  return /^arn:aws[a-z-]*:inspector2:/.test(str(get(v, 'findingArn')) ?? '') && get(v, 'resources') !== undefined
}

/** AWS_ECR_CONTAINER_IMAGE -> AwsEcrContainerImage: the ASFF name of the resource type. */
function asffType(t: string | null): string | null {
  if (!t) return null
  return t
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
}

export const inspectorJson: JsonAdapter = {
  kind: 'json',
  format: 'inspector-json',
  tool: 'inspector',
  description: 'Amazon Inspector findings (aws inspector2 list-findings)',
  paths: PATHS,
  detect(p) {
    const f = p.first
    if (f && samePath(f.path, PATHS[0]) && isInspectorFinding(f.value)) return plan([PATHS[0]])
    if (p.forced && p.rootKeys.includes('findings')) return plan([PATHS[0]])
    return null
  },
  normalise(v) {
    const arn = str(get(v, 'findingArn'))
    if (!arn) throw new RecordError('an Inspector finding without findingArn')
    const type = str(get(v, 'type'))
    const title = str(get(v, 'title'))
    const advisory = type === 'PACKAGE_VULNERABILITY' ? str(path(v, 'packageVulnerabilityDetails', 'vulnerabilityId')) : null
    const ruleId = advisory ?? title
    if (!ruleId) throw new RecordError(`Inspector finding ${arn} has neither a vulnerability id nor a title`)
    const status = (str(get(v, 'status')) ?? 'ACTIVE').toUpperCase()
    const outcome: Outcome = status === 'CLOSED' ? 'PASS' : 'FAIL'
    const account = str(get(v, 'awsAccountId'))
    const r = obj(arr(get(v, 'resources'))[0])
    const ecr = obj(path(r, 'details', 'awsEcrContainerImage'))
    // the resource in Security Hub's shape, so both copies of a finding name one resource
    const asAsff = r
      ? {
          Type: asffType(str(get(r, 'type'))),
          Id: str(get(r, 'id')),
          Region: str(get(r, 'region')),
          Partition: str(get(r, 'partition')),
          Tags: get(r, 'tags'),
          Details: ecr ? { AwsEcrContainerImage: { RegistryId: get(ecr, 'registry'), RepositoryName: get(ecr, 'repositoryName'), ImageDigest: get(ecr, 'imageHash') } } : undefined
        }
      : null
    const region = str(get(r, 'region')) ?? /^arn:aws[a-z-]*:inspector2:([^:]+):/.exec(arn)?.[1] ?? null
    return {
      tool: 'inspector',
      toolFindingId: arn,
      ruleId,
      kind: advisory ? 'vulnerability' : 'check',
      title: title ?? ruleId,
      severity: severityOf(get(v, 'severity')) ?? 'informational',
      outcome,
      toolStatus: status,
      muted: status === 'SUPPRESSED',
      resource: resourceOf(asAsff, account, region),
      observedAt: isoTime(get(v, 'lastObservedAt')) ?? isoTime(get(v, 'updatedAt')),
      artifact: null
    } satisfies AlertDraft
  }
}
