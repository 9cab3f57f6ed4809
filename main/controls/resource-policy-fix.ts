// The fix of the controls whose resource keeps its policy as one document (SQS queue and SNS topic
// policies, KMS key policies): put the policy without the statements that grant to anyone, every
// other statement kept as it is (main/semantics/iam-policy.ts policyWithout). The script saves the
// live policy first, refuses to change a policy that is not the one the evidence shows (the fix was
// computed from it), and the rollback puts the saved document back exactly.
import type { FixRenderer, FixTarget } from './fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from './fix-common'
import { bashScript, sq } from './shell'
import { LastmileError } from '../errors'
import { policyWithout, readResourcePolicy } from '../semantics/iam-policy'
import type { ResourcePolicyFacet } from '../semantics/facets'
import type { Db } from '../db/case-db'

/** How one service reads and writes its policy document with the AWS CLI. */
export interface PolicyDocumentCli {
  /** "SQS queue" */
  noun: string
  /** the inventory file the resource is read from */
  file: string
  /** the IAM actions the credentials need, for the preconditions */
  actions: string[]
  /** bash printing the live policy document, or nothing when the resource has none */
  get(r: ResourcePolicyFacet, region: string): string
  /** bash putting the policy held in the shell variable $POLICY ("" for none, where the service allows it) */
  set(r: ResourcePolicyFacet, region: string): string
  /**
   * The policy to put when no statement would remain: null to refuse (a KMS key must keep a key
   * policy), "" where the service takes "no policy" (SQS), or a default document (SNS).
   */
  whenEmpty(r: ResourcePolicyFacet): string | null
  /** why this resource's policy cannot be changed at all (an AWS managed KMS key), or null */
  unchangeable?(r: ResourcePolicyFacet): string | null
}

interface Values {
  name: string
  arn: string
  account: string
  region: string
  /** the policy as the evidence shows it */
  before: string
  /** the policy the fix puts */
  after: string
  removed: string[]
  /** the facet, for the service's CLI (queue URL, key id) */
  resource: ResourcePolicyFacet
}

/** The fix renderer of one service. */
export function policyDocumentFix(cli: PolicyDocumentCli): Omit<FixRenderer, 'control'> {
  return {
    summary: `remove the statements of the ${cli.noun}'s policy that grant to anyone, keeping the others and saving the policy for the rollback`,
    inputs(db: Db, target: FixTarget) {
      const cfg = requireConfig({ db }, target, target.resourceId, 'resource-policy.config', `inventory/${cli.file}`)
      const r = cfg.value
      const fixed = cli.unchangeable?.(r) ?? null
      if (fixed) throw new LastmileError('conflict', `${target.finding}: ${fixed}`)
      if (r.policy === undefined) throw new LastmileError('conflict', `${target.finding}: the policy of ${r.name} was not collected; collect ${cli.file} with its policies first`)
      if (r.policy === null || !(r.public ?? []).length)
        throw new LastmileError('conflict', `${target.finding}: ${r.name} grants nothing to anyone in the evidence; validate the finding instead`)
      const read = readResourcePolicy(r.service, r.policy)
      if (!read.ok) throw new LastmileError('conflict', `${target.finding}: the policy of ${r.name} cannot be read: ${read.error}`)
      const kept = policyWithout(
        r.policy,
        read.public.map((g) => g.index)
      )
      const after = kept ?? cli.whenEmpty(r)
      if (after === null)
        throw new LastmileError(
          'conflict',
          `${target.finding}: every statement of the policy of ${r.name} grants to anyone; removing them all would leave it without one: write its policy by hand`
        )
      const values: Values = { name: r.name, arn: r.arn, account: r.account, region: r.region, before: r.policy, after, removed: read.public.map((g) => g.why), resource: r }
      return { values: values as unknown as Record<string, unknown>, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
    },
    render(ctx) {
      const t = ctx.target
      const v = ctx.inputs.values as unknown as Values
      const account = requireAccount(t, v.account)
      const region = requireRegion(t, v.region)
      const header = headerLines(ctx)
      const saved = '"$ROLLBACK_DIR/policy.before.json"'
      // documents compare as canonical JSON (key order and spacing are the service's); "" is no policy
      const norm = `norm() { local s; s="$(cat)"; if [ -n "$s" ]; then printf '%s' "$s" | jq -cS .; fi; }`
      const fns = [
        norm,
        `live() { ${cli.get(v.resource, region)}; }`,
        `live_norm() { live | norm; }`,
        `put() { POLICY="$1"; ${cli.set(v.resource, region)}; }`,
        `EVIDENCE=${sq(v.before)}`,
        `AFTER=${sq(v.after)}`
      ]
      const fix = bashScript({
        title: `Fix: remove the public statements of the ${cli.noun} ${v.name}'s policy`,
        lines: [...header, ...v.removed.map((w) => `Removes ${w}.`), 'Every other statement stays. Callers the removed statements let in are refused from then on.'],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: fns,
        steps: [
          {
            title: 'save the policy (rollback capture)',
            check: `[ -e ${saved} ]`,
            already: 'the policy was saved by an earlier run',
            apply: [`live > ${saved}`]
          },
          {
            title: 'put the policy without the public statements',
            check: `[ "$(live_norm)" = "$(printf '%s' "$AFTER" | norm)" ]`,
            already: 'the policy has no public statement',
            apply: [
              `[ "$(norm < ${saved})" = "$(printf '%s' "$EVIDENCE" | norm)" ] || fail "the policy of ${v.name} is not the one the evidence shows (it changed since): investigate again; nothing was changed"`,
              'put "$AFTER"'
            ],
            verify: `[ "$(live_norm)" = "$(printf '%s' "$AFTER" | norm)" ]`
          }
        ],
        done: `${v.name} no longer grants to anyone`
      })
      const rollback = bashScript({
        title: `Rollback: put the ${cli.noun} ${v.name}'s policy back as it was`,
        lines: [...header, 'Puts back the policy the fix saved, exactly.'],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: fns,
        steps: [
          {
            title: 'put the saved policy back',
            check: `{ [ -e ${saved} ] || fail "no saved policy in $ROLLBACK_DIR: the fix did not run here"; } && [ "$(live_norm)" = "$(norm < ${saved})" ]`,
            already: 'the policy is as it was before the fix',
            apply: [`put "$(cat ${saved})"`],
            verify: `[ "$(live_norm)" = "$(norm < ${saved})" ]`
          }
        ],
        done: `the policy of ${v.name} is back as it was`
      })
      return {
        artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `remove ${v.removed.length} public statement(s) from ${v.name}'s policy`, fix)],
        rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put ${v.name}'s policy back as it was`, rollback)],
        preconditions: ['AWS CLI v2 and jq on PATH', `credentials for account ${account} allowed ${cli.actions.join(', ')} on ${v.arn}`],
        validation: validationText(t),
        notes: ['callers another statement names (an account, a service with its source) keep access; grant a partner by its account id or role ARN rather than to everyone']
      }
    }
  }
}
