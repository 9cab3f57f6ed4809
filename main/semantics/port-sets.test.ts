import { describe, expect, it } from 'vitest'
import { ADMIN_PORTS, AUTHORISED_TCP_PORTS_DEFAULT, HIGH_RISK_PORTS, ITEMISED_PORTS, ITEMISED_PORTS_BEFORE, itemisedOnEvery, PORT_SETS, portList, portName } from './port-sets'
import { ADMIN_PORTS as NSG_ADMIN_PORTS } from './azure-nsg'

describe('named port sets', () => {
  it("EC2.19's high-risk ports are AWS's 24, in its order; EC2.18 authorises 80 and 443 by default", () => {
    expect(HIGH_RISK_PORTS.map((p) => p.port)).toEqual([
      20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300
    ])
    expect(AUTHORISED_TCP_PORTS_DEFAULT).toEqual([80, 443])
  })

  it('the admin ports are one list, shared by the NSG code, and part of the high-risk set', () => {
    expect(NSG_ADMIN_PORTS).toBe(ADMIN_PORTS)
    expect(ADMIN_PORTS.map((p) => p.port)).toEqual([22, 3389])
    for (const a of ADMIN_PORTS) expect(HIGH_RISK_PORTS.find((p) => p.port === a.port)?.name).toBe(a.name)
  })

  it('the flow-log reader itemises every port of every set, and earlier versions itemised the admin ports', () => {
    for (const set of Object.values(PORT_SETS)) for (const p of set.ports) expect(ITEMISED_PORTS).toContain(p.port)
    expect(ITEMISED_PORTS).toHaveLength(24)
    expect(ITEMISED_PORTS_BEFORE).toEqual([22, 3389])
  })

  it('a port is itemised for a group only when every interface itemised it: facts of earlier versions itemised 22 and 3389', () => {
    expect(itemisedOnEvery([ITEMISED_PORTS, ITEMISED_PORTS])).toEqual(ITEMISED_PORTS)
    expect(itemisedOnEvery([ITEMISED_PORTS, undefined])).toEqual([22, 3389])
    expect(
      itemisedOnEvery([
        [22, 3389, 5432],
        [22, 5432]
      ])
    ).toEqual([22, 5432])
    expect(itemisedOnEvery([])).toEqual(ITEMISED_PORTS)
  })

  it('names ports for texts', () => {
    expect(portList([22, 3389])).toBe('22 or 3389')
    expect(portList([20, 21, 22], 'and')).toBe('20, 21 and 22')
    expect(portList([5432])).toBe('5432')
    expect(portName(5432)).toBe('PostgreSQL (5432)')
    expect(portName(9999)).toBe('port 9999')
  })
})
