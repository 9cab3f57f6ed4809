// Terraform state in an evidence bundle (docs/evidence-bundle.md, iac/terraform-state/<name>.json):
// what a Terraform configuration has deployed, by resource address. Two shapes are read, both as
// Terraform writes them:
// - `terraform show -json` (format_version "1.x"): values.root_module.resources[] with address,
//   mode, type, name, index and values, and child_modules[] (each with its own resources and
//   child_modules) for the resources of modules;
// - the raw state file (`terraform state pull`, terraform.tfstate, version 4): resources[] with
//   module, mode, type and name, and instances[] with index_key and attributes.
// Both become one flat list of resource instances with their full address
// (module.app.aws_instance.web[0]), which is how an IaC finding's address is matched to the
// deployed resource (main/controls/iac-twin.ts). A plan (`terraform show -json PLANFILE`) is not a
// state and is refused, as is any other version of the raw format.
import { z } from 'zod'
import { parseJson } from './json-text'

type Values = Record<string, unknown>

/** One deployed resource instance of a state. */
export interface StateResource {
  /** the full address: module.x.aws_instance.web[0], module.x["a"].data.aws_ami.y */
  address: string
  mode: 'managed' | 'data'
  type: string
  name: string
  /** the module path (module.x, module.x["a"].module.y), null at the root */
  module: string | null
  /** count / for_each key; null when the resource has neither */
  index: number | string | null
  /** the attributes Terraform recorded for it (id, arn, …) */
  values: Values
}

export interface TerraformState {
  shape: 'show-json' | 'tfstate-v4'
  terraformVersion: string | null
  resources: StateResource[]
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string }

const index = z.union([z.number(), z.string()])

const ShowResource = z
  .object({
    address: z.string(),
    mode: z.enum(['managed', 'data']),
    type: z.string(),
    name: z.string(),
    index: index.optional(),
    values: z.record(z.string(), z.unknown()).nullish()
  })
  .passthrough()

interface ShowModule {
  address?: string
  resources?: Array<z.infer<typeof ShowResource>>
  child_modules?: ShowModule[]
}

const ShowModuleSchema: z.ZodType<ShowModule> = z.lazy(() =>
  z
    .object({
      address: z.string().optional(),
      resources: z.array(ShowResource).optional(),
      child_modules: z.array(ShowModuleSchema).optional()
    })
    .passthrough()
)

const ShowJson = z
  .object({
    format_version: z.string().regex(/^1\.\d+$/, 'a format_version 1.x'),
    terraform_version: z.string().optional(),
    values: z.object({ root_module: ShowModuleSchema }).passthrough().optional()
  })
  .passthrough()

const RawV4 = z
  .object({
    version: z.literal(4),
    terraform_version: z.string().optional(),
    resources: z
      .array(
        z
          .object({
            module: z.string().optional(),
            mode: z.enum(['managed', 'data']),
            type: z.string(),
            name: z.string(),
            instances: z.array(z.object({ index_key: index.optional(), attributes: z.record(z.string(), z.unknown()).nullish() }).passthrough())
          })
          .passthrough()
      )
      .default([])
  })
  .passthrough()

/** The address of one instance, as Terraform writes it: [module.]([data.])type.name([index]). */
export function stateAddress(module: string | null, mode: 'managed' | 'data', type: string, name: string, idx: number | string | null): string {
  const key = idx === null ? '' : typeof idx === 'number' ? `[${idx}]` : `[${JSON.stringify(idx)}]`
  return `${module ? `${module}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}${key}`
}

function moduleOf(address: string, mode: 'managed' | 'data', type: string): string | null {
  const own = `${mode === 'data' ? 'data.' : ''}${type}.`
  const at = address.lastIndexOf(own)
  return at > 0 ? address.slice(0, at - 1) : null
}

function fromShow(root: ShowModule): StateResource[] {
  const out: StateResource[] = []
  const walk = (m: ShowModule): void => {
    for (const r of m.resources ?? []) {
      out.push({ address: r.address, mode: r.mode, type: r.type, name: r.name, module: moduleOf(r.address, r.mode, r.type), index: r.index ?? null, values: r.values ?? {} })
    }
    for (const c of m.child_modules ?? []) walk(c)
  }
  walk(root)
  return out
}

function issueText(e: z.ZodError): string {
  const i = e.issues[0]
  return `${i.path.map(String).join('.') || '(top)'}: ${i.message}`
}

/** Read a Terraform state (either shape); `path` names the file in every error. */
export function parseTerraformState(text: string, path: string): Parsed<TerraformState> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const v = j.value
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, why: `${path}: not a Terraform state (a JSON object is expected)` }
  const o = v as Record<string, unknown>
  if ('format_version' in o) {
    if ('planned_values' in o || 'resource_changes' in o)
      return { ok: false, why: `${path}: a Terraform plan, not a state: write the state with \`terraform show -json\` (no plan file) or \`terraform state pull\`` }
    const r = ShowJson.safeParse(o)
    if (!r.success) return { ok: false, why: `${path}: ${issueText(r.error)} (not the output of \`terraform show -json\`)` }
    return { ok: true, value: { shape: 'show-json', terraformVersion: r.data.terraform_version ?? null, resources: r.data.values ? fromShow(r.data.values.root_module) : [] } }
  }
  if ('version' in o) {
    if (o.version !== 4)
      return {
        ok: false,
        why: `${path}: version: a raw Terraform state of version ${String(o.version)}; Lastmile reads version 4 (Terraform 0.12 and later) or \`terraform show -json\``
      }
    const r = RawV4.safeParse(o)
    if (!r.success) return { ok: false, why: `${path}: ${issueText(r.error)} (not a Terraform state file, version 4)` }
    const resources: StateResource[] = []
    for (const res of r.data.resources) {
      for (const inst of res.instances) {
        const idx = inst.index_key ?? null
        resources.push({
          address: stateAddress(res.module ?? null, res.mode, res.type, res.name, idx),
          mode: res.mode,
          type: res.type,
          name: res.name,
          module: res.module ?? null,
          index: idx,
          values: inst.attributes ?? {}
        })
      }
    }
    return { ok: true, value: { shape: 'tfstate-v4', terraformVersion: r.data.terraform_version ?? null, resources } }
  }
  return { ok: false, why: `${path}: not a Terraform state: neither format_version (\`terraform show -json\`) nor version (a state file) is set` }
}

/** An address without its module path and instance keys: aws_instance.web (data.aws_ami.x for data sources). */
export function localAddress(address: string): string {
  // module.a["k"].module.b.aws_instance.web[0] → aws_instance.web
  let s = address
  for (;;) {
    const m = /^module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\./.exec(s)
    if (!m) break
    s = s.slice(m[0].length)
  }
  return s.replace(/\[[^\]]*\]$/, '')
}
