// aws.rds.public-access (Security Hub RDS.2): make the DB instance private (ModifyDBInstance
// PubliclyAccessible false, applied immediately). The fix saves PubliclyAccessible first and refuses
// to run when it is already false (nothing to do, and a rollback would then make public an instance
// that never was); the rollback turns it back on only when the saved state says it was on.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'

export const rdsPublicAccessFix: Omit<FixRenderer, 'control'> = {
  summary: 'make the RDS DB instance private (PubliclyAccessible false), saving its state for the rollback',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'rds.config', 'inventory/rds-instances.json')
    const d = cfg.value
    if (d.publiclyAccessible === false)
      throw new LastmileError('conflict', `${target.finding}: ${d.identifier} is not publicly accessible in the evidence; validate the finding instead`)
    return {
      values: { identifier: d.identifier, account: d.account, region: d.region, address: d.address, port: d.port },
      evidence: [...cfg.evidence].sort(),
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { identifier: string; account: string; region: string; address: string | null; port: number | null }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const id = sq(v.identifier)
    const before = '"$ROLLBACK_DIR/publicly-accessible.before"'
    const fns = [
      `public_now() { aws rds describe-db-instances --region ${sq(region)} --db-instance-identifier ${id} --output json | jq -r '.DBInstances[0].PubliclyAccessible'; }`,
      `is_private() { [ "$(public_now)" = false ]; }`,
      `is_public() { [ "$(public_now)" = true ]; }`
    ]
    const fix = bashScript({
      title: `Fix: make the RDS DB instance ${v.identifier} private`,
      lines: [
        ...header,
        `${v.address ?? v.identifier}${v.port ? `:${v.port}` : ''} stops resolving to a public address: clients over the internet are cut off, clients inside the VPC keep working.`,
        'The change is applied immediately (no maintenance window); the instance stays available while RDS applies it.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save PubliclyAccessible (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'PubliclyAccessible was saved by an earlier run',
          apply: [`public_now > ${before}`]
        },
        {
          title: 'refuse when the instance was not public before the fix',
          check: `[ "$(cat ${before})" = true ]`,
          already: 'the instance was publicly accessible before the fix',
          apply: [`say "${v.identifier} was not publicly accessible before the fix (saved: $(cat ${before})): nothing to do; investigate again"`, 'exit 1']
        },
        {
          title: `turn PubliclyAccessible off on ${v.identifier}`,
          check: 'is_private',
          already: `${v.identifier} is already private`,
          apply: [
            `aws rds modify-db-instance --region ${sq(region)} --db-instance-identifier ${id} --no-publicly-accessible --apply-immediately --output json >/dev/null`,
            `aws rds wait db-instance-available --region ${sq(region)} --db-instance-identifier ${id}`
          ],
          verify: 'is_private'
        }
      ],
      done: `${v.identifier} is not publicly accessible`
    })
    const rollback = bashScript({
      title: `Rollback: make the RDS DB instance ${v.identifier} publicly accessible again, as it was`,
      lines: [...header, 'Only when the fix saved PubliclyAccessible true: an instance that was private stays private.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'put PubliclyAccessible back as saved before the fix',
          check: `{ [ ! -e ${before} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || { [ "$(cat ${before})" != true ] || is_public; }`,
          already: 'PubliclyAccessible is as it was before the fix',
          apply: [
            `aws rds modify-db-instance --region ${sq(region)} --db-instance-identifier ${id} --publicly-accessible --apply-immediately --output json >/dev/null`,
            `aws rds wait db-instance-available --region ${sq(region)} --db-instance-identifier ${id}`
          ],
          verify: 'is_public'
        }
      ],
      done: `PubliclyAccessible of ${v.identifier} is back as it was`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `make ${v.identifier} private (PubliclyAccessible false)`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `make ${v.identifier} publicly accessible again, as it was`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed rds:DescribeDBInstances and rds:ModifyDBInstance on ${v.identifier} in ${region}`,
        'the instance is in a VPC (an EC2-Classic instance cannot be made private this way)'
      ],
      validation: validationText(t),
      notes: [
        'the instance keeps its endpoint name; from outside the VPC it no longer resolves to a reachable address. Applications inside the VPC need no change',
        'if the instance is in public subnets only, consider moving it to a DB subnet group of private subnets later: that is a separate, replacing change'
      ]
    }
  }
}
