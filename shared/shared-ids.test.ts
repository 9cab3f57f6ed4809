import { describe, expect, it } from 'vitest'
import { sharedIdsSentence } from './shared-ids'

describe('sharedIdsSentence', () => {
  it('says nothing when no id was shared, and names the count and an example otherwise', () => {
    expect(sharedIdsSentence({ ids: 0, alerts: 0, example: null })).toBeNull()
    expect(sharedIdsSentence({ ids: 1, alerts: 3, example: { tool: 'prowler', toolFindingId: '<finding_uid>', rules: ['a', 'b', 'c'] } })).toBe(
      '3 alerts share 1 finding id across different checks (e.g. prowler <finding_uid>: a, b, c); each check is kept as its own alert'
    )
    expect(sharedIdsSentence({ ids: 1200, alerts: 2400, example: null })).toBe('2,400 alerts share 1,200 finding ids across different checks; each check is kept as its own alert')
  })
})
