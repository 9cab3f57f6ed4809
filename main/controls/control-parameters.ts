// The parameters a tool evaluated a control with, as the finding's own alerts carry them. Security
// Hub writes a control's current parameter values into each finding it generates
// (ASFF Compliance.SecurityControlParameters: [{"Name": "authorizedTcpPorts", "Value": ["80","443"]}],
// AWS Security Hub User Guide, "Custom control parameters"), so a case investigates, fixes and guards a
// resource against the parameters the account really uses, not the control's defaults. Other tools'
// records carry none: the control's default then applies, and the steps say so.

/** A finding's alert as the parameters are read from it: its public id and the record as the tool wrote it. */
export interface ParameterSource {
  id: string
  raw: string
}

export type ControlParameters = { state: 'given'; values: Record<string, string[]>; alerts: string[] } | { state: 'none' } | { state: 'conflict'; why: string }

function parametersOfRecord(raw: string): Record<string, string[]> | null {
  let doc: unknown
  try {
    doc = JSON.parse(raw)
  } catch {
    return null
  }
  const list = (doc as { Compliance?: { SecurityControlParameters?: unknown } } | null)?.Compliance?.SecurityControlParameters
  if (!Array.isArray(list)) return null
  const out: Record<string, string[]> = {}
  for (const p of list as Array<{ Name?: unknown; Value?: unknown }>) {
    if (typeof p?.Name !== 'string') continue
    const v = Array.isArray(p.Value) ? p.Value : p.Value === undefined ? [] : [p.Value]
    out[p.Name] = v.map((x) => String(x).trim()).filter(Boolean)
  }
  return out
}

/** The parameters the finding's alerts carry; 'conflict' when two alerts give one parameter different values. */
export function controlParametersOf(alerts: readonly ParameterSource[]): ControlParameters {
  const values: Record<string, string[]> = {}
  const from: Record<string, string> = {}
  const carrying: string[] = []
  for (const a of alerts) {
    const p = parametersOfRecord(a.raw)
    if (!p) continue
    carrying.push(a.id)
    for (const [name, v] of Object.entries(p)) {
      const key = [...v].sort().join(',')
      if (name in values && [...values[name]].sort().join(',') !== key)
        return {
          state: 'conflict',
          why: `the alerts give ${name} different values: ${values[name].join(',') || '(none)'} (${from[name]}) and ${v.join(',') || '(none)'} (${a.id})`
        }
      values[name] = v
      from[name] = a.id
    }
  }
  return carrying.length ? { state: 'given', values, alerts: carrying } : { state: 'none' }
}
