// A control as people see it on a finding's page: the catalogue's row with every tool rule id it
// covers, or what a per-tool fallback control (`<tool>.<rule id>`) is made of.
import type { ControlView } from '../../shared/ingest'
import type { Severity } from '../../shared/model'
import { loadControls, type ControlTable } from './catalogue'

/** What a catalogue row may carry beyond id, title, resource type and rules, when its tables give it. */
interface RowExtras {
  severity?: Severity | null
  frameworks?: Record<string, string[]>
  source?: string[] | string
  why?: string | null
}

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
      match: []
    }
  }
  const extra = row as typeof row & RowExtras
  const view: ControlView = { id: row.id, title: row.title, catalogued: true, resourceType: row.resourceType, rules: row.rules, match: row.match }
  if (extra.severity) view.severity = extra.severity
  if (extra.frameworks && Object.keys(extra.frameworks).length) view.frameworks = extra.frameworks
  const source = typeof extra.source === 'string' ? [extra.source] : extra.source
  if (source?.length) view.source = source
  if (extra.why) view.why = extra.why
  return view
}
