import type { Progress } from '../../shared/model'
import type { CliContext } from './context'

/**
 * Progress on stderr: a redrawn line when stderr is a terminal, nothing otherwise (so logs and
 * `--json` pipelines stay clean). Returns the listener to hand to a service, and `done()` to
 * clear the line. The line never wraps: it is fitted to the terminal's width.
 */
export function progressReporter(ctx: CliContext): { update: (p: Progress) => void; done: () => void } {
  if (!ctx.interactive) return { update: () => undefined, done: () => undefined }
  let last = 0
  let lastMessage: string | undefined
  let drawn = false
  return {
    update(p) {
      const t = Date.now()
      // a new phase (message) is always drawn; counts at most ten times a second
      const phaseChanged = p.message !== lastMessage && phaseOf(p.message) !== phaseOf(lastMessage)
      if (!phaseChanged && t - last < 100 && (p.total === null || p.done < p.total)) return
      last = t
      lastMessage = p.message
      ctx.err(`\r\x1b[2K${renderProgress(p, ctx.columns ?? 80)}`)
      drawn = true
    },
    done() {
      if (drawn) ctx.err('\r\x1b[2K')
    }
  }
}

/** The words before the first colon of a message name its phase ("updating findings: …"). */
function phaseOf(message: string | undefined): string {
  return message?.split(':')[0] ?? ''
}

/**
 * One line that fits `columns - 1` characters (a line exactly as wide as the terminal wraps on
 * some terminals):
 * `ingest prowler.json  [######------]  45%  54.2 of 120.5 MB  12.3 MB/s  reading: 12,000 alerts`
 * What does not fit is dropped least-important first: the rate, then the bar; then the message and
 * the operation are shortened with an ellipsis.
 */
export function renderProgress(p: Progress, columns = 80): string {
  const max = Math.max(20, columns - 1)
  const known = p.total !== null && p.total > 0
  const f = known ? Math.min(1, p.done / p.total!) : 0
  const pct = known ? `${Math.round(f * 100)}%` : ''
  const amount = known ? `${quantity(p.done, p.unit, { scale: p.total!, bare: true })} of ${quantity(p.total!, p.unit)}` : quantity(p.done, p.unit)
  const rate = p.rate > 0 ? `${quantity(p.rate, p.unit)}/s` : ''
  const message = p.message ?? ''
  const bar = (width: number): string => {
    const fill = Math.round(f * width)
    return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`
  }
  const join = (parts: string[]): string => parts.filter((x) => x !== '').join('  ')
  const op = p.operation
  const candidates = [op, ellipsis(op, 28)].flatMap((o) => [
    join([o, known ? bar(24) : '', pct, amount, rate, message]),
    join([o, known ? bar(12) : '', pct, amount, rate, message]),
    join([o, known ? bar(12) : '', pct, amount, message]),
    join([o, pct, amount, message])
  ])
  const fitting = candidates.find((c) => c.length <= max)
  if (fitting) return fitting
  // still too long: shorten the message, then the operation
  const fixed = join([pct, amount])
  let opRoom = Math.min(op.length, 28)
  let msgRoom = max - opRoom - fixed.length - 4 - (message ? 2 : 0)
  if (msgRoom < 12 && message) {
    opRoom = Math.max(10, opRoom - (12 - msgRoom))
    msgRoom = max - opRoom - fixed.length - 6
  }
  const line = join([ellipsis(op, opRoom), fixed, message && msgRoom >= 8 ? cut(message, msgRoom) : ''])
  return line.length <= max ? line : ellipsis(line, max)
}

/** Shorten to `room` characters, keeping both ends (file names differ at their start and end). */
export function ellipsis(text: string, room: number): string {
  if (text.length <= room) return text
  if (room <= 1) return text.slice(0, room)
  const head = Math.ceil((room - 1) / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - (room - 1 - head))}`
}

/** Shorten at the end (a message's start names its phase). */
function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`
}

const BYTE_UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const

/**
 * A count as people read it: thousands separators (`12,345 alerts`), bytes in kB/MB/GB with one
 * decimal. `scale` and `bare` write "54.2 of 120.5 MB": the first number in the second's unit,
 * without naming it.
 */
export function quantity(n: number, unit: string, opts: { scale?: number; bare?: boolean } = {}): string {
  const scale = opts.scale ?? n
  let text: string
  let name = unit
  if (unit === 'bytes' && scale >= 1000) {
    let i = 1
    while (i < BYTE_UNITS.length - 1 && scale >= 1000 ** (i + 1)) i++
    text = (n / 1000 ** i).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    name = BYTE_UNITS[i]
  } else text = Math.round(n).toLocaleString('en-US')
  return opts.bare ? text : `${text} ${name}`
}
