// IaC findings investigated through their deployed twin. A Checkov, tfsec, Trivy or KICS finding on
// Terraform code (resource `<file>#<address>`, type `iac.<terraform type>`) asks the same question
// as the live finding of its control, about the resource the next `terraform apply` of that code
// changes. A control folder that answers the question for the deployed resource says so in its
// control.ts, in a few lines:
//
//   iac: iacTwin({ aws_instance: { resourceType: 'aws.ec2.instance', deployed: arnOf, change: () => ({ … }) } })
//
// and then its own steps run on the twin: the finding's address is looked up in the Terraform
// states of the evidence (iac/terraform-state/<name>.json, main/semantics/terraform-state.ts), the
// twin's id (its ARN) is read from the state's values, and the folder's playbook investigates that
// resource exactly as it would a live finding, after a first step naming it ("the code's twin").
// An address in no state in evidence changes nothing deployed that the evidence knows of — but a
// state not in evidence may hold it: RISKY, never SAFE. The fix is a code change (the Terraform
// attributes to set, rendered here), with the folder's live fix for the twin stated as what
// `terraform apply` will do.
import type { EvidenceFileSummary } from '../../shared/evidence'
import type { RciStep } from '../../shared/investigate'
import { localAddress, parseTerraformState, type StateResource, type TerraformState } from '../semantics/terraform-state'
import { parseArn } from '../semantics/ids'
import type { FacetName } from '../semantics/facets'
import { outcome, plural } from './step-common'
import type { EvidenceView, FindingSubject, StepOutcome } from './step'

type Values = Record<string, unknown>

/** What finding a twin reads of the evidence: the state files, their bytes, the inventory's resources (a step's EvidenceView, or a fix's view of the case). */
export type TwinEvidence = Pick<EvidenceView, 'files' | 'bytes' | 'resourcesWith'>

/** The Terraform change that fixes a finding: HCL to merge into the configuration, with what to know. */
export interface CodeChange {
  /** what it changes, in a few words */
  summary: string
  /** the HCL: the resource block with the arguments to set (the others kept), or a block to add */
  hcl: string
  /** what the person applying it should know */
  notes: string[]
  /**
   * For a twin type whose change Terraform cannot make in place (`liveFirst`): the commands that point
   * the state at the resource the live fix put in the old one's place, so the apply changes nothing.
   */
  adopt?: string[]
}

/** The code's resource a change is rendered for, with its deployed twin's state values when one was found. */
export interface CodeResource {
  type: string
  name: string
  /** the finding's address (aws_instance.web, module.x.aws_instance.web) */
  address: string
  values: Values | null
}

/** How one Terraform resource type of a folder's control is found deployed, and fixed in code. */
export interface TwinType {
  /** the folder's resource type the deployed twin is (one of its playbook's resourceTypes) */
  resourceType: string
  /** the deployed resource's id as the folder's steps read it (an ARN), from the state's values; null when they do not give it */
  deployed(values: Values, ev: TwinEvidence): string | null
  /** the Terraform change that fixes the finding */
  change(r: CodeResource): CodeChange
  /**
   * Set when the apply of the change would destroy the deployed resource and create another (a
   * replacing fix: `storage_encrypted` on a database), saying so in a sentence. The folder's live fix,
   * which keeps the original until a cut-over, then runs first; the code change is merged after it and
   * the state re-pointed (the change's `adopt`), so the apply changes nothing.
   */
  liveFirst?: string
}

const ATTR = /^(\s*)([A-Za-z_][\w-]*)\s*=\s*(.*)$/

/** HCL lines with the `=` of consecutive arguments at one indent aligned, as `terraform fmt` writes them. */
export function alignHcl(lines: readonly string[]): string[] {
  const out = [...lines]
  for (let i = 0; i < out.length; ) {
    const m = ATTR.exec(out[i])
    if (!m) {
      i++
      continue
    }
    let j = i
    while (j < out.length && ATTR.exec(out[j])?.[1] === m[1]) j++
    const width = Math.max(...out.slice(i, j).map((l) => ATTR.exec(l)![2].length))
    for (let k = i; k < j; k++) {
      const a = ATTR.exec(out[k])!
      out[k] = `${a[1]}${a[2].padEnd(width)} = ${a[3]}`
    }
    i = j
  }
  return out
}

/** `resource "<type>" "<name>" { … }` with these lines set in it (the block's other arguments kept), formatted as `terraform fmt` would. */
export function resourceBlock(type: string, name: string, lines: readonly string[]): string {
  return [`resource "${type}" "${name}" {`, '  # … the arguments already there stay as they are; set:', ...alignHcl(lines.map((l) => `  ${l}`)), '}', ''].join('\n')
}

/** A control's IaC support: its Terraform resource types (aws_instance, aws_db_instance…). */
export interface IacTwin {
  terraform: Readonly<Record<string, TwinType>>
}

