// The step-function registry: every function a playbook may name. A new finding type is a new
// playbook file plus, at most, a new step here.
import { AZURE_STEPS } from './azure'
import { CONTAINER_STEPS } from './containers'
import { EBS_STEPS } from './ebs'
import { EC2_STEPS } from './ec2'
import { IAM_STEPS } from './iam'
import { S3_STEPS } from './s3'
import { SG_STEPS } from './security-groups'
import type { StepFunction } from '../../controls/step'

export const STEP_FUNCTIONS: ReadonlyMap<string, StepFunction> = new Map(
  ([...S3_STEPS, ...EC2_STEPS, ...SG_STEPS, ...EBS_STEPS, ...IAM_STEPS, ...CONTAINER_STEPS, ...AZURE_STEPS] as StepFunction[]).map((s) => [s.name, s])
)

export type { StepFunction, StepContext, StepOutcome, EvidenceView, FindingSubject } from '../../controls/step'
