// The control evaluators' public surface, for the CLI, IPC and the investigate/validate engines.
export { evaluateBundle, evaluateLoaded, findEvaluation, compareEvaluations } from './evaluate'
export { loadBundle, type LoadedBundle } from '../semantics/inventory'
export { CONTROL_IDS, CONTROLS, isControlId, type ControlDefinition } from './registry'
export { DEFAULT_UNUSED_KEY_DAYS, type ControlId, type EvaluateOptions, type Verdict } from './types'
export type { BundleEvaluation, Evaluation, EvaluationStatus } from './types'
// Per-resource verdicts, for checking one live configuration without a bundle.
export { parsePolicy, httpsOnlyVerdict, publicGrants } from '../semantics/iam-policy'
