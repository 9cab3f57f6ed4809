import { describe, expect, it } from 'vitest'
import { covers, internetShare, openness, parseCidr, parseIpv6, size, subtract, union, type Cidr } from './cidr'

const c = (...texts: string[]): Cidr[] => texts.map((t) => parseCidr(t)!)

describe('CIDR parsing', () => {
  it('parses IPv4 and IPv6 blocks into inclusive bigint ranges', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8, start: 0x0a000000n, end: 0x0affffffn })
    expect(parseCidr('1.2.3.4')).toMatchObject({ prefix: 32, start: 0x01020304n, end: 0x01020304n })
    expect(parseCidr('::/0')).toMatchObject({ family: 6, start: 0n, end: (1n << 128n) - 1n })
    expect(parseCidr('2001:db8::/32')!.start).toBe(0x20010db8n << 96n)
    expect(parseIpv6('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | 0xc0000201n)
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n)
  })

  it('clears host bits like EC2 does', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ start: 0x0a000000n, end: 0x0affffffn })
  })

  it('refuses what is not a CIDR block', () => {
    for (const bad of ['256.0.0.0/8', '10.0.0.0/33', '1.2.3/24', 'fe80::1::2/64', '::/129', 'anywhere', '10.0.0.0/x', '1:2:3:4:5:6:7:8:9/64']) {
      expect(parseCidr(bad)).toBeNull()
    }
  })
})

describe('interval arithmetic', () => {
  it('merges overlapping and adjacent intervals', () => {
    expect(
      union([
        [5n, 9n],
        [0n, 4n],
        [20n, 30n],
        [25n, 40n]
      ])
    ).toEqual([
      [0n, 9n],
      [20n, 40n]
    ])
    expect(
      size([
        [0n, 9n],
        [5n, 14n]
      ])
    ).toBe(15n)
  })
  it('covers and subtracts', () => {
    expect(
      covers(
        [
          [0n, 4n],
          [5n, 9n]
        ],
        [[0n, 9n]]
      )
    ).toBe(true)
    expect(
      covers(
        [
          [0n, 4n],
          [6n, 9n]
        ],
        [[0n, 9n]]
      )
    ).toBe(false)
    expect(subtract([[0n, 9n]], [[3n, 4n]])).toEqual([
      [0n, 2n],
      [5n, 9n]
    ])
  })
})

describe('openness: do the blocks, together, admit the internet?', () => {
  it('0.0.0.0/0 and ::/0 are the whole space', () => {
    expect(openness(4, c('0.0.0.0/0'))).toBe('whole-space')
    expect(openness(6, c('::/0'))).toBe('whole-space')
  })
  it('0.0.0.0/1 + 128.0.0.0/1 is the whole space; either half alone is not', () => {
    expect(openness(4, c('0.0.0.0/1', '128.0.0.0/1'))).toBe('whole-space')
    expect(openness(4, c('0.0.0.0/1'))).toBe('partial')
    expect(openness(4, c('128.0.0.0/1'))).toBe('partial')
  })
  it('every block but private space is still every internet address', () => {
    // the classic "everything except RFC 1918" list
    const allButPrivate = c(
      '0.0.0.0/5',
      '8.0.0.0/7',
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/3',
      '160.0.0.0/5',
      '168.0.0.0/6',
      '172.0.0.0/12',
      '172.32.0.0/11',
      '172.64.0.0/10',
      '172.128.0.0/9',
      '173.0.0.0/8',
      '174.0.0.0/7',
      '176.0.0.0/4',
      '192.0.0.0/9',
      '192.128.0.0/11',
      '192.160.0.0/13',
      '192.169.0.0/16',
      '192.170.0.0/15',
      '192.172.0.0/14',
      '192.176.0.0/12',
      '192.192.0.0/10',
      '193.0.0.0/8',
      '194.0.0.0/7',
      '196.0.0.0/6',
      '200.0.0.0/5',
      '208.0.0.0/4'
    )
    expect(openness(4, allButPrivate)).toBe('every-internet-address')
    // drop one public /8 and it is no longer everything
    expect(
      openness(
        4,
        allButPrivate.filter((x) => x.text !== '11.0.0.0/8')
      )
    ).toBe('partial')
  })
  it('a rule to specific public addresses is restricted, however public they are', () => {
    expect(openness(4, c('1.2.3.4/32'))).toBe('partial')
    expect(openness(4, c('52.0.0.0/8'))).toBe('partial')
    expect(openness(6, c('2600:1f18::/32'))).toBe('partial')
  })
  it('IPv6: all of global unicast (2000::/3) is the internet; ULA space is not', () => {
    expect(openness(6, c('2000::/3'))).toBe('every-internet-address')
    expect(openness(6, c('::/1'))).toBe('every-internet-address')
    expect(openness(6, c('fc00::/7'))).toBe('partial')
  })
  it('families do not mix: ::/0 does not open IPv4', () => {
    expect(openness(4, c('::/0'))).toBe('partial')
  })
  it('reports the share of the public space admitted', () => {
    expect(internetShare(4, c('0.0.0.0/0'))).toBe(1)
    expect(internetShare(4, c('10.0.0.0/8'))).toBe(0)
    const half = internetShare(4, c('0.0.0.0/1'))
    expect(half).toBeGreaterThan(0.5)
    expect(half).toBeLessThan(0.6)
  })
})
