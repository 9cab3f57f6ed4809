import { describe, expect, it } from 'vitest'
import { estimateBits, passphraseStrength } from './passphrase'

describe('passphraseStrength', () => {
  it('calls anything under the contract minimum too short', () => {
    expect(passphraseStrength('Ab1!xyz').level).toBe('too-short')
  })
  it('rates a long phrase of words strong and a short single word weak', () => {
    expect(passphraseStrength('correct horse battery staple').level).toBe('strong')
    expect(passphraseStrength('password').level).toBe('weak')
  })
  it('does not reward repeating one character', () => {
    expect(estimateBits('aaaaaaaaaaaaaaaaaaaaaaaa')).toBeLessThan(estimateBits('abcdefgh'))
    expect(passphraseStrength('aaaaaaaaaaaaaaaaaaaaaaaa').level).toBe('weak')
  })
})
