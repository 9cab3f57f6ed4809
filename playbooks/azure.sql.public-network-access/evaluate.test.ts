import { describe, expect, it } from 'vitest'
import { sqlPublicVerdict } from './evaluate'
import { droppableRules, ruleAdmits } from './steps'

describe('azure.sql.public-network-access evaluator', () => {
  it('passes Disabled, fails Enabled, and judges neither a missing nor another value', () => {
    expect(sqlPublicVerdict({ publicNetworkAccess: 'Disabled' }).status).toBe('PASS')
    expect(sqlPublicVerdict({ publicNetworkAccess: 'Enabled' }).status).toBe('FAIL')
    expect(sqlPublicVerdict({ publicNetworkAccess: null })).toMatchObject({ status: 'UNKNOWN', reason: expect.stringMatching(/does not give publicNetworkAccess/) })
    expect(sqlPublicVerdict({ publicNetworkAccess: 'SecuredByPerimeter' })).toMatchObject({ status: 'UNKNOWN', reason: expect.stringMatching(/SecuredByPerimeter/) })
  })
})

describe('SQL firewall rules and the clients seen', () => {
  const all = { name: 'AllowAll', start: '0.0.0.0', end: '255.255.255.255' }
  const azure = { name: 'AllowAllWindowsAzureIps', start: '0.0.0.0', end: '0.0.0.0' }
  const office = { name: 'office', start: '198.51.100.0', end: '198.51.100.15' }
  const vpn = { name: 'vpn', start: '203.0.113.10', end: '203.0.113.10' }
  const client = (address: string) => ({ address, private: false, principals: [], applications: [], trustedService: null, succeeded: 3, failed: 0, first: 1, last: 2 })

  it('reads a rule as its address range; the Azure services rule admits no range', () => {
    expect(ruleAdmits(office, '198.51.100.7')).toBe(true)
    expect(ruleAdmits(office, '198.51.100.16')).toBe(false)
    expect(ruleAdmits(all, '45.155.1.11')).toBe(true)
    expect(ruleAdmits(azure, '0.0.0.0')).toBe(false)
  })

  it('drops the widest rules first while every public client seen stays admitted, never the Azure services rule', () => {
    expect(droppableRules([all, azure, office, vpn], [client('198.51.100.7')])).toEqual([all, vpn])
    // a client only the whole-internet rule admits keeps it
    expect(droppableRules([all, office], [client('192.0.2.44')])).toEqual([office])
    // a client of Azure services (no IP rule names it) needs none of the IP rules
    expect(droppableRules([all, azure], [])).toEqual([all])
  })
})
