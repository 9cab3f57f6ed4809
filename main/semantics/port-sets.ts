// Named sets of ports the network controls ask about, defined once: the flow-log reader itemises the
// sources of every port a set names, and the security-group and NSG controls read their lists here.
//
// - admin: SSH (22) and RDP (3389), Security Hub EC2.13/EC2.14/EC2.53/EC2.54 and Prowler's
//   network_ssh/rdp_internet_access_restricted on Azure.
// - high-risk: Security Hub EC2.19 "Security groups should not allow unrestricted access to ports
//   with high risk", the ports AWS lists for it (Security Hub user guide, EC2 controls, EC2.19: the
//   Config rule restricted-common-ports, identifier RESTRICTED_INCOMING_TRAFFIC, evaluated with
//   blockedPorts = this list; https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19
//   and https://docs.aws.amazon.com/config/latest/developerguide/restricted-common-ports.html). The rule
//   checks TCP only.
// - authorised: Security Hub EC2.18's parameter authorizedTcpPorts (Config rule
//   vpc-sg-open-only-to-authorized-ports, VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS), AWS's default 80,443:
//   the set EC2.18 asks about is every port other than these.

/** A port and the service it is known for. */
export interface NamedPort {
  port: number
  name: string
}

/** A named set of TCP ports a control asks about. */
export interface PortSet {
  /** the set's key (step params name it) */
  id: 'admin' | 'high-risk'
  /** how texts name it: "SSH or RDP", "high-risk ports" */
  label: string
  /** how texts name its ports in short: "22/3389", "the high-risk ports" */
  short: string
  /** how texts name a session to one of them: "SSH/RDP session", "session to a high-risk port" */
  session: string
  /** and many: "SSH/RDP sessions", "sessions to high-risk ports" */
  sessions: string
  ports: readonly NamedPort[]
}

export const ADMIN_PORTS: readonly NamedPort[] = [
  { port: 22, name: 'SSH' },
  { port: 3389, name: 'RDP' }
]

/** Security Hub EC2.19's high-risk ports, in AWS's order. */
export const HIGH_RISK_PORTS: readonly NamedPort[] = [
  { port: 20, name: 'FTP data' },
  { port: 21, name: 'FTP' },
  { port: 22, name: 'SSH' },
  { port: 23, name: 'Telnet' },
  { port: 25, name: 'SMTP' },
  { port: 110, name: 'POP3' },
  { port: 135, name: 'MS RPC' },
  { port: 143, name: 'IMAP' },
  { port: 445, name: 'SMB' },
  { port: 1433, name: 'MS SQL Server' },
  { port: 1434, name: 'MS SQL Browser' },
  { port: 3000, name: 'Grafana and dev web servers' },
  { port: 3306, name: 'MySQL' },
  { port: 3389, name: 'RDP' },
  { port: 4333, name: 'mSQL' },
  { port: 5000, name: 'dev web servers, Docker registry' },
  { port: 5432, name: 'PostgreSQL' },
  { port: 5500, name: 'VNC' },
  { port: 5601, name: 'Kibana' },
  { port: 8080, name: 'HTTP alternate' },
  { port: 8088, name: 'Hadoop YARN' },
  { port: 8888, name: 'HTTP alternate, Jupyter' },
  { port: 9200, name: 'Elasticsearch' },
  { port: 9300, name: 'Elasticsearch nodes' }
]

/** Security Hub EC2.18's authorizedTcpPorts default: every other port open to the internet fails it. */
export const AUTHORISED_TCP_PORTS_DEFAULT: readonly number[] = [80, 443]

export const PORT_SETS: Readonly<Record<PortSet['id'], PortSet>> = {
  admin: { id: 'admin', label: 'SSH or RDP', short: '22/3389', session: 'SSH/RDP session', sessions: 'SSH/RDP sessions', ports: ADMIN_PORTS },
  'high-risk': {
    id: 'high-risk',
    label: 'high-risk ports',
    short: 'the high-risk ports',
    session: 'session to a high-risk port',
    sessions: 'sessions to high-risk ports',
    ports: HIGH_RISK_PORTS
  }
}

/**
 * The TCP ports whose inbound flows the flow-log reader itemises by source: every port of a named
 * set. Facts read before this list grew itemise the admin ports only (itemisedPortsOf).
 */
export const ITEMISED_PORTS: readonly number[] = [...new Set(Object.values(PORT_SETS).flatMap((s) => s.ports.map((p) => p.port)))].sort((a, b) => a - b)

/** What earlier versions itemised: the admin ports. */
export const ITEMISED_PORTS_BEFORE: readonly number[] = ADMIN_PORTS.map((p) => p.port)

/**
 * The ports itemised on every one of several interfaces, from each one's `itemisedPorts` (undefined
 * for facts read by an earlier version: the admin ports only). With no interface, every port: whether
 * any flow log covers the group is the coverage's question, not this one's.
 */
export function itemisedOnEvery(readings: ReadonlyArray<readonly number[] | undefined>): number[] {
  return ITEMISED_PORTS.filter((p) => readings.every((r) => (r ?? ITEMISED_PORTS_BEFORE).includes(p)))
}

/** "22 or 3389", "20, 21 or 22" */
export function portList(ports: readonly number[], joiner = 'or'): string {
  if (ports.length <= 1) return ports.join('')
  return `${ports.slice(0, -1).join(', ')} ${joiner} ${ports[ports.length - 1]}`
}

/** "neither port 22 nor 3389", "none of the high-risk ports (20, 21, …)" */
export function noneOf(set: PortSet): string {
  const ports = set.ports.map((p) => p.port)
  return ports.length === 2 ? `neither port ${ports[0]} nor ${ports[1]}` : `none of ${set.short} (${portList(ports)})`
}

/** "SSH (22)", or "port 9999" for a port no set names */
export function portName(port: number): string {
  const named = HIGH_RISK_PORTS.find((p) => p.port === port)
  return named ? `${named.name} (${port})` : `port ${port}`
}
