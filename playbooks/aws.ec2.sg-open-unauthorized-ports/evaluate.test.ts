// The security-group kit asked EC2.18's question: every TCP/UDP port but the authorised ones (80, 443).
// The evaluator's reading of ranges, UDP and all-traffic rules, the ranges revoked, and the authorised
// ports the plan keeps from the same range.
import { describe, expect, it } from 'vitest'
import type { IpPermission } from '../../main/semantics/inventory'
import type { SgRuleConfig } from '../../main/semantics/facets'
import { authorisedPortsOf, authorisedPortsVerdict, planAuthorisedFix, unauthorisedStretches } from '../../main/controls/security-group/authorised-ports'
import { LastmileError } from '../../main/errors'

const perm = (IpProtocol: string, from: number | undefined, to: number | undefined, v4: string[] = [], v6: string[] = []): IpPermission => ({
  IpProtocol,
  ...(from === undefined ? {} : { FromPort: from, ToPort: to }),
  IpRanges: v4.map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 }))
})
const verdict = (...IpPermissions: IpPermission[]) => authorisedPortsVerdict({ IpPermissions }).verdict
const rule = (protocol: string, fromPort: number | null, toPort: number | null, cidrs: string[], ipv6: string[] = [], descriptions?: Record<string, string>): SgRuleConfig => ({
  protocol,
  fromPort,
  toPort,
  cidrs,
  ipv6,
  prefixLists: [],
  groups: [],
  ...(descriptions ? { descriptions } : {})
})

describe('aws.ec2.sg-open-unauthorized-ports evaluator', () => {
  it('PASS: only 80 and 443 open to the internet; other ports only to private or office ranges', () => {
    expect(
      verdict(perm('tcp', 80, 80, ['0.0.0.0/0']), perm('tcp', 443, 443, ['0.0.0.0/0'], ['::/0']), perm('tcp', 22, 22, ['10.0.0.0/8']), perm('udp', 53, 53, ['198.51.100.0/24']))
    ).toEqual({
      status: 'PASS',
      reason: 'no inbound rule opens a TCP or UDP port other than the authorised ones to the internet (authorised ports: tcp 80 and 443)'
    })
    // ICMP is neither TCP nor UDP: EC2.18's rule does not ask about it
    expect(verdict(perm('icmp', -1, -1, ['0.0.0.0/0'])).status).toBe('PASS')
  })
  it('FAIL: a range that straddles 80 and 443 is open on everything around them, named by stretch', () => {
    expect(verdict(perm('tcp', 0, 65535, ['0.0.0.0/0']))).toEqual({
      status: 'FAIL',
      reason: 'tcp 0-79, tcp 81-442, tcp 444-65535 are open to the internet: every IPv4 address is admitted (0.0.0.0/0 in rule 1 (tcp 0-65535)); authorised ports: tcp 80 and 443'
    })
    expect(verdict(perm('tcp', 443, 444, ['0.0.0.0/0'])).reason).toMatch(/^tcp 444 is open to the internet/)
  })
  it('FAIL: UDP (no UDP port is authorised), all traffic (-1, every TCP and UDP port), protocol numbers, and 0.0.0.0/0 split in two', () => {
    expect(verdict(perm('udp', 443, 443, ['0.0.0.0/0'])).reason).toMatch(/^udp 443 is open to the internet/)
    expect(verdict(perm('17', 500, 500, [], ['::/0'])).reason).toMatch(/^udp 500 is open to the internet: every IPv6 address/)
    expect(verdict(perm('-1', undefined, undefined, ['0.0.0.0/0'])).reason).toMatch(/^tcp 0-79, tcp 81-442, tcp 444-65535, udp 0-65535 are open/)
    expect(verdict(perm('6', 8080, 8080, ['0.0.0.0/1']), perm('tcp', 8000, 9000, ['128.0.0.0/1'])).reason).toMatch(/^tcp 8080 is open to the internet/)
    // the two halves alone are not open: 8000-8079 admits only 128.0.0.0/1
    expect(unauthorisedStretches([perm('6', 8080, 8080, ['0.0.0.0/1']), perm('tcp', 8000, 9000, ['128.0.0.0/1'])]).map((s) => [s.from, s.to, s.finding.state])).toEqual([
      [8000, 8079, 'restricted'],
      [8080, 8080, 'open'],
      [8081, 9000, 'restricted']
    ])
  })
  it('UNKNOWN: a prefix list is the only way an unauthorised port might be open', () => {
    const v = verdict({ ...perm('tcp', 5432, 5432), PrefixListIds: [{ PrefixListId: 'pl-0abc' }] })
    expect(v.status).toBe('UNKNOWN')
    expect(v.reason).toContain('pl-0abc')
  })
  it('other authorised ports are a parameter: tcp 8443 authorised, udp 1194 authorised', () => {
    const auth = { tcp: [443, 8443], udp: [1194] }
    expect(authorisedPortsVerdict({ IpPermissions: [perm('tcp', 8443, 8443, ['0.0.0.0/0']), perm('udp', 1194, 1194, ['0.0.0.0/0'])] }, auth).verdict.status).toBe('PASS')
    expect(authorisedPortsVerdict({ IpPermissions: [perm('tcp', 80, 80, ['0.0.0.0/0'])] }, auth).verdict.status).toBe('FAIL')
  })
})

