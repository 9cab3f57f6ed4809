// Writes main/ingest/formats/prowler-v2-checks.generated.ts: Prowler 2 check ids (check114,
// extra759…) -> the check ids Prowler 4/5 report, from Prowler's own published table
// (docs/user-guide/providers/aws/v2_to_v3_checks_mapping.mdx, "checks_v4_v3_to_v2_mapping"); and
// the Prowler 3 check ids Prowler renamed since (apigateway_authorizers_enabled ->
// apigateway_restapi_authorizers_enabled), from the same table as Prowler 3 published it
// (docs/tutorials/aws/v2_to_v3_checks_mapping.md at V3_DOC_COMMIT, "checks_v3_to_v2_mapping"): a
// v3 id today's Prowler has no check of (no <id>.metadata.json under prowler/providers) whose v2 id
// the current table gives to exactly one check.
//
// And each Prowler 2 check's ASFF resource type, from the last Prowler 2 release's checks/ (V2_TAG),
// for the Prowler 2 JSON, which names a result's resource but not its type.
//
//   npx tsx scripts/ingest/prowler-v2-checks.ts <prowler git dir> [commit]
//
// A v2 id the current table names only as "subset of" current checks (check13, extra774, extra7198:
// Prowler 3's iam_disable_<n>_days_credentials, split since into unused keys and unused passwords) is
// the Prowler 3 check the v3 table gives it, when that table gives exactly one: the same check as
// Prowler 3 reported it (its catalogue control is the retired check's). A v2 id a table gives to more
// than one check (extra79: elb_internet_facing and elbv2_internet_facing) is left out: Lastmile keeps
// such alerts under their v2 id rather than guess which check they were.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const DOC = 'docs/user-guide/providers/aws/v2_to_v3_checks_mapping.mdx'
const V3_DOC = 'docs/tutorials/aws/v2_to_v3_checks_mapping.md'
/** the last commit with the table as Prowler 3 published it (v3 ids), before it was moved and renamed for v4 */
const V3_DOC_COMMIT = '098f6a287a3ada4ab8ce8fa3271b36065d39f97e'

/**
 * The last Prowler 2 release: each of its checks/ files declares the check's ASFF resource type
 * (CHECK_ASFF_RESOURCE_TYPE_<id>, AwsAccount when none: include/execute_check), which its CSV writes in
 * CHECK_ASFF_RESOURCE_TYPE and its ASFF in Resources[].Type, and its JSON leaves out.
 */
const V2_TAG = '2.12.1'

const ROW = /^\s*"([a-z0-9_]+)":\s*"([^"]+)",?\s*$/

/** (current or v3 check id, v2 id) pairs of one version of the table */
function rows(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const line of text.split('\n')) {
    const m = ROW.exec(line)
    if (m) out.push([m[1], m[2]])
  }
  return out
}
const OUT = join(__dirname, '../../main/ingest/formats/prowler-v2-checks.generated.ts')

