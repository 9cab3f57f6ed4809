// The fix of the controls whose resource keeps its policy as one document (SQS queue and SNS topic
// policies, KMS key policies): put the policy without the statements that grant to anyone, every
// other statement kept as it is (main/semantics/iam-policy.ts policyWithout). The script saves the
// live policy first, refuses to change a policy that is not the one the evidence shows (the fix was
// computed from it), and the rollback puts the saved document back exactly.
import type { FixContext, FixRenderer, FixTarget, RenderedFix } from './fix'
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
      const v = ctx.inputs.values as unknown as Values
      const region = requireRegion(ctx.target, v.region)
      return policyDocumentScripts(ctx, {
        name: v.name,
        arn: v.arn,
        account: v.account,
        noun: cli.noun,
        get: cli.get(v.resource, region),
        set: cli.set(v.resource, region),
        before: v.before,
        after: v.after,
        actions: cli.actions,
        fixTitle: `remove the public statements of the ${cli.noun} ${v.name}'s policy`,
        lines: [...v.removed.map((w) => `Removes ${w}.`), 'Every other statement stays. Callers the removed statements let in are refused from then on.'],
        change: 'put the policy without the public statements',
        already: 'the policy has no public statement',
        done: `${v.name} no longer grants to anyone`,
        description: `remove ${v.removed.length} public statement(s) from ${v.name}'s policy`,
        notes: ['callers another statement names (an account, a service with its source) keep access; grant a partner by its account id or role ARN rather than to everyone']
      })
    }
  }
}

/** What differs between the policy-document fixes: how the live policy is read and put, and the texts. */
export interface PolicyScripts {
  name: string
  arn: string
  account: string
  /** "SQS queue", "S3 bucket" */
  noun: string
  /** bash printing the live policy document, or nothing when the resource has none */
  get: string
  /** bash putting the policy held in $POLICY ("" for none, where the service allows it) */
  set: string
  /** the policy as the evidence shows it, and the one the fix puts */
  before: string
  after: string
  /** the IAM actions the credentials need */
  actions: string[]
  /** "remove the public statements of …" */
  fixTitle: string
  /** what the fix removes and keeps, for the script's header */
  lines: string[]
  /** the title of the step that puts the new policy, and what its check means */
  change: string
  already: string
  done: string
  /** the fix artefact's description */
  description: string
  notes: string[]
}

/**
 * The fix and rollback scripts of a policy put as one document: the fix saves the live policy,
 * refuses one that is not the policy the evidence shows, and puts `after`; the rollback puts the
 * saved document back exactly.
 */
export function policyDocumentScripts(ctx: FixContext, o: PolicyScripts): RenderedFix {
  const t = ctx.target
  const account = requireAccount(t, o.account)
  const header = headerLines(ctx)
  const saved = '"$ROLLBACK_DIR/policy.before.json"'
  // documents compare as canonical JSON (key order and spacing are the service's); "" is no policy
  const norm = `norm() { local s; s="$(cat)"; if [ -n "$s" ]; then printf '%s' "$s" | jq -cS .; fi; }`
  const fns = [norm, `live() { ${o.get}; }`, `live_norm() { live | norm; }`, `put() { POLICY="$1"; ${o.set}; }`, `EVIDENCE=${sq(o.before)}`, `AFTER=${sq(o.after)}`]
  const fix = bashScript({
    title: `Fix: ${o.fixTitle}`,
    lines: [...header, ...o.lines],
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
        title: o.change,
        check: `[ "$(live_norm)" = "$(printf '%s' "$AFTER" | norm)" ]`,
        already: o.already,
        apply: [
          `[ "$(norm < ${saved})" = "$(printf '%s' "$EVIDENCE" | norm)" ] || fail "the policy of ${o.name} is not the one the evidence shows (it changed since): investigate again; nothing was changed"`,
          'put "$AFTER"'
        ],
        verify: `[ "$(live_norm)" = "$(printf '%s' "$AFTER" | norm)" ]`
      }
    ],
    done: o.done
  })
  const rollback = bashScript({
    title: `Rollback: put the ${o.noun} ${o.name}'s policy back as it was`,
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
    done: `the policy of ${o.name} is back as it was`
  })
  return {
    artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', o.description, fix)],
    rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put ${o.name}'s policy back as it was`, rollback)],
    preconditions: ['AWS CLI v2 and jq on PATH', `credentials for account ${account} allowed ${o.actions.join(', ')} on ${o.arn}`],
    validation: validationText(t),
    notes: o.notes
  }
}