/** Declare a folder's IaC support (`iac` of its control.ts). */
export function iacTwin(terraform: Record<string, TwinType>): IacTwin {
  return { terraform }
}

/** The `arn` attribute most AWS resources record in state. */
export const arnAttribute = (v: Values): string | null => (typeof v.arn === 'string' && parseArn(v.arn) ? v.arn : null)

/** The one resource of the evidence's inventory (with this facet) whose id ends with `suffix`; null when none or several. */
export function inventoryIdEndingWith(ev: TwinEvidence, facet: FacetName, suffix: string): string | null {
  const ids = ev.resourcesWith(facet).filter((id) => id.endsWith(suffix))
  return ids.length === 1 ? ids[0] : null
}

/** The Terraform type of an IaC resource type (iac.aws_instance → aws_instance); null for iac.file, iac.module, data sources. */
export function terraformTypeOf(resourceType: string): string | null {
  const m = /^iac\.([a-z0-9]+_[a-z0-9_]+)$/.exec(resourceType)
  return m ? m[1] : null
}

/** The twin spec a control declares for an IaC finding's resource type, if any. */
export function twinTypeFor(iac: IacTwin | undefined, resourceType: string): TwinType | null {
  const t = terraformTypeOf(resourceType)
  return t && iac ? (iac.terraform[t] ?? null) : null
}

/** `<file>#<address>` → its parts (the address after the last #). */
export function iacParts(resourceId: string): { file: string; address: string } | null {
  const at = resourceId.lastIndexOf('#')
  if (at <= 0 || at === resourceId.length - 1) return null
  const address = resourceId.slice(at + 1)
  if (/^L\d+$/.test(address)) return null
  return { file: resourceId.slice(0, at), address }
}

// ---- finding the twin ----------------------------------------------------------------------------

export interface TwinMatch {
  /** the state file (evidence) */
  state: EvidenceFileSummary
  /** the full address in the state */
  address: string
  values: Values
  /** the deployed resource's id (ARN); null when the state's values do not give it */
  deployed: string | null
}

export interface TwinSearch {
  file: string
  address: string
  /** the Terraform states read */
  states: EvidenceFileSummary[]
  /** states that could not be read, with why */
  unread: Array<{ state: EvidenceFileSummary; why: string }>
  matches: TwinMatch[]
  /** matched only by the resource's address within its module (the file is a module's, called under several paths) */
  byLocalAddress: boolean
}

const parsedStates = new WeakMap<TwinEvidence, Map<string, { ok: true; value: TerraformState } | { ok: false; why: string }>>()

function readState(ev: TwinEvidence, f: EvidenceFileSummary): { ok: true; value: TerraformState } | { ok: false; why: string } {
  let memo = parsedStates.get(ev)
  if (!memo) parsedStates.set(ev, (memo = new Map()))
  let r = memo.get(f.id)
  if (!r) {
    const b = ev.bytes(f.id)
    r = b ? parseTerraformState(b.toString('utf8'), f.path) : { ok: false, why: `${f.path} was kept as its hash only (over the case's per-file limit) and cannot be read again` }
    memo.set(f.id, r)
  }
  return r
}

/** The Terraform states in evidence: the latest bundle's copy of each path. */
export function terraformStates(ev: TwinEvidence): EvidenceFileSummary[] {
  const latest = new Map<string, EvidenceFileSummary>()
  for (const f of ev.files()) {
    if (f.kind !== 'iac.terraform-state') continue
    const o = latest.get(f.path)
    if (!o || o.addedAt <= f.addedAt) latest.set(f.path, f)
  }
  return [...latest.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
}

const withoutIndex = (a: string): string => a.replace(/\[[^\]]*\]$/, '')

/**
 * The state resources an IaC finding's address names: the same address (each count/for_each
 * instance of it) — or, when none, the same resource under any module path (the finding's file is a
 * module's: every call of the module deploys it).
 */
function matchAddress(resources: readonly StateResource[], address: string, type: string): { exact: StateResource[]; local: StateResource[] } {
  const hasIndex = /\]$/.test(address)
  const exact = resources.filter((r) => r.mode === 'managed' && r.type === type && (r.address === address || (!hasIndex && withoutIndex(r.address) === address)))
  const local = localAddress(address)
  const byLocal = resources.filter((r) => {
    if (r.mode !== 'managed' || r.type !== type) return false
    const a = hasIndex ? r.address : withoutIndex(r.address)
    return a.endsWith(`.${address}`) || (!address.startsWith('module.') && localAddress(r.address) === local)
  })
  return { exact, local: byLocal }
}

