import { describe, expect, it } from 'vitest'
import { packagesOf } from './vulnerable-packages'

describe("vulnerable packages from the scanners' records", () => {
  it('reads Inspector through Security Hub: the package with epoch and release, the fix, the exploit', () => {
    const raw = JSON.stringify({
      Vulnerabilities: [
        {
          Id: 'CVE-2023-0286',
          FixAvailable: 'YES',
          ExploitAvailable: 'YES',
          VulnerablePackages: [{ Name: 'openssl', Epoch: '1', Version: '1.0.2k', Release: '24.amzn2.0.6', PackageManager: 'OS', FixedInVersion: '1:1.0.2k-24.amzn2.0.7' }]
        }
      ]
    })
    expect(packagesOf({ id: 'A-1', ruleId: 'CVE-2023-0286', format: 'asff', raw, context: null })).toEqual([
      { alert: 'A-1', vulnerability: 'CVE-2023-0286', pkg: 'openssl', installed: '1:1.0.2k-24.amzn2.0.6', fixed: ['1:1.0.2k-24.amzn2.0.7'], layer: 'os', exploit: true, kev: null }
    ])
  })

  it("reads Inspector's own export, and names no fix when it says none is available", () => {
    const raw = JSON.stringify({
      fixAvailable: 'NO',
      exploitAvailable: 'NO',
      packageVulnerabilityDetails: {
        vulnerabilityId: 'CVE-2024-25062',
        vulnerablePackages: [{ name: 'lxml', version: '4.9.1', packageManager: 'PYTHONPKG', fixedInVersion: 'NotAvailable' }]
      }
    })
    const [p] = packagesOf({ id: 'A-2', ruleId: 'CVE-2024-25062', format: 'inspector-json', raw, context: null })
    expect(p).toMatchObject({ pkg: 'lxml', installed: '4.9.1', fixed: [], layer: 'app', exploit: false })
  })

  it("reads Wiz's vulnerability CSV with its exploit and CISA KEV flags", () => {
    const header = 'Name,HasExploit,HasCisaKevExploit,DetailedName,Version,FixedVersion,DetectionMethod'
    const [p] = packagesOf({
      id: 'A-3',
      ruleId: 'CVE-2023-4911',
      format: 'wiz-vulnerabilities-csv',
      raw: 'CVE-2023-4911,true,true,glibc,2.35-0ubuntu3.3,2.35-0ubuntu3.4,OS Package',
      context: { header }
    })
    expect(p).toMatchObject({ vulnerability: 'CVE-2023-4911', pkg: 'glibc', fixed: ['2.35-0ubuntu3.4'], layer: 'os', exploit: true, kev: true })
  })

  it('names no package for a record that carries none (a Wiz issue row)', () => {
    expect(packagesOf({ id: 'A-4', ruleId: 'x', format: 'wiz-issues-csv', raw: 'a,b', context: { header: 'Title,Status' } })).toEqual([])
  })
})
