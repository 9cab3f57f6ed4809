import type { Provider, Severity } from '../../shared/model'
import type { RuleKind } from '../../shared/ingest'

export { FORMAT_NAMES, type FormatName, type ImportScope, type ImportSummary, type RuleKind } from '../../shared/ingest'

export type Outcome = 'FAIL' | 'PASS' | 'INFO'

/** A resource as the tool describes it, before it is made canonical. */
export interface ResourceDraft {
  /** the id the tool gives (ARN, Azure id, name, path…), or null */
  id: string | null
  /** the tool's own type name (AwsS3Bucket, Microsoft.Storage/storageAccounts, …) */
  type: string | null
  name: string | null
  provider: Provider | null
  account: string | null
  region: string | null
  partition?: string | null
  /** tags, used to tell the environment (prod, staging…) */
  tags?: Record<string, string> | null
  /** a container image: repository (with registry when known) and manifest digest */
  image?: { repository: string | null; digest: string | null; reference: string | null } | null
  /** an IaC result: file and Terraform (or other) address */
  iac?: { file: string; address: string | null; line: number | null } | null
  /** a Kubernetes object */
  k8s?: { cluster: string | null; namespace: string | null; kind: string | null; name: string | null } | null
}

/** One alert, normalised by a format adapter from one record. */
export interface AlertDraft {
  tool: string
  toolFindingId: string
  ruleId: string
  kind: RuleKind
  title: string
  severity: Severity
  outcome: Outcome
  toolStatus: string
  muted: boolean
  resource: ResourceDraft
  /** when the tool last saw it (ISO 8601), if the record says */
  observedAt: string | null
  /** what was scanned when there is no cloud account: an image, a repository, a cluster */
  artifact: string | null
}

/** A resource after canonicalisation: what the case stores. */
export interface CanonicalResource {
  /** identity in the case: the canonical id, region-qualified for account-wide settings */
  key: string
  id: string
  canonical: boolean
  type: string
  provider: Provider
  account: string | null
  region: string | null
  name: string | null
  environment: string | null
}

export interface ImportProgress {
  file: string
  records: number
  bytes: number
  totalBytes: number
  /** records per second */
  rate: number
  /** bytes per second */
  byteRate: number
  phase: 'detect' | 'read' | 'findings' | 'done'
}
