// Writes playbooks/catalogue/sources/trivy-secret-rules.tsv: Trivy's built-in secret rules (the
// RuleID a Trivy secret finding carries, e.g. github-pat), read from the rule table in
// aquasecurity/trivy pkg/fanal/secret/builtin-rules.go.
//
//   npx tsx scripts/catalogue/extract-trivy-secrets.ts <trivy git dir> [commit]
import { args, writeTable } from './rulelists'

const FILE = 'pkg/fanal/secret/builtin-rules.go'
export const SECRET_COLUMNS = ['id', 'category', 'severity', 'title'] as const

/** The rules of builtin-rules.go: each `{ ID: "…", Category: CategoryX, Title: "…", Severity: "…" }` entry of builtinRules. */
export function builtinSecretRules(go: string): Array<Record<string, string>> {
  const categories = new Map<string, string>()
  for (const m of go.matchAll(/^\s*(Category\w+)\s*=\s*types\.SecretRuleCategory\("([^"]*)"\)/gm)) categories.set(m[1], m[2])
  const start = go.indexOf('var builtinRules = []Rule{')
  if (start < 0) throw new Error(`${FILE}: no builtinRules table`)
  const body = go.slice(start)
  const rows: Array<Record<string, string>> = []
  // each rule is a struct literal opened by a line holding only "\t{" and closed by "\t},"
  for (const m of body.matchAll(/^\t\{\n([\s\S]*?)^\t\},?$/gm)) {
    const field = (name: string): string | undefined => new RegExp(`^\\t\\t${name}:\\s*(.+?),?$`, 'm').exec(m[1])?.[1]
    const str = (name: string): string => {
      const v = field(name)
      const q = v ? /^"((?:[^"\\]|\\.)*)"$/.exec(v) : null
      return q ? q[1] : ''
    }
    const id = str('ID')
    if (!id) throw new Error(`${FILE}: a rule without a string ID: ${m[1].slice(0, 120)}`)
    const cat = field('Category') ?? ''
    rows.push({ id, category: categories.get(cat) ?? cat, severity: str('Severity').toLowerCase(), title: str('Title') })
  }
  return rows
}

function main(): void {
  const tree = args('extract-trivy-secrets.ts', 'aquasecurity/trivy')
  const rows = builtinSecretRules(tree.read([FILE]).get(FILE)!)
  if (rows.length < 50) throw new Error(`${tree.repo}@${tree.commit}: ${FILE}: only ${rows.length} rules read`)
  const file = writeTable('trivy-secret-rules.tsv', SECRET_COLUMNS, rows)
  console.log(`${file}: ${rows.length} secret rules from ${tree.repo}@${tree.commit}`)
}

if (require.main === module) main()
