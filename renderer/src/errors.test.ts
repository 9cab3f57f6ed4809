import { describe, expect, it } from 'vitest'
import { ApiCallError } from './api'
import { describeError, sentence } from './errors'

describe('errors as the app shows them', () => {
  it('leaves out command-line flags and code marks, keeping the sentence', () => {
    expect(sentence('/tmp/report.pdf: already exists; Lastmile replaces a file only when told to (--force on the command line) — choose another name or confirm')).toBe(
      '/tmp/report.pdf: already exists; Lastmile replaces a file only when told to — choose another name or confirm.'
    )
    expect(sentence('check it with `lastmile verify`')).toBe('Check it with lastmile verify.')
    expect(sentence('the format chosen, prowler-csv, is a CSV format, but the file is JSON')).toBe('The format chosen, prowler-csv, is a CSV format, but the file is JSON.')
  })

  it('adds what to do by the kind of error', () => {
    const e = new ApiCallError('not-found', 'ingest.import', 'x.json: there is no such file or folder')
    expect(describeError(e)).toBe('X.json: there is no such file or folder. Check the path, or choose the file with Browse….')
    expect(describeError(e)).not.toMatch(/ENOENT|--|`/)
  })
})
