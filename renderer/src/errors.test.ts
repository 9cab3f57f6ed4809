import { describe, expect, it } from 'vitest'
import { ApiCallError } from './api'
import { describeError, sentence } from './errors'

describe('describeError', () => {
  it('turns an envelope error into a sentence followed by what to do', () => {
    const e = new ApiCallError('wrong-key', 'case.open', '/cases/a.lmcase: cannot decrypt the case: the passphrase is wrong')
    expect(describeError(e)).toBe(
      '/cases/a.lmcase: cannot decrypt the case: the passphrase is wrong. Check the passphrase (it is case-sensitive) and try again.'
    )
  })
  it('capitalises a message that starts with a word and keeps its own full stop', () => {
    expect(sentence('no case is open: create a case or open one first')).toBe('No case is open: create a case or open one first.')
    expect(sentence('Done.')).toBe('Done.')
  })
  it('explains an unexpected failure without a stack trace', () => {
    const text = describeError(new TypeError('x is undefined'))
    expect(text).toMatch(/^Something went wrong in this window: x is undefined\. This is a fault in Lastmile/)
    expect(text).not.toMatch(/\n\s+at /)
  })
})
