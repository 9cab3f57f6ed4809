// The fix of an IaC finding (./iac-twin.ts): a code change. The plan holds the Terraform to set in
// the finding's resource block (the folder's `change`), and — for each deployed twin the Terraform
// states in evidence name — what the next `terraform apply` will do to it: the folder's own live fix
// for that resource, shown for review (the apply does it; running it as well would leave the state
// behind the resource). The rollback is the revert of the code change, with the folder's live
// rollback of each twin for the same review. No twin in evidence: the code change alone, saying so.
import type { Artefact } from '../../shared/remediation'
import { LastmileError, isLastmileError } from '../errors'
import { listBundles, listEvidence, readEvidenceBytes } from '../case/evidence'
import { resourcesWithFacet } from '../case/facets'
import { parseArn } from '../semantics/ids'
import { deployedTwins, findTwins, iacParts, terraformTypeOf, twinTypeFor, type CodeChange, type IacTwin, type TwinEvidence } from './iac-twin'
import { headerLines } from './fix-common'
import type { FixContext, FixInputs, FixRenderer, FixTarget, RenderedFix } from './fix'

interface TwinInputs {
  id: string
  /** where the states name it (address in path) */
  at: string[]
  /** the folder's live fix inputs for it, or why none can be computed */
  live: FixInputs | { refused: string }
}

interface IacInputs {
  file: string
  address: string
  type: string
  name: string
  change: CodeChange
  states: string[]
  twins: TwinInputs[]
}

/** The twin as a fix target of the folder's live fix. */
function twinTarget(t: FixTarget, id: string, resourceType: string): FixTarget {
  const arn = parseArn(id)
  return { ...t, resourceId: id, resourceType, account: arn?.account || t.account, region: arn?.region || t.region, name: arn ? (arn.resource.split(/[/:]/).pop() ?? id) : id }
}

const fence = (lang: string, text: string): string => `\`\`\`${lang}\n${text.replace(/\n$/, '')}\n\`\`\``

