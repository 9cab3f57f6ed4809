import type { RciVerdict } from '../../shared/model'

/** A finding as the guardrails see it: its control and resource, and whether to leave it alone. */
export interface GuardrailFinding {
  id: string
  control: string
  resourceId: string
  account: string | null
  region: string | null
  verdict: RciVerdict
  /** suppressed / risk-accepted by a person: the guardrail must not break it either */
  decision: 'suppressed' | 'risk-accepted' | null
  owner: string | null
}

export interface GuardrailOptions {
  /** principals (role ARNs, wildcards allowed) still allowed what the guardrails deny */
  breakGlassRoles?: string[]
  /** a tag that marks a resource as an agreed exception, where the service evaluates tags */
  exceptionTag?: { key: string; value: string }
}

/** Why a resource is left out of a guardrail. */
export interface GuardrailException {
  finding: string
  resourceId: string
  account: string | null
  region: string | null
  why: string
}

export const DEFAULT_EXCEPTION_TAG = { key: 'lastmile-guardrail-exception', value: 'true' }
