import { describe, expect, it } from 'vitest'
import type { IpPermission } from '../../main/semantics/inventory'
import { portFinding, reaches, securityGroupVerdict } from '../../main/controls/security-group/evaluate'

const tcp = (from: number, to: number, v4: string[] = [], v6: string[] = [], extra: Partial<IpPermission> = {}): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: v4.map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 })),
  ...extra
})
const verdict = (...IpPermissions: IpPermission[]) => securityGroupVerdict({ IpPermissions }).verdict

describe('which rules reach an admin port', () => {
  it('TCP by name or number, port ranges, all-traffic rules; not UDP or ICMP', () => {
    expect(reaches(tcp(22, 22), 22)).toBe('yes')
    expect(reaches({ ...tcp(22, 22), IpProtocol: '6' }, 22)).toBe('yes')
    expect(reaches(tcp(0, 65535), 3389)).toBe('yes')
    expect(reaches(tcp(20, 21), 22)).toBe('no')
    expect(reaches(tcp(23, 3388), 22)).toBe('no')
    expect(reaches({ IpProtocol: '-1' }, 3389)).toBe('yes')
    expect(reaches({ ...tcp(3389, 3389), IpProtocol: 'udp' }, 3389)).toBe('no')
    expect(reaches({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }, 22)).toBe('no')
    expect(reaches({ IpProtocol: 'tcp' }, 22)).toMatchObject({ unknown: expect.any(String) })
  })
})

describe('aws.ec2.sg-open-admin-ports', () => {
  it('FAIL: 0.0.0.0/0 or ::/0 on 22 or 3389', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/0']))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('port 22/tcp (SSH) is open to the internet: every IPv4 address') })
    expect(verdict(tcp(3389, 3389, [], ['::/0']))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('port 3389/tcp (RDP) is open to the internet: every IPv6 address')
    })
  })
  it('FAIL: an all-protocols rule open to the world', () => {
    expect(verdict({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/22\/tcp.*3389\/tcp/) })
  })
  it('FAIL: a port range covering 22', () => {
    expect(verdict(tcp(0, 1024, ['0.0.0.0/0'])).status).toBe('FAIL')
  })
  it('FAIL: 0.0.0.0/1 + 128.0.0.0/1 together, even in two rules with different port ranges', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/1', '128.0.0.0/1'])).status).toBe('FAIL')
    expect(verdict(tcp(22, 22, ['0.0.0.0/1']), tcp(1, 65535, ['128.0.0.0/1'])).status).toBe('FAIL')
  })
  it('FAIL: every public address even when private space is left out', () => {
    const v = verdict(tcp(22, 22, ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1']))
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('every public IPv4 address (all but private and reserved space)') })
  })
  it('names under "every address admitted" only the blocks that admit internet addresses', () => {
    const v = verdict(tcp(22, 22, ['0.0.0.0/0', '172.16.0.0/12', '192.168.0.0/16']))
    expect(v.reason).toContain('every IPv4 address is admitted (0.0.0.0/0 in rule 1 (tcp 22))')
    expect(v.reason).not.toMatch(/172\.16|192\.168/)
    // every public block plus private space adds up to the whole space: still named by the public blocks
    const w = verdict(tcp(22, 22, ['0.0.0.0/5', '8.0.0.0/7', '10.0.0.0/8', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1']))
    expect(w.reason).toContain('every public IPv4 address (all but private and reserved space) is admitted (0.0.0.0/5 in rule 1')
    expect(w.reason).not.toContain('10.0.0.0/8')
  })
  it('PASS: half the internet is not "open" (admits every address); the reason says how much', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/1']))).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/admits only 0\.0\.0\.0\/1 \(5\d\.\d% of public IPv4\)/) })
  })
  it('PASS: specific public addresses are restricted, not open', () => {
    expect(verdict(tcp(22, 22, ['1.2.3.4/32']))).toMatchObject({ status: 'PASS', reason: expect.stringContaining('admits only 1.2.3.4/32 (<0.01% of public IPv4)') })
  })
  it('PASS: the open halves on different ports do not add up', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/1']), tcp(3389, 3389, ['128.0.0.0/1'])).status).toBe('PASS')
  })
  it('PASS: another security group as the source; open ports elsewhere do not count', () => {
    expect(verdict(tcp(22, 22, [], [], { UserIdGroupPairs: [{ GroupId: 'sg-bastion' }] }), tcp(443, 443, ['0.0.0.0/0'], ['::/0']))).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('members of sg-bastion')
    })
    expect(verdict()).toEqual({ status: 'PASS', reason: 'no inbound rule reaches port 22 or 3389' })
  })
  it('PASS: UDP 3389 open to the world does not expose the RDP login', () => {
    expect(verdict({ ...tcp(3389, 3389, ['0.0.0.0/0']), IpProtocol: 'udp' }).status).toBe('PASS')
  })
  it('UNKNOWN: a prefix list is not the internet, but its entries are not in the bundle', () => {
    expect(verdict(tcp(22, 22, [], [], { PrefixListIds: [{ PrefixListId: 'pl-0abc' }] }))).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringContaining('admits prefix list pl-0abc, whose entries are not in the bundle')
    })
  })
  it('a known open rule beats an unknown prefix list', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/0'], [], { PrefixListIds: [{ PrefixListId: 'pl-0abc' }] })).status).toBe('FAIL')
  })
  it('UNKNOWN: an unreadable CIDR', () => {
    expect(verdict(tcp(22, 22, ['0.0.0.0/33']))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('"0.0.0.0/33" is not an IPv4 CIDR block') })
  })
  it('lists the rules that reach the ports, for the evidence', () => {
    expect(securityGroupVerdict({ IpPermissions: [tcp(443, 443, ['0.0.0.0/0']), tcp(22, 22, ['10.0.0.0/8'])] }).rules).toEqual([1])
    expect(portFinding({ IpPermissions: [] }, 22, 'SSH').state).toBe('closed')
  })
})
