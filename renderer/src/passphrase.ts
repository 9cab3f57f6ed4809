// The contract (shared/contract.ts) refuses passphrases shorter than this; checking it here
// too lets the form say so next to the field before anything is sent.
export const MIN_PASSPHRASE_LENGTH = 8

type StrengthLevel = 'too-short' | 'weak' | 'fair' | 'strong'

export interface Strength {
  level: StrengthLevel
  label: string
  advice: string
}

/**
 * A rough guess, in bits, of how hard the passphrase is to brute-force: the length times the
 * log of the alphabet it draws from, with repeated characters counted once. The case key is
 * stretched by SQLCipher's KDF, but a guessable passphrase stays guessable: aim for "strong".
 */
export function estimateBits(p: string): number {
  if (!p) return 0
  let pool = 0
  if (/[a-z]/.test(p)) pool += 26
  if (/[A-Z]/.test(p)) pool += 26
  if (/[0-9]/.test(p)) pool += 10
  if (/[^a-zA-Z0-9]/.test(p)) pool += 33
  const distinct = new Set(p).size
  const effectiveLength = Math.min(p.length, distinct * 2)
  return Math.round(effectiveLength * Math.log2(Math.max(pool, 2)))
}

export function passphraseStrength(p: string): Strength {
  if (p.length < MIN_PASSPHRASE_LENGTH) {
    return {
      level: 'too-short',
      label: 'Too short',
      advice: `Use at least ${MIN_PASSPHRASE_LENGTH} characters; four or more unrelated words are easy to remember and hard to guess.`
    }
  }
  const bits = estimateBits(p)
  if (bits < 50) return { level: 'weak', label: 'Weak', advice: 'Make it longer: add a few unrelated words.' }
  if (bits < 75) return { level: 'fair', label: 'Fair', advice: 'Acceptable; one or two more words would make it strong.' }
  return { level: 'strong', label: 'Strong', advice: 'Keep it somewhere safe: without it the case cannot be opened.' }
}
