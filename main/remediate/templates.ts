// Rendering a playbook's fix, rollback and guardrail templates (main/investigate/schema.ts:
// `{{parameter}}` placeholders, each parameter declared with where its value comes from) with the
// finding's real values.
//
// A value goes into a script, a JSON document or Terraform, so each is checked against the
// parameter's declared pattern and then against what its place can hold without quoting: a shell
// word of plain characters, a JSON or HCL string's content (escaped). A value that does not fit
// refuses the render with the parameter named — never a quietly broken or injectable artefact.
// Shell templates are wrapped in the same scaffold as Lastmile's own scripts (set -euo pipefail,
// pinned to the account or subscription); their idempotency is the template's own, and the plan
// says so.
import type { PlaybookTemplate } from '../../shared/investigate'
import type { Artefact, ArtefactKind, ArtefactLanguage } from '../../shared/remediation'
import { LastmileError } from '../errors'
import { azureParts, nativeId, partitionOf } from '../semantics/ids'
import { hclName } from '../controls/formats'
import { bashScript } from '../controls/shell'
import type { FixTarget } from '../controls/fix'

interface TemplateParameter {
  source: string
  description: string
  default?: string
  pattern?: string
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g

const LANGUAGE: Record<string, ArtefactLanguage> = {
  'aws-cli': 'bash',
  'azure-cli': 'bash',
  terraform: 'hcl',
  cloudformation: 'yaml',
  'policy-json': 'json'
}

/** The parameter names a template's placeholders use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))]
}

/** The value of every declared parameter for this finding; `inputs` are what a person gave. */
export function templateValues(params: Record<string, TemplateParameter>, target: FixTarget, inputs: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const az = azureParts(target.resourceId)
  const native = nativeId(target.resourceId)
  for (const [name, p] of Object.entries(params)) {
    const fromSource: Record<string, string | null> = {
      'resource.id': target.resourceId,
      'resource.native-id': native,
      'resource.name': target.name ?? native,
      'resource.account': target.account,
      'resource.region': target.region,
      'resource.partition': target.resourceId.startsWith('arn:') ? target.resourceId.split(':')[1] : partitionOf(target.region),
      'azure.subscription': az.subscription,
      'azure.resource-group': az.group,
      'derived.terraform-label': hclName(native),
      'derived.image-repository': target.resourceId.includes('@') ? target.resourceId.slice(0, target.resourceId.lastIndexOf('@')) : null,
      input: inputs[name] ?? null
    }
    const v = fromSource[p.source] ?? p.default ?? null
    if (v === null || v === '') {
      throw new LastmileError(
        'bad-input',
        `${target.finding}: template parameter ${name} (${p.description}) has no value: ${p.source === 'input' ? `give it (--param ${name}=VALUE)` : `its source ${p.source} is unknown for ${target.resourceId}`}`
      )
    }
    if (p.pattern && !new RegExp(p.pattern.startsWith('^') ? p.pattern : `^(?:${p.pattern})$`).test(v)) {
      throw new LastmileError('bad-input', `${target.finding}: template parameter ${name} = "${v}" does not match its pattern ${p.pattern}`)
    }
    out[name] = v
  }
  return out
}

function escapeFor(kind: string, name: string, v: string): string {
  switch (LANGUAGE[kind]) {
    case 'bash':
      // a plain shell word needs no quoting, whatever quotes the template puts around it
      if (!/^[A-Za-z0-9._:/@+=,-]+$/.test(v)) throw new LastmileError('bad-input', `parameter ${name} = "${v}" holds characters a shell command cannot take unquoted`)
      return v
    case 'json':
      return JSON.stringify(v).slice(1, -1)
    case 'hcl':
      return JSON.stringify(v).slice(1, -1).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')
    default:
      if (/[\n\r:#'"{}[\]]/.test(v)) throw new LastmileError('bad-input', `parameter ${name} = "${v}" holds characters that would change the YAML`)
      return v
  }
}

/** One template with its placeholders filled. */
export function fillTemplate(tpl: Pick<PlaybookTemplate, 'kind' | 'template' | 'title'>, values: Record<string, string>): string {
  return tpl.template.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in values)) throw new LastmileError('bad-input', `template "${tpl.title}": placeholder {{${name}}} is not a declared parameter`)
    return escapeFor(tpl.kind, name, values[name])
  })
}

/** A playbook template as a plan artefact (shell ones inside the safe scaffold). */
export function templateArtefact(
  tpl: PlaybookTemplate,
  values: Record<string, string>,
  target: FixTarget,
  /** origin: what it is rendered for ("plan P-3", "guardrails for I-4"), named in the script's header */
  opts: { origin: string; role: 'fix' | 'rollback' | 'guardrail'; index: number; playbook: string }
): Artefact {
  const body = fillTemplate(tpl, values)
  const language = LANGUAGE[tpl.kind] ?? 'markdown'
  const shell = language === 'bash'
  const content = shell
    ? bashScript({
        title: `${tpl.title} (${target.finding})`,
        lines: [
          `Lastmile ${opts.origin}, finding ${target.finding}: rendered from playbook ${opts.playbook}, template ${opts.role}[${opts.index}]`,
          `Resource: ${target.resourceId}`
        ],
        tools: [tpl.kind === 'azure-cli' ? 'az' : 'aws'],
        awsAccount: tpl.kind === 'aws-cli' ? target.account : null,
        azureSubscription: tpl.kind === 'azure-cli' ? azureParts(target.resourceId).subscription : null,
        rollbackKey: target.finding,
        asWritten: true,
        steps: [{ title: tpl.title, apply: body.split('\n') }],
        done: `${tpl.title}: done`
      })
    : body
  const ext = { bash: 'sh', hcl: 'tf', yaml: 'yaml', json: 'json', markdown: 'md' }[language]
  return {
    kind: tpl.kind as ArtefactKind,
    language,
    content,
    name: `${target.finding}.${opts.role}-${opts.index + 1}.${ext}`,
    finding: target.finding,
    purpose: tpl.title
  }
}
