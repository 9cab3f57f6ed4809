import { BadEvidence } from '../semantics/bad-evidence'
import type { EvidenceLimits } from '../semantics/limits'

/**
 * Split decompressed chunks into lines (LF or CRLF), calling `onLine` with the text and its
 * 1-based number. A line longer than the record limit is refused with its number: a log line is
 * never megabytes long, a binary file fed as a log is.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  display: string,
  limits: EvidenceLimits,
  onLine: (line: string, lineNo: number) => void | Promise<void>
): Promise<number> {
  let rest: Buffer | null = null
  let lineNo = 0
  for await (const chunk of chunks) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
    let start = 0
    for (;;) {
      const nl = buf.indexOf(0x0a, start)
      if (nl < 0) break
      const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl
      lineNo++
      const r = onLine(buf.toString('utf8', start, end), lineNo)
      if (r) await r
      start = nl + 1
    }
    rest = start < buf.length ? buf.subarray(start) : null
    if (rest && rest.length > limits.maxRecordBytes) {
      throw new BadEvidence(display, `line ${lineNo + 1}`, `a line longer than ${limits.maxRecordBytes} bytes (not a log file?)`)
    }
    buf = Buffer.alloc(0)
  }
  if (rest && rest.length) {
    lineNo++
    const r = onLine(rest.toString('utf8'), lineNo)
    if (r) await r
  }
  return lineNo
}
