/**
 * Extracts from a mirror of prowler-cloud/prowler the Prowler check tables the catalogue generator
 * reads beside sources/prowler-checks.tsv (the project's reference copy of the AWS and Azure checks,
 * which this script leaves alone):
 *
 *   prowler-checks-other.tsv    every check of the other providers (GCP, Kubernetes, M365, GitHub, …) at the pinned commit
 *   prowler-checks-retired.tsv  every check a release tag 3.x, 4.x or 5.x had and the pinned commit no longer has,
 *                               with the last release that had it and, where Prowler's own metadata says so, its successor
 *
 * into playbooks/catalogue/sources/ (SOURCES.md).
 *
 * Usage:
 *   npx tsx scripts/catalogue/extract-prowler.ts <prowler git dir> [<commit>] [--out <dir>]
 *
 * A check is `prowler/providers/<provider>/services/<service>/<check>/<check>.metadata.json` (CheckID,
 * Provider, ServiceName, ResourceType, Severity, CheckTitle). A rename is Prowler's `CheckAliases`:
 * a check's metadata lists the ids it was called before (`apigateway_restapi_logging_enabled` has
 * `apigateway_logging_enabled`), and Prowler itself runs the check under an alias. A retired check is
 * `renamed_to` the CURRENT check whose aliases (at the pinned commit, or at a release, followed to a
 * current check) name it. Older renames predate CheckAliases: a retired check without an alias is
 * `renamed_to` the check its deleting commit renamed its metadata file to (git's rename pairing of
 * the two files) when that commit's subject says it renames (`fix(ec2_elastic_ip_unassigned): rename
 * check (#2882)`). A commit that moves files without saying so (`feat(gcp): add CIS checks (#2544)`)
 * names no successor; no alias and no such commit: the column stays empty (never a guess by title).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The commit sources/prowler-checks.tsv was taken from (SOURCES.md records the same). */
export const PINNED = '3e000faa3109230b748e4418a13c11c9e59f5cfb'
/** The providers prowler-checks.tsv covers: the other table takes every other one. */
export const REFERENCE_PROVIDERS = ['aws', 'azure']
/** Release tags read for retired checks: Prowler 3 onwards (Prowler 2 was a shell tool with `extraNNN` ids, no metadata files). */
export const RELEASE_TAG = /^v?([345])\.(\d+)\.(\d+)$/

const METADATA = /^prowler\/providers\/([^/]+)\/services\/(?:[^/]+\/)+([^/]+)\/\2\.metadata\.json$/

export interface Check {
  provider: string
  check_id: string
  service: string
  resource_type: string
  severity: string
  title: string
  aliases: string[]
  /** the metadata file's path */
  path: string
}

function git(gitDir: string, args: string[], input?: string): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, input })
}

/** One line of a TSV cell: no tab, no newline, runs of blanks as one space. */
function cell(s: unknown): string {
  return String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The metadata files of a tree: path -> blob. */
function metadataBlobs(gitDir: string, rev: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of git(gitDir, ['ls-tree', '-r', rev, '--', 'prowler/providers']).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line)
    if (m && METADATA.test(m[2])) out.set(m[2], m[1])
  }
  return out
}

/** Many blobs in one `git cat-file --batch`. */
function readBlobs(gitDir: string, blobs: string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (blobs.length === 0) return out
  const buf = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: blobs.join('\n') + '\n', maxBuffer: 1 << 30 })
  let at = 0
  while (at < buf.length) {
    const nl = buf.indexOf(10, at)
    const [sha, , size] = buf.subarray(at, nl).toString('utf8').split(' ')
    const n = Number(size)
    out.set(sha, buf.subarray(nl + 1, nl + 1 + n).toString('utf8'))
    at = nl + 1 + n + 1
  }
  return out
}

/** A metadata file whose CheckID is another check's (a copy-paste slip some releases shipped): it names no check of its own. */
export class MisnamedCheck extends Error {}

