// Coverage said in words: a partial coverage always names what is missing.
import { describe, expect, it } from 'vitest'
import type { Coverage } from '../../shared/evidence'
import { coverageText } from './step-common'

const base: Coverage = {
  source: 'aws.cloudtrail.s3-data',
  resourceId: 'arn:aws:s3:::data',
  state: 'partial',
  window: { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' },
  first: '2026-08-22T00:17:00Z',
  last: '2026-11-19T18:17:00Z',
  records: 1200,
  files: 4,
  gaps: [],
  problems: [],
  evidence: [],
  notes: []
}

describe('coverageText', () => {
  it('a write-only or key-prefix data-event selector: partly covered, saying what is and is not recorded (never an empty reason)', () => {
    const explanation =
      "only part of the bucket's S3 data events are recorded — reads are not recorded, writes of every object are recorded (t: basic selector (WriteOnly) records writes only of every object)"
    const text = coverageText({ ...base, recording: { recorded: 'some', reads: 'none', writes: 'all', trails: [], since: null, until: null, explanation } }, 'S3 data events')
    expect(text).toBe(`S3 data events: only partly covered — ${explanation}`)
    expect(text).not.toMatch(/— ;|—\s*$/)
  })

  it('gaps, then unreadable files, then a note: the first thing that explains the partial coverage', () => {
    const gap = { from: '2026-09-01T00:00:00Z', to: '2026-09-03T00:00:00Z', reason: 'no-records' as const, detail: 'silence' }
    expect(coverageText({ ...base, gaps: [gap] }, 'CloudTrail')).toBe('CloudTrail: only partly covered — 2026-09-01 to 2026-09-03: no records')
    expect(coverageText({ ...base, problems: [{ evidence: 'evf-1', path: 'aws/1/cloudtrail/x.json.gz', place: 'byte 120', problem: 'bad gzip' }] }, 'CloudTrail')).toBe(
      'CloudTrail: only partly covered — 1 unreadable file (aws/1/cloudtrail/x.json.gz at byte 120: bad gzip)'
    )
    expect(coverageText({ ...base, notes: ['the collector skipped 3 pages'] }, 'CloudTrail')).toBe('CloudTrail: only partly covered — the collector skipped 3 pages')
  })
})
