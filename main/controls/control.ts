// What a control is in code: the part of one control's knowledge its playbook.yaml cannot declare.
// A control lives in one folder, playbooks/<control-id>/: playbook.yaml (its catalogue entry,
// questions, steps, verdict rules, routing text), fixtures/, and control.ts, whose default export
// is a ControlModule. The registry (./registry.ts) finds every folder's module; no list names them.
//
// Every part is optional: a control the catalogue maps but Lastmile cannot evaluate or fix has a
// folder with only its playbook (or only its catalogue entry). What a control has decides what the
// stages offer for it: an evaluator → `lastmile evaluate` and validation by re-check; a fix →
// plans, whose rollback is part of the same render; guardrails → the prevent stage.
import type { GuardrailView } from '../../shared/remediation'
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from './evaluation'
import type { AwsAccountInventory } from '../semantics/inventory'
import type { FixRenderer } from './fix'
import type { GuardrailException, GuardrailOptions } from './guardrail'
import type { Statement } from './guardrail-aws'
import type { StepFunction } from './step'
import type { IacTwin } from './iac-twin'

/** Renders an Organizations policy, checked (or, when policies are off, an empty string). */
export type PolicyRenderer = (kind: 'scp' | 'rcp', name: string, statements: Statement[]) => string

export interface GuardrailContext {
  control: string
  /** the resources that must keep working under the guardrail, and why */
  exceptions: GuardrailException[]
  opts: GuardrailOptions
  /** Organizations policies go through this (size and grammar checked) */
  policy: PolicyRenderer
  /** Azure: the subscriptions the control's findings are in */
  subscriptions: string[]
}

/**
 * A guardrail several controls share (one SCP keeps S3 Block Public Access on for two controls):
 * the controls declaring the same `key` get one policy with all their exceptions, never two
 * policies that would each cancel the other's exceptions.
 */
export interface SharedGuardrail {
  key: string
  render(ctx: GuardrailContext & { controls: readonly string[] }): GuardrailView
}

export interface ControlModule {
  /** the control id: the folder's name */
  id: string
  /** evaluates the control over a bundle's current configuration (PASS / FAIL / UNKNOWN) */
  evaluate?(ctx: EvaluationContext): Evaluation[]
  /** the step functions this control's playbook names (any playbook may use them) */
  steps?: readonly StepFunction[]
  /** how a fix is computed from evidence; its render returns the rollback with the fix */
  fix?: Omit<FixRenderer, 'control'>
  /** the guardrails that keep the problem from coming back */
  guardrails?(ctx: GuardrailContext): GuardrailView[]
  sharedGuardrail?: SharedGuardrail
  /** IaC findings of the control (iac.<terraform type>) investigated through their deployed twin (./iac-twin.ts) */
  iac?: IacTwin
  /**
   * true: the fix and guardrails also answer every control the folder's playbook serves (its
   * playbook.yaml `controls:` entries without a title, defined elsewhere), as they answer its own —
   * for a folder whose served controls share one response (every GuardDuty EC2 threat type is
   * answered by containing the instance). Without it a served control is investigated by the
   * playbook but gets no fix or guardrail of the folder's.
   */
  answersServedControls?: true
}

/** Declare a control (the default export of playbooks/<id>/control.ts). */
export function defineControl<T extends ControlModule>(m: T): T {
  return m
}

/** An evaluator run once per AWS account of the bundle. */
export const perAccount =
  (fn: (ctx: EvaluationContext, inv: AwsAccountInventory) => Evaluation[]) =>
  (ctx: EvaluationContext): Evaluation[] =>
    ctx.bundle.aws.flatMap((inv) => fn(ctx, inv))
