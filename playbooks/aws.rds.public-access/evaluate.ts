// aws.rds.public-access (Security Hub RDS.2) over a bundle: PubliclyAccessible of each DB instance
// in inventory/rds-instances.json (DescribeDBInstances), as Security Hub, Config's
// rds-instance-public-access-check and Prowler's rds_instance_no_public_access read it.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, regionFor, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, RdsInstance } from '../../main/semantics/inventory'
import { regionOfAz } from '../../main/semantics/inventory-items'
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
  const f = inv.rdsInstances
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the DB instances')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'DB instances')
  for (const item of f.value) {
    const d = item.ok ? item.value : null
    const id = d ? d.DBInstanceIdentifier : item.ok ? null : item.name
    if (id === null) continue
    const arnMatch = d?.DBInstanceArn ? /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):db:/.exec(d.DBInstanceArn) : null
    const account = arnMatch?.[2] ?? inv.account
    const where = regionFor(arnMatch?.[1] ?? regionOfAz(d?.AvailabilityZone ?? null), inv)
    const region = 'region' in where ? where.region : null
    const resource = d?.DBInstanceArn ?? (region ? `arn:aws:rds:${region}:${account}:db:${id}` : `arn:aws:rds::${account}:db:${id}`)
    if (!item.ok) {
      out.push(evaluation(CONTROL, resource, unknown(`${f.rel}: ${item.error}`), { account, region, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const v = publicAccessVerdict(item.value)
    const named = d?.DBInstanceArn || 'region' in where ? v : unknown(`cannot name the instance: ${'problem' in where ? where.problem : ''}; on its own: ${v.status} — ${v.reason}`)
    out.push(evaluation(CONTROL, resource, named, { account, region, evidence: [`${f.rel}#${item.pointer}/PubliclyAccessible`] }))
  }
  out.push(...listingGapRows(CONTROL, inv, 'DescribeDBInstances', 'the DB instances'))
  return out
}
