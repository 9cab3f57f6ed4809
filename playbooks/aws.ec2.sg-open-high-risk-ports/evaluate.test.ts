// The security-group kit asked EC2.19's question: the high-risk ports (port-sets.ts), the evaluator's
// reading, the ranges revoked and what the plan keeps.
import { describe, expect, it } from 'vitest'
import type { IpPermission } from '../../main/semantics/inventory'
import type { SgRuleConfig } from '../../main/semantics/facets'
import { securityGroupVerdict } from '../../main/controls/security-group/evaluate'
import { computeSgRevoke, onlySetPorts } from '../../main/controls/security-group/sg-revoke'
import { planSgFix, type SgUse } from '../../main/controls/security-group/sg-plan'
import { PORT_SETS } from '../../main/semantics/port-sets'
import { LastmileError } from '../../main/errors'

const HIGH = PORT_SETS['high-risk']
const tcp = (from: number, to: number, v4: string[] = [], v6: string[] = []): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: v4.map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 }))
})
const verdict = (...IpPermissions: IpPermission[]) => securityGroupVerdict({ IpPermissions }, HIGH).verdict
const rule = (protocol: string, fromPort: number | null, toPort: number | null, cidrs: string[]): SgRuleConfig => ({
  protocol,
  fromPort,
  toPort,
  cidrs,
  ipv6: [],
  prefixLists: [],
  groups: []
})

describe('aws.ec2.sg-open-high-risk-ports evaluator', () => {
  it('FAIL: a high-risk port open to 0.0.0.0/0 or ::/0, named', () => {
    expect(verdict(tcp(3306, 3306, ['0.0.0.0/0']))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('port 3306/tcp (MySQL) is open to the internet') })
    expect(verdict(tcp(9200, 9200, [], ['::/0']))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('port 9200/tcp (Elasticsearch) is open to the internet: every IPv6')
    })
  })
  it('FAIL: the ports one rule opens alike are named once with what opens them', () => {
    const v = verdict(tcp(20, 23, ['0.0.0.0/0']))
    expect(v.status).toBe('FAIL')
    expect(v.reason).toBe(
      'port 20/tcp (FTP data), port 21/tcp (FTP), port 22/tcp (SSH), port 23/tcp (Telnet) are open to the internet: every IPv4 address is admitted (0.0.0.0/0 in rule 1 (tcp 20-23))'
    )
  })
  it('PASS: ports no list names, UDP, and high-risk ports open only to a private range', () => {
    expect(verdict(tcp(443, 443, ['0.0.0.0/0']), tcp(6379, 6379, ['0.0.0.0/0']))).toMatchObject({
      status: 'PASS',
      reason: expect.stringMatching(/^no inbound rule reaches port 20, 21, 22/)
    })
    expect(verdict({ ...tcp(3306, 3306, ['0.0.0.0/0']), IpProtocol: 'udp' }).status).toBe('PASS')
    expect(verdict(tcp(5432, 5432, ['10.0.0.0/16']))).toMatchObject({ status: 'PASS', reason: expect.stringContaining('port 5432/tcp (PostgreSQL) admits only 10.0.0.0/16') })
  })
  it('the admin set does not answer for the high-risk ports: 3306 open is EC2.19, not EC2.13', () => {
    expect(securityGroupVerdict({ IpPermissions: [tcp(3306, 3306, ['0.0.0.0/0'])] }).verdict.status).toBe('PASS')
  })
})

describe('aws.ec2.sg-open-high-risk-ports fix', () => {
  it('a rule that opens only high-risk ports closes nothing else; a wider one does', () => {
    expect(onlySetPorts(tcp(20, 23, []), HIGH)).toBe(true)
    expect(onlySetPorts(tcp(1433, 1434, []), HIGH)).toBe(true)
    expect(onlySetPorts(tcp(20, 25, []), HIGH)).toBe(false)
    expect(onlySetPorts({ IpProtocol: '-1' }, HIGH)).toBe(false)
    const r = computeSgRevoke('sg-1', [rule('tcp', 20, 23, ['0.0.0.0/0', '198.51.100.0/24'])], HIGH)
    expect(r.permissions).toEqual([{ IpProtocol: 'tcp', FromPort: 20, ToPort: 23, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }])
    expect(r.sideEffects).toEqual([])
    expect(r.after.status).toBe('PASS')
    expect(() => computeSgRevoke('sg-1', [rule('tcp', 443, 443, ['0.0.0.0/0'])], HIGH)).toThrow(/none of the high-risk ports \(20, 21, 22/)
  })

  const use = (over: Partial<SgUse>): SgUse => ({
    enis: ['eni-1'],
    flowEnis: ['eni-1'],
    adminFlows: [],
    adminFlowsOverflow: { flows: 0, sessions: 0 },
    portFlowsOverflow: [],
    itemisedPorts: HIGH.ports.map((p) => p.port),
    servedPorts: [],
    servedIncomplete: [],
    ...over
  })
  const flow = (port: number, src: string, sessions: number) => ({
    eni: 'eni-1',
    port,
    src,
    flows: sessions,
    sessions,
    synOnly: 0,
    packets: 40 * sessions,
    bytes: 9000 * sessions,
    first: '2026-10-01T00:00:00.000Z',
    last: '2026-11-01T00:00:00.000Z',
    tcpFlags: true
  })
  const served = (port: number, sessions: number) => ({
    eni: 'eni-1',
    protocol: 6,
    port,
    sessions,
    probes: 0,
    sources: 3,
    ipv4: true,
    ipv6: false,
    days: ['2026-11-01'],
    first: '2026-10-01T00:00:00.000Z',
    last: '2026-11-01T00:00:00.000Z'
  })

  it('admits the private clients of a high-risk port first, and never authorizes a high-risk port back from the revoked range', () => {
    const plan = planSgFix(
      'sg-1',
      [rule('tcp', 0, 65535, ['0.0.0.0/0'])],
      use({ adminFlows: [flow(3306, '10.31.7.21', 12), flow(22, '10.1.1.1', 0)], servedPorts: [served(443, 90), served(3306, 12)] }),
      '2026-08-22T00:00:00Z',
      HIGH
    )
    expect(plan.keep.map((k) => [k.kind, k.permission.FromPort, k.permission.IpRanges?.[0]?.CidrIp])).toEqual([
      ['port', 443, '0.0.0.0/0'],
      ['source', 3306, '10.31.7.21/32']
    ])
    expect(plan.keep[1].permission.IpRanges?.[0]?.Description).toContain('seen in sessions to high-risk ports')
    expect(plan.unknown).toEqual([])
  })

  it('facts read before the high-risk ports were itemised leave the plan unknown, never "nobody"', () => {
    const plan = planSgFix('sg-1', [rule('tcp', 3306, 3306, ['0.0.0.0/0'])], use({ itemisedPorts: [22, 3389] }), null, HIGH)
    expect(plan.unknown.join()).toMatch(/earlier version of Lastmile that itemised the sources of 22 and 3389 only, not of 20, 21, 23/)
    const over = planSgFix('sg-1', [rule('tcp', 3306, 3306, ['0.0.0.0/0'])], use({ portFlowsOverflow: [{ port: 3306, flows: 4, sessions: 3, synOnly: 1 }] }), null, HIGH)
    expect(over.unknown).toEqual(['3 sessions to the high-risk ports came from sources the evidence counted but did not itemise'])
  })

  it('refuses a group with no high-risk port open', () => {
    expect(() => planSgFix('sg-1', [rule('tcp', 443, 443, ['0.0.0.0/0'])], null, null, HIGH)).toThrow(LastmileError)
  })
})
