import { describe, expect, it } from 'vitest'
import { compareVersions, majorOf, parseVersion, upgradeSize } from './versions'

describe('package versions', () => {
  it('splits epoch, upstream version and release as rpm and dpkg print them', () => {
    expect(parseVersion('1:1.0.2k-24.amzn2.0.6')).toEqual({ epoch: 1, version: '1.0.2k', release: '24.amzn2.0.6' })
    expect(parseVersion('2.31-0ubuntu9.9')).toEqual({ epoch: 0, version: '2.31', release: '0ubuntu9.9' })
    expect(parseVersion('v1.4.0')).toEqual({ epoch: 0, version: '1.4.0', release: '' })
    expect(majorOf('1:3.0.7-27.el9')).toBe(3)
    expect(majorOf('latest')).toBeNull()
  })

  it('orders epoch first, then numbers as numbers and letters as text, then the release', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0)
    expect(compareVersions('1:1.0', '2.0')).toBeGreaterThan(0)
    expect(compareVersions('1.0.2k-24.amzn2.0.6', '1.0.2k-24.amzn2.0.7')).toBeLessThan(0)
    expect(compareVersions('1.0.2k', '1.0.2l')).toBeLessThan(0)
    expect(compareVersions('2.13.4.1', '2.13.4')).toBeGreaterThan(0)
    expect(compareVersions('5.10.215-203.850.amzn2', '5.10.215-203.850.amzn2')).toBe(0)
  })

  it('says a fix is a major upgrade only when no fixed version is in the installed API line', () => {
    expect(upgradeSize('2.13.2', ['2.13.4.1'])).toBe('minor')
    expect(upgradeSize('5.3.20', ['6.0.0'])).toBe('major')
    // any of several fixed versions in the installed line is enough
    expect(upgradeSize('2.14.1', ['3.0.0', '2.17.1'])).toBe('minor')
    // a new epoch is a new line, even with the same numbers
    expect(upgradeSize('1:1.0.2k-24', ['2:1.0.2k-25'])).toBe('major')
    expect(upgradeSize('1:1.0.2k-24.amzn2.0.6', ['1:1.0.2k-24.amzn2.0.7'])).toBe('minor')
    // below 1.0 a minor release may break (semantic versioning)
    expect(upgradeSize('0.4.2', ['0.4.9'])).toBe('minor')
    expect(upgradeSize('0.4.2', ['0.5.0'])).toBe('major')
    expect(upgradeSize('latest', ['1.2.3'])).toBe('unknown')
    expect(upgradeSize('1.2.3', [])).toBe('unknown')
  })
})
