// `evidence collect --terraform-state FILE`: a Terraform state the user has (`terraform show -json
// > prod.json`, or the raw state `terraform state pull > prod.tfstate`) copied into the bundle as
// iac/terraform-state/<name>.json (docs/evidence-bundle.md), so IaC findings can be judged on their
// deployed twins. Read-only: the file is read, never the backend. Checked before anything is
// collected (a bad file stops the run with its name and the reason, nothing written), and copied
// with every value Terraform marks sensitive replaced by null — `sensitive_values` of `terraform
// show -json`, `sensitive_attributes` of the raw state — so a database password does not travel
// with the case. Nothing the investigation reads (ids, ARNs, settings) is sensitive.
import { basename } from 'node:path'
import { LastmileError } from '../errors'
import { readRegularFile } from '../services/input-files'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { decodeText } from '../semantics/json-text'
import { parseTerraformState } from '../semantics/terraform-state'
import type { BundleWriter } from './bundle-writer'

export interface TerraformStateCopy {
  /** the bundle path it is written to */
  path: string
  /** the state as written: the file's JSON with its sensitive values null */
  json: unknown
  resources: number
  /** how many sensitive values were replaced */
  redacted: number
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** `values` with every leaf `sensitive` marks true replaced by null (sensitive_values mirrors values). */
function redactByMirror(values: Json, sensitive: Json | undefined, count: { n: number }): Json {
  if (sensitive === true) {
    if (values !== null) count.n++
    return null
  }
  if (Array.isArray(values) && Array.isArray(sensitive)) return values.map((v, i) => redactByMirror(v, sensitive[i], count))
  if (values && typeof values === 'object' && !Array.isArray(values) && sensitive && typeof sensitive === 'object' && !Array.isArray(sensitive)) {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, redactByMirror(v, sensitive[k], count)]))
  }
  return values
}

/** Replace the value at a raw state's sensitive attribute path ([{type:"get_attr",value:"password"}, {type:"index",value:{value:0}}]) by null. */
function redactPath(attrs: { [k: string]: Json }, path: Json, count: { n: number }): void {
  if (!Array.isArray(path) || !path.length) return
  let node: Json = attrs
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as { type?: string; value?: Json }
    const key: string | number | null =
      step?.type === 'get_attr' && typeof step.value === 'string'
        ? step.value
        : step?.type === 'index' && step.value && typeof step.value === 'object' && !Array.isArray(step.value)
          ? ((step.value as { value?: Json }).value as string | number)
          : null
    if (key === null || node === null || typeof node !== 'object') return
    const container = node as Record<string | number, Json>
    if (i === path.length - 1) {
      if (key in container && container[key] !== null) {
        container[key] = null
        count.n++
      }
      return
    }
    node = container[key] ?? null
  }
}

function redact(doc: Json, count: { n: number }): Json {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc
  const copy = JSON.parse(JSON.stringify(doc)) as { [k: string]: Json }
  if ('format_version' in copy) {
    const walk = (m: Json): void => {
      if (!m || typeof m !== 'object' || Array.isArray(m)) return
      for (const r of (m.resources as Json[] | undefined) ?? []) {
        if (r && typeof r === 'object' && !Array.isArray(r) && r.values !== undefined) r.values = redactByMirror(r.values, r.sensitive_values, count)
      }
      for (const c of (m.child_modules as Json[] | undefined) ?? []) walk(c)
    }
    walk(((copy.values as { [k: string]: Json } | null)?.root_module as Json) ?? null)
    return copy
  }
  for (const r of (copy.resources as Json[] | undefined) ?? []) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) continue
    for (const inst of (r.instances as Json[] | undefined) ?? []) {
      if (!inst || typeof inst !== 'object' || Array.isArray(inst) || !inst.attributes || typeof inst.attributes !== 'object' || Array.isArray(inst.attributes)) continue
      for (const p of (inst.sensitive_attributes as Json[] | undefined) ?? []) redactPath(inst.attributes, p, count)
    }
  }
  return copy
}

/** Read, check and redact the states given with --terraform-state; a bad or clashing file is refused naming it. */
export function readTerraformStates(files: readonly string[]): TerraformStateCopy[] {
  const out: TerraformStateCopy[] = []
  for (const file of files) {
    const text = decodeText(readRegularFile(file, file, 'a Terraform state', DEFAULT_LIMITS.maxDocumentBytes))
    const r = parseTerraformState(text, file)
    if (!r.ok) throw new LastmileError('bad-input', `--terraform-state ${r.why}`)
    const name = basename(file)
      .replace(/\.(json|tfstate)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
    const path = `iac/terraform-state/${name || 'state'}.json`
    const other = out.find((x) => x.path === path)
    if (other) throw new LastmileError('bad-input', `--terraform-state ${file}: another state is already written as ${path}; give the files different names`)
    const count = { n: 0 }
    out.push({ path, json: redact(JSON.parse(text) as Json, count), resources: r.value.resources.length, redacted: count.n })
  }
  return out
}

export function writeTerraformStates(w: Pick<BundleWriter, 'writeJson'>, states: readonly TerraformStateCopy[] | undefined): void {
  for (const s of states ?? []) w.writeJson(s.path, s.json)
}
