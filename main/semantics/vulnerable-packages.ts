// What the scanners say about a vulnerable package, read from an alert's own record: Trivy JSON,
// Inspector (through Security Hub's ASFF, or its own list-findings JSON), Wiz's vulnerability CSV.
// One alert is one advisory on one package (an ASFF record may carry several). Shared by the
// controls that investigate vulnerabilities: container images and hosts.
import { parseCsv } from './csv'

/** One vulnerable package, as any scanner reports it. */
export interface VulnerablePackage {
  alert: string
  vulnerability: string
  pkg: string
  installed: string
  /** the versions that fix it; empty when the scanner names none */
  fixed: string[]
  /** os: a package of the distribution (the package manager updates it); app: an application dependency */
  layer: 'os' | 'app' | 'unknown'
  /** whether an exploit is public (Inspector exploitAvailable, Wiz HasExploit); null: the scanner does not say */
  exploit: boolean | null
  /** whether CISA's Known Exploited Vulnerabilities catalogue lists it (Wiz HasCisaKevExploit); null: not said */
  kev: boolean | null
}

/** An alert's record as the case keeps it (main/controls/step.ts AlertRecord). */
export interface AlertRecordLike {
  id: string
  ruleId: string
  format: string
  raw: string
  context: unknown
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const yesNo = (v: unknown): boolean | null => {
  const s = String(v ?? '').toUpperCase()
  return s === 'YES' || s === 'TRUE' ? true : s === 'NO' || s === 'FALSE' ? false : null
}

export const splitFixed = (s: string): string[] =>
  s
    .split(/\s*[,|]\s*/)
    .map((x) => x.trim())
    .filter((x) => x && x.toUpperCase() !== 'NOTAVAILABLE' && x !== 'N/A')

/** The innermost member `key` in a JSON alert's stored context (frames of verbatim members). */
function fromContext(context: unknown, key: string): unknown {
  if (!Array.isArray(context)) return undefined
  for (let i = context.length - 1; i >= 0; i--) {
    const f = obj(context[i])
    if (f && key in f) return f[key]
  }
  return undefined
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return null
  }
}

// Inspector's package managers: OS is the distribution's package manager, the rest application ecosystems.
const OS_MANAGERS = new Set(['OS', 'DPKG', 'RPM', 'APK'])

/** epoch:version-release as Inspector splits it (the epoch left out when 0) */
const nevr = (p: Record<string, unknown>, version: unknown, release: unknown, epoch: unknown): string =>
  [str(epoch) && str(epoch) !== '0' ? `${str(epoch)}:` : '', str(version), str(release) ? `-${str(release)}` : ''].join('')

/** A CSV alert's cells by column name (the header is kept in its context). */
export function csvCells(a: AlertRecordLike): ((name: string) => string) | null {
  const header = str(obj(a.context)?.header)
  const parsed = parseCsv(`${header}\n${a.raw}`)
  if (!parsed.ok || parsed.rows.length < 2) return null
  const h = parsed.rows[0].fields
  const row = parsed.rows[1].fields
  return (n: string) => (h.indexOf(n) >= 0 ? (row[h.indexOf(n)] ?? '') : '')
}

/** The vulnerable packages one alert reports; empty for a format that names none (a Wiz issue). */
export function packagesOf(a: AlertRecordLike): VulnerablePackage[] {
  if (a.format === 'trivy-json') {
    const r = obj(safeJson(a.raw))
    if (!r) return []
    const cls = str(fromContext(a.context, 'Class'))
    return [
      {
        alert: a.id,
        vulnerability: str(r.VulnerabilityID) || a.ruleId,
        pkg: str(r.PkgName) || str(r.PkgID),
        installed: str(r.InstalledVersion),
        fixed: splitFixed(str(r.FixedVersion)),
        layer: cls === 'os-pkgs' ? 'os' : cls === 'lang-pkgs' ? 'app' : 'unknown',
        exploit: null,
        kev: null
      }
    ]
  }
  if (a.format === 'asff') {
    const r = obj(safeJson(a.raw))
    const out: VulnerablePackage[] = []
    for (const v of arr(r?.Vulnerabilities).map(obj)) {
      for (const p of arr(v?.VulnerablePackages).map(obj)) {
        if (!p) continue
        const manager = str(p.PackageManager).toUpperCase()
        out.push({
          alert: a.id,
          vulnerability: str(v?.Id) || a.ruleId,
          pkg: str(p.Name),
          installed: nevr(p, p.Version, p.Release, p.Epoch),
          fixed: str(v?.FixAvailable).toUpperCase() === 'NO' ? [] : splitFixed(str(p.FixedInVersion)),
          layer: manager ? (OS_MANAGERS.has(manager) ? 'os' : 'app') : 'unknown',
          exploit: yesNo(v?.ExploitAvailable),
          kev: null
        })
      }
    }
    return out
  }
  if (a.format === 'inspector-json') {
    const r = obj(safeJson(a.raw))
    const d = obj(r?.packageVulnerabilityDetails)
    if (!r || !d) return []
    return arr(d.vulnerablePackages)
      .map(obj)
      .filter((p): p is Record<string, unknown> => p !== null)
      .map((p) => {
        const manager = str(p.packageManager).toUpperCase()
        return {
          alert: a.id,
          vulnerability: str(d.vulnerabilityId) || a.ruleId,
          pkg: str(p.name),
          installed: nevr(p, p.version, p.release, p.epoch),
          fixed: str(r.fixAvailable).toUpperCase() === 'NO' ? [] : splitFixed(str(p.fixedInVersion)),
          layer: manager ? (OS_MANAGERS.has(manager) ? 'os' : 'app') : 'unknown',
          exploit: yesNo(r.exploitAvailable),
          kev: null
        }
      })
  }
  if (a.format === 'wiz-vulnerabilities-csv') {
    const col = csvCells(a)
    if (!col) return []
    const method = col('DetectionMethod')
    return [
      {
        alert: a.id,
        vulnerability: col('Name') || a.ruleId,
        pkg: col('DetailedName'),
        installed: col('Version'),
        fixed: splitFixed(col('FixedVersion')),
        layer: /os ?package/i.test(method) ? 'os' : method ? 'app' : 'unknown',
        exploit: yesNo(col('HasExploit')),
        kev: yesNo(col('HasCisaKevExploit'))
      }
    ]
  }
  return []
}
