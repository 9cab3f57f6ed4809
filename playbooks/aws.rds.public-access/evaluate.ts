// aws.rds.public-access (Security Hub RDS.2) over a bundle: PubliclyAccessible of each DB instance
// in inventory/rds-instances.json (DescribeDBInstances), as Security Hub, Config's
// rds-instance-public-access-check and Prowler's rds_instance_no_public_access read it.
import type { Evaluation } from '../../shared/contract'
import { evaluateRdsInstanceList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, RdsInstance } from '../../main/semantics/inventory'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const CONTROL = 'aws.rds.public-access'

/** A missing PubliclyAccessible is unknown (DescribeDBInstances always gives it: the file was cut). */
export function publicAccessVerdict(d: Pick<RdsInstance, 'PubliclyAccessible' | 'Endpoint'>): Verdict {
  if (d.PubliclyAccessible === undefined) return unknown('the instance\'s PubliclyAccessible was not collected (no "PubliclyAccessible" key)')
  const where = d.Endpoint?.Address ? ` (${d.Endpoint.Address}${d.Endpoint.Port ? `:${d.Endpoint.Port}` : ''})` : ''
  if (d.PubliclyAccessible) return fail(`PubliclyAccessible is true: the endpoint${where} resolves to a public address from outside the VPC`)
  return pass(`PubliclyAccessible is false: the endpoint${where} resolves to private addresses only`)
}

export function evaluateRdsPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluateRdsInstanceList(CONTROL, inv, (d) => ({ verdict: publicAccessVerdict(d), field: 'PubliclyAccessible' }))
}
