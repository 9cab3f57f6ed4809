// sg-revoke.ts: exactly which ranges the fix revokes, chosen with the evaluator's reading of the
// group (the scripts that revoke them run in main/remediate/remediate.test.ts and sg-emulator.test.ts).
import { describe, expect, it } from 'vitest'
import { OPEN_GROUP_RULES, SPLIT_GROUP_RULES } from '../../../test/fixtures/remediation/scenario'
import { securityGroupVerdict } from './evaluate'
import { computeSgRevoke } from './sg-revoke'

function toConfig(r: (typeof OPEN_GROUP_RULES)[number] | (typeof SPLIT_GROUP_RULES)[number]) {
  return {
    protocol: r.IpProtocol,
    fromPort: r.FromPort,
    toPort: r.ToPort,
    cidrs: r.IpRanges.map((x) => x.CidrIp),
    ipv6: r.Ipv6Ranges.map((x: { CidrIpv6: string }) => x.CidrIpv6),
    prefixLists: [],
    groups: []
  }
}

describe('security group: revoke exactly the open ranges', () => {
  it('revokes 0.0.0.0/0 on 22 and ::/0 on 3389, keeping the office range and 443', () => {
    const r = computeSgRevoke('sg-x', OPEN_GROUP_RULES.map(toConfig))
    expect(r.permissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }
    ])
    expect(r.sideEffects).toEqual([])
    expect(r.after.status).toBe('PASS')
  })

  it('closes a split 0.0.0.0/1 + 128.0.0.0/1 with one revocation, as the evaluator reads it', () => {
    const r = computeSgRevoke('sg-y', SPLIT_GROUP_RULES.map(toConfig))
    expect(r.permissions).toHaveLength(1)
    expect(r.permissions[0]).toMatchObject({ IpProtocol: '6', FromPort: 22, ToPort: 22 })
    expect(r.after.status).toBe('PASS')
  })

  it('names what an all-traffic rule also closes', () => {
    const r = computeSgRevoke('sg-z', [{ protocol: '-1', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'], ipv6: [], prefixLists: [], groups: [] }])
    expect(r.permissions).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }])
    expect(r.sideEffects[0]).toMatch(/all traffic.*also closes the other ports/)
    const before = securityGroupVerdict({ IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })
    expect(before.verdict.status).toBe('FAIL')
  })
})