/** The fix of a control's IaC findings; `live` is the folder's own fix (null: the code change alone). */
export function iacFixRenderer(control: string, iac: IacTwin, live: Omit<FixRenderer, 'control'> | null): FixRenderer {
  const spec = (t: FixTarget) => {
    const s = twinTypeFor(iac, t.resourceType)
    if (!s) throw new LastmileError('conflict', `${t.finding}: ${control} declares no Terraform type ${t.resourceType}; no code change is known for it`)
    return s
  }
  return {
    control,
    summary: `change the Terraform code (${live?.summary ?? 'the control’s setting'}, through terraform apply)`,
    inputs(db, t) {
      const s = spec(t)
      const tfType = terraformTypeOf(t.resourceType)!
      const parts = iacParts(t.resourceId)
      if (!parts) throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} names no Terraform resource address (<file>#<address>); no code change can be rendered`)
      const local = parts.address.split('.').slice(-2)
      const name = (local[1] ?? local[0]).replace(/\[.*$/, '')
      const ev: TwinEvidence = { files: () => listEvidence(db), bytes: (id) => readEvidenceBytes(db, id), resourcesWith: (f) => resourcesWithFacet(db, f) }
      const search = findTwins(ev, t.resourceId, tfType, s)!
      const twins = deployedTwins(search)
      // the change is computed from the single twin's recorded values (e.g. its hop limit); with none or several, from the code alone
      const change = s.change({ type: tfType, name, address: parts.address, values: twins.length === 1 ? twins[0].at[0].values : null })
      const out: TwinInputs[] = twins.map((tw) => {
        let l: TwinInputs['live'] = { refused: 'the control has no live fix' }
        if (live) {
          try {
            l = live.inputs(db, twinTarget(t, tw.id, s.resourceType))
          } catch (e) {
            if (!isLastmileError(e)) throw e
            l = { refused: e.message }
          }
        }
        return { id: tw.id, at: tw.at.map((m) => `${m.address} in ${m.state.path}`), live: l }
      })
      const values: IacInputs = { file: parts.file, address: parts.address, type: tfType, name, change, states: search.states.map((f) => f.path), twins: out }
      const lives = out.flatMap((x) => ('refused' in x.live ? [] : [x.live]))
      const stateFiles = [...search.states, ...search.unread.map((u) => u.state)]
      const collected = new Map(listBundles(db).map((b) => [b.id, b.collectedAt]))
      return {
        values: values as unknown as Record<string, unknown>,
        evidence: [...new Set([...stateFiles.map((f) => f.id), ...lives.flatMap((l) => l.evidence)])].sort(),
        collectedAt: [...lives.map((l) => l.collectedAt), ...stateFiles.map((f) => collected.get(f.bundle) ?? '')].filter(Boolean).sort().at(-1) ?? ''
      }
    },
    render(ctx: FixContext): RenderedFix {
      const t = ctx.target
      const s = spec(t)
      const v = ctx.inputs.values as unknown as IacInputs
      const header = headerLines(ctx)
      const where = `${v.file}, resource "${v.type}" "${v.name}"${v.address.startsWith('module.') ? ` (${v.address})` : ''}`
      const twinsText = v.twins.length
        ? `Deployed twin${v.twins.length === 1 ? '' : 's'} ${s.liveFirst ? 'the folder’s fix replaces before this change is merged' : 'the next terraform apply changes'}: ${v.twins.map((x) => `${x.id} (${x.at.join('; ')})`).join(', ')}.`
        : `No deployed twin in the Terraform states in evidence (${v.states.join(', ') || 'none'}): the change alters nothing deployed that the evidence knows of; a state not in evidence may hold it.`
      // a replacing change: the live fix first, then the code and the state follow it (see TwinType.liveFirst)
      const adopt = s.liveFirst ? ['', '```bash', ...(v.change.adopt ?? []), '```'] : []
      // a change to merge into the user's code, not a root module to apply on its own (plan --out keeps it apart from terraform/)
      const code: Artefact = {
        kind: 'code-change',
        language: 'hcl',
        name: `${t.finding}.code-change.hcl`,
        finding: t.finding,
        purpose: `${v.change.summary} in ${where}`,
        content: [...header.map((l) => `# ${l}`), `# In ${where}: ${v.change.summary}.`, `# ${twinsText}`, '', v.change.hcl].join('\n')
      }
      const rendered = v.twins.map((x) => ({ twin: x, fix: 'refused' in x.live ? null : live!.render({ ...ctx, target: twinTarget(t, x.id, s.resourceType), inputs: x.live }) }))
      const applyDoc = rendered.map(({ twin, fix }, i): Artefact => {
        if (s.liveFirst) {
          const steps = fix
            ? [
                `1. Run the folder's fix for ${twin.id} below (its own approval: it replaces the resource, with the downtime it states), through its cut-over.`,
                '2. Merge the code change.',
                '3. Point the state at the replacement, from the directory of that state:',
                ...adopt,
                `4. \`terraform plan\` must now show no replacement of ${v.address}; apply only what it shows besides.`,
                '',
                ...fix.artefacts.map((a) => `${a.purpose}:\n\n${fence(a.language === 'bash' ? 'bash' : a.language, a.content)}`)
              ]
            : [`No live fix can be computed for ${twin.id}: ${(twin.live as { refused: string }).refused}. Do not apply the code change until it is replaced another way.`]
          return {
            kind: 'procedure',
            language: 'markdown',
            name: `${t.finding}.apply${rendered.length > 1 ? `-${i + 1}` : ''}.md`,
            finding: t.finding,
            purpose: `replace ${twin.id} first, then merge the change and point the state at it`,
            content: [`# ${v.file}: replace ${twin.id} before terraform apply`, '', ...header.map((l) => `- ${l}`), '', s.liveFirst, '', ...steps, ''].join('\n')
          }
        }
        const body = fix
          ? [
              `The folder's fix for ${twin.id}, which the apply does through Terraform. Shown for review: apply the code change instead of running it, or the state no longer matches the resource.`,
              '',
              ...fix.artefacts.map((a) => `${a.purpose}:\n\n${fence(a.language === 'bash' ? 'bash' : a.language, a.content)}`)
            ]
          : [`No live fix can be computed for ${twin.id}: ${(twin.live as { refused: string }).refused}. The apply still makes the change in the code.`]
        return {
          kind: 'procedure',
          language: 'markdown',
          name: `${t.finding}.apply${rendered.length > 1 ? `-${i + 1}` : ''}.md`,
          finding: t.finding,
          purpose: `what terraform apply will do to ${twin.id}`,
          content: [`# What \`terraform apply\` of ${v.file} will do to ${twin.id}`, '', ...header.map((l) => `- ${l}`), '', ...body, ''].join('\n')
        }
      })
      const rollbackDoc: Artefact = {
        kind: 'procedure',
        language: 'markdown',
        name: `${t.finding}.rollback.md`,
        finding: t.finding,
        purpose: `revert the code change to ${where} and apply`,
        content: [
          `# Rollback: revert the change to ${where}`,
          '',
          ...header.map((l) => `- ${l}`),
          '',
          s.liveFirst
            ? `Run the folder's rollback (below: it puts the original back under its name), revert the commit that made the change (\`git revert\`), and point the state at the original again with the same commands, before any \`terraform apply\`: ${(v.change.adopt ?? []).map((c) => `\`${c}\``).join('; ')}. ${twinsText}`
            : `Revert the commit that made the change (\`git revert\`) and run \`terraform apply\` for the same state${v.states.length === 1 ? ` (${v.states[0]})` : 's'}: Terraform puts the previous setting back. ${twinsText}`,
          ...rendered.flatMap(({ twin, fix }) =>
            fix
              ? [
                  '',
                  s.liveFirst ? `The folder's rollback for ${twin.id}, to run:` : `What the apply of the revert does to ${twin.id} (the folder's rollback, for review):`,
                  '',
                  ...fix.rollback.map((a) => fence(a.language, a.content))
                ]
              : []
          ),
          ''
        ].join('\n')
      }
      return {
        artefacts: [code, ...applyDoc],
        rollback: [rollbackDoc],
        preconditions: [
          s.liveFirst
            ? `the code change is merged only after the folder's fix has replaced ${v.twins.map((x) => x.id).join(', ') || 'the deployed resource'} and the state points at the replacement. ${s.liveFirst}`
            : `the change goes through the pipeline that runs terraform plan and apply for ${v.file}; the plan must show only the change above${v.twins.length ? ` on ${v.twins.map((x) => x.id).join(', ')}` : ''}`,
          ...rendered.flatMap(({ fix }) => fix?.preconditions.filter((p) => !/^AWS CLI|^credentials for account/.test(p)) ?? [])
        ],
        validation: `Re-scan the code and import the scan: \`lastmile validate CASE ${t.finding} --rescan\` closes the finding once the scanner no longer reports ${v.address} in ${v.file}.${
          v.twins.length ? ` After the apply, collect evidence: the ${control} evaluator must answer PASS for ${v.twins.map((x) => x.id).join(', ')}.` : ''
        }`,
        notes: [...v.change.notes, twinsText]
      }
    }
  }
}
