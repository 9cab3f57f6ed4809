import { describe, expect, it } from 'vitest'
import { combineShares, sharePercent, shareSentence } from './catalogue-share'

describe('the catalogue share in words', () => {
  it('names the share, the count and the per-tool controls with most alerts', () => {
    const s = {
      failing: 1234,
      catalogued: 1214,
      fallback: [
        { control: 'prowler.foo', alerts: 12 },
        { control: 'wiz.bar', alerts: 8 }
      ]
    }
    expect(shareSentence(s)).toBe('98.3% of 1,234 failing alerts on catalogued controls; 20 on per-tool controls: prowler.foo (12), wiz.bar (8)')
  })

  it('says how many per-tool controls it does not name', () => {
    const fallback = ['a', 'b', 'c', 'd'].map((x, i) => ({ control: `trivy.${x}`, alerts: 4 - i }))
    expect(shareSentence({ failing: 20, catalogued: 10, fallback }, 2)).toBe(
      '50.0% of 20 failing alerts on catalogued controls; 10 on per-tool controls: trivy.a (4), trivy.b (3) and 2 more'
    )
  })

  it('rounds down and never says 100% or 0% unless it is', () => {
    expect(sharePercent({ failing: 10_000, catalogued: 9_999, fallback: [{ control: 'x.y', alerts: 1 }] })).toBe('99.9%')
    expect(sharePercent({ failing: 10_000, catalogued: 1, fallback: [{ control: 'x.y', alerts: 9_999 }] })).toBe('0.1%')
    expect(sharePercent({ failing: 3, catalogued: 0, fallback: [{ control: 'x.y', alerts: 3 }] })).toBe('0%')
    expect(shareSentence({ failing: 1, catalogued: 1, fallback: [] })).toBe('100% of 1 failing alert on catalogued controls')
  })

  it('says nothing when nothing failed', () => {
    expect(shareSentence({ failing: 0, catalogued: 0, fallback: [] })).toBeNull()
  })

  it('adds the imports of one ingest together, a per-tool control of two files once', () => {
    expect(
      combineShares([
        { failing: 5, catalogued: 3, fallback: [{ control: 'prowler.a', alerts: 2 }] },
        { failing: 0, catalogued: 0, fallback: [] },
        {
          failing: 4,
          catalogued: 0,
          fallback: [
            { control: 'wiz.b', alerts: 3 },
            { control: 'prowler.a', alerts: 1 }
          ]
        }
      ])
    ).toEqual({
      failing: 9,
      catalogued: 3,
      fallback: [
        { control: 'prowler.a', alerts: 3 },
        { control: 'wiz.b', alerts: 3 }
      ]
    })
  })
})
