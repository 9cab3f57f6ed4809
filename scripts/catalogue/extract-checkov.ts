// Writes playbooks/catalogue/sources/checkov-checks.tsv: every Checkov check id (CKV_AWS_20,
// CKV2_AWS_6, CKV_K8S_8, CKV_DOCKER_2, CKV_SECRET_6 …) with the resource types it looks at and
// its name, from bridgecrewio/checkov.
//
//   npx tsx scripts/catalogue/extract-checkov.ts <bridgecrewio/checkov git dir> [commit]
//
// The facts come from Checkov's own policy index, `docs/5.Policy Index/<framework>.md`, which
// Checkov generates from its check registries (a row per check and entity: Id, Type, Entity,
// Policy, IaC): it has the names the Python sources compute at run time (f-strings in shared
// base classes) and the YAML graph checks alike. all.md (their union) is not read: the
// per-framework files hold the same rows. A check the sources define but the index does not
// list yet (added after the index was last generated) is read from its Python source when it
// says `name = "…"` and `id = "CKV…"` plainly.
import { args, cell, type GitTree, writeTable } from './rulelists'

export const CHECKOV_COLUMNS = ['id', 'provider', 'resource_types', 'title'] as const

const INDEX = 'docs/5.Policy Index'
const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/
const MANY = 50

/** The provider a check id names: CKV_AWS_20 -> aws, CKV_K8S_8 -> kubernetes, CKV_DOCKER_2 -> dockerfile. */
export function providerOf(id: string): string {
  const part = id.split('_')[1].toLowerCase()
  return ({ k8s: 'kubernetes', docker: 'dockerfile', gha: 'github_actions' } as Record<string, string>)[part] ?? part
}

interface Check {
  id: string
  title: string
  entities: Set<string>
}

/** The rows of one policy-index page: `| n | Id | Type | Entity | Policy | IaC | Resource Link |`. */
export function policyIndexRows(md: string): Array<{ id: string; entity: string; title: string }> {
  const rows: Array<{ id: string; entity: string; title: string }> = []
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    // ['', n, id, type, entity, policy, iac, link, '']
    if (cells.length < 8 || !/^\d+$/.test(cells[1]) || !CHECK_ID.test(cells[2])) continue
    rows.push({ id: cells[2], entity: cells[4], title: cells[5] })
  }
  return rows
}

/** Checks a Python source defines plainly (`name = "…"` then `id = "CKV…"`, supported_resources of literals). */
export function pythonChecks(py: string): Array<{ id: string; title: string; entities: string[] }> {
  const out: Array<{ id: string; title: string; entities: string[] }> = []
  for (const m of py.matchAll(/^\s*name\s*=\s*"((?:[^"\\]|\\.)+)"\s*\n\s*id\s*=\s*"(CKV2?_[A-Z0-9]+_\d+)"/gm)) {
    const rest = py.slice(m.index + m[0].length)
    const res = /supported_(?:resources|provider)\s*=\s*[([]([^)\]]*)[)\]]/.exec(rest)
    const entities = res ? [...res[1].matchAll(/["']([^"']+)["']/g)].map((x) => x[1]) : []
    out.push({ id: m[2], title: m[1], entities })
  }
  return out
}

export function readChecks(tree: GitTree): { checks: Map<string, Check>; fromSource: string[] } {
  const checks = new Map<string, Check>()
  const add = (id: string, title: string, entities: readonly string[]): void => {
    let c = checks.get(id)
    if (!c) checks.set(id, (c = { id, title: cell(title), entities: new Set() }))
    for (const e of entities) if (cell(e) && cell(e) !== '*') c.entities.add(cell(e))
  }
  const pages = tree.files(INDEX).filter((p) => p.endsWith('.md') && !p.endsWith('/all.md'))
  // terraform first: where frameworks word a check differently, its Terraform name is the title
  pages.sort((a, b) => Number(!a.endsWith('/terraform.md')) - Number(!b.endsWith('/terraform.md')) || a.localeCompare(b))
  const texts = tree.read(pages)
  for (const p of pages) for (const r of policyIndexRows(texts.get(p)!)) add(r.id, r.title, [r.entity])
  const sources = tree.files('checkov').filter((p) => /\/checks\/.*\.py$/.test(p))
  const fromSource: string[] = []
  for (const [p, py] of tree.read(sources)) {
    for (const c of pythonChecks(py)) {
      if (checks.has(c.id)) continue
      add(c.id, c.title, c.entities)
      fromSource.push(`${c.id} (${p})`)
    }
  }
  return { checks, fromSource }
}

function main(): void {
  const tree = args('extract-checkov.ts', 'bridgecrewio/checkov')
  const { checks, fromSource } = readChecks(tree)
  if (checks.size < 1000) throw new Error(`${tree.repo}@${tree.commit}: only ${checks.size} checks read; has '${INDEX}' moved?`)
  // a graph check over every resource of a provider (CKV2_AWS_37 names ~1500 types) is `*`: the list says nothing and would be most of the file
  const rows = [...checks.values()].map((c) => ({
    id: c.id,
    provider: providerOf(c.id),
    resource_types: c.entities.size > MANY ? '*' : [...c.entities].sort().join(','),
    title: c.title
  }))
  const file = writeTable('checkov-checks.tsv', CHECKOV_COLUMNS, rows)
  console.log(`${file}: ${rows.length} checks from ${tree.repo}@${tree.commit}; not in the policy index, read from source: ${fromSource.join(', ') || 'none'}`)
}

if (require.main === module) main()
