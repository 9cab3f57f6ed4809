import { describe, expect, it } from 'vitest'
import { globCoversPrefix, globMatch, globMayMatchPrefix, isFixedValue } from './policy-glob'

describe('IAM wildcard matching', () => {
  it('matches * and ? like IAM, case-sensitively unless asked', () => {
    expect(globMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/k/x.txt')).toBe(true)
    expect(globMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b')).toBe(false)
    expect(globMatch('arn:aws:s3:::b?', 'arn:aws:s3:::bx')).toBe(true)
    expect(globMatch('arn:aws:s3:::B', 'arn:aws:s3:::b')).toBe(false)
    expect(globMatch('S3:GetObject', 's3:getobject', true)).toBe(true)
    expect(globMatch('*', '')).toBe(true)
    expect(globMatch('a*b*c', 'aXXbYYc')).toBe(true)
    expect(globMatch('a*b*c', 'aXXbYY')).toBe(false)
  })

  it('does not backtrack exponentially on hostile patterns', () => {
    const start = Date.now()
    expect(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false)
    expect(Date.now() - start).toBeLessThan(2000)
  })

  it('knows when a pattern covers every string with a prefix (all S3 actions, every object)', () => {
    for (const p of ['*', 's3:*', 's3*', 's*', '*:*', 's3:**', 's?:*']) expect(globCoversPrefix(p, 's3:', true)).toBe(true)
    for (const p of ['s3:Get*', 's3:GetObject', 'ec2:*', 's3:*Object', 's3:?*']) expect(globCoversPrefix(p, 's3:', true)).toBe(false)
    expect(globCoversPrefix('arn:aws:s3:::b/*', 'arn:aws:s3:::b/')).toBe(true)
    expect(globCoversPrefix('arn:aws:s3:::b*', 'arn:aws:s3:::b/')).toBe(true)
    expect(globCoversPrefix('arn:aws:s3:::b/uploads/*', 'arn:aws:s3:::b/')).toBe(false)
    expect(globCoversPrefix('arn:aws:s3:::other/*', 'arn:aws:s3:::b/')).toBe(false)
  })

  it('knows when a pattern can match some string with a prefix (NotAction / NotResource carve-outs)', () => {
    expect(globMayMatchPrefix('s3:GetObject', 's3:', true)).toBe(true)
    expect(globMayMatchPrefix('iam:*', 's3:', true)).toBe(false)
    expect(globMayMatchPrefix('arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/')).toBe(true)
    expect(globMayMatchPrefix('arn:aws:s3:::b', 'arn:aws:s3:::b/')).toBe(false)
  })

  it('calls a value fixed only without wildcards or policy variables', () => {
    expect(isFixedValue('vpc-91237329')).toBe(true)
    expect(isFixedValue('vpc-*')).toBe(false)
    expect(isFixedValue('o-?bc')).toBe(false)
    expect(isFixedValue('${aws:username}')).toBe(false)
    expect(isFixedValue('')).toBe(false)
  })
})
