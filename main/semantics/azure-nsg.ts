// What an Azure network security group rule means (the NSG controls and their evidence): which
// inbound rules admit the internet to an administration port. The rule's fields are ARM's
// (properties.sourceAddressPrefix(es), destinationPortRange(s), protocol, access, direction), read
// from the ARM list or the Azure CLI's flattened output alike.
import { ADMIN_PORTS } from './port-sets'

/** One security rule, as the evidence keeps it (the `azure.nsg.config` facet's words). */
export interface NsgRule {
  name: string
  /** 100–4096; lower is evaluated first; null when the file does not say */
  priority: number | null
  direction: string | null
  access: string | null
  /** Tcp, Udp, Icmp, Esp, Ah or * */
  protocol: string | null
  /** sourceAddressPrefix and sourceAddressPrefixes together */
  sources: string[]
  /** destinationPortRange and destinationPortRanges together ("22", "3389-3390", "*") */
  ports: string[]
  /** the rule names application security groups as its source: their members are not the internet */
  sourceAsgs: number
}

/** The administration ports the controls are about (Prowler network_ssh/rdp_internet_access_restricted): the one list of port-sets.ts. */
export { ADMIN_PORTS }

/**
 * A source prefix that stands for any internet address: "*", "Internet", "Any", 0.0.0.0/0, ::/0 (and
 * Prowler's "0.0.0.0", "<nw>/0", "/0" spellings).
 */
export function isInternetSource(prefix: string): boolean {
  const p = prefix.trim().toLowerCase()
  return p === '*' || p === 'internet' || p === 'any' || p === '0.0.0.0' || p === '0.0.0.0/0' || p === '::/0' || p === '<nw>/0' || p === '/0'
}

/** Whether a port range of a rule ("22", "20-25", "*") includes `port`. */
export function rangeIncludes(range: string, port: number): boolean {
  const r = range.trim()
  if (r === '*') return true
  const m = /^(\d+)(?:-(\d+))?$/.exec(r)
  if (!m) return false
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  return lo <= port && port <= hi
}

/** The admin ports an inbound Allow rule opens to the internet ([] when it opens none of them). */
export function adminPortsOpened(r: NsgRule): Array<{ port: number; name: string }> {
  if ((r.direction ?? '').toLowerCase() !== 'inbound' || (r.access ?? '').toLowerCase() !== 'allow') return []
  const proto = (r.protocol ?? '').toLowerCase()
  if (proto !== 'tcp' && proto !== '*') return []
  if (!r.sources.some(isInternetSource)) return []
  return ADMIN_PORTS.filter((a) => r.ports.some((p) => rangeIncludes(p, a.port)))
}

/** Whether every port the rule opens is an admin port (deleting it takes nothing else away). */
export function onlyAdminPorts(r: NsgRule): boolean {
  return r.ports.length > 0 && r.ports.every((p) => ADMIN_PORTS.some((a) => p.trim() === String(a.port)))
}

/** "allow-ssh (priority 100): SSH 22 from Internet" */
export function ruleText(r: NsgRule): string {
  const opened = adminPortsOpened(r)
  return `${r.name}${r.priority !== null ? ` (priority ${r.priority})` : ''}: ${opened.map((a) => `${a.name} ${a.port}`).join(', ')} from ${r.sources.filter(isInternetSource).join(', ')}`
}
