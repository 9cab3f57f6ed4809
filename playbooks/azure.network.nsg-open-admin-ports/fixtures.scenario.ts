// azure.network.nsg-open-admin-ports's fixture world: six network security groups of one subscription,
// one for each way the investigation can end. Flow logs (version 2), where an NSG has them, hold a
// record every 12 hours: internet scanners knocking on the open port (a SYN and the end of a flow
// that carried nothing), and, for some, real sessions.
import { at, nsg, nsgFlowRecord, nsgRule, prowlerFinding, type Expected, type Json, type World } from '../../test/casegen/world'

const SUBSCRIPTION = '5d8e2f31-7a4b-4c6d-9e0f-1a2b3c4d5e6f'
const idOf = (rg: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}`
const nicOf = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-vms/providers/Microsoft.Network/networkInterfaces/${name}`
const subnetOf = (vnet: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000)
/** A scanner: the flow begins, and ends having sent three bare packets. */
const scan = (t: string, src: string, dst: string, port: number, k: number): string[] => [
  `${epoch(t)},${src},${dst},${40000 + k},${port},T,I,A,B,,,,`,
  `${epoch(t) + 2},${src},${dst},${40000 + k},${port},T,I,A,E,3,180,2,120`
]
/** An administrator's session: begins, and ends after a few minutes of traffic both ways. */
const session = (t: string, src: string, dst: string, port: number, k: number): string[] => [
  `${epoch(t)},${src},${dst},${50000 + k},${port},T,I,A,B,,,,`,
  `${epoch(t) + 600},${src},${dst},${50000 + k},${port},T,I,A,E,412,61844,530,402113`
]

/** Records every 12 hours from `fromDay` to the window's end, each with what `traffic` puts in it. */
function flows(w: World, id: string, rule: string, traffic: (time: string, k: number) => string[], fromDay = 0): void {
  const z = w.subscription(SUBSCRIPTION)
  const list: Json[] = []
  for (let k = fromDay * 2; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    list.push(
      nsgFlowRecord(id, time, '000D3A4F0C21', [
        { rule: `UserRule_${rule}`, tuples: traffic(time, k) },
        { rule: 'DefaultRule_DenyAllInBound', tuples: [`${epoch(time) + 30},185.220.101.${k % 250},10.20.1.4,${30000 + k},445,T,I,D,B,,,,`] }
      ])
    )
  }
  z.nsgFlows.set(id, list)
}

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const add = (rg: string, name: string, rules: Json[], nics: string[] | null, subnets: string[] | null, owner: string): string => {
    const id = idOf(rg, name)
    z.nsgs.push(nsg({ id, rules, nics, subnets, tags: { Owner: owner } }))
    return id
  }
  // a jump host administered over SSH from an engineer's home address
  const jump = add('rg-ops', 'nsg-jumphost', [nsgRule({ name: 'allow-ssh-internet', priority: 100, source: '*', ports: '22' })], [nicOf('vm-jump-nic')], [], 'platform')
  flows(w, jump, 'allow-ssh-internet', (t, k) => (k % 3 === 0 ? session(t, '203.0.113.50', '10.20.1.4', 22, k) : scan(t, `45.${k % 200}.17.9`, '10.20.1.4', 22, k)))
  // RDP open on a web subnet: only scanners from the internet; the admins connect from the VNet
  const web = add(
    'rg-web',
    'nsg-web-subnet',
    [nsgRule({ name: 'allow-https', priority: 100, source: 'Internet', ports: '443' }), nsgRule({ name: 'allow-rdp', priority: 110, source: 'Internet', ports: '3389' })],
    [],
    [subnetOf('vnet-prod', 'snet-web')],
    'web-team'
  )
  flows(w, web, 'allow-rdp', (t, k) => [...scan(t, `89.248.${k % 200}.81`, '10.20.2.5', 3389, k), ...(k % 4 === 0 ? session(t, '10.20.9.7', '10.20.2.5', 3389, k) : [])])
  // flow logs turned on 60 days into the window
  const legacy = add(
    'rg-legacy',
    'nsg-legacy-app',
    [nsgRule({ name: 'ssh-any', priority: 200, source: '0.0.0.0/0', ports: ['22', '3389'] })],
    [nicOf('vm-legacy-nic')],
    null,
    'legacy-apps'
  )
  flows(w, legacy, 'ssh-any', (t, k) => scan(t, `141.98.${k % 200}.22`, '10.20.3.6', 22, k), 60)
  // associated with nothing: the rule reaches no machine
  add('rg-ops', 'nsg-unused', [nsgRule({ name: 'rdp-from-anywhere', priority: 300, source: 'Any', ports: '3389' })], [], [], 'platform')
  // SSH only from the office range: nothing open to the internet any more
  add('rg-ops', 'nsg-bastion', [nsgRule({ name: 'ssh-office', priority: 100, source: '198.51.100.0/24', ports: '22' })], [nicOf('vm-bastion-nic')], [], 'platform')
  // one rule opens every port to the internet: deleting it would take the web ports away too
  const wide = add(
    'rg-web',
    'nsg-wide-open',
    [nsgRule({ name: 'allow-all-internet', priority: 100, source: '*', ports: '*', protocol: '*' })],
    [nicOf('vm-test-nic')],
    [],
    'qa-team'
  )
  flows(w, wide, 'allow-all-internet', (t, k) => scan(t, `45.155.${k % 200}.11`, '10.20.4.7', 3389, k))

  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [jump, 'ssh', 'UNSAFE', { open: 'yes', 'internet-sessions': 'yes' }, 'an engineer administers it over SSH from 203.0.113.50', { 'internet-sessions': '203.0.113.50' }],
    [
      web,
      'rdp',
      'SAFE',
      { open: 'yes', 'admin-only': 'yes', attached: 'yes', 'internet-sessions': 'no' },
      'only scanners reached RDP from the internet; the admins come from the virtual network',
      { 'internet-sessions': 'no session from an internet address went through allow-rdp' }
    ],
    [legacy, 'ssh', 'RISKY', { open: 'yes', 'internet-sessions': 'unknown', attached: 'yes' }, 'its flow logs cover only the last 30 days'],
    [idOf('rg-ops', 'nsg-unused'), 'rdp', 'SAFE', { open: 'yes', attached: 'no' }, 'associated with nothing', { attached: 'no network interface and no subnet' }],
    [idOf('rg-ops', 'nsg-bastion'), 'ssh', 'SAFE', { open: 'no' }, 'a stale finding: SSH is open only to the office range'],
    [wide, 'rdp', 'RISKY', { open: 'yes', 'admin-only': 'no' }, 'the rule opens every port, not only RDP', { 'admin-only': 'allow-all-internet opens *' }]
  ]
  for (const [id, kind, verdict, steps, why, says] of cases) {
    const name = id.split('/').pop()!
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'azure',
        account: SUBSCRIPTION,
        region: 'westeurope',
        check: kind === 'ssh' ? 'network_ssh_internet_access_restricted' : 'network_rdp_internet_access_restricted',
        title: kind === 'ssh' ? 'Ensure that SSH access from the Internet is evaluated and restricted' : 'Ensure that RDP access from the Internet is evaluated and restricted',
        severity: 'High',
        service: 'network',
        resourceType: 'AzureNetworkSecurityGroup',
        resourceUid: id,
        resourceName: name,
        detail: `Security Group ${name} from subscription ${SUBSCRIPTION} has ${kind === 'ssh' ? 'SSH' : 'RDP'} internet access.`
      })
    )
    w.expect({ control: 'azure.network.nsg-open-admin-ports', resource: id.toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
