// `lastmile controls`: the control catalogue — every control a tool's rule maps to (one finding per
// control and resource, whichever tools report it), with every rule id it covers and what Lastmile
// has for it: an evaluator, a playbook, a fix, guardrails; and what its fix does to the running
// system (additive, restrictive, replacing), which decides how a finding without a playbook of its
// own is investigated.
import { loadControls } from '../../controls/catalogue'
import { controlCode } from '../../controls/registry'
import { loadPlaybooks } from '../../investigate/loader'
import { emit, type Command } from '../command'
import { table } from '../table'

export const controls: Command = {
  name: 'controls',
  usage: 'controls [--json]',
  summary:
    "the control catalogue: each control's title, resource type, what its fix does (additive, restrictive, replacing), every tool rule id it covers, and whether Lastmile evaluates, investigates, fixes and guards it",
  args: {},
  run(ctx) {
    const playbooks = loadPlaybooks()
    const list = loadControls().controls.map((c) => {
      const code = controlCode(c.id)
      const pb = playbooks.forControl(c.id)
      return {
        id: c.id,
        title: c.title,
        resourceType: c.resourceType,
        effect: c.effect,
        effectBy: c.effectBy,
        rules: c.rules,
        match: c.match,
        evaluator: !!code?.evaluate,
        playbook: pb?.id ?? null,
        fix: !!code?.fix || !!pb?.def.fix.length,
        guardrails: !!code?.guardrails || !!code?.sharedGuardrail || !!pb?.def.guardrails.length
      }
    })
    emit(ctx, list, () =>
      [
        table(
          ['CONTROL', 'TITLE', 'RESOURCE TYPE', 'FIX IS', 'RULES', 'LASTMILE HAS'],
          list.map((c) => [
            c.id,
            c.title,
            c.resourceType ?? '-',
            c.effect,
            [
              ...Object.entries(c.rules).map(([tool, ids]) => `${tool}: ${ids.join(' ')}`),
              ...c.match.map((m) => `${m.tool ?? 'any tool'}: every ${m.kind}${m.resourceType ? ` on ${m.resourceType}` : ''}`)
            ].join('; '),
            [c.evaluator && 'evaluator', c.playbook ? 'playbook' : `generic ${c.effect} investigation`, c.fix && 'fix', c.guardrails && 'guardrails'].filter(Boolean).join(', ')
          ]),
          80
        ),
        `${list.length} controls; a tool rule mapped to none becomes its own control, <tool>.<rule id>`
      ].join('\n')
    )
    return 0
  }
}
