// What a step function is: a small named function that answers ONE safety question about one
// finding's resource from the evidence in the case, with parameters a playbook sets. Step
// functions read evidence through `EvidenceView` (main/investigate/evidence-view.ts) only, so the
// same function runs over a case, a fixture or the demo, and never writes anything.
import type { z } from 'zod'
import type { Coverage, CoverageSource, ResourceFacts, TimelineEvent, EvidenceFileSummary } from '../../shared/evidence'
import type { StepCertainty, TimelineLink } from '../../shared/investigate'
import type { StepAnswer } from '../../shared/model'
import type { CloudTrailIndex } from '../case/cloudtrail-index'
import type { FacetMap, FacetName } from '../semantics/facets'

export interface FindingSubject {
  /** F-12 */
  ref: string
  id: number
  control: string
  resource: {
    id: string
    type: string
    account: string | null
    region: string | null
    name: string | null
    environment: string | null
  }
  /** the finding's alerts still reporting it (not closed), by public id */
  alerts: Array<{ id: string; tool: string; ruleId: string; outcome: 'FAIL' | 'PASS' | 'INFO' }>
}

export interface AlertRecord {
  id: string
  tool: string
  ruleId: string
  format: string
  raw: string
  context: unknown
}

/** Read-only access to the evidence in a case, memoised for one investigation run. */
export interface EvidenceView {
  facts(resourceId: string): ResourceFacts
  coverage(source: CoverageSource, resourceId: string, window: { from: string; to: string } | null): Coverage
  /**
   * The latest value of a facet the evidence stage drew for a resource (s3.config, ec2.config, …),
   * typed by its name (main/semantics/facets.ts); null when no bundle in the case holds it.
   */
  config<K extends FacetName>(resourceId: string, facet: K): { value: FacetMap[K]; evidence: string[] } | null
  /** every resource the evidence stage drew a facet for (the buckets an account-level setting covers) */
  resourcesWith(facet: FacetName): string[]
  timeline(resourceIds: readonly string[], q: { from?: string; to?: string; sources?: readonly string[]; summaries?: boolean }): TimelineEvent[]
  files(): EvidenceFileSummary[]
  /** the bytes of an evidence file kept in the case; null when only its hash was kept */
  bytes(fileId: string): Buffer | null
  /** CloudTrail records of one account (every log file of it kept in the case), for the questions the evidence stage does not aggregate */
  cloudTrail(account: string): CloudTrailIndex
  /** the verbatim records of a finding's alerts (for what the tools said: fixed versions, packages) */
  alertRecords(alertIds: readonly string[]): AlertRecord[]
  /** an IAM user's ARN as the credential report gives it (with its path), when the finding's lacks it */
  resolveUserArn(arn: string): string
  /**
   * The Regions the evidence holds for an AWS account: those the bundles' manifests name in their
   * scope, and any whose CloudTrail is in evidence. Empty when no bundle names the account.
   */
  regions(account: string): string[]
  /** the collection time of the latest bundle: "now" for ages (never the wall clock) */
  collectedAt(): string | null
}

export interface StepContext {
  finding: FindingSubject
  /** the playbook's look-back, ending at the evidence window's end; null when no bundle gives a window */
  window: { from: string; to: string } | null
  ev: EvidenceView
}

export interface StepOutcome {
  answer: StepAnswer
  explanation: string
  evidence: string[]
  certainty: StepCertainty | null
  sources: CoverageSource[]
  /** whether the answer judged the window (logs) or configuration only */
  windowed: boolean
  timeline?: TimelineLink | null
}

export interface StepFunction<P = unknown> {
  /** the name playbooks use: `s3.plain-http-requests` */
  name: string
  /** what it answers, for `lastmile playbooks` and reviewers */
  summary: string
  /** the resource types it can answer for; a playbook covering others is refused at load */
  resourceTypes: readonly string[]
  params: z.ZodType<P>
  run(ctx: StepContext, params: P): StepOutcome
}

/** Declare a step function; `params` parses (and defaults) what the playbook gives. */
export function defineStep<S extends z.ZodType>(def: {
  name: string
  summary: string
  resourceTypes: readonly string[]
  params: S
  run(ctx: StepContext, params: z.output<S>): StepOutcome
}): StepFunction<z.output<S>> {
  return def as unknown as StepFunction<z.output<S>>
}
