// Writing Terraform and CloudFormation text that the tools accept as written.
import { stringify } from 'yaml'

/** A Terraform (HCL) quoted string: escapes, and `${` / `%{` kept literal (not interpolated). */
export function hclString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')}"`
}

/**
 * A JSON document as a Terraform indented heredoc (`<<-TAG`). Heredocs interpolate like strings,
 * so `${…}` (IAM policy variables such as `${aws:username}`) is written `$${…}`.
 */
export function hclJsonHeredoc(json: string, indent: string): string {
  let tag = 'POLICY'
  const lines = json.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{').split('\n')
  while (lines.some((l) => l.trim() === tag)) tag += '_'
  return [`<<-${tag}`, ...lines.map((l) => `${indent}  ${l}`), `${indent}${tag}`].join('\n')
}

/** A Terraform identifier from a finding id and a name: letters, digits, underscores. */
export function hclName(...parts: string[]): string {
  const s = parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
  return /^[a-z_]/.test(s) ? s : `r_${s}`
}

/** A CloudFormation logical id: alphanumeric only. */
export function cfnLogicalId(...parts: string[]): string {
  return parts
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')
}

/** A CloudFormation template as YAML, with a leading comment block. */
export function cfnYaml(comment: string[], template: Record<string, unknown>): string {
  return `${comment.map((l) => `# ${l}`).join('\n')}\n${stringify(template, { lineWidth: 0 })}`
}

/** The required_providers block every Terraform artefact starts with. */
export function terraformHeader(comment: string[], providers: Array<{ name: string; source: string; version: string }>): string {
  const lines = comment.map((l) => `# ${l}`)
  lines.push('terraform {', '  # import blocks need Terraform 1.5 or later', '  required_version = ">= 1.5.0"', '  required_providers {')
  for (const p of providers) lines.push(`    ${p.name} = {`, `      source  = ${hclString(p.source)}`, `      version = ${hclString(p.version)}`, '    }')
  lines.push('  }', '}', '')
  return lines.join('\n')
}

/**
 * An AWS provider block pinned to the account the fix was computed for: with `allowed_account_ids`
 * the provider refuses to plan or apply with credentials for any other account (the Terraform twin
 * of the scripts' caller-account check).
 */
export function awsProviderBlock(p: { account: string; region?: string | null; alias?: string }): string[] {
  const lines = ['provider "aws" {']
  const attrs: Array<[string, string]> = []
  if (p.alias) attrs.push(['alias', hclString(p.alias)])
  if (p.region) attrs.push(['region', hclString(p.region)])
  attrs.push(['allowed_account_ids', `[${hclString(p.account)}]`])
  // terraform fmt aligns the equals signs of consecutive single-line attributes
  const width = Math.max(...attrs.map(([k]) => k.length))
  for (const [k, v] of attrs) lines.push(`  ${k.padEnd(width)} = ${v}`)
  lines.push('}', '')
  return lines
}
