import { describe, expect, it } from 'vitest'
import { actorName, actorRole, shortHash, summarizeDetails } from './format'

describe('audit formatting', () => {
  it('summarises details as sorted key=value pairs, cutting long ones', () => {
    expect(summarizeDetails({ schema: 10, name: 'Acme' })).toBe('name=Acme · schema=10')
    expect(summarizeDetails({ list: [1, 2, 3], nested: { a: 1 }, none: null })).toBe('list=[3] · nested={…} · none=—')
    const long = summarizeDetails({ text: 'x'.repeat(500) }, 40)
    expect(long).toHaveLength(40)
    expect(long.endsWith('…')).toBe(true)
  })
  it('names people with their role and the engine as such', () => {
    expect([actorName({ kind: 'person', name: 'Dana', role: 'approver' }), actorRole({ kind: 'person', name: 'Dana', role: 'approver' })]).toEqual(['Dana', 'approver'])
    expect([actorName({ kind: 'engine', name: 'ingest' }), actorRole({ kind: 'engine', name: 'ingest' })]).toEqual(['ingest (engine)', 'engine'])
    expect(shortHash('0123456789abcdef0123')).toBe('0123456789ab')
  })
})
