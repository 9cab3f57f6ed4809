// A control as people see it on a finding's page: the catalogue's row with every tool rule id it
// covers, or what a per-tool fallback control (`<tool>.<rule id>`) is made of.
import type { ControlView } from '../../shared/ingest'
import { loadControls, type ControlTable } from './catalogue'
import { codeFor } from './registry'

/** The control `id` as the catalogue has it; an id it does not list is a per-tool control. */
export function controlView(id: string, table: ControlTable = loadControls()): ControlView {
  const row = table.row(id)
  if (!row) {
    // a rule the catalogue does not map became `<tool>.<rule id>` (tool names have no dot)
    const dot = id.indexOf('.')
    const tool = dot > 0 ? id.slice(0, dot) : ''
    return {
      id,
      title: null,
      catalogued: false,
      resourceType: null,
      rules: table.tools.has(tool) && dot < id.length - 1 ? { [tool]: [id.slice(dot + 1)] } : {},
      match: [],
      ...effectOf(id, table),
      fix: false
    }
  }
  const view: ControlView = {
    id: row.id,
    title: row.title,
    catalogued: true,
    resourceType: row.resourceType,
    rules: row.rules,
    match: row.match,
    effect: row.effect,
    effectBy: row.effectBy,
    fix: hasFix(row.id)
  }
  // what the catalogue's tables give beyond the rules, when they give it
  if (row.severity) view.severity = row.severity
  if (Object.keys(row.frameworks).length) view.frameworks = row.frameworks
  if (row.source.length) view.source = row.source
  if (row.why) view.why = row.why
  return view
}

function effectOf(id: string, table: ControlTable): Pick<ControlView, 'effect' | 'effectBy'> {
  const e = table.effect(id)
  return { effect: e.effect, effectBy: e.by }
}

/** A fix is rendered by the control's own code (playbooks/<id>/control.ts), when it has one. */
function hasFix(id: string): boolean {
  return !!codeFor(id)?.fix
}
