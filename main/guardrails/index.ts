// Stage 5, prevent: guardrails so a fixed problem cannot come back — per control, as files ready
// to apply, bundled for an initiative or a whole case, each saying what it prevents, what it would
// break, and which resources it leaves alone (those whose fix is UNSAFE, or whose risk a person
// accepted).
import type { GuardrailBundle, GuardrailView } from '../../shared/remediation'
import type { PolicyRenderer } from '../controls/control'
import { policyJson } from '../controls/guardrail-aws'
import { CONTROL_CODE, codeFor } from '../controls/registry'
import { isLastmileError } from '../errors'
import { breakGlassRolesOf, DEFAULT_EXCEPTION_TAG, type GuardrailException, type GuardrailFinding, type GuardrailOptions } from '../controls/guardrail'

export type { GuardrailFinding, GuardrailOptions } from '../controls/guardrail'
export { DEFAULT_BREAK_GLASS_ROLE, DEFAULT_EXCEPTION_TAG } from '../controls/guardrail'

/** Controls guarded by one shared policy: the exceptions of each belong in it. */
const GUARDED_TOGETHER: ReadonlyArray<readonly string[]> = [...new Set(CONTROL_CODE.flatMap((m) => (m.sharedGuardrail ? [m.sharedGuardrail.key] : [])))].map((key) =>
  CONTROL_CODE.filter((m) => m.sharedGuardrail?.key === key).map((m) => m.id)
)

/**
 * The controls whose findings a guardrail for `controls` must see: those controls and every
 * control that shares a policy with one of them (else an exception of the other is lost).
 */
export function guardrailScope(controls: readonly string[]): string[] {
  const out = new Set(controls)
  for (const group of GUARDED_TOGETHER) if (group.some((c) => out.has(c))) for (const c of group) out.add(c)
  return [...out].sort()
}

/** Controls with guardrails (container images have none that an SCP or policy could enforce). */
export const GUARDRAIL_CONTROLS: readonly string[] = [...CONTROL_CODE.filter((m) => m.guardrails || m.sharedGuardrail).map((m) => m.id)]

/**
 * A control's guardrails rendered with its exceptions; when the Organizations policies cannot hold
 * them (too long), the others alone, and a note saying why there is no preventive policy.
 */
function withPolicyFallback(control: string, render: (policy: PolicyRenderer) => GuardrailView[], notes: string[]): GuardrailView[] {
  try {
    return render(policyJson)
  } catch (e) {
    if (!isLastmileError(e)) throw e
    notes.push(`${control}: no preventive policy: ${e.message}`)
    return render(() => '').filter((g) => g.content !== '')
  }
}

/** The note for a control with no guardrail in its code, unless guardrails from elsewhere (`more`) guard it. */
function noGuardrailNote(control: string): string {
  return `${control}: no guardrail is known for this control`
}

/** Which findings must keep working under a guardrail, and why. */
export function exceptionsOf(findings: readonly GuardrailFinding[]): GuardrailException[] {
  const out: GuardrailException[] = []
  for (const f of findings) {
    const why =
      f.verdict === 'UNSAFE'
        ? 'UNSAFE to change: the evidence shows the fix would break something in use'
        : f.decision === 'risk-accepted'
          ? 'risk accepted by a person'
          : f.decision === 'suppressed'
            ? 'suppressed by a person'
            : null
    if (why) out.push({ finding: f.id, resourceId: f.resourceId, account: f.account, region: f.region, why })
  }
  return out
}

/**
 * The guardrails for the controls of `findings` (or only `opts.controls` of them), with the
 * exceptions of every finding given: pass the findings of guardrailScope(controls).
 */
