#!/usr/bin/env node
// Electronegativity (Doyensec's static checker for Electron apps) as a CI gate: it scans the
// sources and the build, writes artifacts/electronegativity.csv, prints every finding, and exits
// 1 on any HIGH or MEDIUM finding that is not accepted below with a reason.
//
// Why not just the CLI: it always exits 0, it silently skips a file it cannot parse, and with
// `-o report.csv` it writes the header and the rows with two un-awaited fs.writeFile calls (one
// 'w', one 'a') that can race and lose rows. So the gate calls its runner in-process, takes the
// findings it returns, writes the CSV itself and fails on files that were not parsed.
//
// Usage: node scripts/electronegativity-gate.mjs [--root DIR] [--csv FILE]
//   --root  the tree to scan (default: this checkout); it must hold main/ preload/ renderer/ out/
//   --csv   where to write the findings (default: artifacts/electronegativity.csv under --root)
// Exit: 0 no failing finding; 1 failing findings or unscanned files; 2 cannot run (no build, tool broken).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const HERE = dirname(fileURLToPath(import.meta.url))
const REPO = resolve(HERE, '..')

/** What is scanned: the app's sources and its build, never node_modules. */
export const SCAN_ROOTS = ['main', 'preload', 'renderer', 'shared', 'out', 'package.json']

/** Without these the scan would pass for the wrong reason (nothing built, nothing to check). */
export const REQUIRED_FILES = ['main/index.ts', 'preload/index.ts', 'out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html']

export const FAILING_SEVERITIES = new Set(['HIGH', 'MEDIUM'])

/**
 * Findings we accept after review. Each names the check, the file(s) and the code it is about,
 * so the same check anywhere else still fails the build.
 */
export const ACCEPTED = [
  {
    check: 'PRELOAD_JS_CHECK',
    files: ['main/platform/main-window.ts', 'out/main/index.js'],
    sample: /preload: opts\.preload/,
    reason:
      'Informational by design ("review the use of preload scripts"): it fires on every preload. Ours is ' +
      'preload/index.ts, sandboxed with context isolation; it exposes exactly the contract methods plus on(event) ' +
      'for the contract events, never ipcRenderer or an event object (main/platform/preload-bridge.test.ts), and ' +
      'main checks the sender frame and validates every input.'
  }
]

/**
 * Copy what is scanned into `dest`, leaving out tests (not shipped; their fakes are deliberately
 * insecure) and source maps (they repeat the sources).
 */
export function copyScanTree(root, dest) {
  for (const entry of SCAN_ROOTS) {
    const from = join(root, entry)
    if (!existsSync(from)) continue
    cpSync(from, join(dest, entry), {
      recursive: true,
      filter: (src) => {
        const name = basename(src)
        if (name === 'node_modules') return false
        if (/\.(test|spec)\.(ts|tsx|js|mjs|cjs)$/.test(name)) return false
        if (name.endsWith('.map')) return false
        return true
      }
    })
  }
}

/** The accepted entry that covers this finding, if any. */
export function acceptanceFor(finding, accepted = ACCEPTED) {
  return accepted.find((a) => a.check === finding.check && a.files.includes(finding.file) && a.sample.test(finding.sample ?? ''))
}

/**
 * Sort findings into failing (HIGH/MEDIUM, not accepted), accepted (with their reason) and the
 * rest (LOW, INFORMATIONAL: printed, never failing).
 */
export function judge(findings, accepted = ACCEPTED) {
  const failing = []
  const acceptedFindings = []
  const other = []
  for (const f of findings) {
    if (!FAILING_SEVERITIES.has(f.severity)) other.push(f)
    else {
      const a = acceptanceFor(f, accepted)
      if (a) acceptedFindings.push({ finding: f, reason: a.reason })
      else failing.push(f)
    }
  }
  return { failing, accepted: acceptedFindings, other }
}

/** A runner issue as a plain finding (file relative to the scanned tree, with / separators). */
export function toFinding(issue, scanRoot) {
  const file = issue.file === 'N/A' ? 'N/A' : relative(scanRoot, resolve(scanRoot, issue.file)).split(sep).join('/')
  return {
    check: issue.id,
    severity: issue.severity?.name ?? String(issue.severity),
    confidence: issue.confidence?.name ?? String(issue.confidence),
    file,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    sample: issue.sample ?? '',
    description: issue.description ?? '',
    manualReview: issue.manualReview === true
  }
}

