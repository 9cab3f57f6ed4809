import type { Progress } from '../../shared/model'
import type { CliContext } from './context'

/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, nothing otherwise (so logs and
 * `--json` pipelines stay clean). Returns the listener to hand to a service, and `done()` to
 * clear the line.
 */
export function progressReporter(ctx: CliContext): { update: (p: Progress) => void; done: () => void } {
  if (!ctx.interactive) return { update: () => undefined, done: () => undefined }
  let last = 0
  let drawn = false
  return {
    update(p) {
      const t = Date.now()
      if (t - last < 100 && (p.total === null || p.done < p.total)) return
      last = t
      ctx.err(`\r\x1b[2K${renderProgress(p)}`.replace(/\n$/, ''))
      drawn = true
    },
    done() {
      if (drawn) ctx.err('\r\x1b[2K')
    }
  }
}

/** One line: `ingest  [#########-----------]  45%  1.2 M records  210 k records/s` */
export function renderProgress(p: Progress, width = 24): string {
  const rate = `${human(p.rate)} ${p.unit}/s`
  if (p.total && p.total > 0) {
    const f = Math.min(1, p.done / p.total)
    const fill = Math.round(f * width)
    return `${p.operation}  [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(Math.round(f * 100)).padStart(3)}%  ${human(p.done)} ${p.unit}  ${rate}${p.message ? `  ${p.message}` : ''}`
  }
  return `${p.operation}  ${human(p.done)} ${p.unit}  ${rate}${p.message ? `  ${p.message}` : ''}`
}

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k`
  return String(Math.round(n))
}
