// An IaC finding's RCI, derived on its deployed twin (main/controls/iac-twin.ts): the control's own
// playbook runs on each deployed resource the code's address names in the Terraform states of the
// evidence, and the worst verdict stands, after the step that names the twin. No twin in evidence:
// RISKY, never SAFE (a state not in evidence may hold it).
import type { RciDocument } from '../../shared/investigate'
import type { RciVerdict } from '../../shared/model'
import { controlCode } from '../controls/registry'
import { deployedTwins, findTwins, terraformTypeOf, twinOutcome, twinStep, twinSubject, twinTypeFor, type TwinType } from '../controls/iac-twin'
import type { DeriveContext } from './engine'
import type { LoadedPlaybook } from './loader'
import type { EvidenceView, FindingSubject } from './steps'
import { playbookWindow } from '../case/evidence'

/** The twin spec of a built-in playbook's control for an IaC resource type, if its folder declares one. */
export function twinTypeOfPlaybook(pb: LoadedPlaybook, resourceType: string): TwinType | null {
  if (pb.custom || pb.generic || !resourceType.startsWith('iac.')) return null
  const spec = twinTypeFor(controlCode(pb.id)?.iac, resourceType)
  return spec && pb.def.resourceTypes.includes(spec.resourceType) ? spec : null
}

const RANK: Record<RciVerdict, number> = { UNSAFE: 3, RISKY: 2, UNSCORED: 1, SAFE: 0 }

export function deriveTwinRci(
  pb: LoadedPlaybook,
  subject: FindingSubject,
  ev: EvidenceView,
  ctx: DeriveContext,
  spec: TwinType,
  derive: (pb: LoadedPlaybook, s: FindingSubject, ev: EvidenceView, ctx: DeriveContext) => RciDocument
): RciDocument {
  const tfType = terraformTypeOf(subject.resource.type) ?? subject.resource.type
  const search = findTwins(ev, subject.resource.id, tfType, spec)
  const base = {
    finding: subject.ref,
    control: subject.control,
    resource: subject.resource.id,
    playbook: { id: pb.id, version: pb.def.version, sha256: pb.sha256, custom: pb.custom }
  }
  const bundlesOf = (ids: readonly string[]): string[] => [...new Set(ids.map(ctx.bundleOf).filter((b): b is string => b !== null))].sort()
  if (!search) {
    return {
      ...base,
      verdict: 'UNSCORED',
      because: `${subject.resource.id} names no Terraform resource address (<file>#<address>): its deployed twin cannot be looked up`,
      rule: null,
      capped: null,
      window: null,
      bundles: [],
      steps: []
    }
  }
  const first = twinStep(twinOutcome(search, tfType))
  const twins = deployedTwins(search)
  if (!twins.length) {
    return {
      ...base,
      verdict: 'RISKY',
      because: `IaC finding: no deployed twin of ${search.address} (${search.file}) is shown by the evidence (${
        search.matches.length ? "the state's values give no id the investigation can read" : `${search.states.length + search.unread.length} Terraform state(s) in evidence`
      }; the first step says more). The code change alters nothing deployed that the evidence knows of, but a state not in evidence may hold it: RISKY, never SAFE. Add the Terraform state of every workspace that applies ${search.file} (iac/terraform-state/<name>.json) and investigate again, or confirm the resource is not deployed yet.`,
      rule: null,
      capped: null,
      window: playbookWindow(ctx.evidenceEnd, pb.def.window.days),
      bundles: bundlesOf(first.evidence),
      steps: [first]
    }
  }
  const docs = twins.map((t) => ({ twin: t.id, doc: derive(pb, twinSubject(subject, t.id, spec.resourceType), ev, ctx) }))
  const worst = [...docs].sort((a, b) => RANK[b.doc.verdict] - RANK[a.doc.verdict] || (a.twin < b.twin ? -1 : 1))[0]
  const each = docs.length > 1 ? ` Each twin's verdict: ${docs.map((d) => `${d.twin} ${d.doc.verdict}`).join(', ')}; the steps below are ${worst.twin}'s.` : ''
  const step = docs.length > 1 ? { ...first, explanation: `${first.explanation}.${each}` } : first
  return {
    ...base,
    verdict: worst.doc.verdict,
    because: `IaC finding, judged on its deployed twin ${worst.twin}: the next terraform apply of ${search.file} changes it, so its evidence decides.${each} ${worst.doc.because}`,
    rule: worst.doc.rule,
    capped: worst.doc.capped,
    window: worst.doc.window,
    bundles: [...new Set([...docs.flatMap((d) => d.doc.bundles), ...bundlesOf(first.evidence)])].sort(),
    steps: [step, ...worst.doc.steps]
  }
}
