import { describe, expect, it } from 'vitest'
import { vaultFirewallVerdict } from './evaluate'
import { callerPlan, inIpRules } from './steps'

describe('azure.keyvault.firewall evaluator', () => {
  it('passes a Deny default action or public access disabled; fails Allow or no networkAcls', () => {
    expect(vaultFirewallVerdict({ publicNetworkAccess: 'Enabled', defaultAction: 'Deny' }).status).toBe('PASS')
    expect(vaultFirewallVerdict({ publicNetworkAccess: 'Disabled', defaultAction: 'Allow' }).status).toBe('PASS')
    expect(vaultFirewallVerdict({ publicNetworkAccess: null, defaultAction: 'Allow' }).status).toBe('FAIL')
    expect(vaultFirewallVerdict({ publicNetworkAccess: null, defaultAction: null })).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/no networkAcls/) })
  })
})

describe('Key Vault callers and what the fix keeps', () => {
  const caller = (address: string, o: { private?: boolean; trustedService?: string } = {}) => ({
    address,
    private: o.private ?? false,
    principals: [],
    applications: [],
    trustedService: o.trustedService ?? null,
    succeeded: 2,
    failed: 0,
    first: 1,
    last: 2
  })
  const cfg = {
    id: 'v',
    name: null,
    location: null,
    tags: {},
    publicNetworkAccess: null,
    networkAcls: { defaultAction: 'Allow', bypass: 'None', ipRules: ['198.51.100.0/24', '203.0.113.7'], virtualNetworkRules: [] },
    privateEndpoints: []
  }

  it('reads IP rules as addresses or ranges of the same family', () => {
    expect(inIpRules(['198.51.100.0/24'], '198.51.100.9')).toBe(true)
    expect(inIpRules(['203.0.113.7'], '203.0.113.7')).toBe(true)
    expect(inIpRules(['203.0.113.7/32'], '203.0.113.8')).toBe(false)
    expect(inIpRules(['::/0'], '198.51.100.9')).toBe(false)
  })

  it('pins public callers not yet in the IP rules; trusted services and private callers apart', () => {
    const p = callerPlan(cfg, [caller('198.51.100.9'), caller('192.0.2.1'), caller('52.178.10.4', { trustedService: 'Microsoft.Compute' }), caller('10.1.2.3', { private: true })])
    expect(p.pin.map((c) => c.address)).toEqual(['192.0.2.1'])
    expect(p.listed.map((c) => c.address)).toEqual(['198.51.100.9'])
    expect(p.trusted.map((c) => c.address)).toEqual(['52.178.10.4'])
    expect(p.priv.map((c) => c.address)).toEqual(['10.1.2.3'])
  })
})