describe('aws.ec2.sg-open-unauthorized-ports plan', () => {
  it('a rule on unauthorised ports only is revoked with nothing added back; an office range beside it stays', () => {
    const plan = planAuthorisedFix('sg-1', [rule('tcp', 8443, 8443, ['0.0.0.0/0', '198.51.100.0/24']), rule('tcp', 443, 443, ['0.0.0.0/0'])])
    expect(plan.revoke.permissions).toEqual([{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }])
    expect(plan.keep).toEqual([])
    expect(plan.revoke.sideEffects).toEqual([])
    expect(plan.revoke.after.status).toBe('PASS')
  })
  it('tcp 0-65535 from anywhere: revoked, and 80 and 443 authorized from 0.0.0.0/0 first; the rollback restores the Description', () => {
    const plan = planAuthorisedFix('sg-1', [rule('tcp', 0, 65535, ['0.0.0.0/0', '10.0.0.0/8'], [], { '0.0.0.0/0': 'legacy' })])
    expect(plan.revoke.permissions).toEqual([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }])
    expect(plan.revoke.restore).toEqual([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'legacy' }] }])
    expect(plan.keep.map((k) => [k.permission.IpProtocol, k.permission.FromPort, k.permission.IpRanges?.[0]?.CidrIp])).toEqual([
      ['tcp', 80, '0.0.0.0/0'],
      ['tcp', 443, '0.0.0.0/0']
    ])
    expect(plan.revoke.sideEffects[0]).toMatch(/also closes the other ports that rule opens/)
  })
  it('all traffic from 0.0.0.0/0 and ::/0: 80 and 443 kept for both families, except where another rule already admits them', () => {
    const plan = planAuthorisedFix('sg-1', [rule('-1', null, null, ['0.0.0.0/0'], ['::/0']), rule('tcp', 443, 443, ['0.0.0.0/0'])])
    expect(plan.revoke.permissions).toHaveLength(2)
    expect(plan.keep.map((k) => `${k.permission.FromPort} ${k.permission.IpRanges?.[0]?.CidrIp ?? k.permission.Ipv6Ranges?.[0]?.CidrIpv6}`)).toEqual([
      '80 0.0.0.0/0',
      '80 ::/0',
      '443 ::/0'
    ])
    expect(plan.revoke.after.status).toBe('PASS')
  })
  it('refuses a group with nothing but authorised ports open', () => {
    expect(() => planAuthorisedFix('sg-1', [rule('tcp', 80, 80, ['0.0.0.0/0'])])).toThrow(LastmileError)
  })
})

describe('aws.ec2.sg-open-unauthorized-ports: the authorised ports a finding carries', () => {
  /** a Security Hub finding (ASFF) as the alert record keeps it, with the control's parameters */
  const asff = (id: string, params?: Array<{ Name: string; Value: string[] }>) => ({
    id,
    raw: JSON.stringify({ Id: id, Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.18', ...(params ? { SecurityControlParameters: params } : {}) } })
  })

  it("reads authorizedTcpPorts / authorizedUdpPorts from the finding's Security Hub alerts, else AWS's defaults", () => {
    const given = authorisedPortsOf([
      asff('A-1', [
        { Name: 'authorizedTcpPorts', Value: ['443', '8443'] },
        { Name: 'authorizedUdpPorts', Value: ['1194'] }
      ]),
      { id: 'A-2', raw: '{"CheckID":"some_prowler_check"}' }
    ])
    expect(given).toMatchObject({ ports: { tcp: [443, 8443], udp: [1194] }, from: expect.stringContaining('A-1') })
    expect(authorisedPortsOf([asff('A-1')])).toMatchObject({ ports: { tcp: [80, 443], udp: [] }, from: expect.stringContaining('defaults') })
    // a parameter left out keeps its default; the Config rule's ranges are read
    expect(authorisedPortsOf([asff('A-1', [{ Name: 'authorizedUdpPorts', Value: ['500-501'] }])])).toMatchObject({ ports: { tcp: [80, 443], udp: [500, 501] } })
  })

  it('refuses to guess: two alerts with different ports, or a value that is not a port, say why', () => {
    expect(authorisedPortsOf([asff('A-1', [{ Name: 'authorizedTcpPorts', Value: ['443'] }]), asff('A-2', [{ Name: 'authorizedTcpPorts', Value: ['443', '8443'] }])])).toEqual({
      error: 'the alerts give authorizedTcpPorts different values: 443 (A-1) and 443,8443 (A-2)'
    })
    expect(authorisedPortsOf([asff('A-1', [{ Name: 'authorizedTcpPorts', Value: ['https'] }])])).toEqual({
      error: 'authorizedTcpPorts value "https" is not a port (0-65535) or a range of ports (A-1)'
    })
    expect(authorisedPortsOf([asff('A-1', [{ Name: 'authorizedTcpPorts', Value: ['1-65535'] }])])).toMatchObject({ error: expect.stringContaining('spans more than 1024 ports') })
  })

  it('judges and fixes a group against those ports: 8443 authorised stays, 9200 is revoked', () => {
    const tcp8443 = { tcp: [443, 8443], udp: [] }
    const ingress = [rule('tcp', 443, 443, ['0.0.0.0/0']), rule('tcp', 8443, 8443, ['0.0.0.0/0']), rule('tcp', 9200, 9200, ['0.0.0.0/0'])]
    expect(authorisedPortsVerdict({ IpPermissions: [perm('tcp', 443, 443, ['0.0.0.0/0']), perm('tcp', 8443, 8443, ['0.0.0.0/0'])] }, tcp8443).verdict.status).toBe('PASS')
    expect(authorisedPortsVerdict({ IpPermissions: [perm('tcp', 8443, 8443, ['0.0.0.0/0'])] }).verdict.status).toBe('FAIL')
    const plan = planAuthorisedFix('sg-1', ingress, tcp8443)
    expect(plan.revoke.permissions.map((p) => [p.IpProtocol, p.FromPort, p.ToPort])).toEqual([['tcp', 9200, 9200]])
    expect(planAuthorisedFix('sg-1', ingress).revoke.permissions.map((p) => p.FromPort)).toEqual([8443, 9200])
  })
})