function csvField(value) {
  const s = String(value ?? '')
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The findings as CSV (Electronegativity's columns, plus the gate's verdict). */
export function toCsv(findings, verdictOf) {
  const header = ['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url', 'gate']
  const rows = findings.map((f) => [
    f.check,
    f.severity,
    f.confidence,
    f.file,
    `${f.line}:${f.column}`,
    f.sample,
    f.description,
    `https://github.com/doyensec/electronegativity/wiki/${f.check}`,
    verdictOf(f)
  ])
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n'
}

function where(f) {
  return f.file === 'N/A' ? '(whole app)' : `${f.file}:${f.line}:${f.column}`
}

/** Run Electronegativity's runner over `scanDir`. Returns its findings and its parse errors. */
export async function runElectronegativity(scanDir, electronVersion) {
  const run = require('@doyensec/electronegativity')
  const result = await run(
    {
      input: scanDir,
      isRelative: true,
      isVerbose: false,
      customScan: [],
      excludeFromScan: [],
      parserPlugins: [],
      electronVersionOverride: electronVersion
    },
    false
  )
  if (!result || !Array.isArray(result.issues)) throw new Error('Electronegativity returned no result')
  return {
    findings: result.issues.map((i) => toFinding(i, scanDir)),
    errors: (result.errors ?? []).map((e) => ({
      file: relative(scanDir, resolve(scanDir, e.file)).split(sep).join('/'),
      message: e.message,
      tolerable: e.tolerable === true
    })),
    checks: (result.globalChecks ?? 0) + (result.atomicChecks ?? 0)
  }
}

function parseArgs(argv) {
  const opts = { root: REPO, csv: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--root' && argv[i + 1]) opts.root = resolve(argv[++i])
    else if (a === '--csv' && argv[i + 1]) opts.csv = resolve(argv[++i])
    else throw new Error(`unknown argument "${a}" (use --root DIR, --csv FILE)`)
  }
  opts.csv ??= join(opts.root, 'artifacts', 'electronegativity.csv')
  return opts
}

export async function main(argv, out = console.log, err = console.error) {
  let opts
  try {
    opts = parseArgs(argv)
  } catch (e) {
    err(`electronegativity-gate: ${e.message}`)
    return 2
  }
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(opts.root, f)))
  if (missing.length > 0) {
    err(`electronegativity-gate: ${missing.join(', ')} missing under ${opts.root}: run \`npm run build\` first (the gate scans the build too).`)
    return 2
  }
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const tmp = mkdtempSync(join(tmpdir(), 'lastmile-electronegativity-'))
  const scanDir = join(tmp, 'app')
  try {
    copyScanTree(opts.root, scanDir)
    out(`electronegativity-gate: scanning ${SCAN_ROOTS.join(', ')} (Electron ${electronVersion}); network lookups of the tool fail soft offline`)
    let result
    try {
      result = await runElectronegativity(scanDir, electronVersion)
    } catch (e) {
      err(`electronegativity-gate: Electronegativity failed to run: ${e.message}`)
      return 2
    }
    const { failing, accepted, other } = judge(result.findings)
    const verdict = (f) => (failing.includes(f) ? 'FAIL' : accepted.some((a) => a.finding === f) ? 'accepted' : 'ok')
    mkdirSync(dirname(opts.csv), { recursive: true })
    writeFileSync(opts.csv, toCsv(result.findings, verdict))

    const unparsed = result.errors.filter((e) => !e.tolerable)
    for (const e of result.errors.filter((x) => x.tolerable)) out(`  warning: ${e.file}: ${e.message}`)
    for (const f of other) out(`  ${f.severity.padEnd(13)} ${f.check}  ${where(f)}  ${f.description}`)
    for (const { finding: f, reason } of accepted) {
      out(`  accepted      ${f.check}  ${where(f)}  ${f.description}\n                reason: ${reason}`)
    }
    for (const f of failing) {
      err(`  ${f.severity.padEnd(13)} ${f.check}  ${where(f)}  ${f.description}${f.sample ? `\n                ${f.sample.trim()}` : ''}`)
    }
    for (const e of unparsed) err(`  NOT SCANNED   ${e.file}: Electronegativity could not parse it (${e.message})`)

    out(`electronegativity-gate: ${result.findings.length} finding(s) from ${result.checks} checks; CSV: ${relative(process.cwd(), opts.csv) || opts.csv}`)
    if (failing.length > 0 || unparsed.length > 0) {
      err(
        `electronegativity-gate: FAILED: ${failing.length} HIGH/MEDIUM finding(s)` +
          (unparsed.length ? `, ${unparsed.length} file(s) not scanned` : '') +
          '. Fix them, or, after review, accept one in ACCEPTED in scripts/electronegativity-gate.mjs with its reason.'
      )
      return 1
    }
    out('electronegativity-gate: passed (no HIGH or MEDIUM finding)')
    return 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (e) => {
      console.error(`electronegativity-gate: ${e?.stack ?? e}`)
      process.exitCode = 2
    }
  )
}
