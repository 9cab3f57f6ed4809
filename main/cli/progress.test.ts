import { describe, expect, it } from 'vitest'
import type { Progress } from '../../shared/model'
import type { CliContext } from './context'
import { ellipsis, progressReporter, quantity, renderProgress } from './progress'

describe('the CLI progress line', () => {
  it('shows a bar, a percentage and counts with thousands separators when the total is known', () => {
    expect(renderProgress({ operation: 'investigate', done: 4500, total: 10000, unit: 'findings', rate: 2100, message: 'F-4500' }, 100)).toBe(
      'investigate  [###########-------------]  45%  4,500 of 10,000 findings  2,100 findings/s  F-4500'
    )
  })

  it('writes bytes in one unit as people read them', () => {
    expect(quantity(54_200_000, 'bytes', { scale: 120_500_000, bare: true })).toBe('54.2')
    expect(quantity(120_500_000, 'bytes')).toBe('120.5 MB')
    expect(quantity(999, 'bytes')).toBe('999 bytes')
    expect(quantity(30_000, 'findings')).toBe('30,000 findings')
    expect(renderProgress({ operation: 'scan', done: 1_500_000, total: null, unit: 'bytes', rate: 2.5e9 })).toBe('scan  1.5 MB  2.5 GB/s')
  })

  it('never wraps at 80 columns, whatever the file name and phase', () => {
    const long: Progress = {
      operation: 'ingest securityhub-findings-production-eu-west-1-2026-11-30-full-export.json',
      done: 812_345_678,
      total: 1_234_567_890,
      unit: 'bytes',
      rate: 48_000_000,
      message: 'updating findings: 1,204,331 alerts read'
    }
    for (const columns of [40, 60, 80, 120]) {
      const line = renderProgress(long, columns)
      expect(line.length, `${columns}: ${line}`).toBeLessThan(columns)
      expect(line).toContain('66%')
    }
    // at 80 columns the phase stays readable: it is the message's start that is kept
    expect(renderProgress(long, 80)).toMatch(/updating findings/)
    // a wide terminal gets everything
    expect(renderProgress(long, 200)).toBe(
      'ingest securityhub-findings-production-eu-west-1-2026-11-30-full-export.json  [################--------]  66%  0.8 of 1.2 GB  48.0 MB/s  updating findings: 1,204,331 alerts read'
    )
  })

  it('shortens in the middle so both ends of a name stay', () => {
    expect(ellipsis('securityhub-findings-2026.json', 15)).toBe('securit…26.json')
    expect(ellipsis('short', 15)).toBe('short')
  })

  it('draws every phase, even one that starts within the same tenth of a second', () => {
    const lines: string[] = []
    const ctx = { interactive: true, columns: 80, err: (t: string) => lines.push(t) } as unknown as CliContext
    const bar = progressReporter(ctx)
    const p = { operation: 'ingest sh.json', total: 10_000_000, unit: 'bytes', rate: 0 }
    bar.update({ ...p, done: 100_000, message: 'reading: 10 alerts' })
    bar.update({ ...p, done: 200_000, message: 'reading: 20 alerts' })
    bar.update({ ...p, done: 9_900_000, message: 'updating findings: 30 alerts read' })
    bar.done()
    expect(lines.map((l) => l.replace('\r\x1b[2K', ''))).toEqual([
      'ingest sh.json  [------------]  1%  0.1 of 10.0 MB  reading: 10 alerts',
      // the bar gives way to the words at 80 columns
      'ingest sh.json  99%  9.9 of 10.0 MB  updating findings: 30 alerts read',
      ''
    ])
  })
})