/** A metadata file's check; throws naming the file when it is not one. */
export function parseMetadata(path: string, text: string): Check {
  const m = METADATA.exec(path)
  if (!m) throw new Error(`${path}: not a check's metadata file`)
  let j: Record<string, unknown>
  try {
    j = JSON.parse(text) as Record<string, unknown>
  } catch (e) {
    throw new Error(`${path}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e })
  }
  const id = cell(j.CheckID)
  if (id !== m[2]) throw new MisnamedCheck(`${path}: CheckID is ${JSON.stringify(j.CheckID)}, not the file's name ${m[2]}`)
  const aliases = Array.isArray(j.CheckAliases) ? j.CheckAliases.map(cell).filter(Boolean) : []
  return {
    // the folder names the provider; older metadata spells it differently at times (Provider "AWS")
    provider: m[1],
    check_id: id,
    service: cell(j.ServiceName) || id.split('_')[0],
    resource_type: cell(j.ResourceType),
    severity: cell(j.Severity).toLowerCase(),
    title: cell(j.CheckTitle),
    aliases,
    path
  }
}

/** A check's key: several providers have checks of the same id (`kms_key_rotation_enabled`: GCP, Huawei Cloud, Oracle Cloud). */
const key = (c: Check): string => `${c.provider}/${c.check_id}`

/** Every check of a tree, by provider and id. */
function checksAt(gitDir: string, rev: string, cache: Map<string, Check | null>, skipped: Set<string>): Map<string, Check> {
  const blobs = metadataBlobs(gitDir, rev)
  const missing = [...new Set([...blobs.values()].filter((b) => !cache.has(b)))]
  const texts = readBlobs(gitDir, missing)
  const paths = new Map([...blobs].map(([p, b]) => [b, p]))
  for (const b of missing) {
    try {
      cache.set(b, parseMetadata(paths.get(b)!, texts.get(b)!))
    } catch (e) {
      if (!(e instanceof MisnamedCheck)) throw new Error(`${rev}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
      cache.set(b, null)
      skipped.add(`${e.message} (${rev})`)
    }
  }
  const out = new Map<string, Check>()
  for (const blob of blobs.values()) {
    const c = cache.get(blob)
    if (c) out.set(key(c), c)
  }
  return out
}

function version(tag: string): number[] {
  const m = RELEASE_TAG.exec(tag)!
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

export function compareTags(a: string, b: string): number {
  const [x, y] = [version(a), version(b)]
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

/** A deleting commit whose subject says it renames checks. */
export const RENAME_SUBJECT = /\brenam|\bnaming\b|\bchange\b.*\bname\b/i

/** Where the commit that deleted `path` (before `commit`) moved it, by git's rename pairing of the two files. */
function deletedBy(gitDir: string, commit: string, path: string): { sha: string; subject: string; to: string | undefined } | undefined {
  const sha = git(gitDir, ['log', commit, '--diff-filter=D', '--format=%H', '-1', '--', path]).trim()
  if (!sha) return undefined
  const subject = git(gitDir, ['log', '-1', '--format=%s', sha]).trim()
  let to: string | undefined
  for (const line of git(gitDir, ['show', '-M', '--format=', '--name-status', sha, '--', '*.metadata.json']).split('\n')) {
    const [status, from, dest] = line.split('\t')
    if (status?.startsWith('R') && from === path) to = dest
  }
  return { sha, subject, to }
}

export interface Retired extends Check {
  last_release: string
  renamed_to: string
  /** where the rename was read: `<check>.metadata.json CheckAliases @ <rev>` */
  renamed_by: string
}

export function extract(gitDir: string, commit = PINNED): { other: Check[]; retired: Retired[]; tags: string[]; skipped: string[]; moved: string[] } {
  const cache = new Map<string, Check | null>()
  const skipped = new Set<string>()
  const current = checksAt(gitDir, commit, cache, skipped)
  const other = [...current.values()].filter((c) => !REFERENCE_PROVIDERS.includes(c.provider))
  const tags = git(gitDir, ['tag', '--list'])
    .split('\n')
    .filter((t) => RELEASE_TAG.test(t))
    .sort(compareTags)

  // the last release that had each check no longer current, and every alias a release declared
  // (all keyed `<provider>/<check id>`: a rename stays within its provider)
  const last = new Map<string, { check: Check; tag: string }>()
  const aliasOf = new Map<string, { to: string; by: string }>() // old key -> the key whose metadata lists it
  const noteAliases = (checks: Iterable<Check>, at: string): void => {
    for (const c of checks) {
      for (const a of c.aliases) {
        const old = `${c.provider}/${a}`
        if (a !== c.check_id && !aliasOf.has(old)) aliasOf.set(old, { to: key(c), by: `${c.check_id}.metadata.json CheckAliases @ ${at}` })
      }
    }
  }
  noteAliases(current.values(), commit)
  for (const tag of tags) {
    const checks = checksAt(gitDir, tag, cache, skipped)
    for (const c of checks.values()) if (!current.has(key(c))) last.set(key(c), { check: c, tag })
  }
  // the releases' aliases, newest first (the pinned commit's already came first)
  for (const tag of [...tags].reverse()) noteAliases(checksAt(gitDir, tag, cache, skipped).values(), tag)

  // a check whose metadata file a commit moved to another provider's folder under the same id is
  // that provider's check now (Prowler's `microsoft365` provider is `m365` since #7331): not retired.
  // A rename a deleting commit declares, for the checks no alias names.
  const renamedBy = new Map<string, { to: string; by: string }>()
  const moved: string[] = []
  for (const [k, { check }] of last) {
    if (aliasOf.has(k)) continue
    const d = deletedBy(gitDir, commit, check.path)
    const m = d?.to ? METADATA.exec(d.to) : null
    if (!d || !m) continue
    const by = `prowler-cloud/prowler@${d.sha.slice(0, 10)} "${d.subject}" renames ${check.path} to ${d.to}`
    if (m[2] === check.check_id && m[1] !== check.provider && current.has(`${m[1]}/${m[2]}`)) {
      moved.push(`${k} -> ${m[1]}/${m[2]}: ${by}`)
      last.delete(k)
    } else if (RENAME_SUBJECT.test(d.subject)) renamedBy.set(k, { to: `${check.provider}/${m[2]}`, by })
  }
  const step = (k: string): { to: string; by: string } | undefined => aliasOf.get(k) ?? renamedBy.get(k)
  const retired: Retired[] = []
  for (const [k, { check, tag }] of last) {
    // follow the renames to a current check (a check renamed twice); stop on a loop
    const by: string[] = []
    const seen = new Set([k])
    let next = step(k)
    while (next && !current.has(next.to) && !seen.has(next.to)) {
      by.push(next.by)
      seen.add(next.to)
      next = step(next.to)
    }
    const successor = next && current.has(next.to) ? current.get(next.to)! : undefined
    if (successor) by.push(next!.by)
    retired.push({ ...check, last_release: tag, renamed_to: successor?.check_id ?? '', renamed_by: successor ? by.join('; then ') : '' })
  }
  const order = (a: Check, b: Check): number => a.provider.localeCompare(b.provider) || a.check_id.localeCompare(b.check_id)
  return { other: other.sort(order), retired: retired.sort(order), tags, skipped: [...skipped], moved }
}

const COLUMNS = ['provider', 'check_id', 'service', 'resource_type', 'severity', 'title'] as const

export function renderOther(rows: Check[]): string {
  return [COLUMNS.join('\t'), ...rows.map((r) => COLUMNS.map((c) => r[c]).join('\t'))].join('\n') + '\n'
}

export function renderRetired(rows: Retired[]): string {
  const cols = [...COLUMNS, 'last_release', 'renamed_to', 'renamed_by'] as const
  return [cols.join('\t'), ...rows.map((r) => cols.map((c) => r[c]).join('\t'))].join('\n') + '\n'
}

if (process.argv[1] && /extract-prowler\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2)
  const outAt = args.indexOf('--out')
  const out = outAt >= 0 ? args.splice(outAt, 2)[1] : join('playbooks', 'catalogue', 'sources')
  const [gitDir, commit = PINNED] = args
  if (!gitDir) {
    console.error('usage: npx tsx scripts/catalogue/extract-prowler.ts <prowler git dir> [<commit>] [--out <dir>]')
    process.exit(2)
  }
  try {
    const { other, retired, tags, skipped, moved } = extract(resolve(gitDir), commit)
    for (const s of skipped) console.warn(`skipped (first seen at): ${s}`)
    console.warn(`${moved.length} checks moved to another provider's folder under the same id (not retired)${moved.length ? `, e.g. ${moved[0]}` : ''}`)
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, 'prowler-checks-other.tsv'), renderOther(other))
    writeFileSync(join(out, 'prowler-checks-retired.tsv'), renderRetired(retired))
    const renamed = retired.filter((r) => r.renamed_to).length
    console.log(
      `prowler-checks-other.tsv: ${other.length} checks; prowler-checks-retired.tsv: ${retired.length} checks (${renamed} renamed) from ${tags.length} release tags ${tags[0]}..${tags.at(-1)}`
    )
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  }
}
