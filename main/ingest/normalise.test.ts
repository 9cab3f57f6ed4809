import { describe, expect, it } from 'vitest'
import { isoTime } from './normalise'

describe('isoTime', () => {
  it('reads each form as UTC ISO 8601, the same whether a time repeats, alternates or is new', () => {
    const cases: Array<[unknown, string | null]> = [
      ['2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.000Z'],
      ['2025-03-01T12:00:00+02:00', '2025-03-01T10:00:00.000Z'],
      ['2025-02-14 14:27:03.913874', '2025-02-14T14:27:03.913Z'],
      ['2025-02-14 16:27:03.9 +0200 CEST', '2025-02-14T14:27:03.900Z'],
      ['1740823200', '2025-03-01T10:00:00.000Z'],
      [1740823200000, '2025-03-01T10:00:00.000Z'],
      ['not a time', null],
      ['  ', null],
      [null, null]
    ]
    // in order, each twice in a row, then in reverse: every answer is the input's own
    for (const [v, want] of [...cases, ...cases.flatMap((c) => [c, c]), ...[...cases].reverse()]) expect(isoTime(v)).toBe(want)
  })
})