function main(): void {
  const [gitDir, rev = 'HEAD'] = process.argv.slice(2)
  if (!gitDir) throw new Error('usage: prowler-v2-checks.ts <prowler git dir> [commit]')
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', `${rev}^{commit}`], { encoding: 'utf8' }).trim()
  const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${DOC}`], { encoding: 'utf8' })
  const byV2 = new Map<string, Set<string>>()
  const table = rows(text)
  for (const [current, v2] of table) {
    if (!/^(check|extra)\d+$/.test(v2)) continue // "subset of check122"
    let set = byV2.get(v2)
    if (!set) byV2.set(v2, (set = new Set()))
    set.add(current)
  }
  if (table.length < 200) throw new Error(`${DOC}@${commit}: only ${table.length} rows read; has the table moved?`)
  const v3 = rows(execFileSync('git', ['--git-dir', gitDir, 'show', `${V3_DOC_COMMIT}:${V3_DOC}`], { encoding: 'utf8' }))
  // v2 ids the current table names only as "subset of": the one Prowler 3 check the v3 table gives them
  const subsetOnly = new Set(table.flatMap(([, v2]) => (/^subset of /.test(v2) ? v2.slice(10).split(',') : [])).filter((v2) => !byV2.has(v2)))
  const byV3 = new Map<string, Set<string>>()
  for (const [id, v2] of v3) if (subsetOnly.has(v2)) byV3.set(v2, (byV3.get(v2) ?? new Set()).add(id))
  const fromV3 = [...byV3].filter(([, s]) => s.size === 1)
  const unique = [...[...byV2].filter(([, s]) => s.size === 1), ...fromV3].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
  const dropped = [...byV2, ...byV3].filter(([, s]) => s.size > 1).map(([v2]) => v2)
  const body = unique.map(([v2, s]) => `  ${v2}: '${[...s][0]}'`).join(',\n')

  // Prowler 3 ids today's Prowler no longer has
  const checks = new Set(
    execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', commit, '--', 'prowler/providers'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\n')
      .map((p) => /\/([a-z0-9_]+)\.metadata\.json$/.exec(p)?.[1])
      .filter((x): x is string => x !== undefined)
  )
  if (checks.size < 500) throw new Error(`${commit}: only ${checks.size} checks found under prowler/providers`)
  const renamed = v3
    .filter(([id, v2]) => !checks.has(id) && byV2.get(v2)?.size === 1 && checks.has([...byV2.get(v2)!][0]))
    .map(([id, v2]) => [id, [...byV2.get(v2)!][0]] as const)
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
  // each Prowler 2 check's ASFF resource type, as that release's outputs give it
  const declared = execFileSync('git', ['--git-dir', gitDir, 'grep', '-E', '^CHECK_(ID|ASFF_RESOURCE_TYPE)_[a-z0-9]+=', V2_TAG, '--', 'checks'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024
  })
  const v2Types = new Map<string, string>()
  for (const line of declared.split('\n')) {
    const m = /^[^:]+:[^:]+:CHECK_(ID|ASFF_RESOURCE_TYPE)_((?:check|extra)\d+)="([^"]*)"/.exec(line)
    if (!m) continue
    if (m[1] === 'ID' && !v2Types.has(m[2])) v2Types.set(m[2], 'AwsAccount')
    if (m[1] === 'ASFF_RESOURCE_TYPE' && m[3]) v2Types.set(m[2], m[3])
  }
  if (v2Types.size < 200) throw new Error(`${V2_TAG}: only ${v2Types.size} Prowler 2 checks read under checks/`)
  const gone = v3.filter(([id]) => !checks.has(id) && !renamed.some(([r]) => r === id)).map(([id]) => id)
  writeFileSync(
    OUT,
    `// Generated by scripts/ingest/prowler-v2-checks.ts from prowler-cloud/prowler@${commit}
// ${DOC} (Apache-2.0). Do not edit; re-run the script.
// The v2 ids it names only as a subset of current checks are Prowler 3's check for them, from
// ${V3_DOC}@${V3_DOC_COMMIT.slice(0, 10)}: ${
      fromV3
        .map(([v2]) => v2)
        .sort()
        .join(', ') || 'none'
    }.
// Left out (one v2 id, several current checks): ${dropped.sort().join(', ') || 'none'}.

/** Prowler 2 check id -> the check id Prowler 4/5 report for the same check (Prowler 3's, for a check split since). */
export const PROWLER_V2_CHECKS: Readonly<Record<string, string>> = {
${body}
}

// Prowler 3 ids renamed since, from ${V3_DOC}@${V3_DOC_COMMIT}; no longer checked and not
// renamed: ${gone.sort().join(', ') || 'none'}.

/** A Prowler 3 check id today's Prowler has no check of -> the id it has for the same check. */
export const PROWLER_V3_RENAMED: Readonly<Record<string, string>> = {
${renamed.map(([from, to]) => `  ${from}: '${to}'`).join(',\n')}
}

// From prowler-cloud/prowler@${V2_TAG} checks/ (CHECK_ASFF_RESOURCE_TYPE_<id>; AwsAccount where a check declares none).

/** Prowler 2 check id -> the ASFF resource type Prowler 2 gives its results (its CSV's CHECK_ASFF_RESOURCE_TYPE). */
export const PROWLER_V2_RESOURCE_TYPES: Readonly<Record<string, string>> = {
${[...v2Types]
  .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
  .map(([id, type]) => `  ${id}: '${type}'`)
  .join(',\n')}
}
`
  )
  console.log(
    `${unique.length} v2 ids mapped, ${dropped.length} left out (${table.length} rows); ${renamed.length} v3 ids renamed, ${gone.length} gone; from ${commit}; ${v2Types.size} v2 resource types from ${V2_TAG}`
  )
}

main()