export function buildGuardrails(
  scope: string,
  findings: readonly GuardrailFinding[],
  opts: GuardrailOptions & {
    controls?: readonly string[]
    /**
     * guardrails rendered elsewhere (a playbook's templates, by the workflow), given the ones
     * rendered here: added to the bundle and its README, with notes of their own
     */
    more?: (mine: readonly GuardrailView[]) => { guardrails: GuardrailView[]; notes: string[] }
  } = {}
): GuardrailBundle {
  const controls = [...new Set(opts.controls ?? findings.map((f) => f.control))].sort()
  const notes: string[] = []
  const guardrails: GuardrailView[] = []
  const tag = opts.exceptionTag ?? DEFAULT_EXCEPTION_TAG
  const guardOpts = { breakGlassRoles: opts.breakGlassRoles, exceptionTag: tag }
  const sharedDone = new Set<string>()
  const foldersDone = new Set<string>()
  for (const control of controls) {
    const mine = findings.filter((f) => f.control === control)
    const exceptions = exceptionsOf(mine)
    const code = codeFor(control)
    const subscriptions = [...new Set(mine.map((f) => f.account).filter((a): a is string => !!a))]
    const shared = code?.sharedGuardrail
    if (shared && !sharedDone.has(shared.key)) {
      sharedDone.add(shared.key)
      const group = controls.filter((c) => codeFor(c)?.sharedGuardrail?.key === shared.key)
      // the exceptions of every control sharing the policy, asked for or not: one the policy
      // leaves out would be refused by it (the findings given are guardrailScope's)
      const sharing = GUARDED_TOGETHER.find((g) => g.includes(control)) ?? group
      const groupExceptions = exceptionsOf(findings.filter((f) => sharing.includes(f.control)))
      try {
        guardrails.push(shared.render({ control, exceptions: groupExceptions, opts: guardOpts, policy: policyJson, subscriptions, controls: group }))
      } catch (e) {
        if (!isLastmileError(e)) throw e
        notes.push(`${group.join(', ')}: no preventive policy: ${e.message}`)
      }
    }
    if (code?.guardrails && code.answersServedControls && code.id !== control) {
      // a folder whose guardrails answer the controls it serves: one set for all of them, in the folder's name
      if (foldersDone.has(code.id)) continue
      foldersDone.add(code.id)
      const covers = controls.filter((c) => codeFor(c) === code)
      const render = code.guardrails.bind(code)
      const all = exceptionsOf(findings.filter((f) => covers.includes(f.control)))
      const views = withPolicyFallback(code.id, (policy) => render({ control: code.id, exceptions: all, opts: guardOpts, policy, subscriptions }), notes)
      guardrails.push(...views.map((g) => ({ ...g, covers })))
      continue
    }
    if (code?.guardrails) {
      const render = code.guardrails.bind(code)
      guardrails.push(...withPolicyFallback(control, (policy) => render({ control, exceptions, opts: guardOpts, policy, subscriptions }), notes))
    }
    if (!code?.guardrails && !code?.sharedGuardrail) notes.push(noGuardrailNote(control))
  }
  const more = opts.more?.(guardrails) ?? { guardrails: [], notes: [] }
  guardrails.push(...more.guardrails)
  // a control guarded by a playbook's templates is not one with "no guardrail"
  const elsewhere = new Set(more.guardrails.map((g) => noGuardrailNote(g.control)))
  const all = [...notes.filter((n) => !elsewhere.has(n)), ...more.notes]
  const readme = guardrailReadme(scope, guardrails, all, tag, breakGlassRolesOf(opts))
  return { scope, controls, guardrails, readme, notes: all }
}

function guardrailReadme(scope: string, guardrails: GuardrailView[], notes: string[], tag: { key: string; value: string }, breakGlass: string[]): string {
  const lines = [
    `# Guardrails for ${scope}`,
    '',
    'Generated by Lastmile from the case. Each file below prevents one problem from coming back. Review what it would',
    'break before applying it; resources whose fix was UNSAFE, or whose risk a person accepted, are excepted.',
    '',
    '## How to apply',
    '',
    '- `*.scp.json`: `aws organizations create-policy --type SERVICE_CONTROL_POLICY --name NAME --content file://FILE`, then',
    '  `aws organizations attach-policy` to an OU or account (mind the quota of 5 SCPs per target: statements may be combined).',
    '- `*.rcp.json`: the same with `--type RESOURCE_CONTROL_POLICY` (RCPs must be enabled in the organization).',
    '- `*.config-rules.cfn.yaml`: `aws cloudformation deploy --template-file FILE --stack-name NAME` in each account and Region',
    '  (or a StackSet); AWS Config must be recording there.',
    '- `*.policy-assignments.json`: `az deployment sub create --location LOCATION --template-file FILE`; run the `.sh` beside it',
    '  for the exemptions.',
    '- Any other `*.sh`: run it with the AWS CLI (or Azure CLI) signed in to the account (or subscription) it names; it refuses',
    '  any other. Its header says whether it checks what is in place first (a playbook template runs as written).',
    `- Where a service evaluates resource tags (EC2), the tag \`${tag.key}=${tag.value}\` marks further agreed exceptions.`,
    `- Every SCP exempts the break-glass role ${breakGlass.map((r) => `\`${r}\``).join(', ')}: create it (with a trust policy for the people who`,
    '  answer incidents) before attaching an SCP. Rollbacks that put an insecure value back are refused to everyone else.',
    ''
  ]
  for (const g of guardrails) {
    lines.push(
      `## ${g.name}`,
      '',
      `Control: ${(g.covers ?? [g.control]).map((c) => `\`${c}\``).join(', ')} — ${g.kind}`,
      '',
      `**Prevents:** ${g.prevents}`,
      '',
      '**Would break:**',
      ...g.wouldBreak.map((w) => `- ${w}`),
      ''
    )
    if (g.exceptions.length) lines.push('**Excepted:**', ...g.exceptions.map((e) => `- \`${e}\``), '')
  }
  if (notes.length) lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), '')
  return lines.join('\n')
}