export function findTwins(ev: TwinEvidence, resourceId: string, tfType: string, spec: TwinType): TwinSearch | null {
  const parts = iacParts(resourceId)
  if (!parts) return null
  const states = terraformStates(ev)
  const unread: TwinSearch['unread'] = []
  const exact: TwinMatch[] = []
  const local: TwinMatch[] = []
  for (const s of states) {
    const r = readState(ev, s)
    if (!r.ok) {
      unread.push({ state: s, why: r.why })
      continue
    }
    const m = matchAddress(r.value.resources, parts.address, tfType)
    const as = (x: StateResource): TwinMatch => ({ state: s, address: x.address, values: x.values, deployed: spec.deployed(x.values, ev) })
    exact.push(...m.exact.map(as))
    local.push(...m.local.map(as))
  }
  const byLocalAddress = exact.length === 0 && local.length > 0
  return {
    file: parts.file,
    address: parts.address,
    states: states.filter((s) => !unread.some((u) => u.state.id === s.id)),
    unread,
    matches: byLocalAddress ? local : exact,
    byLocalAddress
  }
}

/** The deployed twins, each once (the same resource may be in two copies of a state). */
export function deployedTwins(s: TwinSearch): Array<{ id: string; at: TwinMatch[] }> {
  const by = new Map<string, TwinMatch[]>()
  for (const m of s.matches) if (m.deployed) by.set(m.deployed, [...(by.get(m.deployed) ?? []), m])
  return [...by].map(([id, at]) => ({ id, at })).sort((a, b) => (a.id < b.id ? -1 : 1))
}

// ---- the step "the code's twin" -----------------------------------------------------------------

export const TWIN_STEP = {
  id: 'code-twin',
  question: "Which deployed resource is the code's twin — the one the next terraform apply of this code changes (Terraform state in evidence)?",
  function: 'iac.code-twin'
} as const

const where = (m: TwinMatch): string => `${m.address} in ${m.state.path}`

/** The twin step's outcome: yes (found, with its id), unknown (not found, not readable, or no id in the state's values). */
export function twinOutcome(s: TwinSearch, tfType: string): StepOutcome {
  const sources = ['iac.terraform-state' as const]
  const evidence = [[...s.states, ...s.unread.map((u) => u.state)].map((f) => f.id)]
  const unreadText = s.unread.length ? `; not readable: ${s.unread.map((u) => u.why).join('; ')}` : ''
  const twins = deployedTwins(s)
  if (!s.states.length && !s.unread.length)
    return outcome(
      'unknown',
      `no Terraform state is in evidence (iac/terraform-state/<name>.json, \`terraform show -json\`): which deployed resource ${s.address} of ${s.file} is — if any — is unknown`,
      { sources }
    )
  if (!s.matches.length)
    return outcome(
      'unknown',
      `${s.address} (${tfType}) of ${s.file} is in none of the ${plural(s.states.length, 'Terraform state')} in evidence (${s.states.map((f) => f.path).join(', ') || 'none readable'})${unreadText}: the change alters nothing deployed that the evidence knows of — but a state not in evidence (another workspace, account or backend) may hold it`,
      { evidence, sources }
    )
  const noId = s.matches.filter((m) => !m.deployed)
  if (!twins.length)
    return outcome(
      'unknown',
      `${s.matches.map(where).join(', ')}: the state's values give no id of the deployed resource the investigation can read (no ARN recorded)${unreadText}`,
      { evidence, sources }
    )
  const how = s.byLocalAddress
    ? ` (matched as ${s.address} under ${plural(new Set(s.matches.map((m) => m.address)).size, 'module path')}: the file is a module's, and every call of it is changed by the code change${twins.length > 1 ? '; which of them this file configures cannot be told from a state, so each is investigated' : ''})`
    : ''
  const list = twins.map((t) => `${t.id} (${t.at.map(where).join('; ')})`).join(', ')
  return outcome(
    'yes',
    `${twins.length === 1 ? 'the deployed twin is' : `${twins.length} deployed twins:`} ${list}${how}; the next terraform apply of this code changes ${twins.length === 1 ? 'it' : 'each of them'}${noId.length ? `. Without an id in the state: ${noId.map(where).join(', ')}` : ''}${unreadText}`,
    { evidence, sources, certainty: s.byLocalAddress ? 'inferred' : 'proven' }
  )
}

/** The twin step as the RCI document shows it. */
export function twinStep(o: StepOutcome): RciStep {
  return {
    id: TWIN_STEP.id,
    question: TWIN_STEP.question,
    answer: o.answer,
    evidence: [...new Set(o.evidence)].sort(),
    explanation: o.explanation,
    function: TWIN_STEP.function,
    certainty: o.certainty,
    sources: o.sources,
    window: null,
    timeline: null
  }
}

/** The finding as its twin: the same finding, its resource the deployed one. */
export function twinSubject(subject: FindingSubject, deployed: string, resourceType: string): FindingSubject {
  const arn = parseArn(deployed)
  const name = arn ? (arn.resource.split(/[/:]/).pop() ?? deployed) : deployed
  return {
    ...subject,
    resource: {
      id: deployed,
      type: resourceType,
      account: arn?.account || subject.resource.account,
      region: arn?.region || subject.resource.region,
      name,
      environment: subject.resource.environment
    }
  }
}
