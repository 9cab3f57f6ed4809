import { describe, expect, it } from 'vitest'
import { renderProgress } from './progress'

describe('the CLI progress line', () => {
  it('shows a bar and a percentage when the total is known', () => {
    expect(renderProgress({ operation: 'ingest', done: 450, total: 1000, unit: 'records', rate: 21000 }, 10)).toBe(
      'ingest  [#####-----]  45%  450 records  21 k records/s'
    )
  })
  it('shows counts and rate when it is not', () => {
    expect(renderProgress({ operation: 'scan', done: 1_500_000, total: null, unit: 'bytes', rate: 2.5e9 })).toBe(
      'scan  1.5 M bytes  2.5 G bytes/s'
    )
  })
})
