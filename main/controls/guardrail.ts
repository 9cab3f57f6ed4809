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
  /**
   * principals (role ARNs, wildcards allowed) still allowed what the guardrails deny; when none is
   * given, DEFAULT_BREAK_GLASS_ROLE — a guardrail with no way around it locks out the people who
   * must undo a change in an incident (and Lastmile's own rollbacks)
   */
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

/** The break-glass role every SCP exempts when no other is named (`--break-glass-role`). */
export const DEFAULT_BREAK_GLASS_ROLE = 'arn:aws:iam::*:role/lastmile-break-glass'

export function breakGlassRolesOf(opts: GuardrailOptions): string[] {
  return opts.breakGlassRoles?.length ? opts.breakGlassRoles : [DEFAULT_BREAK_GLASS_ROLE]
}
