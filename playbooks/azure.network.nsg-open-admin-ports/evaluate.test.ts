import { describe, expect, it } from 'vitest'
import { evaluateNsgAdminPorts, nsgAdminVerdict } from './evaluate'
import { adminPortsOpened, isInternetSource, onlyAdminPorts, rangeIncludes, type NsgRule } from '../../main/semantics/azure-nsg'
import { loadBundle } from '../../main/semantics/inventory'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { tempDir } from '../../test/helpers/tmp'

const rule = (o: Partial<NsgRule>): NsgRule => ({
  name: 'r',
  priority: 100,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sources: ['*'],
  ports: ['22'],
  sourceAsgs: 0,
  ...o
})
const SUB = '5d8e2f31-7a4b-4c6d-9e0f-1a2b3c4d5e6f'
const id = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`

describe('azure.network.nsg-open-admin-ports', () => {
  it('an inbound Allow rule from any internet source to 22 or 3389 over TCP or any protocol is open', () => {
    for (const src of ['*', 'Internet', 'any', '0.0.0.0/0', '0.0.0.0', '::/0']) expect(isInternetSource(src), src).toBe(true)
    for (const src of ['10.0.0.0/8', 'VirtualNetwork', '203.0.113.0/24', 'AzureLoadBalancer']) expect(isInternetSource(src), src).toBe(false)
    expect(rangeIncludes('20-25', 22)).toBe(true)
    expect(rangeIncludes('3380-3388', 3389)).toBe(false)
    expect(adminPortsOpened(rule({ ports: ['*'], protocol: '*' })).map((a) => a.port)).toEqual([22, 3389])
    expect(adminPortsOpened(rule({ protocol: 'Udp' }))).toEqual([])
    expect(adminPortsOpened(rule({ access: 'Deny' }))).toEqual([])
    expect(adminPortsOpened(rule({ direction: 'Outbound' }))).toEqual([])
    expect(adminPortsOpened(rule({ sources: ['10.0.0.0/8', 'Internet'] })).map((a) => a.port)).toEqual([22])
    expect(onlyAdminPorts(rule({ ports: ['22', '3389'] }))).toBe(true)
    expect(onlyAdminPorts(rule({ ports: ['20-25'] }))).toBe(false)
  })

  it('FAIL names the rules; PASS when none is open', () => {
    expect(nsgAdminVerdict([rule({ name: 'allow-ssh', ports: ['22'] })])).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('allow-ssh (priority 100): SSH 22 from *')
    })
    expect(nsgAdminVerdict([rule({ sources: ['198.51.100.0/24'] })]).status).toBe('PASS')
    expect(nsgAdminVerdict([]).status).toBe('PASS')
  })

  it('reads network-security-groups.json in the ARM and the Azure CLI shapes; a group without its rules is UNKNOWN', async () => {
    const dir = tempDir()
    writeBundle(dir, {
      manifest: { scopes: [{ provider: 'azure', subscription: SUB }] },
      files: {
        [`azure/${SUB}/network-security-groups.json`]: {
          value: [
            {
              id: id('arm'),
              name: 'arm',
              properties: {
                securityRules: [
                  {
                    name: 'rdp',
                    properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: 'Internet', destinationPortRanges: ['3389', '443'] }
                  }
                ]
              }
            },
            // az network nsg list: properties flattened
            {
              id: id('cli'),
              name: 'cli',
              securityRules: [
                { name: 'ssh', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['10.0.0.0/8'], destinationPortRange: '22' }
              ]
            },
            { id: id('norules'), name: 'norules', properties: {} }
          ]
        }
      }
    })
    const bundle = await loadBundle(dir)
    const rows = evaluateNsgAdminPorts({ bundle, at: new Date(bundle.collectedAt), unusedKeyDays: 45, note: () => undefined })
    const by = Object.fromEntries(rows.map((r) => [r.resource, r]))
    expect(by[id('arm').toLowerCase()]).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('rdp (priority 100): RDP 3389 from Internet') })
    expect(by[id('cli').toLowerCase()].status).toBe('PASS')
    expect(by[id('norules').toLowerCase()]).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('securityRules') })
  })

  it('an absent network-security-groups.json is one UNKNOWN for the subscription', async () => {
    const dir = tempDir()
    writeBundle(dir, { manifest: { scopes: [{ provider: 'azure', subscription: SUB }] }, files: {} })
    const bundle = await loadBundle(dir)
    const rows = evaluateNsgAdminPorts({ bundle, at: new Date(bundle.collectedAt), unusedKeyDays: 45, note: () => undefined })
    expect(rows).toEqual([
      expect.objectContaining({ resource: `/subscriptions/${SUB}`, status: 'UNKNOWN', reason: expect.stringContaining('network-security-groups.json is not in the bundle') })
    ])
  })
})
