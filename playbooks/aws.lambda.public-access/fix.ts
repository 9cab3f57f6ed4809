// aws.lambda.public-access (Security Hub Lambda.1): remove the statements of the function's policy
// that grant to anyone (RemovePermission by statement id), keeping every other statement. The fix
// saves the live policy first and removes exactly the statements the evidence shows public; the
// rollback puts each back with AddPermission, built from the statement as the evidence holds it —
// only statements AddPermission can write back exactly are fixed (one action, principal "*", the
// conditions AddPermission writes: SourceArn, SourceAccount, PrincipalOrgID, FunctionUrlAuthType,
// EventSourceToken); any other is refused with why, for a person to edit.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { isEveryone, label, readResourcePolicy, type PolicyStatement } from '../../main/semantics/iam-policy'

/** A condition AddPermission writes, by its key (lower-cased): the operator it writes and the option that sets it. */
const ADD_PERMISSION_CONDITIONS: Record<string, { operator: string; option: string }> = {
  'aws:sourcearn': { operator: 'ArnLike', option: '--source-arn' },
  'aws:sourceaccount': { operator: 'StringEquals', option: '--source-account' },
  'aws:principalorgid': { operator: 'StringEquals', option: '--principal-org-id' },
  'lambda:functionurlauthtype': { operator: 'StringEquals', option: '--function-url-auth-type' },
  'lambda:eventsourcetoken': { operator: 'StringEquals', option: '--event-source-token' }
}

/** The AddPermission options that write `s` back exactly, or why none can. */
export function addPermissionArgs(s: PolicyStatement, functionArn: string): { args: string[] } | { refused: string } {
  const what = label(s)
  if (!s.sid) return { refused: `${what} has no Sid: RemovePermission removes a statement by its Sid` }
  if (s.notPrincipal || !isEveryone(s.principal)) return { refused: `${what} does not grant to Principal "*" (AddPermission could not write it back as it was)` }
  if (!s.action || s.action.length !== 1) return { refused: `${what} names ${s.action ? `${s.action.length} actions` : 'NotAction'}; AddPermission writes one action` }
  if (!s.resource || s.resource.length !== 1)
    return { refused: `${what} names ${s.resource ? `${s.resource.length} resources` : 'NotResource'}; AddPermission writes the function or one qualifier` }
  const args = ['--statement-id', s.sid, '--action', s.action[0], '--principal', '*']
  const res = s.resource[0]
  if (res !== functionArn) {
    if (!res.startsWith(`${functionArn}:`) || res.slice(functionArn.length + 1).includes(':'))
      return { refused: `${what} is on ${res}, not the function ${functionArn} or one of its versions or aliases` }
    args.push('--qualifier', res.slice(functionArn.length + 1))
  }
  for (const c of s.conditions) {
    const w = ADD_PERMISSION_CONDITIONS[c.keyLower]
    if (!w || c.operator !== w.operator || c.values.length !== 1)
      return { refused: `${what} has the condition ${c.operator} ${c.key}, which AddPermission cannot write back as it was` }
    args.push(w.option, c.values[0])
  }
  return { args }
}

interface LambdaFixValues {
  name: string
  arn: string
  account: string
  region: string
  statements: Array<{ sid: string; why: string; add: string[] }>
}

