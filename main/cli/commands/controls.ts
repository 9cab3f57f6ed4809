// `lastmile controls`: the control catalogue — every control a tool's rule maps to (one finding per
// control and resource, whichever tools report it), with every rule id it covers and what Lastmile
// has for it: an evaluator, a playbook, a fix, guardrails; and what its fix does to the running
// system (additive, restrictive, replacing), which decides how a finding without a playbook of its
// own is investigated.
import { loadControls } from '../../controls/catalogue'
import { controlCode } from '../../controls/registry'
import { loadPlaybooks } from '../../investigate/loader'
import { value } from '../args'
import { emit, type Command } from '../command'
import { table } from '../table'

export const controls: Command = {
  name: 'controls',
  usage: 'controls [--tool TOOL] [--find TEXT] [--json]',
  summary:
    "the control catalogue: each control's title, resource type, what its fix does (additive, restrictive, replacing), every tool rule id it covers, and whether Lastmile evaluates, investigates, fixes and guards it. --tool: only controls a rule of that tool maps to; --find: the control a rule id or control id names (which control does RDS.2 land on?), else those whose id, title or a rule id contains the text",
  args: { values: ['--tool', '--find'] },
  run(ctx) {
    const playbooks = loadPlaybooks()
    const tool = value(ctx.args, '--tool')?.toLowerCase()
    const find = value(ctx.args, '--find')?.toLowerCase()
    const all = loadControls().controls
    const ofTool = all.filter((c) => !tool || (c.rules[tool]?.length ?? 0) > 0 || c.match.some((m) => !m.tool || m.tool === tool))
    // a rule id or control id given whole finds its control (RDS.2 is not RDS.20); anything else searches ids and titles
    const exact = find ? ofTool.filter((c) => [c.id, ...Object.values(c.rules).flat()].some((s) => s.toLowerCase() === find)) : ofTool
    const chosen = !find || exact.length > 0 ? exact : ofTool.filter((c) => [c.id, c.title, ...Object.values(c.rules).flat()].some((s) => s.toLowerCase().includes(find)))
    const list = chosen.map((c) => {
      const code = controlCode(c.id)
      const pb = playbooks.forControl(c.id)
      return {
        id: c.id,
        title: c.title,
        resourceType: c.resourceType,
        severity: c.severity,
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
        `${list.length === all.length ? `${list.length} controls` : `${list.length} of ${all.length} controls`}; a tool rule mapped to none becomes its own control, <tool>.<rule id>`
      ].join('\n')
    )
    return 0
  }
}