export const lambdaPublicAccessFix: Omit<FixRenderer, 'control'> = {
  summary: "remove the statements of the Lambda function's policy that grant to anyone, saving the policy for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'resource-policy.config', 'inventory/lambda-functions.json')
    const r = cfg.value
    if (r.policy === undefined)
      throw new LastmileError('conflict', `${target.finding}: the policy of ${r.name} was not collected; collect lambda-functions.json with its policies first`)
    if (r.policy === null || !(r.public ?? []).length)
      throw new LastmileError('conflict', `${target.finding}: ${r.name} grants nothing to anyone in the evidence; validate the finding instead`)
    const read = readResourcePolicy('lambda', r.policy)
    if (!read.ok) throw new LastmileError('conflict', `${target.finding}: the policy of ${r.name} cannot be read: ${read.error}`)
    const statements: LambdaFixValues['statements'] = []
    for (const g of read.public) {
      const s = read.statements[g.index]
      const a = addPermissionArgs(s, r.arn)
      if ('refused' in a) throw new LastmileError('conflict', `${target.finding}: ${a.refused}; edit the policy by hand (aws lambda get-policy / remove-permission)`)
      statements.push({ sid: s.sid!, why: g.why, add: a.args })
    }
    const values: LambdaFixValues = { name: r.name, arn: r.arn, account: r.account, region: r.region, statements }
    return { values: values as unknown as Record<string, unknown>, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as LambdaFixValues
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const fn = `--region ${sq(region)} --function-name ${sq(v.name)}`
    const before = '"$ROLLBACK_DIR/policy.before.json"'
    const fns = [
      // no policy: GetPolicy answers ResourceNotFoundException, read as a document without statements; any other error stops the script
      [
        'policy_now() {',
        `  if out="$(aws lambda get-policy ${fn} --query Policy --output text 2>&1)"; then printf '%s\n' "$out"`,
        `  elif printf '%s' "$out" | grep -q ResourceNotFoundException; then printf '%s\n' '{"Statement":[]}'`,
        '  else fail "cannot read the policy of the function: $out"; fi',
        '}'
      ].join('\n'),
      `has_sid() { local p; p="$(policy_now)" || exit 1; printf '%s' "$p" | jq -e --arg s "$1" 'any(.Statement[]; .Sid == $s)' >/dev/null; }`,
      `saved_sid() { jq -e --arg s "$1" 'any(.Statement[]; .Sid == $s)' ${before} >/dev/null; }`
    ]
    const fix = bashScript({
      title: `Fix: remove the public statements of the Lambda function ${v.name}'s policy`,
      lines: [
        ...header,
        ...v.statements.map((s) => `Removes ${s.why}.`),
        'Every other statement of the policy stays. Callers the removed statements let in (anyone, any account) are refused from then on.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the function policy (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'the policy was saved by an earlier run',
          apply: [`policy_now > ${before}`]
        },
        ...v.statements.map((s) => ({
          title: `remove statement ${s.sid}`,
          check: `! has_sid ${sq(s.sid)}`,
          already: `statement ${s.sid} is not in the policy`,
          apply: [`aws lambda remove-permission ${fn} --statement-id ${sq(s.sid)}${qualifierOf(s.add)} --output json >/dev/null`],
          verify: `! has_sid ${sq(s.sid)}`
        }))
      ],
      done: `${v.name} no longer grants to anyone`
    })
    const rollback = bashScript({
      title: `Rollback: put the public statements of the Lambda function ${v.name}'s policy back, as they were`,
      lines: [...header, 'Only the statements the fix removed, and only when the fix saved the policy here.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: v.statements.map((s) => ({
        title: `put statement ${s.sid} back`,
        check: `{ [ -e ${before} ] || fail "no saved policy in $ROLLBACK_DIR: the fix did not run here"; } && { ! saved_sid ${sq(s.sid)} || has_sid ${sq(s.sid)}; }`,
        already: `statement ${s.sid} is in the policy (or was not there before the fix)`,
        apply: [`aws lambda add-permission ${fn} ${s.add.map(sq).join(' ')} --output json >/dev/null`],
        verify: `has_sid ${sq(s.sid)}`
      })),
      done: `the policy of ${v.name} is back as it was`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `remove ${v.statements.length} public statement(s) from ${v.name}'s policy`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the public statements of ${v.name}'s policy back`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed lambda:GetPolicy, lambda:RemovePermission (and for the rollback lambda:AddPermission) on ${v.arn}`
      ],
      validation: validationText(t),
      notes: [
        'a caller another statement names (an account, a service with its source) keeps access; grant a partner account by its id (aws lambda add-permission --principal <account>) rather than to everyone',
        'callers of the same account keep working through their own IAM permissions'
      ]
    }
  }
}

function qualifierOf(args: readonly string[]): string {
  const i = args.indexOf('--qualifier')
  return i >= 0 ? ` --qualifier ${sq(args[i + 1])}` : ''
}
